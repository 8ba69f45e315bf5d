# Reusing what the last build rendered. Most of a build after a small edit went into
# rendering again, byte for byte, what was already in build/docs (nationally about
# 40 s of CPU for the pages alone, after one changed document). An output unit (a
# page, a document's previews or downloads) is named here with a key: a hash of
# everything it is made from, which is the code, the site's address, the registries and
# the documents in its scope (by the hash of their text, validate.Corpus.digests). When
# the key is the one the last build recorded for the unit and its files are still
# there, they are kept and not rendered.
#
# A unit's scope is the documents it may read, declared by whoever plans it
# (pages.py): for the pages of a municipality (its documents, years and its own page)
# every document linked to it (scopes()); for an organisation's page the documents
# that name it; for a theme's page in a province the documents there on the theme. A
# page with no scope is rendered on every build. A scope that leaves out a document
# the output reads would keep a stale output: tests/test_rendercache.py edits each
# document of the bundled data and of a national slice in turn (its texts; its
# themes) and checks that every page whose key did not change renders as before.
#
# The record is data only (JSON: build/ may come from a CI cache) and is removed when
# a build starts using it: files written after that may no longer match it, so a
# build that stops half-way leaves no record and the next one renders everything.
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import model as m
from .render import PlannedPage

FILE = "rendered.json"  # under build/cache/
# Units written since the record was saved, by `serve`'s quick pages (preview.py), one
# per line: the record's entries for them no longer describe their files.
FORGOTTEN = "rendered-since.txt"
log = logging.getLogger("generator")


@cache
def code_version() -> str:
    """Every file of the generator's package (its code and templates)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def base_key(digests: dict[str, str], site_url: str) -> str:
    """What every unit is made from: the code, the site's address and every file of
    data/ that is not a document (the registries, comparisons, redirects)."""
    registries = sorted((name, value) for name, value in digests.items() if "/" not in name)
    return _hash(["base", code_version(), site_url, registries])


def unit_key(base: str, kind: str, name: str, scope: Iterable[str], digests: dict[str, str],
             *extra: object) -> str:
    """A unit's key: its kind and name, and the text of every document in its scope."""
    return _hash([base, kind, name, [(ref, digests[ref]) for ref in sorted(scope)], list(extra)])


def page_keys(pages: list[PlannedPage], digests: dict[str, str], site_url: str) -> dict[str, str]:
    """Page path -> key, for the pages with a scope."""
    base = base_key(digests, site_url)
    return {page.path: unit_key(base, "page", page.path, page.scope, digests, page.template, page.keyed)
            for page in pages if page.scope is not None}


def unit_keys(kind: str, scopes: dict[str, list[str]], digests: dict[str, str],
              site_url: str) -> dict[str, str]:
    """Unit -> key for the units of one kind (a document's previews, its downloads),
    given each one's scope by name; the unit is named unit_name(kind, name)."""
    base = base_key(digests, site_url)
    return {unit_name(kind, name): unit_key(base, kind, name, scope, digests)
            for name, scope in scopes.items()}


def forget(cache_dir: Path, units: list[str]) -> None:
    """The record's entries for these units are stale: their files were written since
    (the next build renders them again). Appended to a small file beside the record,
    which `Rendered.load` reads and removes: rewriting the record (nationally 29 MB)
    took longer than rendering the pages."""
    if not units:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / FORGOTTEN, "a", encoding="utf-8") as out:
        out.write("".join(f"{unit}\n" for unit in units))
        out.flush()
        os.fsync(out.fileno())


def unit_name(kind: str, name: str) -> str:
    """How the record names a unit other than a page (a page is named by its path)."""
    return f"{kind}:{name}"


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def scopes(documents: list[m.Document], municipalities: dict[str, m.Municipality]) -> dict[str, list[str]]:
    """Municipality id -> the documents a page about it or one of its documents may
    read: its own, those of every municipality merged into it or formed from it, and
    every document linked to one of these by a framework or a continued commitment,
    and so on (a component of the graph of those links)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for mun in municipalities.values():
        find(f"m:{mun.id}")
        for earlier in mun.merged_from:
            join(f"m:{earlier}", f"m:{mun.id}")
    for doc in documents:
        join(f"d:{doc.ref}", f"m:{doc.municipality}")
        if doc.framework:
            join(f"d:{doc.framework}", f"d:{doc.ref}")
        for chapter in m.iter_chapters(doc.chapters):
            for group in chapter.groups:
                for c in group.commitments:
                    if c.continues is not None:
                        join(f"d:{c.continues.document}", f"d:{doc.ref}")
    members: dict[str, list[str]] = {}
    for doc in documents:
        members.setdefault(find(f"d:{doc.ref}"), []).append(doc.ref)
    return {mun_id: members.get(find(f"m:{mun_id}"), []) for mun_id in municipalities}


@dataclass
class Entry:
    key: str
    files: list[str]  # paths under the unit's directory
    extra: Any = None  # what the task sent back beside its files (a page's table of contents)


@dataclass
class Rendered:
    """The units of the last build (read by `load`), and those of this one (`keep`,
    then `save` once every file is written)."""

    path: Path | None
    last: dict[str, Entry] = field(default_factory=dict)
    now: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, cache_dir: Path | None) -> Rendered:
        if cache_dir is None:
            return cls(None)
        path = cache_dir / FILE
        last: dict[str, Entry] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == code_version():
                last = {unit: Entry(str(e["key"]), [str(f) for f in e["files"]], e.get("extra"))
                        for unit, e in data["units"].items()}
        try:
            for unit in (cache_dir / FORGOTTEN).read_text(encoding="utf-8").splitlines():
                last.pop(unit, None)
        except FileNotFoundError:
            pass
        except (OSError, ValueError):  # unreadable: which entries are stale is unknown
            last = {}
        for done in (path, cache_dir / FORGOTTEN):
            with contextlib.suppress(OSError):
                done.unlink()
        return cls(path, last)

    def reusable(self, unit: str, key: str, directory: Path) -> Entry | None:
        """The last build's entry for the unit, if its key is the same and its files
        are all still there."""
        entry = self.last.get(unit)
        if entry is None or entry.key != key:
            return None
        # Joined as strings: nationally some 125,000 files are looked at on every build.
        folder = os.fspath(directory)
        if not all(os.path.isfile(f"{folder}/{rel}") for rel in entry.files):
            return None
        return entry

    def keep(self, unit: str, entry: Entry) -> None:
        self.now[unit] = entry

    def save(self) -> None:
        if self.path is None:
            return
        data = {"version": code_version(),
                "units": {unit: {"key": e.key, "files": e.files, "extra": e.extra}
                          for unit, e in sorted(self.now.items())}}
        temporary = self.path.with_name(f".{FILE}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            log.warning("warning: cannot record what was rendered in %s (%s); the next build "
                        "renders everything again", self.path, exc)
            with contextlib.suppress(OSError):
                temporary.unlink()
