# The home page's view of the whole register: which municipalities and
# years are covered and by which kinds of document (the year view's
# years_in_force), the latest documents by signing date, and how many commitments
# each theme and each status has. One pass over the corpus; the coverage table
# is grouped by province and has rows only for municipalities with documents.
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass

from . import model as m
from .queries import STATUSES, Queries
from .validate import Corpus

NO_PROVINCE = m.NO_PROVINCE
# One letter per document kind in a coverage cell, explained above the table.
KIND_LETTERS = {"framework": "K", "multi-year": "M", "yearly": "J"}
LATEST = 5  # documents listed as the latest


@dataclass(frozen=True)
class CoverageRow:
    municipality: m.Municipality
    cells: list[tuple[int, str]]  # (year, letters of the kinds in force; "" for none)


@dataclass(frozen=True)
class Overview:
    years: list[int]
    provinces: list[tuple[str, list[CoverageRow], list[m.Municipality]]]  # with, without documents
    latest: list[m.Document]
    themes: list[tuple[m.Theme, int]]
    statuses: list[tuple[str, int]]
    unthemed: int  # commitments in chapters without a common theme


def plan_overview(corpus: Corpus, queries: Queries,
                  in_force: dict[str, dict[int, list[m.Document]]]) -> Overview:
    all_years = [year for by_year in in_force.values() for year in by_year]
    years = list(range(min(all_years), max(all_years) + 1)) if all_years else []
    grouped: dict[str, tuple[list[CoverageRow], list[m.Municipality]]] = {}
    for mun in corpus.municipalities.values():  # sorted by name (validate.py)
        rows, without = grouped.setdefault(m.province_of(mun), ([], []))
        by_year = in_force.get(mun.id)
        if not by_year:
            without.append(mun)
            continue
        cells = []
        for year in years:
            kinds = {d.kind for d in by_year.get(year, [])}
            cells.append((year, "".join(letter for kind, letter in KIND_LETTERS.items()
                                        if kind in kinds)))
        rows.append(CoverageRow(mun, cells))
    provinces = [(p, *grouped[p]) for p in sorted(grouped, key=lambda p: (p == NO_PROVINCE, p))]
    signed = [(d.signing.date, d.ref, d) for d in corpus.documents
              if d.signing is not None and d.signing.date is not None]
    latest = [d for _, _, d in heapq.nlargest(LATEST, signed, key=lambda t: (t[0], t[1]))]
    themes: Counter[str] = Counter()
    unthemed = 0
    statuses: Counter[str] = Counter()
    for doc in corpus.documents:
        statuses.update(dict(queries.status_counts(doc)))
        unthemed += _count_themes(doc.chapters, None, themes)
    return Overview(
        years=years, provinces=provinces, latest=latest,
        themes=[(t, themes[t.id]) for t in corpus.themes.values()],
        statuses=[(s, statuses[s]) for s in STATUSES if statuses[s]],
        unthemed=unthemed,
    )


def _count_themes(chapters: list[m.Chapter], theme: str | None, counts: Counter[str]) -> int:
    """Adds each commitment to its nearest chapter's theme (as the open data does);
    returns how many have none."""
    none = 0
    for chapter in chapters:
        own = chapter.theme or theme
        n = sum(len(g.commitments) for g in chapter.groups)
        if own:
            counts[own] += n
        else:
            none += n
        none += _count_themes(chapter.chapters, own, counts)
    return none
