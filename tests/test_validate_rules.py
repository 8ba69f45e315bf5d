# Checks of validate.py that hold a document to itself and to the other files: a
# number shown as the data holds it (figures and indicator points follow the rule of
# table cells), lineage within a municipality, a compared column's year, a status
# dated after the build, a kind that fits the period, and parties that had merged
# into another organisation before the document was signed. Each mistake gives a
# message with file, line, column and field, and all of them come at once.
from __future__ import annotations

from pathlib import Path

import pytest

from generator.formatting import amount
from generator.validate import decimals_problem, load_corpus

from .test_validate import DOC, edit, problems

# --- numbers: shown exactly as the data holds them -------------------------------

DUTCH_HINT = "1.177 looks like Dutch notation for 1177: write 1177"


def test_a_figure_refuses_dutch_thousands(corpus_dir: Path) -> None:
    edit(corpus_dir, "{label: Nieuwbouw, value: 48, unit: woningen}",
         "{label: Nieuwbouw, value: 1.177, unit: woningen}")
    assert problems(corpus_dir) == [
        f"{DOC}:41:43: chapters[0].groups[0].commitments[1].figures[0].value: figure "
        f"'Nieuwbouw' holds whole numbers, got 1.177: {DUTCH_HINT}; if it does have "
        "decimals, set 'decimals: 3' on the figure"]


def test_a_figure_with_decimals_is_accepted(corpus_dir: Path) -> None:
    edit(corpus_dir, "{label: Nieuwbouw, value: 48, unit: woningen}",
         "{label: Huurstijging, value: 1.5, unit: '%', decimals: 1}")
    load_corpus(corpus_dir, corpus_dir.parent)


INDICATOR = """    goals:
      - id: doel-1
        text: Betaalbaar wonen.
        indicators:
          - id: voorraad
            name: Sociale huurvoorraad
            unit: woningen
            points:
              - {year: 2024, value: 1.177}
              - {year: 2025, min: 1.5, max: 2}
"""


def test_indicator_points_refuse_what_they_would_round(corpus_dir: Path) -> None:
    edit(corpus_dir, "    groups:\n      - title: Gezamenlijk",
         INDICATOR
         + "    groups:\n      - title: Gezamenlijk")
    found = problems(corpus_dir)
    assert found == [
        f"{DOC}:35:37: chapters[0].goals[0].indicators[0].points[0].value: indicator "
        f"'voorraad' holds whole numbers, got 1.177: {DUTCH_HINT}; if it does have decimals, "
        "set 'decimals: 3' on the indicator",
        f"{DOC}:36:35: chapters[0].goals[0].indicators[0].points[1].min: indicator "
        "'voorraad' holds whole numbers, got 1.5: 1.5 looks like Dutch notation for 1500: "
        "write 1500; if it does have decimals, set 'decimals: 1' on the indicator"]


def test_the_column_rule_is_the_same_rule(corpus_dir: Path) -> None:
    edit(corpus_dir, "values: [3571,", "values: [{min: 1.177, max: 2000},")
    assert problems(corpus_dir) == [
        f"{DOC}:51:40: chapters[0].tables[0].rows[1].values[0]: column 'bijdrage' holds whole "
        f"numbers, got 1.177: {DUTCH_HINT}; if it does have decimals, set 'decimals: 3' on "
        "the column"]


@pytest.mark.parametrize(("value", "decimals", "refused"), [
    (1177, 0, False), (1177.0, 0, False), (1.5, 1, False), (1.34, 2, False), (1.4, 2, False),
    (1.5, 0, True), (1.345, 2, True), (12345.5, 0, True), (-3.5, 0, True),
])
def test_every_accepted_number_shows_as_held(value: float, decimals: int, refused: bool) -> None:
    """What passes the check is shown with every decimal it holds: formatting never
    rounds an accepted value (1.5 with decimals 0 would show "2")."""
    assert (decimals_problem(value, decimals, "figure 'x'") is not None) is refused
    if not refused:
        shown = amount(value, None, decimals).replace(".", "").replace(",", ".")
        assert float(shown) == value


def test_more_decimals_than_shown_names_how_many(corpus_dir: Path) -> None:
    edit(corpus_dir, "{value: 1.34, uncertain: true", "{value: 1.345, uncertain: true")
    assert problems(corpus_dir) == [
        f"{DOC}:51:46: chapters[0].tables[0].rows[1].values[1]: column 'index' shows 2 "
        "decimals, got 1.345, which the site would round; set 'decimals: 3' on the column "
        "to show it as written"]
