# Writes the planned output tree into the docs build directory: copies the
# hand-written pages from content/, writes rendered pages and downloads, skips
# files whose bytes are unchanged (so `mkdocs serve` does not loop) and removes
# stale files left by an earlier run.
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from . import jsonindent
from .errors import GeneratorError, OutputConflict


def collect_content(content_dir: Path) -> dict[str, bytes]:
    """Hand-written pages and assets; files starting with '_' are partials, not pages."""
    files: dict[str, bytes] = {}
    for path in sorted(content_dir.rglob("*")):
        rel = path.relative_to(content_dir).as_posix()
        if path.is_file() and not any(part.startswith(("_", ".")) for part in rel.split("/")):
            files[rel] = path.read_bytes()
    return files


def merge(*trees: dict[str, bytes]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for tree in trees:
        for path, data in tree.items():
            if path in out:
                raise OutputConflict(f"two outputs at {path}")
            out[path] = data
    return out


def write_file(target: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file, then a rename). A failure
    (a full disk: the error of write() names no file) names the file and leaves no
    half-written temporary behind."""
    # Named by the process: two workers (outputs.py) never share a temporary file.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise GeneratorError(f"cannot write {target}: {exc.strerror or exc}") from None


def write_tree(out_dir: Path, files: dict[str, bytes]) -> list[str]:
    """Make out_dir hold exactly `files`; return the paths that changed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_changed(out_dir, files) + remove_stale(out_dir, files)


def write_changed(directory: Path, files: dict[str, bytes]) -> list[str]:
    """Write the files whose bytes differ from what is there; return those paths.
    Unchanged files are not touched, so the builder and `serve --dirty` skip them."""
    changed: list[str] = []
    made: set[str] = set()
    for rel, data in sorted(files.items()):
        target = directory / rel
        if not target.exists():
            write_new(target, data, made)
        elif target.is_file() and target.read_bytes() == data:
            continue
        else:
            # A new file (inode): the published site may hold this one as a hard link.
            write_file(target, data)
        changed.append(rel)
    return changed


Listing = tuple[list[str], list[str]]  # files, folders: paths relative to a directory


def list_tree(directory: Path) -> Listing:
    """Every file and every folder under directory, as paths relative to it."""
    files: list[str] = []
    folders: list[str] = []
    for folder, _, names in os.walk(directory):
        rel = os.path.relpath(folder, directory)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        if prefix:
            folders.append(prefix[:-1])
        files += [prefix + name for name in names]
    return files, folders


def remove_stale(directory: Path, keep: Iterable[str],
                 only: Callable[[str], bool] | None = None, listed: Listing | None = None) -> list[str]:
    """Remove the files under directory not in `keep` (left by an earlier run; with
    `only`, those of its paths only), and the folders that leaves empty; return the
    removed paths. `listed`: the directory's list_tree, taken earlier in this run (a
    file written since is in `keep`), so that a second call need not walk it again:
    nationally 45,000 files, seconds per walk."""
    files, folders = listed if listed is not None else list_tree(directory)
    kept = set(keep)
    removed = [rel for rel in files if rel not in kept and (only is None or only(rel))]
    for rel in removed:
        (directory / rel).unlink(missing_ok=True)
    for rel in sorted(folders, reverse=True):  # the deepest first
        with contextlib.suppress(OSError):  # not empty, or gone
            os.rmdir(directory / rel)
    return sorted(removed, reverse=True)


MANIFEST = ".manifest.json"


# A large tree only this generator writes (the commitments' preview pages: 80,000 files
# nationally) is written like write_changed (exactly the files given, unchanged files
# untouched), in shares written apart, in parallel (no process holds the whole tree),
# without reading files back: what each file holds is remembered by its hash in
# out_dir/.manifest.json. read_manifest once, write_share_by_manifest for each share,
# then finish_by_manifest.


def read_manifest(out_dir: Path) -> dict[str, str] | None:
    """What out_dir's manifest says each file holds (path -> hash); None where the
    folder has files but no manifest (a run stopped halfway, or an older tree): its
    files are then compared themselves."""
    try:
        known: dict[str, str] = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    return None if not known and out_dir.exists() else known


def write_share_by_manifest(out_dir: Path, files: dict[str, bytes], known: dict[str, str] | None,
                            kept: Collection[str] = ()) -> tuple[dict[str, str], list[str]]:
    """Write the files of one share of the tree whose bytes differ from what `known`
    (read_manifest, before any share was written) says; returns the hashes of its
    files and its kept ones, and the paths written. `kept` are files already there that
    were not rendered again (rendercache.py): they stay, as they are. Until every share is written and
    finish_by_manifest has run there is no manifest: a run stopped halfway leaves
    none, and the next compares the files themselves."""
    hashes = _hashes(files)
    for rel in kept:
        if rel in files:
            raise OutputConflict(f"{rel} is both kept and written")
        # A kept file the manifest does not know (it was left by another run) is read.
        hashes[rel] = (known or {}).get(rel) or _hashes({rel: (out_dir / rel).read_bytes()})[rel]
    if known is None:
        (out_dir / MANIFEST).unlink(missing_ok=True)
        out_dir.mkdir(parents=True, exist_ok=True)
        return hashes, write_changed(out_dir, files)
    changed = [rel for rel in sorted(files) if known.get(rel) != hashes[rel]
               or not (out_dir / rel).is_file()]
    if changed:
        (out_dir / MANIFEST).unlink(missing_ok=True)
    made: set[str] = set()
    for rel in changed:
        target = out_dir / rel
        if target.exists():
            # A new file (inode): the published site may hold this one as a hard link.
            write_file(target, files[rel])
        else:
            write_new(target, files[rel], made)
    return hashes, changed


def finish_by_manifest(out_dir: Path, hashes: dict[str, str], known: dict[str, str] | None,
                       written: bool) -> list[str]:
    """Once every share is written (`written`: whether any share wrote a file), remove
    the files no share holds and write the manifest of `hashes`, every share's;
    returns the paths removed. A tree in which nothing changed is left as it is, the
    manifest too (the same inodes, which the published site may share)."""
    if known is None:
        removed = remove_stale(out_dir, hashes)
    elif not written and hashes == known:
        return []
    else:
        (out_dir / MANIFEST).unlink(missing_ok=True)
        removed = sorted(set(known) - set(hashes), reverse=True)
        for rel in removed:
            (out_dir / rel).unlink(missing_ok=True)
            parent = (out_dir / rel).parent
            while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    write_file(out_dir / MANIFEST, json.dumps(hashes, sort_keys=True).encode("utf-8"))
    return removed


def write_new(target: Path, data: bytes, made: set[str]) -> None:
    """A file where there is none, written in place (`made`: the folders made so far):
    a build from scratch writes 125,000 files nationally, and the temporary file and
    rename of write_file, with a check of every parent folder, were most of the
    generator's system time. A file that cannot be written whole is removed."""
    folder = os.path.dirname(target)
    try:
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        target.write_bytes(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)  # it was not there before: nothing half-written stays
        raise GeneratorError(f"cannot write {target}: {exc.strerror or exc}") from None


def _hashes(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: hashlib.blake2b(data, digest_size=16).hexdigest() for rel, data in files.items()}


def write_json(target: Path, data: object, pages_dir: Path | None = None) -> list[str]:
    """Write data as JSON unless the file holds it already. With pages_dir, data maps
    a page's path under pages_dir to what the builder's hook gives that page: each
    page whose entry changed (added, removed, different) is touched, so that a
    --dirty build, which compares mtimes, renders it again though its Markdown is
    the same; returns those pages."""
    # As json.dumps(ensure_ascii=False, indent=1, sort_keys=...), in half the time:
    # nationally the tables of contents alone are 11 MB, written on every build.
    encoded = (jsonindent.dumps(data, indent=1, sort_keys=isinstance(data, dict)) + "\n").encode("utf-8")
    try:
        before = target.read_bytes()
    except OSError:
        before = None
    if before == encoded:
        return []
    write_file(target, encoded)
    if pages_dir is None or not isinstance(data, dict):
        return []
    try:
        old = json.loads(before or b"{}")
    except ValueError:
        old = None
    if not isinstance(old, dict):
        old = {}
    touched = []
    for key in sorted(set(data) | set(old)):
        page = pages_dir / key
        if data.get(key) != old.get(key) and page.is_file():
            os.utime(page)
            touched.append(key)
    return touched


def link_dir(source: Path, target: Path, skip: Collection[str] = ()) -> int:
    """Make target hold every file under source (but the names in `skip` at its top)
    as a hard link: same inode, same mtime, nothing copied; a copy with the same mtime
    where the file system cannot link. An existing file raises FileExistsError.
    Returns the number of files. Tens of thousands nationally: plain strings and
    scandir, one system call per file where it can."""
    count = 0

    def walk(src: str, dst: str, top: bool) -> None:
        nonlocal count
        try:
            os.mkdir(dst)
        except FileExistsError:
            if not os.path.isdir(dst):
                raise
        with os.scandir(src) as entries:
            for entry in entries:
                if top and entry.name in skip:
                    continue
                out = os.path.join(dst, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, out, False)
                    continue
                link_file(entry.path, out)
                count += 1

    target.parent.mkdir(parents=True, exist_ok=True)
    walk(str(source), str(target), True)
    return count


def link_file(source: str | Path, target: str | Path) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        shutil.copy2(source, target)
