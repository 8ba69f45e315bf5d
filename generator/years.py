# The year view: which documents of a municipality are in force in
# which year. A document is in force in every year of its period, so a
# four-year agreement is listed under each of its four years. Computed once per
# build from the validated Corpus, in time linear in the sum of the periods.
from __future__ import annotations

from . import model as m
from .validate import Corpus


def years_in_force(corpus: Corpus) -> dict[str, dict[int, list[m.Document]]]:
    """municipality id -> year -> the documents in force that year (corpus order:
    frameworks before the agreements they frame), years ascending."""
    out: dict[str, dict[int, list[m.Document]]] = {}
    for doc in corpus.documents:
        by_year = out.setdefault(doc.municipality, {})
        for year in range(doc.period.start, doc.period.end + 1):
            by_year.setdefault(year, []).append(doc)
    return {mun: dict(sorted(by_year.items())) for mun, by_year in out.items()}
