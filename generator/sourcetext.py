# The source text as evidence: every text and printed number of a document must
# occur in the text of its signed PDF (data/<municipality>/<slug>.source.txt),
# unless a provenance mark says the editors repaired, derived or inferred it.
# In: a validated Document and its source text; out: the differences, reported by
# validate.py as DataErrors with file, line, field and a short word diff. Both sides
# are normalised the same way (typography, line-break hyphenation, whitespace), so
# only a difference in words, punctuation or numbers is reported. Imports only the
# model: validate.py calls it.
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from . import model as m

MAX_BYTES = 2_000_000  # the text of a PDF of several hundred pages; the seeds are at most 31 kB
# In the word diff, a word found more often than this in the source ("de", "en") does
# not vote for where a passage starts: it says little, and it costs time per occurrence.
_COMMON = 200

# One form for each typographic variant, on both sides.
_CHARS = str.maketrans({
    "\u00ad": None,  # soft hyphen: invisible, only where a word may be broken
    "\u200b": None, "\ufeff": None,  # zero-width space, byte order mark
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\t": " ", "\f": "\n",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    # bullets and list symbols (the private-use ones are Symbol/Wingdings glyphs)
    "\u2022": " ", "\u25aa": " ", "\u25e6": " ", "\u25cf": " ", "\u25a0": " ", "\u25a1": " ",
    "\u27a2": " ", "\u2713": " ", "\u2219": " ", "\u00b7": " ",
    "\uf0b7": " ", "\uf0a7": " ", "\uf076": " ", "\uf0d8": " ", "\uf0fc": " ",
})
# A word broken over two lines: "woning-\nbouw". Not when the next word is a
# conjunction: "woon-\nen leefklimaat" is "woon- en leefklimaat".
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ ]*\n[ \n]*(?!(?:en|of|tot|t/m|als)\b)(?=[^\W\d_])")
# Before a capital the hyphen is part of the word ("Noord-\nNederland"): only the break goes.
_LINE_BREAK_CAPITAL = re.compile(r"(?<=[^\W\d_])-[ ]*\n[ \n]*(?=[^\W\d_a-zà-ÿ])")
# "- item", "o item": a bullet, not a word
_LIST_DASH = re.compile(r"^[ ]*[-*o][ ]+", re.MULTILINE)
# A hyphen inside a word ("Noord-Nederland", or a line-break hyphen that was a real
# one): not compared, as a reader does not see the difference as a different word.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_SPACE = re.compile(r"\s+")
# Page furniture: a line that is only a page number ("12", "- 12 -", "Pagina 3 van 12").
_PAGE_NUMBER = re.compile(r"^[ ]*(?:-[ ]*)?(?:pagina[ ]+|p\.[ ]*)?\d{1,3}(?:[ ]*(?:/|van)[ ]*\d{1,3})?"
                          r"(?:[ ]*-)?[ ]*$", re.IGNORECASE)
# A number as printed: digits with points and commas between them ("1.177", "3,5").
_NUMBER = re.compile(r"(?<![\d.,])(-[ ]?)?(\d+(?:[.,]\d+)*)(?:[ ]?(miljoen|miljard)\b)?")
_SCALE = {"miljoen": Decimal(10) ** 6, "miljard": Decimal(10) ** 9}


def normalise(text: str) -> str:
    """Text as a reader sees it: one form for quotes, dashes and ligatures, soft
    hyphens and bullets gone, words broken over lines joined, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_CHARS)
    text = _LIST_DASH.sub("", text)
    text = _LINE_BREAK_CAPITAL.sub("-", text)
    text = _LINE_BREAK_HYPHEN.sub("", text)
    return _SPACE.sub(" ", text).strip()


def compact(normalised: str) -> str:
    """The matching key of normalised text: no whitespace, no hyphens inside words,
    so a line break or a hyphenation in the PDF never counts as a difference."""
    return _WORD_HYPHEN.sub("", normalised).replace(" ", "")


def strip_furniture(text: str) -> str:
    """The source text without page furniture: lines that are only a page number,
    and, when the text has pages (form feeds), a first or last line that repeats on
    at least half of them (a running header or footer, its digits ignored)."""
    pages = text.split("\f")
    if len(pages) >= 3:
        edges: dict[str, int] = {}
        for page in pages:
            lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
            for line in {lines[0], lines[-1]} if lines else set():
                shape = re.sub(r"\d+", "#", line)
                edges[shape] = edges.get(shape, 0) + 1
        running = {shape for shape, n in edges.items() if n >= len(pages) / 2}
        kept_pages = []
        for page in pages:
            lines = page.splitlines()
            filled = [i for i, ln in enumerate(lines) if ln.strip()]
            drop = {i for i in (filled[:1] + filled[-1:])
                    if re.sub(r"\d+", "#", lines[i].strip()) in running}
            kept_pages.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop))
        text = "\n".join(kept_pages)
    return "\n".join(line for line in text.splitlines() if not _PAGE_NUMBER.match(line))


def printed_values(text: str) -> set[Decimal]:
    """Every number the text prints, as values: Dutch notation ("1.177" is 1177,
    "3,5" is 3.5; "7 miljoen" is 7 and 7000000); "1.5" is read as 1.5. A minus sign (or dash) directly before
    a number gives its negative as well."""
    values: set[Decimal] = set()
    for match in _NUMBER.finditer(text):
        sign, digits, scale = match.groups()
        found: list[Decimal] = []
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):
            found.append(Decimal(digits.replace(".", "").replace(",", ".")))
        elif re.fullmatch(r"\d+,\d+", digits):
            found.append(Decimal(digits.replace(",", ".")))
        elif re.fullmatch(r"\d+(?:\.\d+)?", digits):  # "12", or "1.5" (not Dutch thousands)
            found.append(Decimal(digits))
        else:  # "1.234.5,6" and other runs: each part
            found += [Decimal(part) for part in re.split(r"[.,]", digits)]
        if scale:  # "7 miljoen" prints the number 7000000 as well as 7
            found += [value * _SCALE[scale] for value in found]
        for value in found:
            values.add(value.normalize())
            if sign:
                values.add((-value).normalize())
    return values


def as_decimal(value: int | float) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value).normalize()


@dataclass
class SourceText:
    """A document's source text, normalised once: the matching keys of its text and
    the numbers it prints. Words and their index are built only when a difference
    needs a word diff."""

    path: str  # as shown in messages
    raw: str
    key: str = field(init=False)
    folded: str = field(init=False)  # the key case-folded, for headings (often set in capitals)
    numbers: set[Decimal] = field(init=False)

    def __post_init__(self) -> None:
        self.text = normalise(strip_furniture(self.raw))
        self.key = compact(self.text)
        self.folded = self.key.casefold()
        # Numbers from the whole text, furniture included: a lone number on a
        # line is as often a table cell as a page number.
        self.numbers = printed_values(normalise(self.raw))

    @cached_property
    def words(self) -> list[str]:
        return self.text.split(" ")

    @cached_property
    def index(self) -> dict[str, list[int]]:
        positions: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            positions.setdefault(word, []).append(i)
        return positions

    def contains(self, text: str, heading: bool = False) -> bool:
        key = compact(normalise(text))
        return key.casefold() in self.folded if heading else key in self.key

    def count(self, heading: str) -> int:
        """How often the source prints a heading: as written if it does, else in any case."""
        key = compact(normalise(heading))
        return self.key.count(key) or self.folded.count(key.casefold())

    def closest(self, text: str) -> list[str]:
        """The passage of the source that shares most words with `text`, in order."""
        words = normalise(text).split(" ")
        votes: dict[int, int] = {}
        for i, word in enumerate(words):
            positions = self.index.get(word, ())
            if len(positions) > _COMMON:
                continue
            for p in positions:
                votes[p - i] = votes.get(p - i, 0) + 1
        if not votes:
            return []
        start = max(votes, key=lambda s: (votes[s], -s))
        window = self.words[max(start, 0): start + len(words) + 3]
        matcher = difflib.SequenceMatcher(a=words, b=window, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            return []
        first, last = blocks[0], blocks[-1]
        lo = max(first.b - first.a, 0)
        hi = min(last.b + last.size + (len(words) - last.a - last.size), len(window))
        return window[lo:hi]

    def word_diff(self, text: str) -> str:
        """'"dorpshuizen en thuiskamers" in the data, "dorpshuizen en. thuiskamers" in the
        source': each difference with two words of context, at most three."""
        words = normalise(text).split(" ")
        passage = self.closest(text)
        if not passage:
            return "no passage of the source text shares its words"
        matcher = difflib.SequenceMatcher(a=words, b=passage, autojunk=False)
        parts = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            before = words[max(i1 - 2, 0):i1]
            ours = " ".join(before + words[i1:i2] + words[i2:i2 + 2])
            theirs = " ".join(before + passage[j1:j2] + words[i2:i2 + 2])
            parts.append(f'"{_short(ours)}" here, "{_short(theirs)}" in the source')
        if not parts:  # the words agree; spacing or hyphens inside words differ
            return f'spacing or hyphenation differs from the source: "{_short(" ".join(passage))}"'
        more = f" (and {len(parts) - 3} more)" if len(parts) > 3 else ""
        return "; ".join(parts[:3]) + more


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_source_text(path: Path) -> tuple[str | None, str | None]:
    """The source text as written, or why it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    if len(data) > MAX_BYTES:
        return None, f"the source text is larger than {MAX_BYTES // 1_000_000} MB"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, (f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
                      f"save the source text as UTF-8")


# --- what is checked -------------------------------------------------------------

PathKey = tuple[str | int, ...]
Report = Callable[[PathKey, str], None]


@dataclass(frozen=True)
class Claim:
    """One text or number of the data that the source must print."""

    loc: PathKey
    what: str  # "text", "heading" or "number"
    text: str = ""
    value: int | float = 0


def claims(doc: m.Document) -> Iterator[Claim]:
    """Every text and number the data presents as printed, with its field path;
    values under a provenance mark that covers them are left out."""
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        if chapter.title and chapter.provenance is None:
            yield Claim((*loc, "title"), "heading", chapter.title)
        for i, block in enumerate(chapter.context):
            if block.provenance is not None:
                continue
            if block.title:
                yield Claim((*loc, "context", i, "title"), "heading", block.title)
            yield from _paragraphs((*loc, "context", i, "text"), block.text)
        for i, box in enumerate(chapter.boxes):
            if box.provenance is None:
                yield Claim((*loc, "boxes", i, "title"), "heading", box.title)
                yield from _paragraphs((*loc, "boxes", i, "text"), box.text)
        for g, goal in enumerate(chapter.goals):
            here = (*loc, "goals", g)
            if goal.provenance is None:
                yield from _paragraphs((*here, "text"), goal.text)
            for i, indicator in enumerate(goal.indicators):
                for p, point in enumerate(indicator.points):
                    if point.provenance is None:
                        yield from _numbers((*here, "indicators", i, "points", p), point)
        for g, group in enumerate(chapter.groups):
            here = (*loc, "groups", g)
            if group.title and group.title_provenance is None:
                yield Claim((*here, "title"), "heading", group.title)
            for c, commitment in enumerate(group.commitments):
                at = (*here, "commitments", c)
                if commitment.provenance is None:
                    yield from _paragraphs((*at, "text"), commitment.text)
                    for i, item in enumerate(commitment.items):
                        yield from _paragraphs((*at, "items", i, "text"), item.text)
                for f, figure in enumerate(commitment.figures):
                    if figure.provenance is None:
                        yield Claim((*at, "figures", f, "value"), "number", value=figure.value)
        for t, table in enumerate(chapter.tables):
            here = (*loc, "tables", t)
            if table.provenance is None:
                yield Claim((*here, "title"), "heading", table.title)
            for r, row in enumerate(table.rows):
                for v, (column, cell) in enumerate(zip(table.columns, row.values, strict=False)):
                    at = (*here, "rows", r, "values", v)
                    if isinstance(cell, m.Cell):
                        if cell.provenance is None:
                            yield from _numbers(at, cell, column.type == "text")
                    elif isinstance(cell, str):
                        yield Claim(at, "heading", cell)
                    elif cell is not None and column.type == "number":
                        yield Claim(at, "number", value=cell)


def _paragraphs(loc: PathKey, text: str) -> Iterator[Claim]:
    # Paragraph by paragraph: the data may leave out what stands between two
    # paragraphs in the PDF (a table, a picture's caption).
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if paragraph.strip():
            yield Claim(loc, "text", paragraph)


def _numbers(loc: PathKey, holder: m.Cell | m.Point, text_column: bool = False
             ) -> Iterator[Claim]:
    for name in ("value", "min", "max"):
        value = getattr(holder, name)
        if isinstance(value, str):
            if text_column:
                yield Claim((*loc, "value"), "heading", value)
        elif value is not None:
            yield Claim((*loc, name), "number", value=value)


def check_document(doc: m.Document, source: SourceText, report: Report) -> None:
    """Report every text and number of `doc` that its source text does not print."""
    headings: dict[str, tuple[str, list[PathKey]]] = {}
    for claim in claims(doc):
        if claim.what == "number":
            if as_decimal(claim.value) not in source.numbers:
                report(claim.loc, f"the number {_dutch(claim.value)} is not in the source text "
                       f"{source.path}; correct it, or, if the editors derived it, say so with "
                       f"{_mark(claim.loc)} (kind: derived)")
        elif claim.what == "heading":
            if not source.contains(claim.text, heading=True):
                report(claim.loc, f"not in the source text {source.path}: "
                       f"{source.word_diff(claim.text)}; write it as printed, or say what the "
                       f"editors did with {_mark(claim.loc)}")
            elif _is_title(claim.loc):
                key = compact(normalise(claim.text))
                headings.setdefault(key, (claim.text, []))[1].append(claim.loc)
        elif not source.contains(claim.text):
            report(claim.loc, f"differs from the source text {source.path}: "
                   f"{source.word_diff(claim.text)}; write it as printed, or, if it repairs a "
                   f"slip, say so with {_mark(claim.loc)} (kind: repaired, with what the "
                   f"source reads)")
    # A heading the data repeats more often than the source prints it: the editors
    # added it where the source has none.
    for title, places in headings.values():
        printed = source.count(title)
        if len(places) > printed:
            for loc in places[printed:]:
                report(loc, f"this heading stands {_times(len(places))} in the data, but the "
                       f"source text {source.path} prints it {_times(printed)}; mark each "
                       f"heading the source does not print here with {_mark(loc)}")


# The mark that covers a value, by the nearest list it stands in (see claims()).
_MARKS = {
    "figures": "'provenance' on the figure",
    "points": "'provenance' on the point",
    "values": "a cell written as {value: ..., provenance: {...}}",
    "commitments": "'provenance' on the commitment",
    "context": "'provenance' on the context block",
    "boxes": "'provenance' on the box",
    "goals": "'provenance' on the goal",
    "tables": "'provenance' on the table",
    "groups": "'title_provenance' on the group",
    "chapters": "'provenance' on the chapter",
}


def _mark(loc: PathKey) -> str:
    for part in reversed(loc):
        if isinstance(part, str) and part in _MARKS:
            return _MARKS[part]
    return "'provenance'"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _is_title(loc: PathKey) -> bool:
    return loc[-1] == "title"


def _dutch(value: int | float) -> str:
    text = f"{value:,}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text

