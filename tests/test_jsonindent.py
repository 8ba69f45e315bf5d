# The downloads' indented JSON (jsonindent.py) is json.dumps(ensure_ascii=False,
# indent=2), character for character, for any value json.dumps takes.
from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from generator import jsonindent
from generator.export import export_all
from generator.validate import load_corpus

from .conftest import FIXTURE_CORPUS


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


VALUES: list[Any] = [
    {}, [], (), "", 0, -1, 10**30, True, False, None, 1.5, -0.0, 1e16, 1e-7, 0.1 + 0.2,
    float("nan"), float("inf"), -float("inf"),
    "é € 😀 \u2028\u2029 \x00\x1f\x7f \" \\ / \n\r\t\b\f",
    {"a": [], "b": {}, "c": [{}], "d": [[[1, [2, {"e": None}]]]], "f": (1, "2", (3,))},
    {1: "int", 2.5: "float", False: "false", None: "none", "x": Level.HIGH}, {True: "true"},
    [Name("subclass"), Level.HIGH, {Name("k"): Name("v")}],
    {"nested": {"deeper": {"deepest": [1, 2.0, "3", False, None, {"k": []}]}}},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert jsonindent.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("value", [v for v in VALUES if not (isinstance(v, dict) and len({type(k) for k in v}) > 1)],
                         ids=str)
def test_another_indent_and_sorted_keys_as_json_dumps(value: Any) -> None:
    """As write.write_json writes the builder's files (indent 1, keys sorted at every depth)."""
    for indent in (1, 4):
        for sort_keys in (False, True):
            assert jsonindent.dumps(value, indent, sort_keys) == \
                json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    assert jsonindent.dumps({"b": {"d": 1, "c": [{"f": 2, "e": 3}]}, "a": 0}, 1, True) == \
        json.dumps({"b": {"d": 1, "c": [{"f": 2, "e": 3}]}, "a": 0}, indent=1, sort_keys=True)


def test_every_json_download_of_the_fixture_corpus() -> None:
    files = export_all(load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent))
    texts = [data.decode("utf-8") for path, data in files.items() if path.endswith(".json")]
    assert texts
    for text in texts:
        assert jsonindent.dumps(json.loads(text)) + "\n" == text


@pytest.mark.parametrize("value", [{"k": object()}, [{1, 2}], {(1, 2): "tuple key"}, b"bytes"])
def test_what_json_dumps_refuses_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(value, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        jsonindent.dumps(value)
