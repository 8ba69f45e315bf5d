# The orchestrator: the only module that knows the order of the stages.
#   Settings -> load + validate (Corpus | DataError) -> plan pages -> render
#   -> export downloads -> write build/docs + build/nav.json
# build() then runs `mkdocs build` on that tree into a fresh directory and swaps
# it into place only when everything succeeded, so a failure never leaves a
# half-written site/; which directory may be replaced, the build lock and the
# atomic swap are publish.py's.
from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from . import incremental, outputs, urls
from .comparison_views import export_comparisons
from .concreteness import decode as decode_concreteness
from .concreteness import encode as encode_concreteness
from .errors import DataError, GeneratorError, OutputConflict
from .export import export_all
from .imagecache import DIRECTORY as IMAGE_CACHE
from .imagecache import ImageCache
from .markup import TocToken
from .pages import plan_nav, plan_pages, plan_sources
from .previews import document_previews, preview_scopes
from .publish import Staging, build_lock, check_site_dir, helper_threads
from .queries import Queries
from .redirects import render_redirects
from .register import DATAPACKAGE, csv_files, descriptor, register_files, table_resources, table_workbooks
from .register import PIECES as REGISTER_PIECES
from .render import count_commitments, render_pages
from .rendercache import Entry, Rendered, page_keys, unit_keys, unit_name
from .schema import render_schemas
from .search import Previous, index_site, plan_search
from .share import (
    SITE_NAME,
    document_embeds,
    draw_share_images,
    feed_scopes,
    plan_share,
    render_share,
    share_cards,
)
from .shareimage import Card
from .validate import Corpus, collector_paused, load_corpus
from .write import (
    MANIFEST,
    collect_content,
    finish_by_manifest,
    link_dir,
    link_file,
    list_tree,
    merge,
    read_manifest,
    remove_stale,
    write_changed,
    write_json,
    write_share_by_manifest,
)

PLOTLY_ASSET = "assets/javascripts/plotly-basic.min.js"
# Set by `serve`: the hook then shows a data error in the browser instead of failing.
SERVE_ENV = "PRESTATIEAFSPRAKEN_SERVE"
# Set by build(): the builder renders only the pages; every other file the generator
# wrote into build/docs is hard-linked into the site afterwards (link_files).
FILES_LINKED_ENV = "PRESTATIEAFSPRAKEN_FILES_LINKED"

# The site builder, run as `python -m <BUILDER>`: ProperDocs, the maintained
# continuation of MkDocs 1.x, runs Material, mkdocs.yml and our hook unchanged
# and was not slower on the national benchmark (bench/README.md).
BUILDER = "properdocs"
PREVIEWS_STAGED = ".previews"
# Where the replaced site's previews are made build/previews' again (incremental.py).
PREVIEWS_RESCUED = "previews-rescued"
# Pagefind parts indexed at once. Nationally (8 parts, quiet 2-core machine) two at a
# time took 29.3 s against 37.8 s one at a time, at a peak of 1.39 GB against 0.95 GB:
# less than the generator's, which sets the build's peak.
SEARCH_JOBS = 2
# What a task sends back beside its files (outputs.Task.extra): the files of each
# document's downloads or previews it rendered (unit -> paths), for the record of
# what was rendered (rendercache.py).
UNIT_FILES = "unit files"
# And the Data Package resources of the tables among them (register.table_resources).
UNIT_RESOURCES = "unit resources"
# A share of the previews: the hash of each of its files, and those it wrote
# (write.write_share_by_manifest), for the manifest written once every share is done.
PREVIEW_HASHES = "preview hashes"
PREVIEWS_WRITTEN = "previews written"


@dataclass(frozen=True)
class Settings:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def cache_dir(self) -> Path:
        """Data files already read, by their text's hash (generator/cache.py)."""
        return self.build_dir / "cache"

    @property
    def docs_dir(self) -> Path:
        """The Markdown tree MkDocs reads (mkdocs.yml docs_dir)."""
        return self.build_dir / "docs"

    @property
    def vendor_files(self) -> dict[str, Path]:
        """Front-end files installed by `npm ci` (package-lock.json) that the site serves."""
        return {PLOTLY_ASSET: self.root / "node_modules/plotly.js-basic-dist-min/plotly-basic.min.js"}

    @property
    def previews_dir(self) -> Path:
        """Each commitment's own page (previews.py): tens of thousands nationally, so
        they bypass the builder and are linked into the finished site (build())."""
        return self.build_dir / "previews"

    @property
    def nav_file(self) -> Path:
        return self.build_dir / "nav.json"

    @property
    def sources_file(self) -> Path:
        """Page path -> repository path of the file behind it (for "edit this page")."""
        return self.build_dir / "sources.json"

    @property
    def search_file(self) -> Path:
        """Page path -> search metadata and filters (generator/search.py), for the theme."""
        return self.build_dir / "search.json"

    @property
    def toc_file(self) -> Path:
        """Page path -> table of contents of a page the generator wrote as HTML
        (render.py); the builder passes those pages through (hooks/generate.py)."""
        return self.build_dir / "toc.json"

    @property
    def share_file(self) -> Path:
        """Page path -> description, Open Graph type and Atom feeds (generator/share.py)."""
        return self.build_dir / "share.json"


@dataclass(frozen=True)
class Generated:
    corpus: Corpus
    files: dict[str, bytes]  # every file's bytes, when kept (generate(keep_files=True))
    changed: list[str]
    count: int = 0  # files written into build/docs and build/previews


@dataclass(frozen=True)
class Ready:
    """What build() takes over from the generator once everything the builder reads is
    written (_render's `ready`): the share images to draw (image path -> its card) and
    the files of build/docs removed as left by an earlier run (a site built on the
    previous one, incremental.py, still holds them)."""

    cards: list[tuple[str, Card]]
    removed: list[str]


def generate(settings: Settings, waiting: Callable[[str], None] | None = None,
             keep_files: bool = True, share_images: bool = True) -> Generated:
    """Write build/docs; waits while a build of the same checkout runs, after
    calling waiting(message) (the command line prints it). Without keep_files the
    result holds no file's bytes (what was written stays on disk only). Without
    share_images the link-preview images are neither drawn nor removed (`serve`:
    no page shows them; `build` draws every one)."""
    with build_lock(settings.build_dir, wait=True, waiting=waiting):
        return _generate(settings, keep_files, None if share_images else _images_left)


def _images_left(handed_over: Ready) -> None:
    """A `ready` that leaves the share images as they are."""


def _generate(settings: Settings, keep_files: bool = True,
              ready: Callable[[Ready], None] | None = None) -> Generated:
    corpus = load_corpus(settings.data_dir, settings.root, settings.cache_dir)
    # The corpus lives until the end: the cyclic garbage collector need not look at
    # it again on each of its passes while pages are rendered (unfrozen at the end,
    # so a long `serve` can still collect it). Frozen, it is also not written to by
    # the collector in the forked workers (outputs.py), so they share its memory.
    gc.freeze()
    try:
        return _render(settings, corpus, keep_files, ready)
    finally:
        gc.unfreeze()


def _render(settings: Settings, corpus: Corpus, keep_files: bool = True,
            ready: Callable[[Ready], None] | None = None) -> Generated:
    """With `ready`, the share images are not drawn here: ready() is given their cards
    once every other file is written, and build() draws them while the builder runs.
    This process, which holds the corpus, can then end before the builder needs its
    memory (nationally the corpus is most of this process's 0.8 GB, and the builder
    takes 0.9 GB, then Pagefind 1.3 GB)."""
    # The site's address (set by the publishing pipelines, the same for every build of a
    # commit) makes links in feeds, downloads, previews and share images absolute.
    site_url = os.environ.get("SITE_URL", "")
    # What the last build made and this one need not make again (rendercache.py),
    # starting with each document's concreteness, which reads the document alone.
    rendered = Rendered.load(settings.cache_dir)
    assessed = unit_keys("concreteness", {doc.ref: [doc.ref] for doc in corpus.documents},
                         corpus.digests, site_url)
    assessed_before = {doc.ref: k for doc in corpus.documents
                       if (entry := rendered.reusable(unit_name("concreteness", doc.ref),
                                                      assessed[unit_name("concreteness", doc.ref)],
                                                      settings.docs_dir))
                       and (k := decode_concreteness(entry.extra, count_commitments(doc)))}
    # One Queries per build: the pages and the feeds and embeds (share.py) ask it the
    # same questions, and it computes each chart and each commitment's record once.
    # It and the planned pages are, like the corpus, over a million objects that live
    # until the end and form no cycles: the cyclic garbage collector is paused while
    # they are made (its passes over them took a third of these two steps nationally)
    # and they are frozen with the corpus after.
    with collector_paused():
        queries = Queries.build(corpus, assessed_before)
        planned = plan_pages(corpus, settings.content_dir, queries)
    gc.freeze()
    # Over the documents in comprehensions here, not loops: a loop's name would still
    # lead to the last document when the corpus is let go of (below).
    assessed_now = {unit_name("concreteness", d.ref): encode_concreteness(queries.assessed(d))
                    for d in corpus.documents}
    for unit, extra in assessed_now.items():
        rendered.keep(unit, Entry(assessed[unit], [], extra))
    content = collect_content(settings.content_dir)
    docs, previews_dir = settings.docs_dir, settings.previews_dir
    parallel = len(corpus.documents) >= outputs.PARALLEL_DOCUMENTS
    # Pages in interleaved shares (each share holds pages of every kind, so the shares
    # take about as long), more shares than cores so a core that finishes early takes
    # the next; share images likewise. The pages in smaller shares still: a task holds
    # the files it made until it writes them (nationally 86 MB a share of four).
    shares = 2 * (os.cpu_count() or 1) if parallel else 1
    page_shares = 4 * shares

    # A page whose key is the one the last build recorded is not rendered again: its
    # file in build/docs and its table of contents are the last build's.
    keys = page_keys(planned, corpus.digests, site_url)
    reused = {path: entry for path, key in keys.items()
              if (entry := rendered.reusable(path, key, docs)) is not None}
    # A document's downloads and its previews likewise, each in its own directory.
    download_keys = unit_keys("downloads", {doc.ref: [doc.ref] for doc in corpus.documents},
                              corpus.digests, site_url)
    preview_keys = unit_keys("previews", preview_scopes(corpus), corpus.digests, site_url)
    unit_dirs = {**dict.fromkeys(download_keys, docs), **dict.fromkeys(preview_keys, previews_dir)}
    units = {**download_keys, **preview_keys}
    reused_units = {unit: entry for unit, key in units.items()
                    if (entry := rendered.reusable(unit, key, unit_dirs[unit])) is not None
                    # a document's downloads come with their tables' resources
                    and (unit not in download_keys or (isinstance(entry.extra, list)
                         and all(isinstance(r, dict) and isinstance(r.get("path"), str) for r in entry.extra)))}

    def pages_task(k: int) -> outputs.Task:
        tocs: dict[str, list[TocToken]] = {}
        share = planned[k::page_shares]
        return outputs.Task(f"pages {k + 1}/{page_shares}",
                            lambda: render_pages([p for p in share if p.path not in reused], tocs),
                            docs, extra=lambda: {"tocs": dict(tocs)},
                            kept=lambda: [p.path for p in share if p.path in reused])

    # The open data (register.export_register's files) in parts of similar size: the
    # documents' downloads and workbooks in shares, the register, and the comparisons
    # with the Data Package descriptor, which lists every CSV (the documents' again:
    # making them is a fraction of what the shares do, and no part waits for another).
    def downloads_task(k: int) -> outputs.Task:
        share = [doc for doc in corpus.documents[k::shares]
                 if unit_name("downloads", doc.ref) not in reused_units]
        made: dict[str, list[str]] = {}
        described: dict[str, list[dict[str, Any]]] = {}

        def render() -> dict[str, bytes]:
            files: dict[str, bytes] = {}
            owner: dict[str, str] = {}  # a file -> its document's unit
            for doc in share:
                unit = unit_name("downloads", doc.ref)
                own = export_all(corpus, [doc])
                owner.update(dict.fromkeys(own, unit))
                owner[urls.document_tables_xlsx(doc)] = unit
                files.update(own)
            # The share's tables at once (the calls look up every document), as the Data
            # Package lists them, kept with each document's files, and their workbooks.
            resources = table_resources(corpus, csv_files(files))
            files.update(table_workbooks(corpus, csv_files(files), resources))
            for unit in dict.fromkeys(owner.values()):
                made[unit], described[unit] = [], []
            for path in sorted(files):
                made[owner[path]].append(path)
            for resource in resources:
                described[owner[f"{urls.DOWNLOADS}/{resource['path']}"]].append(resource)
            return files
        return outputs.Task(f"downloads {k + 1}/{shares}", render, docs,
                            extra=lambda: {UNIT_FILES: dict(made), UNIT_RESOURCES: dict(described)},
                            kept=lambda: [rel for doc in corpus.documents[k::shares]
                                          if (entry := reused_units.get(unit_name("downloads", doc.ref)))
                                          for rel in entry.files])

    # The comparisons' downloads; the Data Package descriptor, which lists them with every
    # document's tables, is written once these and the documents' downloads are made.
    compared_resources: list[dict[str, Any]] = []

    def comparisons() -> dict[str, bytes]:
        files = export_comparisons(corpus, site_url)
        compared_resources[:] = table_resources(corpus, csv_files(files))
        files.update(table_workbooks(corpus, csv_files(files), compared_resources))
        return files

    # A page per commitment whose link previews its text, kept apart (previews_dir),
    # rendered per document, in shares as small as the pages' (in one task they were
    # held whole until written: nationally 282 MB). Each share writes what differs
    # from the manifest as it was before any share wrote; the manifest is written
    # once all are done (write.finish_by_manifest).
    kept_previews = [rel for unit in preview_keys if (entry := reused_units.get(unit))
                     for rel in entry.files]
    known_previews = read_manifest(previews_dir)

    def previews_task(k: int) -> outputs.Task:
        share = [doc for doc in corpus.documents[k::page_shares]
                 if unit_name("previews", doc.ref) not in reused_units]
        made: dict[str, list[str]] = {}
        hashes: dict[str, str] = {}
        wrote: list[str] = []

        def render() -> dict[str, bytes]:
            files: dict[str, bytes] = {}
            for ref, own in document_previews(corpus, SITE_NAME, site_url, queries, share).items():
                made[unit_name("previews", ref)] = sorted(own)
                files.update(own)
            return files

        def write(directory: Path, files: dict[str, bytes]) -> list[str]:
            share_hashes, wrote[:] = write_share_by_manifest(directory, files, known_previews)
            hashes.update(share_hashes)
            return wrote

        return outputs.Task(f"previews {k + 1}/{page_shares}", render, previews_dir, write=write,
                            extra=lambda: {UNIT_FILES: dict(made), PREVIEW_HASHES: dict(hashes),
                                           PREVIEWS_WRITTEN: dict.fromkeys(wrote, True)},
                            kept=(lambda: kept_previews) if k == 0 else None)

    # The documents' share images are drawn from their cards alone (nothing else of the
    # data): by a task here, or, under build(), by the process that started this one
    # (draw_images), which holds no corpus, while the builder runs.
    cards = list(share_cards(corpus, site_url).items())
    image_cache = ImageCache(settings.cache_dir / IMAGE_CACHE) if site_url and ready is None else None

    def images_task(k: int) -> outputs.Task:
        share = dict(cards[k::shares])
        used: set[str] = set()
        return outputs.Task(f"share images {k + 1}/{shares}",
                            lambda: draw_share_images(share, settings.root, image_cache, used),
                            docs, extra=lambda: {IMAGE_CACHE: dict.fromkeys(sorted(used), True)})

    # What the builder reads: the pages, the files Markdown pages link to (downloads,
    # content), and the previews, which build() links while the builder runs. The
    # longest tasks first: a long task taken last keeps one core busy while the other
    # has nothing left (the register, which is joined again in every build, and,
    # below, the feeds and embeds, then the shares, however few of their pages changed).
    tasks = [
        outputs.Task("register", lambda: register_files(corpus, queries.records, site_url,
                                                         settings.cache_dir / REGISTER_PIECES), docs),
        *[pages_task(k) for k in range(page_shares)],
        *[previews_task(k) for k in range(page_shares)],
        *[downloads_task(k) for k in range(shares)],
        outputs.Task("comparisons", comparisons, docs,
                     extra=lambda: {UNIT_RESOURCES: {"comparisons": list(compared_resources)}}),
        outputs.Task("content and other files", lambda: merge(
            content, {f"schema/{name}": data for name, data in render_schemas().items()},
            render_redirects(corpus.redirects),  # old URLs that keep working
            collect_vendor(settings.vendor_files)), docs),
    ]
    # A document's chart embeds read what its page reads: kept likewise.
    scope_of = {page.path: page.scope for page in planned}
    embed_keys = unit_keys("embeds", {doc.ref: scope_of[urls.document_page(doc)] or list(corpus.digests)
                                      for doc in corpus.documents}, corpus.digests, site_url)
    kept_embeds = {unit: entry for unit, key in embed_keys.items()
                   if (entry := rendered.reusable(unit, key, docs)) is not None}
    # A feed lists the entries of its page's documents: kept likewise, by that
    # page's scope (a feed whose page has none is made on every build).
    feeds = feed_scopes(corpus, scope_of)
    feed_keys = unit_keys("feed", {path: scope for path, scope in feeds.items() if scope is not None},
                          corpus.digests, site_url)
    kept_feeds = {unit: entry for unit, key in feed_keys.items()
                  if (entry := rendered.reusable(unit, key, docs)) is not None}
    units.update(embed_keys)
    units.update(feed_keys)
    reused_units.update(kept_embeds)
    reused_units.update(kept_feeds)
    unit_files: dict[str, list[str]] = {}

    def feeds_and_embeds() -> dict[str, bytes]:
        made = [path for path in feeds if unit_name("feed", path) not in kept_feeds]
        files = render_share(corpus, site_url, queries, [], feeds=made)  # and robots.txt
        unit_files.update({unit_name("feed", path): [path] for path in made
                            if unit_name("feed", path) in feed_keys})
        for ref, own in document_embeds(corpus, queries, [
                doc for doc in corpus.documents if unit_name("embeds", doc.ref) not in kept_embeds]).items():
            unit_files[unit_name("embeds", ref)] = sorted(own)
            files.update(own)
        return files

    # Files the builder does not read: the feeds, the chart embeds and (but under build())
    # the share images.
    tasks.insert(1, outputs.Task("feeds and embeds", feeds_and_embeds, docs,
                                 extra=lambda: {UNIT_FILES: dict(unit_files)},
                                 kept=lambda: [path for entry in [*kept_embeds.values(),
                                                                  *kept_feeds.values()]
                                               for path in entry.files]))
    if ready is None:
        tasks += [images_task(k) for k in range(shares)]
    written = outputs.run_tasks(tasks, parallel, keep_files)
    kept_hashes, _ = write_share_by_manifest(previews_dir, {}, known_previews, kept_previews)
    written.changed += finish_by_manifest(
        previews_dir, {**cast(dict[str, str], written.extra.pop(PREVIEW_HASHES, {})), **kept_hashes},
        known_previews, bool(written.extra.pop(PREVIEWS_WRITTEN, {})))
    # Every table's resource, by unit: made now or kept with a document's downloads.
    resources = cast(dict[str, list[dict[str, Any]]], written.extra.get(UNIT_RESOURCES, {}))
    for unit, entry in reused_units.items():
        if unit in download_keys:
            resources[unit] = cast(list[dict[str, Any]], entry.extra)
    package = outputs.run_tasks([outputs.Task("the data package", lambda: {DATAPACKAGE: descriptor(sorted(
        (r for listed in resources.values() for r in listed), key=lambda r: str(r["path"])))}, docs)],
        False, keep_files)
    written.paths.setdefault(docs, []).extend(package.paths.get(docs, []))
    written.changed += package.changed
    written.files.update(package.files)
    tocs = written.extra.setdefault("tocs", {})
    for path, entry in reused.items():
        tocs[path] = entry.extra
    for path, key in keys.items():
        rendered.keep(path, Entry(key, [path], tocs.get(path)))
    # A page left by an earlier run would be built as a page. The other files left are
    # removed at the end, from the same listing.
    files, folders = list_tree(docs)
    stale_pages = remove_stale(docs, written.paths.get(docs, []), only=lambda path: path.endswith(".md"),
                               listed=(files, folders))
    changed = written.changed + stale_pages
    gone = set(stale_pages)
    listed = ([rel for rel in files if rel not in gone], folders)
    sources = plan_sources(corpus)
    sources.update({path: f"content/{path}" for path in content if path.endswith(".md")})
    write_json(settings.nav_file, plan_nav(corpus))  # on every page: part of incremental.fingerprint
    # Per page: a page whose entry changed is built again (write_json touches it).
    known = set(changed)
    for target, data in ((settings.sources_file, sources),
                         (settings.search_file, plan_search(corpus, queries)),
                         (settings.share_file, plan_share(corpus, site_url)),
                         (settings.toc_file, written.extra.get("tocs", {}))):
        touched = [page for page in write_json(target, data, settings.docs_dir) if page not in known]
        changed += touched
        known.update(touched)
    made_units = cast(dict[str, list[str]], written.extra.get(UNIT_FILES, {}))
    for unit, key in units.items():
        entry = reused_units.get(unit)
        rendered.keep(unit, Entry(key, entry.files if entry else made_units[unit], resources.get(unit)))
    if image_cache:
        image_cache.prune(set(written.extra.get(IMAGE_CACHE, {})))
    if any(path.startswith(f"{urls.PREVIEWS}/") for path in written.paths.get(docs, [])):
        raise OutputConflict(f"{urls.PREVIEWS}/ is the previews' directory")
    drawn_later = [path for path, _ in cards] if ready is not None else []
    removed = remove_stale(docs, [*written.paths.get(docs, []), *drawn_later], listed=listed)
    if ready is not None:
        ready(Ready(cards, removed))
    rendered.save()  # every file it names is written
    return Generated(corpus, written.files, sorted(changed + removed),
                     sum(len(paths) for paths in written.paths.values()) + len(drawn_later))


def link_tree(source: Path, site: Path) -> None:
    """Put every file under source into the site at the same path, as a hard link
    (no copy; the files are never written to in place: write.py replaces them), or a
    copy where the file system cannot link."""
    if not source.is_dir():
        return
    try:
        link_dir(source, site, skip={MANIFEST})
    except FileExistsError as exc:
        raise OutputConflict(f"{Path(str(exc.filename2 or exc.filename)).relative_to(site)} "
                             f"is in the site already") from None


def remove_files(site: Path, paths: list[str]) -> None:
    """Remove files of build/docs that are gone from the site built on the previous
    one (its builder still listed them), and the folders that leaves empty."""
    for rel in paths:
        target = site / rel
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == site or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()


def link_files(docs: Path, site: Path, only: list[str] | None = None) -> None:
    """Every file of build/docs (or `only` those) but the pages (and hidden files,
    which the builder leaves out too) into the site, as hard links: the downloads,
    share images, chart embeds and feeds, which the builder would copy unchanged. A
    file there already (the previous site's, or linked before) is replaced in one
    step: Pagefind may be reading the site. Tens of thousands of files nationally, most
    of them there already: paths as strings, each folder made once, two stats a file."""
    if only is None:
        only = []
        for folder, dirs, names in os.walk(docs):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(folder, docs)
            only += [name if rel == "." else f"{rel}/{name}" for name in names]
    source_dir, site_dir = os.fspath(docs), os.fspath(site)
    made: set[str] = set()
    for rel in only:
        name = rel.rsplit("/", 1)[-1]
        if name.startswith(".") or name.endswith(".md"):
            continue
        source, target = f"{source_dir}/{rel}", f"{site_dir}/{rel}"
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        try:
            there = os.lstat(target)
        except FileNotFoundError:
            link_file(source, target)
            continue
        if stat.S_ISLNK(there.st_mode):
            there = os.stat(target)
        here = os.stat(source)
        if (here.st_ino, here.st_dev) != (there.st_ino, there.st_dev):  # else: the same file
            swap = os.path.join(folder, f".{name}.linking")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(swap)
            link_file(source, swap)
            os.replace(swap, target)


def collect_vendor(files: dict[str, Path]) -> dict[str, bytes]:
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise GeneratorError(f"missing front-end files {missing}: run `npm ci` (or `make site`)")
    return {target: path.read_bytes() for target, path in files.items()}


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material 9.8's banner about MkDocs 2.0
    env["PRESTATIEAFSPRAKEN_PREGENERATED"] = "1"  # the hook need not generate again
    # Dates in the output (sitemap) come from the last commit, not the clock, so
    # two builds of the same commit are identical.
    env.setdefault("SOURCE_DATE_EPOCH", last_commit_time())
    return env


def last_commit_time() -> str:
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True,
                                text=True, check=True, cwd=Path(__file__).parent)
        return result.stdout.strip() or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


@dataclass(frozen=True)
class Built:
    files: int  # files generated into build/docs
    changed: int  # of which changed since the last run
    interrupted: bool = False  # Ctrl-C came once the new site was being swapped in
    # Built on the previous site (incremental.py), or from scratch and why.
    incremental: bool = False
    cold_because: str | None = None
    pages_rebuilt: int | None = None  # HTML pages the builder rendered again (incremental)
    search_parts: tuple[int, int] = (0, 0)  # Pagefind parts indexed, of all


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _report(send: Any, work: Callable[[], tuple[object, ...]]) -> None:
    """In a child that generates: send what work() returns, or its error as data (a
    DataError's diagnostics), not as a pickled exception."""
    # stop() ends the child with SIGTERM: as an exit, so that the workers it runs its
    # outputs in are ended too (outputs.run_tasks), not left drawing.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        send.send(work())
    except DataError as exc:
        send.send(("data", exc.diagnostics))
    except GeneratorError as exc:
        send.send(("error", str(exc)))
    except OSError as exc:  # of the system (a full disk): the file, not a traceback
        send.send(("error", f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)))
    except KeyboardInterrupt:
        os._exit(130)  # the parent got the same Ctrl-C and reports it
    except Exception as exc:  # a bug: reported by the parent, with its type
        send.send(("crash", f"{type(exc).__name__}: {exc}"))


def _receive(receive: Any, process: Any) -> tuple[object, ...]:
    """What _report sent; its errors raised again."""
    try:
        reply: tuple[object, ...] = receive.recv()
    except EOFError:
        process.join()
        reply = ("crash", f"the generator stopped (exit code {process.exitcode})")
    kind, *rest = reply
    if kind == "data":
        raise DataError(rest[0])  # type: ignore[arg-type]
    if kind == "error":
        raise GeneratorError(str(rest[0]))
    if kind == "crash":
        raise GeneratorError(f"the generator failed: {rest[0]}")
    return reply


def _generate_apart(settings: Settings, send: Any, share_images: bool) -> None:
    def work() -> tuple[object, ...]:
        return ("ok", generate(settings, keep_files=False, share_images=share_images).changed)
    _report(send, work)


class GenerationApart:
    """generate() in a new interpreter, started afresh (spawned, not forked): for `serve`,
    whose process holds the builder's view of the whole site. Generating in that process
    took nationally 40 s against 25-30 s on its own; meanwhile `serve` reads the corpus
    it keeps for the next edit (preview.py) on the other core."""

    def __init__(self, settings: Settings, share_images: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        # Not a daemon: the generator runs its outputs in worker processes of its own.
        self._process = context.Process(target=_generate_apart, args=(settings, send, share_images))
        self._process.start()
        send.close()

    def changed(self) -> list[str]:
        """Wait for the generation; the files it changed (generate's Generated.changed)."""
        _, changed = _receive(self._receive, self._process)
        self._process.join()
        return cast(list[str], changed)

    def stop(self) -> None:
        """End the generation if it still runs."""
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


class GeneratorApart:
    """The generator, run in a forked child of which only the summary is kept. The
    corpus is the largest thing a build holds, and the builder and Pagefind do not need
    it: in a child, its memory is returned to the system once it ends (freeing it in
    this process returned less than half: the heap stays scattered with what lives on).
    The child says when everything the builder reads is written (ready()), handing
    over the share images to draw, then saves its record and ends (finish()). Errors
    come back as data (a DataError's diagnostics), not as pickled exceptions."""

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)

        def builder_may_start(handed_over: Ready) -> None:
            send.send(("ready", handed_over))

        def child() -> None:
            def work() -> tuple[object, ...]:
                generated = _generate(settings, keep_files=False, ready=builder_may_start)
                return ("ok", generated.count, len(generated.changed))
            _report(send, work)

        # Not a daemon: the generator runs its outputs in worker processes of its own
        # (outputs.py), which a daemonic process may not start.
        self._process = context.Process(target=child)
        self._process.start()
        send.close()

    def _reply(self) -> tuple[object, ...]:
        return _receive(self._receive, self._process)

    def ready(self) -> Ready:
        """Wait until the pages and everything else the builder reads are written."""
        return cast(Ready, self._reply()[1])

    def finish(self) -> Built:
        """Wait for the child to end; its summary."""
        _, files, changed = self._reply()
        self._process.join()
        return Built(int(files), int(changed))  # type: ignore[call-overload]

    def stop(self) -> None:
        """End the child if it still runs (the build failed or was interrupted)."""
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def draw_images(settings: Settings, cards: list[tuple[str, Card]]) -> dict[str, bytes]:
    """The share images of `cards`, each from the image cache when an earlier build
    drew it; the cache is then left with those entries only."""
    if not cards:  # no SITE_URL
        return {}
    cache = ImageCache(settings.cache_dir / IMAGE_CACHE)
    used: set[str] = set()
    images = draw_share_images(dict(cards), settings.root, cache, used)
    cache.prune(used)
    return images


class ImagesApart:
    """draw_images in a forked process, while the builder runs: in a thread of build()
    it held up the thread that links the previews (the two took turns at the
    interpreter's lock), and so the builder. Forked from build()'s process, which holds
    no corpus, before its threads start."""

    def __init__(self, settings: Settings, cards: list[tuple[str, Card]]) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)

        def child() -> None:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stop(): at once
            try:
                send.send(("ok", draw_images(settings, cards)))
            except GeneratorError as exc:  # a font missing
                send.send(("error", str(exc)))
            except Exception as exc:  # a bug: reported by build(), with its type
                send.send(("error", f"drawing the share images failed: {type(exc).__name__}: {exc}"))

        self._process = context.Process(target=child, daemon=True)
        self._process.start()
        send.close()

    def result(self) -> dict[str, bytes]:
        try:
            kind, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise GeneratorError(f"drawing the share images stopped (exit code {self._process.exitcode})"
                                 ) from None
        self._process.join()
        if kind == "error":
            raise GeneratorError(value)
        return cast(dict[str, bytes], value)

    def stop(self) -> None:
        """End the drawing if it still runs (the build failed or was interrupted)."""
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def builder_failure(output: str) -> str:
    """What the builder printed when it failed; for an error of the system (a full
    disk, a permission) only its last line, which names the file: the builder's
    traceback would bury it."""
    lines = [line for line in output.splitlines() if line.strip()]
    if lines and re.match(r"^[A-Za-z.]*(Error|Exception): \[Errno \d+\] ", lines[-1]):
        return f" {lines[-1].split(': ', 1)[1]}"
    return f"\n{output}"


def build(settings: Settings, site_dir: Path, strict: bool = True,
          hold_ctrl_c_to_exit: bool = False) -> Built:
    """Generate, build the site next to site_dir, and swap it in only on success.

    hold_ctrl_c_to_exit is for the command line: from the swap on, Ctrl-C is held
    until the process ends, so it cannot turn a published build into an error.
    """
    site = check_site_dir(settings.root, site_dir,
                          [settings.data_dir, settings.content_dir, settings.docs_dir])
    with build_lock(settings.build_dir, wait=False):
        generator = GeneratorApart(settings)
        try:
            # Prepared while the generator runs: checking that the old site can be
            # replaced walks all its folders (seconds at national size).
            with Staging(site, hold_ctrl_c_to_exit, trash=settings.build_dir / "old-sites") as staging:
                built = _build(settings, site, generator, generator.ready(), staging, strict)
        finally:
            generator.stop()
    return dataclasses.replace(built, interrupted=staging.interrupted_after_publishing)


def _build(settings: Settings, site: Path, generator: GeneratorApart, handed_over: Ready,
           staging: Staging, strict: bool) -> Built:
    current = incremental.fingerprint(settings.root, settings.nav_file)
    cold_because = incremental.why_not(site, current)  # after Staging recovered the site
    env = mkdocs_env()
    env[FILES_LINKED_ENV] = "1"
    if cold_because is None:
        # Unchanged pages, downloads and assets come as links; the builder
        # (--dirty) renders only the pages the generator wrote or touched.
        incremental.link_previous(site, staging.path)
        remove_files(staging.path, handed_over.removed)  # gone from build/docs
        env[incremental.INCREMENTAL_ENV] = "1"

    def run_builder() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", BUILDER, "build",
                   "--clean" if cold_because else "--dirty", "--site-dir",
                   str(staging.path), "--config-file", str(settings.root / "mkdocs.yml")]
        if strict:
            command.append("--strict")
        return subprocess.run(command, cwd=settings.root, env=env,
                              capture_output=True, text=True, check=False)

    # The previews are moved in after the builder when the site replaced says what its
    # previews hold (incremental.move_previews); else linked meanwhile (their
    # directories are most of the site's), under a hidden name, which the builder and
    # the hook leave alone.
    old_previews = incremental.published_previews(site) if site.is_dir() else None
    previews = staging.path / PREVIEWS_STAGED
    # The share images are drawn meanwhile, on the core the builder leaves (a worker
    # beside them slowed it, nationally 36 s against 24 s), and on until Pagefind runs.
    drawing = ImagesApart(settings, handed_over.cards)
    try:
        with helper_threads(1) as pool:
            linking = pool.submit(link_tree, settings.previews_dir, previews) if old_previews is None else None
            result = run_builder()
            if cold_because is None and incremental.TITLE_CHANGED in result.stdout + result.stderr:
                # Other pages show that title: from scratch (--clean empties the
                # staging directory but for its hidden names).
                cold_because = incremental.TITLE_CHANGED
                env.pop(incremental.INCREMENTAL_ENV)
                result = run_builder()
            if linking is not None:
                linking.result()
        if result.returncode != 0:
            raise GeneratorError(f"{BUILDER} build failed:{builder_failure(result.stdout + result.stderr)}")
        generated = generator.finish()
        previous, rebuilt = None, None
        if cold_because is None:
            changes = incremental.html_changes(site, staging.path)
            state = incremental.read_state(site) or {}
            previous = Previous(site, state.get("search_parts", []), changes.differ)
            rebuilt = len(changes.rebuilt)
        # Everything in build/docs goes in before Pagefind lists the site, replacing what is
        # there in one step; the share images that are still being drawn follow while it
        # indexes (it reads no image: nationally the drawing outlasts the builder by 8 s).
        link_files(settings.docs_dir, staging.path)
        moved: list[str] = []
        try:
            with helper_threads(1) as pool:
                # The previews go in once Pagefind is done: none of them is indexed, and each
                # of its parts walked their 79,000 folders (nationally about a second a part).
                indexing = pool.submit(index_site, staging.path, previous=previous, jobs=SEARCH_JOBS)
                # Into build/docs once the builder, which lists it as it starts, is done.
                drawn = write_changed(settings.docs_dir, drawing.result())
                link_files(settings.docs_dir, staging.path, only=drawn)
                parts, indexed = indexing.result()
            if old_previews is not None:
                try:
                    moved = incremental.move_previews(settings.previews_dir, staging.path)
                except FileExistsError as exc:
                    raise OutputConflict(f"{Path(str(exc.filename)).name} is in the site already") from None
                except OSError:  # not on the site's file system: linked, as they were
                    link_tree(settings.previews_dir, previews)
                    old_previews = None
            for name in sorted(os.listdir(previews)) if previews.is_dir() else []:
                if (staging.path / name).exists():
                    raise OutputConflict(f"{name} is in the site already")
                (previews / name).rename(staging.path / name)
            if previews.is_dir():
                previews.rmdir()
            incremental.link_previews_manifest(settings.previews_dir, staging.path)
            incremental.write_state(staging.path, current, parts)
            staging.publish()
        except BaseException:
            incremental.unmove_previews(moved, staging.path, settings.previews_dir)
            raise
    finally:
        drawing.stop()
    if moved and old_previews is not None and staging.replaced is not None:
        try:
            incremental.rescue_previews(staging.replaced, site, moved, settings.previews_dir,
                                        old_previews, settings.build_dir / PREVIEWS_RESCUED)
        except (OSError, ValueError) as exc:  # published: the next build renders them again
            print(f"warning: the previews were not kept for the next build ({exc})", file=sys.stderr)
    return dataclasses.replace(generated, changed=generated.changed + len(drawn),
                               incremental=cold_because is None, cold_because=cold_because,
                               pages_rebuilt=rebuilt, search_parts=(indexed, len(parts)))
