# Reusing rendered pages (generator/rendercache.py) is only right if a page reads no
# document outside its scope. Each document is changed in turn (every text and its
# title), in memory, and every page whose key stayed the same must render byte for
# byte as before: a scope that leaves out a document the page shows fails here. Run
# on the bundled data (several municipalities, a merger) and on a slice of the
# national benchmark's corpus (organisations shared between municipalities).
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from generator import concreteness, urls
from generator import model as m
from generator.pages import plan_pages
from generator.queries import Queries
from generator.render import count_commitments, render_pages
from generator.rendercache import FORGOTTEN, Entry, Rendered, forget, page_keys
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


def _numbers_changed(value: Any, key: str = "") -> Any:
    """Every number of its tables and indicators one more: what its charts draw changes."""
    if isinstance(value, dict):
        return {k: _numbers_changed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_changed(v, key) for v in value]
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return value + 1 if number and key in ("values", "value", "min", "max") else value


EDITS = [_texts_edited, _themes_dropped, _numbers_changed]


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


# --- a document's previews and downloads (pipeline._render) ------------------------


def document_units(corpus: Corpus) -> tuple[dict[str, str], dict[str, dict[str, bytes]]]:
    """Unit -> key and unit -> files, for every document's previews, downloads and chart
    embeds (whose scope is its page's, pipeline.py)."""
    from generator.export import export_all
    from generator.previews import document_previews, preview_scopes
    from generator.register import csv_files, table_workbooks
    from generator.rendercache import scopes, unit_keys, unit_name
    from generator.share import document_embeds, feed_scopes, render_feeds

    site_url = "https://example.org/"
    linked = scopes(corpus.documents, corpus.municipalities)
    queries = Queries.build(corpus)
    # A feed's scope is its page's (pipeline.py), as the pages are planned.
    page_scopes = {page.path: page.scope for page in plan_pages(corpus, ROOT / "content", queries)}
    feeds = {path: scope for path, scope in feed_scopes(corpus, page_scopes).items() if scope is not None}
    assert feeds, "no feed has a scope"
    keys = {**unit_keys("previews", preview_scopes(corpus), corpus.digests, site_url),
            **unit_keys("downloads", {d.ref: [d.ref] for d in corpus.documents}, corpus.digests, site_url),
            **unit_keys("embeds", {d.ref: linked[d.municipality] for d in corpus.documents}, corpus.digests,
                        site_url),
            **unit_keys("feed", feeds, corpus.digests, site_url)}
    files = {unit_name("previews", ref): own for ref, own in
             document_previews(corpus, "Site", site_url, queries).items()}
    files.update({unit_name("feed", path): {path: data}
                  for path, data in render_feeds(corpus, queries, site_url, feeds).items()})
    files.update({unit_name("embeds", ref): own for ref, own in
                  document_embeds(corpus, queries, corpus.documents).items()})
    for doc in corpus.documents:
        own = export_all(corpus, [doc])
        files[unit_name("downloads", doc.ref)] = {**own, **table_workbooks(corpus, csv_files(own))}
    return keys, files


def check_unit_scopes(corpus: Corpus, documents: list[m.Document]) -> None:
    keys, files = document_units(corpus)
    for doc in documents:
        for edit in EDITS:
            edited_keys, edited_files = document_units(with_document_edited(corpus, doc.ref, edit))
            stale = [unit for unit, key in edited_keys.items()
                     if keys[unit] == key and edited_files[unit] != files[unit]]
            assert not stale, f"{doc.ref} changed ({edit.__name__}), and these units with the same key: {stale}"
        new_keys = document_units(with_document_edited(corpus, doc.ref))[0]
        changed = {unit for unit, key in new_keys.items() if keys[unit] != key}
        assert {f"previews:{doc.ref}", f"downloads:{doc.ref}", f"embeds:{doc.ref}"} <= changed
        # Its municipality's feed lists it.
        assert f"feed:{urls.municipality_feed(doc.municipality)}" in changed
        assert len(changed) < len(keys), "every unit's key changed"


def test_previews_and_downloads_whose_key_stays_render_the_same_on_the_bundled_data() -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    check_unit_scopes(corpus, corpus.documents)


def test_previews_and_downloads_whose_key_stays_render_the_same_on_a_national_slice(tmp_path: Path) -> None:
    load_bench().write_corpus(tmp_path, 3)
    corpus = load_corpus(tmp_path / "data", tmp_path)
    check_unit_scopes(corpus, corpus.documents[:: len(corpus.documents) // 6])


def test_two_documents_of_one_title_are_each_others_previews_scope(tmp_path: Path) -> None:
    """A commitment is cited with its document's period and slug when another document
    of its municipality has the same title: changing that other title changes it."""
    load_bench().write_corpus(tmp_path, 1)
    corpus = load_corpus(tmp_path / "data", tmp_path)
    by_municipality: dict[str, list[m.Document]] = {}
    for doc in corpus.documents:
        if any(group.commitments for chapter in m.iter_chapters(doc.chapters) for group in chapter.groups):
            by_municipality.setdefault(doc.municipality, []).append(doc)
    first, second = next(docs for docs in by_municipality.values() if len(docs) > 1)[:2]
    renamed = m.Document.model_validate({**second.model_dump(by_alias=True), "title": first.title})
    same_title = dataclasses.replace(corpus, documents=[renamed if d is second else d for d in corpus.documents],
                                     digests={**corpus.digests, second.ref: "renamed"})
    keys, files = document_units(corpus)
    new_keys, new_files = document_units(same_title)
    assert new_files[f"previews:{first.ref}"] != files[f"previews:{first.ref}"]
    assert new_keys[f"previews:{first.ref}"] != keys[f"previews:{first.ref}"]


def _project(tmp_path: Path) -> Path:
    from tests.conftest import FIXTURE_CORPUS, make_project

    return make_project(tmp_path / "project", FIXTURE_CORPUS)


def _tree(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    # The inode and the time: a file freed and written again may get its old inode back.
    return {p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file() and p.name != "rendered.json"}


def test_unchanged_previews_and_downloads_are_not_rendered_again(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline
    from generator.pipeline import Settings, generate

    rendered_docs: list[tuple[str, str]] = []
    previews, export = pipeline.document_previews, pipeline.export_all

    def counted_previews(*args: Any) -> Any:
        rendered_docs.extend(("previews", d.ref) for d in args[4])
        return previews(*args)

    def counted_export(corpus: Corpus, documents: list[m.Document] | None = None, **kw: Any) -> Any:
        if documents is not None and kw.get("with_json", True):
            rendered_docs.extend(("downloads", d.ref) for d in documents)
        return export(corpus, documents, **kw)

    monkeypatch.setattr(pipeline, "document_previews", counted_previews)
    monkeypatch.setattr(pipeline, "export_all", counted_export)
    monkeypatch.setenv("SITE_URL", "https://example.org/")
    root = _project(tmp_path)
    settings = Settings(root)
    first = generate(settings)
    refs = [doc.ref for doc in first.corpus.documents]
    assert sorted(rendered_docs) == sorted([*(("previews", r) for r in refs), *(("downloads", r) for r in refs)])
    before = {"docs": _tree(settings.docs_dir), "previews": _tree(settings.previews_dir)}

    rendered_docs.clear()
    again = generate(settings)
    assert rendered_docs == []
    # Kept: the same files (inodes), and all of them are the build's outputs still.
    assert {"docs": _tree(settings.docs_dir), "previews": _tree(settings.previews_dir)} == before
    assert again.files == first.files

    # One commitment's text: that document's downloads, and the previews of the
    # documents of its municipality, are rendered again; the output is a cold build's.
    doc = root / "data/testdorp/prestatieafspraken-2024.yaml"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("text: Woonborg bouwt 48 woningen.", "text: Woonborg bouwt 49 woningen.", 1),
                   encoding="utf-8")
    rendered_docs.clear()
    edited = generate(settings)
    ref = "testdorp/prestatieafspraken-2024"
    same_place = [r for r in refs if r.split("/")[0] == "testdorp"]
    assert sorted(rendered_docs) == sorted([("downloads", ref), *(("previews", r) for r in same_place)])
    fresh = _project(tmp_path / "fresh")
    (fresh / "data/testdorp/prestatieafspraken-2024.yaml").write_bytes(doc.read_bytes())
    cold = generate(Settings(fresh))
    assert edited.files == cold.files
    for name in ("docs", "previews"):
        ours = {rel: data for rel, (data, *_) in _tree(settings.build_dir / name).items()}
        theirs = {rel: data for rel, (data, *_) in _tree(Settings(fresh).build_dir / name).items()}
        assert ours == theirs, name


def test_units_written_since_the_record_are_rendered_again_by_the_next_build(tmp_path: Path) -> None:
    rendered = Rendered(tmp_path / "rendered.json")
    for unit in ("a.md", "b.md", "downloads:x"):
        rendered.keep(unit, Entry("key", [unit]))
    rendered.save()
    forget(tmp_path, ["a.md"])
    forget(tmp_path, ["downloads:x"])
    assert sorted(Rendered.load(tmp_path).last) == ["b.md"]
    assert not (tmp_path / FORGOTTEN).exists()  # read once: the next record is this build's
    assert not os.path.exists(tmp_path / "rendered.json")
