# A cache of data files already read, in build/cache/ (never committed), so `check`,
# `generate` and `serve` parse only the files that changed. An entry is the data of
# one file the fast reading accepted, with the organisation and theme ids it names,
# keyed by the SHA-256 of the file's text; or a pass of the source-text check, keyed
# by the texts of a document and its source text (validate.check_source_texts). The
# whole cache is keyed by the generator's code (every generator/*.py) and the versions
# of Python, PyYAML and pydantic, so an entry can never outlive the code that read it.
# A file with a problem is never cached: it is read again, the careful way, every
# time. Entries are validated again on every run (the model and the checks across
# files), so the cache only saves reading YAML and comparing with source texts.
# An entry parsed by a worker (loading.py) arrives as the JSON text it is written as.
# The cache is JSON, data only: build/ may come from elsewhere (a CI cache restored
# from another run), and loading it must not be able to run code, as a pickle can.
# An entry that is not what this code writes is ignored, and a cache that cannot be
# written is skipped with one warning: a build never fails because of its cache.
from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pydantic
import yaml

from .sources import text_digest

FILE = "sources.json"
_version: str | None = None
_warned = False
log = logging.getLogger("generator")

# Where in a file's data its dates stand: JSON has no dates, so they are stored as
# their ISO text and this list of field paths, and turned back on loading.
PathKey = tuple[str | int, ...]
_REF_KINDS = ("organisation", "theme")


def code_version() -> str:
    """A digest of the code that turns a file's text into cached data."""
    global _version
    if _version is None:
        digest = hashlib.sha256()
        for part in (sys.version, yaml.__version__, pydantic.VERSION):
            digest.update(part.encode() + b"\0")
        for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _version = digest.hexdigest()
    return _version


text_key = text_digest


def _dates(value: dict[str, Any] | list[Any], loc: PathKey, found: list[PathKey]) -> None:
    """The paths of the dates inside a mapping or list (descending only into
    mappings and lists: most values are neither, and a call for each was most of
    the time of writing the cache)."""
    items: Any = value.items() if type(value) is dict else enumerate(value)
    for key, item in items:
        kind = type(item)
        if kind is dict or kind is list:
            _dates(item, (*loc, key), found)
        elif kind is datetime.date:
            found.append((*loc, key))


def _encode(entry: tuple[Any, list[tuple[PathKey, str, str]]]) -> dict[str, Any]:
    data, refs = entry
    dates: list[PathKey] = []
    if type(data) is dict or type(data) is list:
        _dates(data, (), dates)
    return {"data": data, "dates": dates, "refs": refs}


def _decode(stored: Any) -> tuple[Any, list[tuple[PathKey, str, str]]]:
    """An entry as the cache holds it, or ValueError for anything else."""
    if not (isinstance(stored, dict) and set(stored) == {"data", "dates", "refs"}
            and isinstance(stored["data"], dict | list) and isinstance(stored["dates"], list)
            and isinstance(stored["refs"], list)):
        raise ValueError("not a cache entry")

    def path(value: Any) -> PathKey:
        if type(value) is not list:
            raise ValueError("not a field path")
        loc = tuple(value)
        hash(loc)  # TypeError for a list or mapping inside: a path of anything else is harmless
        return loc

    data: Any = stored["data"]
    for loc in map(path, stored["dates"]):
        if not loc:
            raise ValueError("a date cannot be the whole file")
        parent: Any = data
        for part in loc[:-1]:
            parent = parent[part]  # KeyError, IndexError, TypeError: not this code's entry
        parent[loc[-1]] = datetime.date.fromisoformat(parent[loc[-1]])
    refs = [(path(loc), ref, kind) for loc, ref, kind in stored["refs"]]
    if not all(type(ref) is str and kind in _REF_KINDS for _, ref, kind in refs):
        raise ValueError("not a reference")
    return data, refs


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is no value a data file holds")


def encode_entry(entry: tuple[Any, list[tuple[PathKey, str, str]]]) -> str:
    """An entry as the cache file holds it (JSON text)."""
    return json.dumps(_encode(entry), ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                      default=lambda value: value.isoformat())


def decode_entry(text: str) -> tuple[Any, list[tuple[PathKey, str, str]]]:
    """The entry encode_entry wrote, or ValueError (and its kin, as _decode)."""
    return _decode(json.loads(text, parse_constant=_reject_constant))


class SourceCache:
    """Entries read from build/cache/ at the start, written back at the end with
    only the entries this run used (so removed files do not stay)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.old: dict[bytes, Any] = {}
        self.new: dict[bytes, Any] = {}
        self.added = False
        if directory is None:
            return
        try:
            with (directory / FILE).open("rb") as handle:
                stored = json.load(handle, parse_constant=_reject_constant)
        except (OSError, ValueError, RecursionError):
            return  # no cache yet, or not one this code can read: start afresh
        if not (isinstance(stored, dict) and stored.get("version") == code_version()
                and isinstance(stored.get("entries"), dict)):
            return
        for key, entry in stored["entries"].items():
            try:
                self.old[bytes.fromhex(key)] = _decode(entry)
            except (ValueError, KeyError, IndexError, TypeError, RecursionError):
                continue  # a damaged or foreign entry: that file is read again

    def get(self, key: bytes) -> Any:
        entry = self.old.get(key)
        if entry is not None:
            self.new[key] = entry
        return entry

    def put(self, key: bytes, entry: Any, encoded: str | None = None) -> None:
        """Keep an entry; `encoded`, its encode_entry text if already made, is written
        as it is."""
        self.new[key] = entry if encoded is None else encoded
        self.added = True

    def save(self) -> None:
        """Write the cache if it changed; one that cannot be written is skipped, with
        a warning the first time (the run goes on without a cache)."""
        global _warned
        if self.directory is None or not (self.added or len(self.new) != len(self.old)):
            return
        target = self.directory / FILE
        temporary = self.directory / f".{FILE}.{os.getpid()}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with temporary.open("w", encoding="utf-8") as handle:
                # Entry by entry: the whole cache as one string would add its size
                # twice to the peak memory (national: 100 MB of JSON).
                handle.write(f'{{"version":{json.dumps(code_version())},"entries":{{')
                for i, (key, entry) in enumerate(self.new.items()):
                    handle.write(f'{"," if i else ""}"{key.hex()}":')
                    handle.write(entry if type(entry) is str else encode_entry(entry))
                handle.write("}}")
            os.replace(temporary, target)
        except OSError as exc:
            with contextlib.suppress(OSError):  # no directory, or not writable: nothing left
                temporary.unlink(missing_ok=True)
            if not _warned:
                _warned = True
                where = f"{exc.filename}: " if exc.filename else ""
                log.warning("warning: the cache %s cannot be written (%s%s); going on without "
                            "it", target, where, exc.strerror or exc)
