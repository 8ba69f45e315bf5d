# The generator's outputs, produced in parallel. Once the corpus is loaded and its
# Queries built, every output (the pages, downloads, previews, feeds, share images) is
# a function of them alone: each is a task that renders its files and writes them,
# taken in turn by the generator's process and a worker forked from it for each other
# core. At national size the outputs take most of the generator's time and the other
# core was idle; writing each task's files as it finishes, instead of
# holding the whole tree until the end, also keeps the largest part of the output
# out of memory.
from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GeneratorError, OutputConflict
from .write import write_changed

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
    # Files of its directory the task did not render because the last build's are
    # still right (rendercache.py): they are its outputs as much as those it wrote.
    kept: Callable[[], list[str]] | None = None


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
_WRITE = True


Result = tuple[int, list[str], list[str], dict[str, dict[str, object]], Files]


def _run(index: int) -> Result:
    task = _TASKS[index]
    files = task.render()
    changed = (task.write or write_changed)(task.directory, files) if _WRITE else []
    extra = task.extra() if task.extra else {}
    kept = task.kept() if task.kept else []
    if _KEEP and _WRITE:  # whoever asked for the bytes gets those of the kept files too
        files.update({rel: (task.directory / rel).read_bytes() for rel in kept})
    result = index, sorted({*files, *kept}), changed, extra, (files if _KEEP else {})
    del files
    # What the task made is written: its memory goes back, so that a process does not
    # stay as large as the largest task it ran while it runs the next.
    return_free_memory()
    return result


def return_free_memory() -> None:
    """Give the system back what malloc keeps of the memory freed so far (loading the
    data frees most of what it allocates: nationally some 270 MB stayed with this
    process). A worker forked after this does not share that memory only to copy it
    as it allocates there. Only glibc has malloc_trim; elsewhere nothing is done."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _take(counter: Any) -> Iterator[int]:
    """The indexes of the tasks this process runs: the next one no process took yet."""
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= len(_TASKS):
            return
        yield index


def _worker(counter: Any, send: Any) -> None:
    # Ended by the process that forked it (terminate()), at once and quietly, whatever
    # that process does on SIGTERM itself.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        send.send(("ok", [_run(i) for i in _take(counter)]))
    except BaseException as exc:  # reported by the parent, which raises it
        send.send(("error", exc))
    finally:
        send.close()


def run_tasks(tasks: list[Task], parallel: bool, keep: bool, write: bool = True) -> Written:
    """Run every task (with `parallel`, in this process and one forked worker per
    other core, each taking the next task not yet taken) and check that no two wrote
    the same file. A worker shares the corpus with this process only until it touches
    it, so every worker costs about the corpus's memory again: this process works
    too, rather than waiting for a worker per core. Without `write` the files are
    only rendered (and kept: `keep` is implied); a task's `kept` files are then only
    listed, for whoever writes the rest."""
    global _TASKS, _KEEP, _WRITE
    _TASKS, _KEEP, _WRITE = tasks, keep or not write, write
    try:
        results: list[Result] = []
        cores = os.cpu_count() or 1
        if parallel and cores > 1:
            return_free_memory()
            context = multiprocessing.get_context("fork")
            counter = context.Value("i", 0)
            pipes, workers = [], []
            for _ in range(cores - 1):
                receive, send = context.Pipe(duplex=False)
                worker = context.Process(target=_worker, args=(counter, send))
                worker.start()
                send.close()
                pipes.append(receive)
                workers.append(worker)
            try:
                results += [_run(i) for i in _take(counter)]
                for receive in pipes:
                    try:
                        kind, value = receive.recv()
                    except EOFError:
                        raise GeneratorError("a worker of the generator stopped") from None
                    if kind == "error":
                        raise value
                    results += value
            except BaseException:
                for worker in workers:  # what they would still write is not wanted
                    worker.terminate()
                raise
            finally:
                for worker in workers:
                    worker.join()
        else:
            results = [_run(i) for i in range(len(tasks))]
        results.sort(key=lambda result: result[0])
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
