# The generator's outputs, produced in parallel. Once the corpus is loaded and its
# Queries built, every output (the pages, downloads, previews, feeds, share images) is
# a function of them alone: each is a task that renders its files and writes them, in
# a worker process forked from the generator (it shares the corpus without copying
# it), one per core. At national size the outputs take most of the generator's time
# and the cores were idle; writing each task's files as it finishes, instead of
# holding the whole tree until the end, also keeps the largest part of the output
# out of memory.
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputConflict
from .write import write_file

# A task renders files (path under its directory -> bytes) and may add data for the
# build (the pages' tables of contents).
Files = dict[str, bytes]


@dataclass
class Task:
    name: str
    render: Callable[[], Files]
    directory: Path
    # Writes the files itself and says which changed (the previews, by manifest).
    write: Callable[[Path, Files], list[str]] | None = None
    # Data the task leaves beside its files, sent back with them (e.g. the tocs).
    extra: Callable[[], dict[str, dict[str, object]]] | None = None


@dataclass
class Written:
    paths: dict[Path, list[str]] = field(default_factory=dict)  # directory -> paths written
    changed: list[str] = field(default_factory=list)
    extra: dict[str, dict[str, object]] = field(default_factory=dict)  # merged per key
    files: Files = field(default_factory=dict)  # every file's bytes, when kept


# Below this many documents the tasks run one after the other in this process: a pool
# costs more to start than it saves, and tests see the same outputs either way.
PARALLEL_DOCUMENTS = 40
_TASKS: list[Task] = []  # read by the forked workers
_KEEP = False


def write_changed(directory: Path, files: Files) -> list[str]:
    """Write the files whose bytes differ from what is there; return those paths.
    Unchanged files are not touched, so the builder and `serve --dirty` skip them."""
    changed: list[str] = []
    for rel, data in sorted(files.items()):
        target = directory / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        write_file(target, data)
        changed.append(rel)
    return changed


def _run(index: int) -> tuple[int, list[str], list[str], dict[str, dict[str, object]], Files]:
    task = _TASKS[index]
    files = task.render()
    changed = (task.write or write_changed)(task.directory, files)
    extra = task.extra() if task.extra else {}
    return index, sorted(files), changed, extra, (files if _KEEP else {})


def run_tasks(tasks: list[Task], parallel: bool, keep: bool) -> Written:
    """Run every task (in worker processes when `parallel`) and check that no two
    wrote the same file."""
    global _TASKS, _KEEP
    _TASKS, _KEEP = tasks, keep
    try:
        results: Iterable[tuple[int, list[str], list[str], dict[str, dict[str, object]], Files]]
        cores = os.cpu_count() or 1
        if parallel and cores > 1:
            with multiprocessing.get_context("fork").Pool(cores) as pool:
                results = sorted(pool.imap_unordered(_run, range(len(tasks))))
        else:
            results = [_run(i) for i in range(len(tasks))]
        written = Written()
        owner: dict[tuple[Path, str], str] = {}
        for index, paths, changed, extra, files in results:
            task = tasks[index]
            for rel in paths:
                if (task.directory, rel) in owner:
                    raise OutputConflict(f"two outputs at {rel} ({owner[(task.directory, rel)]} "
                                         f"and {task.name})")
                owner[(task.directory, rel)] = task.name
            written.paths.setdefault(task.directory, []).extend(paths)
            written.changed += changed
            for key, values in extra.items():
                written.extra.setdefault(key, {}).update(values)
            written.files.update(files)
        return written
    finally:
        _TASKS, _KEEP = [], False


def remove_stale(directory: Path, keep: Iterable[str]) -> list[str]:
    """Remove the files under directory that no task wrote (left by an earlier run),
    and the folders that leaves empty; return the removed paths."""
    kept = set(keep)
    removed: list[str] = []
    for path in sorted(directory.rglob("*"), reverse=True):
        rel = path.relative_to(directory).as_posix()
        if path.is_file() and rel not in kept:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
