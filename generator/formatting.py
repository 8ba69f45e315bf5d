# Jinja filters: Dutch number and date formatting, and the escapes for data text.
# Data text is never trusted. In the HTML templates (every generated page but the
# home page) autoescape escapes every value and the filters below return Markup built
# from escaped parts. In the one Markdown template, md() backslash-escapes every ASCII
# punctuation character (pymdownx.escapeall makes that valid for all of them). Either
# way no data file can produce HTML, links, headings or attributes.
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from typing import Any

from markupsafe import Markup, escape

from . import evidence as ev
from . import model as m
from . import records as rec
from .fields import URL_PATTERN
from .markup import inline, text_blocks

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_SLUG = re.compile(m.SLUG_PATTERN)


class Safe(str):
    """Text that is already valid Markdown (or a URL/anchor built from slugs).

    Every other value a template prints is escaped by md() (the environment's
    finalize), so forgetting a filter can never let data text through raw.
    """


def md(text: object) -> Safe:
    """Escape data text for inline Markdown: the text shows exactly as written."""
    if isinstance(text, Safe):
        return text
    value = " ".join(str(text).split())
    return Safe(_PUNCT.sub(r"\\\1", value))


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (Dutch): a point groups thousands, a comma marks decimals."""
    if value is None:
        return ""
    text = f"{abs(value):,.{decimals}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if value < 0 else "") + text


def amount(value: float | int | None, unit: str | None = None, decimals: int = 0) -> str:
    """A number with its unit, the Dutch way: '€ 38.067', '57%', '1,34', '48 woningen'."""
    if value is None:
        return ""
    text = number(value, decimals)
    if unit in (None, "", "index", "aantal"):
        return text
    if unit == "EUR":
        return f"€ {text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def cell_text(cell: m.CellValue, column: m.Column) -> str:
    """The text a reader sees in a table cell (before escaping)."""
    if isinstance(cell, m.Cell):
        if cell.min is not None or cell.max is not None:
            low = amount(cell.min, column.unit, column.decimals) if cell.min is not None else ""
            high = amount(cell.max, column.unit, column.decimals) if cell.max is not None else ""
            text = f"{low}–{high}" if low and high else (f"minimaal {low}" if low else f"maximaal {high}")
        else:
            text = cell_text(cell.value, column) if cell.value is not None else ""
        return text
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if column.unit in ("EUR", "%"):
        return amount(cell, column.unit, column.decimals)
    return number(cell, column.decimals)


def point_text(point: m.Point, indicator: m.Indicator) -> str:
    if point.value is not None:
        return amount(point.value, indicator.unit, indicator.decimals)
    low = amount(point.min, indicator.unit, indicator.decimals) if point.min is not None else ""
    high = amount(point.max, indicator.unit, indicator.decimals) if point.max is not None else ""
    if low and high:
        return f"{low} tot {high}"
    return f"minimaal {low}" if low else f"maximaal {high}"


def date_nl(value: dt.date | int | str | None) -> str:
    """2022-12-08 -> '8 december 2022'; a date the source gives only to the month or
    the year (model.EventDate): "2023-07" -> 'juli 2023', 2023 -> '2023'."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f"{MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def due_nl(value: str | None) -> str:
    """Due values as a reader says them: 'Q1 2023' -> '1e kwartaal 2023'."""
    if not value:
        return ""
    if " t/m " in value:  # a range: '2028 t/m 2031', '1e kwartaal 2026 t/m ...'
        return " t/m ".join(due_nl(part) for part in value.split(" t/m "))
    if value.startswith("Q"):
        quarter, year = value.split()
        return f"{quarter[1]}e kwartaal {year}"
    parts = value.split("-")
    if len(parts) == 3:
        return date_nl(dt.date(int(parts[0]), int(parts[1]), int(parts[2])))
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return value


def anchor(value: str) -> Safe:
    """An element id; ids come from validated slugs, checked again here."""
    if not _SLUG.match(value):
        raise ValueError(f"not a valid anchor: {value!r}")
    return Safe(value)


def attrs(value: str, *classes: str) -> Safe:
    """attr_list for a heading or block: '{#id .class}'; the id must be a slug."""
    parts = [f"#{anchor(value)}"] + [f".{c}" for c in classes]
    return Safe("{" + " ".join(parts) + "}")


def figure_json(value: Any) -> Safe:
    """A chart figure as JSON in an HTML attribute (data-figure). Not a
    <script type="application/json"> block: Material's instant navigation re-inserts
    every script in the page as JavaScript, which broke the charts. NaN and infinity
    are not JSON and are refused."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
    # U+2028/2029 are line breaks to Python's splitlines; keep them as escapes.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Safe(escape(text))


# --- evidence and provenance (evidence.py) ----------------------------------

# --- end evidence -------------------------------------------------------------


# The Markdown template (home.md.j2, around the hand-written intro).
FILTERS = {
    "md": md,
    "number": number,
    "amount": amount,
    "date_nl": date_nl,
    "attrs": attrs,
}


# --- HTML (the generated pages; markup.py) -------------------------------------
# The filters of the HTML templates: each returns Markup built from escaped parts, so
# autoescape never escapes it twice and data text never becomes markup.

def url_link(url: str, text: object | None = None) -> Markup:
    """An external link (a source PDF, a web page); the URL is validated by the model."""
    if not re.match(URL_PATTERN, url):  # the model's rule, so `check` refuses it first
        raise ValueError(f"not a URL that can be linked: {url!r}")
    return Markup('<a href="{}">{}</a>').format(url, inline(text if text is not None else url))


def provenance_marker(provenance: ev.Provenance | None) -> Markup:
    """The marker on the page ("<strong>Afgeleid:</strong> <note>"); empty without provenance."""
    if provenance is None:
        return Markup("")
    label = ev.PROVENANCE_LABELS[provenance.kind]
    return Markup("<strong>{}:</strong> {}").format(inline(label[0].upper() + label[1:]),
                                                      inline(provenance.note))


def provenance_inline(provenance: ev.Provenance) -> Markup:
    """A mark beside a value within a line: '<em>afgeleid: <note></em>'."""
    return Markup("<em>{}</em>").format(inline(ev.provenance_text(provenance)))


def page_ref(page: int | None, url: str | None = None) -> Markup:
    """'bron: p. N', linking to that page of the PDF when its URL is known."""
    if page is None:
        return Markup("")
    text = f"bron: p. {page}"
    if url is None:
        return inline(text)
    return url_link(f"{url.split('#', 1)[0]}#page={page}", text)


def marks_short(record: rec.CommitmentRecord, *fields: str) -> Markup:
    """In a list of commitments: ' · <em>Wie: afgeleid (niet in de bron)</em>' for each of
    the named fields of records.MARKED_FIELDS (all without names) that carries a mark."""
    shown = [f"{f.name_nl}: {v.label}" for f, v in record.marked() if not fields or f.attr in fields]
    return Markup("").join(Markup(" · <em>{}</em>").format(inline(s)) for s in shown)


def word_diff(old: str, new: str) -> Markup:
    """The wording of a continued commitment against the earlier one, word by word:
    removed words in <del>, added words in <ins>; only the two tags are markup."""
    a, b = old.split(), new.split()
    parts: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(inline(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Markup("<del>{}</del>").format(" ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(Markup("<ins>{}</ins>").format(" ".join(b[j1:j2])))
    return Markup(" ").join(parts)


def html_anchor(value: str) -> Markup:
    """An element id; ids come from validated slugs, checked again here."""
    return Markup(anchor(value))


HTML_FILTERS = {
    "provenance_marker": provenance_marker,
    "provenance_inline": provenance_inline,
    "page_ref": page_ref,
    "marks_short": marks_short,
    "blocks": text_blocks,
    "inline": inline,
    "number": number,
    "amount": amount,
    "cell_text": cell_text,
    "point_text": point_text,
    "date_nl": date_nl,
    "due_nl": due_nl,
    "url_link": url_link,
    "figure_json": lambda value: Markup(figure_json(value)),
    "anchor": html_anchor,
}
