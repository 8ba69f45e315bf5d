# Every URL ever published still resolves. data/published-urls.txt lists every
# page and download of the site as it was published (generator/published.py;
# `build` appends new ones); each must still be in the built site, as a page or as
# a redirect from data/redirects.yaml. A URL that disappears fails the test until
# a redirect is recorded; a new URL never fails it.
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import model as m
from generator.published import FILE_NAME, missing, read_published, record, site_urls
from generator.redirects import render_redirects

from .conftest import FIXTURE_CORPUS, make_project

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "data" / FILE_NAME


@pytest.mark.slow
def test_every_published_url_still_resolves(built_site: Path) -> None:
    published = read_published(PUBLISHED.read_text(encoding="utf-8"))
    assert published == sorted(set(published)), f"{FILE_NAME}: sorted, each URL once"
    gone = missing(built_site, published)
    assert not gone, ("these published URLs no longer resolve; record where each went in "
                      f"data/redirects.yaml: {gone}")


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


@pytest.mark.slow
def test_build_records_new_urls_and_a_new_url_fails_nothing(tmp_path: Path) -> None:
    """A maintainer's build appends what it publishes for the first time; nothing else
    in the list changes, and a second build adds nothing."""
    root = make_project(tmp_path, FIXTURE_CORPUS)
    (root / "data" / FILE_NAME).write_text("# list\n/\n/gone-but-kept/\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    listed = read_published((root / "data" / FILE_NAME).read_text(encoding="utf-8"))
    assert set(listed) == site_urls(root / "site") | {"/gone-but-kept/"}
    assert listed == sorted(listed) and "new URLs recorded in data/published-urls.txt" in run.stdout
    assert record(root / "data" / FILE_NAME, root / "site") == []


def test_the_published_list_is_kept_sorted_and_never_loses_a_download() -> None:
    published = read_published(PUBLISHED.read_text(encoding="utf-8"))
    assert published == sorted(set(published))
    assert "/" in published and "/downloads/datapackage.json" in published
    assert "/open-data/" in published
