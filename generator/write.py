# Writes the planned output tree into the docs build directory: copies the
# hand-written pages from content/, writes rendered pages and downloads, skips
# files whose bytes are unchanged (so `mkdocs serve` does not loop) and removes
# stale files left by an earlier run.
from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputConflict


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


def write_tree(out_dir: Path, files: dict[str, bytes]) -> list[str]:
    """Make out_dir hold exactly `files`; return the paths that changed."""
    changed: list[str] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel, data in sorted(files.items()):
        target = out_dir / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        changed.append(rel)
    for path in sorted(out_dir.rglob("*"), reverse=True):
        rel = path.relative_to(out_dir).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed
