# `monitor export` and `monitor import`: statuses from a municipality's yearly
# monitoring, in one step per document. Export writes a spreadsheet with a row per
# commitment (.xlsx, and a .csv that Dutch Excel opens); import reads it back, checks
# every row against the validated corpus and reports every problem at once, by sheet,
# row and column. Only when every row is good does it append the new status entries
# to the document's YAML, as inserted lines at the places libyaml reports, so the
# rest of the file (comments, key order, quoting, flow style) stays as written.
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml

from . import model as m
from .errors import DataError, Diagnostic, GeneratorError
from .formatting import amount
from .sources import fast_load, forbidden_character, load_text
from .validate import Corpus, build_date, load_corpus

SHEET = "Monitoring"
DOCUMENT_LABEL = "document"  # cell A1; B1 holds the document's ref, C1 its title
HEADER_ROW = 2
FIRST_ROW = 3
STATUSES: tuple[str, ...] = get_args(m.CommitmentStatus)
REALISED = "gerealiseerd"  # the realised-value columns: "gerealiseerd (woningen)"
NO_UNIT = "zonder eenheid"
DATE_FORMAT = "d-m-yyyy"  # how Dutch Excel shows a date


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False


FIXED = [
    Column("id", "id", 22),
    Column("number", "nummer", 9),
    Column("chapter", "hoofdstuk", 28),
    Column("text", "tekst", 70),
    Column("figures", "cijfers en indicatoren", 30),
    Column("current", "huidige status", 18),
    Column("current_date", "datum huidige status", 14),
]
INPUT = [
    Column("status", "nieuwe status", 20, True),
    Column("date", "datum nieuwe status", 14, True),
    Column("title", "bron (titel)", 30, True),
    Column("url", "bron (url)", 30, True),
    Column("note", "toelichting", 40, True),
]
REQUIRED = ("id", "status", "date", "title", "url", "note")


def realised_header(unit: str | None) -> str:
    return f"{REALISED} ({unit or NO_UNIT})"


_REALISED_HEADER = re.compile(rf"^{REALISED} \((.+)\)$")


# --- what a document's rows hold ---------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A commitment as the monitoring sees it: where it stands and what it measures."""

    commitment: m.Commitment
    loc: tuple[str | int, ...]  # its field path in the data file
    chapter: str  # the chapter path as printed: "1 Betaalbaarheid > 1.3 Huurbeleid"
    units: tuple[str | None, ...]  # the units of its figures and of the indicators it serves
    measures: tuple[str, ...]  # "Nieuwbouw: 48 woningen", "indicator: Aandeel label A (%)"


def targets(corpus: Corpus, doc: m.Document) -> list[Target]:
    """Every commitment of the document, in document order."""
    framework = _framework(corpus, doc)
    goals = {g.id: g for ch in m.iter_chapters(framework.chapters) for g in ch.goals} if framework else {}
    titles: dict[tuple[str | int, ...], str] = {}
    out: list[Target] = []
    for loc, chapter in m.walk_chapters(doc.chapters, ("chapters",)):
        name = " ".join(p for p in (chapter.number, chapter.title) if p) or chapter.id
        titles[loc] = " > ".join(t for t in (titles.get(loc[:-2]), name) if t)
        for g, group in enumerate(chapter.groups):
            for k, c in enumerate(group.commitments):
                units: dict[str | None, None] = {}
                measures = []
                for f in c.figures:
                    units[f.unit] = None
                    measures.append(f"{f.label}: {amount(f.value, f.unit, f.decimals)}")
                for goal_id in c.serves:
                    for ind in goals[goal_id].indicators if goal_id in goals else []:
                        units[ind.unit] = None
                        measures.append(f"indicator: {ind.name} ({ind.unit or NO_UNIT})")
                out.append(Target(c, (*loc, "groups", g, "commitments", k), titles[loc],
                                  tuple(units), tuple(measures)))
    return out


def _framework(corpus: Corpus, doc: m.Document) -> m.Document | None:
    if not doc.framework:
        return None
    try:
        return corpus.document(doc.framework)
    except KeyError:
        return None


def document_units(rows: list[Target]) -> list[str | None]:
    """The realised-value columns of a document: one per unit, in order of appearance."""
    return list(dict.fromkeys(u for t in rows for u in t.units))


def find_document(corpus: Corpus, name: str) -> m.Document:
    """A document by its ref ("tynaarlo/prestatieafspraken-2023") or its data file."""
    ref = name.strip().removesuffix(".yaml")
    path = Path(ref)
    if len(path.parts) >= 2:
        ref = f"{path.parts[-2]}/{path.parts[-1]}"
    try:
        return corpus.document(ref)
    except KeyError:
        same = corpus.documents_of(ref.split("/", 1)[0]) or corpus.documents
        known = ", ".join(d.ref for d in same[:8])
        raise GeneratorError(f"no document '{name}' in data/: give <municipality>/<slug> as in "
                             f"the document's file name, e.g. {known}") from None


# --- export -------------------------------------------------------------------------

def _rows(corpus: Corpus, doc: m.Document) -> tuple[list[Column], list[list[Any]]]:
    rows = targets(corpus, doc)
    columns = FIXED + INPUT + [Column(f"realised:{u or ''}", realised_header(u), 18, True)
                               for u in document_units(rows)]
    table: list[list[Any]] = []
    for t in rows:
        c = t.commitment
        last = c.status[-1] if c.status else None
        table.append([c.id, c.number or "", t.chapter, c.text.rstrip(), "\n".join(t.measures),
                      last.status if last else "niet-gerapporteerd", last.date if last else None]
                     + [None] * (len(columns) - len(FIXED)))
    return columns, table


def export_monitoring(corpus: Corpus, doc: m.Document, out_dir: Path) -> list[Path]:
    """Write <slug>-monitoring.xlsx and .csv into out_dir; return their paths."""
    columns, table = _rows(corpus, doc)
    units = {i: _REALISED_HEADER.match(col.header) for i, col in enumerate(columns)}
    unit_of_row = {t.commitment.id: t.units for t in targets(corpus, doc)}
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = out_dir / f"{doc.slug}-monitoring.xlsx"
    csv_path = out_dir / f"{doc.slug}-monitoring.csv"
    _write_xlsx(xlsx, doc, columns, table, units, unit_of_row)
    _write_csv(csv_path, doc, columns, table)
    return [xlsx, csv_path]


def _write_xlsx(path: Path, doc: m.Document, columns: list[Column], table: list[list[Any]],
                units: dict[int, re.Match[str] | None],
                unit_of_row: dict[str, tuple[str | None, ...]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    for col, value in enumerate([DOCUMENT_LABEL, doc.ref, doc.title], start=1):
        _text_cell(ws.cell(row=1, column=col), value).font = Font(bold=True)
    unlocked = Protection(locked=False)
    grey = PatternFill("solid", fgColor="DDDDDD")
    input_fill = PatternFill("solid", fgColor="FFF8DC")
    for col, spec in enumerate(columns, start=1):
        cell = _text_cell(ws.cell(row=HEADER_ROW, column=col), spec.header)
        cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = spec.width
    for r, values in enumerate(table, start=FIRST_ROW):
        for col, (spec, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value
            if isinstance(value, dt.date) or spec.key in ("date", "current_date"):
                cell.number_format = DATE_FORMAT
            cell.alignment = Alignment(wrap_text=spec.key in ("text", "chapter", "figures", "note"),
                                       vertical="top")
            match = units[col - 1]
            if match is not None and _unit(match.group(1)) not in unit_of_row[values[0]]:
                cell.fill = grey  # no figure or indicator in this unit: stays locked
            elif spec.editable:
                cell.protection = unlocked
                cell.fill = input_fill
    last = FIRST_ROW + len(table) - 1
    status_col = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.key == "status"))
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                             showErrorMessage=True, errorTitle="Onbekende status",
                             error="Kies een status uit de lijst.")
    choices.add(f"{status_col}{FIRST_ROW}:{status_col}{max(last, FIRST_ROW)}")
    ws.add_data_validation(choices)
    ws.freeze_panes = f"C{FIRST_ROW}"
    # Protected without a password: it keeps the fixed columns from being edited by
    # mistake, not from someone who means to (import reads only the id from them).
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    wb.save(path)


def _text_cell(cell: Any, value: str) -> Any:
    """Text from the data stays text: a commitment starting with '=' is no formula."""
    cell.value = value
    cell.data_type = "s"
    return cell


def _write_csv(path: Path, doc: m.Document, columns: list[Column], table: list[list[Any]]) -> None:
    buffer = io.StringIO()
    # Dutch Excel opens a CSV with ';' between the fields, and sees UTF-8 by its BOM.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([DOCUMENT_LABEL, doc.ref, doc.title])
    writer.writerow([c.header for c in columns])
    for values in table:
        writer.writerow([_csv_text(v) for v in values])
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # A field starting with = + - @ is a formula to a spreadsheet: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- import: reading the sheet ---------------------------------------------------------

@dataclass
class Sheet:
    """The cells of a filled-in monitoring sheet, as rows of values (None when empty)."""

    path: str  # as shown in messages
    name: str | None  # the sheet's name; None for a CSV file
    rows: list[list[Any]]
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row, col) shown as a percentage

    def place(self, row: int, col: int, header: str) -> str:
        where = f"row {row}, column {_letter(col)} '{header}'" if header else f"row {row}"
        return f"sheet '{self.name}', {where}" if self.name else where


def _letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_sheet(path: Path, shown: str) -> Sheet:
    if not path.is_file():
        raise GeneratorError(f"{shown}: no such file")
    if path.suffix.lower() == ".csv":
        return _read_csv(path, shown)
    if path.suffix.lower() != ".xlsx":
        raise GeneratorError(f"{shown}: give the .xlsx or .csv file that `monitor export` wrote")
    from openpyxl import load_workbook

    try:
        # data_only: a formula counts as the value Excel last computed for it.
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise GeneratorError(f"{shown}: cannot be read as an Excel workbook ({exc})") from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows: list[list[Any]] = []
    percent: set[tuple[int, int]] = set()
    for r, row in enumerate(ws.iter_rows(), start=1):
        values = []
        for c, cell in enumerate(row, start=1):
            values.append(cell.value)
            if isinstance(cell.value, int | float) and "%" in str(cell.number_format):
                percent.add((r, c))
        rows.append(values)
    return Sheet(shown, ws.title, rows, percent)


def _read_csv(path: Path, shown: str) -> Sheet:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV (gescheiden door ...)"
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Sheet(shown, None, rows)


# --- import: checking every row -----------------------------------------------------------

@dataclass(frozen=True)
class Update:
    """A new status entry for one commitment, checked."""

    target: Target
    entry: m.StatusEntry
    row: int


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().removeprefix("'").strip()  # the CSV's guard against formulas
        return value or None
    return value


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def read_date(value: Any) -> dt.date | None:
    """A real Excel date, '2025-07-01', or the Dutch '1-7-2025' (also 1/7/2025, 1.7.2025)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        match = _DUTCH_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


_NUMBER_TEXT = re.compile(r"^(?P<euro>€\s*)?(?P<number>-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?)"
                          r"\s*(?P<unit>[^\d\s.,].*)?$")


def _unit(text: str) -> str | None:
    return None if text == NO_UNIT else text


def read_number(value: Any, unit: str | None, percent: bool) -> tuple[float | int | None, str]:
    """A realised value as (number, '') or (None, why not). Text is read the Dutch way
    ('1.234,5'), with an optional unit that must be the column's."""
    if isinstance(value, bool):
        return None, f"'{value}' is not a number"
    if isinstance(value, int | float):
        if percent and unit == "%":  # Excel keeps 45% as 0.45
            value = round(value * 100, 10)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return value, ""
    text = str(value).strip()
    match = _NUMBER_TEXT.match(text)
    if not match:
        if re.fullmatch(r"-?\d+\.\d+", text):
            return None, (f"'{text}' is not a Dutch number: write {text.replace('.', ',')} "
                          f"(a comma for decimals) or enter it as a number")
        return None, f"'{text}' is not a number"
    written = "EUR" if match["euro"] else (match["unit"] or "").strip()
    if written in ("€", "euro"):
        written = "EUR"
    if written and written.casefold() != (unit or "").casefold():
        return None, (f"'{text}' is in {written}, but this column is for values in "
                      f"{unit or NO_UNIT}: enter the value in {unit or NO_UNIT}, in this column, "
                      f"or in the column of its own unit")
    number = match["number"].replace(".", "").replace(",", ".")
    return (float(number) if "." in number else int(number)), ""


def _decimals(value: float | int) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if isinstance(value, float) and "." in text else 0


def check_sheet(corpus: Corpus, sheet: Sheet, today: dt.date | None = None
                ) -> tuple[m.Document, list[Update]]:
    """Every row of a filled-in sheet checked; DataError with every problem found."""
    today = today or build_date()
    problems: list[Diagnostic] = []

    def report(row: int, col: int, header: str, message: str) -> None:
        problems.append(Diagnostic(sheet.path, row, col, sheet.place(row, col, header), message))

    rows = sheet.rows
    first = [_clean(v) for v in (rows[0] if rows else [])]
    ref = first[1] if len(first) > 1 and first[0] == DOCUMENT_LABEL else None
    if not isinstance(ref, str):
        report(1, 2, "", "the sheet does not name its document in cell B1 (after "
                         f"'{DOCUMENT_LABEL}' in A1): import only a sheet that `python -m "
                         "generator monitor export` wrote")
        raise DataError(problems)
    try:
        doc = corpus.document(ref)
    except KeyError:
        report(1, 2, "", f"unknown document '{ref}': no data/{ref}.yaml")
        raise DataError(problems) from None
    headers = [_clean(v) for v in (rows[1] if len(rows) > 1 else [])]
    index: dict[str, int] = {}
    realised: dict[int, str | None] = {}
    for i, header in enumerate(headers):
        if not isinstance(header, str):
            continue
        spec = next((c for c in FIXED + INPUT if c.header == header), None)
        if spec is not None:
            index.setdefault(spec.key, i)
        elif (match := _REALISED_HEADER.match(header)) is not None:
            realised[i] = _unit(match.group(1))
    missing = [c.header for c in FIXED + INPUT if c.key in REQUIRED and c.key not in index]
    if missing:
        report(HEADER_ROW, 0, "", "the header row lacks the column(s) "
               + ", ".join(f"'{h}'" for h in missing) + "; export the sheet again")
        raise DataError(problems)
    by_id = {t.commitment.id: t for t in targets(corpus, doc)}
    seen: dict[str, int] = {}
    updates: list[Update] = []
    for r, raw in enumerate(rows[FIRST_ROW - 1:], start=FIRST_ROW):
        values = [_clean(v) for v in raw] + [None] * (len(headers) - len(raw))

        def cell(key: str, values: list[Any] = values) -> Any:
            return values[index[key]] if key in index else None

        def here(key: str) -> tuple[int, str]:
            return index[key] + 1, headers[index[key]]

        before = len(problems)
        cid = cell("id")
        filled = {k: cell(k) for k in ("status", "date", "title", "url", "note")}
        values_given = {i: values[i] for i in realised if values[i] is not None}
        if cid is None:
            if any(v is not None for v in filled.values()) or values_given:
                report(r, *here("id"), "a row with a new status needs the commitment's id")
            continue
        target = by_id.get(str(cid))
        if target is None:
            report(r, *here("id"), f"unknown id '{cid}': no commitment of {doc.ref} has it")
            continue
        if str(cid) in seen:
            report(r, *here("id"), f"'{cid}' has a row already (row {seen[str(cid)]}): give "
                                   f"one new status per commitment in one import")
            continue
        seen[str(cid)] = r
        for key in ("title", "url", "note"):
            bad = forbidden_character(filled[key]) if isinstance(filled[key], str) else None
            if bad:  # the YAML would refuse it: say so at the cell, not at the file's line
                report(r, *here(key), f"the character {bad} is not allowed; remove it")
        status = filled["status"]
        if status is None:
            if any(v is not None for k, v in filled.items()) or values_given:
                report(r, *here("status"), "a date, source, explanation or realised value is "
                                           "filled in, but no new status: choose one from the list")
            continue
        status = str(status).strip().casefold().replace(" ", "-")
        if status not in STATUSES:
            report(r, *here("status"), f"'{filled['status']}' is not a status; choose one of "
                                       + ", ".join(STATUSES))
        date = read_date(filled["date"])
        previous = target.commitment.status[-1] if target.commitment.status else None
        if filled["date"] is None:
            report(r, *here("date"), "the date of the report is missing")
        elif date is None:
            report(r, *here("date"), f"'{filled['date']}' cannot be read as a date: enter a date "
                                     "(1-7-2025 or 2025-07-01)")
        elif previous is not None and date < previous.date:
            report(r, *here("date"), f"{date.isoformat()} is before the current status "
                                     f"({previous.status}, {previous.date.isoformat()}): a new status "
                                     f"is reported after the one before it")
        elif date > today:
            report(r, *here("date"), f"{date.isoformat()} is after today ({today.isoformat()}): a "
                                     "status is a report that exists; give the date of the report")
        title = filled["title"]
        if title is None:
            report(r, *here("title"), "the source is missing: give the title of the monitoring "
                                      "report or council letter that reports this status")
        url = filled["url"]
        if url is not None and not re.match(r"^https?://\S+$", str(url)):
            report(r, *here("url"), f"'{url}' is not a web address (it starts with https://)")
        measured: list[str] = []
        for i, written in values_given.items():
            unit = realised[i]
            col, header = i + 1, headers[i]
            if unit not in target.units:
                has = ", ".join(u or NO_UNIT for u in target.units) or "none"
                report(r, col, header, f"wrong unit: this commitment has no figure or indicator in "
                                       f"{unit or NO_UNIT} (its units: {has})")
                continue
            number, why = read_number(written, unit, (r, col) in sheet.percent)
            if number is None:
                report(r, col, header, why)
            elif _decimals(number) > m.MAX_DECIMALS:
                report(r, col, header, f"{number!r} has more than {m.MAX_DECIMALS} decimals; give "
                                       "the value as the report prints it")
            else:
                measured.append(amount(number, unit, _decimals(number)))
        if len(problems) > before:
            continue
        assert date is not None and title is not None
        note = str(filled["note"]) if filled["note"] is not None else None
        if measured:
            # The model holds no realised value for a commitment (a figure is what was
            # agreed); the report's value goes with the status it came with, in its note.
            note = " ".join(p for p in (note, f"Gerealiseerd: {'; '.join(measured)}.") if p)
        entry = m.StatusEntry(status=status, date=date,
                              source=m.StatusSource(title=str(title), url=str(url) if url else None),
                              note=note)
        if previous is not None and previous == entry:
            continue  # imported before: the same report once
        updates.append(Update(target, entry, r))
    if problems:
        raise DataError(problems)
    return doc, updates


# --- import: writing the YAML ----------------------------------------------------------------

def entry_data(entry: m.StatusEntry) -> dict[str, Any]:
    """The entry as the data file holds it (what the YAML must read back as)."""
    return entry.model_dump(exclude_none=True)


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n,\[\]{}#:]*$")


def yaml_scalar(text: str) -> str:
    """Plain where YAML reads it back as the same text (in flow context too), else a
    JSON string, which YAML reads as a double-quoted scalar."""
    if _PLAIN.match(text) and text == text.strip() and fast_load(f"k: {text}\n") == {"k": text}:
        return text
    # JSON leaves these as they are; YAML reads some as line breaks, and sources.py refuses others.
    return _UNSAFE.sub(lambda c: f"\\u{ord(c.group()):04x}", json.dumps(text, ensure_ascii=False))


_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def _flow(entry: m.StatusEntry) -> str:
    out = f"status: {entry.status}, date: {entry.date.isoformat()}, source: {_flow_source(entry)}"
    if entry.note:
        out += f", note: {yaml_scalar(entry.note)}"
    return "{" + out + "}"


def _block(entry: m.StatusEntry, dash: int) -> str:
    pad = " " * (dash + 2)
    lines = [" " * dash + f"- status: {entry.status}", pad + f"date: {entry.date.isoformat()}",
             pad + f"source: {_flow_source(entry)}"]
    if entry.note:
        lines.append(pad + f"note: {yaml_scalar(entry.note)}")
    return "".join(line + "\n" for line in lines)


def _flow_source(entry: m.StatusEntry) -> str:
    source = f"title: {yaml_scalar(entry.source.title)}"
    if entry.source.url:
        source += f", url: {yaml_scalar(entry.source.url)}"
    return "{" + source + "}"


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v  # type: ignore[no-any-return]
    return None


def _at(node: yaml.Node, loc: tuple[str | int, ...]) -> yaml.Node:
    for part in loc:
        found = node.value[part] if isinstance(part, int) else _value(node, part)
        if found is None:
            raise GeneratorError(f"cannot find {part!r} of {loc} in the data file")
        node = found
    return node


def _offset(starts: list[int], mark: yaml.Mark) -> int:
    return starts[mark.line] + int(mark.column)


def _after(text: str, starts: list[int], node: yaml.Node) -> int:
    """Where a line may be inserted after a node: the start of the line after its last
    value (after a comment on that line; before the blank lines that follow it)."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    end = _offset(starts, node.end_mark)
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and node.end_mark.column == 0:
        header = text[_offset(starts, node.start_mark):].split("\n", 1)[0]
        while "+" not in header and end > 0:  # trailing blank lines are not its text
            start = text.rfind("\n", 0, end - 1) + 1
            if text[start:end].strip():
                break
            end = start
        return end
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def _insertion(text: str, starts: list[int], commitment: yaml.Node,
               entries: list[m.StatusEntry]) -> tuple[int, str]:
    status = _value(commitment, "status")
    if isinstance(status, yaml.SequenceNode):
        if status.flow_style:
            close = _offset(starts, status.end_mark) - 1
            while text[close - 1] in " \t":
                close -= 1
            return close, ("" if not status.value else ", ") + ", ".join(_flow(e) for e in entries)
        dash = status.start_mark.column
        return _after(text, starts, status), "".join(_block(e, dash) for e in entries)
    if isinstance(commitment, yaml.MappingNode) and commitment.flow_style:
        close = _offset(starts, commitment.end_mark) - 1
        while text[close - 1] in " \t":
            close -= 1
        return close, ", status: [" + ", ".join(_flow(e) for e in entries) + "]"
    indent = commitment.start_mark.column
    return (_after(text, starts, commitment),
            " " * indent + "status:\n" + "".join(_block(e, indent + 2) for e in entries))


def insert_statuses(text: str, shown: str, updates: list[tuple[tuple[str | int, ...], m.StatusEntry]]
                    ) -> str:
    """The file's text with each entry appended to the status list at its commitment's
    field path; nothing else in the text changes. Checked by reading both texts back."""
    # The file passed `check` (sources.py's limits on size, nesting and aliases) first.
    node = yaml.compose(text, Loader=yaml.CSafeLoader)
    if node is None:
        raise GeneratorError(f"{shown} is empty")
    if not text.endswith("\n"):
        text += "\n"
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    grouped: dict[tuple[str | int, ...], list[m.StatusEntry]] = {}
    for loc, entry in updates:
        grouped.setdefault(loc, []).append(entry)
    edits = sorted(((_insertion(text, starts, _at(node, loc), entries)) for loc, entries
                    in grouped.items()), reverse=True)
    new = text
    for offset, insert in edits:
        new = new[:offset] + insert + new[offset:]
    expected = _data(text, shown)
    for loc, entries in grouped.items():
        place: Any = expected
        for part in loc:
            place = place[part]
        place.setdefault("status", []).extend(entry_data(e) for e in entries)
    if _data(new, shown) != expected:
        raise GeneratorError(f"{shown}: the status entries could not be inserted without "
                             "changing the rest of the file; nothing was written. Add them by "
                             "hand (see data/README.md)")
    return new


def _data(text: str, shown: str) -> Any:
    source, problems = load_text(text, shown)
    if source is None or problems:
        raise DataError(problems)
    return source.data


@dataclass(frozen=True)
class Written:
    path: Path
    diff: str
    count: int


def import_monitoring(corpus: Corpus, root: Path, data_dir: Path, sheet: Sheet) -> Written | None:
    """Check the sheet, then append its statuses to the document's data file; None if
    no row has a new status (or all were imported before). The data is checked again as
    written, and the file put back as it was if that finds a problem."""
    doc, updates = check_sheet(corpus, sheet)
    if not updates:
        return None
    shown = corpus.files[doc.ref]
    path = root / shown
    text = path.read_text(encoding="utf-8")
    new = insert_statuses(text, shown, [(u.target.loc, u.entry) for u in updates])
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{shown}", f"b/{shown}"))
    path.write_text(new, encoding="utf-8")
    try:
        load_corpus(data_dir, root)
    except DataError:
        path.write_text(text, encoding="utf-8")
        raise
    return Written(path, diff, len(updates))


