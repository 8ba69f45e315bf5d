# Open data: every table (and indicator) as CSV and JSON with its source line and
# units, and every document as JSON, at the stable paths from urls.py. Values
# are written exactly as in data/, never reformatted or rounded.
from __future__ import annotations

import csv
import io
from typing import Any

from . import jsonindent, urls
from . import model as m
from .evidence import PROVENANCE_LABELS, provenance_text
from .queries import NOT_REPORTED
from .validate import Corpus

# A document's kind in Dutch, beside its code (register.DOCUMENT_KINDS says the same).
DOCUMENT_KIND_LABELS = {"framework": "kaderafspraken", "yearly": "jaarafspraken",
                        "multi-year": "meerjarige prestatieafspraken"}


def with_labels(record: Any) -> Any:
    """The JSON for readers: beside each English code of the data format (a document's
    `kind`, a provenance's `kind`: repaired, derived, inferred, secondary) its Dutch label as
    `kind_label`; the code stays, for scripts."""
    # Only into lists and mappings: a build passes some three million values here.
    if isinstance(record, list):
        for item in record:
            if isinstance(item, list | dict):
                with_labels(item)
    elif isinstance(record, dict):
        for key, value in record.items():
            if not isinstance(value, list | dict):
                continue
            if (key == "provenance" or key.endswith("_provenance")) and isinstance(value, dict):
                value["kind_label"] = PROVENANCE_LABELS[value["kind"]]
            else:
                with_labels(value)
    return record


def export_all(corpus: Corpus, documents: list[m.Document] | None = None,
               with_json: bool = True) -> dict[str, bytes]:
    """The downloads of `documents` (by default every document); without `with_json`
    only their CSVs (what the Data Package descriptor describes, register.py)."""
    files: dict[str, bytes] = {}
    for doc in corpus.documents if documents is None else documents:
        if with_json:
            record = document_record(doc)
            # Whether every text and number was checked against the source text (sourcetext.py).
            record["source_text_checked"] = doc.ref in corpus.source_texts
            record = {**record, "kind_label": DOCUMENT_KIND_LABELS[doc.kind]}
            files[urls.document_download(doc)] = _json(with_labels(record))
        for chapter in m.iter_chapters(doc.chapters):
            for table in chapter.tables:
                files[urls.table_download(doc, table, "csv")] = table_csv(doc, table)
                if with_json:
                    files[urls.table_download(doc, table, "json")] = _json(
                        with_labels(table_record(doc, table)))
            for goal in chapter.goals:
                for indicator in goal.indicators:
                    files[urls.indicator_download(doc, indicator, "csv")] = indicator_csv(
                        doc, chapter, goal, indicator)
                    if with_json:
                        files[urls.indicator_download(doc, indicator, "json")] = _json(with_labels(
                            indicator_record(doc, chapter, goal, indicator)))
    return files


def document_record(doc: m.Document) -> dict[str, Any]:
    """The document as in data/, plus each commitment's `current_status`: the last
    reported status, or 'niet-gerapporteerd' without a report (computed, as on the page)."""
    record = doc.model_dump(mode="json", exclude_none=True)

    def walk(chapters: list[dict[str, Any]]) -> None:
        for chapter in chapters:
            for group in chapter["groups"]:
                for c in group["commitments"]:
                    c["current_status"] = c["status"][-1]["status"] if c["status"] else NOT_REPORTED
            walk(chapter["chapters"])

    walk(record["chapters"])
    return record


def indicator_source(doc: m.Document, chapter: m.Chapter) -> str:
    # A chapter may have no printed title: its number, or nothing.
    where = " ".join(part for part in (chapter.number, chapter.title) if part)
    return f"{doc.source.title} ({doc.source.publisher})" + (f", hoofdstuk {where}" if where else "")


def indicator_record(doc: m.Document, chapter: m.Chapter, goal: m.Goal,
                     indicator: m.Indicator) -> dict[str, Any]:
    return {
        "document": doc.ref,
        "goal": goal.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator_source(doc, chapter),
        "points": [p.model_dump(mode="json", exclude_none=True) for p in indicator.points],
        **({"note": indicator.note} if indicator.note else {}),
    }


def indicator_csv(doc: m.Document, chapter: m.Chapter, goal: m.Goal,
                  indicator: m.Indicator) -> bytes:
    unit = f" [{indicator.unit}]" if indicator.unit else ""
    header = ["jaar", "soort", f"waarde{unit}", f"minimum{unit}", f"maximum{unit}",
              "onzeker", "opmerking", "bron"]
    source = indicator_source(doc, chapter)
    rows = [[p.year, p.kind, _plain(p.value), _plain(p.min), _plain(p.max),
             "ja" if p.uncertain else "nee", p.note or "", source] for p in indicator.points]
    # Provenance (evidence.py): a point the editors derived says so in its own column.
    if any(p.provenance for p in indicator.points):
        header.append("herkomst")
        for row, p in zip(rows, indicator.points, strict=True):
            row.append(provenance_text(p.provenance) if p.provenance else "")
    return _csv(header, rows)


def source_line(doc: m.Document, table: m.Table) -> str:
    where = f", {table.source}" if table.source else ""
    page = f", p. {table.page}" if table.page is not None else ""
    return f"{doc.source.title} ({doc.source.publisher}){where}{page}"


def table_record(doc: m.Document, table: m.Table) -> dict[str, Any]:
    return {
        "document": doc.ref,
        "title": table.title,
        "source": source_line(doc, table),
        "row_header": table.row_header,
        "columns": [c.model_dump(mode="json", exclude_none=True) for c in table.columns],
        "rows": [
            {"label": row.label, "total": row.total,
             "values": {c.id: _cell(v) for c, v in zip(table.columns, row.values, strict=True)},
             **({"note": row.note} if row.note else {})}
            for row in table.rows
        ],
        "notes": list(table.notes),
        **({"page": table.page} if table.page is not None else {}),
        **({"provenance": table.provenance.model_dump(mode="json")} if table.provenance else {}),
    }


def _cell(value: m.CellValue) -> Any:
    if isinstance(value, m.Cell):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return value


def table_csv(doc: m.Document, table: m.Table) -> bytes:
    """One row per table row, the header first (no comment line: spreadsheets and
    pandas read it with their defaults). Per column a value; a column that has a
    status (gerealiseerd, prognose...) or uncertain cells gets a companion column with
    that flag for every value; then total row, notes and the source."""
    header = [table.row_header]
    companions: list[tuple[bool, bool, bool]] = []
    for c, col in enumerate(table.columns):
        cells = [row.values[c] for row in table.rows]
        status = bool(col.status) or any(isinstance(v, m.Cell) and v.status for v in cells)
        uncertain = any(isinstance(v, m.Cell) and v.uncertain for v in cells)
        derived = any(isinstance(v, m.Cell) and v.provenance for v in cells)
        companions.append((status, uncertain, derived))
        unit = f" [{col.unit}]" if col.unit else ""
        header.append(f"{col.title}{unit}")
        if status:
            header.append(f"{col.title} status")
        if uncertain:
            header.append(f"{col.title} onzeker")
        if derived:
            header.append(f"{col.title} herkomst")
    header += ["totaalrij", "opmerking", "bron"]
    if table.provenance:
        header.append("herkomst tabel")
    source = source_line(doc, table)
    rows: list[list[Any]] = []
    for row in table.rows:
        values: list[Any] = [row.label]
        notes: list[str] = [row.note] if row.note else []
        for col, cell, (status, uncertain, derived) in zip(table.columns, row.values, companions,
                                                           strict=True):
            cell_status = col.status
            doubt = False
            origin = ""
            if isinstance(cell, m.Cell):
                if cell.value is not None:
                    values.append(cell.value)
                elif cell.min is not None and cell.max is not None:
                    values.append(f"{_plain(cell.min)} tot {_plain(cell.max)}")
                elif cell.min is not None or cell.max is not None:
                    values.append(f"minimaal {_plain(cell.min)}" if cell.min is not None
                                  else f"maximaal {_plain(cell.max)}")
                else:
                    values.append("")
                cell_status = cell.status or col.status
                doubt = cell.uncertain
                if cell.note:
                    notes.append(f"{col.title}: {cell.note}")
                if cell.provenance:
                    origin = PROVENANCE_LABELS[cell.provenance.kind]
                    notes.append(f"{col.title}: {provenance_text(cell.provenance)}")
            else:
                values.append("" if cell is None else cell)
            if status:
                values.append(cell_status or "")
            if uncertain:
                values.append("ja" if doubt else "nee")
            if derived:
                values.append(origin)
        rows.append([*values, "ja" if row.total else "nee", " | ".join(notes), source,
                     *([provenance_text(table.provenance)] if table.provenance else [])])
    return _csv(header, rows)


# A cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection); such text is written with a leading apostrophe, as OWASP advises.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):  # in Dutch, as the yes/no columns of the tables
        return "ja" if value else "nee"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return _plain(value)


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_text(h) for h in header])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _json(data: Any) -> bytes:
    return (jsonindent.dumps(data) + "\n").encode("utf-8")
