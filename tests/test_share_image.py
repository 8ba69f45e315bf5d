# Link previews with a picture: each document's 1200x630 PNG (generator/shareimage.py),
# drawn from any text without error, and named by absolute og:image tags on the
# document page and its commitments' previews where the site's address is known.
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from generator import model as m
from generator import urls
from generator.previews import render_previews
from generator.share import SITE_NAME, document_card, draw_share_images, plan_share, share_cards
from generator.shareimage import HEIGHT, REGULAR, WIDTH, Card, _font, render_card, wrap
from generator.validate import Corpus, load_corpus

from .conftest import FIXTURE_CORPUS, ROOT, SITE_URL


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


def _decoded(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(data)).verify()  # checksums and structure
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_document_image_is_a_1200_by_630_png(corpus: Corpus) -> None:
    images = draw_cards_of(corpus, SITE_URL, ROOT)
    assert set(images) == {urls.share_image(d) for d in corpus.documents}
    for data in images.values():
        image = _decoded(data)
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (1200, 630)
        # Drawn: text in ink on the white card and the site's band.
        colours = {rgb for _, rgb in image.convert("RGB").getcolors(256 * 256) or []}
        assert {(255, 255, 255), (33, 33, 33), (63, 81, 181)} <= colours
    assert draw_cards_of(corpus, SITE_URL, ROOT) == images  # the same bytes every build


def test_no_images_without_the_site_address(corpus: Corpus) -> None:
    assert draw_cards_of(corpus, "", ROOT) == {}


HOSTILE = [
    "",
    "<script>alert(1)</script> &amp; {{ x }} ${x} %s \\ \" '",
    "\x00\x01\x07\x1b[31m rood \x7f\u200b\u202etekst van rechts\u202c\ufeff",
    "W" * 5000,  # one word far wider than the card
    "Ĳsselmonde ë € “aanhalingen” — 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 中文 עברית العربية",
    "regel\n\n\r\nregel\tna tab " * 400,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_any_text_from_the_data_draws_without_error(text: str) -> None:
    image = _decoded(render_card(Card(kicker=text, title=text, body=text, site=text), ROOT))
    assert image.size == (WIDTH, HEIGHT)


def test_text_is_wrapped_to_the_card_and_cut_with_an_ellipsis() -> None:
    font = _font(ROOT, REGULAR, 34)
    lines = wrap("woord " * 500 + "W" * 300, font, 1000, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1000 for line in lines)
    assert wrap("W" * 300, font, 1000, 10)[0].startswith("WWW")  # a long word is broken, not lost
    assert wrap("Korte tekst.", font, 1000, 3) == ["Korte tekst."]


def test_the_image_says_where_the_document_is_from(corpus: Corpus) -> None:
    doc = corpus.documents[0]
    card = document_card(corpus, doc)
    assert card.kicker == f"Gemeente {corpus.municipalities[doc.municipality].name}"
    assert card.title == doc.title and card.site == SITE_NAME


def test_share_data_names_an_absolute_image_only_with_the_site_address(corpus: Corpus) -> None:
    without = plan_share(corpus)
    assert not any("image" in entry for entry in without.values())
    with_url = plan_share(corpus, SITE_URL)
    for doc in corpus.documents:
        image = with_url[urls.document_page(doc)]["image"]
        assert image["url"] == SITE_URL + urls.share_image(doc)
        assert (image["width"], image["height"]) == (1200, 630) and image["alt"]
    previews = render_previews(corpus, SITE_NAME, "")
    assert not any(b"og:image" in page or b"summary_large_image" in page for page in previews.values())


# --- the built site ---------------------------------------------------------------


def _meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)


def _in_site(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site / url.removeprefix(SITE_URL)


@pytest.mark.slow
def test_document_pages_name_their_image_and_address_absolutely(site_with_address: Path,
                                                                 corpus: Corpus) -> None:
    for doc in corpus.documents:
        page_url = urls.page_url(urls.document_page(doc))
        html = (site_with_address / page_url / "index.html").read_text(encoding="utf-8")
        [image] = _meta(html, "og:image")
        assert _decoded(_in_site(site_with_address, image).read_bytes()).size == (1200, 630)
        assert _meta(html, "og:image:width") == ["1200"] and _meta(html, "og:image:height") == ["630"]
        [alt] = _meta(html, "og:image:alt")
        assert doc.title in alt
        assert _meta(html, "twitter:card") == ["summary_large_image"]
        assert _meta(html, "og:url") == [SITE_URL + page_url]
        assert re.findall(r'<link rel="canonical" href="([^"]*)"', html) == [SITE_URL + page_url]


@pytest.mark.slow
def test_previews_name_their_document_image_and_address_absolutely(site_with_address: Path,
                                                                   corpus: Corpus) -> None:
    previews = sorted((site_with_address / urls.PREVIEWS).rglob("index.html"))
    assert previews
    for path in previews:
        html = path.read_text(encoding="utf-8")
        [image] = _meta(html, "og:image")
        assert _in_site(site_with_address, image).is_file()
        assert _meta(html, "twitter:card") == ["summary_large_image"]
        [own] = _meta(html, "og:url")
        assert own == SITE_URL + path.parent.relative_to(site_with_address).as_posix() + "/"
        [canonical] = re.findall(r'<link rel="canonical" href="([^"]*)"', html)
        assert canonical.startswith(SITE_URL + "gemeenten/")


def draw_cards_of(corpus: Corpus, site_url: str, root: Path, documents: list[m.Document] | None = None,
                  **cache: Any) -> dict[str, bytes]:
    """The share images of `documents` (by default all), as the generator draws them."""
    return draw_share_images(share_cards(corpus, site_url, documents), root, **cache)
