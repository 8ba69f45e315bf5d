# Charts: every numeric table and indicator series in data/ gets a figure whose
# numbers are exactly the data's, valid for plotly, Dutch formatted, with a
# summary computed from the same numbers and colours readable on both palettes.
from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import model as m
from generator.charts import PALETTE, indicator_chart, table_charts
from generator.formatting import amount, figure_json
from generator.render import PageContext
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = load_corpus(ROOT / "data", ROOT)
TABLES = [(d, t) for d in CORPUS.documents for ch in m.iter_chapters(d.chapters) for t in ch.tables]
INDICATORS = [(d, i) for d in CORPUS.documents for ch in m.iter_chapters(d.chapters)
              for g in ch.goals for i in g.indicators]


def _numbers(table: m.Table) -> list[float]:
    out = []
    for row in table.rows:
        for col, cell in zip(table.columns, row.values, strict=True):
            value = cell.value if isinstance(cell, m.Cell) else cell
            if col.type == "number" and isinstance(value, int | float):
                out.append(value)
    return out


@pytest.mark.parametrize(("doc", "table"), TABLES, ids=[f"{d.ref}#{t.id}" for d, t in TABLES])
def test_every_numeric_table_has_a_chart(doc: m.Document, table: m.Table) -> None:
    charts = table_charts(table)
    if not _numbers(table):
        assert charts == []
        return
    if PageContext.all_uncertain(table):
        # Numbers whose place in the source table is uncertain are not drawn;
        # the page says so instead.
        assert table.chart is not None and table.chart.kind == "none"
        return
    assert charts, f"{doc.ref}#{table.id} has numbers but no chart"
    drawn = []
    for chart in charts:
        go.Figure(chart.figure)  # raises if plotly.js would not accept the figure
        assert chart.figure["layout"]["separators"] == ",."
        drawn += [y for trace in chart.figure["data"] for y in trace["y"] if y is not None]
    data_rows = [r for r in table.rows if not r.total or (table.chart and table.chart.include_totals)]
    expected = []
    for row in data_rows:
        for col, cell in zip(table.columns, row.values, strict=True):
            value = cell.value if isinstance(cell, m.Cell) else cell
            if col.type == "number" and isinstance(value, int | float):
                if table.chart and table.chart.columns and col.id not in table.chart.columns:
                    continue
                expected.append(value)
    # Forecast lines repeat the last realised point to join the two lines.
    assert sorted(set(drawn)) == sorted(set(expected))


def test_required_charts_exist() -> None:
    wanted = ["het-hogeland/prestatieafspraken-2026#sociale-huurvoorraad",
              "groningen/prestatieafspraken-2021#leefbaarheidsbudget",
              "groningen/prestatieafspraken-2021#sociale-huurvoorraad-2021-2025",
              "groningen/prestatieafspraken-2021#verduurzamen-basiskwaliteit",
              "groningen/prestatieafspraken-2021#energielabels",
              "groningen/prestatieafspraken-2021#energie-index",
              "groningen/prestatieafspraken-2021#co2-uitstoot"]
    have = {f"{d.ref}#{t.id}" for d, t in TABLES if table_charts(t)}
    assert set(wanted) <= have


def test_forecast_is_drawn_differently_and_said_in_the_legend() -> None:
    table = next(t for d, t in TABLES if t.id == "sociale-huurvoorraad")
    traces = table_charts(table)[0].figure["data"]
    forecast = [t for t in traces if t["name"].endswith("(prognose)")]
    realised = [t for t in traces if t["name"].endswith("(gerealiseerd)")]
    assert forecast and realised
    assert {t["line"]["dash"] for t in forecast} == {"dash"}
    assert {t["line"]["dash"] for t in realised} == {"solid"}


def test_summary_is_computed_from_the_data() -> None:
    table = next(t for d, t in TABLES if t.id == "sociale-huurvoorraad")
    total = next(r for r in table.rows if r.total)
    first, last = total.values[0], total.values[-1]
    realised = [c for c in table.columns if c.status == "gerealiseerd"]
    last_realised = total.values[table.columns.index(realised[-1])]
    summary = table_charts(table)[0].summary
    assert amount(first, "woningen") in summary and amount(last, "woningen") in summary
    assert amount(last_realised, "woningen") in summary
    assert table.columns[0].title in summary and table.columns[-1].title in summary


def test_negative_values_are_drawn_below_zero() -> None:
    table = next(t for d, t in TABLES if t.id == "sociale-huurvoorraad-2021")
    ys = [y for trace in table_charts(table)[0].figure["data"] for y in trace["y"] if y is not None]
    assert min(ys) < 0


@pytest.mark.parametrize(("doc", "indicator"), INDICATORS, ids=[i.id for _, i in INDICATORS])
def test_indicators_with_a_series_or_range_have_a_chart(doc: m.Document, indicator: m.Indicator) -> None:
    chart = indicator_chart(indicator)
    if len(indicator.points) < 2 and all(p.min is None for p in indicator.points):
        assert chart is None
        return
    assert chart is not None
    go.Figure(chart.figure)
    drawn = {y for t in chart.figure["data"] for y in t["y"]}
    expected = {v for p in indicator.points for v in (p.value, p.min, p.max) if v is not None}
    assert drawn == expected


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colour", PALETTE)
def test_series_colours_contrast_with_both_palettes(colour: str) -> None:
    light_background = "#ffffff"
    dark_background = "#1e2129"  # Material's slate scheme: hsl(232, 15%, 14%)
    assert _contrast(colour, light_background) >= 3
    assert _contrast(colour, dark_background) >= 3


def test_labels_reach_plotly_as_text_not_markup() -> None:
    table = m.Table(
        id="t", title="<b>titel</b>", row_header="Partij",
        columns=[m.Column(id="a", title="<i>a</i>")],
        rows=[m.Row(label='<a href="javascript:alert(1)">x</a>', values=[1]),
              m.Row(label="y & z", values=[2])])
    figure = table_charts(table)[0].figure
    assert figure["data"][0]["x"] == ['&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;', "y &amp; z"]
    assert figure["data"][0]["name"] == "&lt;i&gt;a&lt;/i&gt;"
    assert figure["layout"]["title"]["text"] == "&lt;b&gt;titel&lt;/b&gt;"


# --- everything a chart shows is data text, escaped; one chart cannot break another

# Markup plotly.js would render from a label, and its own template syntax.
ALLOWED_TEMPLATE = re.compile(r"%\{(?:fullData\.name|x|y(?::[^}]*)?|meta\[0\])\}")
OWN_TAGS = re.compile(r"<br>|<extra></extra>")


def _strings(node: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def _assert_inert(figure: dict[str, object]) -> None:
    for key, text in _strings(figure):
        if key == "hovertemplate":
            text = ALLOWED_TEMPLATE.sub("", OWN_TAGS.sub("", text))
        assert "<" not in text and ">" not in text, (key, text)
        assert "%{" not in text or key != "hovertemplate", (key, text)
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), (key, text)


hostile_text = st.text(alphabet=st.sampled_from(list("<>&%{}\"'/ab \u2028\u2029=")), min_size=1,
                       max_size=12).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(title=hostile_text, column=hostile_text, unit=hostile_text, label=hostile_text)
def test_every_string_in_a_figure_is_inert(title: str, column: str, unit: str, label: str) -> None:
    for columns in ([m.Column(id="a", title=column, unit=unit)],
                    [m.Column(id="j2023", title="2023", unit=unit, status="gerealiseerd"),
                     m.Column(id="j2024", title="2024", unit=unit, status="prognose")],
                    [m.Column(id="a", title=column, unit=unit), m.Column(id="b", title="b", unit="%")]):
        table = m.Table(id="t", title=title, row_header="r", columns=columns,
                        rows=[m.Row(label=label, values=[1] * len(columns)),
                              m.Row(label="y", values=[2] * len(columns))])
        for chart in table_charts(table):
            _assert_inert(chart.figure)
            json.loads(figure_json(chart.figure).replace("&#34;", '"').replace("&amp;", "&")
                       .replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'"))
    indicator = m.Indicator(id="i", name=title, unit=unit,
                            points=[m.Point(year=2023, value=1), m.Point(year=2024, min=1, max=2)])
    chart = indicator_chart(indicator)
    assert chart is not None
    _assert_inert(chart.figure)


def test_a_unit_cannot_become_a_link_or_a_template_field() -> None:
    table = m.Table(id="t", title="t", row_header="r",
                    columns=[m.Column(id="a", title="a", unit="<a href='x'>klik</a> %{y}")],
                    rows=[m.Row(label="x", values=[1])])
    trace = table_charts(table)[0].figure["data"][0]
    assert "klik" not in trace["hovertemplate"]
    assert trace["meta"] == [" &lt;a href='x'&gt;klik&lt;/a&gt; %{y}"]


def test_chart_ids_never_collide_between_tables() -> None:
    """Table 'huur' drawn per row and table 'huur-1' once gave two 'grafiek-huur-1'."""
    per_row = m.Table(id="huur", title="a", row_header="r", chart=m.ChartSpec(kind="line", per_row=True),
                      columns=[m.Column(id="j2023", title="2023"), m.Column(id="j2024", title="2024")],
                      rows=[m.Row(label="x", values=[1, 2]), m.Row(label="y", values=[3, 4])])
    other = m.Table(id="huur-1", title="b", row_header="r",
                    columns=[m.Column(id="j2023", title="2023"), m.Column(id="j2024", title="2024")],
                    rows=[m.Row(label="x", values=[1, 2])])
    by_unit = m.Table(id="huur-a", title="c", row_header="r",
                      columns=[m.Column(id="a", title="a", unit="%"), m.Column(id="b", title="b")],
                      rows=[m.Row(label="x", values=[1, 2])])
    ids = [c.id for t in (per_row, other, by_unit) for c in table_charts(t)]
    assert len(ids) == len(set(ids)) == 5


def test_every_chart_id_on_every_page_is_unique() -> None:
    for doc in CORPUS.documents:
        ids = [c.id for _, t in TABLES if _ is doc for c in table_charts(t)]
        ids += [c.id for d, i in INDICATORS if d is doc if (c := indicator_chart(i))]
        assert len(ids) == len(set(ids)), doc.ref


def test_a_value_that_is_not_a_number_is_not_drawn() -> None:
    """check refuses NaN in data; the chart does not rely on that (model_construct
    skips validation, as a figure built from another source could)."""
    table = m.Table(id="t", title="t", row_header="r", columns=[m.Column(id="a", title="a")],
                    rows=[m.Row(label="y", values=[2]), m.Row(label="z", values=[3])])
    table = table.model_copy(update={"rows": [m.Row.model_construct(label="x", values=[float("nan")],
                                                                    total=False, note=None,
                                                                    organisation=None),
                                              table.rows[0]]})
    figure = table_charts(table)[0].figure
    assert figure["data"][0]["y"] == [None, 2]
    figure_json(figure)  # valid JSON: raises on NaN
    with pytest.raises(ValueError):
        figure_json({"y": [float("nan")]})
