"""The large tree of preview pages is written by manifest, in shares, as the generator
writes it: like write_changed (exactly the files given, unchanged files untouched),
without reading files back."""
from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from generator.pipeline import link_tree
from generator.write import (
    MANIFEST,
    finish_by_manifest,
    list_tree,
    read_manifest,
    remove_stale,
    write_json,
    write_share_by_manifest,
)


def write_tree_by_manifest(out: Path, files: dict[str, bytes], kept: Collection[str] = ()) -> list[str]:
    """As pipeline._render writes the previews: the files in two shares written apart,
    the kept ones hashed apart, then the manifest; returns what was written or removed."""
    known = read_manifest(out)
    hashes, changed = {}, []
    for share in (dict(list(files.items())[::2]), dict(list(files.items())[1::2]), {}):
        share_hashes, wrote = write_share_by_manifest(out, share, known, kept if not share else ())
        hashes.update(share_hashes)
        changed += wrote
    return sorted(changed) + finish_by_manifest(out, hashes, known, bool(changed))


def test_only_what_changed_is_written_and_what_went_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "previews"
    files = {"a/x/index.html": b"one", "a/y/index.html": b"two", "b/z/index.html": b"three"}
    assert sorted(write_tree_by_manifest(out, files)) == sorted(files)
    untouched = (out / "a/x/index.html").stat().st_mtime_ns
    files2 = {"a/x/index.html": b"one", "a/y/index.html": b"TWO"}
    assert write_tree_by_manifest(out, files2) == ["a/y/index.html", "b/z/index.html"]
    assert (out / "a/x/index.html").stat().st_mtime_ns == untouched
    assert (out / "a/y/index.html").read_bytes() == b"TWO"
    assert not (out / "b").exists()  # its emptied folders too
    (out / "a/x/index.html").unlink()  # removed by someone else: written again
    assert write_tree_by_manifest(out, files2) == ["a/x/index.html"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [*files2, MANIFEST])
    # Nothing changed: nothing is written, the manifest neither (its time set far back,
    # so a rewrite shows even within the clock's tick).
    os.utime(out / MANIFEST, ns=(1_000_000_000, 1_000_000_000))
    manifest = (out / MANIFEST).stat().st_mtime_ns
    assert write_tree_by_manifest(out, files2) == []
    assert write_tree_by_manifest(out, {"a/y/index.html": b"TWO"}, kept=["a/x/index.html"]) == []
    assert (out / MANIFEST).stat().st_mtime_ns == manifest


def test_a_tree_without_manifest_is_made_exact(tmp_path: Path) -> None:
    out = tmp_path / "previews"
    (out / "old").mkdir(parents=True)
    (out / "old/index.html").write_bytes(b"stale")
    assert sorted(write_tree_by_manifest(out, {"new/index.html": b"x"})) == [
        "new/index.html", "old/index.html"]
    assert not (out / "old").exists() and (out / MANIFEST).is_file()


def test_kept_files_stay_untouched_and_listed(tmp_path: Path) -> None:
    """Files not rendered again (rendercache.py) stay, as they are, in the manifest too."""
    out = tmp_path / "previews"
    write_tree_by_manifest(out, {"a/index.html": b"one", "b/index.html": b"two", "c/index.html": b"3"})
    inode = (out / "a/index.html").stat().st_ino
    assert write_tree_by_manifest(out, {"b/index.html": b"TWO"}, kept=["a/index.html"]) == [
        "b/index.html", "c/index.html"]
    assert (out / "a/index.html").stat().st_ino == inode
    # The next run compares with a manifest that still names the kept file.
    assert write_tree_by_manifest(out, {"a/index.html": b"one", "b/index.html": b"TWO"}) == []
    # Without a manifest (the slow way) a kept file stays as well.
    (out / MANIFEST).unlink()
    assert write_tree_by_manifest(out, {"b/index.html": b"TWO"}, kept=["a/index.html"]) == []
    assert (out / "a/index.html").stat().st_ino == inode
    assert write_tree_by_manifest(out, {"a/index.html": b"one", "b/index.html": b"TWO"}) == []


def test_linked_into_the_site_without_the_manifest(tmp_path: Path) -> None:
    out, site = tmp_path / "previews", tmp_path / "site"
    write_tree_by_manifest(out, {"afspraak/a/index.html": b"x"})
    site.mkdir()
    link_tree(out, site)
    assert (site / "afspraak/a/index.html").read_bytes() == b"x"
    assert not (site / MANIFEST).exists()
    assert (site / "afspraak/a/index.html").stat().st_ino == (out / "afspraak/a/index.html").stat().st_ino


def test_a_page_whose_entry_changed_is_touched(tmp_path: Path) -> None:
    """A --dirty build renders a page again only when its Markdown is newer than its
    HTML: a page whose entry in a JSON file the hook reads changed is touched."""
    docs, target = tmp_path / "docs", tmp_path / "search.json"
    for page in ("a.md", "b.md", "c.md"):
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text("# x\n", encoding="utf-8")
        os.utime(docs / page, ns=(1_000_000_000, 1_000_000_000))
    assert write_json(target, {"a.md": {"x": 1}, "b.md": {"x": 1}}, docs) == ["a.md", "b.md"]
    for page in ("a.md", "b.md"):
        os.utime(docs / page, ns=(1_000_000_000, 1_000_000_000))
    # b changed, c added, a the same; gone.md has no page (nothing to touch)
    assert write_json(target, {"a.md": {"x": 1}, "b.md": {"x": 2}, "c.md": {}, "gone.md": {}}, docs) == [
        "b.md", "c.md"]
    assert (docs / "a.md").stat().st_mtime_ns == 1_000_000_000
    assert (docs / "b.md").stat().st_mtime_ns > 1_000_000_000
    assert write_json(target, {"a.md": {"x": 1}, "b.md": {"x": 2}, "c.md": {}, "gone.md": {}}, docs) == []
    # an entry removed: its page (still there) is touched too
    os.utime(docs / "c.md", ns=(1_000_000_000, 1_000_000_000))
    assert write_json(target, {"a.md": {"x": 1}, "b.md": {"x": 2}}, docs) == ["c.md"]


def test_stale_files_are_removed_from_a_listing_taken_earlier(tmp_path: Path) -> None:
    for rel in ("page.md", "old/page.md", "old/deep/file.csv", "kept/file.csv", "other.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    listed = list_tree(tmp_path)
    assert sorted(listed[0]) == ["kept/file.csv", "old/deep/file.csv", "old/page.md", "other.csv", "page.md"]
    assert remove_stale(tmp_path, ["page.md"], only=lambda rel: rel.endswith(".md"), listed=listed) == [
        "old/page.md"]
    # Written after the listing, and kept: not touched; the pages removed before are not again.
    (tmp_path / "new").mkdir()
    (tmp_path / "new/image.png").write_bytes(b"png")
    files = [rel for rel in listed[0] if rel != "old/page.md"]
    removed = remove_stale(tmp_path, ["page.md", "kept/file.csv", "new/image.png"], listed=(files, listed[1]))
    assert removed == ["other.csv", "old/deep/file.csv"]
    assert sorted(list_tree(tmp_path)[0]) == ["kept/file.csv", "new/image.png", "page.md"]
    assert not (tmp_path / "old").exists()  # the folders it left empty are gone
