# What depends on the site's address (SITE_URL, set by the publishing pipelines):
# a build for a sub-path, as GitHub Pages serves a project's site, has a Dutch 404
# page whose styles and links stay inside that sub-path, a robots.txt naming the
# sitemap, and a sitemap of absolute URLs. Without SITE_URL robots.txt names none.
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator.share import render_robots

from .conftest import FIXTURE_CORPUS, make_project
from .htmltext import Page

SITE_URL = "https://example.org/prestatieafspraken/"


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.pipeline import Settings, build

    root = make_project(tmp_path_factory.mktemp("subpath"), FIXTURE_CORPUS)
    before = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = SITE_URL
    try:
        build(Settings(root), root / "site")
    finally:
        if before is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = before
    return root / "site"


def test_robots_names_the_sitemap_only_where_the_address_is_known() -> None:
    assert render_robots(SITE_URL).decode().splitlines() == [
        "User-agent: *", "Allow: /", f"Sitemap: {SITE_URL}sitemap.xml"]
    assert "Sitemap" not in render_robots("").decode()


@pytest.mark.slow
def test_the_404_page_is_dutch_and_stays_inside_the_sub_path(sub_path_site: Path) -> None:
    html = (sub_path_site / "404.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "Pagina niet gevonden" in page.text and "Not found" not in page.text
    assert "<title>Pagina niet gevonden - " in html
    refs = re.findall(r'(?:href|src)="([^"]+)"', html)
    local = [r for r in refs if not r.startswith(("http://", "https://", "#", "mailto:"))]
    assert local and all(r.startswith("/prestatieafspraken/") for r in local), local
    # The way on: search and the main sections, each a page of the site.
    for section in ("gemeenten/", "themas/", "organisaties/"):
        assert f'href="/prestatieafspraken/{section}"' in html
        assert (sub_path_site / section / "index.html").is_file()
    assert "site-search__toggle" in html


@pytest.mark.slow
def test_robots_and_sitemap_of_a_site_with_an_address(sub_path_site: Path) -> None:
    robots = (sub_path_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots
    locs = re.findall(r"<loc>([^<]+)</loc>", (sub_path_site / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith(SITE_URL) for loc in locs)
