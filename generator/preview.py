# `serve`'s first answer to an edited document. After a save, `serve` regenerates the
# whole site (pipeline.generate), which nationally takes about half a minute: most of
# it is reading and checking every file and asking questions of the whole corpus. The
# pages a maintainer looks at after editing a document (its own page, its
# municipality's page and year pages, and those of every document linked to it: the
# scope rendercache.scopes names) read only the documents of that scope. So they are
# rendered first, from the corpus the last generation left with the edited documents
# read again, and only the documents of their scope asked questions of. The rest of
# the site (overviews, themes, organisations, downloads, search data) follows with
# the whole generation, which writes these pages again only if they differ.
#
# The quick pages are the whole generation's, byte for byte:
# tests/test_preview.py renders them both ways for every document of the bundled data
# and of a national slice. Whatever the quick step cannot vouch for (a registry or a
# source text edited, a file added or removed, a problem in the edited file, a title
# or a link between documents changed, which changes the navigation or the scope, or
# more documents changed at once than an edit changes) it leaves to the whole
# generation, which reports problems as `build` does.
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from . import comparisons
from . import model as m
from .cache import SourceCache
from .errors import Diagnostic
from .markup import TocToken
from .pages import plan_pages
from .publish import build_lock
from .queries import Queries
from .render import render_pages
from .rendercache import forget, scopes
from .sources import Source
from .validate import (
    Corpus,
    check_compare_marks,
    check_documents,
    check_parties,
    check_references,
    check_source_texts,
    collector_paused,
    document_digest,
    load_source,
    validate_model,
)
from .write import write_changed

# The pages of a municipality and its documents: the ones whose scope is the
# municipality's (pages.plan_pages). A theme's page in a province may have the same
# scope but reads which other provinces have the theme: it waits for the whole run.
SCOPED_TEMPLATES = frozenset({"document.html.j2", "municipality.html.j2", "year.html.j2"})

Stamps = dict[str, tuple[int, int, int]]  # path under data/ -> (inode, size, mtime)
# More documents changed at once than a maintainer edits between two saves (a `git pull`,
# another branch checked out): rendering each one's scope first would only hold up the
# whole generation, which makes them all anyway.
EDITED_AT_MOST = 4


def stamps(data_dir: Path) -> Stamps:
    """Every file under data/ as the file system sees it: telling which changed costs
    a stat per file (nationally a few hundredths of a second), not a read."""
    found: Stamps = {}
    for folder, dirs, names in os.walk(data_dir):
        dirs.sort()
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found[os.path.relpath(path, data_dir)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return found


@dataclass(frozen=True)
class Quick:
    changed: list[str]  # pages under build/docs whose file was written
    tocs: dict[str, list[TocToken]]  # of every page rendered, written or not


class Preview:
    """What `serve` keeps between edits: the corpus of the last whole generation (or
    of the last quick step) and the state of data/ it was read from."""

    def __init__(self, root: Path, data_dir: Path, content_dir: Path, docs_dir: Path,
                 build_dir: Path, cache_dir: Path) -> None:
        self.root, self.data_dir, self.content_dir = root, data_dir, content_dir
        self.docs_dir, self.build_dir, self.cache_dir = docs_dir, build_dir, cache_dir
        self.corpus: Corpus | None = None
        self.read: Stamps = {}

    def before_whole_run(self) -> Stamps:
        """Taken before the whole generation reads data/, so that an edit made while it
        runs still counts as an edit afterwards. The corpus kept is let go of: the whole
        generation reads its own (nationally, holding both made it a third slower)."""
        self.corpus = None
        return stamps(self.data_dir)

    def after_whole_run(self, corpus: Corpus | None, read: Stamps) -> None:
        """The corpus the whole generation made from data/ as `read` found it, or None
        when it failed (the next edit then waits for the whole generation too)."""
        self.corpus, self.read = corpus, read

    def edited(self) -> tuple[list[str], Stamps] | None:
        """The document files edited since the last whole generation, as messages show
        them (data/...), and data/ as it is now; None when anything else under data/
        changed (or nothing did)."""
        if self.corpus is None:
            return None
        now = stamps(self.data_dir)
        if now.keys() != self.read.keys():
            return None
        prefix = self.data_dir.relative_to(self.root).as_posix()
        shown = [f"{prefix}/{Path(path).as_posix()}" for path, stamp in now.items() if stamp != self.read[path]]
        documents = set(self.corpus.files.values())
        if not shown or len(shown) > EDITED_AT_MOST or not all(path in documents for path in shown):
            return None
        return shown, now

    def quick(self) -> Quick | None:
        """Render and write the pages of the edited documents' scopes; None when the edit
        is not one this can vouch for (the whole generation then does everything)."""
        found = self.edited()
        if found is None or self.corpus is None:
            return None
        edited, now = found
        with collector_paused():
            linked_before = scopes(self.corpus.documents, self.corpus.municipalities)
            corpus = self._read_again(self.corpus, edited, linked_before)
            if corpus is None:
                return None
            linked = scopes(corpus.documents, corpus.municipalities)
            refs = {ref for ref, path in corpus.files.items() if path in edited}
            municipalities = {corpus.document(ref).municipality for ref in refs}
            if any(sorted(linked[mun]) != sorted(linked_before[mun]) for mun in municipalities):
                return None  # a link between documents changed: so did the scopes
            pages: dict[str, bytes] = {}
            tocs: dict[str, list[TocToken]] = {}
            for scope in {tuple(sorted(linked[mun])) for mun in municipalities}:
                members = set(scope)
                part = dataclasses.replace(corpus, documents=[d for d in corpus.documents if d.ref in members])
                planned = [page for page in plan_pages(part, self.content_dir, Queries.build(part))
                           if page.template in SCOPED_TEMPLATES and page.scope and set(page.scope) == members]
                pages.update(render_pages(planned, tocs))
        with build_lock(self.build_dir, wait=True):
            # The record of rendered pages (rendercache.py) no longer matches these files.
            forget(self.cache_dir, sorted(pages))
            changed = write_changed(self.docs_dir, pages)
        # The next edit is told from this one; the whole generation reads all again.
        self.corpus, self.read = corpus, now
        return Quick(changed, tocs)

    def _read_again(self, corpus: Corpus, edited: list[str], linked: dict[str, list[str]]) -> Corpus | None:
        """The corpus with the edited documents read and checked again: the checks of
        one file, those that relate it to the registries and those that relate it to
        the documents linked to it (`linked`: rendercache.scopes); any problem, or a
        change of what the navigation shows of it, and None."""
        cache = SourceCache(self.cache_dir)
        by_path = {path: ref for ref, path in corpus.files.items()}
        replaced: dict[str, m.Document] = {}
        digests = dict(corpus.digests)
        try:
            for path in edited:
                source, found = load_source(self.root / path, path, cache)
                problems: list[Diagnostic] = list(found)
                doc = validate_model(source, m.Document, problems, found) if source is not None else None
                if source is None or doc is None or problems:
                    return None
                old = corpus.document(by_path[path])
                if _shown_in_navigation(doc) != _shown_in_navigation(old):
                    return None
                pair = [(doc, source)]
                # Its framework and the commitments it continues, or that continue its own,
                # are in the documents linked to it. Those were checked, and a problem of
                # theirs only tells that the edit is not quick: where does not matter.
                members = set(linked[doc.municipality]) - {doc.ref}
                linked_docs = [(d, Source(corpus.files[d.ref], None)) for d in corpus.documents
                               if d.ref in members]
                problems += check_references(source, corpus.organisations, corpus.themes)
                problems += check_documents(pair + linked_docs, corpus.municipalities, set(corpus.files))
                problems += check_parties(pair, corpus.municipalities, corpus.organisations)
                check_compare_marks(pair, corpus.comparables if comparisons.FILE in corpus.digests else None,
                                    problems)
                if doc.ref in corpus.source_texts:
                    text = corpus.source_texts[doc.ref]
                    check_source_texts(pair, {path: (self.root / path, self.root / text)},
                                       str, cache, problems)
                if problems:
                    return None
                replaced[doc.ref] = doc
                digests[doc.ref] = document_digest(source, doc.ref in corpus.source_texts)
        finally:
            cache.save()
        return dataclasses.replace(corpus, documents=[replaced.get(d.ref, d) for d in corpus.documents],
                                   digests=digests)


def _shown_in_navigation(doc: m.Document) -> tuple[object, ...]:
    """What the navigation and the order of documents read of a document."""
    return (doc.ref, doc.municipality, doc.title, doc.kind, doc.period, doc.framework)
