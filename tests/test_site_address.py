# What depends on the site's address (SITE_URL, set by the publishing pipelines):
# a build for a sub-path, as GitHub Pages serves a project's site, has a Dutch 404
# page whose styles and links stay inside that sub-path, a robots.txt naming the
# sitemap, and a sitemap of absolute URLs. Without SITE_URL robots.txt names none.
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.share import render_robots

from .conftest import SITE_URL
from .htmltext import Page


def test_robots_names_the_sitemap_only_where_the_address_is_known() -> None:
    assert render_robots(SITE_URL).decode().splitlines() == [
        "User-agent: *", "Allow: /", f"Sitemap: {SITE_URL}sitemap.xml"]
    assert "Sitemap" not in render_robots("").decode()


@pytest.mark.slow
def test_the_404_page_is_dutch_and_stays_inside_the_sub_path(site_with_address: Path) -> None:
    html = (site_with_address / "404.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "Pagina niet gevonden" in page.text and "Not found" not in page.text
    assert "<title>Pagina niet gevonden - " in html
    refs = re.findall(r'(?:href|src)="([^"]+)"', html)
    local = [r for r in refs if not r.startswith(("http://", "https://", "#", "mailto:"))]
    assert local and all(r.startswith("/prestatieafspraken/") for r in local), local
    # The way on: search and the main sections, each a page of the site.
    for section in ("gemeenten/", "themas/", "organisaties/"):
        assert f'href="/prestatieafspraken/{section}"' in html
        assert (site_with_address / section / "index.html").is_file()
    assert "site-search__toggle" in html


@pytest.mark.slow
def test_robots_and_sitemap_of_a_site_with_an_address(site_with_address: Path) -> None:
    robots = (site_with_address / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots
    locs = re.findall(r"<loc>([^<]+)</loc>", (site_with_address / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith(SITE_URL) for loc in locs)
