# Concreteness of a commitment (issue 12b): does it name a number, a deadline and who
# is responsible? Computed from the data only, by the rules below, which the site
# publishes on its "concreetheid" page (templates/concreteness.md.j2 prints CRITERIA).
# In: a commitment with its group and the parties it could bind; out: three booleans.
from __future__ import annotations

import re
from collections import Counter
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
_WORD_BEFORE = re.compile(r"(\S+)\s+$")

# A number that is no quantity: the number of a measure, an agreement, an article
# ("maatregel 29", "afspraak 3", "artikel 2"), an ordinal ("1e"), and digits that are
# part of a word or a code ("CO2", "Q1").
_REFERENCE_NUMBER = re.compile(
    r"\b(?:maatregel(?:en)?|afspra(?:ak|ken)|artikel(?:en)?|art\.|bijlage|hoofdstuk|paragraaf|"
    r"lid|fase|tabel|figuur|pagina|blz\.|p\.|actie|nr\.|nummer|punt|stap|versie)\s*"
    r"\d+(?:[.\-]\d+)*[a-z]?\b", re.IGNORECASE)
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
    if not printed(c):
        return False
    # A figure the editors derived or inferred is their number, not the document's.
    if any(f.provenance is None or f.provenance.kind not in EDITORIAL for f in c.figures):
        return True
    text = full_text(c)
    for pattern in (_DATE, _QUARTER, _REFERENCE_NUMBER, _ORDINAL, _YEAR_RE):
        text = pattern.sub(" ", text)
    return bool(_QUANTITY.search(text))


def _a_moment(year: int, text: str, start: int, period_start: int | None) -> bool:
    """A year at text[start:] is a deadline: not before the document's period, not the
    period a statement is about, not part of a name."""
    if period_start is not None and year < period_start:
        return False
    before = text[:start]
    if _REFERENCE_BEFORE.search(before):
        return False
    word = _WORD_BEFORE.search(before)
    return not (word and word.group(1)[:1].isupper()
                and word.group(1).casefold() not in _TIME_WORDS)


def names_deadline(c: m.Commitment, period_start: int | None = None) -> bool:
    """`period_start`: the first year of the document; an earlier year is a reference."""
    if not printed(c):
        return False
    text = full_text(c)
    for pattern in (_DATE, _QUARTER):
        for found in pattern.finditer(text):
            year = found.group(1) or found.group(2)
            if year is None or _a_moment(int(year), text, found.start(), period_start):
                return True
        text = pattern.sub(lambda f: " " * len(f.group(0)), text)
    for found in _YEARS.finditer(text):
        last = int(found.group(2) or found.group(1))
        if text[found.end():found.end() + 1] == "+":  # "Woonvisie 2020+": a name
            continue
        if _a_moment(last, text, found.start(), period_start):
            return True
    return False


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
    return Concreteness(names_number(c), names_deadline(c, period_start),
                        names_responsible(c, group, bound))


@dataclass(frozen=True)
class Assessed:
    doc: m.Document
    chapter: m.Chapter
    theme: str | None  # the nearest enclosing chapter's theme
    group: m.Group
    commitment: m.Commitment
    concreteness: Concreteness


def assess_document(doc: m.Document) -> list[Assessed]:
    """Every commitment of a document with its concreteness, in document order."""
    out: list[Assessed] = []

    def walk(chapters: list[m.Chapter], bound: list[str], theme: str | None) -> None:
        for ch in chapters:
            ch_bound = ch.parties or bound
            ch_theme = ch.theme or theme
            for group in ch.groups:
                for c in group.commitments:
                    out.append(Assessed(doc, ch, ch_theme, group, c,
                                       assess(c, group, ch_bound, doc.period.start)))
            walk(ch.chapters, ch_bound, ch_theme)

    walk(doc.chapters, list(doc.parties), None)
    return out


@dataclass
class Tally:
    """How many commitments name each aspect, out of how many."""

    total: int = 0
    aspects: Counter[str] | None = None

    def add(self, k: Concreteness) -> None:
        if self.aspects is None:
            self.aspects = Counter()
        self.total += 1
        for (key, _, _), present in zip(CRITERIA, k.aspects(), strict=True):
            self.aspects[key] += int(present)
        self.aspects["alle"] += int(k.score == len(CRITERIA))

    def count(self, key: str) -> int:
        return self.aspects[key] if self.aspects else 0
