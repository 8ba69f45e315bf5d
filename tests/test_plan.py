# Goal -> plan -> realisation: `measures` on a table column links it to a
# framework indicator; validated with file:line; the framework page shows target,
# planned and realised values, the values equal the data, and the chart is escaped.
from __future__ import annotations

import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest

from generator import model as m
from generator.charts import NOT_REPORTED_TEXT, PlanRow, plan_chart
from generator.pages import plan_document
from generator.queries import Queries
from generator.render import render_pages
from generator.validate import Corpus, load_corpus

from .conftest import ROOT
from .test_validate import edit, problems

YEARLY = "groningen/prestatieafspraken-2021.yaml"
MEASURES = "            measures: netto-toevoeging-sociale-huurwoningen"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    return root / "data"


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_unknown_indicator_is_reported_with_its_place(data: Path) -> None:
    edit(data, MEASURES, "            measures: netto-toevoeging-sociale-huurwoning", YEARLY)
    line = _line_of(data / YEARLY, "measures: netto-toevoeging-sociale-huurwoning")
    found = [p for p in problems(data) if "measures" in p]
    assert len(found) == 1
    assert found[0].startswith(f"data/{YEARLY}:{line}:")
    assert "unknown indicator 'netto-toevoeging-sociale-huurwoning' in groningen/ambitiekader-2021-2025" in found[0]
    assert "did you mean 'netto-toevoeging-sociale-huurwoningen'" in found[0]


def test_measures_needs_a_total_row(data: Path) -> None:
    edit(data, "          - label: Totaal\n            total: true\n            values: [1480, 311]",
         "          - label: Totaal\n            values: [1480, 311]", YEARLY)
    found = [p for p in problems(data) if "measures" in p]
    assert len(found) == 1 and "needs a total row" in found[0]
    assert found[0].startswith(f"data/{YEARLY}:{_line_of(data / YEARLY, MEASURES.strip())}:")


def test_measures_needs_a_framework(data: Path) -> None:
    edit(data, "framework: groningen/ambitiekader-2021-2025\n", "", YEARLY)
    # `serves` needs the framework too; the column's own message names `measures`
    assert any("'measures' needs the document's 'framework'" in p for p in problems(data))


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT / "data", ROOT)


def test_the_framework_page_shows_target_plan_and_realisation_from_the_data(corpus: Corpus) -> None:
    q = Queries.build(corpus)
    framework = next(d for d in corpus.documents if d.kind == "framework")
    page = plan_document(corpus, framework, q)
    text = render_pages([page])[page.path].decode()
    checked = 0
    for ch in m.iter_chapters(framework.chapters):
        for g in ch.goals:
            for ind in g.indicators:
                for item in q.measured(framework, ind.id):
                    total = next(r for r in item.table.rows if r.total)
                    value = total.values[item.table.columns.index(item.column)]
                    assert isinstance(value, int)
                    shown = f"{value:,}".replace(",", ".")  # Dutch thousands
                    row = next(row for row in text.split("<tr>\n")
                               if row.startswith("<td>gepland</td>") and f'#{item.table.id}"' in row)
                    assert row.endswith(f'<td style="text-align: right;">{shown} {ind.unit}</td>\n</tr>\n'), row
                    checked += 1
                    if not any(p.kind == "gerealiseerd" for p in ind.points):
                        assert ("<tr>\n<td>gerealiseerd</td>\n<td>Gerealiseerd</td>\n"
                                f'<td style="text-align: right;">{NOT_REPORTED_TEXT}</td>\n</tr>') in text
    assert checked  # the seed data links Groningen's 1.480 planned to the framework


def test_plan_chart_is_valid_and_escaped() -> None:
    ind = m.Indicator(id="x", name="<b>Netto</b> & meer", unit="<i>woningen</i>",
                      points=[m.Point(year=2025, min=1000, max=1200)])
    rows = [PlanRow("doel", "Doel 2025", None, 1000, 1200),
            PlanRow("gepland", "Gepland: <script>alert(1)</script>", 1480),
            PlanRow("gerealiseerd", "Gerealiseerd")]
    chart = plan_chart(ind, rows)
    go.Figure(chart.figure)  # plotly validates the figure
    assert chart.id == "grafiek-x--plan"
    blob = repr(chart.figure)
    assert "<script>" not in blob and "<b>" not in blob and "<i>" not in blob
    assert "&lt;script&gt;" in blob
    assert [a["text"] for a in chart.figure["layout"]["annotations"]] == [NOT_REPORTED_TEXT]
    floating = chart.figure["data"][0]
    assert floating["base"] == [1000] and floating["y"] == [200]
    assert chart.figure["data"][1]["y"] == [1480]
    assert NOT_REPORTED_TEXT in chart.summary and "1.480" in chart.summary


def test_a_planned_value_keeps_the_decimals_of_its_column() -> None:
    # An energy index the framework shows with 2 decimals, planned as 1.345 in a column
    # with 3: the plan table and the chart show 1,345, never the rounded 1,35.
    ind = m.Indicator(id="ei", name="Energie-index", decimals=2,
                      points=[m.Point(year=2025, value=1.25)])
    planned = PlanRow("gepland", "Gepland: Prestatieafspraken 2021", 1.345, decimals=3)
    assert planned.text(ind) == "1,345"
    assert "1,345" in plan_chart(ind, [planned]).summary
    assert PlanRow("doel", "Doel 2025", 1.25).text(ind) == "1,25"
