# Reusing rendered pages (generator/rendercache.py) is only right if a page reads no
# document outside its scope. Each document is changed in turn (every text and its
# title), in memory, and every page whose key stayed the same must render byte for
# byte as before: a scope that leaves out a document the page shows fails here. Run
# on the bundled data (several municipalities, a merger) and on a slice of the
# national benchmark's corpus (organisations shared between municipalities).
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from generator import concreteness
from generator import model as m
from generator.pages import plan_pages
from generator.queries import Queries
from generator.render import count_commitments, render_pages
from generator.rendercache import Entry, Rendered, page_keys
from generator.validate import Corpus, load_corpus
from tests.test_bench import load_bench

ROOT = Path(__file__).resolve().parent.parent


def _texts_edited(value: Any) -> Any:
    """Every text of a document's data, and its title, with a word appended."""
    if isinstance(value, dict):
        return {k: (v + " gewijzigd" if k in ("text", "title") and isinstance(v, str) else _texts_edited(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_texts_edited(v) for v in value]
    return value


def _themes_dropped(value: Any) -> Any:
    """No chapter of the document on a theme: it leaves the theme's pages."""
    if isinstance(value, dict):
        return {k: (None if k == "theme" else _themes_dropped(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_themes_dropped(v) for v in value]
    return value


EDITS = [_texts_edited, _themes_dropped]


def with_document_edited(corpus: Corpus, ref: str, edit: Any = _texts_edited) -> Corpus:
    documents = [m.Document.model_validate(edit(d.model_dump(by_alias=True))) if d.ref == ref else d
                 for d in corpus.documents]
    return dataclasses.replace(corpus, documents=documents,
                               digests={**corpus.digests, ref: f"{corpus.digests[ref]}-{edit.__name__}"})


def rendered(corpus: Corpus) -> tuple[dict[str, str], dict[str, bytes]]:
    planned = plan_pages(corpus, ROOT / "content", Queries.build(corpus))
    return page_keys(planned, corpus.digests, ""), render_pages(planned)


def check_scopes(corpus: Corpus) -> None:
    keys, pages = rendered(corpus)
    assert keys, "no page has a scope"
    for doc in corpus.documents:
        for edit in EDITS:
            new_keys, new_pages = rendered(with_document_edited(corpus, doc.ref, edit))
            same = [path for path, key in new_keys.items() if keys.get(path) == key]
            stale = [path for path in same if new_pages[path] != pages[path]]
            assert not stale, f"{doc.ref} changed ({edit.__name__}), and these pages with the same key: {stale}"
            assert len(same) < len(new_keys), f"no page's key changed with {doc.ref}"


def test_a_page_whose_key_stays_renders_the_same_on_the_bundled_data() -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    if len(corpus.municipalities) > 1:  # else every page's scope is every document
        check_scopes(corpus)


def test_a_page_whose_key_stays_renders_the_same_on_a_national_slice(tmp_path: Path) -> None:
    load_bench().write_corpus(tmp_path, 3)
    corpus = load_corpus(tmp_path / "data", tmp_path)
    keys, _ = rendered(corpus)
    # The pages of the other municipalities keep their keys: the check above is not empty.
    edited_keys, _ = rendered(with_document_edited(corpus, corpus.documents[0].ref))
    assert any(keys[path] == key for path, key in edited_keys.items())
    _, pages = rendered(corpus)
    for doc in corpus.documents[:: len(corpus.documents) // 6]:
        for edit in EDITS:
            new_keys, new_pages = rendered(with_document_edited(corpus, doc.ref, edit))
            stale = [path for path, key in new_keys.items()
                     if keys.get(path) == key and new_pages[path] != pages[path]]
            assert not stale, f"{doc.ref} changed ({edit.__name__}), and these pages with the same key: {stale}"


def test_the_record_is_removed_when_read_and_ignored_from_other_code(tmp_path: Path) -> None:
    record = Rendered.load(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/a.md").write_text("a", encoding="utf-8")
    entry = Entry("k1", ["a.md"], [{"id": "x"}])
    record.keep("a.md", entry)
    record.save()
    again = Rendered.load(tmp_path)
    # Read once: a build that stops after this leaves no record behind.
    assert not (tmp_path / "rendered.json").exists()
    assert again.reusable("a.md", "k1", tmp_path / "docs") == entry
    assert again.reusable("a.md", "k2", tmp_path / "docs") is None
    (tmp_path / "docs/a.md").unlink()
    assert again.reusable("a.md", "k1", tmp_path / "docs") is None  # its file is gone
    again.save()
    (tmp_path / "rendered.json").write_text('{"version": "other", "units": {}}', encoding="utf-8")
    assert Rendered.load(tmp_path).last == {}


@pytest.mark.parametrize("text", ["", "not json", '{"version": 1}', "[]"])
def test_a_damaged_record_is_ignored(tmp_path: Path, text: str) -> None:
    (tmp_path / "rendered.json").write_text(text, encoding="utf-8")
    assert Rendered.load(tmp_path).last == {}


def test_concreteness_assessed_before_is_taken_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    fresh = Queries.build(corpus)
    known = {}
    for doc in corpus.documents:
        decoded = concreteness.decode(concreteness.encode(fresh.assessed(doc)), count_commitments(doc))
        assert decoded == fresh.assessed(doc)
        known[doc.ref] = decoded
    assert concreteness.decode("12", 3) is None and concreteness.decode("19", 2) is None
    assert concreteness.decode(["1"], 1) is None

    def no_rules(*args: object) -> None:
        raise AssertionError("assessed again")

    monkeypatch.setattr(concreteness, "assess", no_rules)
    again = Queries.build(corpus, known)
    for doc in corpus.documents:
        assert again.assessed(doc) == fresh.assessed(doc)
        assert again.tally("document", doc.ref) == fresh.tally("document", doc.ref)
    assert again.tally("alle") == fresh.tally("alle")
