# End to end: the whole site built from data/ with a strict MkDocs build. Every
# commitment is on its page under its anchor with its text as written, every
# table value is shown, and no page loads anything from another host.
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import model as m
from generator import urls
from generator.evidence import PROVENANCE_LABELS, Provenance
from generator.formatting import amount, cell_text, date_nl
from generator.validate import load_corpus

from .htmltext import Page, plain

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
CORPUS = load_corpus(ROOT / "data", ROOT)


def html_page(site: Path, page_path: str) -> Page:
    return Page((site / urls.page_url(page_path) / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("doc", CORPUS.documents, ids=lambda d: d.ref)
def test_every_commitment_is_on_its_page_under_its_anchor(built_site: Path, doc: m.Document) -> None:
    page = html_page(built_site, urls.document_page(doc))
    for chapter in m.iter_chapters(doc.chapters):
        assert chapter.id in page.ids
        for group in chapter.groups:
            for c in group.commitments:
                assert c.id in page.ids, c.id
                assert plain(c.text) in page.text, c.id
                for item in c.items:
                    assert plain(item.text) in page.text, c.id
        for goal in chapter.goals:
            assert goal.id in page.ids
            assert plain(goal.text) in page.text, goal.id


@pytest.mark.parametrize("doc", CORPUS.documents, ids=lambda d: d.ref)
def test_every_table_value_is_shown(built_site: Path, doc: m.Document) -> None:
    page = html_page(built_site, urls.document_page(doc))
    for chapter in m.iter_chapters(doc.chapters):
        for table in chapter.tables:
            assert table.id in page.ids
            for row in table.rows:
                assert plain(row.label) in page.text
                for column, cell in zip(table.columns, row.values, strict=True):
                    shown = cell_text(cell, column)
                    if shown:
                        assert plain(shown) in page.text, (table.id, row.label, column.id)
            for fmt in ("csv", "json"):
                assert (built_site / urls.table_download(doc, table, fmt)).is_file()


def test_tynaarlo_page_reads_the_dutch_way(built_site: Path) -> None:
    doc = CORPUS.document("tynaarlo/prestatieafspraken-2023")
    page = html_page(built_site, urls.document_page(doc))
    signing = doc.signing
    assert signing is not None and signing.date is not None
    assert f"{date_nl(signing.date)} in {signing.place}" in page.text
    for signatory in signing.signatories:
        assert signatory.person in page.text
    table = next(t for ch in m.iter_chapters(doc.chapters) for t in ch.tables)
    total = next(r for r in table.rows if r.total).values[0]
    shown = amount(total.value if isinstance(total, m.Cell) else total, "EUR")  # type: ignore[arg-type]
    assert re.fullmatch(r"€ \d{1,3}(\.\d{3})+", shown)  # Dutch thousands separator
    assert shown in page.text
    for box in (b for ch in m.iter_chapters(doc.chapters) for b in ch.boxes):
        assert box.title in page.text


def test_municipality_and_home_pages_list_the_documents(built_site: Path) -> None:
    home = html_page(built_site, urls.home())
    for mun in CORPUS.municipalities.values():
        assert mun.name in home.text
        page = html_page(built_site, urls.municipality_page(mun.id))
        for doc in CORPUS.documents_of(mun.id):
            assert doc.title in page.text


def test_no_page_loads_from_another_host(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path
        for url in Page(html).resources:
            assert not url.startswith(("http:", "https:", "//")), (path, url)


def test_two_builds_are_identical(built_site: Path, tmp_path: Path) -> None:
    from generator.pipeline import Settings, build

    second = tmp_path / "site"
    build(Settings(ROOT), second)
    first_files = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    for rel in first_files:
        if rel.suffix == ".gz":  # sitemap.xml.gz embeds no date but gzip headers may differ
            continue
        assert (built_site / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_the_attributes_given_to_the_navigation_change_no_page(built_site: Path, tmp_path: Path) -> None:
    """hooks/generate.py gives navigation items the attributes Material asks of them
    (for speed); the site built without that is the same, page for page."""
    from generator.pipeline import Settings, build

    from .conftest import make_project

    root = make_project(tmp_path / "root", ROOT / "data")
    hook = root / "hooks" / "generate.py"
    source = hook.read_text(encoding="utf-8")
    given = "def _give_asked(items: Iterable[Any]) -> None:\n"
    assert given in source
    hook.write_text(source.replace(given, given + "    return\n"), encoding="utf-8")
    build(Settings(root), root / "site")
    pages = sorted(p.relative_to(built_site) for p in built_site.rglob("*.html"))
    assert pages == sorted(p.relative_to(root / "site") for p in (root / "site").rglob("*.html"))
    for rel in pages:
        assert (root / "site" / rel).read_bytes() == (built_site / rel).read_bytes(), rel


@pytest.mark.parametrize("doc", CORPUS.documents, ids=lambda d: d.ref)
def test_downloads_hold_exactly_the_numbers_of_the_data(built_site: Path, doc: m.Document) -> None:
    import csv
    import json

    from generator.export import with_labels

    for chapter in m.iter_chapters(doc.chapters):
        for table in chapter.tables:
            record = json.loads((built_site / urls.table_download(doc, table, "json")).read_text("utf-8"))
            assert [r["label"] for r in record["rows"]] == [r.label for r in table.rows]
            for row, saved in zip(table.rows, record["rows"], strict=True):
                for column, cell in zip(table.columns, row.values, strict=True):
                    expected = cell.model_dump(mode="json", exclude_none=True,
                                               exclude_defaults=True) if isinstance(cell, m.Cell) else cell
                    # With the Dutch label beside each provenance code (export.with_labels).
                    assert saved["values"][column.id] == with_labels(expected)
            assert record["source"].startswith(doc.source.title)
            rows = list(csv.reader((built_site / urls.table_download(doc, table, "csv"))
                                   .read_text("utf-8").splitlines()))
            assert len(rows) == 1 + len(table.rows)  # the header, then one line per row
        for goal in chapter.goals:
            for indicator in goal.indicators:
                record = json.loads((built_site / urls.indicator_download(doc, indicator, "json"))
                                    .read_text("utf-8"))
                assert record["points"] == [with_labels(p.model_dump(mode="json", exclude_none=True))
                                            for p in indicator.points]


# --- evidence and provenance (evidence.py) -----------------------------------

def _provenances(node: object) -> list[Provenance]:
    if isinstance(node, Provenance):
        return [node]
    if isinstance(node, m.Model):
        return [p for name in type(node).model_fields for p in _provenances(getattr(node, name))]
    if isinstance(node, list):
        return [p for item in node for p in _provenances(item)]
    return []


def _provenance_cells(doc: m.Document) -> list[Provenance]:
    return [cell.provenance for ch in m.iter_chapters(doc.chapters) for t in ch.tables
            for row in t.rows for cell in row.values
            if isinstance(cell, m.Cell) and cell.provenance]


@pytest.mark.parametrize("doc", CORPUS.documents, ids=lambda d: d.ref)
def test_every_editorial_act_is_shown_with_its_note(built_site: Path, doc: m.Document) -> None:
    """Nothing the editors repaired, derived or inferred reads as signed text: each
    provenance appears on the page with its label and note, in a marked block or
    in the notes of its table."""
    page = html_page(built_site, urls.document_page(doc))
    for provenance in _provenances(doc):
        label = PROVENANCE_LABELS[provenance.kind]
        note = plain(provenance.note)
        assert (f"{label[0].upper()}{label[1:]}: {note}" in page.text
                or f"{label}: {note}" in page.text), note
    if _provenances(doc):
        html = (built_site / urls.page_url(urls.document_page(doc)) / "index.html").read_text(
            encoding="utf-8")
        if [p for p in _provenances(doc) if p not in _provenance_cells(doc)]:
            assert 'class="provenance"' in html
        # A marked value in a table is marked in its cell, with the note below the table.
        for cell in _provenance_cells(doc):
            assert f"{PROVENANCE_LABELS[cell.kind]}, noot" in page.text


def _links_by_text(html: str, base: str) -> dict[str, set[str]]:
    """Each link's text (tags stripped) -> the site paths it points to, resolved from `base`."""
    import html as html_lib
    import posixpath

    found: dict[str, set[str]] = {}
    for href, inner in re.findall(r'<a href="([^"#]*)"[^>]*>(.*?)</a>', html, re.S):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        found.setdefault(text, set()).add(posixpath.normpath(posixpath.join(base, href)) + "/")
    return found


def test_an_organisation_is_reached_by_its_name(built_site: Path) -> None:
    """On the organisations list the name is the link to the organisation's page, and a
    municipality page's parties link to their own pages, not to the list."""
    index = urls.page_url(urls.organisations_index())
    listed = _links_by_text((built_site / index / "index.html").read_text(encoding="utf-8"), index)
    for org in CORPUS.organisations.values():
        assert urls.page_url(urls.organisation_page(org.id)) in listed.get(org.short_name, set()), org.id
    for mun in CORPUS.municipalities.values():
        path = urls.page_url(urls.municipality_page(mun.id))
        links = _links_by_text((built_site / path / "index.html").read_text(encoding="utf-8"), path)
        for org_id in {p for d in CORPUS.documents if d.municipality == mun.id for p in d.parties}:
            org = CORPUS.organisations[org_id]
            assert links.get(org.name) == {urls.page_url(urls.organisation_page(org.id))}, (mun.id, org.id)
