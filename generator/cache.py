# A cache of data files already read, in build/cache/ (never committed), so `check`,
# `generate` and `serve` parse only the files that changed. An entry is the data of
# one file the fast reading accepted, with the organisation and theme ids it names,
# keyed by the SHA-256 of the file's text; or a pass of the source-text check, keyed
# by the texts of a document and its source text (validate.check_source_texts). The
# whole cache is keyed by the generator's code (every generator/*.py) and the versions
# of Python, PyYAML and pydantic, so an entry can never outlive the code that read it.
# A file with a problem is never cached: it is read again, the careful way, every
# time. Entries are validated again on every run (the model and the checks across
# files), so the cache only saves reading YAML and comparing with source texts. It is
# a pickle, as trusted as the code next to it.
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pydantic
import yaml

FILE = "sources.pickle"
_version: str | None = None


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


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


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
                stored = pickle.load(handle)
            if isinstance(stored, dict) and stored.get("version") == code_version():
                self.old = stored["entries"]
        except Exception:
            self.old = {}

    def get(self, key: bytes) -> Any:
        entry = self.old.get(key)
        if entry is not None:
            self.new[key] = entry
        return entry

    def put(self, key: bytes, entry: Any) -> None:
        self.new[key] = entry
        self.added = True

    def save(self) -> None:
        """Write the cache if it changed; a cache that cannot be written is skipped."""
        if self.directory is None or not (self.added or len(self.new) != len(self.old)):
            return
        temporary = self.directory / f".{FILE}.{os.getpid()}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as handle:
                pickle.dump({"version": code_version(), "entries": self.new}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.directory / FILE)
        except OSError:
            temporary.unlink(missing_ok=True)
