# Building on the last build: when the published site was built by the same code,
# theme, builder and navigation (its fingerprint, STATE_FILE in the site), the new
# site starts as a hard-linked copy of it and the builder runs with --dirty, so it
# renders only the pages whose Markdown is newer than their HTML (the generator
# rewrote or touched them). hooks/incremental.py keeps the builder from writing
# through a link into the published site and removes what it no longer produces;
# pipeline.build() orders the steps. Anything that does not match: a cold build.
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from . import urls
from .search import BUNDLE_DIR
from .write import MANIFEST, link_dir, link_file

# Bump when what an incremental build reuses, or how, changes in a way the hashed
# source files below do not show: a site built by other code is then never reused.
VERSION = 1
STATE_FILE = ".prestatieafspraken-build.json"
# Written by hooks/incremental.py: every page's title, for pages the next build does
# not render again but whose title other pages show (navigation, previous/next).
TITLES_FILE = ".prestatieafspraken-titles.json"
# How hooks/incremental.py stops a build on the previous one that cannot be exact.
TITLE_CHANGED = "the title of a page in the navigation changed"
# Set for the builder: hooks/incremental.py then prepares the dirty build.
INCREMENTAL_ENV = "PRESTATIEAFSPRAKEN_INCREMENTAL"
# The manifest of the site's previews (build/previews/.manifest.json when it was built:
# a hash per file), which says what the site's previews hold (move_previews).
PREVIEWS_MANIFEST = ".prestatieafspraken-previews.json"

# What the builder's output depends on besides build/docs: the installed packages
# that render and wrap a page, and those that index it.
PACKAGES = ("properdocs", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2",
            "pagefind", "pagefind_bin")
# The site's addresses as mkdocs.yml reads them: on every page (canonical link,
# "edit this page"). SOURCE_DATE_EPOCH is not here: it changes with every commit
# (pipeline.mkdocs_env) and reaches only the sitemap, which every build writes anew.
ENVIRONMENT = ("SITE_URL", "REPO_URL", "EDIT_URI")


def fingerprint(root: Path, nav_file: Path) -> str:
    """A hash of everything that changes the theme's wrap of every page or what the
    builder and Pagefind do; two builds with the same fingerprint differ only in
    the pages whose own inputs (build/docs, their JSON entries) differ."""
    digest = hashlib.blake2b(digest_size=20)

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("version", str(VERSION).encode())
    add("python", sys.version.encode())
    for name in PACKAGES:
        try:
            add(name, metadata.version(name).encode())
        except metadata.PackageNotFoundError:
            add(name, b"-")
    for name in ENVIRONMENT:
        value = os.environ.get(name)
        add(name, b"-" if value is None else b"=" + value.encode())
    for path in (nav_file, root / "mkdocs.yml", root / "package-lock.json"):
        add(path.name, path.read_bytes() if path.is_file() else b"-")
    package = Path(__file__).parent
    for label, folder in (("theme", root / "site_theme"), ("hooks", root / "hooks"),
                          ("generator", package)):
        for path in _files(folder):
            add(f"{label}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix != ".pyc")


def read_state(site: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def write_state(site: Path, fingerprint: str, search_parts: list[str | None]) -> None:
    (site / STATE_FILE).write_text(json.dumps({"fingerprint": fingerprint, "search_parts": search_parts},
                                              indent=1) + "\n", encoding="utf-8")


def why_not(site: Path, current: str) -> str | None:
    """Why the site cannot be built on (None: it can)."""
    if not site.is_dir():
        return "no previous build"
    state = read_state(site)
    if state is None:
        return f"the previous build has no readable {STATE_FILE}"
    if state.get("fingerprint") != current:
        return ("the code, theme, navigation, builder or site address changed since the "
                "previous build")
    if not (site / TITLES_FILE).is_file():
        return f"the previous build has no {TITLES_FILE}"
    return None


# Not carried over: hidden files (the staging directory has its own marker and gets a
# new state) but the titles the hook reads; the previews, linked from build/previews
# as in every build (as many links as copying them); the search bundles, kept or
# indexed again per part after the builder.
def _carried(name: str) -> bool:
    return name == TITLES_FILE or not (name.startswith((".", BUNDLE_DIR)) or name == urls.PREVIEWS)


def link_previous(old: Path, staging: Path) -> int:
    """Fill staging with hard links to the old site's files (same inode, same mtime,
    which is what the builder's --dirty compares); returns how many. A file the
    builder will write is unlinked by hooks/incremental.py before it writes."""
    count = 0
    for top in sorted(os.listdir(old)):
        if not _carried(top):
            continue
        source = old / top
        if source.is_dir() and not source.is_symlink():
            count += link_dir(source, staging / top)
        else:
            link_file(source, staging / top)
            count += 1
    return count


@dataclass(frozen=True)
class Changes:
    rebuilt: list[str]  # HTML pages the builder wrote (a new file, not the old one's link)
    differ: list[str]  # of which those whose bytes changed, and the pages removed

def html_changes(old: Path, new: Path) -> Changes:
    """Compare the HTML of two sites by inode: a page carried over by link_previous
    is the same file; a page the builder wrote is a new one."""
    old_pages = _html(old)
    new_pages = _html(new)
    rebuilt = sorted(rel for rel, ident in new_pages.items() if old_pages.get(rel) != ident)
    differ = [rel for rel in rebuilt if rel not in old_pages
              or (old / rel).read_bytes() != (new / rel).read_bytes()]
    return Changes(rebuilt, sorted([*differ, *(set(old_pages) - set(new_pages))]))


def _html(site: Path) -> dict[str, tuple[int, int]]:
    pages: dict[str, tuple[int, int]] = {}
    for top in os.listdir(site):
        if not _carried(top):
            continue
        path = site / top
        if top.endswith(".html") and path.is_file():
            stat = path.stat()
            pages[top] = (stat.st_dev, stat.st_ino)
        elif path.is_dir():
            for folder, _, names in os.walk(path):
                rel = os.path.relpath(folder, site)
                for name in names:
                    if name.endswith(".html"):
                        stat = os.stat(os.path.join(folder, name))
                        pages[f"{rel}/{name}"] = (stat.st_dev, stat.st_ino)
    return pages


# The previews (a folder per commitment: 79,000 nationally) are most of the site's
# files. Linking them all into every new site took 14 s nationally, however few
# changed. Instead the tree of build/previews is moved into the new site (one rename),
# and once that site is published the replaced site's tree, which held the previous
# previews, becomes build/previews' tree: made equal to the new one by linking only
# the files whose hash differs between the two sites' manifests (rescue_previews). The
# generator, which writes only files that changed and never writes into a file,
# then finds its tree as it left it.


def published_previews(site: Path) -> dict[str, str] | None:
    """The manifest of the site's previews, if the site has one."""
    try:
        manifest = json.loads((site / PREVIEWS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def link_previews_manifest(previews: Path, staging: Path) -> None:
    if (previews / MANIFEST).is_file():
        link_file(previews / MANIFEST, staging / PREVIEWS_MANIFEST)


def move_previews(previews: Path, staging: Path) -> list[str]:
    """Move the folders of build/previews into the new site; returns their names. On
    failure (another file system) nothing stays moved."""
    moved: list[str] = []
    try:
        for name in sorted(os.listdir(previews)):
            if name.startswith("."):
                continue
            if (staging / name).exists():
                raise FileExistsError(0, "in the site already", str(staging / name))
            os.rename(previews / name, staging / name)
            moved.append(name)
    except OSError:
        unmove_previews(moved, staging, previews)
        raise
    return moved


def unmove_previews(names: list[str], staging: Path, previews: Path) -> None:
    """Put what move_previews moved back into build/previews (a build that failed)."""
    for name in names:
        with contextlib.suppress(OSError):  # a killed build: the generator renders them again
            os.rename(staging / name, previews / name)


def rescue_previews(replaced: Path, site: Path, names: list[str], previews: Path,
                    old: dict[str, str], spare: Path) -> None:
    """Make the replaced site's previews (`names`, as `old` describes them) build/previews'
    again, equal to the published site's: only the files whose hash differs are linked
    from the site or removed. Made apart (`spare`) and moved in at the end: a build
    stopped half-way leaves build/previews without them, and the generator writes
    them again rather than keep a file that its manifest describes wrongly."""
    new = json.loads((previews / MANIFEST).read_text(encoding="utf-8"))
    shutil.rmtree(spare, ignore_errors=True)
    spare.mkdir(parents=True)
    for name in names:
        if (replaced / name).is_dir():
            os.rename(replaced / name, spare / name)
    for rel in sorted(set(old) | set(new)):
        if rel.split("/", 1)[0] not in names or old.get(rel) == new.get(rel):
            continue
        target = spare / rel
        target.unlink(missing_ok=True)
        if rel in new:
            target.parent.mkdir(parents=True, exist_ok=True)
            link_file(site / rel, target)
            continue
        folder = target.parent
        while folder != spare and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    for name in names:
        if (spare / name).is_dir():
            os.rename(spare / name, previews / name)
    shutil.rmtree(spare, ignore_errors=True)
