# Link previews with a picture: the 1200x630 PNG that Mastodon, WhatsApp and LinkedIn
# show above a shared link (og:image): the municipality, the document, what it holds,
# and the site's name (share.py says what goes on it and why one per document). Text
# from the data is only drawn (Pillow lays out glyphs; no markup is read), wrapped to
# the width and cut with "..." where it does not fit.
# The font is DejaVu Sans from the npm package @fontsource/dejavu-sans (package-lock.json):
# the `npm ci` every build already runs installs it, so a fresh clone draws the same
# pixels on every machine, and nothing is fetched while building or reading.
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .errors import GeneratorError

WIDTH, HEIGHT = 1200, 630
FONT_DIR = Path("node_modules/@fontsource/dejavu-sans/files")  # under the project root
REGULAR = "dejavu-sans-latin-400-normal.woff"
BOLD = "dejavu-sans-latin-700-normal.woff"
MARGIN = 64
# The site's colours (Material's indigo header, text on white), as RGB.
BAND = (63, 81, 181)
INK = (33, 33, 33)
WHITE = (255, 255, 255)
# Longest text drawn: a commitment's text can run to pages; the card holds a few lines.
MAX_TEXT = 600


@dataclass(frozen=True)
class Card:
    """What one image says, top to bottom."""

    kicker: str  # 'Gemeente Groningen'
    title: str  # the document's title
    body: str  # what it is and holds
    site: str  # the site's name, in the band at the bottom


@cache
def _font(root: Path, name: str, size: int) -> ImageFont.FreeTypeFont:
    path = root / FONT_DIR / name
    if not path.is_file():
        raise GeneratorError(f"missing font {path}: run `npm ci` (or `make site`)")
    return ImageFont.truetype(str(path), size)


def _plain(text: str) -> str:
    """One line of text: whitespace runs (line breaks, tabs) as one space, control
    characters out (a font has no glyph for them), at most MAX_TEXT characters."""
    flat = " ".join(text.split())
    flat = "".join(ch for ch in flat if ch.isprintable())
    return flat[:MAX_TEXT]


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Lines of at most `width` pixels, broken between words (a word longer than a
    line is broken anywhere); past `max_lines` the last line ends in '…'."""
    lines: list[str] = []
    line = ""
    for word in _plain(text).split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:  # a word wider than the card
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
        if len(lines) > max_lines:
            break
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + " …") > width:
            last = last[:-1]
        lines = [*lines[:max_lines - 1], last.rstrip() + " …"]
    return lines


def _draw_lines(draw: ImageDraw.ImageDraw, lines: Sequence[str], font: ImageFont.FreeTypeFont,
                top: int, leading: int, fill: int) -> int:
    for line in lines:
        draw.text((MARGIN, top), line, font=font, fill=fill)
        top += leading
    return top


# The image is drawn in grey levels and stored with a palette (8 bits a pixel, an
# encode three times faster and a file half the size of a true-colour one): levels
# 0-127 run from white to the ink on the card, 128-255 from the band's colour to white.
INK_LEVEL, MUTED_LEVEL, BAND_LEVEL, BAND_TEXT_LEVEL = 127, 105, 128, 255
PALETTE = [channel for i in range(128) for channel in
           (round(w + (c - w) * i / 127) for w, c in zip(WHITE, INK, strict=True))] + \
          [channel for i in range(128) for channel in
           (round(b + (w - b) * i / 127) for b, w in zip(BAND, WHITE, strict=True))]


def render_card(card: Card, root: Path) -> bytes:
    """The PNG: a white card, the text left-aligned, the site's name in a band."""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    kicker, title, body = (_font(root, REGULAR, 30), _font(root, BOLD, 52), _font(root, REGULAR, 34))
    top = _draw_lines(draw, wrap(card.kicker, kicker, width, 1), kicker, 56, 40, MUTED_LEVEL) + 20
    top = _draw_lines(draw, wrap(card.title, title, width, 3), title, top, 64, INK_LEVEL) + 20
    band = HEIGHT - 96
    lines = max(0, (band - 24 - top) // 46)
    if lines:
        _draw_lines(draw, wrap(card.body, body, width, lines), body, top, 46, INK_LEVEL)
    draw.rectangle((0, band, WIDTH, HEIGHT), fill=BAND_LEVEL)
    site = _font(root, BOLD, 30)
    draw.text((MARGIN, band + 30), " ".join(wrap(card.site, site, width, 1)), font=site, fill=BAND_TEXT_LEVEL)
    out = Image.frombytes("P", image.size, image.tobytes())
    out.putpalette(PALETTE)
    buffer = io.BytesIO()
    out.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
