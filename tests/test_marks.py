# Every mark travels with its value (records.py): for each value of a commitment the
# editors did not take as printed, every output that shows the value shows the mark —
# the preview page, the register's CSV and JSON, the citation data on the document page,
# the organisation and theme pages, the feeds and the search metadata. Walked over the
# fixture corpus and over data/, from one generation of each. And every commitment is
# cited alike by no other, with a label that is never cut.
from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import escape

from generator import model as m
from generator import urls
from generator.evidence import PROVENANCE_LABELS
from generator.markup import inline
from generator.pipeline import Generated, Settings, generate
from generator.queries import Queries
from generator.records import MARKED_FIELDS, CommitmentRecord, Marked, MarkedField
from generator.register import COMMITMENTS
from generator.render import PageContext

from .conftest import FIXTURE_CORPUS, ROOT, make_project

ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Site:
    generated: Generated
    records: list[CommitmentRecord]
    search: dict[str, dict[str, object]]
    share: dict[str, dict[str, object]]

    def text(self, path: str) -> str:
        return self.generated.files[path].decode("utf-8")


def _site(tmp: Path, data: Path) -> Site:
    root = make_project(tmp, data)
    settings = Settings(root)
    generated = generate(settings)
    records = list(Queries.build(generated.corpus).records.values())
    search = json.loads(settings.search_file.read_text(encoding="utf-8"))
    share = json.loads(settings.share_file.read_text(encoding="utf-8"))
    return Site(generated, records, search, share)


@pytest.fixture(scope="module", params=["fixture", "data"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    data = FIXTURE_CORPUS if request.param == "fixture" else ROOT / "data"
    return _site(tmp_path_factory.mktemp(request.param), data)


def marked(site: Site) -> list[tuple[CommitmentRecord, MarkedField, Marked[object]]]:
    return [(r, f, v) for r in site.records for f, v in r.marked()]


def test_the_fixture_has_a_mark_of_every_kind_of_field() -> None:
    """Without marked values the walk below proves nothing: the fixture has a marked
    text, a party list the editors inferred and a heading they derived."""
    from generator.validate import load_corpus

    corpus = load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)
    fields = {f.attr for r in Queries.build(corpus).records.values() for f, _ in r.marked()}
    assert {"text", "parties", "citation"} <= fields


def test_preview_pages_show_every_mark(site: Site) -> None:
    for r, f, v in marked(site):
        page = site.text(urls.commitment_preview(r.doc, r.id))
        assert html.escape(v.note or "") in page, (r.doc.ref, r.id, f.attr)
        # A link preview shows the description only: the marks come first in it.
        description = page.split('<meta property="og:description" content="', 1)[1].split('"', 1)[0]
        assert description.startswith(html.escape(f"[{f.name_nl}: {v.label}")) or (
            html.escape(f"{f.name_nl}: {v.label}") in description.split("]", 1)[0]), (r.id, f.attr)


def _register_rows(site: Site) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, object]]]:
    rows = csv.DictReader(io.StringIO(site.text(COMMITMENTS.csv_path)))
    by_link = {row["permalink"]: row for row in rows}
    as_json = {row["permalink"]: row for row in json.loads(site.text(COMMITMENTS.json_path))}
    return by_link, as_json


def test_the_register_has_a_provenance_column_per_marked_field(site: Site) -> None:
    by_link, as_json = _register_rows(site)
    for r in site.records:
        link = urls.page_url(urls.document_page(r.doc)) + "#" + r.id
        for f in MARKED_FIELDS:
            note = f.get(r).note
            assert as_json[link][f.column] == note, (r.id, f.column)
            shown = by_link[link][f.column]
            assert shown == (note or "") or shown == "'" + (note or ""), (r.id, f.column)


def test_citation_data_on_the_document_page_carries_every_mark(site: Site) -> None:
    for r in site.records:
        page = site.text(urls.document_page(r.doc))
        div = next(line for line in page.splitlines()
                   if f'data-cite-path="{escape(r.citation.path)}"' in line)
        marks = div.split('data-cite-marks="', 1)[1].split('"', 1)[0]
        for f, v in r.marked():
            assert str(escape(v.note)) in marks, (r.id, f.attr)
        if not any(True for _ in r.marked()):
            assert marks == ""
        assert f'data-cite-label="{escape(r.citation.label.value)}"' in div
        assert f'data-cite-year="{r.citation.year}"' in div


def _line_linking(text: str, link: str) -> str:
    lines = [line for line in text.splitlines() if f'href="{link}"' in line]
    assert len(lines) == 1, link
    return lines[0]


def test_organisation_pages_mark_what_rests_on_an_inferred_party_list(site: Site) -> None:
    corpus = site.generated.corpus
    for r in site.records:
        for party in r.parties.value:
            path = urls.organisation_page(party)
            page = site.text(path)
            line = _line_linking(page, PageContext(path, corpus).link(urls.document_page(r.doc), r.id))
            for f, v in r.marked():
                if f.attr in ("text", "parties"):
                    assert f"<em>{inline(f'{f.name_nl}: {v.label}')}</em>" in line, (party, r.id, f.attr)
            inferred_heading = f'<h2 id="{urls.INFERRED_ANCHOR}">'
            if r.parties.mark:
                # listed apart, with what the editors based it on
                inferred = page.split(inferred_heading, 1)[1]
                assert line in inferred and inline(r.parties.mark.note) in inferred, (party, r.id)
            else:
                assert line not in page.split(inferred_heading, 1)[-1] or \
                    inferred_heading not in page or \
                    line in page.split(">Afspraken van voorgangers<", 1)[-1], (party, r.id)


def test_theme_lists_mark_every_value_they_show(site: Site) -> None:
    corpus = site.generated.corpus
    for r in site.records:
        if r.theme is None:
            continue
        province = m.province_of(corpus.municipalities[r.doc.municipality])
        path = urls.theme_province_page(r.theme, province)
        line = _line_linking(site.text(path), PageContext(path, corpus).link(urls.document_page(r.doc), r.id))
        for f, v in r.marked():
            if f.attr in ("text", "parties", "due"):
                assert f"<em>{inline(f'{f.name_nl}: {v.label}')}</em>" in line, (r.id, f.attr)


def test_feed_entries_carry_the_marks(site: Site) -> None:
    seen = 0
    for path, data in site.generated.files.items():
        if not path.startswith(f"{urls.FEEDS}/"):
            continue
        feed = ET.fromstring(data)
        for entry in feed.iter(f"{ATOM}entry"):
            href = entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
            for r in site.records:
                if href.endswith(urls.page_url(urls.document_page(r.doc)) + "#" + r.id):
                    summary = entry.findtext(f"{ATOM}summary") or ""
                    title = entry.findtext(f"{ATOM}title") or ""
                    assert title.startswith(r.citation.title), href
                    for f, v in r.marked():
                        assert v.note and v.note in summary, (path, r.id, f.attr)
                        seen += 1
    if any(r.source.status and r.marks_text() for r in site.records):
        assert seen  # the fixture has one: a reported status under a derived heading


def test_search_metadata_names_the_marks_of_a_document(site: Site) -> None:
    for r, f, v in marked(site):
        meta = site.search[urls.document_page(r.doc)]["meta"]
        assert isinstance(meta, dict)
        assert f"{f.name_nl}: {v.label}" in meta["herkomst"], (r.doc.ref, f.attr)
    for doc in site.generated.corpus.documents:
        if doc.parties_provenance:  # the document's party list, in search and link previews
            label = PROVENANCE_LABELS[doc.parties_provenance.kind]
            meta = site.search[urls.document_page(doc)]["meta"]
            assert isinstance(meta, dict) and f"Partijen: {label}" in meta["herkomst"]
            description = site.share[urls.document_page(doc)]["description"]
            assert isinstance(description, str) and html.escape(f"(partijen {label})") in description


# --- citations ----------------------------------------------------------------------


def test_no_two_commitments_cite_alike(site: Site) -> None:
    titles = Counter(r.citation.title for r in site.records)
    assert [t for t, n in titles.items() if n > 1] == []
    previews = Counter()
    for r in site.records:
        page = site.text(urls.commitment_preview(r.doc, r.id))
        og = page.split('<meta property="og:title" content="', 1)[1].split('"', 1)[0]
        h1 = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
        assert og == h1 == html.escape(r.citation.title), r.id  # the same label everywhere
        previews[og] += 1
    assert [t for t, n in previews.items() if n > 1] == []


def test_a_citation_is_never_cut_and_always_dated(site: Site) -> None:
    for r in site.records:
        c = r.citation
        assert "…" not in c.label.value and "..." not in c.label.value, c.label.value
        if r.number:
            assert c.label.value.endswith(f"afspraak {r.number}") or f"afspraak {r.number} (" in c.label.value
        signing = r.doc.signing.date if r.doc.signing else None
        assert c.signed == signing
        assert c.year == (signing.year if signing else r.doc.period.start)


def test_citations_stay_unique_where_the_source_repeats_itself() -> None:
    """Any valid data set: a number printed twice under one heading, bullets, and two
    documents of one municipality with the same title still cite alike nowhere."""
    from generator.records import corpus_records
    from generator.validate import load_corpus

    corpus = load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)
    doc = corpus.document("testdorp/prestatieafspraken-2024")
    data = doc.model_dump(exclude_unset=True)  # dates stay dates (the model takes no text for one)
    commitments = data["chapters"][0]["groups"][0]["commitments"]
    assert len(commitments) >= 2
    for c in commitments:
        c["number"] = "1"  # printed twice
    twin = dict(data, slug="prestatieafspraken-2024-herzien")
    bullets = dict(data, slug="opsomming")
    bullets["chapters"] = [dict(data["chapters"][0], groups=[dict(
        data["chapters"][0]["groups"][0], commitments=[{k: v for k, v in c.items() if k != "number"}
                                                       for c in commitments])])]
    docs = [m.Document.model_validate(d) for d in (data, twin, bullets)]
    records = list(corpus_records(docs, corpus.municipalities).values())
    titles = [r.citation.title for r in records]
    assert len(titles) == len(set(titles)), titles
    assert all("…" not in t for t in titles)
    first, second = records[0].citation.label.value, records[1].citation.label.value
    assert first.endswith("afspraak 1") and second.endswith("afspraak 1 (2e keer)")
    assert [r.citation.label.value.rsplit(", ", 1)[1] for r in records if r.doc.slug == "opsomming"][:2] == [
        "1e afspraak (zonder nummer)", "2e afspraak (zonder nummer)"]


def test_a_mark_on_a_due_date_or_own_party_list_reaches_every_output(tmp_path: Path) -> None:
    """A mark the data format may carry later (on a due date, on a commitment's own
    parties) travels like the others once the record has it: the document page, the
    preview, the register and the theme list all show it, and nothing else changes."""
    from dataclasses import replace

    from generator.evidence import Provenance
    from generator.pages import plan_pages
    from generator.previews import render_previews
    from generator.register import commitment_rows
    from generator.render import render_pages
    from generator.validate import load_corpus

    corpus = load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)
    queries = Queries.build(corpus)
    key = ("testdorp/prestatieafspraken-2024", "afspraak-1")
    r = queries.records[key]
    assert r.due.value and r.parties.mark is None
    when = Provenance(kind="derived", note='De bron zegt "in Q1"; het jaar is dat van het document.')
    who = Provenance(kind="inferred", note="De bron zegt <partijen> & niet wie.")
    queries.records[key] = replace(r, due=Marked(r.due.value, when), parties=Marked(r.parties.value, who))
    queries._by_party.clear()  # the lists read the records: index them again
    queries._by_theme.clear()
    queries._index_entries()

    pages = render_pages(plan_pages(corpus, ROOT / "content", queries))
    doc_page = pages[urls.document_page(r.doc)].decode()
    meta = next(line for line in doc_page.splitlines()
                if line.startswith('<p class="commitment-meta">') and escape(who.note) in line)
    assert f"<em>{escape('afgeleid: ' + when.note)}</em>" in meta
    assert f"<em>{escape('afgeleid (niet in de bron): ' + who.note)}</em>" in meta
    preview = render_previews(corpus, "Site", "", queries)[urls.commitment_preview(r.doc, r.id)].decode()
    assert html.escape(when.note) in preview and html.escape(who.note) in preview
    row = next(row for row in commitment_rows(corpus, queries.records) if row["id"] == r.id
               and row["document"] == r.doc.ref)
    assert row["herkomst_uiterlijk"] == "afgeleid: " + when.note
    assert row["herkomst_partijen"] == "afgeleid (niet in de bron): " + who.note
    assert r.theme is not None
    theme_page = pages[urls.theme_province_page(r.theme, m.province_of(
        corpus.municipalities[r.doc.municipality]))].decode()
    line = next(line for line in theme_page.splitlines() if f'#{r.id}"' in line and "2024" in line)
    assert "<em>Wanneer: afgeleid</em>" in line and "<em>Wie: afgeleid (niet in de bron)</em>" in line


HTML_LINK = re.compile(r'<a href="(?P<href>[^"]*)">(?P<text>[^<]*)</a>')


def test_every_link_labelled_with_a_marked_text_carries_its_mark(site: Site) -> None:
    """A commitment without a printed number is named by its opening words: wherever a
    page links to it so (lists, lineage, comparisons between years), the text's mark
    follows the link."""
    for r in site.records:
        if r.number or r.text.mark is None:
            continue
        wanted_html = f"<em>{inline(f'Tekst: {r.text.label}')}</em>"
        found = 0
        for path, data in site.generated.files.items():
            if not path.endswith(".md") or path.startswith(urls.DOWNLOADS):
                continue
            for line in data.decode("utf-8").splitlines():
                for link in HTML_LINK.finditer(line):
                    if link["href"].endswith(f"#{r.id}") and link["text"].endswith(inline(r.heading)):
                        found += 1
                        assert wanted_html in line[link.end():].split("; <a", 1)[0], (path, r.id)
        assert found, r.id  # linked at least from its organisations' pages


# --- the parties a chapter binds, as the editors read them ---------------------------

CHAPTER_WHO = "De bron zegt alleen dat AH WOON 'hier niet aan meedoet' & <niet meer>."


def _chapter_binds(data: Path) -> None:
    """The 2024 document's first chapter binds the municipality and Woonborg only, a list
    the editors inferred; its group acts as exactly those, a second group as Woonborg."""
    path = data / "testdorp/prestatieafspraken-2024.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ("    theme: betaalbaarheid\n",
         "    theme: betaalbaarheid\n    parties: [gemeente-testdorp, woonborg]\n"
         f"    parties_provenance: {{kind: inferred, note: \"{CHAPTER_WHO}\"}}\n"),
        ("        actors: [gemeente-testdorp, woonborg, ah-woon]\n",
         "        actors: [woonborg, gemeente-testdorp]\n"),
        ("    tables:\n",
         "      - actors: [woonborg]\n        commitments:\n          - id: afspraak-3\n"
         "            text: Woonborg meldt de huurverhoging.\n    tables:\n"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_a_chapters_inferred_parties_mark_who_is_responsible_where_they_are_its_list(
        tmp_path: Path) -> None:
    data = tmp_path / "corpus"
    import shutil

    shutil.copytree(FIXTURE_CORPUS, data)
    _chapter_binds(data)
    site = _site(tmp_path / "site", data)
    records = {r.id: r for r in site.records if r.doc.ref == "testdorp/prestatieafspraken-2024"}
    chapter = site.generated.corpus.document("testdorp/prestatieafspraken-2024").chapters[0]
    # The group acts as the chapter's list: the chapter's mark is who's mark.
    assert records["afspraak-1"].parties.mark is chapter.parties_provenance
    assert records["afspraak-1"].parties.note == f"afgeleid (niet in de bron): {CHAPTER_WHO}"
    # Its own parties, or a group that names fewer: as the source prints them.
    assert records["afspraak-2"].parties.mark is None
    assert records["afspraak-3"].parties.mark is None
    page = site.text(urls.document_page(records["afspraak-1"].doc))
    bound = page.split('<p class="chapter-parties">Dit hoofdstuk bindt alleen: '
                       "Gemeente Testdorp, Woonborg</p>\n", 1)[1]
    assert bound.startswith('<p class="provenance">Partijen van dit hoofdstuk: '
                            f"<strong>Afgeleid (niet in de bron):</strong> {escape(CHAPTER_WHO)}</p>\n")
    meta = '<p class="commitment-meta"><strong>Wie:</strong> '
    who = [line for line in page.splitlines() if line.startswith(meta)]
    assert who[0].startswith(f"{meta}Woonborg, Gemeente Testdorp "
                             f"(<em>{escape('afgeleid (niet in de bron): ' + CHAPTER_WHO)}</em>) · ")
    assert [line.split(" · ")[0].removesuffix("</p>") for line in who[1:3]] == [f"{meta}Woonborg"] * 2
    by_link, as_json = _register_rows(site)
    link = urls.page_url(urls.document_page(records["afspraak-1"].doc)) + "#afspraak-1"
    assert as_json[link]["herkomst_partijen"] == f"afgeleid (niet in de bron): {CHAPTER_WHO}"
    assert by_link[link]["herkomst_partijen"] == f"afgeleid (niet in de bron): {CHAPTER_WHO}"
    # and on every other output, as any mark of who (the walks above)
    test_preview_pages_show_every_mark(site)
    test_organisation_pages_mark_what_rests_on_an_inferred_party_list(site)
    test_theme_lists_mark_every_value_they_show(site)


def test_a_chapter_parties_mark_needs_the_chapters_parties(corpus_dir: Path) -> None:
    from .test_validate import DOC, edit, problems

    edit(corpus_dir, "    theme: betaalbaarheid\n",
         "    theme: betaalbaarheid\n    parties_provenance: {kind: inferred, note: Gelezen.}\n")
    assert problems(corpus_dir) == [
        f"{DOC}:20:25: chapters[0].parties_provenance: marks the chapter's 'parties', but the "
        "chapter has none; give 'parties' (the parties it binds) or remove the mark"]
