# The pages and downloads of the comparisons (comparisons.py collects the values):
# an index, and per comparison a chart with a line per municipality (and scope), the
# table of every value with a link to where it stands, and CSV and JSON files.
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from . import model as m
from . import urls
from .charts import PALETTE, Chart, _axis_format, _hover, _layout, _text, range_trace
from .comparisons import TOTAL, Value, collect
from .export import _csv, _json
from .formatting import amount
from .render import PageContext, PlannedPage, page_title
from .validate import Corpus

FORECAST = ("prognose", "doel")  # drawn dashed: not (yet) a fact


@dataclass(frozen=True)
class Series:
    """The values one document gives for one municipality and scope, years ascending."""

    label: str  # "Het Hogeland", "Aa en Hunze, De Volmacht" (+ the document if needed)
    doc: m.Document
    scope: str
    where: str
    anchor: str
    values: list[Value]


def series(corpus: Corpus, values: list[Value]) -> list[Series]:
    """Values grouped per municipality, scope and document (in that order); a label
    names the document only where one municipality has values from several."""
    grouped: dict[tuple[str, str, str, str], list[Value]] = {}
    for v in values:
        grouped.setdefault((v.doc.municipality, v.scope, v.doc.ref, v.anchor), []).append(v)
    docs_per: dict[tuple[str, str], int] = {}
    for mun, scope, _, _ in grouped:
        docs_per[(mun, scope)] = docs_per.get((mun, scope), 0) + 1
    result = []
    for (mun, scope, _, _), vs in grouped.items():
        first = vs[0]
        label = corpus.municipalities[mun].name + ("" if scope == TOTAL else f", {scope}")
        if docs_per[(mun, scope)] > 1:
            label += f" ({first.doc.title}, {first.where})"
        result.append(Series(label, first.doc, scope, first.where, first.anchor,
                             sorted(vs, key=lambda v: v.year)))
    return result


def chart(comparable: m.Comparable, named: list[Series], chart_id: str,
          summary: str) -> Chart | None:
    """A line per series over the years: solid where realised or agreed, dashed where a
    forecast or a goal; a range as charts.range_trace draws it."""
    years = sorted({v.year for s in named for v in s.values})
    if not years:
        return None
    # As many decimals as the most precise value holds, so the hover shows every value
    # as the data holds it (a 57.5% would otherwise read "58%").
    decimals = max(v.decimals for s in named for v in s.values)
    column = m.Column(id="waarde", title=comparable.name, unit=comparable.unit, decimals=decimals)
    traces: list[dict[str, Any]] = []
    for i, one in enumerate(named):
        label, vs = one.label, one.values
        colour = PALETTE[i % len(PALETTE)]
        for dashed in (False, True):
            part = [v for v in vs if (v.status in FORECAST) == dashed]
            exact = [v for v in part if v.value is not None]
            solid = [v for v in vs if v.status not in FORECAST and v.value is not None]
            if dashed and exact and solid and solid[-1].year < exact[0].year:
                exact = [solid[-1], *exact]  # the forecast goes on from the last fact
            if exact:
                traces.append({
                    "type": "scatter", "mode": "lines+markers",
                    "name": _text(f"{label} (prognose of doel)" if dashed else label),
                    "x": [str(v.year) for v in exact], "y": [v.value for v in exact],
                    "line": {"color": colour, "dash": "dash" if dashed else "solid", "width": 2},
                    "marker": {"color": colour, "symbol": "circle-open" if dashed else "circle"},
                    **_hover(column),
                })
            traces += [range_trace(f"{label} (bandbreedte {v.year})", v.year, v.low, v.high,
                                   colour, column) for v in part if v.value is None]
    layout = _layout(comparable.name, _axis_format([column]))
    layout["yaxis"]["rangemode"] = "tozero"  # amounts of different places: from zero
    layout["xaxis"]["categoryorder"] = "array"
    layout["xaxis"]["categoryarray"] = [str(y) for y in years]
    return Chart(chart_id, comparable.name, {"data": traces, "layout": layout}, summary)


# --- pages and downloads ----------------------------------------------------------

# Up to this many series (a municipality's values from one document) share one page
# and one chart; with more (the national register) the comparison has a page per
# province, so no page or chart grows with the whole country.
SPLIT_AT = 24
NO_PROVINCE = "Overig"


def plan_comparisons(corpus: Corpus) -> list[PlannedPage]:
    """The comparisons index (also without data/comparisons.yaml: it says how to add
    one) and a page per comparison, split per province when it is large."""
    values = all_values(corpus)
    index = urls.comparisons_index()
    pages = [PlannedPage(index, "comparisons.html.j2", {
        "rows": [(c, values.get(c.id, []), sorted({corpus.municipalities[v.doc.municipality].name
                                                    for v in values.get(c.id, [])}))
                 for c in corpus.comparables.values()],
        "urls": urls, "link": PageContext(index, corpus).link,
        "page_title": page_title("Cijfers vergelijken"),
    })]
    for comparable in corpus.comparables.values():
        found = values.get(comparable.id, [])
        named = series(corpus, found)
        path = urls.comparison_page(comparable.id)
        if len(named) <= SPLIT_AT:
            pages.append(_comparison_page(corpus, comparable, path, found, named, None))
            continue
        by_province: dict[str, list[Series]] = {}
        for one in named:
            province = corpus.municipalities[one.doc.municipality].province or NO_PROVINCE
            by_province.setdefault(province, []).append(one)
        provinces = sorted(by_province, key=lambda p: (p == NO_PROVINCE, p))
        rows = []
        for province in provinces:
            part = urls.comparison_province_page(comparable.id, province)
            in_part = [v for one in by_province[province] for v in one.values]
            pages.append(_comparison_page(corpus, comparable, part, in_part,
                                          by_province[province], province))
            rows.append((province, part, len({one.doc.municipality for one in by_province[province]}),
                         min(v.year for v in in_part), max(v.year for v in in_part), len(in_part)))
        page = _comparison_page(corpus, comparable, path, found, [], None)
        pages.append(replace(page, context={**page.context, "provinces": rows}))
    return pages


def _comparison_page(corpus: Corpus, comparable: m.Comparable, path: str, found: list[Value],
                     named: list[Series], province: str | None) -> PlannedPage:
    title = f"{comparable.name} in {province}" if province else comparable.name
    return PlannedPage(path, "comparison.html.j2", {
        "comparable": comparable, "values": found, "series": named, "province": province,
        "provinces": None, "heading": title,
        "chart": chart(comparable, named, urls.CHART_ID_PREFIX + comparable.id,
                       summary(comparable, named)) if named else None,
        "value_number": lambda v: value_text(v, comparable, with_kind=False),
        "urls": urls, "link": PageContext(path, corpus).link,
        "page_title": page_title(title, "Vergelijken"),
    })


def all_values(corpus: Corpus) -> dict[str, list[Value]]:
    labeller = PageContext("", corpus)

    def labels(doc: m.Document, thing: Any) -> tuple[str, str]:
        if isinstance(thing, m.Commitment):
            return labeller.commitment_label(thing), thing.id
        if isinstance(thing, m.Table):
            return (f"{thing.number}: {thing.title}" if thing.number else f"tabel ‘{thing.title}’"), thing.id
        return f"Indicator: {thing.name}", thing.id

    def responsible(c: m.Commitment, group: m.Group) -> str:
        names = [corpus.organisations[p].short_name for p in dict.fromkeys(c.parties or group.actors)]
        return ", ".join(names)

    return collect(corpus.documents, labels, responsible)


def summary(comparable: m.Comparable, named: list[Series]) -> str:
    """One clause per series: its first and last year with their values."""
    if not named:
        return "Nog geen document geeft dit cijfer."
    parts = []
    for one in named:
        first, last = one.values[0], one.values[-1]
        text = f"{one.label}: {value_text(first, comparable)} in {first.year}"
        if last is not first:
            text += f" tot {value_text(last, comparable)} in {last.year}"
        parts.append(text)
    return "; ".join(parts) + "."


def value_text(v: Value, comparable: m.Comparable, with_kind: bool = True) -> str:
    """The value as the page shows it: Dutch separators, a range as 'a tot b', the unit,
    and the kind of value (gerealiseerd, prognose...)."""
    unit = comparable.unit
    if v.value is not None:
        text = amount(v.value, unit, v.decimals)
    elif v.low is not None and v.high is not None:
        text = f"{amount(v.low, None, v.decimals)} tot {amount(v.high, unit, v.decimals)}"
    elif v.low is not None:
        text = f"minimaal {amount(v.low, unit, v.decimals)}"
    else:
        text = f"maximaal {amount(v.high, unit, v.decimals)}"
    if not with_kind:
        return text
    return f"{text} ({v.status}{', onzeker' if v.uncertain else ''})"


HEADER = ["gemeente", "cbs_code", "jaar", "reikwijdte", "waarde", "minimum", "maximum", "eenheid",
          "soort", "onzeker", "toelichting", "document", "waar", "pagina", "bron", "bron_url"]


def export_comparisons(corpus: Corpus, site_url: str = "") -> dict[str, bytes]:
    """Per comparison a CSV and a JSON file: one row per value, with its source; with
    `site_url` (SITE_URL) the address of the value's page is absolute."""
    files: dict[str, bytes] = {}
    values = all_values(corpus)
    for comparable in corpus.comparables.values():
        rows = []
        for v in values.get(comparable.id, []):
            mun = corpus.municipalities[v.doc.municipality]
            page = urls.page_url(urls.document_page(v.doc)) + "#" + v.anchor
            rows.append({
                "gemeente": mun.name, "cbs_code": mun.cbs_code, "jaar": v.year,
                "reikwijdte": v.scope, "waarde": v.value, "minimum": v.low, "maximum": v.high,
                "eenheid": comparable.unit, "soort": v.status, "onzeker": v.uncertain,
                "toelichting": v.note, "document": v.doc.ref, "waar": v.where,
                "pagina": urls.absolute(site_url, page) if site_url else page,
                "bron": f"{v.doc.source.title} ({v.doc.source.publisher})",
                "bron_url": v.doc.source.url,
            })
        files[urls.comparison_download(comparable.id, "csv")] = _csv(
            HEADER, [[row[h] for h in HEADER] for row in rows])
        files[urls.comparison_download(comparable.id, "json")] = _json({
            "comparison": comparable.model_dump(mode="json", exclude_none=True), "values": rows})
    return files
