# Reading many data files at once: each from the cache when its text was read before
# (cache.py), else parsed (sources.py). Parsing the YAML is most of a `check` with
# no cache (national: 2,400 files, 107 MB), so when the cache has nothing to give and
# there is much to read, forked workers, one per other core, read and parse a share
# of the files each while this process reads and parses its own. A worker sends each
# file's text and its data as the JSON of its cache entry: rebuilding the data from
# JSON costs about a tenth of parsing the YAML (json is C, reading YAML a Python step
# per event). It sends them in chunks as it goes, and this process validates each
# chunk between two of its own files; it writes its entries to the cache itself.
# Validating and writing everything here once the workers were done left a worker
# idle for the last half of a national `check`. A file a worker is unsure of, and
# every file of a worker that failed, is read in this process, so the result,
# problems and their order included, is the same as reading every file here one
# after the other.
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from .cache import SourceCache, decode_entry, encode_entry, text_key, write_entry
from .errors import Diagnostic
from .sources import (
    _UNSURE,
    BOM,
    PathKey,
    Source,
    bytes_digest,
    decode_text,
    fast_load,
    load_text,
    read_bytes,
    read_text,
)

Loaded = tuple[Source | None, list[Diagnostic]]
T = TypeVar("T")
References = Callable[[Any], list[tuple[PathKey, str, str]]]
# What a worker sends for one file: its text, the JSON of its cache entry (None where
# the fast reading is unsure) and whether it wrote that entry to the cache; or no text
# and the problems that stopped reading it.
Sent = tuple[str | None, list[Diagnostic], str | None, bool]
# Below this many bytes to read (2 MB is about 40 documents and a tenth of a second),
# no worker is started: starting one costs more than it saves.
PARALLEL_BYTES = 2_000_000
# This process's share of the files, by size, against a worker's 1: a worker also
# encodes and writes what it parsed, this process validates every document, its own
# and the workers' as they arrive. Nationally, with a smaller share (0.6, 0.75) this
# process waited 1-2 s for the worker at the end; with 0.9 it did not.
OWN_SHARE = 0.9
# A worker sends what it read in chunks of about this much text (40 documents), so
# this process validates them between its own files.
CHUNK_BYTES = 2_000_000


def load_sources(paths: list[Path], shown: Callable[[Path], str], cache: SourceCache,
                 references: References, then: Callable[[Loaded], T]) -> list[T]:
    """`then` of each file's source and problems, in the order of `paths`. `then` is
    called as soon as a file is read: when workers read, in the order files arrive,
    so this process validates what they sent while they still parse. Files the fast
    reading accepted are added to the cache with their `references`."""
    cores = os.cpu_count() or 1
    if cores > 1 and not cache.old:
        sizes = [_size(path) for path in paths]
        if sum(sizes) >= PARALLEL_BYTES:
            done: dict[int, T] = {}
            for i, loaded in _load_in_parallel(paths, sizes, cores - 1, shown, cache, references):
                done[i] = then(loaded)
            return [done[i] for i in range(len(paths))]
    return [then(_load(path, shown(path), cache, references)) for path in paths]


def _load(path: Path, shown_as: str, cache: SourceCache, references: References) -> Loaded:
    data, problems = read_bytes(path, shown_as)
    if data is None:
        return None, problems
    key = bytes_digest(data) if cache.directory is not None else b""
    entry = cache.get(key) if key else None
    if entry is not None:
        # Only a text that passed decode_text's checks has an entry (its characters
        # were looked at one by one: nationally half a second), so they are not
        # made again.
        source = Source(shown_as, entry[0], data.removeprefix(BOM).decode("utf-8"), key)
        source.refs = entry[1]
        return source, []
    text, problems = decode_text(data, shown_as)
    if text is None:
        return None, problems
    return _parse(text, shown_as, key, cache, references)


def _parse(text: str, shown_as: str, key: bytes, cache: SourceCache,
           references: References) -> Loaded:
    source, problems = load_text(text, shown_as)
    if source is not None and source.fast:
        source.refs = references(source.data)
        if key:
            cache.put(key, (source.data, source.refs))
    return source, problems


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported when read


def _load_in_parallel(paths: list[Path], sizes: list[int], workers: int,
                      shown: Callable[[Path], str], cache: SourceCache,
                      references: References) -> Iterator[tuple[int, Loaded]]:
    """Each file's index and what loading it gave, in no set order."""
    shares = _shares(sizes, workers)
    context = multiprocessing.get_context("fork")
    # Each worker's pipe -> its files' indexes not yet received.
    waiting: dict[Any, list[int]] = {}
    started = []
    try:
        for share in shares[1:]:
            receive, send = context.Pipe(duplex=False)
            # A daemon: ended at exit rather than waited for, should this process stop
            # (an error while validating) before reading what the worker sends.
            worker = context.Process(target=_worker, args=(
                [(paths[i], shown(paths[i])) for i in share], references,
                cache.folder if cache.directory is not None else None, send), daemon=True)
            worker.start()
            send.close()
            waiting[receive] = share[::-1]  # popped from the end: in order
            started.append(worker)

        def arrived(timeout: float | None) -> Iterator[tuple[int, Loaded]]:
            for ready in multiprocessing.connection.wait(list(waiting), timeout):
                receive = cast(Connection, ready)
                left = waiting[receive]
                chunk = _receive(receive, len(left))
                if chunk is None:  # the worker failed: its files not sent are read here
                    chunk = [None] * len(left)
                for sent in chunk:
                    i = left.pop()
                    yield i, _from_worker(paths[i], shown(paths[i]), sent, cache, references)
                if not left:
                    receive.close()
                    del waiting[receive]

        for i in shares[0]:
            yield i, _load(paths[i], shown(paths[i]), cache, references)
            yield from arrived(0)
        while waiting:
            yield from arrived(None)
    finally:
        for receive in waiting:
            receive.close()
        for worker in started:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _shares(sizes: list[int], workers: int) -> list[list[int]]:
    """The indexes of the files, in order, cut by size into one run for this process
    and one for each worker."""
    weights = [OWN_SHARE] + [1.0] * workers
    total, sum_weights = sum(sizes), sum(weights)
    bounds, passed = [], 0.0
    for weight in weights[:-1]:
        passed += weight
        bounds.append(total * passed / sum_weights)
    shares: list[list[int]] = [[] for _ in weights]
    position, share = 0, 0
    for i, size in enumerate(sizes):
        while share < len(bounds) and position >= bounds[share]:
            share += 1
        shares[share].append(i)
        position += size
    return shares


def _worker(files: list[tuple[Path, str]], references: References, folder: Path | None,
            send: Any) -> None:
    """In a forked worker: what `Sent` says, for each file, sent in chunks of about
    CHUNK_BYTES of text; each entry written into the cache's `folder`, when there is
    one, until a write fails (this process then writes the rest, or warns that it
    cannot)."""
    # Ctrl-C is this process's parent's to handle: it ends the worker (no traceback
    # of the worker's own on the maintainer's terminal).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        out: list[Sent] = []
        size = 0
        writing = folder is not None
        for path, shown_as in files:
            text, problems = read_text(path, shown_as)
            data = _UNSURE if text is None else fast_load(text)
            encoded = None if data is _UNSURE else encode_entry((data, references(data)))
            written = False
            if writing and encoded is not None:
                assert folder is not None and text is not None
                try:
                    write_entry(folder, text_key(text), encoded)
                    written = True
                except OSError:
                    writing = False
            out.append((text, problems, encoded, written))
            size += len(text or "")
            if size >= CHUNK_BYTES:
                send.send(out)
                out, size = [], 0
        if out:
            send.send(out)
    except Exception:  # the parent, seeing no more sent, reads the rest itself
        pass
    finally:
        send.close()


def _receive(receive: Any, left: int) -> list[Sent | None] | None:
    """The next chunk a worker sent, or None when it failed (sent nothing more, or
    something else)."""
    try:
        sent = receive.recv()
    except (EOFError, OSError):
        return None
    if isinstance(sent, list) and 0 < len(sent) <= left:
        return sent
    return None


def _from_worker(path: Path, shown_as: str, sent: Sent | None, cache: SourceCache,
                 references: References) -> Loaded:
    if sent is None:
        return _load(path, shown_as, cache, references)
    text, problems, encoded, written = sent
    if text is None:
        return None, problems
    key = text_key(text) if cache.directory is not None else b""
    try:
        if encoded is None:
            raise ValueError("left to the careful reading")
        data, refs = decode_entry(encoded)
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return _parse(text, shown_as, key, cache, references)
    source = Source(shown_as, data, text, key or None)
    source.refs = refs
    if key:
        if written:
            cache.keep(key)
        else:
            cache.put(key, (data, refs), encoded)
    return source, []
