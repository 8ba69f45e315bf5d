# The link-preview images drawn before are reused from build/cache/ (imagecache.py):
# the same bytes as drawing them, drawn again when what the card says changes, a
# damaged or foreign entry ignored and replaced, and entries no build used removed.
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest

from generator import model as m
from generator import outputs, shareimage, urls
from generator.imagecache import DIRECTORY, ImageCache, card_key
from generator.pipeline import Settings, generate
from generator.share import document_card, draw_share_images, share_cards
from generator.validate import Corpus, load_corpus

from .conftest import FIXTURE_CORPUS, ROOT, SITE_URL, make_project


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


def _no_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    def draw(card: shareimage.Card, root: Path) -> bytes:
        raise AssertionError(f"drawn again: {card.title}")
    monkeypatch.setattr(shareimage, "render_card", draw)


def test_a_second_build_reads_the_same_bytes_without_drawing(
        corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = draw_cards_of(corpus, SITE_URL, ROOT)
    used: set[str] = set()
    assert draw_cards_of(corpus, SITE_URL, ROOT, cache=ImageCache(tmp_path), used=used) == drawn
    assert len(used) == len(corpus.documents) and {p.name for p in tmp_path.iterdir()} == used
    _no_drawing(monkeypatch)
    again: set[str] = set()
    assert draw_cards_of(corpus, SITE_URL, ROOT, cache=ImageCache(tmp_path), used=again) == drawn
    assert again == used


def test_a_changed_text_is_drawn_anew(corpus: Corpus, tmp_path: Path) -> None:
    doc = corpus.documents[0]
    card = document_card(corpus, doc)
    draw_cards_of(corpus, SITE_URL, ROOT, [doc], cache=ImageCache(tmp_path))
    for field in ("kicker", "title", "body", "site"):
        changed = dataclasses.replace(card, **{field: getattr(card, field) + " (gewijzigd)"})
        assert card_key(changed, ROOT) != card_key(card, ROOT)
    retitled = doc.model_copy(update={"title": doc.title + " (gewijzigd)"})
    cache = ImageCache(tmp_path)
    assert cache.get(card_key(document_card(corpus, retitled), ROOT)) is None
    image = draw_cards_of(corpus, SITE_URL, ROOT, [retitled], cache=cache)[urls.share_image(doc)]
    assert image == shareimage.render_card(document_card(corpus, retitled), ROOT)
    assert image != draw_cards_of(corpus, SITE_URL, ROOT, [doc])[urls.share_image(doc)]


@pytest.mark.parametrize("damage", ["truncated", "foreign", "not a png"])
def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(
        corpus: Corpus, tmp_path: Path, damage: str) -> None:
    docs = corpus.documents[:2]
    drawn = draw_cards_of(corpus, SITE_URL, ROOT, docs)
    draw_cards_of(corpus, SITE_URL, ROOT, docs, cache=ImageCache(tmp_path))
    first, second = (tmp_path / name for name in sorted(ImageCache(tmp_path).entries[
        card_key(document_card(corpus, d), ROOT)] for d in docs))
    if damage == "truncated":
        first.write_bytes(first.read_bytes()[:1000])
    elif damage == "foreign":  # a real PNG, of another card
        first.write_bytes(second.read_bytes())
    else:
        first.write_bytes(b"\x80\x04\x95 not an image but a pickle")
    used: set[str] = set()
    assert draw_cards_of(corpus, SITE_URL, ROOT, docs, cache=ImageCache(tmp_path), used=used) == drawn
    assert first.name in used and first.read_bytes() == drawn[urls.share_image(
        next(d for d in docs if card_key(document_card(corpus, d), ROOT) in first.name))]


def test_a_build_keeps_only_the_entries_it_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", SITE_URL)
    monkeypatch.setattr(outputs, "PARALLEL_DOCUMENTS", 1)  # in worker processes, as nationally
    project = make_project(tmp_path / "project", FIXTURE_CORPUS)
    folder = project / "build" / "cache" / DIRECTORY
    cold = generate(Settings(project)).files
    entries = {p.name for p in folder.iterdir()}
    images = {path: data for path, data in cold.items() if path.endswith(".png")}
    assert images and len(entries) == len(images)
    stale = folder / f"{'0' * 64}-{'1' * 64}.png"
    stale.write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".left.by.a.stopped.build").write_bytes(b"")
    _no_drawing(monkeypatch)
    warm = generate(Settings(project)).files
    assert {path: warm[path] for path in images} == images
    assert {p.name for p in folder.iterdir()} == entries


def test_a_cache_that_cannot_be_written_is_skipped_with_one_warning(
        corpus: Corpus, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    drawn = draw_cards_of(corpus, SITE_URL, ROOT)
    with caplog.at_level(logging.WARNING, logger="generator"):
        cache = ImageCache(tmp_path / "cache" / DIRECTORY)
        assert draw_cards_of(corpus, SITE_URL, ROOT, cache=cache) == drawn
    warnings = [r.getMessage() for r in caplog.records if "image cache" in r.getMessage()]
    assert warnings == [f"warning: the image cache {tmp_path / 'cache' / DIRECTORY} cannot be written "
                        f"({tmp_path / 'cache' / DIRECTORY}: Not a directory); going on without it"]


def draw_cards_of(corpus: Corpus, site_url: str, root: Path, documents: list[m.Document] | None = None,
                  **cache: Any) -> dict[str, bytes]:
    """The share images of `documents` (by default all), as the generator draws them."""
    return draw_share_images(share_cards(corpus, site_url, documents), root, **cache)
