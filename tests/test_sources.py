# The fast reading of YAML (one pass over libyaml's events, no positions) must give
# exactly what the careful reading gives, or leave the file to the careful reading.
from __future__ import annotations

from pathlib import Path

import pytest

from generator import sources

ROOT = Path(__file__).resolve().parent.parent


def careful(text: str) -> object:
    source, found = sources._careful_load(text, "x.yaml")
    assert source is not None and not found
    return source.data


@pytest.mark.parametrize("path", sorted((ROOT / "data").rglob("*.yaml")), ids=lambda p: p.name)
def test_fast_reading_equals_careful_reading_on_the_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = sources.fast_load(text)
    assert data is not sources._UNSURE
    assert repr(data) == repr(careful(text))


@pytest.mark.parametrize("text", [
    "a: 1\nb: -0\nc: +5\nd: 1.5\ne: -0.0\nf: .5\ng: 1.5e3\nh: 2023-12-31\n",
    "a: true\nb: false\nc: null\nd: ~\ne:\nf: ''\ng: \"1:30\"\nh: |\n  x\n",
    "a: &x {b: [1, 2]}\nc: *x\nd: &s text\ne: *s\n",
    "- Nieuwbouw\n- nee\n- 'yes'\n- 9007199254740992\n",
])
def test_fast_reading_of_plain_values(text: str) -> None:
    data = sources.fast_load(text)
    assert data is not sources._UNSURE
    assert repr(data) == repr(careful(text))


@pytest.mark.parametrize("text", [
    "a: 1:30\n", "a: 0100\n", "a: 0x1F\n", "a: 25_000\n", "a: yes\n", "a: No\n",
    "a: .nan\n", "a: .inf\n", "a: 1.0e+400\n", "a: 9007199254740993\n",
    "a: 2023-02-30\n", "a: 2023-12-31 10:00:00\n", "a: 1\na: 2\n", "1: a\n", "? [a]\n: b\n",
    "a: !!str x\n", "a: ! x\n", "<<: {a: 1}\n", "a: =\n", "", "# nothing\n", "~\n",
    "a: 1\n---\nb: 2\n", "a: [1\n", "a: &x [*x]\n", "a: *y\n",
    "a: " + "[" * 41 + "]" * 41 + "\n",
    "a: &a [1, 2]\nb: &b [*a, *a]\nc: " + "[" * 38 + "*b" + "]" * 38 + "\n",
])
def test_fast_reading_leaves_doubtful_files_to_the_careful_reading(text: str) -> None:
    assert sources.fast_load(text) is sources._UNSURE


def test_positions_of_a_fast_read_file_come_from_the_careful_reading() -> None:
    source, found = sources.load_text("a:\n  b: [1, 'x']\n", "x.yaml")
    assert source is not None and not found
    assert source.place(("a", "b", 1)) == (2, 10)
    assert source.raw == {("a", "b", 0): "1"}
