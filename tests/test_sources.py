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


@pytest.mark.parametrize("text", [
    'a: "Tyn\\x7faarlo"\n', 'a: "\\u202e"\n', 'a: "\\0"\n', 'a: "x\\Ly"\n', 'a: "\\uFFFE"\n',
    '"k\\e": 1\n', "a: " + "x" * (sources.MAX_STRING + 1) + "\n",
])
def test_fast_reading_leaves_escaped_characters_and_long_strings_to_the_careful_reading(
        text: str) -> None:
    assert sources.fast_load(text) is sources._UNSURE
    assert sources.load_text(text, "x.yaml")[1]  # and the careful reading refuses it


def test_every_string_is_checked_for_characters_also_in_a_field_the_model_does_not_know(
        tmp_path: Path) -> None:
    """The check is on the file, not on the model's fields: a field added tomorrow is
    covered. Lines and columns are an editor's: U+2028 does not start a line."""
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nnew_field: [ok, \"Prestatie\u2028afspraken\"]\nb: {c: \"x\u202ey\u200b\"}\n",
                    encoding="utf-8")
    source, found = sources.load_source(path, "x.yaml")
    assert source is None
    assert [str(d) for d in found] == [
        "x.yaml:2:27: new_field[1]: the character U+2028 LINE SEPARATOR (a line break to YAML, "
        "but not to editors and browsers) is not allowed in data files; remove it",
        "x.yaml:3:10: b.c: the character U+202E RIGHT-TO-LEFT OVERRIDE (a bidirectional control: "
        "it changes the order in which text is shown) is not allowed in data files; remove it",
        "x.yaml:3:12: b.c: the character U+200B ZERO WIDTH SPACE (an invisible character) is not "
        "allowed in data files; remove it"]


@pytest.mark.parametrize(("char", "name"), [
    ("\x00", "U+0000 NULL (a control character)"), ("\x1b", "U+001B ESCAPE (a control character)"),
    ("\x7f", "U+007F DELETE (a control character)"), ("\x85", "U+0085 NEXT LINE (a control character)"),
    ("\ufdd0", "U+FDD0 NONCHARACTER (not a character for text)"),
    ("\U0010ffff", "U+10FFFF NONCHARACTER (not a character for text)"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE (a bidirectional control: it changes the order in "
               "which text is shown)"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE (an invisible character)"),
    ("\u2065", "U+2065 UNASSIGNED (an invisible character)"),
])
def test_a_forbidden_character_is_named(char: str, name: str) -> None:
    assert sources._FORBIDDEN.fullmatch(char)
    assert sources.describe_character(char) == name
