# Open data of the whole register: the register CSVs read with pandas'
# defaults and hold what data/ says, one row per commitment; datapackage.json keeps
# the Frictionless Data Package and Table Schema rules (checked here rule by rule:
# the `frictionless` package pulls about fifteen more packages, requests, typer and
# petl among them, into the test install for one test) and lists every CSV download
# with a schema its file keeps.
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl
import pandas as pd
import pytest

from generator import model as m
from generator import urls
from generator.comparison_views import export_comparisons
from generator.export import export_all
from generator.queries import current_status, responsible
from generator.register import (
    COMMITMENTS,
    DATAPACKAGE,
    DOCUMENTS,
    REGISTER,
    REGISTER_XLSX,
    SEPARATOR,
    export_register,
    register_counts,
    register_rows,
)
from generator.validate import load_corpus
from generator.xlsx import workbook

ROOT = Path(__file__).resolve().parent.parent
CORPUS = load_corpus(ROOT / "data", ROOT)
DOWNLOADS = export_all(CORPUS)
FILES = export_register(CORPUS, DOWNLOADS)
ALL = {**DOWNLOADS, **FILES}
PACKAGE = json.loads(FILES[DATAPACKAGE])

# Table Schema types (https://specs.frictionlessdata.io/table-schema/#types-and-formats)
TABLE_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date",
                      "time", "datetime", "year", "yearmonth", "duration", "geopoint",
                      "geojson", "any"}
NAME = re.compile(r"^[a-z0-9._-]+$")  # package and resource names (Data Package spec)


def _frame(resource_path: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(FILES[resource_path]))


def _commitments() -> list[tuple[m.Document, m.Group, m.Commitment]]:
    return [(d, g, c) for d in CORPUS.documents for ch in m.iter_chapters(d.chapters)
            for g in ch.groups for c in g.commitments]


def test_one_row_per_commitment_with_what_the_data_says() -> None:
    frame = pd.read_csv(io.BytesIO(FILES[COMMITMENTS.csv_path]), dtype=str, keep_default_na=False)
    expected = _commitments()
    assert len(frame) == len(expected)
    for (doc, group, c), (_, row) in zip(expected, frame.iterrows(), strict=True):
        parties = list(dict.fromkeys(responsible(c, group)))
        assert row["document"] == doc.ref and row["id"] == c.id
        assert row["tekst"] == ("'" + c.text if c.text.startswith(("=", "+", "-", "@")) else c.text)
        assert row["nummer"] == (c.number or "")
        assert row["partijen"] == SEPARATOR.join(parties)
        assert row["partij_namen"] == SEPARATOR.join(CORPUS.organisations[p].name for p in parties)
        assert row["status"] == current_status(c)
        assert row["uiterlijk"] == (c.due or "")
        assert row["permalink"] == urls.page_url(urls.document_page(doc)) + "#" + c.id
    assert frame["permalink"].is_unique


def test_open_data_page_counts_the_rows_the_files_hold() -> None:
    # The page counts without making the rows; it must say what the files hold.
    rows = register_rows(CORPUS)
    assert register_counts(CORPUS) == {name: len(table) for name, table in rows.items()}
    assert list(register_counts(CORPUS)) == [r.name for r in REGISTER]
    for resource in REGISTER:
        assert len(pd.read_csv(io.BytesIO(FILES[resource.csv_path]))) == register_counts(CORPUS)[resource.name]


def test_register_json_matches_the_csv() -> None:
    records = json.loads(FILES[COMMITMENTS.json_path])
    frame = pd.read_csv(io.BytesIO(FILES[COMMITMENTS.csv_path]), dtype=str, keep_default_na=False)
    assert [r["permalink"] for r in records] == frame["permalink"].tolist()
    assert all(isinstance(r["partijen"], list) and r["partijen"] for r in records)
    assert [f.name for f in COMMITMENTS.fields] == list(records[0])


def test_every_register_csv_reads_with_pandas_defaults() -> None:
    for resource in REGISTER:
        frame = _frame(resource.csv_path)
        assert list(frame.columns) == [f.name for f in resource.fields]
    documents = _frame(DOCUMENTS.csv_path)
    assert documents["document"].tolist() == [d.ref for d in CORPUS.documents]
    assert documents["begin"].tolist() == [d.period.start for d in CORPUS.documents]
    assert len(_frame("downloads/register/gemeenten.csv")) == len(CORPUS.municipalities)
    assert len(_frame("downloads/register/organisaties.csv")) == len(CORPUS.organisations)
    themes = _frame("downloads/register/themas.csv")
    assert themes["id"].tolist() == list(CORPUS.themes)
    # Every commitment under a themed chapter is counted once, under its nearest theme.
    total = pd.read_csv(io.BytesIO(FILES[COMMITMENTS.csv_path]), dtype=str, keep_default_na=False)
    assert themes["afspraken"].sum() == (total["thema"] != "").sum()


# --- the Data Package descriptor --------------------------------------------

def test_descriptor_follows_the_data_package_rules() -> None:
    assert PACKAGE["profile"] == "tabular-data-package"
    assert NAME.match(PACKAGE["name"])
    assert isinstance(PACKAGE["resources"], list) and PACKAGE["resources"]
    for license_ in PACKAGE["licenses"]:
        assert license_.get("name") or license_.get("path")
        assert NAME.match(license_["name"].lower())
    names = [r["name"] for r in PACKAGE["resources"]]
    assert len(names) == len(set(names))
    for resource in PACKAGE["resources"]:
        assert NAME.match(resource["name"]), resource["name"]
        path = PurePosixPath(resource["path"])
        assert not path.is_absolute() and ".." not in path.parts and "\\" not in resource["path"]
        assert resource["profile"] == "tabular-data-resource"
        assert resource["format"] == "csv" and resource.get("encoding", "utf-8") == "utf-8"
        fields = resource["schema"]["fields"]
        assert fields, resource["name"]
        field_names = [f["name"] for f in fields]
        assert len(field_names) == len(set(field_names)), resource["name"]
        for f in fields:
            assert isinstance(f["name"], str) and f["name"]
            assert f["type"] in TABLE_SCHEMA_TYPES
        if resource["name"] in {r.name for r in REGISTER}:  # described in Dutch and English
            assert all(f["description"] and f["description_en"] for f in fields)
        if "primaryKey" in resource["schema"]:
            keys = resource["schema"]["primaryKey"]
            assert set([keys] if isinstance(keys, str) else keys) <= set(field_names)


def test_descriptor_lists_every_csv_download() -> None:
    listed = {f"{urls.DOWNLOADS}/{r['path']}" for r in PACKAGE["resources"]}
    assert listed == {p for p in ALL if p.endswith(".csv")}


def _cast(value: str, field: dict[str, Any]) -> object:
    kind = field["type"]
    if value == "":  # Table Schema's default missingValues
        return None
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", value), value
        return int(value)
    if kind == "number":
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value
        return float(value)
    if kind == "boolean":
        assert value in field["trueValues"] + field["falseValues"], value
        return value in field["trueValues"]
    if kind == "date":
        return dt.date.fromisoformat(value)
    assert kind == "string"
    return value


@pytest.mark.parametrize("resource", PACKAGE["resources"], ids=lambda r: r["name"])
def test_each_csv_keeps_its_schema(resource: dict[str, object]) -> None:
    schema = resource["schema"]
    assert isinstance(schema, dict)
    data = ALL[f"{urls.DOWNLOADS}/{resource['path']}"].decode("utf-8")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == [f["name"] for f in schema["fields"]]
    for row in rows[1:]:
        assert len(row) == len(rows[0])
        for value, f in zip(row, schema["fields"], strict=True):
            _cast(value, f)
    if "primaryKey" in schema:
        column = rows[0].index(schema["primaryKey"])
        keys = [row[column] for row in rows[1:]]
        assert "" not in keys and len(keys) == len(set(keys))


# --- typed columns, Dutch labels, spreadsheets ---------------------------------

def _resource(path: str) -> dict[str, Any]:
    return next(r for r in PACKAGE["resources"] if f"{urls.DOWNLOADS}/{r['path']}" == path)


def _typed_frame(path: str) -> pd.DataFrame:
    """A download as pandas reads it with the descriptor's types."""
    dtypes: dict[str, Any] = {}
    booleans: dict[str, dict[str, bool]] = {}
    for f in _resource(path)["schema"]["fields"]:
        if f["type"] == "integer":
            dtypes[f["name"]] = "Int64"
        elif f["type"] == "number":
            dtypes[f["name"]] = "Float64"
        elif f["type"] == "boolean":
            booleans[f["name"]] = {**dict.fromkeys(f["trueValues"], True),
                                   **dict.fromkeys(f["falseValues"], False)}
            dtypes[f["name"]] = str
        else:
            dtypes[f["name"]] = str
    frame = pd.read_csv(io.BytesIO(ALL[path]), dtype=dtypes, keep_default_na=False, na_values=[""])
    for f in _resource(path)["schema"]["fields"]:
        if f["type"] == "date":
            frame[f["name"]] = frame[f["name"]].map(dt.date.fromisoformat, na_action="ignore")
    for name, mapping in booleans.items():
        frame[name] = frame[name].map(mapping, na_action="ignore").astype("boolean")
    return frame


def test_number_columns_are_typed_as_numbers() -> None:
    # A table column the data holds as plain numbers is a number in the descriptor.
    checked = 0
    for path, data in DOWNLOADS.items():
        if not path.endswith(".json") or not path.startswith(f"{urls.DOWNLOADS}/") or "rows" not in (
                record := json.loads(data)) or not isinstance(record, dict):
            continue
        fields = {f["name"]: f for f in _resource(path.removesuffix(".json") + ".csv")["schema"]["fields"]}
        for col in record["columns"]:
            cells = [row["values"][col["id"]] for row in record["rows"]]
            values = [c.get("value") if isinstance(c, dict) else c for c in cells]
            ranges = any(isinstance(c, dict) and ("min" in c or "max" in c) for c in cells)
            if col.get("type", "number") != "number" or ranges or all(v is None for v in values):
                continue
            unit = f" [{col['unit']}]" if col.get("unit") else ""
            expected = "integer" if all(isinstance(v, int) for v in values if v is not None) else "number"
            assert fields[f"{col['title']}{unit}"]["type"] == expected, (path, col["id"])
            checked += 1
    assert checked


@pytest.mark.parametrize("path", sorted(p for p in ALL if p.endswith(".csv")))
def test_pandas_reads_every_csv_with_the_descriptor_types(path: str) -> None:
    frame = _typed_frame(path)
    rows = list(csv.reader(io.StringIO(ALL[path].decode("utf-8"))))
    assert list(frame.columns) == rows[0]
    for f in _resource(path)["schema"]["fields"]:
        column = rows[0].index(f["name"])
        read = [None if pd.isna(v) else v for v in frame[f["name"]].tolist()]
        assert read == [_cast(row[column], f) for row in rows[1:]], (path, f["name"])


def test_nummer_is_text_in_the_descriptor_the_files_and_the_guide() -> None:
    field = next(f for f in _resource(COMMITMENTS.csv_path)["schema"]["fields"] if f["name"] == "nummer")
    assert field["type"] == "string" and "1.10" in field["description"]
    frame = _typed_frame(COMMITMENTS.csv_path)
    assert frame["nummer"].dropna().map(type).eq(str).all()
    records = json.loads(FILES[COMMITMENTS.json_path])
    assert all(r["nummer"] is None or isinstance(r["nummer"], str) for r in records)


def test_document_kind_in_dutch_beside_its_code() -> None:
    frame = _frame(DOCUMENTS.csv_path)
    assert frame["soort_code"].tolist() == [d.kind for d in CORPUS.documents]
    assert not set(frame["soort"]) & {"framework", "yearly", "multi-year"}
    assert set(frame["soort"]) <= {"kaderafspraken", "jaarafspraken", "meerjarige prestatieafspraken"}
    fields = {f["name"]: f for f in _resource(DOCUMENTS.csv_path)["schema"]["fields"]}
    assert "yearly" in fields["soort_code"]["description"] and "jaarafspraken" in fields["soort"]["description"]


def test_page_addresses_are_absolute_with_the_site_address() -> None:
    files = export_register(CORPUS, DOWNLOADS, site_url="https://example.org/pa/")
    commitments = pd.read_csv(io.BytesIO(files[COMMITMENTS.csv_path]), dtype=str, keep_default_na=False)
    relative = _frame(COMMITMENTS.csv_path)["permalink"].tolist()
    assert commitments["permalink"].tolist() == ["https://example.org/pa/" + p for p in relative]
    for resource in REGISTER[1:]:
        frame = pd.read_csv(io.BytesIO(files[resource.csv_path]), dtype=str, keep_default_na=False)
        assert frame["pagina"].str.startswith("https://example.org/pa/").all(), resource.name
    assert all(r["permalink"].startswith("https://example.org/pa/")
               for r in json.loads(files[COMMITMENTS.json_path]))


def _sheet_rows(book: bytes, sheet: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(io.BytesIO(book))
    return [list(row) for row in wb[sheet].iter_rows(values_only=True)]


def _as_in_sheet(value: str, f: dict[str, Any]) -> object:
    if value == "":
        return None
    if f["type"] in ("integer", "number"):
        return _cast(value, f)
    return value[1:] if value.startswith(("'=", "'+", "'-", "'@")) else value


def test_spreadsheets_hold_what_the_csvs_hold() -> None:
    books = {p: data for p, data in FILES.items() if p.endswith(".xlsx")}
    sheets = 0
    register = books.pop(REGISTER_XLSX)
    for resource in REGISTER:
        fields = _resource(resource.csv_path)["schema"]["fields"]
        rows = list(csv.reader(io.StringIO(FILES[resource.csv_path].decode("utf-8"))))
        assert _sheet_rows(register, resource.name) == [
            rows[0], *([_as_in_sheet(v, f) for v, f in zip(row, fields, strict=True)] for row in rows[1:])]
        sheets += 1
    for doc in CORPUS.documents:
        tables = [r for r in PACKAGE["resources"] if r["path"].startswith(f"{doc.municipality}/{doc.slug}/")]
        if not tables:
            assert urls.document_tables_xlsx(doc) not in books
            continue
        book = books.pop(urls.document_tables_xlsx(doc))
        for resource in tables:
            fields = resource["schema"]["fields"]
            rows = list(csv.reader(io.StringIO(ALL[f"{urls.DOWNLOADS}/{resource['path']}"].decode("utf-8"))))
            sheet = resource["name"].removeprefix(f"{doc.municipality}-{doc.slug}-")[:31]
            assert _sheet_rows(book, sheet) == [rows[0], *(
                [_as_in_sheet(v, f) for v, f in zip(row, fields, strict=True)] for row in rows[1:])]
            sheets += 1
    assert sheets > len(REGISTER)
    assert export_register(CORPUS, DOWNLOADS)[REGISTER_XLSX] == register  # the same bytes every build


def test_spreadsheet_text_is_never_a_formula() -> None:
    data = "tekst,getal\n'=HYPERLINK(\"http://x\"),3\n'@SUM(A1),-2\nja\u0007,\n".encode()
    book = workbook([("t", data, ["string", "integer"])])
    wb = openpyxl.load_workbook(io.BytesIO(book))
    cells = list(wb["t"].iter_rows(min_row=2))
    assert [(c[0].value, c[0].data_type) for c in cells] == [
        ('=HYPERLINK("http://x")', "s"), ("@SUM(A1)", "s"), ("ja", "s")]
    assert [c[1].value for c in cells] == [3, -2, None]


def test_comparison_pages_are_absolute_with_the_site_address() -> None:
    if not CORPUS.comparables:
        pytest.skip("no comparisons in data/")
    relative, absolute = export_comparisons(CORPUS), export_comparisons(CORPUS, "https://example.org/pa")
    for path in relative:
        if path.endswith(".json"):
            before, after = json.loads(relative[path])["values"], json.loads(absolute[path])["values"]
            assert [f"https://example.org/pa/{v['pagina']}" for v in before] == [v["pagina"] for v in after]


def test_yes_and_no_are_dutch_in_every_csv() -> None:
    for path, data in ALL.items():
        if path.endswith(".csv"):
            cells = {cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row}
            assert not cells & {"True", "False"}, path


def test_a_build_makes_the_open_data_in_parts_as_export_register_makes_it_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The parts run in worker processes (outputs.py), as for a national build.
    from generator import outputs
    from generator.pipeline import Settings, generate
    from generator.queries import Queries

    from .conftest import make_project

    site_url = "https://example.org/pa/"
    monkeypatch.setenv("SITE_URL", site_url)
    monkeypatch.setattr(outputs, "PARALLEL_DOCUMENTS", 1)
    project = make_project(tmp_path / "project", ROOT / "data")
    built = generate(Settings(project)).files
    corpus = load_corpus(project / "data", project)
    downloads = {**export_all(corpus), **export_comparisons(corpus, site_url)}
    whole = {**downloads, **export_register(corpus, downloads, Queries.build(corpus).records, site_url)}
    assert any(path.startswith(f"{urls.DOWNLOADS}/vergelijken/") and path.endswith(".xlsx") for path in whole)
    assert {path: data for path, data in built.items() if path.startswith(f"{urls.DOWNLOADS}/")} == whole
