# The link-preview images (shareimage.py) already drawn, in build/cache/share-images/
# (never committed), so a build draws only the cards whose text changed: nationally
# the images are some 25 s of CPU on every publishing build, and a document's card
# changes rarely. An entry is the PNG's bytes, nothing else, named by the SHA-256 of
# everything the drawing reads (the card's texts, the font files' bytes, the drawing
# code and the versions of Pillow and the libraries it draws and packs with) and
# by the SHA-256 of the bytes themselves. build/ may come from elsewhere (a CI cache
# restored from another run): a file whose bytes do not match its name, or that is
# not a PNG, is ignored and drawn again; nothing read here is ever run as code.
# The images are drawn by several processes at once (outputs.py): an entry is written
# under a name of its own and renamed into place, so no process reads half a file.
# The build keeps only the entries it used (prune), so the cache does not grow with
# every changed title; a cache that cannot be written is skipped with one warning.
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
from functools import cache
from pathlib import Path

from PIL import __version__ as pillow_version
from PIL import features

from . import shareimage
from .shareimage import BOLD, FONT_DIR, REGULAR, Card

DIRECTORY = "share-images"  # under build/cache/
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ENTRY = re.compile(r"([0-9a-f]{64})-([0-9a-f]{64})\.png")
log = logging.getLogger("generator")


@cache
def drawing_version(root: Path) -> bytes:
    """A digest of what render_card reads besides the card: its code, the fonts under
    `root` and the libraries that lay out the glyphs (FreeType) and pack the PNG
    (Pillow, zlib), whose versions may change the bytes of the same picture."""
    digest = hashlib.sha256()
    for part in (pillow_version, features.version("freetype2"), features.version("zlib")):
        digest.update(str(part).encode() + b"\0")
    digest.update(Path(shareimage.__file__).read_bytes() + b"\0")
    for name in (REGULAR, BOLD):
        path = root / FONT_DIR / name
        # A missing font is render_card's error (it says to run `npm ci`): no key without it.
        shareimage._font(root, name, 30)
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def card_key(card: Card, root: Path) -> str:
    texts = json.dumps(dataclasses.astuple(card), ensure_ascii=False)
    return hashlib.sha256(drawing_version(root) + texts.encode("utf-8", "surrogatepass")).hexdigest()


class ImageCache:
    """The entries found in `directory` when the build starts (made before the workers
    are forked, so each knows them), read on demand; new ones are written as drawn."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.entries: dict[str, str] = {}  # key -> file name
        self.writable = True
        try:
            names = os.listdir(directory)
        except OSError:
            names = []
        for name in sorted(names):
            match = _ENTRY.fullmatch(name)
            if match:
                self.entries[match[1]] = name
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / f".probe.{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self._skip(exc)

    def _skip(self, exc: OSError) -> None:
        if self.writable:
            self.writable = False
            where = f"{exc.filename}: " if exc.filename else ""
            log.warning("warning: the image cache %s cannot be written (%s%s); going on "
                        "without it", self.directory, where, exc.strerror or exc)

    def get(self, key: str) -> tuple[str, bytes] | None:
        """The entry's file name and PNG, if there is one whose bytes are what its name says."""
        name = self.entries.get(key)
        if name is None:
            return None
        try:
            data = (self.directory / name).read_bytes()
        except OSError:
            return None
        if not data.startswith(PNG_SIGNATURE) or hashlib.sha256(data).hexdigest() != name[65:129]:
            return None  # damaged or foreign: drawn again, and this file is pruned
        return name, data

    def put(self, key: str, data: bytes) -> str:
        """Store a PNG just drawn; its file name (written or not)."""
        name = f"{key}-{hashlib.sha256(data).hexdigest()}.png"
        if self.writable:
            temporary = self.directory / f".{name}.{os.getpid()}"
            try:
                temporary.write_bytes(data)
                os.replace(temporary, self.directory / name)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                self._skip(exc)
        return name

    def prune(self, used: set[str]) -> None:
        """Remove every file but the entries this build used (once all are drawn)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name not in used:
                with contextlib.suppress(OSError):  # a folder, or not ours to remove
                    (self.directory / name).unlink()


def render_cached(card: Card, root: Path, cache: ImageCache | None,
                  used: set[str] | None = None) -> bytes:
    """render_card's PNG, from the cache when it holds it; the entry's name is added
    to `used`."""
    if cache is None:
        return shareimage.render_card(card, root)
    key = card_key(card, root)
    hit = cache.get(key)
    if hit is not None:
        name, data = hit
    else:
        data = shareimage.render_card(card, root)
        name = cache.put(key, data)
    if used is not None:
        used.add(name)
    return data
