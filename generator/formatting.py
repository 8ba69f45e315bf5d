# Jinja filters: Dutch number and date formatting, and the one escape for data
# text landing in Markdown. Data text is never trusted: md() backslash-escapes
# every ASCII punctuation character (pymdownx.escapeall makes that valid for all
# of them), so no data file can produce HTML, links, headings or attributes.
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


def md_blocks(text: object) -> Safe:
    """Plain data text -> Markdown paragraphs; lines starting '- ' become bullets.

    Within a paragraph, consecutive prose lines join into one paragraph and
    consecutive bullet lines into one list, in the order they are written.
    """
    blocks: list[str] = []
    for para in re.split(r"\n\s*\n", str(text).strip()):
        run: list[str] = []
        bullet_run = False
        for line in (ln.strip() for ln in para.splitlines()):
            if not line:
                continue
            is_bullet = line.startswith(("- ", "• "))
            if run and is_bullet != bullet_run:
                blocks.append(_flush(run, bullet_run))
                run = []
            bullet_run = is_bullet
            run.append(line[2:] if is_bullet else line)
        if run:
            blocks.append(_flush(run, bullet_run))
    return Safe("\n\n".join(blocks))


def _flush(lines: list[str], bullets: bool) -> str:
    if bullets:
        return "\n".join("- " + md(line) for line in lines)
    return md(" ".join(lines))


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
    if " t/m " in value:  # a range (issue 11a): '2028 t/m 2031', '1e kwartaal 2026 t/m ...'
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


def indented(text: Safe, width: int = 4) -> Safe:
    """Indent already-safe Markdown (the body of an admonition) without escaping it
    again; Jinja's own `indent` returns a plain string, which finalize would escape."""
    if not isinstance(text, Safe):
        raise TypeError("indented() takes Markdown that is already escaped")
    pad = " " * width
    return Safe("\n".join(pad + line if line.strip() else "" for line in text.split("\n")))


def url_link(url: str, text: str | None = None) -> Safe:
    """An external link (a source PDF, a web page). The URL is validated by the model
    (http/https) and HTML-escaped into the attribute; the text is Markdown-escaped.
    A Markdown autolink `<...>` cannot be used: escaping its punctuation breaks it."""
    if not re.match(URL_PATTERN, url):  # the model's rule, so `check` refuses it first
        raise ValueError(f"not a URL that can be linked: {url!r}")
    return Safe(f'<a href="{escape(url)}">{md(text if text is not None else url)}</a>')


def attr(value: object) -> Safe:
    """Escape for an HTML attribute value or element text in raw HTML."""
    return Safe(escape(str(value)))


def anchor(value: str) -> Safe:
    """An element id; ids come from validated slugs, checked again here."""
    if not _SLUG.match(value):
        raise ValueError(f"not a valid anchor: {value!r}")
    return Safe(value)


def attrs(value: str, *classes: str) -> Safe:
    """attr_list for a heading or block: '{#id .class}'; the id must be a slug."""
    parts = [f"#{anchor(value)}"] + [f".{c}" for c in classes]
    return Safe("{" + " ".join(parts) + "}")


def hashes(level: int) -> Safe:
    """The Markdown heading marker for a level (capped at 6)."""
    return Safe("#" * min(max(level, 1), 6))


def deep_heading(attrs: Safe) -> Safe:
    """The attribute list of a heading below h6, on the bold paragraph that stands
    in for it: '{#id .deep-heading}' (issue 11a)."""
    if not (isinstance(attrs, Safe) and attrs.startswith("{") and attrs.endswith("}")):
        raise TypeError("deep_heading() takes the attribute list of attrs()")
    return Safe(attrs[:-1] + " .deep-heading}")


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


def word_diff(old: str, new: str) -> Safe:
    """The wording of a continued commitment against the earlier one, word by word:
    removed words in <del>, added words in <ins>. Each run of words is escaped by md()
    first, so data text never becomes HTML; only the two tags are markup."""
    a, b = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(md(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{md(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{md(' '.join(b[j1:j2]))}</ins>")
    return Safe(" ".join(parts))


# --- evidence and provenance (evidence.py) ----------------------------------

def provenance_marker(provenance: ev.Provenance | None) -> Safe:
    """The marker on the page ("Afgeleid: <note>"), escaped; empty without provenance."""
    if provenance is None:
        return Safe("")
    label = ev.PROVENANCE_LABELS[provenance.kind]
    return Safe(f"**{md(label[0].upper() + label[1:])}:** {md(provenance.note)}")


def provenance_inline(provenance: ev.Provenance) -> Safe:
    """A mark beside a value within a line: '*afgeleid: <note>*', escaped."""
    return Safe(f"*{md(ev.provenance_text(provenance))}*")


def page_ref(page: int | None, url: str | None = None) -> Safe:
    """'bron: p. N', linking to that page of the PDF when its URL is known (the
    viewer's #page=N); empty without a page."""
    if page is None:
        return Safe("")
    text = f"bron: p. {page}"
    if url is None:
        return md(text)
    return url_link(f"{url.split('#', 1)[0]}#page={page}", text)


def marks_short(record: rec.CommitmentRecord, *fields: str) -> Safe:
    """In a list of commitments: ' · *Wie: afgeleid (niet in de bron)*' for each of
    the named fields of records.MARKED_FIELDS (all without names) that carries a mark;
    the note stands beside the value on the document page. Empty without marks."""
    shown = [f"{f.name_nl}: {v.label}" for f, v in record.marked() if not fields or f.attr in fields]
    return Safe("".join(f" · *{md(s)}*" for s in shown))

# --- end evidence -------------------------------------------------------------


FILTERS = {
    "provenance_marker": provenance_marker,
    "page_ref": page_ref,
    "marks_short": marks_short,
    "md": md,
    "md_blocks": md_blocks,
    "number": number,
    "amount": amount,
    "cell_text": cell_text,
    "point_text": point_text,
    "date_nl": date_nl,
    "due_nl": due_nl,
    "attr": attr,
    "indented": indented,
    "url_link": url_link,
    "figure_json": figure_json,
    "anchor": anchor,
    "attrs": attrs,
    "hashes": hashes,
    "deep_heading": deep_heading,
}


# --- HTML (the generated pages; markup.py) -------------------------------------
# The same filters for the HTML templates: each returns Markup built from escaped
# parts, so autoescape never escapes it twice and data text never becomes markup.

def html_link(url: str, text: object | None = None) -> Markup:
    """An external link (a source PDF, a web page); the URL is validated by the model."""
    if not re.match(URL_PATTERN, url):  # the model's rule, so `check` refuses it first
        raise ValueError(f"not a URL that can be linked: {url!r}")
    return Markup('<a href="{}">{}</a>').format(url, inline(text if text is not None else url))


def html_provenance_marker(provenance: ev.Provenance | None) -> Markup:
    """The marker on the page ("<strong>Afgeleid:</strong> <note>"); empty without provenance."""
    if provenance is None:
        return Markup("")
    label = ev.PROVENANCE_LABELS[provenance.kind]
    return Markup("<strong>{}:</strong> {}").format(inline(label[0].upper() + label[1:]),
                                                      inline(provenance.note))


def html_provenance_inline(provenance: ev.Provenance) -> Markup:
    """A mark beside a value within a line: '<em>afgeleid: <note></em>'."""
    return Markup("<em>{}</em>").format(inline(ev.provenance_text(provenance)))


def html_page_ref(page: int | None, url: str | None = None) -> Markup:
    """'bron: p. N', linking to that page of the PDF when its URL is known."""
    if page is None:
        return Markup("")
    text = f"bron: p. {page}"
    if url is None:
        return inline(text)
    return html_link(f"{url.split('#', 1)[0]}#page={page}", text)


def html_marks_short(record: rec.CommitmentRecord, *fields: str) -> Markup:
    """In a list of commitments: ' · <em>Wie: afgeleid (niet in de bron)</em>' for each of
    the named fields of records.MARKED_FIELDS (all without names) that carries a mark."""
    shown = [f"{f.name_nl}: {v.label}" for f, v in record.marked() if not fields or f.attr in fields]
    return Markup("").join(Markup(" · <em>{}</em>").format(inline(s)) for s in shown)


def html_word_diff(old: str, new: str) -> Markup:
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
    "provenance_marker": html_provenance_marker,
    "provenance_inline": html_provenance_inline,
    "page_ref": html_page_ref,
    "marks_short": html_marks_short,
    "blocks": text_blocks,
    "inline": inline,
    "number": number,
    "amount": amount,
    "cell_text": cell_text,
    "point_text": point_text,
    "date_nl": date_nl,
    "due_nl": due_nl,
    "url_link": html_link,
    "figure_json": lambda value: Markup(figure_json(value)),
    "anchor": html_anchor,
}
