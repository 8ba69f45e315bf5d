"""Figures compared across municipalities: data/comparisons.yaml and `compare`.

The checks of `compare` and the pages built from it run on the fixture corpus; the
invariants of the bundled data/ hold for any valid data set (every value of every
comparison is on its page, with a link that lands where the value stands)."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest

from generator import comparisons, urls
from generator.comparison_views import all_values, value_text
from generator.errors import DataError
from generator.validate import Corpus, load_corpus

from .conftest import FIXTURE_CORPUS, ROOT, make_project

COMPARISONS = """\
comparisons:
  - id: nieuwbouw
    name: Nieuwbouw <b>sociale</b> huur & koop
    unit: woningen
    description: Woningen die in het jaar worden gebouwd.
    note: Niet overal <i>hetzelfde</i> geteld.
  - id: nog-leeg
    name: Nog zonder waarden
    description: Een cijfer dat nog geen document geeft.
"""
DOC_2024 = "testdorp/prestatieafspraken-2024.yaml"
DOC_MULTI = "testdorp/prestatieafspraken-2025-2028.yaml"
FIGURE = "- {label: Nieuwbouw, value: 48, unit: woningen}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def _with_comparisons(data: Path) -> Path:
    (data / "comparisons.yaml").write_text(COMPARISONS, encoding="utf-8")
    _edit(data / DOC_2024, FIGURE, FIGURE[:-1] + ", compare: {id: nieuwbouw}}")
    return data


def _problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_corpus(data, data.parent)
    return str(caught.value).splitlines()


# --- check ---------------------------------------------------------------------

def test_every_wrong_compare_is_reported_at_its_place_in_one_run(corpus_dir: Path) -> None:
    (corpus_dir / "comparisons.yaml").write_text(COMPARISONS, encoding="utf-8")
    doc = corpus_dir / DOC_2024
    _edit(doc, FIGURE, FIGURE[:-1] + ", compare: {id: nieuwbouww}}")  # a typo
    _edit(doc, "- {id: bijdrage, title: Bijdrage, unit: EUR}",
          "- {id: bijdrage, title: Bijdrage, unit: EUR, compare: {id: nieuwbouw}}")  # euros
    multi = corpus_dir / DOC_MULTI
    text = multi.read_text(encoding="utf-8")
    anchor = re.search(r"\n( +)text: .*\n", text[text.index("id: afspraak-1-1"):])
    assert anchor
    indent = anchor.group(1)
    _edit(multi, "id: afspraak-1-1\n", "id: afspraak-1-1\n" + indent + "figures:\n" + indent
          + "  - {label: Bouw, value: 10, unit: woningen, compare: {id: nieuwbouw}}\n")
    problems = _problems(corpus_dir)
    shown = "\n".join(problems)
    typo = next(p for p in problems if "nieuwbouww" in p)
    assert typo.startswith(f"data/{DOC_2024}:{_line_of(doc, 'nieuwbouww')}:")
    assert "did you mean 'nieuwbouw'" in typo and "data/comparisons.yaml" in typo
    euros = next(p for p in problems if "in 'EUR'" in p)
    assert euros.startswith(f"data/{DOC_2024}:{_line_of(doc, 'id: bijdrage, title')}:")
    assert "comparison 'nieuwbouw' in 'woningen'" in euros
    year = next(p for p in problems if "needs 'year'" in p)
    assert year.startswith(f"data/{DOC_MULTI}:{_line_of(multi, 'label: Bouw')}:")
    assert "2025-2028" in year and "compare: {id: nieuwbouw, year: 2025}" in year
    assert problems[3:] == ["3 problems found."], shown


def test_a_compare_without_comparisons_file_says_so(corpus_dir: Path) -> None:
    _edit(corpus_dir / DOC_2024, FIGURE, FIGURE[:-1] + ", compare: {id: nieuwbouw}}")
    problem, summary = _problems(corpus_dir)
    assert summary.startswith("1 problem")
    assert "unknown comparison 'nieuwbouw'" in problem
    assert "there is no data/comparisons.yaml" in problem


def test_a_text_column_and_a_year_on_an_indicator_are_refused(corpus_dir: Path) -> None:
    (corpus_dir / "comparisons.yaml").write_text(COMPARISONS, encoding="utf-8")
    _edit(corpus_dir / DOC_2024, "- {id: index, title: Energie-index, decimals: 2}",
          "- {id: index, title: Energie-index, decimals: 2, type: text, compare: {id: nog-leeg}}")
    problems = _problems(corpus_dir)
    assert any("'compare' needs a number column" in p for p in problems), problems


def test_two_columns_of_one_table_cannot_give_the_same_year(corpus_dir: Path) -> None:
    (corpus_dir / "comparisons.yaml").write_text(COMPARISONS.replace("unit: woningen", "unit: EUR", 1),
                                                 encoding="utf-8")
    doc = corpus_dir / DOC_2024
    _edit(doc, "- {id: bijdrage, title: Bijdrage, unit: EUR}",
          "- {id: bijdrage, title: Bijdrage, unit: EUR, compare: {id: nieuwbouw}}\n"
          "          - {id: bijdrage2, title: Bijdrage 2, unit: EUR, compare: {id: nieuwbouw}}")
    text = doc.read_text(encoding="utf-8")
    doc.write_text(re.sub(r"values: \[(\d+), ", r"values: [\1, \1, ", text), encoding="utf-8")
    problems = _problems(corpus_dir)
    assert problems[0].startswith(f"data/{DOC_2024}:{_line_of(doc, 'id: bijdrage2')}:"), problems
    assert "one value per table, comparison and year" in problems[0]
    assert problems[1:] == ["1 problem found."], problems


# --- the values ------------------------------------------------------------------

def test_a_table_without_total_gives_a_value_per_row_and_never_a_sum() -> None:
    from generator import model as m

    table = m.Table(id="t", title="Voorraad", row_header="Corporatie",
                    columns=[m.Column(id="j2030", title="2030", unit="woningen",
                                      compare=m.CompareRef(id="voorraad"))],
                    rows=[m.Row(label="A", values=[10]), m.Row(label="B", values=[None]),
                          m.Row(label="C", values=[m.Cell(min=3, max=5, uncertain=True)])])
    doc = m.Document.model_validate({
        "municipality": "x", "slug": "d", "kind": "multi-year", "title": "D",
        "period": {"start": 2027, "end": 2030}, "source": {"title": "S", "publisher": "P"},
        "parties": ["gemeente-x"], "chapters": [{"id": "c", "title": "C", "tables": [table]}]})
    found = comparisons.collect([doc], lambda d, t: ("tabel", t.id), lambda c, g: "")
    values = found["voorraad"]
    assert [(v.scope, v.year, v.value, v.low, v.high, v.uncertain) for v in values] == [
        ("A", 2030, 10, None, None, False), ("C", 2030, None, 3, 5, True)]  # B is empty


# --- the pages, from the fixture corpus --------------------------------------------

@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Corpus]:
    from generator.pipeline import Settings, build

    root = tmp_path_factory.mktemp("comparisons") / "project"
    root.mkdir()
    make_project(root, FIXTURE_CORPUS)
    _with_comparisons(root / "data")
    build(Settings(root), root / "site")
    return root / "site", load_corpus(root / "data", root)


@pytest.mark.slow
def test_the_comparison_page_shows_each_value_escaped_with_a_link_to_it(
        fixture_site: tuple[Path, Corpus]) -> None:
    site, corpus = fixture_site
    page = (site / urls.page_url(urls.comparison_page("nieuwbouw")) / "index.html").read_text(encoding="utf-8")
    # Text from data is shown, never run: the name and note hold markup.
    assert "Nieuwbouw &lt;b&gt;sociale&lt;/b&gt; huur &amp; koop" in page
    assert "<b>sociale</b>" not in page and "<i>hetzelfde</i>" not in page
    values = all_values(corpus)["nieuwbouw"]
    assert values
    for v in values:
        assert html.escape(value_text(v, corpus.comparables["nieuwbouw"], with_kind=False)) in page
        href = "../../" + urls.page_url(urls.document_page(v.doc)) + "#" + v.anchor
        assert f'href="{href}"' in page
        target = (site / urls.page_url(urls.document_page(v.doc)) / "index.html").read_text(encoding="utf-8")
        assert f'id="{v.anchor}"' in target
        # ... and the document page links back to the comparison.
        assert 'href="../../../vergelijken/nieuwbouw/"' in target
    figure = json.loads(html.unescape(re.search(r'data-figure="([^"]*)"', page).group(1)))  # type: ignore[union-attr]
    go.Figure(figure)  # plotly.js accepts it
    assert sorted(y for trace in figure["data"] for y in trace["y"]) == sorted(
        v.value for v in values)


@pytest.mark.slow
def test_a_comparison_without_values_says_so_and_the_index_lists_both(
        fixture_site: tuple[Path, Corpus]) -> None:
    site, corpus = fixture_site
    empty = (site / "vergelijken/nog-leeg/index.html").read_text(encoding="utf-8")
    assert "Nog geen document in dit register geeft dit cijfer." in empty
    assert "data-figure" not in empty
    index = (site / urls.page_url(urls.comparisons_index()) / "index.html").read_text(encoding="utf-8")
    for comparable in corpus.comparables.values():
        assert f'href="{urls.page_url(urls.comparison_page(comparable.id)).removeprefix("vergelijken/")}"' in index
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert ">Vergelijken<" in nav or "Vergelijken\n" in nav


@pytest.mark.slow
def test_the_downloads_hold_every_value_as_in_the_data(fixture_site: tuple[Path, Corpus]) -> None:
    site, corpus = fixture_site
    values = all_values(corpus)["nieuwbouw"]
    rows = list(csv.DictReader(io.StringIO(
        (site / urls.comparison_download("nieuwbouw", "csv")).read_text(encoding="utf-8"))))
    assert [(int(r["jaar"]), r["waarde"], r["document"]) for r in rows] == [
        (v.year, str(v.value), v.doc.ref) for v in values]
    record = json.loads((site / urls.comparison_download("nieuwbouw", "json")).read_text(encoding="utf-8"))
    assert record["comparison"]["unit"] == "woningen"
    assert [r["waarde"] for r in record["values"]] == [v.value for v in values]


def test_without_comparisons_the_index_says_there_are_none(tmp_path: Path) -> None:
    from generator.pages import plan_nav, plan_pages
    from generator.render import render_pages

    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CORPUS, data)
    corpus = load_corpus(data, tmp_path)
    planned = [p for p in plan_pages(corpus, ROOT / "content") if "vergelijken" in p.path]
    assert [p.path for p in planned] == [urls.comparisons_index()]
    (text,) = render_pages(planned).values()
    assert "Er zijn nog geen cijfers om te vergelijken." in text.decode("utf-8")
    assert {"Vergelijken": [urls.comparisons_index()]} in plan_nav(corpus)


# --- the bundled data: invariants -------------------------------------------------

BUNDLED = load_corpus(ROOT / "data", ROOT)


def test_every_compare_mark_in_the_data_is_a_value_of_its_comparison() -> None:
    """Each figure and indicator marked gives values; a column gives one per printed
    total, or per row with a number where there is no total: none is lost or added."""
    from generator import model as m

    found = all_values(BUNDLED)
    for doc in BUNDLED.documents:
        for mark, thing in comparisons.marks(doc):
            mine = [v for v in found[mark.ref.id] if v.doc.ref == doc.ref]
            if mark.kind == "figure":
                assert any(v.value == thing[1].value and v.anchor == thing[0].id for v in mine)
            elif mark.kind == "indicator":
                assert len([v for v in mine if v.anchor == thing.id]) == len(thing.points)
            else:
                table, i = thing
                rows = [r for r in table.rows if r.total] or table.rows
                cells = [r.values[i] for r in rows]
                numbers = [c for c in cells if (c.value if isinstance(c, m.Cell) else c) is not None
                           or (isinstance(c, m.Cell) and (c.min is not None or c.max is not None))]
                year = mark.ref.year or mark.default_year
                assert len([v for v in mine if v.anchor == table.id and v.year == year]) == len(numbers)


@pytest.mark.slow
def test_every_value_of_the_bundled_data_is_on_its_page_and_its_link_lands(built_site: Path) -> None:
    for comparable_id, values in all_values(BUNDLED).items():
        comparable = BUNDLED.comparables[comparable_id]
        page = (built_site / urls.page_url(urls.comparison_page(comparable_id)) / "index.html").read_text(
            encoding="utf-8")
        for v in values:
            assert html.escape(value_text(v, comparable, with_kind=False)) in page, (comparable_id, v)
            target = built_site / urls.page_url(urls.document_page(v.doc)) / "index.html"
            assert f'id="{v.anchor}"' in target.read_text(encoding="utf-8")
        figure = json.loads(html.unescape(re.search(r'data-figure="([^"]*)"', page).group(1)))  # type: ignore[union-attr]
        go.Figure(figure)
        rows = list(csv.DictReader(io.StringIO(
            (built_site / urls.comparison_download(comparable_id, "csv")).read_text(encoding="utf-8"))))
        assert len(rows) == len(values)


def test_the_data_package_lists_each_comparison_with_its_name() -> None:
    from generator.comparison_views import export_comparisons
    from generator.export import export_all
    from generator.register import DATAPACKAGE, export_register

    downloads = {**export_all(BUNDLED), **export_comparisons(BUNDLED)}
    package = json.loads(export_register(BUNDLED, downloads)[DATAPACKAGE])
    by_path = {r["path"]: r for r in package["resources"]}
    for comparable in BUNDLED.comparables.values():
        path = urls.comparison_download(comparable.id, "csv").removeprefix(urls.DOWNLOADS + "/")
        assert comparable.name in by_path[path]["description"]
        header = next(csv.reader(io.StringIO(downloads[urls.comparison_download(comparable.id, "csv")]
                                             .decode("utf-8"))))
        assert [f["name"] for f in by_path[path]["schema"]["fields"]] == header


def test_a_large_comparison_has_a_page_per_province_holding_all_its_values(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Nationally a comparison has hundreds of series: split per province, each part
    with its own chart, together holding every value once, linked from the main page."""
    from generator import comparison_views
    from generator.render import render_pages

    monkeypatch.setattr(comparison_views, "SPLIT_AT", 1)
    found = all_values(BUNDLED)
    planned = {p.path: p for p in comparison_views.plan_comparisons(BUNDLED)}
    rendered = render_pages(list(planned.values()))
    for comparable_id, values in found.items():
        named = comparison_views.series(BUNDLED, values)
        if len(named) <= 1:
            continue
        main = planned[urls.comparison_page(comparable_id)]
        parts = main.context["provinces"]
        assert parts and main.context["chart"] is None
        seen = []
        for province, path, _, _, _, count in parts:
            page = planned[path]
            assert {BUNDLED.municipalities[v.doc.municipality].province or "Overig"
                    for v in page.context["values"]} == {province}
            assert len(page.context["values"]) == count and page.context["chart"] is not None
            seen += page.context["values"]
            assert f'<a href="{urls.relative(main.path, path)}">{province}</a>' in rendered[main.path].decode()
        def key(v: comparisons.Value) -> tuple[object, ...]:
            return (v.doc.ref, v.anchor, v.scope, v.year, v.status, str(v.value), str(v.low), str(v.high))

        assert sorted(map(key, seen)) == sorted(map(key, values))


def test_the_chart_shows_every_value_with_the_decimals_it_holds() -> None:
    from generator import model as m
    from generator.comparison_views import Series, chart

    def doc(slug: str, decimals: int, value: float) -> m.Document:
        column = {"id": "j2025", "title": "2025", "unit": "%", "decimals": decimals,
                  "compare": {"id": "label-a"}}
        return m.Document.model_validate({
            "municipality": "x", "slug": slug, "kind": "yearly", "title": "D",
            "period": {"start": 2025, "end": 2025}, "source": {"title": "S", "publisher": "P"},
            "parties": ["gemeente-x"], "chapters": [{"id": "c", "tables": [{
                "id": "t", "title": "T", "row_header": "R", "columns": [column],
                "rows": [{"label": "A", "values": [value]}]}]}]})

    docs = [doc("a", 0, 57), doc("b", 1, 57.5)]
    values = comparisons.collect(docs, lambda d, t: ("tabel", t.id), lambda c, g: "")["label-a"]
    named = [Series(v.doc.slug, v.doc, v.scope, v.where, v.anchor, [v]) for v in values]
    comparable = m.Comparable(id="label-a", name="Label A", unit="%", description="Aandeel.")
    drawn = chart(comparable, named, "grafiek-label-a", "")
    assert drawn is not None
    hovers = {t["hovertemplate"] for t in drawn.figure["data"]}
    assert hovers and all("%{y:,.1f}" in h for h in hovers)  # 57.5 is never shown as 58
