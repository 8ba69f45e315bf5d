# Every URL ever published still resolves (issue 12d). tests/published_urls.txt
# lists every page and download of the site as it was published; each must still
# be in the built site, as a page or as a redirect from data/redirects.yaml. New
# URLs are added to the list with UPDATE_PUBLISHED=1 (a change to review, like the
# golden tree); a URL that disappears fails the test until a redirect is recorded.
from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import model as m
from generator.redirects import render_redirects

PUBLISHED = Path(__file__).parent / "published_urls.txt"
HEADER = ("# Every URL this site has published (tests/test_published.py). Append with\n"
          "# UPDATE_PUBLISHED=1; never remove a line: record a redirect in data/redirects.yaml.\n")
PUBLISHED_DIRS = ("downloads/", "schema/")  # files served as they are (open data, schemas)


def site_urls(site: Path) -> set[str]:
    """The URLs of a built site: its pages ("/gemeenten/x/") and its download files."""
    found: set[str] = set()
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if path.name == "index.html" and not relative.startswith(("assets/", "pagefind/")):
            found.add("/" + relative.removesuffix("index.html"))
        elif path.is_file() and relative.startswith(PUBLISHED_DIRS):
            found.add("/" + relative)
    return found


def read_published(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def missing(site: Path, published: list[str]) -> list[str]:
    """Published URLs the site no longer serves (a page or redirect at its place)."""
    urls = site_urls(site)
    return [url for url in published if url not in urls]


@pytest.mark.slow
def test_every_published_url_still_resolves(built_site: Path) -> None:
    published = read_published(PUBLISHED.read_text(encoding="utf-8"))
    assert published == sorted(set(published)), "published_urls.txt: sorted, each URL once"
    gone = missing(built_site, published)
    assert not gone, ("these published URLs no longer resolve; record where each went in "
                      f"data/redirects.yaml: {gone}")
    new = sorted(site_urls(built_site) - set(published))
    if os.environ.get("UPDATE_PUBLISHED"):
        PUBLISHED.write_text(HEADER + "".join(f"{u}\n" for u in sorted({*published, *new})),
                             encoding="utf-8")
        return
    assert not new, f"new URLs: add them with UPDATE_PUBLISHED=1: {new}"


def _site(root: Path, pages: list[str]) -> Path:
    for page in pages:
        path = root / page.lstrip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<!doctype html>", encoding="utf-8")
    return root


def test_a_page_that_disappears_fails_until_a_redirect_is_recorded(tmp_path: Path) -> None:
    published = ["/", "/gemeenten/x/", "/gemeenten/x/oud/"]
    site = _site(tmp_path, ["/", "/gemeenten/x/", "/gemeenten/x/nieuw/"])
    assert missing(site, published) == ["/gemeenten/x/oud/"]
    # The redirect the build writes for data/redirects.yaml fills the gap.
    redirect = m.Redirect(old="gemeenten/x/oud/", to="gemeenten/x/nieuw/")
    for path, data in render_redirects([redirect]).items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    assert missing(site, published) == []


def test_the_published_list_is_kept_sorted_and_never_loses_a_download() -> None:
    published = read_published(PUBLISHED.read_text(encoding="utf-8"))
    assert published == sorted(set(published))
    assert "/" in published and "/downloads/datapackage.json" in published
    assert "/open-data/" in published
