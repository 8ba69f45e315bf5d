# Concreteness of a commitment: does it name a number, a deadline and who
# is responsible? Computed from the data only, by the rules below, which the site
# publishes on its "concreetheid" page (templates/concreteness.md.j2 prints CRITERIA).
# In: a commitment with its group and the parties it could bind; out: three booleans.
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from . import model as m

# Evidence is what the signed document prints: a commitment text the editors derived
# or inferred, or took from another publication (secondary), and actors they
# inferred, never count (evidence.py). A repaired text (an OCR slip put right) is
# still the printed text.
EDITORIAL = frozenset({"derived", "inferred", "secondary"})

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
           "november|december")
# A year the text may name: four digits from 1900 to 2100, on their own. A point or
# comma after it ends a sentence or a clause ("uiterlijk 2028."), unless a digit
# follows: "2.025" or "2025,5" are amounts.
_YEAR = r"(?<!\d)(?<!\d[.,])(?:19\d{2}|20\d{2}|2100)(?!\d)(?![.,]\d)"
_YEAR_RE = re.compile(_YEAR)
# A year or a span of years ("2021-2022", "2024 t/m 2026"), judged as one.
_YEARS = re.compile(rf"({_YEAR})(?:\s*(?:-|–|t/m|tot en met)\s*({_YEAR}))?")
# A date or a month, with its year if it has one: "1 januari 2022", "1-1-2022", "maart".
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+)?(?:{_MONTHS})\b(?:\s+({_YEAR}))?|\b\d{{1,2}}-\d{{1,2}}-({_YEAR})",
    re.IGNORECASE)
# A quarter, with its year if it has one: "Q3", "Q1 2024", "derde kwartaal 2023".
_QUARTER = re.compile(
    rf"\bQ[1-4]\b(?:\s+({_YEAR}))?|\b(?:eerste|tweede|derde|vierde|1e|2e|3e|4e)\s+kwartaal\b"
    rf"(?:\s+(?:van\s+)?({_YEAR}))?", re.IGNORECASE)
# A year the text names as the period it speaks about, not as a deadline: "over 2021",
# "sinds 2019".
_REFERENCE_BEFORE = re.compile(r"\b(?:over|sinds|sedert)\s+$", re.IGNORECASE)
# Words before a year that make it a moment: "In 2024", "Eind 2028", "Voor 2024". A
# year after another capitalised word is part of a name ("Transitievisie Warmte
# 2024-2026", "Woonvisie 2020+").
_TIME_WORDS = frozenset({
    "in", "vanaf", "voor", "vóór", "per", "tot", "uiterlijk", "eind", "einde", "begin", "medio",
    "najaar", "voorjaar", "zomer", "winter", "herfst", "halverwege", "ultimo", "rond",
    "omstreeks", "na", "uit", "t/m"})

# A number that is no quantity: the number of a measure, an agreement, an article
# ("maatregel 29", "afspraak 3", "artikel 2"), an ordinal ("1e"), and digits that are
# part of a word or a code ("CO2", "Q1").
_REFERENCE_WORDS = (
    r"maatregel(?:en)?", r"afspra(?:ak|ken)", r"artikel(?:en)?", r"art\.", "bijlage", "hoofdstuk",
    "paragraaf", "lid", "fase", "tabel", "figuur", "pagina", r"blz\.", r"p\.", "actie", r"nr\.",
    "nummer", "punt", "stap", "versie")
_REFERENCE_NUMBER = re.compile(
    rf"\b(?:{'|'.join(_REFERENCE_WORDS)})\s*\d+(?:[.\-]\d+)*[a-z]?\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\b\d+(?:e|ste|de)\b")
_QUANTITY = re.compile(r"(?<![^\W\d_])\d")  # a digit not glued to a letter before it

# The criteria as published on the site (Dutch), one per aspect, in this order.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("getal", "Noemt een getal",
     "de tekst van de afspraak (met de opsomming) bevat een hoeveelheid in cijfers, of de "
     "afspraak heeft cijfers (figures) in de data. Geen getal zijn: een jaartal (1900 tot en "
     "met 2100), een datum (\"1 januari\", \"1-1-2022\"), een kwartaal (\"Q1\"), een "
     "rangtelwoord (\"1e\"), cijfers in een woord of code (\"CO2\") en het nummer van een "
     "maatregel, afspraak, artikel, bijlage, fase en dergelijke (\"maatregel 29\")."),
    ("termijn", "Noemt een termijn",
     "de tekst van de afspraak (met de opsomming) noemt een jaartal (1900 tot en met 2100, "
     "ook aan het eind van een zin: \"uiterlijk 2028.\"), een kwartaal (\"Q3\", \"derde "
     "kwartaal\") of een maand. Geen termijn zijn: een jaar vóór het eerste jaar van het "
     "document (\"in 2019-2020\" in afspraken voor 2021, \"najaar 2022\" in afspraken voor "
     "2023), een periode waarover iets gaat (\"over 2021\", \"sinds 2019\") en een jaartal "
     "in een naam (\"Woonvisie 2020+\", \"Transitievisie Warmte 2024-2026\"). De datum bij "
     "'Wanneer' telt niet mee: die leidt de redactie af uit de tekst."),
    ("wie", "Noemt wie verantwoordelijk is",
     "de afspraak noemt zelf de partijen die haar uitvoeren (parties), of zij staat onder een "
     "gedrukt kopje dat alle partijen noemt (\"Gezamenlijk\", \"Gezamenlijke prestaties\"), "
     "of de groep waarin zij staat noemt minder partijen dan alle partijen die het hoofdstuk "
     "of document bindt. Partijen die de redactie heeft afgeleid (gemarkeerd als afgeleid) "
     "tellen niet."),
)
# A printed group heading that names every party as the one who acts.
ALL_PARTIES_HEADING = re.compile(r"\bgezamenlijk|\balle partijen\b", re.IGNORECASE)


@dataclass(frozen=True)
class Concreteness:
    number: bool
    deadline: bool
    responsible: bool

    @property
    def score(self) -> int:
        return int(self.number) + int(self.deadline) + int(self.responsible)

    def aspects(self) -> tuple[bool, bool, bool]:
        """In CRITERIA order."""
        return self.number, self.deadline, self.responsible


def full_text(c: m.Commitment) -> str:
    return "\n".join([c.text, *(item.text for item in c.items)])


def printed(c: m.Commitment) -> bool:
    """The commitment's text is the signed document's (as printed, or only repaired)."""
    return c.provenance is None or c.provenance.kind not in EDITORIAL


def names_number(c: m.Commitment) -> bool:
    return _Text(full_text(c)).number(c)


def names_deadline(c: m.Commitment, period_start: int | None = None) -> bool:
    """`period_start`: the first year of the document; an earlier year is a reference."""
    return _Text(full_text(c)).deadline(c, period_start)


# Characters that match a letter of the patterns above under re.IGNORECASE although
# str.lower() does not make them that letter: a capital I with a dot and a dotless i
# match "i", a long s matches "s".
_UNFOLDED = re.compile("[\u0130\u0131\u017f]")
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_DIGIT = re.compile(r"\d")
_MONTH_NAMES = tuple(_MONTHS.split("|"))
# What every match of _REFERENCE_NUMBER starts with, lower case: "maatregel", "art.".
_REFERENCE_STEMS = tuple(w.split("(")[0].replace("\\", "") for w in _REFERENCE_WORDS)


class _Text:
    """A commitment's full text, read for both aspects at once. The patterns are what
    takes the time (a national build runs them over 80,000 texts), so a pattern is
    run only where the text holds what every match of it contains: a digit, a month's
    name, "q" or "kwartaal", a word of _REFERENCE_WORDS. That only skips a pattern that
    cannot match; the answers are those of the rules run in full."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.digit = _DIGIT.search(text) is not None
        # The text in lower case, for the tests of can_match: what a pattern matches
        # ignoring case is in it in lower case.
        self.low = text.lower()
        if not text.isascii() and _UNFOLDED.search(text):
            self.low = text.translate(_FOLD).lower()
        self._dates: list[re.Match[str]] | None = None

    def can_match(self, pattern: re.Pattern[str]) -> bool:
        """False where `pattern` matches neither the text nor the text with matches of
        the other patterns taken out or blanked (which adds no digit and no word)."""
        low = self.low
        if pattern is _DATE:  # a month's name, or a date in digits ("1-1-2022")
            return (self.digit and "-" in low) or any(name in low for name in _MONTH_NAMES)
        if pattern is _QUARTER:  # "Q1", or "derde kwartaal" without a digit
            return (self.digit and "q" in low) or "kwartaal" in low
        if pattern is _REFERENCE_NUMBER:
            return self.digit and any(stem in low for stem in _REFERENCE_STEMS)
        return self.digit  # the other patterns all match digits

    def dates(self) -> list[re.Match[str]]:
        """The matches of _DATE in the text, found once for both aspects."""
        if self._dates is None:
            self._dates = list(_DATE.finditer(self.text)) if self.can_match(_DATE) else []
        return self._dates

    def number(self, c: m.Commitment) -> bool:
        if not printed(c):
            return False
        # A figure the editors derived or inferred is their number, not the document's.
        if any(f.provenance is None or f.provenance.kind not in EDITORIAL for f in c.figures):
            return True
        if not self.digit:  # a quantity is a digit
            return False
        text = _replace(self.text, self.dates(), lambda f: " ")  # _DATE.sub(" ", text)
        for pattern in (_QUARTER, _REFERENCE_NUMBER, _ORDINAL, _YEAR_RE):
            if self.can_match(pattern):
                text = pattern.sub(" ", text)
        return bool(_QUANTITY.search(text))

    def deadline(self, c: m.Commitment, period_start: int | None = None) -> bool:
        if not printed(c):
            return False
        text = self.text
        for pattern in (_DATE, _QUARTER):
            if pattern is _DATE:
                found_all = self.dates()
            else:
                found_all = list(_QUARTER.finditer(text)) if self.can_match(_QUARTER) else []
            for found in found_all:
                year = found.group(1) or found.group(2)
                if year is None or _a_moment(int(year), text, found.start(), period_start):
                    return True
            # Blanked, not removed: the positions of what follows stay as they were.
            text = _replace(text, found_all, lambda f: " " * len(f.group(0)))
        if not self.digit:  # a year is digits
            return False
        for found in _YEARS.finditer(text):
            last = int(found.group(2) or found.group(1))
            if text[found.end():found.end() + 1] == "+":  # "Woonvisie 2020+": a name
                continue
            if _a_moment(last, text, found.start(), period_start):
                return True
        return False


def _replace(text: str, found: list[re.Match[str]], by: Callable[[re.Match[str]], str]) -> str:
    """`text` with each match replaced, as pattern.sub(by, text) does; the matches are
    those pattern.finditer(text) gave."""
    if not found:
        return text
    parts: list[str] = []
    end = 0
    for f in found:
        parts += (text[end:f.start()], by(f))
        end = f.end()
    parts.append(text[end:])
    return "".join(parts)


def _a_moment(year: int, text: str, start: int, period_start: int | None) -> bool:
    """A year at text[start:] is a deadline: not before the document's period, not the
    period a statement is about, not part of a name."""
    if period_start is not None and year < period_start:
        return False
    before = text[:start]
    head = before.rstrip()
    if len(head) == len(before) or not head:
        return True  # no word and then whitespace before the year
    # The year follows a word and whitespace: a reference after "over", part of a name
    # after a capitalised word (_REFERENCE_BEFORE and the word are looked for at the
    # end of `before` only, not by a pattern run over all of it for every year).
    word = head.rsplit(None, 1)[-1]
    if _REFERENCE_BEFORE.search(before, max(0, len(head) - len(word) - 1)):
        return False
    return not (word[:1].isupper() and word.casefold() not in _TIME_WORDS)


def names_responsible(c: m.Commitment, group: m.Group, bound: list[str]) -> bool:
    """`bound`: the parties the commitment's chapter binds (its own, an enclosing
    chapter's, or the document's)."""
    if c.parties is not None:
        return True
    if group.title and ALL_PARTIES_HEADING.search(group.title):
        return True
    if group.actors_provenance is not None and group.actors_provenance.kind in EDITORIAL:
        return False
    return bool(set(bound) - set(group.actors))


def assess(c: m.Commitment, group: m.Group, bound: list[str],
           period_start: int | None = None) -> Concreteness:
    text = _Text(full_text(c))
    return Concreteness(text.number(c), text.deadline(c, period_start),
                        names_responsible(c, group, bound))


@dataclass(frozen=True)
class Assessed:
    doc: m.Document
    chapter: m.Chapter
    theme: str | None  # the nearest enclosing chapter's theme
    group: m.Group
    commitment: m.Commitment
    concreteness: Concreteness


def assess_document(doc: m.Document, known: list[Concreteness] | None = None) -> list[Assessed]:
    """Every commitment of a document with its concreteness, in document order;
    `known`, the document's concreteness as an earlier run assessed the same text, in
    that order, is taken instead of assessing again (the rules' patterns over every
    commitment were three quarters of Queries.build nationally)."""
    out: list[Assessed] = []
    given = iter(known) if known is not None else None

    def walk(chapters: list[m.Chapter], bound: list[str], theme: str | None) -> None:
        for ch in chapters:
            ch_bound = ch.parties or bound
            ch_theme = ch.theme or theme
            for group in ch.groups:
                for c in group.commitments:
                    k = next(given, None) if given is not None else None
                    out.append(Assessed(doc, ch, ch_theme, group, c,
                                       k or assess(c, group, ch_bound, doc.period.start)))
            walk(ch.chapters, ch_bound, ch_theme)

    walk(doc.chapters, list(doc.parties), None)
    return out


def encode(assessed: list[Concreteness]) -> str:
    """A document's concreteness as text, a digit per commitment (its aspects as bits)."""
    return "".join(str(4 * k.number + 2 * k.deadline + k.responsible) for k in assessed)


def decode(text: object, count: int) -> list[Concreteness] | None:
    """What encode wrote for `count` commitments, or None for anything else."""
    if not (isinstance(text, str) and len(text) == count and all(ch in "01234567" for ch in text)):
        return None
    return [Concreteness(bool(int(ch) & 4), bool(int(ch) & 2), bool(int(ch) & 1)) for ch in text]


@dataclass
class Tally:
    """How many commitments name each aspect, out of how many."""

    total: int = 0
    aspects: Counter[str] | None = None

    def add(self, k: Concreteness, times: int = 1) -> None:
        """Count `times` commitments of concreteness `k`."""
        if self.aspects is None:
            self.aspects = Counter()
        self.total += times
        for (key, _, _), present in zip(CRITERIA, k.aspects(), strict=True):
            self.aspects[key] += times * int(present)
        self.aspects["alle"] += times * int(k.score == len(CRITERIA))

    def count(self, key: str) -> int:
        return self.aspects[key] if self.aspects else 0
