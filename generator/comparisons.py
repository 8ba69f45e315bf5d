# Figures compared across municipalities: data/comparisons.yaml names each
# comparable figure ("sociale huurvoorraad", with its unit and what is counted); a
# figure of a commitment, a table column or a framework indicator says which
# comparison it belongs to with `compare:`. This module checks those marks and
# collects the values: one per municipality, year and scope (the whole table's
# total, or one row where the source prints no total), each with where it stands.
# Nothing is computed from the values: a value is compared as the document gives it.
# The pages and downloads built from them are in comparison_views.py.
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import model as m
from .charts import YEAR
from .evidence import Provenance, provenance_text
from .records import chapters_of_groups, parties_mark

PathKey = tuple[str | int, ...]
FILE = "comparisons.yaml"  # optional, like redirects.yaml
TOTAL = "totaal"


@dataclass(frozen=True)
class Mark:
    """One `compare:` in a document, with what the value needs from its place."""

    loc: PathKey  # of the `compare` key, for messages
    ref: m.CompareRef
    unit: str | None
    default_year: int | None  # from a column title that is a year, or a one-year document
    kind: str  # "figure", "column", "indicator"
    number_column: bool = True


@dataclass(frozen=True)
class Value:
    """One value of a comparison, as a document gives it."""

    doc: m.Document
    year: int
    scope: str  # TOTAL, the row label of a table without a total row, or who carries
    # the commitment a figure belongs to
    value: float | int | None
    low: float | int | None
    high: float | int | None
    status: str  # a column's or point's status ("gerealiseerd", "prognose", "doel", ...),
    # or "afgesproken": a figure of a commitment, or a column without a status
    uncertain: bool
    note: str | None  # the mark's note and the cell's, joined
    decimals: int  # as the document's figure, column or indicator gives them
    where: str  # what the value is in the document: "tabel ...", "afspraak 42", "indicator ..."
    anchor: str  # element id on the document page


def _one_year(doc: m.Document) -> int | None:
    return doc.period.start if doc.period.start == doc.period.end else None


def _title_year(title: str) -> int | None:
    found = YEAR.match(title.strip())
    return int(found.group(1)) if found and not found.group(0).count("-") else None


# A year a column title names: "2025", "Prognose eind 2030", "Beginstand 1-1-2022".
_TITLE_YEARS = re.compile(r"(?<!\d)(19\d{2}|20\d{2}|2100)(?!\d)")


def title_years(title: str) -> tuple[int, int] | None:
    """The first and last year a column's title names, or None if it names none."""
    years = [int(y) for y in _TITLE_YEARS.findall(title)]
    return (min(years), max(years)) if years else None


def marks(doc: m.Document) -> Iterator[tuple[Mark, Any]]:
    """Every `compare:` of a document with the thing it is on, in document order."""
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        for g, goal in enumerate(chapter.goals):
            for i, ind in enumerate(goal.indicators):
                if ind.compare:
                    yield Mark((*loc, "goals", g, "indicators", i, "compare"), ind.compare,
                               ind.unit, None, "indicator"), ind
        for g, group in enumerate(chapter.groups):
            for c, commitment in enumerate(group.commitments):
                for f, figure in enumerate(commitment.figures):
                    if figure.compare:
                        yield Mark((*loc, "groups", g, "commitments", c, "figures", f, "compare"),
                                   figure.compare, figure.unit, _one_year(doc), "figure"), \
                            (commitment, figure, group)
        for t, table in enumerate(chapter.tables):
            for i, col in enumerate(table.columns):
                if col.compare:
                    yield Mark((*loc, "tables", t, "columns", i, "compare"), col.compare, col.unit,
                               _title_year(col.title) or _one_year(doc), "column",
                               col.type == "number"), (table, i)


def check_marks(doc: m.Document, comparables: dict[str, m.Comparable] | None,
                report: Callable[[PathKey, str], None]) -> None:
    """Report every mark that cannot be compared: unknown, in another unit, without a
    year. `comparables` is None when there is no data/comparisons.yaml."""
    from .validate import _did_you_mean  # the same hint as every other reference

    known = comparables or {}
    seen: set[tuple[str, str, int | None]] = set()  # (table, comparison, year)
    for mark, thing in marks(doc):
        if mark.kind == "column":
            key = (thing[0].id, mark.ref.id, mark.ref.year or mark.default_year)
            if key in seen:
                report(mark.loc, f"another column of table '{key[0]}' is already the value of "
                       f"'{key[1]}' for {key[2]}: one value per table, comparison and year")
            seen.add(key)
        if mark.ref.id not in known:
            hint = _did_you_mean(mark.ref.id, known)
            where = f"data/{FILE}" if comparables is not None else f"there is no data/{FILE}"
            report((*mark.loc, "id"), f"unknown comparison '{mark.ref.id}'{hint} ({where})")
        elif known[mark.ref.id].unit != mark.unit:
            want = known[mark.ref.id].unit
            report(mark.loc, f"this value is in {_unit(mark.unit)} and comparison "
                   f"'{mark.ref.id}' in {_unit(want)}: only values in the same unit can be "
                   f"compared; never convert a printed value, choose a comparison in "
                   f"{_unit(mark.unit)} or leave this value out of it")
        if mark.kind == "indicator" and mark.ref.year is not None:
            report((*mark.loc, "year"), "an indicator's points have their own years: leave out 'year'")
        elif mark.kind != "indicator" and mark.ref.year is None and mark.default_year is None:
            title = " and its title names no single year" if mark.kind == "column" else ""
            report(mark.loc, f"'compare' needs 'year' here: the {mark.kind} is in a document "
                   f"of {doc.period.start}-{doc.period.end}{title} "
                   f"(example: compare: {{id: {mark.ref.id}, year: {doc.period.start}}})")
        if not mark.number_column:
            report(mark.loc, "'compare' needs a number column")
        if mark.kind == "column":
            _check_column_year(mark, thing[0].columns[thing[1]], report)


def _check_column_year(mark: Mark, column: m.Column,
                       report: Callable[[PathKey, str], None]) -> None:
    """A column's year is the one its title prints ("2025", "Prognose eind 2030"): a value
    filed under another year, given in `year` or taken from a one-year document, would be
    compared as that year's."""
    year = mark.ref.year or mark.default_year
    span = title_years(column.title)
    if year is None or span is None or span[0] <= year <= span[1]:
        return
    named = str(span[0]) if span[0] == span[1] else f"{span[0]} to {span[1]}"
    hint = f" (year: {span[0]})" if span[0] == span[1] else ""
    if mark.ref.year is not None:
        report((*mark.loc, "year"), f"'compare' is for {year}, but column '{column.id}' is "
               f"titled '{column.title}' ({named}); give the year the column is for{hint}")
    else:
        report(mark.loc, f"'compare' takes the document's year {year}, but column "
               f"'{column.id}' is titled '{column.title}' ({named}); give the year the "
               f"column is for{hint}")


def _unit(unit: str | None) -> str:
    return f"'{unit}'" if unit else "no unit"


def _cell(cell: m.CellValue) -> tuple[Any, Any, Any, str | None, bool, str | None]:
    """(value, low, high, status, uncertain, note) of a table cell."""
    if isinstance(cell, m.Cell):
        value = cell.value if not isinstance(cell.value, str) else None
        return value, cell.min, cell.max, cell.status, cell.uncertain, cell.note
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell, None, None, None, False, None
    return None, None, None, None, False, None


def _provenance(provenance: Provenance | None) -> str | None:
    """A value's mark as a note beside it (evidence.provenance_text)."""
    return provenance_text(provenance) if provenance else None


def _notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return " ".join(kept) or None


def collect(documents: list[m.Document], labels: Callable[[m.Document, Any], tuple[str, str]],
            responsible: Callable[[m.Commitment, m.Group], str]) -> dict[str, list[Value]]:
    """The values of every comparison, per comparison id, sorted by municipality, scope
    and year. `labels` gives (where, anchor) for a commitment, table or indicator: how
    the document page names it; `responsible` names who carries a commitment (the
    scope of its figure)."""
    found: dict[str, list[Value]] = {}
    for doc in documents:
        group_chapters = chapters_of_groups(doc)
        for mark, thing in marks(doc):
            ref = mark.ref
            add = found.setdefault(ref.id, []).append
            if mark.kind == "indicator":
                ind: m.Indicator = thing
                where, anchor = labels(doc, ind)
                for p in ind.points:
                    add(Value(doc, p.year, TOTAL, p.value, p.min, p.max, p.kind, p.uncertain,
                              _notes(ref.note, p.note, _provenance(p.provenance)), ind.decimals,
                              where, anchor))
            elif mark.kind == "figure":
                commitment, figure, group = thing
                chapters = group_chapters.get(id(group), ())
                where, anchor = labels(doc, commitment)
                add(Value(doc, ref.year or mark.default_year or 0, responsible(commitment, group),
                          figure.value, None, None,
                          "afgesproken", figure.uncertain,
                          # who carries it, if the editors inferred that (records.parties_mark)
                          _notes(ref.note, _provenance(parties_mark(commitment, group, chapters))),
                          figure.decimals, where, anchor))
            else:
                table, i = thing
                where, anchor = labels(doc, table)
                column = table.columns[i]
                totals = [r for r in table.rows if r.total]
                for row in totals or table.rows:
                    value, low, high, status, uncertain, note = _cell(row.values[i])
                    cell = row.values[i]
                    cell_mark = cell.provenance if isinstance(cell, m.Cell) else None
                    if value is None and low is None and high is None:
                        continue  # an empty cell: the source gives nothing to compare
                    add(Value(doc, ref.year or mark.default_year or 0,
                              TOTAL if row.total else row.label, value, low, high,
                              status or column.status or "afgesproken", uncertain,
                              _notes(ref.note, row.note, note, _provenance(cell_mark or table.provenance)),
                              column.decimals, where, anchor))
    for values in found.values():
        values.sort(key=lambda v: (v.doc.municipality, v.scope != TOTAL, v.scope, v.year))
    return found
