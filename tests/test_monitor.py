# `monitor export` and `monitor import` (generator/monitor.py): the yearly monitoring
# round trip on a copy of the fixture corpus, with real .xlsx and .csv files filled
# in as a spreadsheet user would, and a sheet full of mistakes that is refused whole.
from __future__ import annotations

import csv
import datetime as dt
import difflib
import html
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator import cli
from generator.model import Document, StatusEntry, StatusSource
from generator.monitor import insert_statuses, read_date, read_number, targets, yaml_scalar
from generator.pipeline import Settings, build
from generator.sources import forbidden_character, load_text
from generator.validate import load_corpus

from .conftest import serving
from .htmltext import Page
from .test_browser import CHROMIUM, CHROMIUM_ARGS

DOC = "testdorp/prestatieafspraken-2024"
YAML = Path("data/testdorp/prestatieafspraken-2024.yaml")
# The columns of the 2024 fixture's sheet, as a spreadsheet user sees them.
ID, STATUS, DATE, TITLE, URL, NOTE, REALISED = "A", "H", "I", "J", "K", "L", "M"


def run(project: Path, *args: str) -> int:
    return cli.main(["--root", str(project), *args])


def export(project: Path, out: Path) -> Path:
    assert run(project, "monitor", "export", DOC, "--out", str(out)) == 0
    return out / "prestatieafspraken-2024-monitoring.xlsx"


def test_export_writes_a_protected_sheet_with_a_drop_down_and_a_csv(project: Path, tmp_path: Path) -> None:
    xlsx = export(project, tmp_path / "out")
    ws = load_workbook(xlsx)["Monitoring"]
    assert [ws["A1"].value, ws["B1"].value] == ["document", DOC]
    assert [c.value for c in ws[2]] == [
        "id", "nummer", "hoofdstuk", "tekst", "cijfers en indicatoren", "huidige status",
        "datum huidige status", "nieuwe status", "datum nieuwe status", "bron (titel)", "bron (url)",
        "toelichting", "gerealiseerd (woningen)"]
    assert [ws[f"A{r}"].value for r in (3, 4)] == ["afspraak-1", "afspraak-2"]
    assert ws["C4"].value == "1 Betaalbaarheid" and ws["E4"].value == "Nieuwbouw: 48 woningen"
    assert ws["F4"].value == "niet-gerapporteerd"
    # The sheet is protected; only the input columns can be typed in.
    assert ws.protection.sheet
    assert all(ws[f"{c}4"].protection.locked for c in "ABCDEFG")
    assert not any(ws[f"{c}4"].protection.locked for c in "HIJKLM")
    assert ws["M3"].protection.locked  # afspraak-1 has no figure: no realised value
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"niet-gerapporteerd,op-schema,gereed,vertraagd,vervallen"'
    assert str(validation.sqref) == "H3:H4"
    raw = (tmp_path / "out" / "prestatieafspraken-2024-monitoring.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Dutch Excel
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "document;testdorp/prestatieafspraken-2024;Prestatieafspraken 2024"
    assert lines[3].startswith("afspraak-2;2;1 Betaalbaarheid;Woonborg bouwt 48 woningen.;")


def test_data_text_never_becomes_a_formula(project: Path, tmp_path: Path) -> None:
    path = project / YAML
    path.write_text(path.read_text(encoding="utf-8").replace(
        "text: Woonborg bouwt 48 woningen.", 'text: "=HYPERLINK(\\"https://x.nl\\")"'), encoding="utf-8")
    xlsx = export(project, tmp_path / "out")
    cell = load_workbook(xlsx)["Monitoring"]["D4"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("https://x.nl")'
    text = (tmp_path / "out" / "prestatieafspraken-2024-monitoring.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[3][3] == "'=HYPERLINK(\"https://x.nl\")"  # the quote keeps it text


def fill(xlsx: Path, rows: dict[int, dict[str, object]], extra_header: dict[str, str] | None = None) -> Path:
    """Type into the sheet as a spreadsheet user would (openpyxl ignores the protection)."""
    wb = load_workbook(xlsx)
    ws = wb["Monitoring"]
    for column, header in (extra_header or {}).items():
        ws[f"{column}2"] = header
    for row, cells in rows.items():
        for column, value in cells.items():
            ws[f"{column}{row}"] = value
    out = xlsx.with_name("ingevuld.xlsx")
    wb.save(out)
    return out


def with_comments(project: Path) -> str:
    """The fixture document with comments a maintainer wrote, which the import keeps."""
    path = project / YAML
    text = path.read_text(encoding="utf-8")
    text = text.replace("          - id: afspraak-2\n",
                        "          # Afspraak 2 staat op p. 4 van de bron.\n          - id: afspraak-2\n")
    text = text.replace("due: Q1 2024\n", "due: Q1 2024  # zo in de bron\n")
    path.write_text(text, encoding="utf-8")
    return text


@pytest.mark.slow
@pytest.mark.browser
def test_round_trip_from_a_filled_in_xlsx_to_the_page(project: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = with_comments(project)
    filled = fill(export(project, tmp_path / "out"), {
        3: {STATUS: "gereed", DATE: dt.datetime(2024, 4, 2), TITLE: "Monitor prestatieafspraken 2024",
            URL: "https://www.testdorp.nl/monitor-2024.pdf"},
        4: {STATUS: "op-schema", DATE: "1-7-2025", TITLE: "Raadsinformatiebrief monitor 2025",
            NOTE: "De bouw loopt: 'fase 1' is klaar.", REALISED: 40},
    })
    capsys.readouterr()
    assert run(project, "monitor", "import", str(filled)) == 0
    out = capsys.readouterr().out
    after = (project / YAML).read_text(encoding="utf-8")
    # Only lines were inserted: every line of the file, comments included, is still there.
    ops = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
    assert {op for op, *_ in ops} == {"equal", "insert"}
    inserted = [line for op, _, _, j1, j2 in ops if op == "insert" for line in after.splitlines()[j1:j2]]
    assert inserted == [
        "            status:",
        "              - status: gereed",
        "                date: 2024-04-02",
        "                source: {title: Monitor prestatieafspraken 2024, url: \"https://www.testdorp.nl/monitor-2024.pdf\"}",
        "            status:",
        "              - status: op-schema",
        "                date: 2025-07-01",
        "                source: {title: Raadsinformatiebrief monitor 2025}",
        "                note: \"De bouw loopt: 'fase 1' is klaar. Gerealiseerd: 40 woningen.\"",
    ]
    assert "+            status:" in out and "recorded 2 new statuses in data/testdorp/" in out
    # The data is valid as imported, and a second import of the same sheet adds nothing.
    assert run(project, "check") == 0
    assert run(project, "monitor", "import", str(filled)) == 0
    assert (project / YAML).read_text(encoding="utf-8") == after

    site = project / "site"
    build(Settings(project), site)
    from playwright.sync_api import sync_playwright

    with serving(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "gemeenten/testdorp/prestatieafspraken-2024/")
        first = page.locator("div.commitment:has(#afspraak-1) .commitment-status").inner_text()
        second = page.locator("div.commitment:has(#afspraak-2) .commitment-status").inner_text()
        link = page.get_by_role("link", name="Monitor prestatieafspraken 2024").get_attribute("href")
        browser.close()
    assert "Status: gereed (2 april 2024; bron: Monitor prestatieafspraken 2024)" in first
    assert link == "https://www.testdorp.nl/monitor-2024.pdf"
    assert ("Status: op schema (1 juli 2025; bron: Raadsinformatiebrief monitor 2025; De bouw "
            "loopt: 'fase 1' is klaar. Gerealiseerd: 40 woningen.)") in second
    # The counts and lists elsewhere read the same statuses.
    assert "op schema: 1 · gereed: 1" in Page((site / "gemeenten/testdorp/2024/index.html").read_text()).text
    register = (site / "downloads/register/afspraken.csv").read_text(encoding="utf-8-sig")
    assert any("afspraak-2" in line and "op-schema" in line for line in register.splitlines())
    feed = (site / "feeds/gemeenten/testdorp.xml").read_text(encoding="utf-8")
    # The feed entry is titled with the commitment's citation (records.py), computed.
    from generator.queries import Queries
    corpus = load_corpus(project / "data", project)
    record = next(r for r in Queries.build(corpus).records_of(corpus.document(DOC)) if r.id == "afspraak-2")
    assert html.escape(f"{record.citation.title} is op schema") in feed


def test_every_problem_of_a_sheet_is_reported_and_nothing_is_written(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / YAML
    path.write_text(path.read_text(encoding="utf-8").replace("due: Q1 2024\n", (
        "due: Q1 2024\n"
        "            status:\n"
        "              - {status: op-schema, date: 2024-03-01, source: {title: Monitor Q1}}\n")),
        encoding="utf-8")
    before = path.read_bytes()
    xlsx = export(project, tmp_path / "out")
    filled = fill(xlsx, {
        3: {STATUS: "klaar", DATE: dt.datetime(2024, 1, 15), URL: "www.testdorp.nl"},
        4: {STATUS: "gereed", DATE: "31-2-2025", TITLE: "Monitor 2025", REALISED: "40%", "N": 12},
        5: {ID: "afspraak-99", STATUS: "gereed", DATE: "2025-07-01", TITLE: "Monitor 2025"},
        6: {ID: "afspraak-2", DATE: dt.date(2025, 7, 1), TITLE: "Monitor 2025"},
    }, extra_header={"N": "gerealiseerd (%)"})
    capsys.readouterr()
    assert run(project, "monitor", "import", str(filled)) == 1
    err = capsys.readouterr().err
    sheet = f"{filled}:"
    expected = [
        "3:8: sheet 'Monitoring', row 3, column H 'nieuwe status': 'klaar' is not a status; choose "
        "one of niet-gerapporteerd, op-schema, gereed, vertraagd, vervallen",
        "3:9: sheet 'Monitoring', row 3, column I 'datum nieuwe status': 2024-01-15 is before the "
        "current status (op-schema, 2024-03-01)",
        "3:10: sheet 'Monitoring', row 3, column J 'bron (titel)': the source is missing",
        "3:11: sheet 'Monitoring', row 3, column K 'bron (url)': 'www.testdorp.nl' is not a web address",
        "4:9: sheet 'Monitoring', row 4, column I 'datum nieuwe status': '31-2-2025' cannot be read as a date",
        "4:13: sheet 'Monitoring', row 4, column M 'gerealiseerd (woningen)': '40%' is in %, but this "
        "column is for values in woningen",
        "4:14: sheet 'Monitoring', row 4, column N 'gerealiseerd (%)': wrong unit: this commitment has "
        "no figure or indicator in % (its units: woningen)",
        "5:1: sheet 'Monitoring', row 5, column A 'id': unknown id 'afspraak-99': no commitment of "
        "testdorp/prestatieafspraken-2024 has it",
        "6:1: sheet 'Monitoring', row 6, column A 'id': 'afspraak-2' has a row already (row 4)",
    ]
    lines = err.splitlines()
    for message in expected:
        assert any(line.startswith(sheet + message) for line in lines), message
    assert lines[-1] == f"{len(expected)} problems found."
    assert path.read_bytes() == before


def test_a_csv_saved_by_dutch_excel_imports(project: Path, tmp_path: Path) -> None:
    export(project, tmp_path / "out")
    csv_path = tmp_path / "out" / "prestatieafspraken-2024-monitoring.csv"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(";")
    cells[7:13] = ["Gereed", "30-6-2025", "Monitor 2025", "", "Opgeleverd.", "1.048"]
    lines[3] = ";".join(cells)
    csv_path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    assert run(project, "monitor", "import", str(csv_path)) == 0
    corpus = load_corpus(project / "data", project)
    (commitment,) = [c for ch in corpus.document(DOC).chapters for g in ch.groups
                     for c in g.commitments if c.id == "afspraak-2"]
    (entry,) = commitment.status
    assert (entry.status, entry.date, entry.source.title, entry.note) == (
        "gereed", dt.date(2025, 6, 30), "Monitor 2025", "Opgeleverd. Gerealiseerd: 1.048 woningen.")


@pytest.mark.parametrize(("value", "unit", "percent", "expected"), [
    (40, "woningen", False, (40, "")),
    (40.0, "woningen", False, (40, "")),
    ("1.048", "woningen", False, (1048, "")),
    ("12,5", "%", False, (12.5, "")),
    ("12,5%", "%", False, (12.5, "")),
    (0.455, "%", True, (45.5, "")),  # a cell formatted as a percentage
    ("€ 38.067", "EUR", False, (38067, "")),
    ("40 woningen", "woningen", False, (40, "")),
    ("veertig", "woningen", False, (None, "'veertig' is not a number")),
    ("12.5", "%", False, (None, "'12.5' is not a Dutch number: write 12,5 (a comma for decimals) "
                                "or enter it as a number")),
])
def test_read_number(value: object, unit: str, percent: bool, expected: tuple[object, str]) -> None:
    number, why = read_number(value, unit, percent)
    assert (number, why[:len(expected[1])]) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2025, 7, 1), dt.date(2025, 7, 1)),
    ("2025-07-01", dt.date(2025, 7, 1)),
    ("1-7-2025", dt.date(2025, 7, 1)),
    ("01/07/2025", dt.date(2025, 7, 1)),
    ("31-2-2025", None),
    ("juli 2025", None),
    (45839, None),  # a date typed in a cell formatted as a number
])
def test_read_date(value: object, expected: dt.date | None) -> None:
    assert read_date(value) == expected


def test_a_status_can_be_inserted_after_every_commitment_in_data() -> None:
    """Every commitment of every data file takes a new status as inserted lines, whatever
    the shape of the YAML around it (insert_statuses reads both texts back and refuses
    any other change)."""
    root = Path(__file__).resolve().parent.parent
    corpus = load_corpus(root / "data", root)
    entry = StatusEntry(status="gereed", date=dt.date(2025, 7, 1),
                        source=StatusSource(title="Monitor 2025: deel 1, #2", url="https://x.nl/a?b=1"),
                        note="Klaar.\nGerealiseerd: 1.048 woningen.")
    for doc in corpus.documents:
        rows = targets(corpus, doc)
        text = (root / corpus.files[doc.ref]).read_text(encoding="utf-8")
        new = insert_statuses(text, corpus.files[doc.ref], [(t.loc, entry) for t in rows])
        source, problems = load_text(new, corpus.files[doc.ref])
        assert source is not None and problems == []
        after = Document.model_validate(source.data)
        assert [[*t.commitment.status, entry] for t in rows] == [
            t.commitment.status for t in targets(corpus, after)]


# Any text the data format allows (a character it refuses is reported at its cell).
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1)
       .filter(lambda t: forbidden_character(t) is None))
def test_any_text_from_a_cell_is_written_as_yaml_that_reads_back_the_same(text: str) -> None:
    for written in (f"k: {yaml_scalar(text)}\n", f"k: [{{title: {yaml_scalar(text)}}}]\n"):
        source, problems = load_text(written, "x.yaml")
        assert problems == [] and source is not None
        assert source.data["k"] in (text, [{"title": text}])


def test_a_character_the_data_refuses_is_reported_at_its_cell(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / YAML
    before = path.read_bytes()
    filled = fill(export(project, tmp_path / "out"), {
        3: {STATUS: "gereed", DATE: "2025-07-01", TITLE: "Monitor\u202e 2025"}})
    capsys.readouterr()
    assert run(project, "monitor", "import", str(filled)) == 1
    err = capsys.readouterr().err
    assert (f"{filled}:3:10: sheet 'Monitoring', row 3, column J 'bron (titel)': the character "
            "U+202E RIGHT-TO-LEFT OVERRIDE") in err
    assert path.read_bytes() == before
