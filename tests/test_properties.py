# Property-based tests (hypothesis): whatever a maintainer writes, the tool
# either loads and renders it or reports DataError with located messages; it
# never ends in a traceback.
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import DataError
from generator.pages import plan_pages
from generator.render import render_pages
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/corpus"
DOC = "testdorp/prestatieafspraken-2024.yaml"
BASE = yaml.load((FIXTURE / DOC).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=30), st.dates())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += paths(value, (*prefix, i))
    return out


ALL_PATHS = [p for p in paths(BASE) if p]


def apply(doc: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    import copy

    doc = copy.deepcopy(doc)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    else:
        parent[key] = value
    return doc


def load_or_report(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(FIXTURE, data)
        (data / DOC).write_text(text, encoding="utf-8")
        try:
            corpus = load_corpus(data, Path(tmp))
        except DataError as exc:
            assert exc.diagnostics
            for d in exc.diagnostics:
                assert d.file == f"data/{DOC}" and d.message
            return
        render_pages(plan_pages(corpus, ROOT / "content"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(ALL_PATHS), action=st.sampled_from(["delete", "replace"]),
       value=values)
def test_edits_to_a_valid_document_build_or_report(path: tuple[Any, ...], action: str,
                                                   value: Any) -> None:
    edited = apply(BASE, path, action, value)
    load_or_report(yaml.safe_dump(edited, allow_unicode=True))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_text_as_a_data_file_builds_or_reports(text: str) -> None:
    load_or_report(text)


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_text_in_a_text_field_renders(text: str) -> None:
    edited = apply(BASE, ("chapters", 0, "groups", 0, "commitments", 0, "text"), "replace", text)
    load_or_report(yaml.safe_dump(edited, allow_unicode=True))
