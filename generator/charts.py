# Turns tables and indicators into Plotly figure dicts plus a one-sentence Dutch
# summary of the same numbers. Figures are plain dicts (plotly.js JSON), built
# directly rather than through plotly's validated graph objects (about 3 ms per
# figure); tests validate every figure with plotly.graph_objects instead.
# The chart kind comes from the data (ChartSpec) or is inferred from the shape.
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from . import model as m
from .formatting import amount, point_text

# Okabe-Ito based series colours with relative luminance between 0.145 and 0.30,
# so each has at least 3:1 contrast against the light (#ffffff) and the dark
# (Material slate) background (tested in tests/test_charts.py).
PALETTE = ["#0072b2", "#c45400", "#008a64", "#b0468f", "#7a6f00", "#6d6ac0"]
YEAR = re.compile(r"^(?:jaar[- ])?(\d{4})(?:\s*[-–]\s*\d{4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Chart:
    id: str  # element id: "grafiek-<table or indicator id>[--<column id> | --rij-<n>]"
    title: str
    figure: dict[str, Any]
    summary: str  # one sentence, generated from the same numbers


def _text(value: str) -> str:
    """Plotly reads a small HTML subset in labels (<b>, <a href>...); data text is
    shown as written, so its markup characters become entities."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(cell: m.CellValue) -> float | int | None:
    value = cell.value if isinstance(cell, m.Cell) else cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None  # NaN would make the JSON invalid


def _status(cell: m.CellValue, column: m.Column) -> str | None:
    if isinstance(cell, m.Cell) and cell.status:
        return cell.status
    return column.status


def _fmt(value: float | int, column: m.Column) -> str:
    return amount(value, column.unit, column.decimals)


def _axis_format(columns: list[m.Column]) -> dict[str, Any]:
    units = {c.unit for c in columns}
    decimals = max(c.decimals for c in columns)
    axis: dict[str, Any] = {"tickformat": f",.{decimals}f", "zeroline": True}
    if units == {"EUR"}:
        axis["tickprefix"] = "€ "
    elif units == {"%"}:
        axis["ticksuffix"] = "%"
    elif len(units) == 1 and (unit := next(iter(units))):
        axis["title"] = {"text": _text(unit)}
    return axis


def _hover(column: m.Column) -> dict[str, Any]:
    """A trace's hover template. The unit comes from data: it reaches the template
    only through `meta`, escaped, so it can neither add markup nor a %{...} field."""
    prefix = "€ " if column.unit == "EUR" else ""
    suffix = "%" if column.unit == "%" else (f" {column.unit}" if column.unit and column.unit != "EUR" else "")
    return {
        "hovertemplate": (f"%{{fullData.name}}<br>%{{x}}: {prefix}%{{y:,.{column.decimals}f}}"
                          "%{meta[0]}<extra></extra>"),
        "meta": [_text(suffix)],
    }


def _layout(title: str, yaxis: dict[str, Any], barmode: str | None = None) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": _text(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
        "separators": ",.",  # Dutch: decimal comma, thousands point
        "colorway": PALETTE,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 64, "r": 16, "t": 48, "b": 64},
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {**yaxis, "automargin": True},
        "hovermode": "closest",
    }
    if barmode:
        layout["barmode"] = barmode
    return layout


def table_charts(table: m.Table) -> list[Chart]:
    spec = table.chart or m.ChartSpec()
    if spec.kind == "none":
        return []
    columns = [c for c in table.columns if c.type == "number"
               and (spec.columns is None or c.id in spec.columns)]
    rows = [r for r in table.rows if spec.include_totals or not r.total]
    if not columns or not any(_num(r.values[table.columns.index(c)]) is not None
                              for r in rows for c in columns):
        return []
    over_columns = spec.series == "rows" if spec.series else _columns_are_periods(columns)
    if spec.per_row:
        # '--' never occurs in a data id, so these ids cannot collide with another
        # table's chart (table 'huur' row 1 against table 'huur-1').
        return [_series_chart(table, columns, [row], spec, f"grafiek-{table.id}--rij-{i + 1}",
                              f"{table.title}: {row.label}")
                for i, row in enumerate(rows)]
    if over_columns:
        return [_series_chart(table, columns, rows, spec, f"grafiek-{table.id}", table.title)]
    if len({c.unit for c in columns}) > 1:
        # Columns in different units never share an axis: one chart per column.
        return [_category_chart(table, [c], rows, spec, f"grafiek-{table.id}--{c.id}",
                                f"{table.title}: {c.title}") for c in columns]
    return [_category_chart(table, columns, rows, spec, f"grafiek-{table.id}", table.title)]


def _columns_are_periods(columns: list[m.Column]) -> bool:
    return any(c.status for c in columns) or all(YEAR.match(c.title.strip()) for c in columns)


def _series_chart(table: m.Table, columns: list[m.Column], rows: list[m.Row],
                  spec: m.ChartSpec, chart_id: str, title: str) -> Chart:
    """x = the columns (years); one trace per row; forecast drawn dashed / hatched."""
    # Without a declared chart, a series over the years is a line.
    kind = spec.kind if table.chart else "line"
    x = [_text(c.title) for c in columns]
    traces: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        colour = PALETTE[i % len(PALETTE)]
        cells = [row.values[table.columns.index(c)] for c in columns]
        points = [(xv, _num(cell), _status(cell, col)) for xv, cell, col in zip(x, cells, columns, strict=True)]
        if kind == "line":
            traces += _line_traces(row.label, points, colour, columns[0])
        else:
            traces += _bar_traces(row.label, points, colour, columns[0], kind)
    barmode = {"stacked-bar": "stack", "stacked-percent": "stack"}.get(spec.kind, "group")
    layout = _layout(title, _axis_format(columns), barmode if kind != "line" else None)
    if spec.kind == "stacked-percent":
        layout["yaxis"]["range"] = [0, 100]
    summary = _series_summary(table, columns, rows)
    return Chart(chart_id, title, {"data": traces, "layout": layout}, summary)


def _line_traces(name: str, points: list[tuple[str, Any, str | None]], colour: str,
                 column: m.Column) -> list[dict[str, Any]]:
    """A solid line for realised values and a dashed one for forecasts, joined."""
    forecast_from = next((i for i, p in enumerate(points) if p[2] == "prognose"), None)
    parts = [(points, None)] if forecast_from is None else [
        (points[:forecast_from], "gerealiseerd"),
        (points[max(forecast_from - 1, 0):], "prognose"),
    ]
    traces = []
    for part, status in parts:
        if all(p[1] is None for p in part):
            continue
        label = f"{name} ({status})" if status else name
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": _text(label),
            "x": [p[0] for p in part], "y": [p[1] for p in part],
            "line": {"color": colour, "dash": "dash" if status == "prognose" else "solid",
                     "width": 2},
            "marker": {"color": colour, "symbol": "circle-open" if status == "prognose" else "circle"},
            **_hover(column),
        })
    return traces


def _bar_traces(name: str, points: list[tuple[str, Any, str | None]], colour: str,
                column: m.Column, kind: str) -> list[dict[str, Any]]:
    statuses = sorted({p[2] for p in points if p[2]} or {""})
    traces = []
    for status in statuses:
        part = [p for p in points if (p[2] or "") == status]
        if all(p[1] is None for p in part):
            continue
        forecast = status == "prognose"
        label = f"{name} ({status})" if status and len(statuses) > 1 else name
        traces.append({
            "type": "bar", "name": _text(label),
            "x": [p[0] for p in part], "y": [p[1] for p in part],
            "marker": {"color": colour, "opacity": 0.6 if forecast else 1,
                       "pattern": {"shape": "/" if forecast else ""}},
            **_hover(column),
        })
    return traces


def _category_chart(table: m.Table, columns: list[m.Column], rows: list[m.Row],
                    spec: m.ChartSpec, chart_id: str, title: str) -> Chart:
    """x = the row labels (corporations, parties); one trace per column."""
    traces = []
    for i, column in enumerate(columns):
        c = table.columns.index(column)
        traces.append({
            "type": "bar", "name": _text(column.title),
            "x": [_text(r.label) for r in rows], "y": [_num(r.values[c]) for r in rows],
            "marker": {"color": PALETTE[i % len(PALETTE)]},
            **_hover(column),
        })
    barmode = "stack" if spec.kind in ("stacked-bar", "stacked-percent") else "group"
    layout = _layout(title, _axis_format(columns), barmode)
    layout["showlegend"] = len(columns) > 1
    return Chart(chart_id, title, {"data": traces, "layout": layout},
                 _category_summary(table, columns, rows))


def _series_summary(table: m.Table, columns: list[m.Column], rows: list[m.Row]) -> str:
    """One sentence over the years: the total (or the only row) from first to last,
    saying where the realised values end and the forecast begins."""
    total = next((r for r in table.rows if r.total), None)
    subject = total or (rows[0] if len(rows) == 1 else None)
    if subject is None:
        return _leader_sentence(table, columns[-1], rows)
    points: list[tuple[m.Column, float, str | None]] = []
    for column in columns:
        cell = subject.values[table.columns.index(column)]
        value = _num(cell)
        if value is not None:
            points.append((column, value, _status(cell, column)))
    if not points:
        return "Geen cijfers."

    def said(point: tuple[m.Column, float, str | None]) -> str:
        return f"{_fmt(point[1], point[0])} in {point[0].title}"

    first = points[0]
    realised = [p for p in points if p[2] != "prognose"]
    forecast = [p for p in points if p[2] == "prognose"]
    parts = [f"{'Het totaal' if subject.total else subject.label} is {said(first)}"]
    if forecast:
        if realised and realised[-1] is not first:
            parts.append(f"{_verb(first[1], realised[-1][1])} {said(realised[-1])}")
        last = forecast[-1]
        parts.append(f"de prognose voor {last[0].title} is {_fmt(last[1], last[0])}")
    elif len(points) > 1:
        parts.append(f"{_verb(first[1], points[-1][1])} {said(points[-1])}")
    return ", ".join(parts[:-1]) + (" en " if len(parts) > 1 else "") + parts[-1] + "."


def _leader_sentence(table: m.Table, column: m.Column, rows: list[m.Row]) -> str:
    c = table.columns.index(column)
    ranked = [(r, v) for r in rows if (v := _num(r.values[c])) is not None]
    if not ranked:
        return f"Geen cijfers voor {column.title}."
    top, value = max(ranked, key=lambda rv: rv[1])
    return f"In {column.title} is {top.label} het hoogst met {_fmt(value, column)}."


def _verb(start: float, end: float) -> str:
    return "stijgt naar" if end > start else ("daalt naar" if end < start else "blijft")


def _category_summary(table: m.Table, columns: list[m.Column], rows: list[m.Row]) -> str:
    """Per column: which row is highest and lowest, and the printed total if any."""
    sentences = []
    total = next((r for r in table.rows if r.total), None)
    for column in columns:
        c = table.columns.index(column)
        values = [(r, v) for r in rows if (v := _num(r.values[c])) is not None]
        if not values:
            continue
        high = max(values, key=lambda rv: rv[1])
        low = min(values, key=lambda rv: rv[1])
        text = (f"{column.title}: het hoogst bij {high[0].label} ({_fmt(high[1], column)}), "
                f"het laagst bij {low[0].label} ({_fmt(low[1], column)})")
        printed = _num(total.values[c]) if total else None
        if printed is not None:
            text += f"; totaal {_fmt(printed, column)}"
        sentences.append(text)
    return ". ".join(sentences) + "."


def range_trace(name: str, year: int, low: float | int | None, high: float | int | None,
                colour: str, column: m.Column) -> dict[str, Any]:
    """A range ("1.000 tot 1.200", or only one end) as a vertical bar between its ends,
    never as a point in between: that would be a figure the source does not give."""
    return {
        "type": "scatter", "mode": "lines+markers", "name": _text(name),
        "x": [str(year), str(year)],
        "y": [low if low is not None else high, high if high is not None else low],
        "line": {"width": 8, "color": colour},
        "marker": {"symbol": "line-ew-open", "size": 16, "color": colour},
        **_hover(column),
    }


def indicator_chart(indicator: m.Indicator) -> Chart | None:
    """Targets per year as markers (ranges as a vertical bar), realised values as a line."""
    points = sorted(indicator.points, key=lambda p: p.year)
    if len(points) < 2 and not any(p.min is not None for p in points):
        return None
    column = m.Column(id="waarde", title=indicator.name, unit=indicator.unit,
                      decimals=indicator.decimals)
    traces: list[dict[str, Any]] = []
    by_kind: dict[str, list[m.Point]] = {}
    for p in points:
        by_kind.setdefault(p.kind, []).append(p)
    styles = {"uitgangspunt": ("circle", "lines+markers"), "gerealiseerd": ("circle", "lines+markers"),
              "prognose": ("circle-open", "lines+markers"), "doel": ("diamond", "markers")}
    for i, (kind, pts) in enumerate(by_kind.items()):
        colour = PALETTE[i % len(PALETTE)]
        symbol, mode = styles[kind]
        singles = [p for p in pts if p.value is not None]
        if singles:
            traces.append({
                "type": "scatter", "mode": mode, "name": kind,
                "x": [str(p.year) for p in singles], "y": [p.value for p in singles],
                "marker": {"symbol": symbol, "size": 12 if kind == "doel" else 8, "color": colour},
                "line": {"dash": "dash" if kind == "prognose" else "solid", "color": colour},
                **_hover(column),
            })
        traces += [range_trace(f"{kind} (bandbreedte)", p.year, p.min, p.max, colour, column)
                   for p in pts if p.value is None]
    layout = _layout(indicator.name, _axis_format([column]))
    summary = "; ".join(f"{p.kind} {point_text(p, indicator)} in {p.year}" for p in points)
    summary = summary[0].upper() + summary[1:] + "."
    return Chart(f"grafiek-{indicator.id}", indicator.name, {"data": traces, "layout": layout},
                 summary)


# --- goal -> plan -> realisation --------------------------------------

NOT_REPORTED_TEXT = "niet gerapporteerd"


@dataclass(frozen=True)
class PlanRow:
    """One value against a framework indicator: its target, a yearly document's plan,
    or a realisation. low/high: a range ("1.000 tot 1.200"); all None: not reported."""

    kind: str  # "doel", "gepland", "gerealiseerd"
    label: str  # "Doel 2025", "Gepland: Prestatieafspraken 2021"
    value: float | int | None = None
    low: float | int | None = None
    high: float | int | None = None
    decimals: int = 0  # of the table column a planned or realised value comes from

    @property
    def reported(self) -> bool:
        return self.value is not None or self.low is not None or self.high is not None

    def text(self, indicator: m.Indicator) -> str:
        if not self.reported:
            return NOT_REPORTED_TEXT
        # A column may hold more decimals than the indicator shows: never round its value.
        if self.decimals > indicator.decimals:
            indicator = indicator.model_copy(update={"decimals": self.decimals})
        return point_text(m.Point(year=2000, value=self.value, min=self.low, max=self.high), indicator)


def plan_chart(indicator: m.Indicator, rows: list[PlanRow]) -> Chart:
    """Target, planned and realised values of one indicator side by side, one bar per
    value (a range as a floating bar), and the words 'niet gerapporteerd' where a value
    is missing, so a missing realisation is visible rather than an empty gap."""
    colours = {"doel": PALETTE[0], "gepland": PALETTE[1], "gerealiseerd": PALETTE[2]}
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for row in rows:
        x = [_text(row.label)]
        hover = {"hovertemplate": "%{meta[0]}<extra></extra>",
                 "meta": [_text(f"{row.label}: {row.text(indicator)}")]}
        if row.value is not None:
            traces.append({"type": "bar", "name": _text(row.kind), "x": x, "y": [row.value],
                           "marker": {"color": colours[row.kind]}, "showlegend": False, **hover})
        elif row.reported:
            low = row.low if row.low is not None else 0
            high = row.high if row.high is not None else low
            traces.append({"type": "bar", "name": _text(row.kind), "x": x, "y": [high - low],
                           "base": [low], "marker": {"color": colours[row.kind]},
                           "showlegend": False, **hover})
        else:
            traces.append({"type": "bar", "name": _text(row.kind), "x": x, "y": [None],
                           "showlegend": False, **hover})
            annotations.append({"x": x[0], "y": 0, "yanchor": "bottom", "showarrow": False,
                                "text": NOT_REPORTED_TEXT})
    column = m.Column(id="waarde", title=indicator.name, unit=indicator.unit, decimals=indicator.decimals)
    layout = _layout(f"{indicator.name}: doel, gepland en gerealiseerd", _axis_format([column]))
    layout["annotations"] = annotations
    summary = "; ".join(f"{row.label}: {row.text(indicator)}" for row in rows) + "."
    return Chart(f"grafiek-{indicator.id}--plan", f"{indicator.name}: doel, gepland en gerealiseerd",
                 {"data": traces, "layout": layout}, summary)
