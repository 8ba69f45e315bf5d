# Spreadsheet downloads: the open-data CSVs as .xlsx. Dutch Excel opens a UTF-8 CSV
# without byte order mark with the wrong encoding and, expecting ';', in one column;
# an .xlsx opens right everywhere. Each sheet holds the same values as its CSV, typed
# as the Data Package descriptor types the column (register.csv_fields).
# The files are written here as the few XML parts of the format (inline strings, one
# style for the bold header row), not with openpyxl: openpyxl took about 2 s per 8,000
# rows and 15 ms per small workbook, nearly a minute of a national build; this takes a
# fraction of that. They are the same bytes on every build (fixed dates in the archive).
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

# The CSVs put an apostrophe before text a spreadsheet would run as a formula; in an
# .xlsx a text cell is never a formula, so the text goes in as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # no build time in the file: two builds are identical
# Characters XML 1.0 cannot hold (control characters): dropped from the texts.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL = 32767  # Excel's limit on the characters in one cell


def cell_value(text: str, kind: str) -> Any:
    """A CSV cell as the spreadsheet holds it: a number for an integer or number
    column, else the text (yes/no columns keep ja/nee, which Dutch readers read)."""
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text) if "." in text else int(text)
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]
    # Control characters cannot be stored in the file's XML: dropped (the data's texts
    # have none; a hostile one still gives a file that opens).
    return _ILLEGAL.sub("", text)[:MAX_CELL]


def _sheet_title(name: str, taken: set[str]) -> str:
    title = re.sub(r"[\\/*?:\[\]]", "-", name)[:31] or "blad"
    n = 1
    while title.lower() in taken:
        n += 1
        title = f"{title[:28]}-{n}"
    taken.add(title.lower())
    return title


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (f'{_XML}<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _escape(text: str) -> str:
    """The text of a cell as XML: xml.sax.saxutils.escape, and a carriage return as a
    reference, else it would be read back as a line feed (XML normalises line ends).
    Written out, as escape's own replacements are: a national build writes some 1.6
    million cells, and escape's mapping of extra entities took half the time."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#13;")


def _text_cell(ref: str, text: str, style: str = "") -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{_escape(text)}</t></is></c>'


def _sheet(header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    columns = [_column(i) for i in range(len(header))]
    out = [f'{_XML}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '</sheetView></sheetViews><sheetData><row r="1">']
    out += [_text_cell(f"{col}1", _ILLEGAL.sub("", name), ' s="1"')  # bold
            for col, name in zip(columns, header, strict=True)]
    out.append("</row>")
    numbers = [kind in ("integer", "number") for kind in kinds]
    for n, row in enumerate(rows, start=2):
        out.append(f'<row r="{n}">')
        for col, text, kind, number in zip(columns, row, kinds, numbers, strict=True):
            if text == "":
                continue
            value = cell_value(text, kind)  # a number column's text must read as one
            if number:
                out.append(f'<c r="{col}{n}"><v>{text}</v></c>')
            else:
                out.append(_text_cell(f"{col}{n}", value))  # never a formula, whatever it starts with
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def workbook(sheets: Sequence[tuple[str, bytes, Sequence[str]]]) -> bytes:
    """An .xlsx with one sheet per (name, CSV, column types)."""
    taken: set[str] = set()
    parts: dict[str, str] = {}
    entries, rels, overrides = [], [], []
    for i, (name, data, kinds) in enumerate(sheets, start=1):
        rows = csv.reader(io.StringIO(data.decode("utf-8")))
        header = next(rows)
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(header, kinds, rows)
        entries.append(f'<sheet name={quoteattr(_sheet_title(name, taken))} sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    files = {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + "".join(overrides) + "</Types>"),
        "_rels/.rels": (f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                            + "".join(entries) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}">' + "".join(rels)
                                      + "</Relationships>",
        "xl/styles.xml": _STYLES,
        **parts,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, _ZIP_DATE), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
