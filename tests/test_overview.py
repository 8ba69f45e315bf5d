# The home page's view of the register, with every expected value
# computed from data/: the coverage table follows the year view (years_in_force),
# the latest documents their signing dates, and the theme and status counts add
# up to the commitments in the open data.
from __future__ import annotations

import io
import posixpath
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from generator import model as m
from generator import urls
from generator.export import export_all
from generator.overview import KIND_LETTERS, LATEST, plan_overview
from generator.queries import Queries, current_status
from generator.register import COMMITMENTS, export_register
from generator.validate import load_corpus
from generator.years import years_in_force

from .htmltext import Page

ROOT = Path(__file__).resolve().parent.parent
CORPUS = load_corpus(ROOT / "data", ROOT)
IN_FORCE = years_in_force(CORPUS)
OVERVIEW = plan_overview(CORPUS, Queries.build(CORPUS), IN_FORCE)


def test_coverage_has_a_cell_per_year_with_the_kinds_in_force() -> None:
    years = sorted({y for by_year in IN_FORCE.values() for y in by_year})
    assert OVERVIEW.years == list(range(years[0], years[-1] + 1))
    rows = {row.municipality.id: row for _, coverage, _ in OVERVIEW.provinces for row in coverage}
    assert set(rows) == {mid for mid in CORPUS.municipalities if CORPUS.documents_of(mid)}
    for mid, row in rows.items():
        for year, letters in row.cells:
            kinds = {d.kind for d in IN_FORCE[mid].get(year, [])}
            assert set(letters) == {KIND_LETTERS[k] for k in kinds}
    for province, coverage, without in OVERVIEW.provinces:
        for mun in [r.municipality for r in coverage] + without:
            assert (mun.province or "Overig") == province


def test_latest_documents_are_the_last_signed() -> None:
    signed = sorted((d for d in CORPUS.documents if d.signing and d.signing.date),
                    key=lambda d: d.signing.date, reverse=True)  # type: ignore[union-attr]
    assert OVERVIEW.latest == signed[:LATEST]


def test_theme_and_status_counts_add_up_to_the_open_data() -> None:
    files = export_register(CORPUS, export_all(CORPUS))
    frame = pd.read_csv(io.BytesIO(files[COMMITMENTS.csv_path]), dtype=str, keep_default_na=False)
    per_theme = Counter(frame["thema"])
    assert [(t.id, n) for t, n in OVERVIEW.themes] == [(t, per_theme[t]) for t in CORPUS.themes]
    assert OVERVIEW.unthemed == per_theme[""]
    statuses = Counter(current_status(c) for d in CORPUS.documents
                       for ch in m.iter_chapters(d.chapters) for g in ch.groups
                       for c in g.commitments)
    assert dict(OVERVIEW.statuses) == dict(statuses)
    assert sum(n for _, n in OVERVIEW.statuses) == len(frame)


@pytest.mark.slow
def test_home_links_every_covered_year_to_its_year_page(built_site: Path) -> None:
    page = Page((built_site / "index.html").read_text(encoding="utf-8"))
    for _, coverage, _ in OVERVIEW.provinces:
        for row in coverage:
            for year, letters in row.cells:
                link = urls.page_url(urls.municipality_year_page(row.municipality.id, year))
                assert (link in page.links) == bool(letters), (row.municipality.id, year)
                if letters:
                    assert (built_site / link / "index.html").is_file()
    for doc in OVERVIEW.latest:
        assert urls.page_url(urls.document_page(doc)) in page.links
    for link in page.links:
        if not link.startswith(("#", "http")):
            target = posixpath.normpath(link.split("#")[0]) if link.split("#")[0] else "."
            assert (built_site / target / "index.html").is_file() or (built_site / target).is_file(), link
