# concreteness.py: the three rules on fixture commitments whose answer is known, and
# invariants of the counts over data/ (every commitment counted once per document,
# theme and responsible organisation; the page's tables print those counts).
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import model as m
from generator.concreteness import (
    _DATE,
    _ORDINAL,
    _QUANTITY,
    _QUARTER,
    _REFERENCE_BEFORE,
    _REFERENCE_NUMBER,
    _TIME_WORDS,
    _YEAR_RE,
    _YEARS,
    CRITERIA,
    assess,
    assess_document,
    full_text,
    names_deadline,
    names_number,
    names_responsible,
)
from generator.queries import Queries, responsible
from generator.validate import Corpus, load_corpus

from .conftest import ROOT


def c(text: str, **fields: object) -> m.Commitment:
    return m.Commitment.model_validate({"id": "a", "text": text, **fields})


def group(actors: list[str], *commitments: m.Commitment) -> m.Group:
    return m.Group(actors=actors, commitments=list(commitments) or [c("x")])


@pytest.mark.parametrize(("text", "fields", "expected"), [
    ("We bouwen 120 woningen.", {}, True),
    ("De huur stijgt met 3,1%.", {}, True),
    ("We bouwen meer woningen.", {}, False),
    ("In 2024 bouwen we meer woningen.", {}, False),  # a year is a deadline, not a number
    ("Vóór 1 januari 2025 is het plan klaar.", {}, False),  # the day of a date neither
    ("We bouwen woningen.", {"figures": [{"label": "Nieuwbouw", "value": 50}]}, True),
    # a figure the editors worked out is their number, not the document's
    ("We bouwen woningen.", {"figures": [{"label": "Nieuwbouw", "value": 50, "provenance":
                                          {"kind": "derived", "note": "opgeteld uit bijlage 2"}}]}, False),
    ("We bouwen woningen.", {"items": [{"text": "40 in Vries"}]}, True),
    ("Ruim 2.500 woningen worden verduurzaamd.", {}, True),
])
def test_number(text: str, fields: dict[str, object], expected: bool) -> None:
    assert names_number(c(text, **fields)) is expected


@pytest.mark.parametrize(("text", "fields", "expected"), [
    ("We bouwen 120 woningen.", {}, False),
    ("In 2024 bouwen we meer woningen.", {}, True),
    ("Het plan is er in het derde kwartaal.", {}, True),
    ("Het plan is er in Q3.", {}, True),
    ("Het plan is er in maart.", {}, True),
    ("We bouwen 12024 woningen.", {}, False),  # five digits are no year
    # 'due' is the editors' reading of the text, no evidence of its own
    ("We bouwen woningen.", {"due": "2025"}, False),
    ("We bouwen woningen.", {"items": [{"text": "uiterlijk eind 2026"}]}, True),
])
def test_deadline(text: str, fields: dict[str, object], expected: bool) -> None:
    assert names_deadline(c(text, **fields)) is expected


def test_responsible() -> None:
    everyone = ["gemeente-x", "corporatie-y", "huurders-z"]
    plain = c("We overleggen.")
    assert not names_responsible(plain, group(everyone), everyone)
    assert names_responsible(plain, group(["corporatie-y"]), everyone)
    # explicit parties on the commitment count, even when they list everyone
    assert names_responsible(c("We overleggen.", parties=everyone), group(everyone), everyone)
    # a chapter that binds fewer parties: the group's actors are all it binds
    assert not names_responsible(plain, group(["corporatie-y"]), ["corporatie-y"])


@pytest.mark.parametrize(("kind", "counts"), [
    ("repaired", True),  # an OCR slip put right: still the printed text
    ("derived", False), ("inferred", False),
    ("secondary", False),  # from a press release: not the signed document's words
])
def test_a_text_counts_only_as_the_signed_document_prints_it(kind: str, counts: bool) -> None:
    text = c("In 2024 bouwen we 120 woningen.",
             provenance={"kind": kind, "note": "Persbericht 'Nieuwe afspraken', 12 december 2023"})
    assert names_number(text) is counts
    assert names_deadline(text) is counts


def test_score_and_aspects() -> None:
    k = assess(c("In 2024 bouwen we 120 woningen."), group(["a"]), ["a", "b"])
    assert k.aspects() == (True, True, True) and k.score == 3
    k = assess(c("We bouwen woningen."), group(["a"]), ["a"])
    assert k.aspects() == (False, False, False) and k.score == 0


CASES_FILE = Path(__file__).parent / "fixtures" / "concreteness_cases.yaml"
_CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
_COMMITMENT_FIELDS = ("text", "items", "figures", "provenance", "due", "parties")


@pytest.mark.parametrize("case", _CASES["cases"], ids=[case["id"] for case in _CASES["cases"]])
def test_commitments_rated_by_hand(case: dict[str, Any]) -> None:
    """The published rules give the rating a reader would, for the reason the case states."""
    fields = {key: case[key] for key in _COMMITMENT_FIELDS if key in case}
    commitment = m.Commitment.model_validate({"id": "a", **fields})
    group = m.Group.model_validate({**case["group"], "commitments": [{"id": "a", "text": "x"}]})
    bound = case.get("bound", _CASES["defaults"]["bound"])
    period_start = case.get("period_start", _CASES["defaults"]["period_start"])
    k = assess(commitment, group, bound, period_start)
    expected = case["expected"]
    assert {"number": k.number, "deadline": k.deadline, "who": k.responsible} == expected, \
        case["reason"]


def test_the_hand_rated_cases_are_many_and_reasoned() -> None:
    cases = _CASES["cases"]
    assert len(cases) >= 30
    assert len({case["id"] for case in cases}) == len(cases)
    assert all(case.get("reason") and case.get("from") for case in cases)
    # both answers of every aspect occur, so no rule is tested on one side only
    for aspect in ("number", "deadline", "who"):
        assert {case["expected"][aspect] for case in cases} == {True, False}


@pytest.fixture(scope="module")
def data() -> Corpus:
    return load_corpus(ROOT / "data", ROOT)


def test_counts_add_up_over_data(data: Corpus) -> None:
    q = Queries.build(data)
    everything = [a for d in data.documents for a in assess_document(d)]
    assert q.tally("alle").total == len(everything) == sum(q.count(d) for d in data.documents)
    for d in data.documents:
        assert q.tally("document", d.ref).total == q.count(d)
    themes = ["", *data.themes]
    assert sum(q.tally("thema", t).total for t in themes) == len(everything)
    for org in data.organisations:
        assert q.tally("organisatie", org).total == sum(
            org in responsible(a.commitment, a.group) for a in everything)
    for key, _, _ in CRITERIA:
        assert q.tally("alle").count(key) == sum(
            q.tally("document", d.ref).count(key) for d in data.documents)
    assert q.tally("alle").count("alle") == sum(a.concreteness.score == 3 for a in everything)
    # the data has concrete and vague commitments: the rules tell them apart
    assert 0 < q.tally("alle").count("alle") < len(everything)


def test_every_goal_served_by_a_commitment_lists_it(data: Corpus) -> None:
    q = Queries.build(data)
    for d in data.documents:
        if not d.framework:
            continue
        framework = data.document(d.framework)
        for a in assess_document(d):
            for goal_id in a.commitment.serves:
                assert (d.ref, a.commitment.id) in [
                    (s.doc.ref, s.commitment.id) for s in q.serving(framework, goal_id)]


def test_the_page_prints_the_counts(data: Corpus) -> None:
    from generator.pages import plan_concreteness
    from generator.render import render_pages

    q = Queries.build(data)
    text = render_pages([plan_concreteness(data, q)])["concreetheid.md"].decode()
    for d in data.documents:
        t = q.tally("document", d.ref)
        if not t.total:
            continue
        numbers = [t.total, *(t.count(k) for k, _, _ in CRITERIA), t.count("alle")]
        row = next(r for r in text.split("<tr>") if f'href="{_doc_link(d)}"' in r)
        assert re.findall(r'<td style="text-align: right;">(\d+)</td>', row) == [str(n) for n in numbers]


def _doc_link(d: m.Document) -> str:
    return f"../gemeenten/{d.municipality}/{d.slug}/"


# --- the rules run in full, as CRITERIA states them: what the faster code must answer ---

def _number_in_full(c: m.Commitment) -> bool:
    text = full_text(c)
    for pattern in (_DATE, _QUARTER, _REFERENCE_NUMBER, _ORDINAL, _YEAR_RE):
        text = pattern.sub(" ", text)
    return bool(_QUANTITY.search(text))


def _moment_in_full(year: int, text: str, start: int, period_start: int | None) -> bool:
    if period_start is not None and year < period_start:
        return False
    before = text[:start]
    if _REFERENCE_BEFORE.search(before):
        return False
    word = re.search(r"(\S+)\s+$", before)
    return not (word and word.group(1)[:1].isupper() and word.group(1).casefold() not in _TIME_WORDS)


def _deadline_in_full(c: m.Commitment, period_start: int | None) -> bool:
    text = full_text(c)
    for pattern in (_DATE, _QUARTER):
        for found in pattern.finditer(text):
            year = found.group(1) or found.group(2)
            if year is None or _moment_in_full(int(year), text, found.start(), period_start):
                return True
        text = pattern.sub(lambda f: " " * len(f.group(0)), text)
    for found in _YEARS.finditer(text):
        if text[found.end():found.end() + 1] == "+":
            continue
        if _moment_in_full(int(found.group(2) or found.group(1)), text, found.start(), period_start):
            return True
    return False


# Pieces of text that each pattern (or a test that skips it) turns on, in any case and
# with the letters re.IGNORECASE takes for "i", "s" and "k" (dotted capital and dotless
# i, long s, Kelvin sign).
_PIECES = ["2024", "2019", "1999", "2100", "2101", "12", "3", "1", "01", "-", "–", "t/m", "tot en met",
           ".", ",", "+", "Q1", "q3", "Q5", "januari", "Maart", "MEI", "derde", "kwartaal", "Kwartaal",
           "\u212aWARTAAL", "1e", "4e", "2e", "van", "over", "Over", "sinds", "sedert", "In", "Eind",
           "vóór", "Woonvisie", "maatregel", "afspraken", "Artikel", "art.", "p.", "nr.", "blz.", "lid",
           "fase", "versie", "\u017ftap", "hoofd\u017ftuk", "apr\u0130l", "ju\u0131i", "2a", "CO2", "ste",
           "de", "1-1-2022", "10-10-", "3,1", "2.500", "2.025", "2025,5", "(", "%", "١٢", "woningen"]


def test_the_rules_answer_as_run_in_full() -> None:
    """The rules skip a pattern where the text lacks what every match of it holds; on
    texts made of the pieces each pattern turns on, they answer as run in full."""
    rng = random.Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) + rng.choice(["", " ", " ", "  ", "\n"])
                       for _ in range(rng.randint(1, 12)))
        if not text.strip():
            continue
        commitment = c(text)
        for period_start in (None, 2021):
            expected = (_number_in_full(commitment), _deadline_in_full(commitment, period_start))
            k = assess(commitment, group(["a"]), ["a"], period_start)
            assert (k.number, k.deadline) == expected, (text, period_start)
            assert (names_number(commitment), names_deadline(commitment, period_start)) == expected
