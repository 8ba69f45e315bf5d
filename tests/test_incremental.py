# Building on the last build (generator/incremental.py, hooks/incremental.py): after
# an edit, a build on top of the previous site is byte for byte the site a cold
# build of the edited data makes in a fresh copy; the published site is never
# written to before the swap, and a failed build leaves it exactly as it was.
from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import incremental
from generator.errors import GeneratorError
from generator.pipeline import Built, Settings, build
from tests.conftest import FIXTURE_CORPUS, make_project

pytestmark = pytest.mark.slow


def contents(site: Path) -> dict[str, str]:
    """Every file of a site and a hash of its bytes."""
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


def untouched(site: Path) -> dict[str, tuple[int, int, str]]:
    """Every file with its inode, mtime and bytes: what a write through a link changes."""
    return {rel: (os.stat(site / rel).st_ino, os.stat(site / rel).st_mtime_ns, digest)
            for rel, digest in contents(site).items()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a site built from the fixture corpus, to copy and edit."""
    root = make_project(tmp_path_factory.mktemp("previous") / "project", FIXTURE_CORPUS)
    built = build(Settings(root), root / "site")
    assert not built.incremental
    return root


def copy_project(source: Path, target: Path) -> Path:
    # copy2 keeps the mtimes, which the builder's --dirty compares.
    shutil.copytree(source, target, symlinks=True)
    shutil.rmtree(target / "build/old-sites", ignore_errors=True)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DOC_2024 = "data/testdorp/prestatieafspraken-2024.yaml"


def commitment_text(root: Path) -> None:
    replace(root / DOC_2024, "text: Woonborg bouwt 48 woningen.", "text: Woonborg bouwt 49 woningen.")


def document_title(root: Path) -> None:
    replace(root / DOC_2024, "title: Prestatieafspraken 2024\n", "title: Nieuwe afspraken 2024\n")


def added_document(root: Path) -> None:
    text = (root / DOC_2024).read_text(encoding="utf-8")
    text = (text.replace("slug: prestatieafspraken-2024", "slug: prestatieafspraken-2027", 1)
            .replace("title: Prestatieafspraken 2024\n", "title: Prestatieafspraken 2027\n", 1)
            .replace("period: {start: 2024, end: 2024}", "period: {start: 2027, end: 2027}", 1))
    (root / "data/testdorp/prestatieafspraken-2027.yaml").write_text(text, encoding="utf-8")


def removed_document(root: Path) -> None:
    (root / DOC_2024).unlink()


def removed_table_and_commitment(root: Path) -> None:
    """Downloads (the table's CSV, JSON and spreadsheet) and a preview page disappear;
    the navigation stays."""
    text = (root / DOC_2024).read_text(encoding="utf-8")
    last = "{label: Totaal, total: true, values: [28571, null]}\n"
    start, end = text.index("          - id: afspraak-2\n"), text.index(last) + len(last)
    (root / DOC_2024).write_text(text[:start] + text[end:], encoding="utf-8")


def organisation_name(root: Path) -> None:
    replace(root / "data/organisations.yaml", "name: Algemene Huurdersvereniging WOON,",
            "name: Algemene Huurdersvereniging WONEN,")


def content_page(root: Path) -> None:
    page = root / "content/over.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEen nieuwe alinea.\n", encoding="utf-8")


# Edit -> whether the previous build can be built on (the navigation is on every
# page: an edit that changes it makes a cold build, which must be identical too).
EDITS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "commitment text": (commitment_text, True),
    "document title": (document_title, False),
    "added document": (added_document, False),
    "removed document": (removed_document, False),
    "removed table and commitment": (removed_table_and_commitment, True),
    "organisation name": (organisation_name, True),
    "content page": (content_page, True),
}


def cold(tmp_path: Path, edit: Callable[[Path], None]) -> dict[str, str]:
    fresh = make_project(tmp_path / "fresh", FIXTURE_CORPUS)
    edit(fresh)
    built = build(Settings(fresh), fresh / "site")
    assert not built.incremental
    return contents(fresh / "site")


@pytest.mark.parametrize("name", list(EDITS))
def test_a_build_on_the_previous_one_equals_a_cold_build(previous: Path, tmp_path: Path, name: str) -> None:
    edit, on_previous = EDITS[name]
    root = copy_project(previous, tmp_path / "project")
    before = untouched(root / "site")
    pages = sum(1 for rel in before if rel.endswith(".html"))
    edit(root)
    built = build(Settings(root), root / "site")
    assert built.incremental == on_previous, built.cold_because
    if on_previous:
        assert built.pages_rebuilt is not None and 0 < built.pages_rebuilt < pages / 2
    assert contents(root / "site") == cold(tmp_path, edit)
    # Files carried over from the previous site were never written through their link.
    after = untouched(root / "site")
    carried = {rel: before[rel] for rel, (inode, _, _) in after.items()
               if rel in before and before[rel][0] == inode}
    assert bool(carried) == on_previous
    assert all(after[rel] == state for rel, state in carried.items())


def test_an_unchanged_build_renders_almost_nothing_and_indexes_nothing(previous: Path, tmp_path: Path) -> None:
    root = copy_project(previous, tmp_path / "project")
    before = contents(root / "site")
    built = build(Settings(root), root / "site")
    assert built.incremental
    assert built.pages_rebuilt == 1  # 404.html, which the builder always writes
    assert built.search_parts[0] == 0
    assert contents(root / "site") == before


def test_a_changed_search_entry_renders_its_page_again(previous: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose Markdown is the same but whose entry in search.json (what the hook
    prints into it) changed is rendered again, and its part of the index with it."""
    from generator import pipeline

    page = "gemeenten/testdorp/prestatieafspraken-2024.md"
    plan_search = pipeline.plan_search

    def retitled(*args: Any) -> dict[str, Any]:
        plan = plan_search(*args)
        plan[page]["meta"]["title"] = "Een andere titel in de zoekresultaten"
        return plan

    root = copy_project(previous, tmp_path / "project")
    markdown = (root / "build/docs" / page).read_bytes()
    monkeypatch.setattr(pipeline, "plan_search", retitled)
    built = build(Settings(root), root / "site")
    assert (root / "build/docs" / page).read_bytes() == markdown
    assert built.incremental and built.pages_rebuilt == 2  # the page and 404.html
    assert built.search_parts == (1, 1)
    html = (root / "site" / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "Een andere titel in de zoekresultaten" in html
    assert contents(root / "site") == cold(tmp_path, lambda _: None)


def test_a_stale_fingerprint_makes_a_cold_build(previous: Path, tmp_path: Path) -> None:
    root = copy_project(previous, tmp_path / "project")
    state = root / "site" / incremental.STATE_FILE
    replace(state, '"fingerprint": "', '"fingerprint": "0')  # as a cache from older code would
    commitment_text(root)
    built = build(Settings(root), root / "site")
    assert not built.incremental and built.cold_because and "changed" in built.cold_because
    assert built.pages_rebuilt is None
    assert contents(root / "site") == cold(tmp_path, commitment_text)


def test_a_changed_title_in_the_navigation_makes_a_cold_build(previous: Path, tmp_path: Path) -> None:
    """Other pages show a page's title (navigation, previous/next), and they are not
    rendered again: when a rendered page's title is not the one it had, the build
    starts again from scratch. (Every such title comes from the navigation or from
    the code today; here the previous build's record of it is altered.)"""
    root = copy_project(previous, tmp_path / "project")
    titles = root / "site" / incremental.TITLES_FILE
    replace(titles, '"gemeenten/testdorp/prestatieafspraken-2024.md": "Prestatieafspraken 2024"',
            '"gemeenten/testdorp/prestatieafspraken-2024.md": "Een oude titel"')
    commitment_text(root)
    built = build(Settings(root), root / "site")
    assert not built.incremental and built.cold_because == incremental.TITLE_CHANGED
    assert contents(root / "site") == cold(tmp_path, commitment_text)


def test_a_changed_config_makes_a_cold_build(previous: Path, tmp_path: Path) -> None:
    root = copy_project(previous, tmp_path / "project")
    replace(root / "mkdocs.yml", "copyright: Teksten", "copyright: Alle teksten")
    assert not build(Settings(root), root / "site").incremental


def test_a_failed_build_on_the_previous_one_leaves_the_site_as_it_was(previous: Path, tmp_path: Path) -> None:
    root = copy_project(previous, tmp_path / "project")
    before = untouched(root / "site")
    commitment_text(root)
    # The builder fails (--strict) on a link to a page that does not exist.
    content_page(root)
    replace(root / "content/over.md", "Een nieuwe alinea.", "Een [kapotte link](bestaat-niet.md).")
    with pytest.raises(GeneratorError, match="build failed"):
        build(Settings(root), root / "site")
    assert untouched(root / "site") == before
    assert sorted(p.name for p in root.iterdir() if "site" in p.name) == ["site", "site_theme"]
    # Fixed, the next build still builds on it.
    content_page_fixed = root / "content/over.md"
    replace(content_page_fixed, "Een [kapotte link](bestaat-niet.md).", "Een nieuwe alinea.")
    built: Built = build(Settings(root), root / "site")
    assert built.incremental
    assert contents(root / "site") == cold(tmp_path, lambda r: (commitment_text(r), content_page(r)))


def test_search_parts_without_a_changed_page_are_kept(previous: Path, tmp_path: Path) -> None:
    """In parts, only the part holding a changed page is indexed again, and the index
    is the one indexing every part gives."""
    from generator.search import Previous, index_site, part_of

    def site_copy(name: str) -> Path:
        site = tmp_path / name
        shutil.copytree(previous / "site", site)
        for bundle in site.glob("pagefind*"):
            shutil.rmtree(bundle)
        return site

    old = site_copy("old")
    parts, indexed = index_site(old, pages_per_part=5)
    assert len(parts) == indexed > 1
    page = "gemeenten/testdorp/prestatieafspraken-2024/index.html"
    assert part_of(page, parts) not in (None, 0)
    assert part_of("over/index.html", parts) == 0 and part_of("afspraak/x/index.html", parts) is None
    new, cold = site_copy("new"), site_copy("cold")
    for site in (new, cold):
        replace(site / page, "Woonborg bouwt 48 woningen.", "Woonborg bouwt 4800 woningen.")
    assert index_site(new, pages_per_part=5, previous=Previous(old, parts, [page])) == (parts, 1)
    index_site(cold, pages_per_part=5)
    assert contents(new) == contents(cold)
    kept = new / "pagefind/pagefind-entry.json"
    assert kept.stat().st_ino == (old / "pagefind/pagefind-entry.json").stat().st_ino


def test_a_slice_of_the_national_corpus_builds_on_the_previous_build(tmp_path: Path) -> None:
    """The benchmark's synthetic documents (three municipalities): one commitment's
    text edited in one document."""
    from tests.test_bench import load_bench

    bench = load_bench()

    def slice_project(root: Path) -> Path:
        bench.write_corpus(root, 3)
        make_project(root)
        return root

    def edit(root: Path) -> None:
        doc = sorted((root / "data").glob("*/*.yaml"))[-1]
        text = doc.read_text(encoding="utf-8")
        start = text.index("text: ", text.index("commitments:")) + len("text: ")
        start += text[start] in "'\""  # after the quote of a quoted text
        assert text[start].isalpha()
        doc.write_text(text[:start] + "Nu " + text[start:], encoding="utf-8")

    root = slice_project(tmp_path / "project")
    first = build(Settings(root), root / "site")
    assert not first.incremental
    edit(root)
    built = build(Settings(root), root / "site")
    assert built.incremental and built.pages_rebuilt is not None and built.pages_rebuilt < 10
    fresh = slice_project(tmp_path / "fresh")
    edit(fresh)
    assert not build(Settings(fresh), fresh / "site").incremental
    assert contents(root / "site") == contents(fresh / "site")


def previews_tree(directory: Path) -> dict[str, str]:
    """The preview pages under a directory, with a hash of their bytes."""
    return {rel: digest for rel, digest in contents(directory).items() if rel.startswith("afspraak/")}


def test_only_the_previews_that_changed_are_linked(previous: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The previews (most of the site's files) are moved into the new site, and the
    replaced site's become build/previews' again: only a changed one is linked."""
    from generator import write

    linked: list[str] = []
    link_file = write.link_file

    def counted(source: str | Path, target: str | Path) -> None:
        if "/afspraak/" in str(target):
            linked.append(str(target))
        link_file(source, target)

    monkeypatch.setattr(write, "link_file", counted)
    monkeypatch.setattr(incremental, "link_file", counted)
    root = copy_project(previous, tmp_path / "project")
    previews = len(previews_tree(root / "site"))
    commitment_text(root)
    built = build(Settings(root), root / "site")
    assert built.incremental
    assert len(linked) == 1, linked  # the edited commitment's, into build/previews
    assert contents(root / "site") == cold(tmp_path, commitment_text)
    # build/previews holds the site's previews again, for the next build.
    assert previews_tree(root / "build/previews") == previews_tree(root / "site")
    assert len(previews_tree(root / "site")) == previews
    linked.clear()
    before = contents(root / "site")
    removed_table_and_commitment(root)  # a preview is gone
    assert build(Settings(root), root / "site").incremental
    assert linked == []
    assert contents(root / "site") == cold(tmp_path / "second", lambda r: (commitment_text(r),
                                                                           removed_table_and_commitment(r)))
    assert contents(root / "site") != before
    assert previews_tree(root / "build/previews") == previews_tree(root / "site")


def test_a_build_that_fails_after_moving_the_previews_keeps_them(previous: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline

    root = copy_project(previous, tmp_path / "project")
    site, kept = untouched(root / "site"), previews_tree(root / "build/previews")

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise GeneratorError("Pagefind failed")

    monkeypatch.setattr(pipeline, "index_site", failing)
    with pytest.raises(GeneratorError, match="Pagefind"):
        build(Settings(root), root / "site")
    assert untouched(root / "site") == site
    assert previews_tree(root / "build/previews") == kept
    monkeypatch.undo()

    # Published, but the replaced site's previews could not be made build/previews'
    # again: the next build renders them again.
    def broken(*args: Any) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(incremental, "rescue_previews", broken)
    commitment_text(root)
    assert build(Settings(root), root / "site").incremental
    assert not (root / "build/previews/afspraak").exists()
    monkeypatch.undo()
    assert build(Settings(root), root / "site").incremental
    assert contents(root / "site") == cold(tmp_path, commitment_text)
    assert previews_tree(root / "build/previews") == previews_tree(root / "site")
