# Spreadsheet downloads: the open-data CSVs as .xlsx. Dutch Excel opens a UTF-8 CSV
# without byte order mark with the wrong encoding and, expecting ';', in one column;
# an .xlsx opens right everywhere. Each sheet holds the same values as its CSV, typed
# as the Data Package descriptor types the column (register.csv_fields), and the file
# is the same bytes on every build (fixed dates in the archive and its properties).
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

# The CSVs put an apostrophe before text a spreadsheet would run as a formula; in an
# .xlsx a text cell is never a formula, so the text goes in as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIXED = dt.datetime(2000, 1, 1)  # no build time in the file: two builds are identical
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
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
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL]


def _sheet_title(name: str, taken: set[str]) -> str:
    title = re.sub(r"[\\/*?:\[\]]", "-", name)[:31] or "blad"
    n = 1
    while title.lower() in taken:
        n += 1
        title = f"{title[:28]}-{n}"
    taken.add(title.lower())
    return title


def _fill(ws: Worksheet, header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    bold = Font(bold=True)
    heads = []
    for name in header:
        head = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", name))
        head.data_type = "s"
        head.font = bold
        heads.append(head)
    ws.append(heads)
    for row in rows:
        cells = []
        for text, kind in zip(row, kinds, strict=True):
            value = cell_value(text, kind)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        ws.append(cells)
    ws.freeze_panes = "A2"


def workbook(sheets: Sequence[tuple[str, bytes, Sequence[str]]]) -> bytes:
    """An .xlsx with one sheet per (name, CSV, column types)."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for name, data, kinds in sheets:
        rows = csv.reader(io.StringIO(data.decode("utf-8")))
        header = next(rows)
        ws = wb.create_sheet(_sheet_title(name, taken))
        _fill(ws, header, kinds, rows)
    wb.properties.creator = "prestatieafspraken"
    wb.properties.created = _FIXED
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_archive(buffer.getvalue())


def _fixed_archive(data: bytes) -> bytes:
    """The archive again, with fixed dates: openpyxl stamps the save time into the
    properties and the zip entries."""
    out = io.BytesIO()
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            target.writestr(zipfile.ZipInfo(info.filename, _ZIP_DATE), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
