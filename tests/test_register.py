# Open data of the whole register (issue 12d): the register CSVs read with pandas'
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

import pandas as pd
import pytest

from generator import model as m
from generator import urls
from generator.export import export_all
from generator.queries import current_status, responsible
from generator.register import (
    COMMITMENTS,
    DATAPACKAGE,
    DOCUMENTS,
    REGISTER,
    SEPARATOR,
    export_register,
)
from generator.validate import load_corpus

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


def _cast(value: str, kind: str) -> object:
    if value == "":  # Table Schema's default missingValues
        return None
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", value), value
        return int(value)
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
            _cast(value, f["type"])
    if "primaryKey" in schema:
        column = rows[0].index(schema["primaryKey"])
        keys = [row[column] for row in rows[1:]]
        assert "" not in keys and len(keys) == len(set(keys))
