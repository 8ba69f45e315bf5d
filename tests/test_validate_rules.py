# Checks of validate.py that hold a document to itself and to the other files: a
# number shown as the data holds it (figures and indicator points follow the rule of
# table cells), lineage within a municipality, a compared column's year, a status
# dated after the build, a kind that fits the period, and parties that had merged
# into another organisation before the document was signed. Each mistake gives a
# message with file, line, column and field, and all of them come at once.
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import validate
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


# --- cross-checks: lineage, compared years, statuses, kind, merged parties -------

DOC_2026 = "data/testdorp/prestatieafspraken-2026.yaml"
BUURDORP = """municipality: buurdorp
slug: prestatieafspraken-2023
kind: yearly
title: Prestatieafspraken 2023
period: {start: 2023, end: 2023}
source: {title: Prestatieafspraken 2023 Buurdorp, publisher: Gemeente Buurdorp}
parties: [gemeente-buurdorp, woonborg]
chapters:
  - id: wonen
    groups:
      - actors: [woonborg]
        commitments:
          - {id: afspraak-1, text: Woonborg isoleert 20 woningen.}
"""


def _add_buurdorp(corpus_dir: Path, merged: bool) -> None:
    (corpus_dir / "buurdorp").mkdir()
    (corpus_dir / "buurdorp/prestatieafspraken-2023.yaml").write_text(BUURDORP, encoding="utf-8")
    edit(corpus_dir, "municipalities:\n", "municipalities:\n"
         "  - {id: buurdorp, cbs_code: GM9998, name: Buurdorp}\n", file="municipalities.yaml")
    if merged:
        edit(corpus_dir, "name: Testdorp}", "name: Testdorp, merged_from: [buurdorp]}",
             file="municipalities.yaml")
    edit(corpus_dir, "organisations:\n", "organisations:\n  - {id: gemeente-buurdorp, kind: "
         "gemeente, name: Gemeente Buurdorp, short_name: Gemeente Buurdorp}\n",
         file="organisations.yaml")
    edit(corpus_dir, "{document: testdorp/prestatieafspraken-2023, id: woonborg-huur}",
         "{document: buurdorp/prestatieafspraken-2023, id: afspraak-1}",
         file="testdorp/prestatieafspraken-2026.yaml")


def test_continues_stays_within_the_municipality(corpus_dir: Path) -> None:
    _add_buurdorp(corpus_dir, merged=False)
    assert problems(corpus_dir) == [
        f"{DOC_2026}:38:35: chapters[0].groups[0].commitments[1].continues.document: "
        "'buurdorp/prestatieafspraken-2023' is a document of 'buurdorp', not of 'testdorp': a "
        "commitment continues one of its own municipality; if 'testdorp' was formed from "
        "'buurdorp', say so in data/municipalities.yaml (merged_from: [buurdorp])"]


def test_continues_into_a_municipality_merged_into_this_one(corpus_dir: Path) -> None:
    _add_buurdorp(corpus_dir, merged=True)
    load_corpus(corpus_dir, corpus_dir.parent)
    edit(corpus_dir, "merged_from: [buurdorp]", "merged_from: [buurdrop, testdorp]",
         file="municipalities.yaml")
    found = problems(corpus_dir)
    assert found[:2] == [
        "data/municipalities.yaml:3:68: municipalities[1].merged_from[0]: unknown "
        "municipality 'buurdrop' (did you mean 'buurdorp'?)",
        "data/municipalities.yaml:3:78: municipalities[1].merged_from[1]: 'testdorp' cannot "
        "be formed from itself"]


def test_compare_year_is_the_column_year(corpus_dir: Path) -> None:
    (corpus_dir / "comparisons.yaml").write_text(
        "comparisons:\n  - {id: bijdragen, name: Bijdragen, unit: EUR, description: Per jaar.}\n",
        encoding="utf-8")
    edit(corpus_dir, "{id: bijdrage, title: Bijdrage, unit: EUR}",
         "{id: bijdrage, title: Bijdrage 2025, unit: EUR, compare: {id: bijdragen, year: 2031}}")
    assert problems(corpus_dir) == [
        f"{DOC}:47:92: chapters[0].tables[0].columns[0].compare.year: 'compare' is for 2031, "
        "but column 'bijdrage' is titled 'Bijdrage 2025' (2025); give the year the column is "
        "for (year: 2025)"]
    edit(corpus_dir, "year: 2031", "year: 2025")
    load_corpus(corpus_dir, corpus_dir.parent)
    # Without 'year' a one-year document gives its own year: wrong for a column of 2030.
    edit(corpus_dir, "title: Bijdrage 2025, unit: EUR, compare: {id: bijdragen, year: 2025}",
         "title: Prognose eind 2030, unit: EUR, compare: {id: bijdragen}")
    assert problems(corpus_dir) == [
        f"{DOC}:47:75: chapters[0].tables[0].columns[0].compare: 'compare' takes the document's "
        "year 2024, but column 'bijdrage' is titled 'Prognose eind 2030' (2030); give the year "
        "the column is for (year: 2030)"]


def test_a_status_dated_after_the_build_is_refused(corpus_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    edit(corpus_dir, "date: 2026-11-30", "date: 2099-01-01",
         file="testdorp/prestatieafspraken-2026.yaml")
    assert problems(corpus_dir) == [
        f"{DOC_2026}:32:23: chapters[0].groups[0].commitments[0].status[1].date: the status is "
        f"dated 2099-01-01, after today ({dt.datetime.now(dt.UTC).date()}, UTC); "
        "a status is a report that exists: give the date of the report"]
    # Judged by the day of the run, not by SOURCE_DATE_EPOCH (the builder's date for
    # the sitemap, the last commit's): a report dated today is accepted before it is committed.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    edit(corpus_dir, "date: 2099-01-01", f"date: {dt.datetime.now(dt.UTC).date()}",
         file="testdorp/prestatieafspraken-2026.yaml")
    load_corpus(corpus_dir, corpus_dir.parent)
    monkeypatch.setattr(validate, "build_date", lambda: dt.date(2026, 7, 1))
    assert [p.split(": ", 2)[1] for p in problems(corpus_dir)] == [
        "chapters[0].groups[0].commitments[0].status[1].date"]


def test_a_yearly_document_covers_one_year(corpus_dir: Path) -> None:
    edit(corpus_dir, "kind: multi-year", "kind: yearly", file="testdorp/prestatieafspraken-2025-2028.yaml")
    assert problems(corpus_dir) == [
        "data/testdorp/prestatieafspraken-2025-2028.yaml:6:7: kind: a yearly document covers "
        "one year, this one 2025-2028; write kind: multi-year (agreements for several years), "
        "or the period as printed"]


def test_a_party_that_had_merged_is_reported_with_its_successor(corpus_dir: Path) -> None:
    # Woonstichting Oost went over into Woonborg on 2023-07-01; the 2024 document is
    # signed on 2023-12-07, and every place it names the old corporation is reported.
    edit(corpus_dir, "parties: [gemeente-testdorp, woonborg, ah-woon]",
         "parties: [gemeente-testdorp, woonborg, ah-woon, woonstichting-oost]")
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonstichting-oost]")
    edit(corpus_dir, "organisation: gemeente-testdorp}",
         "organisation: gemeente-testdorp}\n    - {person: B. Directeur, role: Directeur, "
         "organisation: het-westerhuis}")
    merged = "merged into 'woonborg' on 2023-07-01, before this document was signed (2023-12-07)"
    assert problems(corpus_dir) == [
        f"{DOC}:9:49: parties[3]: 'woonstichting-oost' {merged}; name its successor 'woonborg' here",
        f"{DOC}:15:61: signing.signatories[1].organisation: 'het-westerhuis' {merged}; name its "
        "successor 'woonborg' here",
        f"{DOC}:40:23: chapters[0].groups[0].commitments[1].parties[0]: 'woonstichting-oost' "
        f"{merged}; name its successor 'woonborg' here"]


def test_a_party_of_a_period_after_the_merger_without_signing_date(corpus_dir: Path) -> None:
    # The 2023 document names Woonstichting Oost and has no signing date: its period
    # began before the merger, so it stands; moved to 2024 it would not.
    load_corpus(corpus_dir, corpus_dir.parent)
    file = "testdorp/prestatieafspraken-2023.yaml"
    edit(corpus_dir, "period: {start: 2023, end: 2023}", "period: {start: 2024, end: 2024}", file=file)
    found = [p for p in problems(corpus_dir) if "woonstichting-oost' merged" in p]
    assert found and all(p.endswith("before this document's period began (2024); name its "
                                    "successor 'woonborg' here, or, if the document was signed "
                                    "before that day, give signing.date") for p in found)
    # A merger on the first day of the period: the document may well be signed before it.
    edit(corpus_dir, "date: 2023-07-01", "date: 2024-01-01", file="organisations.yaml")
    edit(corpus_dir, "successor: {id: woonborg, date: 2023-07-01, event: fusie}",
         "successor: {id: woonborg, date: 2024-01-01, event: fusie}", file="organisations.yaml")
    load_corpus(corpus_dir, corpus_dir.parent)


def test_every_number_in_data_is_shown_as_held() -> None:
    """Invariant of any valid data set: what `check` accepts, the page shows with every
    decimal it holds (figures, indicator points, table cells and ranges)."""
    from generator import model as m

    from .conftest import ROOT

    corpus = load_corpus(ROOT / "data", ROOT)
    shown: list[tuple[float, str]] = []
    for doc in corpus.documents:
        for chapter in m.iter_chapters(doc.chapters):
            for group in chapter.groups:
                for c in group.commitments:
                    shown += [(f.value, amount(f.value, None, f.decimals)) for f in c.figures]
            for goal in chapter.goals:
                for ind in goal.indicators:
                    shown += [(v, amount(v, None, ind.decimals)) for p in ind.points
                              for v in (p.value, p.min, p.max) if v is not None]
            for table in chapter.tables:
                for row in table.rows:
                    for column, cell in zip(table.columns, row.values, strict=True):
                        values = [cell.value, cell.min, cell.max] if isinstance(cell, m.Cell) else [cell]
                        shown += [(v, amount(v, None, column.decimals)) for v in values
                                  if isinstance(v, int | float) and not isinstance(v, bool)]
    assert shown
    for value, text in shown:
        assert float(text.replace(".", "").replace(",", ".")) == value, (value, text)


def test_more_decimals_than_the_site_can_show_says_so() -> None:
    assert decimals_problem(0.123456, 2, "column 'x'") == (
        "column 'x' shows 2 decimals, got 0.123456; the site shows at most 4 decimals: write "
        "the value as the document prints it")


def test_every_contradiction_is_reported_in_one_run(corpus_dir: Path) -> None:
    edit(corpus_dir, "{label: Nieuwbouw, value: 48, unit: woningen}",
         "{label: Nieuwbouw, value: 1.177, unit: woningen}")
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonstichting-oost]")
    edit(corpus_dir, "date: 2026-11-30", "date: 2099-01-01", file="testdorp/prestatieafspraken-2026.yaml")
    edit(corpus_dir, "kind: multi-year", "kind: yearly", file="testdorp/prestatieafspraken-2025-2028.yaml")
    found = problems(corpus_dir)
    assert [p.split(": ", 2)[1] for p in found] == [
        "chapters[0].groups[0].commitments[1].parties[0]",  # not a party of the document
        "chapters[0].groups[0].commitments[1].parties[0]",  # and merged before the signing
        "chapters[0].groups[0].commitments[1].figures[0].value",
        "kind",
        "chapters[0].groups[0].commitments[0].status[1].date"]
    assert "merged into 'woonborg'" in found[1]


# --- a merger date the source gives only to the month or the year ------------------

ORGS_FILE = "organisations.yaml"
PRE_OOST = "{id: woonstichting-oost, date: 2023-07-01, event: fusie}"
SUCC_OOST = "successor: {id: woonborg, date: 2023-07-01, event: fusie}"


def _merged_in(corpus_dir: Path, date: str, note: str | None = 'date_note: "Jaarverslag 2023"') -> None:
    """Woonstichting Oost went over into Woonborg on `date` (as written in YAML), on both records."""
    extra = f", {note}" if note else ""
    edit(corpus_dir, PRE_OOST, f"{{id: woonstichting-oost, date: {date}, event: fusie{extra}}}", file=ORGS_FILE)
    edit(corpus_dir, SUCC_OOST, f"successor: {{id: woonborg, date: {date}, event: fusie{extra}}}",
         file=ORGS_FILE)


def _names_oost(corpus_dir: Path) -> None:
    """The 2024 document (signed 2023-12-07) names Woonstichting Oost as a commitment's party."""
    edit(corpus_dir, "parties: [gemeente-testdorp, woonborg, ah-woon]",
         "parties: [gemeente-testdorp, woonborg, ah-woon, woonstichting-oost]")
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonstichting-oost]")


def test_a_merger_date_may_be_a_month_or_a_year_with_a_note(corpus_dir: Path) -> None:
    _merged_in(corpus_dir, '"2023-07"')
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    assert corpus.organisations["woonborg"].predecessors[0].date == "2023-07"
    assert corpus.organisations["woonstichting-oost"].successor.date == "2023-07"  # type: ignore[union-attr]
    assert corpus.notes == []


def test_a_month_or_a_year_without_date_note_is_refused_on_each_record(corpus_dir: Path) -> None:
    _merged_in(corpus_dir, "2023", note=None)
    assert problems(corpus_dir) == [
        f"data/{ORGS_FILE}:3:128: organisations[1].predecessors[0].date: the date 2023 gives only "
        "the year: add date_note saying where it comes from (the source that gives the year and "
        "not the day)",
        f"data/{ORGS_FILE}:12:37: organisations[4].successor.date: the date 2023 gives only the "
        "year: add date_note saying where it comes from (the source that gives the year and not "
        "the day)"]


FORMS = 'expected a date written YYYY-MM-DD (e.g. 2023-07-01), a month ("2023-07") or a year (2023)'


@pytest.mark.parametrize(("date", "expected"), [
    ('"2023-13"', f"{FORMS} (got '2023-13')"),
    ("juli 2023", f"{FORMS} (got 'juli 2023')"),
    ("20230", f"{FORMS}; a year is between 1900 and 2100 (got 20230)"),
    ('"2023-07-01"', "write the date without quotes: 2023-07-01 (got '2023-07-01')"),
    ('"2023"', "write the year without quotes: 2023 (got '2023')"),
])
def test_a_merger_date_in_another_form_is_refused(corpus_dir: Path, date: str, expected: str) -> None:
    edit(corpus_dir, SUCC_OOST, f"successor: {{id: woonborg, date: {date}, event: fusie}}", file=ORGS_FILE)
    assert problems(corpus_dir) == [f"data/{ORGS_FILE}:12:37: organisations[4].successor.date: {expected}"]


def test_both_records_of_a_partial_date_must_agree(corpus_dir: Path) -> None:
    _merged_in(corpus_dir, '"2023-07"')
    edit(corpus_dir, SUCC_OOST.replace("2023-07-01", '"2023-07"')[:-1] + ', date_note: "Jaarverslag 2023"}',
         'successor: {id: woonborg, date: 2023, event: fusie, date_note: "Jaarverslag 2023"}', file=ORGS_FILE)
    assert problems(corpus_dir) == [
        f"data/{ORGS_FILE}:3:102: organisations[1].predecessors[0].id: 'woonstichting-oost' names "
        "'woonborg' as successor in 2023 (fusie), but here it is 2023-07 (fusie); the two records "
        "must agree"]


def test_both_records_carry_the_same_date_note(corpus_dir: Path) -> None:
    _merged_in(corpus_dir, '"2023-07"')
    edit(corpus_dir, 'event: fusie, date_note: "Jaarverslag 2023"}\n  - id: het-westerhuis',
         'event: fusie, date_note: "Persbericht"}\n  - id: het-westerhuis', file=ORGS_FILE)
    assert problems(corpus_dir) == [
        f"data/{ORGS_FILE}:3:102: organisations[1].predecessors[0].id: 'woonstichting-oost' names "
        "'woonborg' as successor with date_note 'Persbericht', but here it is 'Jaarverslag 2023'; "
        "the two records must agree"]


def test_a_missing_record_is_suggested_with_the_partial_date_quoted(corpus_dir: Path) -> None:
    _merged_in(corpus_dir, '"2023-07"')
    edit(corpus_dir, '    successor: {id: woonborg, date: "2023-07", event: fusie, date_note: "Jaarverslag 2023"}\n',
         "", file=ORGS_FILE)
    assert problems(corpus_dir) == [
        f"data/{ORGS_FILE}:3:102: organisations[1].predecessors[0].id: 'woonstichting-oost' is listed "
        "as a predecessor, but its own record names no successor; add to 'woonstichting-oost': "
        'successor: {id: woonborg, date: "2023-07", event: fusie, date_note: "Jaarverslag 2023"}']


def test_a_party_merged_in_a_month_before_the_signing_is_reported(corpus_dir: Path) -> None:
    # July 2023 ended before the signing on 2023-12-07: certainly merged.
    _merged_in(corpus_dir, '"2023-07"')
    _names_oost(corpus_dir)
    merged = "merged into 'woonborg' in 2023-07, before this document was signed (2023-12-07)"
    assert problems(corpus_dir) == [
        f"{DOC}:9:49: parties[3]: 'woonstichting-oost' {merged}; name its successor 'woonborg' here",
        f"{DOC}:39:23: chapters[0].groups[0].commitments[1].parties[0]: 'woonstichting-oost' "
        f"{merged}; name its successor 'woonborg' here"]


@pytest.mark.parametrize("date", ["2023", '"2023-12"'])
def test_a_signing_inside_the_merger_month_or_year_is_a_note_not_a_problem(
        corpus_dir: Path, date: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Signed 2023-12-07, merged "in 2023" or "in December 2023": either may be first.
    _merged_in(corpus_dir, date)
    _names_oost(corpus_dir)
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    shown = date.strip('"')
    note = (": cannot tell whether 'woonstichting-oost' still existed when this document was "
            f"signed (2023-12-07): it merged into 'woonborg' in {shown}, and the date names no "
            "day; if the source gives the day, write it in data/organisations.yaml")
    assert [str(n) for n in corpus.notes] == [
        f"{DOC}:9:49: parties[3]{note}",
        f"{DOC}:39:23: chapters[0].groups[0].commitments[1].parties[0]{note}"]
    from generator.cli import main

    assert main(["--root", str(corpus_dir.parent), "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK: ") and out[1:] == [f"note: {n}" for n in corpus.notes]


def test_a_partial_merger_date_before_the_period_without_signing_date(corpus_dir: Path) -> None:
    # The 2023 document names Woonstichting Oost and has no signing date: a merger in
    # 2022 lies wholly before its period, one in 2023 does not.
    _merged_in(corpus_dir, "2023")
    load_corpus(corpus_dir, corpus_dir.parent)
    edit(corpus_dir, 'date: 2023, event: fusie, date_note: "Jaarverslag 2023"}',
         'date: 2022, event: fusie, date_note: "Jaarverslag 2023"}', file=ORGS_FILE)
    edit(corpus_dir, 'date: 2023, event: fusie, date_note: "Jaarverslag 2023"}',
         'date: 2022, event: fusie, date_note: "Jaarverslag 2023"}', file=ORGS_FILE)
    found = [p for p in problems(corpus_dir) if "woonstichting-oost' merged" in p]
    assert found and all("merged into 'woonborg' in 2022, before this document's period began "
                         "(2023)" in p for p in found)
