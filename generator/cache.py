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
# Each entry is a file of its own, build/cache/sources/<code version>/<key>.json, read
# when asked for: after one changed file a run writes one entry and removes one,
# where a single file for all (national: 117 MB) was read whole and written whole
# (about 1.2 s and 1.4 s), and a run where nothing changed writes nothing. A run that
# parsed many files (a first `check`) writes their entries in a forked process while
# it validates across files; the workers that parse (loading.py) write their own.
from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pydantic
import yaml

from .sources import text_digest

DIRECTORY = "sources"  # under build/cache/; a folder per code version inside
LEGACY_FILE = "sources.json"  # the whole cache in one file, as earlier code kept it
# From this many entries to write (a first national `check`: 1,100 here, 1.5 s),
# save_early hands them to a process of their own.
EARLY_ENTRIES = 200
_ENTRY = re.compile(r"([0-9a-f]{64})\.json")
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


def _temporary() -> str:
    return f".new.{os.getpid()}"  # one per process: workers write entries too


def _entry_text(entry: Any) -> str:
    """What put() kept, as the cache file holds it: an entry, or its text already made."""
    return entry if type(entry) is str else encode_entry(entry)


def write_entry(folder: Path, key: bytes, encoded: str) -> None:
    """Write one entry (its encode_entry text) into the cache's folder, or OSError.
    Under a name of its own, then renamed into place: a run stopped while writing, or
    another run reading meanwhile, never meets half an entry."""
    temporary = folder / _temporary()
    try:
        handle = temporary.open("x", encoding="utf-8")
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        handle = temporary.open("x", encoding="utf-8")
    except FileExistsError:  # left by a run stopped: never written through
        temporary.unlink()
        handle = temporary.open("x", encoding="utf-8")
    with handle:
        handle.write(encoded)
    os.replace(temporary, folder / f"{key.hex()}.json")


class SourceCache:
    """The entries in build/cache/ when the run starts (only their names: each is read
    when asked for); at the end, the entries this run added are written, and those it
    did not use removed (so removed and changed files do not stay)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        # Key -> file name of each entry found (listed, not read).
        self.old: dict[bytes, str] = {}
        # Key -> what to write for each entry this run used: None for one read from
        # its file (it stays as it is), else the entry or its encode_entry text.
        self.new: dict[bytes, Any] = {}
        self._others: list[str] = []  # other files in the folder: removed at the end
        self._stale: list[Path] = []  # caches of other code, or the old single file
        self._writing: tuple[int, list[tuple[bytes, Any]]] | None = None  # save_early's
        self.folder = Path(directory or ".", DIRECTORY, code_version())
        if directory is None:
            return
        try:
            names = os.listdir(self.folder)
        except OSError:
            names = []  # no cache yet, or not one that can be read: start afresh
        for name in names:
            match = _ENTRY.fullmatch(name)
            if match:
                self.old[bytes.fromhex(match[1])] = name
            else:
                self._others.append(name)
        with contextlib.suppress(OSError):
            self._stale += [directory / DIRECTORY / name for name in os.listdir(directory / DIRECTORY)
                            if name != self.folder.name]
        if os.path.lexists(directory / LEGACY_FILE):
            self._stale.append(directory / LEGACY_FILE)

    def get(self, key: bytes) -> Any:
        """The entry stored under `key`, or None when there is none, or its file is
        damaged or not what this code writes (the file behind it is then read again
        and its entry written afresh)."""
        name = self.old.get(key)
        if name is None:
            return None
        try:
            entry = decode_entry((self.folder / name).read_bytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, IndexError, TypeError, RecursionError):
            return None
        self.new.setdefault(key, None)
        return entry

    def keep(self, key: bytes) -> None:
        """Keep the entry another process has just written under `key`."""
        self.new[key] = None

    def put(self, key: bytes, entry: Any, encoded: str | None = None) -> None:
        """Keep an entry; `encoded`, its encode_entry text if already made, is written
        as it is."""
        self.new[key] = entry if encoded is None else encoded

    def save_early(self) -> None:
        """Start writing the entries added so far, in a forked process, when they are
        many: this process goes on (validating across files) meanwhile. save() waits
        for it, and writes them itself should it fail."""
        if self.directory is None or self._writing is not None:
            return
        handed = [(key, entry) for key, entry in self.new.items() if entry is not None]
        if len(handed) < EARLY_ENTRIES or (os.cpu_count() or 1) < 2:
            return
        try:
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the writer: nothing but the entries, and out
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # its parent's to handle
                for key, entry in handed:
                    write_entry(self.folder, key, _entry_text(entry))
                code = 0
            finally:
                os._exit(code)
        self._writing = (pid, handed)
        for key, _ in handed:
            self.keep(key)

    def save(self) -> None:
        """Write the entries added, remove those not used; a cache that cannot be
        written is skipped, with a warning the first time (the run goes on without
        a cache)."""
        global _warned
        if self._writing is not None:
            pid, handed = self._writing
            self._writing = None
            _, status = os.waitpid(pid, 0)
            if status != 0:  # written here, or the warning below says why not
                self.new.update(handed)
        if self.directory is None:
            return
        added = [(key, entry) for key, entry in self.new.items() if entry is not None]
        unused = [name for key, name in self.old.items() if key not in self.new]
        if not (added or unused or self._others or self._stale):
            return
        try:
            for path in self._stale:
                with contextlib.suppress(OSError):  # not ours to remove: left alone
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
            for key, entry in added:
                write_entry(self.folder, key, _entry_text(entry))
            for name in unused + self._others:
                with contextlib.suppress(OSError):  # removed by another run, or a folder
                    (self.folder / name).unlink()
        except OSError as exc:
            with contextlib.suppress(OSError):  # no directory, or not writable: nothing left
                (self.folder / _temporary()).unlink(missing_ok=True)
            if not _warned:
                _warned = True
                where = f"{exc.filename}: " if exc.filename else ""
                log.warning("warning: the cache %s cannot be written (%s%s); going on without "
                            "it", self.directory / DIRECTORY, where, exc.strerror or exc)
