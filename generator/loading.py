# Reading many data files at once: each from the cache when its text was read before
# (cache.py), else parsed (sources.py). Parsing the YAML is most of a `check` with
# no cache (national: 2,400 files, 107 MB), so when there is much to parse, forked
# workers, one per other core, parse a share of the files each while this process
# parses its own. A worker sends each file's data back as the JSON of its cache entry:
# rebuilding the data from JSON costs about a tenth of parsing the YAML (json is C,
# reading YAML a Python step per event), and the same text is then written to the
# cache as it is. A file a worker is unsure of, and every file of a worker that
# failed, is read in this process, so the result, problems and their order included,
# is the same as reading every file here one after the other.
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cache import SourceCache, decode_entry, encode_entry, text_key
from .errors import Diagnostic
from .sources import _UNSURE, PathKey, Source, fast_load, load_text, read_text

Loaded = tuple[Source | None, list[Diagnostic]]
References = Callable[[Any], list[tuple[PathKey, str, str]]]
# Below this much text to parse (2 MB is about 40 documents and a tenth of a second),
# no worker is started: starting one costs more than it saves.
PARALLEL_BYTES = 2_000_000
# This process's share of the text to parse, against a worker's 1: a worker also
# encodes what it parsed, and the two should finish together.
OWN_SHARE = 1.2


def load_sources(paths: list[Path], shown: Callable[[Path], str], cache: SourceCache,
                 references: References) -> list[Loaded]:
    """Each file's source and problems, in the order of `paths`. Files the fast
    reading accepted are added to the cache with their `references`."""
    results: list[Loaded | None] = []
    todo: list[tuple[int, str, str, bytes]] = []  # (index, shown as, text, cache key)
    for path in paths:
        shown_as = shown(path)
        text, problems = read_text(path, shown_as)
        if text is None:
            results.append((None, problems))
            continue
        key = text_key(text) if cache.directory is not None else b""
        entry = cache.get(key) if key else None
        if entry is not None:
            source = Source(shown_as, entry[0], text)
            source.refs = entry[1]
            results.append((source, []))
            continue
        todo.append((len(results), shown_as, text, key))
        results.append(None)
    for index, loaded in _parse(todo, cache, references):
        results[index] = loaded
    assert all(loaded is not None for loaded in results)
    return [loaded for loaded in results if loaded is not None]


def _parse(todo: list[tuple[int, str, str, bytes]], cache: SourceCache,
           references: References) -> list[tuple[int, Loaded]]:
    def here(item: tuple[int, str, str, bytes]) -> tuple[int, Loaded]:
        index, shown_as, text, key = item
        source, problems = load_text(text, shown_as)
        if source is not None and source.fast:
            source.refs = references(source.data)
            if key:
                cache.put(key, (source.data, source.refs))
        return index, (source, problems)

    cores = os.cpu_count() or 1
    if cores < 2 or sum(len(text) for _, _, text, _ in todo) < PARALLEL_BYTES:
        return [here(item) for item in todo]
    shares = _shares(todo, cores - 1)
    context = multiprocessing.get_context("fork")
    pipes, workers = [], []
    try:
        for share in shares[1:]:
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=_worker, args=([text for _, _, text, _ in share],
                                                           references, send))
            worker.start()
            send.close()
            pipes.append(receive)
            workers.append(worker)
        done = [here(item) for item in shares[0]]
        for share, receive in zip(shares[1:], pipes, strict=True):
            encoded = _receive(receive, len(share))
            for item, text in zip(share, encoded, strict=True):
                index, shown_as, source_text, key = item
                try:
                    if text is None:
                        raise ValueError("left to the careful reading")
                    data, refs = decode_entry(text)
                except (ValueError, KeyError, IndexError, TypeError, RecursionError):
                    done.append(here(item))
                    continue
                source = Source(shown_as, data, source_text)
                source.refs = refs
                if key:
                    cache.put(key, (data, refs), text)
                done.append((index, (source, [])))
        return done
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _shares(todo: list[tuple[int, str, str, bytes]],
            workers: int) -> list[list[tuple[int, str, str, bytes]]]:
    """The files to parse cut into one run for this process and one for each worker,
    by the length of their text, in order."""
    total = sum(len(text) for _, _, text, _ in todo)
    weights = [OWN_SHARE] + [1.0] * workers
    bounds, sum_weights, passed = [], sum(weights), 0.0
    for weight in weights[:-1]:
        passed += weight
        bounds.append(total * passed / sum_weights)
    shares: list[list[tuple[int, str, str, bytes]]] = [[] for _ in weights]
    position, share = 0, 0
    for item in todo:
        while share < len(bounds) and position >= bounds[share]:
            share += 1
        shares[share].append(item)
        position += len(item[2])
    return shares


def _worker(texts: list[str], references: References, send: Any) -> None:
    """In a forked worker: each text's cache entry as JSON, None where the fast
    reading is unsure (that file is read again, the careful way, by the parent)."""
    try:
        out: list[str | None] = []
        for text in texts:
            data = fast_load(text)
            out.append(None if data is _UNSURE else encode_entry((data, references(data))))
        send.send(out)
    except Exception:  # the parent, seeing nothing sent, reads them itself
        pass
    finally:
        send.close()


def _receive(receive: Any, count: int) -> list[str | None]:
    """What a worker sent, or for a worker that failed, None for each of its files
    (all read here)."""
    try:
        sent = receive.recv()
    except (EOFError, OSError):
        return [None] * count
    finally:
        receive.close()
    if isinstance(sent, list) and len(sent) == count:
        return sent
    return [None] * count
