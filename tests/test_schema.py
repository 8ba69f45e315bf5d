# The published JSON Schema, read by a strict client (check-jsonschema with its
# default settings: ECMA-262 regular expressions): the schema itself is valid, every
# data file passes it, and on a bad input it gives the verdict `check` gives.
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import DataError
from generator.validate import load_corpus

from .conftest import FIXTURE_CORPUS, ROOT

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
SCHEMAS = ROOT / "schema"
REGISTRIES = ("organisations", "themes", "municipalities", "redirects", "comparisons")


def schema_verdict(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_schemas_pass_the_metaschema() -> None:
    result = subprocess.run([CHECK_JSONSCHEMA, "--check-metaschema", *map(str, sorted(SCHEMAS.glob("*.json")))],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("data", [ROOT / "data", FIXTURE_CORPUS], ids=["data", "fixture-corpus"])
def test_every_data_file_passes_its_schema(data: Path) -> None:
    documents = sorted(data.glob("*/*.yaml"))
    assert documents
    result = schema_verdict(SCHEMAS / "document.schema.json", *documents)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in REGISTRIES:
        if (data / f"{name}.yaml").exists():
            result = schema_verdict(SCHEMAS / f"{name}.schema.json", data / f"{name}.yaml")
            assert result.returncode == 0, result.stdout + result.stderr


DOC = "testdorp/prestatieafspraken-2024.yaml"


# (old, new, accepted): one edit of a fixture document, and whether it is valid.
# Only mistakes a single file shows: references to other files are `check`'s alone.
CASES = [
    ('number: "2"', "number: 2", True),  # a printed number written as a whole number
    ('number: "2"', 'number: "2.a"', True),
    ('number: "2"', "number: true", False),
    ('number: "2"', "number: 2.5", False),
    ('number: "1"\n    title', "number: 1\n    title", True),  # a chapter's number
    ("text: Woonborg bouwt 48 woningen.", 'text: ""', False),
    ("due: Q1 2024", "due: Q5 2024", False),
    ("kind: yearly", "kind: jaarlijks", False),
    ("place: Testdorp", "place: Testdorp\n  colour: red", False),  # an unknown field
    ("publisher: Gemeente Testdorp", "publisher: Gemeente Testdorp\n  url: ftp://example.org/a.pdf", False),
    ("publisher: Gemeente Testdorp", "publisher: Gemeente Testdorp\n  url: https://example.org/a.pdf", True),
    ("period: {start: 2024, end: 2024}", 'period: {start: "2024", end: 2024}', False),
    ("{label: Nieuwbouw, value: 48, unit: woningen}", "{label: Nieuwbouw, value: 48, unit: woningen, "
     "provenance: {kind: guessed, note: x}}", False),
]


@pytest.mark.parametrize(("old", "new", "accepted"), CASES)
def test_schema_and_check_agree(corpus_dir: Path, old: str, new: str, accepted: bool) -> None:
    path = corpus_dir / DOC
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    try:
        load_corpus(corpus_dir, corpus_dir.parent)
        check_accepts = True
    except DataError:
        check_accepts = False
    result = schema_verdict(SCHEMAS / "document.schema.json", path)
    assert (check_accepts, result.returncode == 0) == (accepted, accepted), result.stdout

