# The source text as evidence (sourcetext.py): the normaliser and matcher, the check
# of a fixture document against a source text written like pdftotext's output, the
# marks that exempt a value, the files under data/, and the invariant that every
# document in data/ with a source text passes.
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator import model as m
from generator import urls
from generator.errors import DataError
from generator.export import export_all
from generator.formatting import provenance_marker
from generator.pipeline import Settings, generate
from generator.sources import format_path
from generator.sourcetext import (
    SourceText,
    check_document,
    claims,
    compact,
    normalise,
    printed_values,
    strip_furniture,
)
from generator.validate import load_corpus

from .conftest import make_project
from .test_validate import problems

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).parent / "fixtures" / "sourcetext" / "prestatieafspraken-2026.source.txt"
FILE = "testdorp/prestatieafspraken-2026.yaml"
DOC = f"data/{FILE}"
TEXT_FIELD = "chapters[0].groups[0].commitments[0].text"


def edit(data: Path, old: str, new: str, file: str = FILE) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def with_source(data: Path) -> Path:
    target = data / "testdorp" / "prestatieafspraken-2026.source.txt"
    shutil.copy(SOURCE, target)
    return target


# --- the normaliser ------------------------------------------------------------

def test_a_word_broken_over_two_lines_is_joined() -> None:
    assert normalise("de woning-\nbouw in") == "de woningbouw in"
    assert normalise("de woning- \n  bouw in") == "de woningbouw in"  # pdftotext's trailing space
    # A hyphen before a conjunction is a word left out ("woon- en leefklimaat").
    assert normalise("woon-\nen leefklimaat") == "woon- en leefklimaat"
    # A real hyphen at the end of a line ("Noord-\nNederland") is not a difference either.
    assert normalise("Noord-\nNederland") == "Noord-Nederland"
    assert compact(normalise("sociale-\nhuurwoningen")) == compact(normalise("sociale-huurwoningen"))


def test_whitespace_soft_hyphens_ligatures_quotes_dashes_and_bullets() -> None:
    assert normalise("  twee\t woorden \n\n en  meer ") == "twee woorden en meer"
    assert normalise("portiek\u00adflats") == "portiekflats"
    assert normalise("\ufb01nanciering e\ufb00ect") == "financiering effect"
    assert normalise("\u2018partijen\u2019 \u201cwe\u201d") == "'partijen' \"we\""
    assert normalise("2021\u20132025 \u2014 nu") == "2021-2025 - nu"
    assert normalise("\u2022 een\n\uf0b7 twee\n- drie\no vier") == "een twee drie vier"


def test_matching_ignores_layout_but_not_words_or_punctuation() -> None:
    source = SourceText("bron.txt", "De gemeente bouwt in 2024 \u2018circa\u2019 40 wonin-\n"
                                    "gen.  Daarna  volgt\nde evaluatie.\n")
    assert source.contains("bouwt in 2024 'circa' 40 woningen.")
    assert source.contains("Daarna volgt de evaluatie.")
    assert not source.contains("bouwt in 2025")  # a different number
    assert not source.contains("40 woningen Daarna")  # a full stop left out
    assert source.contains("DE GEMEENTE BOUWT", heading=True)  # headings in any case
    assert not source.contains("DE GEMEENTE BOUWT")


def test_page_furniture_is_ignored() -> None:
    raw = ("Kop van het document\nDe eerste zin loopt\n\n12\n\f"
           "Kop van het document\ndoor over de pagina.\nPagina 13 van 20\n\f"
           "Kop van het document\nEinde.\n")
    kept = strip_furniture(raw)
    assert "12" not in kept and "Pagina" not in kept and "Kop van" not in kept
    assert SourceText("bron.txt", raw).contains("De eerste zin loopt door over de pagina.")


def test_numbers_are_read_as_printed_in_dutch_notation() -> None:
    values = printed_values("1.177 woningen, 3,5 procent, 25% en 1,40; -12 gesloopt; 7 miljoen")
    assert {Decimal(1177), Decimal("3.5"), Decimal(25), Decimal("1.4"), Decimal(-12),
            Decimal(12), Decimal(7), Decimal(7_000_000)} <= values
    assert Decimal("1.177") not in values  # a Dutch thousands separator, not a decimal point
    assert Decimal(-25) not in values


def test_the_word_diff_names_what_differs() -> None:
    source = SourceText("bron.txt", "Er wordt gewerkt aan duurzame ontmoetingsplekken, "
                                    "dorpshuizen en. thuiskamers die niet alleen functioneel zijn.")
    diff = source.word_diff("ontmoetingsplekken, dorpshuizen en thuiskamers die niet alleen")
    assert diff == ('"ontmoetingsplekken, dorpshuizen en thuiskamers die" here, '
                    '"ontmoetingsplekken, dorpshuizen en. thuiskamers die" in the source')
    assert "no passage" in source.word_diff("iets heel anders")


# --- numbers, headings and marks in a document ------------------------------------

def _document(**changes: Any) -> m.Document:
    commitment: dict[str, Any] = {"id": "a-1", "text": "We bouwen 1.177 woningen.",
                                  "figures": [{"label": "Woningen", "value": 1177}]}
    commitment.update(changes.pop("commitment", {}))
    data: dict[str, Any] = {
        "municipality": "testdorp", "slug": "x", "kind": "framework", "title": "X",
        "period": {"start": 2024, "end": 2025}, "source": {"title": "X", "publisher": "Y"},
        "parties": ["gemeente-testdorp"],
        "chapters": [{
            "id": "wonen", "title": "Wonen",
            "groups": [{"title": "Gezamenlijk", "actors": ["gemeente-testdorp"],
                        "commitments": [commitment]}],
            "goals": [{"id": "doel", "text": "Minder CO2.", "indicators": [{
                "id": "co2", "name": "CO2", "unit": "%",
                "points": [{"year": 2025, "value": changes.pop("point", 3.5),
                            **changes.pop("point_extra", {})}]}]}],
        }, *changes.pop("chapters", [])],
    }
    return m.Document.model_validate(data)


SOURCE_TEXT = "Wonen\nGezamenlijk\nWe bouwen 1.177 woningen.\nMinder CO2.\nIn 2025 3,5% minder.\n"


def _check(doc: m.Document) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    check_document(doc, SourceText("bron.txt", SOURCE_TEXT),
                   lambda loc, message: found.append((format_path(loc), message)))
    return found


def test_numbers_of_figures_and_points_must_be_printed() -> None:
    assert _check(_document()) == []
    wrong = _check(_document(commitment={"figures": [{"label": "W", "value": 1178}]}, point=-3.5))
    assert [where for where, _ in wrong] == [
        "chapters[0].goals[0].indicators[0].points[0].value",
        "chapters[0].groups[0].commitments[0].figures[0].value"]
    assert any("the number 1.178 is not in the source text bron.txt" in msg for _, msg in wrong)
    assert any("the number -3,5 is not" in msg for _, msg in wrong)
    # The editors' reading of "3,5% minder" as -3.5, marked, is not checked.
    derived = {"provenance": {"kind": "derived", "note": "in de bron: '3,5% minder'"}}
    assert _check(_document(point=-3.5, point_extra=derived)) == []
    assert _check(_document(commitment={"figures": [{"label": "W", "value": 1178,
                                                     "provenance": derived["provenance"]}]})) == []
    assert "say so with 'provenance' on the figure (kind: derived)" in wrong[1][1]


def test_a_heading_the_source_does_not_print_needs_a_mark() -> None:
    repeated = {"id": "meer", "title": "Wonen", "groups": [
        {"title": "Gezamenlijk", "actors": ["gemeente-testdorp"],
         "commitments": [{"id": "a-2", "text": "We bouwen 1.177 woningen."}]}]}
    found = _check(_document(chapters=[repeated]))
    assert sorted(where for where, _ in found) == ["chapters[1].groups[0].title", "chapters[1].title"]
    assert all("stands 2 times in the data" in msg and "prints it once" in msg for _, msg in found)
    mark = {"kind": "derived", "note": "herhaald om te navigeren"}
    marked = {**repeated, "provenance": mark,
              "groups": [{**repeated["groups"][0], "title_provenance": mark}]}
    assert _check(_document(chapters=[marked])) == []


# --- the check in `check`: place, word diff, mark ---------------------------------

def test_a_document_passes_against_its_source_text(corpus_dir: Path) -> None:
    with_source(corpus_dir)
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    assert corpus.source_texts == {
        "testdorp/prestatieafspraken-2026": "data/testdorp/prestatieafspraken-2026.source.txt"}


def test_a_changed_word_is_reported_with_file_line_field_and_word_diff(corpus_dir: Path) -> None:
    with_source(corpus_dir)
    edit(corpus_dir, "de oudste portiekflats", "de nieuwste portiekflats")
    assert problems(corpus_dir) == [
        f"{DOC}:25:19: {TEXT_FIELD}: differs from the source text "
        "data/testdorp/prestatieafspraken-2026.source.txt: \"van de nieuwste portiekflats in\" here, "
        "\"van de oudste portiekflats in\" in the source; write it as printed, or, if it repairs a "
        "slip, say so with 'provenance' on the commitment (kind: repaired, with what the source "
        "reads)"]


def test_the_same_change_with_a_repaired_mark_passes(corpus_dir: Path) -> None:
    with_source(corpus_dir)
    edit(corpus_dir, "de oudste portiekflats in het centrum.",
         "de oudste portiekflats in het centrum.\n"
         "            provenance: {kind: repaired, note: \"in de bron: 'oudste'\"}")
    edit(corpus_dir, "de oudste portiekflats", "de nieuwste portiekflats")
    load_corpus(corpus_dir, corpus_dir.parent)


def test_an_unchanged_document_is_not_checked_again(corpus_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A pass is cached by the texts of both files: `check` and `serve` stay fast with
    many source texts, and any edit of either file checks the document again."""
    from generator import sourcetext

    cache = tmp_path / "cache"
    source = with_source(corpus_dir)
    load_corpus(corpus_dir, corpus_dir.parent, cache)
    calls: list[str] = []
    monkeypatch.setattr(sourcetext, "check_document", lambda doc, *_: calls.append(doc.ref))
    corpus = load_corpus(corpus_dir, corpus_dir.parent, cache)
    assert calls == [] and "testdorp/prestatieafspraken-2026" in corpus.source_texts
    source.write_text(source.read_text(encoding="utf-8") + "\nBijlage\n", encoding="utf-8")
    load_corpus(corpus_dir, corpus_dir.parent, cache)
    edit(corpus_dir, "in het najaar.", "in het najaar.\n            note: Nagelezen.")
    load_corpus(corpus_dir, corpus_dir.parent, cache)
    assert calls == ["testdorp/prestatieafspraken-2026"] * 2


def test_a_difference_is_reported_on_every_run(corpus_dir: Path, tmp_path: Path) -> None:
    with_source(corpus_dir)
    edit(corpus_dir, "de oudste portiekflats", "de nieuwste portiekflats")
    first = problems(corpus_dir, tmp_path / "cache")
    assert first and first == problems(corpus_dir, tmp_path / "cache")


def test_a_document_without_a_source_text_is_allowed_and_says_so(project: Path) -> None:
    data = project / "data"
    with_source(data)
    corpus = load_corpus(data, project)
    assert "testdorp/prestatieafspraken-2024" not in corpus.source_texts
    exported = export_all(corpus)
    checked = {ref: json.loads(exported[urls.document_download(corpus.document(ref))])[
        "source_text_checked"] for ref in ("testdorp/prestatieafspraken-2026",
                                           "testdorp/prestatieafspraken-2024")}
    assert checked == {"testdorp/prestatieafspraken-2026": True,
                       "testdorp/prestatieafspraken-2024": False}
    generate(Settings(project))
    docs = project / "build" / "docs" / "gemeenten" / "testdorp"
    assert ("<strong>Brontekst:</strong> niet gecontroleerd tegen de brontekst"
            in (docs / "prestatieafspraken-2024.md").read_text(encoding="utf-8"))
    assert ("<strong>Brontekst:</strong> de teksten en getallen zijn gecontroleerd tegen de tekst van de bron"
            in (docs / "prestatieafspraken-2026.md").read_text(encoding="utf-8"))


def test_every_new_mark_is_shown_on_the_document_page(project: Path) -> None:
    data = project / "data"
    edit(data, "      - title: Woonborg\n",
         "      - title: Woonborg\n        title_provenance: {kind: derived, note: kop <herhaald>}\n")
    edit(data, "            kind: prestatieafspraak\n",
         "            kind: prestatieafspraak\n            due: Q1 2026\n"
         "            due_provenance: {kind: derived, note: in de bron 'in Q1'}\n")
    edit(data, "    title: Wonen\n",
         "    title: Wonen\n"
         "    boxes: [{title: Kader, text: Tekst., provenance: {kind: repaired, note: box}}]\n"
         "    goals: [{id: doel-1, text: Doel., provenance: {kind: repaired, note: doel}}]\n")
    edit(data, "            parties: [woonborg, ah-woon]\n",
         "            parties: [woonborg, ah-woon]\n            figures: [{label: Woningen, "
         "value: 12, provenance: {kind: derived, note: opgeteld}}]\n")
    generate(Settings(project))
    text = (project / "build/docs/gemeenten/testdorp/prestatieafspraken-2026.md").read_text(
        encoding="utf-8")
    for marker in ("Kop: <strong>Afgeleid:</strong> kop &lt;herhaald&gt;",
                   "Wanneer: <strong>Afgeleid:</strong> in de bron &#39;in Q1&#39;",
                   "<strong>Bewerkt door de redactie:</strong> doel",
                   "Woningen: <strong>Afgeleid:</strong> opgeteld"):
        assert f'<p class="provenance">{marker}</p>' in text
    # the box's mark inside the box
    assert ('<p class="admonition-title">Kader</p>\n<p>Tekst.</p>\n'
            '<p class="provenance"><strong>Bewerkt door de redactie:</strong> box</p>\n</div>') in text


def test_a_goal_link_the_editors_inferred_is_marked_under_it(tmp_path: Path) -> None:
    """On the real data (the fixture has no framework): wherever a commitment's goal
    links carry serves_provenance, the marker stands right under 'Draagt bij aan'."""
    project = make_project(tmp_path, ROOT / "data")
    generate(Settings(project))
    corpus = load_corpus(project / "data", project)
    marked = [(doc, c) for doc in corpus.documents for ch in m.iter_chapters(doc.chapters)
              for g in ch.groups for c in g.commitments if c.serves and c.serves_provenance]
    if not marked:
        pytest.skip("no goal link in data/ carries serves_provenance")
    for doc, c in marked:
        assert c.serves_provenance is not None
        page = (project / "build" / "docs" / urls.document_page(doc)).read_text(encoding="utf-8")
        block = page.split(f' id="{c.id}" class="commitment-title', 1)[1].split('<div class="commitment"', 1)[0]
        serves = block.index('<p class="commitment-serves">')
        marker = block.index('<p class="provenance">Draagt bij aan: '
                             f"{provenance_marker(c.serves_provenance)}</p>")
        assert serves < marker


# --- files under data/ -------------------------------------------------------------

def test_a_source_text_without_its_document_is_reported(corpus_dir: Path) -> None:
    (corpus_dir / "testdorp" / "prestatieafspraken-2030.source.txt").write_text("x", encoding="utf-8")
    (corpus_dir / "los.source.txt").write_text("x", encoding="utf-8")
    found = problems(corpus_dir)
    assert ("data/testdorp/prestatieafspraken-2030.source.txt: source text without its document: "
            "there is no prestatieafspraken-2030.yaml beside it; name it after the document's file "
            "(<slug>.source.txt) or remove it") in found
    assert any(p.startswith("data/los.source.txt: not read: a source text belongs beside its "
                            "document") for p in found)


def test_a_source_text_that_is_not_utf8_is_reported(corpus_dir: Path) -> None:
    with_source(corpus_dir).write_bytes(b"Wonen \xff")
    assert problems(corpus_dir) == [
        "data/testdorp/prestatieafspraken-2026.source.txt: not UTF-8 text: byte 0xff at offset 6; "
        "save the source text as UTF-8"]


# --- data/ -------------------------------------------------------------------------

def test_every_document_with_a_source_text_passes_the_check() -> None:
    """Holds for any valid data set: a document with a source text has no unmarked
    difference from it (load_corpus raises on the first run otherwise)."""
    try:
        corpus = load_corpus(ROOT / "data", ROOT)
    except DataError as exc:  # pragma: no cover - the message is the point
        pytest.fail(str(exc))
    texts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "data").glob("*/*.source.txt"))
    assert sorted(corpus.source_texts.values()) == texts


# --- a text from another publication ------------------------------------------------

PRESS = "  publisher: Gemeente Testdorp\nsources:\n  - {title: Persbericht Nieuwe afspraken 2026, kind: persbericht}\n"
FROM_PRESS = ("Woonborg verbetert in 2026 de isolatie van alle portiekflats in het centrum.\n"
              "            provenance: {kind: secondary, note: \"Persbericht Nieuwe afspraken 2026; "
              "de bijlage met deze afspraak is niet gepubliceerd.\"}")


def test_a_text_from_another_publication_is_not_compared_with_the_source(corpus_dir: Path) -> None:
    """A text marked secondary is not in the signed document: the source-text check
    leaves it out, like every marked text, and the page says where it comes from."""
    with_source(corpus_dir)
    edit(corpus_dir, "  publisher: Gemeente Testdorp\n", PRESS)
    edit(corpus_dir, "Woonborg verbetert in 2026 de isolatie van de oudste portiekflats in het centrum.",
         FROM_PRESS)
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    doc = corpus.document("testdorp/prestatieafspraken-2026")
    assert not [c for c in claims(doc) if c.loc == (
        "chapters", 0, "groups", 0, "commitments", 0, "text")]
    commitment = doc.chapters[0].groups[0].commitments[0]
    assert commitment.provenance is not None and commitment.provenance.kind == "secondary"
    assert provenance_marker(commitment.provenance).startswith(
        "<strong>Uit een andere publicatie:</strong> ")


def test_the_note_of_a_text_from_another_publication_names_one_of_its_sources(corpus_dir: Path) -> None:
    with_source(corpus_dir)
    edit(corpus_dir, "Woonborg verbetert in 2026 de isolatie van de oudste portiekflats in het centrum.",
         FROM_PRESS)
    assert problems(corpus_dir) == [
        f"{DOC}:26:49: chapters[0].groups[0].commitments[0].provenance.note: a text marked "
        "'secondary' comes from another publication: list it under the document's 'sources' "
        "(title, and where known kind, date, url) and name its title in this note"]
    edit(corpus_dir, "  publisher: Gemeente Testdorp\n",
         "  publisher: Gemeente Testdorp\nsources:\n  - {title: Raadsbrief 12}\n")
    assert problems(corpus_dir) == [
        f"{DOC}:28:49: chapters[0].groups[0].commitments[0].provenance.note: a text marked "
        "'secondary' names the publication it comes from: put the title of one of the "
        "document's 'sources' in this note ('Raadsbrief 12')"]


def test_only_a_text_may_come_from_another_publication(corpus_dir: Path) -> None:
    """A number, a cell or a party list is the signed document's, or the editors': a
    figure marked secondary is refused with what to write instead."""
    edit(corpus_dir, "            parties: [woonborg, ah-woon]",
         "            parties: [woonborg, ah-woon]\n"
         "            figures:\n"
         "              - {label: Woningen, value: 40, provenance: {kind: secondary, note: Persbericht}}")
    assert problems(corpus_dir) == [
        f"{DOC}:44:65: chapters[0].groups[0].commitments[2].figures[0].provenance.kind: 'secondary' "
        "marks a text taken from another publication (on a commitment, a context block, a box or "
        "a goal); what the editors did here is repaired, derived or inferred"]
