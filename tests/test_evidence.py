# Evidence and provenance (evidence.py) on the fixture corpus: the checks on pages
# and provenance, "bron: p. N" linked to the PDF's page, the editorial markers on
# the page (escaped, in their own styled block), secondary sources, and the
# downloads. The second fixture document carries every field.
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from generator import model as m
from generator.export import indicator_csv
from generator.formatting import page_ref, provenance_marker
from generator.pipeline import Settings, build, generate
from generator.validate import load_corpus

from .htmltext import Page
from .test_generate import Elements
from .test_validate import problems

ROOT = Path(__file__).resolve().parent.parent
FILE = "testdorp/prestatieafspraken-2023.yaml"
DOC = f"data/{FILE}"
PAGE_MD = "gemeenten/testdorp/prestatieafspraken-2023.md"
PDF = "https://www.testdorp.nl/documenten/prestatieafspraken-2023.pdf?versie=2&taal=nl"


def edit(data: Path, old: str, new: str) -> None:
    path = data / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("            page: 4\n", "            page: 13\n",
     f"{DOC}:48:19: chapters[0].groups[0].commitments[0].page: page 13 is beyond the "
     "source's last page (source.pages: 12)"),
    ("    page: 3\n", "    page: 0\n", f"{DOC}:28:11: chapters[0].page:"),
    ("{kind: repaired, note: \"in de bron: 'isolatle' [sic] & <b>\"}", "{kind: repaired}",
     f"{DOC}:49:25: chapters[0].groups[0].commitments[0].provenance.note:"),
    ("{kind: repaired, note:", "{kind: hersteld, note:",
     f"{DOC}:49:32: chapters[0].groups[0].commitments[0].provenance.kind:"),
    ("url: https://www.testdorp.nl/raad/brief?id=7&x=y", "url: https://x.nl/a b",
     f"{DOC}:18:10: sources[0].url:"),
])
def test_evidence_mistakes_are_located(corpus_dir: Path, old: str, new: str,
                                       expected: str) -> None:
    edit(corpus_dir, old, new)
    found = problems(corpus_dir)
    assert [p for p in found if p.startswith(expected)], found


def test_a_page_needs_no_page_count(corpus_dir: Path) -> None:
    """Without source.pages any page from 1 up is accepted (nothing to compare with)."""
    from generator.validate import load_corpus

    edit(corpus_dir, "  pages: 12\n", "")
    edit(corpus_dir, "            page: 4\n", "            page: 400\n")
    doc = load_corpus(corpus_dir, corpus_dir.parent).document("testdorp/prestatieafspraken-2023")
    assert doc.chapters[0].groups[0].commitments[0].page == 400


def test_page_ref_links_the_pdf_page_or_says_it_plainly() -> None:
    assert page_ref(None, PDF) == ""
    assert page_ref(4) == "bron: p. 4"
    linked = page_ref(4, PDF + "#page=1")  # a fragment in the URL is replaced
    assert linked == ('<a href="https://www.testdorp.nl/documenten/prestatieafspraken-2023.pdf'
                      '?versie=2&amp;taal=nl#page=4">bron: p. 4</a>')


def test_provenance_marker_names_the_act_and_escapes_the_note() -> None:
    marker = provenance_marker(m.Commitment.model_validate(
        {"id": "a", "text": "t", "provenance": {"kind": "inferred", "note": "<b>x</b>"}}).provenance)
    assert marker == "<strong>Afgeleid (niet in de bron):</strong> &lt;b&gt;x&lt;/b&gt;"
    assert provenance_marker(None) == ""


def test_page_shows_pages_and_markers(project: Path) -> None:
    generate(Settings(project))
    text = (project / "build/docs" / PAGE_MD).read_text(encoding="utf-8")
    link = PDF.replace("&", "&amp;")
    # The commitment's meta line ends with its page, linked to that page of the PDF.
    assert (f'<strong>Soort:</strong> procesafspraak · <a href="{link}#page=4">bron: p. 4</a>'
            "</p>") in text
    assert f'<p class="source-page"><a href="{link}#page=3">bron: p. 3</a></p>' in text  # chapter
    assert f'<a href="{link}#page=5">bron: p. 5</a> · Download:' in text  # table
    for marker in (
        "<strong>Bewerkt door de redactie:</strong> in de bron: &#39;isolatle&#39; [sic] &amp; &lt;b&gt;",
        "Wie (voor de hele groep): <strong>Afgeleid (niet in de bron):</strong> De bron zegt alleen",
        "Partijen: <strong>Afgeleid (niet in de bron):</strong> AH WOON staat niet in de &lt;lijst&gt;",
        "<strong>Afgeleid:</strong> Opgesteld uit de tekst van de afspraak.",
    ):
        assert f"{marker}" in text
        # in a paragraph of its own, styled as a mark
        assert text.split(marker, 1)[0].endswith('<p class="provenance">')
    # Derived cells: marked in the cell, explained once under the table.
    assert text.count("(afgeleid, noot 1)</td>") == 2
    assert text.count("<li>[1] afgeleid: Afgeleid uit de toelichting.</li>") == 1
    assert ("<li><strong>Raadsbrief:</strong> Raadsbrief &lt;prestatieafspraken&gt; 2023 (13 december 2022): "
            '<a href="https://www.testdorp.nl/raad/brief?id=7&amp;x=y">') in text
    assert "<li><strong>Andere bron:</strong> Persbericht zonder adres</li>\n" in text


def test_page_without_a_source_url_is_plain_text(project: Path) -> None:
    edit(project / "data", f"  url: {PDF}\n", "")
    generate(Settings(project))
    text = (project / "build/docs" / PAGE_MD).read_text(encoding="utf-8")
    assert "· bron: p. 4</p>" in text
    assert "#page=" not in text


def test_downloads_of_the_fixture_carry_page_and_provenance(project: Path) -> None:
    generate(Settings(project))
    base = project / "build/docs/downloads/testdorp/prestatieafspraken-2023"
    data = (base / "testdorp-prestatieafspraken-2023-kosten.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["Partij", "Bedrag [EUR]", "Maand", "Maand herkomst", "totaalrij",
                       "opmerking", "bron", "herkomst tabel"]
    assert rows[1][2:4] == ["mei", "afgeleid"]
    assert rows[1][6].endswith(", p. 5")
    assert rows[1][7] == "afgeleid: Opgesteld uit de tekst van de afspraak."
    frame = pd.read_csv(io.BytesIO(data))
    assert list(frame.columns) == rows[0] and len(frame) == 2
    record = json.loads((base / "testdorp-prestatieafspraken-2023-kosten.json").read_text("utf-8"))
    assert record["page"] == 5 and record["provenance"]["kind"] == "derived"
    whole = json.loads((project / "build/docs/downloads/testdorp/"
                        "testdorp-prestatieafspraken-2023.json").read_text("utf-8"))
    commitment = whole["chapters"][0]["groups"][0]["commitments"][0]
    assert commitment["page"] == 4 and commitment["provenance"]["kind"] == "repaired"
    assert whole["parties_provenance"]["kind"] == "inferred"
    assert [s["title"] for s in whole["sources"]] == ["Raadsbrief <prestatieafspraken> 2023",
                                                      "Persbericht zonder adres"]


def test_indicator_csv_says_which_points_are_derived() -> None:
    doc = m.Document.model_validate({
        "municipality": "x", "slug": "k", "kind": "framework", "title": "K",
        "period": {"start": 2021, "end": 2025}, "source": {"title": "K", "publisher": "G"},
        "parties": ["g"], "chapters": [{"id": "c", "title": "C", "goals": [{
            "id": "d", "text": "Jaarlijks 2%.", "indicators": [{"id": "i", "name": "I", "points": [
                {"year": 2021, "value": 2,
                 "provenance": {"kind": "derived", "note": "jaarlijks, per jaar opgenomen"}},
                {"year": 2025, "value": 10}]}]}]}]})
    chapter = doc.chapters[0]
    goal = chapter.goals[0]
    frame = pd.read_csv(io.BytesIO(indicator_csv(doc, chapter, goal, goal.indicators[0])),
                        keep_default_na=False)
    assert frame["herkomst"].tolist() == ["afgeleid: jaarlijks, per jaar opgenomen", ""]
    assert frame["waarde"].tolist() == [2, 10]


@pytest.mark.slow
def _block_marks(node: object) -> list[object]:
    """Every provenance in a document that the page shows as a block of its own."""
    from pydantic import BaseModel

    from generator.evidence import Provenance

    if isinstance(node, Provenance):
        return [node]
    if isinstance(node, m.Point | m.Cell):
        return []
    if isinstance(node, BaseModel):
        return [p for name in type(node).model_fields for p in _block_marks(getattr(node, name))]
    if isinstance(node, list):
        return [p for item in node for p in _block_marks(item)]
    return []


def test_built_page_shows_pages_and_markers(project: Path, tmp_path: Path) -> None:
    """In the HTML: the page link points at the PDF's page, the markers are their own
    styled blocks with the note as text (no markup from the data)."""
    site = tmp_path / "site"
    build(Settings(project), site)
    html = (site / "gemeenten/testdorp/prestatieafspraken-2023/index.html").read_text("utf-8")
    page = Page(html)
    assert PDF + "#page=4" in page.links and PDF + "#page=5" in page.links
    assert "bron: p. 4" in page.text
    assert "Bewerkt door de redactie: in de bron: 'isolatle' [sic] & <b>" in page.text
    assert "Afgeleid (niet in de bron): AH WOON staat niet in de <lijst>" in page.text
    # The notes' "<b>" and "<lijst>" are text, never elements.
    tags = {tag for tag, _ in Elements(html).tags}
    assert "b" not in tags and "lijst" not in tags
    # One block per mark of the document, but those of cells and points (said in the
    # table, "afgeleid, noot 1"), counted from the data.
    assert html.count('<p class="provenance">') == len(_block_marks(load_corpus(
        project / "data", project).document("testdorp/prestatieafspraken-2023")))
    assert "https://www.testdorp.nl/raad/brief?id=7&x=y" in page.links
