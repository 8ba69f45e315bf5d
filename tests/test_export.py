# Open data downloads as their users read them: every table and indicator CSV of
# data/ opens with Python's csv module and with pandas' defaults (header first,
# one column per value, the values of the data), files are named after their
# municipality and document, and no text cell can run as a spreadsheet formula.
from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from generator import model as m
from generator import urls
from generator.evidence import PROVENANCE_LABELS, provenance_text
from generator.export import export_all, table_csv
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = load_corpus(ROOT / "data", ROOT)
FILES = export_all(CORPUS)
TABLES = [(d, t) for d in CORPUS.documents for ch in m.iter_chapters(d.chapters) for t in ch.tables]
INDICATORS = [(d, i) for d in CORPUS.documents for ch in m.iter_chapters(d.chapters)
              for g in ch.goals for i in g.indicators]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _plain_number(cell: m.CellValue) -> float | int | None:
    value = cell.value if isinstance(cell, m.Cell) else cell
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


@pytest.mark.parametrize(("doc", "table"), TABLES, ids=[f"{d.ref}#{t.id}" for d, t in TABLES])
def test_table_csv_reads_with_csv_and_pandas_defaults(doc: m.Document, table: m.Table) -> None:
    data = FILES[urls.table_download(doc, table, "csv")]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header = rows[0]
    assert header[0] == table.row_header
    assert [r[0] for r in rows[1:]] == [r.label for r in table.rows]
    frame = pd.read_csv(io.BytesIO(data))
    assert list(frame.columns) == header
    assert len(frame) == len(table.rows)
    for column_index, column in enumerate(table.columns):
        unit = f" [{column.unit}]" if column.unit else ""
        name = f"{column.title}{unit}"
        assert name in header
        for r, row in enumerate(table.rows):
            expected = _plain_number(row.values[column_index])
            if column.type == "number" and expected is not None:
                assert float(frame[name].iloc[r]) == pytest.approx(expected, rel=0, abs=0)
                assert rows[r + 1][header.index(name)] == str(expected)
        statuses = {c.status for c in [row.values[column_index] for row in table.rows]
                    if isinstance(c, m.Cell)} | {column.status}
        if statuses - {None}:
            # The flag of each value (gerealiseerd / prognose) is in the download too.
            flags = frame[f"{column.title} status"].tolist()
            for row, flag in zip(table.rows, flags, strict=True):
                cell = row.values[column_index]
                own = cell.status if isinstance(cell, m.Cell) and cell.status else column.status
                assert (flag if isinstance(flag, str) else None) == own


@pytest.mark.parametrize(("doc", "indicator"), INDICATORS, ids=[i.id for _, i in INDICATORS])
def test_indicator_csv_reads_with_pandas_defaults(doc: m.Document, indicator: m.Indicator) -> None:
    frame = pd.read_csv(io.BytesIO(FILES[urls.indicator_download(doc, indicator, "csv")]))
    assert frame["jaar"].tolist() == [p.year for p in indicator.points]
    assert frame["soort"].tolist() == [p.kind for p in indicator.points]


def test_download_files_say_where_they_come_from() -> None:
    for path in FILES:
        name = PurePosixPath(path).name
        municipality, _, rest = path.removeprefix(urls.DOWNLOADS + "/").partition("/")
        assert name.startswith(f"{municipality}-"), path
        document = rest.split("/")[0].removesuffix(".json").removeprefix(f"{municipality}-")
        assert name.startswith(f"{municipality}-{document}"), path


def test_no_text_cell_can_run_as_a_formula() -> None:
    doc = CORPUS.documents[0]
    hostile = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB"]
    table = m.Table(
        id="t", title="t", row_header="=kop",
        columns=[m.Column(id="a", title="@a", type="text"), m.Column(id="b", title="b")],
        # The model refuses a tab in a label or cell (fields.py); the CSV is safe all the same.
        rows=[m.Row.model_construct(label=text, values=[text, -5]) for text in hostile])
    rows = list(csv.reader(io.StringIO(table_csv(doc, table).decode("utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c.startswith(FORMULA) and c != "-5"] == []
    assert rows[1][:2] == ["'=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"]
    assert rows[3][2] == "-5"  # a number stays a number


def test_document_json_holds_status_history_and_current_status() -> None:
    import json

    from .conftest import FIXTURE_CORPUS
    corpus = load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)
    doc = corpus.document("testdorp/prestatieafspraken-2026")
    record = json.loads(export_all(corpus)[urls.document_download(doc)])
    saved = record["chapters"][0]["groups"][0]["commitments"]
    assert [c["current_status"] for c in saved] == ["vertraagd", "niet-gerapporteerd",
                                                    "niet-gerapporteerd"]
    assert [e["status"] for e in saved[0]["status"]] == ["op-schema", "vertraagd"]
    assert saved[0]["status"][1] == {"status": "vertraagd", "date": "2026-11-30",
                                     "source": {"title": "Raadsinformatiebrief 12"},
                                     "note": "Het werk begint later; zie [bijlage]."}
    assert saved[1]["status"] == []  # "niet gerapporteerd" is computed, never stored
    assert saved[1]["continues"] == {"document": "testdorp/prestatieafspraken-2023",
                                     "id": "woonborg-huur"}

# --- evidence and provenance (evidence.py) -----------------------------------

@pytest.mark.parametrize(("doc", "table"), TABLES, ids=[f"{d.ref}#{t.id}" for d, t in TABLES])
def test_table_downloads_carry_page_and_provenance(doc: m.Document, table: m.Table) -> None:
    """What the editors derived, repaired or inferred is said in both downloads, per
    value and for the table; the page is in the source line."""
    data = FILES[urls.table_download(doc, table, "csv")]
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    record = json.loads(FILES[urls.table_download(doc, table, "json")])
    if table.page is not None:
        assert record["page"] == table.page
        assert all(s.endswith(f", p. {table.page}") for s in frame["bron"])
    else:
        assert "page" not in record
    if table.provenance:
        assert record["provenance"] == {**table.provenance.model_dump(mode="json"),
                                        "kind_label": PROVENANCE_LABELS[table.provenance.kind]}
        assert set(frame["herkomst tabel"]) == {provenance_text(table.provenance)}
    else:
        assert "provenance" not in record and "herkomst tabel" not in frame.columns
    for c, column in enumerate(table.columns):
        cells = [row.values[c] for row in table.rows]
        kinds = [PROVENANCE_LABELS[v.provenance.kind]
                 if isinstance(v, m.Cell) and v.provenance else "" for v in cells]
        if any(kinds):
            assert frame[f"{column.title} herkomst"].tolist() == kinds
            for r, cell in enumerate(cells):
                if isinstance(cell, m.Cell) and cell.provenance:
                    assert provenance_text(cell.provenance) in frame["opmerking"].iloc[r]
                    json_cell = record["rows"][r]["values"][column.id]
                    assert json_cell["provenance"]["note"] == cell.provenance.note
        else:
            assert f"{column.title} herkomst" not in frame.columns


@pytest.mark.parametrize(("doc", "indicator"), INDICATORS, ids=[i.id for _, i in INDICATORS])
def test_indicator_downloads_carry_provenance(doc: m.Document, indicator: m.Indicator) -> None:
    frame = pd.read_csv(io.BytesIO(FILES[urls.indicator_download(doc, indicator, "csv")]),
                        dtype=str, keep_default_na=False)
    record = json.loads(FILES[urls.indicator_download(doc, indicator, "json")])
    expected = [provenance_text(p.provenance) if p.provenance else "" for p in indicator.points]
    if any(expected):
        assert frame["herkomst"].tolist() == expected
    else:
        assert "herkomst" not in frame.columns
    for point, shown in zip(indicator.points, record["points"], strict=True):
        assert shown.get("provenance") == ({**point.provenance.model_dump(mode="json"),
                                            "kind_label": PROVENANCE_LABELS[point.provenance.kind]}
                                           if point.provenance else None)


def test_json_downloads_give_dutch_labels_beside_the_codes() -> None:
    labelled = 0
    for doc in CORPUS.documents:
        record = json.loads(FILES[urls.document_download(doc)])
        assert record["kind"] == doc.kind
        assert record["kind_label"] in {"kaderafspraken", "jaarafspraken", "meerjarige prestatieafspraken"}

        def walk(value: object) -> None:
            nonlocal labelled
            if isinstance(value, dict):
                for key, item in value.items():
                    if key.endswith("provenance"):
                        assert item["kind_label"] == PROVENANCE_LABELS[item["kind"]]
                        labelled += 1
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
        walk(record)
    assert labelled
