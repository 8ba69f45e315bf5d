# The bundled data/ itself: every file validates, numbered commitments are
# complete and in order, every table is full, and every printed total agrees
# with the sum of its rows unless the data records the difference in a note on
# that total cell (a difference in the signed source is kept, never fixed).
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator import model as m
from generator.evidence import PROVENANCE_LABELS, Provenance
from generator.schema import render_schemas, undescribed
from generator.validate import Corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT / "data", ROOT)


def test_every_seed_document_is_in_the_data(corpus: Corpus) -> None:
    # The five seeds must stay; any further document is welcome (a subset, not a set).
    refs = {d.ref for d in corpus.documents}
    assert refs >= {
        "tynaarlo/prestatieafspraken-2023",
        "groningen/prestatieafspraken-2021",
        "groningen/ambitiekader-2021-2025",
        "het-hogeland/prestatieafspraken-2026",
        "aa-en-hunze/prestatieafspraken-2024",
    }


def test_every_document_binds_its_municipality(corpus: Corpus) -> None:
    # An invariant of any data set: the file's directory is its municipality, whose
    # own gemeente organisation is a party.
    for doc in corpus.documents:
        assert corpus.files[doc.ref].split("/")[-2] == doc.municipality
        mun = corpus.municipalities[doc.municipality]
        assert (mun.organisation or f"gemeente-{mun.id}") in doc.parties, doc.ref


def _commitments(doc: m.Document) -> list[tuple[m.Chapter, m.Commitment]]:
    out = []
    for top in doc.chapters:
        for chapter in m.iter_chapters([top]):
            for group in chapter.groups:
                out += [(top, c) for c in group.commitments]
    return out


def _numbering_sequences(doc: m.Document) -> dict[str, list[str]]:
    """Printed numbers per numbering scope: the document for plain integers
    ("1".."43"), the top-level chapter for dotted numbers that restart per theme."""
    scopes: dict[str, list[str]] = {}
    for top, c in _commitments(doc):
        if c.number is None:
            continue
        dotted = any(c2.number and "." in c2.number for t2, c2 in _commitments(doc) if t2 is top)
        scope = top.id if dotted else "document"
        scopes.setdefault(scope, []).append(c.number)
    return scopes


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


@pytest.mark.parametrize("ref", [
    "tynaarlo/prestatieafspraken-2023",
    "aa-en-hunze/prestatieafspraken-2024",
    "groningen/prestatieafspraken-2021",
])
def test_numbered_commitments_complete_and_in_order(corpus: Corpus, ref: str) -> None:
    doc = corpus.document(ref)
    for scope, numbers in _numbering_sequences(doc).items():
        assert all(re.fullmatch(r"\d+(\.\d+)?", n) for n in numbers), (scope, numbers)
        keys = [_key(n) for n in numbers]
        assert keys == sorted(keys), f"{ref} {scope}: out of order: {numbers}"
        assert len(set(keys)) == len(keys), f"{ref} {scope}: duplicates: {numbers}"
        tops = [k[0] for k in keys]
        assert sorted(set(tops)) == list(range(1, max(tops) + 1)), f"{ref} {scope}: gap: {numbers}"
        for top in set(tops):
            subs = [k[1] for k in keys if k[0] == top and len(k) > 1]
            assert subs == list(range(1, len(subs) + 1)), f"{ref} {scope}: gap in {top}.x"


def test_tynaarlo_has_its_43_commitments(corpus: Corpus) -> None:
    doc = corpus.document("tynaarlo/prestatieafspraken-2023")
    numbers = [c.number for _, c in _commitments(doc)]
    assert numbers == [str(n) for n in range(1, 44)]
    samenwerking = next(ch for ch in doc.chapters if ch.theme == "samenwerking")
    assert [c.number for g in samenwerking.groups for c in g.commitments] == list("123456")


def test_aa_en_hunze_has_commitments_1_to_55(corpus: Corpus) -> None:
    doc = corpus.document("aa-en-hunze/prestatieafspraken-2024")
    numbers = [c.number for _, c in _commitments(doc) if c.number]
    assert numbers == [str(n) for n in range(1, 56)]


def test_unnumbered_commitments_have_a_kind_in_het_hogeland(corpus: Corpus) -> None:
    doc = corpus.document("het-hogeland/prestatieafspraken-2026")
    commitments = [c for _, c in _commitments(doc)]
    assert commitments and all(c.number is None and c.kind for c in commitments)


def _tables(corpus: Corpus) -> list[tuple[str, m.Table]]:
    return [(f"{d.ref}#{t.id}", t) for d in corpus.documents
            for ch in m.iter_chapters(d.chapters) for t in ch.tables]


def test_every_table_is_full(corpus: Corpus) -> None:
    for name, table in _tables(corpus):
        for row in table.rows:
            assert len(row.values) == len(table.columns), (name, row.label)
            for column, cell in zip(table.columns, row.values, strict=True):
                value = cell.value if isinstance(cell, m.Cell) else cell
                explained = isinstance(cell, m.Cell) and (cell.note or cell.min is not None)
                # An empty cell is allowed where the source is empty; a cell with
                # nothing in it and no explanation is not.
                if value is None and not explained:
                    assert cell is None, (name, row.label, column.id)


def _number(cell: m.CellValue) -> float | None:
    value = cell.value if isinstance(cell, m.Cell) else cell
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def test_printed_totals_match_the_rows(corpus: Corpus) -> None:
    checked = 0
    for name, table in _tables(corpus):
        totals = [row for row in table.rows if row.total]
        parts = [row for row in table.rows if not row.total]
        for total in totals:
            for c, column in enumerate(table.columns):
                printed = _number(total.values[c])
                if column.type != "number" or printed is None:
                    continue
                values = [_number(row.values[c]) for row in parts]
                computed = sum(v for v in values if v is not None)
                cell = total.values[c]
                if round(computed - printed, 6) != 0:
                    assert isinstance(cell, m.Cell) and cell.note, (
                        f"{name} {column.id}: rows add up to {computed}, the total says "
                        f"{printed}; if the source itself differs, record it in a note on "
                        f"the total cell")
                checked += 1
    assert checked >= 5  # the seeds print totals in several tables


def test_committed_schema_is_current() -> None:
    for name, data in render_schemas().items():
        path = ROOT / "schema" / name
        assert path.read_bytes() == data, f"{path} is stale: run `python -m generator schema`"


def test_data_files_point_editors_at_the_schema() -> None:
    for path in sorted((ROOT / "data").glob("*/*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/document.schema.json", path


def test_every_field_of_the_schema_has_a_description() -> None:
    # An editor shows the description on hover; a field without one shows nothing.
    assert undescribed() == []
    schema = json.loads(render_schemas()["document.schema.json"])
    due = schema["$defs"]["Commitment"]["properties"]["due"]["description"]
    assert "2028 t/m 2031" in due  # in a maintainer's words, not a regular expression

# --- status and realisation, shown and never invented -------------------------

def _pages(corpus: Corpus) -> dict[str, str]:
    from generator.pages import plan_pages
    from generator.render import render_pages
    return {path: text.decode("utf-8")
            for path, text in render_pages(plan_pages(corpus, ROOT / "content")).items()}


def test_every_commitment_shows_its_status_and_realised_values_show(corpus: Corpus) -> None:
    from markupsafe import escape

    from generator import urls
    from generator.queries import current_status
    from generator.render import STATUS_LABELS
    pages = _pages(corpus)
    for doc in corpus.documents:
        page = pages[urls.document_page(doc)]
        commitments = [c for _, c in _commitments(doc)]
        shown = re.findall(r'^<p class="commitment-status"><strong>Status:</strong> (.+)</p>$',
                           page, flags=re.M)
        assert len(shown) == len(commitments), doc.ref
        for c, line in zip(commitments, shown, strict=True):
            assert line.startswith(STATUS_LABELS[current_status(c)])
            # Without a reported status, the page says so and claims no date or source.
            assert c.status or line == "niet gerapporteerd"
        for chapter in m.iter_chapters(doc.chapters):
            for table in chapter.tables:
                for column in table.columns:
                    if column.status:  # e.g. Het Hogeland's realised stock 2021-2024
                        assert escape(f"({column.status})") in page, (doc.ref, table.id, column.id)
            for goal in chapter.goals:
                for indicator in goal.indicators:
                    for point in indicator.points:
                        assert (f'<td style="text-align: right;">{point.year}</td>\n'
                                f"<td>{escape(point.kind)}</td>") in page, (doc.ref, indicator.id)

# --- evidence and provenance (evidence.py) -----------------------------------

def _walk(node: object, path: str) -> Iterator[tuple[str, object]]:
    """Every model and value below a document, with a readable path."""
    yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def test_every_page_is_within_its_source(corpus: Corpus) -> None:
    for doc in corpus.documents:
        for path, node in _walk(doc, doc.ref):
            page = getattr(node, "page", None) if isinstance(node, BaseModel) else None
            if page is not None:
                assert page >= 1, path
                assert doc.source.pages is None or page <= doc.source.pages, path


def test_every_provenance_explains_itself(corpus: Corpus) -> None:
    """An editorial act is never shown without its reason, and the reason is not
    the bare label ("afgeleid") again."""
    for doc in corpus.documents:
        for path, node in _walk(doc, doc.ref):
            if isinstance(node, Provenance):
                assert node.kind in PROVENANCE_LABELS, path
                assert len(node.note.split()) >= 3, path
