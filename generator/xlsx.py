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
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"{style}><is><t{space}>{_escape(text)}</t></is></c>'


def _sheet_head(header: Sequence[str], positions: bool = True) -> str:
    """A sheet's XML up to its header row (bold, frozen above the rest) included."""
    row = '<row r="1">' if positions else "<row>"
    cells = [_text_cell(f"{_column(i)}1" if positions else "", _ILLEGAL.sub("", name), ' s="1"')  # bold
             for i, name in enumerate(header)]
    return (f'{_XML}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews><sheetData>' + row + "".join(cells) + "</row>")


_SHEET_TAIL = "</sheetData></worksheet>"


def sheet_rows(kinds: Sequence[str], rows: Iterable[Sequence[str]], start: int | None = 2) -> str:
    """The XML of rows of CSV cells, the first numbered `start`. With start None the
    rows and cells carry no position (OOXML reads a row without `r` as the one after
    the last, a cell likewise): an empty cell is then written as an empty <c/> unless
    no other follows it. Such rows are the same text wherever they land in the sheet,
    so the register keeps a document's rows from one build to the next."""
    columns = [_column(i) for i in range(len(kinds))]
    numbers = [kind in ("integer", "number") for kind in kinds]
    out = []
    for n, row in enumerate(rows, start=start or 0):
        out.append(f'<row r="{n}">' if start else "<row>")
        gap = ""
        for col, text, kind, number in zip(columns, row, kinds, numbers, strict=True):
            if text == "":
                if not start:
                    gap += "<c/>"
                continue
            ref = f"{col}{n}" if start else ""
            value = cell_value(text, kind)  # a number column's text must read as one
            if gap:
                out.append(gap)
                gap = ""
            if number:
                out.append(f'<c r="{ref}"><v>{text}</v></c>' if ref else f"<c><v>{text}</v></c>")
            else:
                out.append(_text_cell(ref, value))  # never a formula, whatever it starts with
        out.append("</row>")
    return "".join(out)


def _sheet(header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[str]],
           positions: bool = True) -> str:
    return _sheet_head(header, positions) + sheet_rows(kinds, rows, 2 if positions else None) + _SHEET_TAIL


def _package(names: Sequence[str]) -> dict[str, str]:
    """Every part of a workbook with sheets of these names but the sheets themselves
    (xl/worksheets/sheet<n>.xml, n from 1), in the archive's order."""
    taken: set[str] = set()
    entries, rels, overrides = [], [], []
    for i, name in enumerate(names, start=1):
        entries.append(f'<sheet name={quoteattr(_sheet_title(name, taken))} sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    rels.append(f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    return {
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
    }


def workbook(sheets: Sequence[tuple[str, bytes, Sequence[str]]]) -> bytes:
    """An .xlsx with one sheet per (name, CSV, column types)."""
    files = _package([name for name, _, _ in sheets])
    for i, (_, data, kinds) in enumerate(sheets, start=1):
        rows = csv.reader(io.StringIO(data.decode("utf-8")))
        header = next(rows)
        files[f"xl/worksheets/sheet{i}.xml"] = _sheet(header, kinds, rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, _ZIP_DATE), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- a workbook from parts compressed apart ---------------------------------------
# The register's sheet of commitments is most of its workbook: nationally some 110 MB
# of XML, whose compression took 1.6 s of every build. Deflate streams compressed apart
# and each ended on a byte boundary without closing the stream (a sync flush, as pigz
# does) read as one stream when put one after the other; the CRC-32 of the whole is
# found from those of the parts and their lengths. So a document's rows are compressed
# once, kept (register.py) and put together on the next build with the others as
# they are. The archive is then written here, not by zipfile, which compresses itself.


@dataclass(frozen=True)
class Deflated:
    """A part of a file in the archive: raw deflate, not closed (Z_SYNC_FLUSH)."""

    data: bytes
    crc: int  # zlib.crc32 of the text
    size: int  # the text's length in bytes


COMPRESS_LEVEL = 6  # zlib's default, which zipfile uses


def deflate(text: bytes) -> Deflated:
    if not text:
        return Deflated(b"", 0, 0)
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(text),
                    len(text))


_FINAL = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15).flush()  # an empty last block


def _joined(parts: Iterable[Deflated]) -> tuple[bytes, int, int]:
    """One deflate stream of the parts in turn, its CRC-32 and length. The CRC of a
    text continued by a part of n bytes: crc32 is affine in its starting value for a
    given text, so it is that of n zero bytes continued from the text's, corrected by
    the part's own (crc32(zeros) ^ part.crc)."""
    crc, size, data = 0, 0, []
    for part in parts:
        if not part.size:
            continue
        zeros = bytes(part.size)
        crc = zlib.crc32(zeros, crc) ^ zlib.crc32(zeros) ^ part.crc
        size += part.size
        data.append(part.data)
    data.append(_FINAL)
    return b"".join(data), crc, size


def _dos_time() -> tuple[int, int]:
    year, month, day, hour, minute, second = _ZIP_DATE
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def workbook_of_parts(sheets: Sequence[tuple[str, Sequence[Deflated]]]) -> bytes:
    """An .xlsx with one sheet per (name, its XML in compressed parts: sheet_head(...,
    positions=False), rows, SHEET_TAIL, see compressed_sheet)."""
    files: dict[str, Sequence[Deflated]] = {
        path: [deflate(text.encode("utf-8"))] for path, text in _package([n for n, _ in sheets]).items()}
    for i, (_, parts) in enumerate(sheets, start=1):
        files[f"xl/worksheets/sheet{i}.xml"] = parts
    time, date = _dos_time()
    out, central = [], []
    offset = 0
    for path, parts in files.items():
        data, crc, size = _joined(parts)
        name = path.encode("utf-8")
        # Version 2.0, no flags (the sizes are known), deflate; as zipfile writes them.
        fields = struct.pack("<HHHHHIII", 20, 0, zipfile.ZIP_DEFLATED, time, date, crc, len(data), size)
        out += [b"PK\x03\x04", fields, struct.pack("<HH", len(name), 0), name, data]
        central.append(b"PK\x01\x02" + struct.pack("<H", 20) + fields
                       + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += 30 + len(name) + len(data)
    directory = b"".join(central)
    out += [directory, b"PK\x05\x06", struct.pack("<HHHHIIH", 0, 0, len(files), len(files),
                                                    len(directory), offset, 0)]
    return b"".join(out)


def compressed_sheet(header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[str]],
                     ) -> list[Deflated]:
    """A whole sheet for workbook_of_parts, in one part."""
    return [deflate(_sheet(header, kinds, rows, positions=False).encode("utf-8"))]


def sheet_head(header: Sequence[str]) -> Deflated:
    """The start of a sheet for workbook_of_parts, up to its header row."""
    return deflate(_sheet_head(header, positions=False).encode("utf-8"))


SHEET_TAIL = deflate(_SHEET_TAIL.encode("utf-8"))


def rows_part(kinds: Sequence[str], rows: Iterable[Sequence[str]]) -> Deflated:
    """Rows for workbook_of_parts, without positions (sheet_rows)."""
    return deflate(sheet_rows(kinds, rows, None).encode("utf-8"))
