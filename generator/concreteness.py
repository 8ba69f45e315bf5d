# Concreteness of a commitment (issue 12b): does it name a number, a deadline and who
# is responsible? Computed from the data only, by the rules below, which the site
# publishes on its "concreetheid" page (templates/concreteness.md.j2 prints CRITERIA).
# In: a commitment with its group and the parties it could bind; out: three booleans.
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import model as m

# A year the text may name: four digits from 1900 to 2100, on their own.
_YEAR = r"(?<![\d.,])(?:19\d{2}|20\d{2}|2100)(?![\d.,])"
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
           "november|december")
# A deadline in the text: a year, a quarter ("Q3", "derde kwartaal"), or a month name.
DEADLINE_TEXT = re.compile(
    rf"{_YEAR}|\bQ[1-4]\b|\b(?:eerste|tweede|derde|vierde|1e|2e|3e|4e)\s+kwartaal\b|\b(?:{_MONTHS})\b",
    re.IGNORECASE)
# A number in the text: any run of digits that is not a year and not the day of a
# date ("1 januari"); a year or a date counts as a deadline, not as a number.
_DATE_DAY = rf"\b\d{{1,2}}\s+(?:{_MONTHS})\b"
NUMBER_TEXT = re.compile(r"\d")

# The criteria as published on the site (Dutch), one per aspect, in this order.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("getal", "Noemt een getal",
     "de afspraak heeft een of meer cijfers (figures) in de data, of de tekst (met de "
     "opsomming) bevat een getal dat geen jaartal (1900 tot en met 2100) en geen dag van een "
     "datum (\"1 januari\") is."),
    ("termijn", "Noemt een termijn",
     "de afspraak heeft een datum in de data (due), of de tekst (met de opsomming) noemt een "
     "jaartal (1900 tot en met 2100), een kwartaal (\"Q3\", \"derde kwartaal\") of een maand."),
    ("wie", "Noemt wie verantwoordelijk is",
     "de afspraak noemt zelf de partijen die haar uitvoeren (parties), of de groep waarin zij "
     "staat noemt minder partijen dan alle partijen die het hoofdstuk of document bindt."),
)


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


def names_number(c: m.Commitment) -> bool:
    if c.figures:
        return True
    text = re.sub(_DATE_DAY, " ", full_text(c), flags=re.IGNORECASE)
    text = re.sub(_YEAR, " ", text)
    return bool(NUMBER_TEXT.search(text))


def names_deadline(c: m.Commitment) -> bool:
    return c.due is not None or bool(DEADLINE_TEXT.search(full_text(c)))


def names_responsible(c: m.Commitment, group: m.Group, bound: list[str]) -> bool:
    """`bound`: the parties the commitment's chapter binds (its own, an enclosing
    chapter's, or the document's)."""
    if c.parties is not None:
        return True
    return bool(set(bound) - set(group.actors))


def assess(c: m.Commitment, group: m.Group, bound: list[str]) -> Concreteness:
    return Concreteness(names_number(c), names_deadline(c), names_responsible(c, group, bound))


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
                    out.append(Assessed(doc, ch, ch_theme, group, c, assess(c, group, ch_bound)))
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
