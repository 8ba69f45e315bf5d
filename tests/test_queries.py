# queries.py: corpus-wide questions (status counts, lineage, predecessors) on the
# fixture corpus, whose answers are known, and invariants that hold for any corpus,
# checked on data/ and the fixture alike.
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import model as m
from generator.formatting import word_diff
from generator.pages import plan_organisations
from generator.queries import STATUSES, Queries, current_status
from generator.validate import Corpus, load_corpus

from .conftest import FIXTURE_CORPUS, ROOT
from .test_validate import edit

D2023, D2024, D2026 = (f"testdorp/prestatieafspraken-{y}" for y in (2023, 2024, 2026))


@pytest.fixture(scope="module")
def fixture() -> Corpus:
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


def ids(commitments: list[m.Commitment]) -> list[str]:
    return [c.id for c in commitments]


def test_status_counts_per_document_and_party(fixture: Corpus) -> None:
    q = Queries.build(fixture)
    doc = fixture.document(D2026)
    assert q.status_counts(doc) == [("niet-gerapporteerd", 2), ("vertraagd", 1)]
    assert q.status_counts(doc, "woonborg") == [("niet-gerapporteerd", 2), ("vertraagd", 1)]
    assert q.status_counts(doc, "ah-woon") == [("niet-gerapporteerd", 1)]
    assert q.status_counts(fixture.document(D2023), "woonstichting-oost") == [("gereed", 1)]
    assert q.status_counts(doc, "gemeente-testdorp") == []


def test_a_commitment_without_a_report_is_not_reported(fixture: Corpus) -> None:
    commitments = {c.id: c for ch in fixture.document(D2026).chapters
                   for g in ch.groups for c in g.commitments}
    assert current_status(commitments["afspraak-1"]) == "vertraagd"  # the last of two
    assert commitments["afspraak-2"].status == []
    assert current_status(commitments["afspraak-2"]) == "niet-gerapporteerd"


def test_comparison_between_consecutive_documents(fixture: Corpus) -> None:
    (cmp,) = Queries.build(fixture).comparisons("testdorp")  # 2024 -> 2023 records nothing
    assert (cmp.earlier.ref, cmp.later.ref) == (D2024, D2026)
    assert ids(cmp.new) == ["afspraak-3"]
    assert [(c.id, s.doc.ref, s.commitment.id) for c, s in cmp.continued] == [
        ("afspraak-1", D2023, "woonborg-isolatie"), ("afspraak-2", D2023, "woonborg-huur")]
    assert ids(cmp.dropped) == ["afspraak-1", "afspraak-2"]  # of 2024: nothing continues them


def test_the_chain_of_continued_commitments(corpus_dir: Path) -> None:
    # 2026 afspraak-1 -> (edited in) 2024 afspraak-2 -> 2023 woonborg-isolatie
    edit(corpus_dir, "{document: testdorp/prestatieafspraken-2023, id: woonborg-isolatie}",
         "{document: testdorp/prestatieafspraken-2024, id: afspraak-2}",
         file="testdorp/prestatieafspraken-2026.yaml")
    edit(corpus_dir, "            parties: [woonborg]\n",
         "            parties: [woonborg]\n            continues: {document: "
         "testdorp/prestatieafspraken-2023, id: woonborg-isolatie}\n")
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    q = Queries.build(corpus)
    doc = corpus.document(D2026)
    first = doc.chapters[0].groups[0].commitments[0]
    assert [(s.doc.ref, s.commitment.id) for s in q.earlier_chain(doc, first)] == [
        (D2024, "afspraak-2"), (D2023, "woonborg-isolatie")]
    d2023 = corpus.document(D2023)
    isolatie = d2023.chapters[0].groups[0].commitments[0]
    assert [(s.doc.ref, s.commitment.id) for s in q.continued_by(d2023, isolatie)] == [
        (D2024, "afspraak-2")]
    # Now both pairs record continuations, newest first.
    assert [(c.earlier.ref, c.later.ref) for c in q.comparisons("testdorp")] == [
        (D2024, D2026), (D2023, D2024)]


def test_predecessors_and_their_documents(fixture: Corpus) -> None:
    q = Queries.build(fixture)
    assert [o.id for o in q.predecessors_of("woonborg")] == ["woonstichting-oost", "het-westerhuis"]
    assert [o.id for o in q.successors_of("het-westerhuis")] == ["woonborg"]
    assert q.successors_of("woonborg") == []
    assert [(e.predecessor.id, e.doc.ref, e.count) for e in q.from_predecessors("woonborg")] == [
        ("woonstichting-oost", D2023, 1)]


def test_organisations_are_sorted_by_the_name_people_know(fixture: Corpus) -> None:
    index = plan_organisations(fixture)[0]
    assert [org.id for org, _ in index.context["rows"]] == [
        "acantus", "ah-woon", "gemeente-testdorp", "woonstichting-oost", "het-westerhuis", "woonborg"]


def test_word_diff_marks_changes_and_escapes_data_text() -> None:
    out = word_diff("Woonborg bouwt 48 woningen.", "Woonborg bouwt <b>52</b> woningen & *meer*.")
    assert out == ("Woonborg bouwt <del>48 woningen.</del> <ins>&lt;b&gt;52&lt;/b&gt; woningen "
                   "&amp; *meer*.</ins>")
    # Only the diff's own tags are markup: every other '<' and '&' is an entity.
    rest = re.sub(r"</?(?:del|ins)>", "", out)
    assert re.search(r"<|&(?!lt;|gt;|amp;)", rest) is None
    assert word_diff("gelijk", "gelijk") == "gelijk"


# --- invariants, for the bundled data and the fixture alike --------------------------

@pytest.fixture(scope="module", params=["data", "fixture"])
def any_corpus(request: pytest.FixtureRequest) -> Corpus:
    if request.param == "data":
        return load_corpus(ROOT / "data", ROOT)
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


def test_status_counts_add_up_to_the_commitments(any_corpus: Corpus) -> None:
    q = Queries.build(any_corpus)
    for doc in any_corpus.documents:
        commitments = [(c, g) for ch in m.iter_chapters(doc.chapters) for g in ch.groups
                       for c in g.commitments]
        assert sum(n for _, n in q.status_counts(doc)) == len(commitments)
        assert [s for s, _ in q.status_counts(doc)] == [s for s in STATUSES
                                                        if s in {s for s, _ in q.status_counts(doc)}]
        for party in doc.parties:
            carried = [c for c, g in commitments if party in (c.parties or g.actors)]
            assert q.count(doc, party) == len(carried)


def test_every_status_is_reported_by_a_source_in_date_order(any_corpus: Corpus) -> None:
    for doc in any_corpus.documents:
        for ch in m.iter_chapters(doc.chapters):
            for c in (c for g in ch.groups for c in g.commitments):
                assert all(e.source.title.strip() for e in c.status)
                assert [e.date for e in c.status] == sorted(e.date for e in c.status)


def test_comparisons_partition_the_later_document(any_corpus: Corpus) -> None:
    q = Queries.build(any_corpus)
    for mun in any_corpus.municipalities:
        for cmp in q.comparisons(mun):
            assert len(cmp.new) + len(cmp.continued) == q.count(cmp.later)
            assert all(c.continues is None for c in cmp.new)
            assert all(s.doc.period.start < cmp.later.period.start for _, s in cmp.continued)
            assert cmp.earlier.period.start <= cmp.later.period.start


def test_history_is_symmetric_and_ends(any_corpus: Corpus) -> None:
    q = Queries.build(any_corpus)
    for org in any_corpus.organisations.values():
        if org.successor:
            successor = any_corpus.organisations[org.successor.id]
            assert org.id in [p.id for p in successor.predecessors]
        for pre in org.predecessors:
            assert any_corpus.organisations[pre.id].successor is not None
        assert org.id not in [o.id for o in q.successors_of(org.id)]
        assert org.id not in [o.id for o in q.predecessors_of(org.id)]
