# Open data and lasting links on a built fixture site (slow: a full build): a redirect recorded in
# data/redirects.yaml is a page at the old URL leading to an existing page; the
# open-data page documents every field of the descriptor; every resource of
# datapackage.json is a file of the site.
from __future__ import annotations

import json
import posixpath
from pathlib import Path

import pytest

from generator.pipeline import Settings, build
from generator.register import DATAPACKAGE, REGISTER

from .conftest import FIXTURE_CORPUS, make_project
from .htmltext import Page

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
OLD = "gemeenten/testdorp/prestatieafspraken-2026-concept/"
NEW = "gemeenten/testdorp/prestatieafspraken-2026/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    make_project(root, FIXTURE_CORPUS)
    (root / "data/redirects.yaml").write_text(f"redirects:\n  - {{from: {OLD}, to: {NEW}}}\n",
                                              encoding="utf-8")
    build(Settings(root), root / "site")
    return root / "site"


def test_the_old_url_leads_to_the_new_page(site: Path) -> None:
    html = (site / OLD / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert len(page.links) == 1
    target = posixpath.normpath(posixpath.join(OLD, page.links[0]))
    assert target + "/" == NEW and (site / NEW / "index.html").is_file()
    assert '<meta name="robots" content="noindex">' in html


def test_the_open_data_page_documents_every_field(site: Path) -> None:
    text = Page((site / "open-data/index.html").read_text(encoding="utf-8")).text
    for resource in REGISTER:
        assert resource.title in text
        for field in resource.fields:
            assert field.name in text and field.nl in text, field.name


def test_every_resource_of_the_package_is_on_the_site(site: Path) -> None:
    package = json.loads((site / DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (site / "downloads" / resource["path"]).is_file(), resource["path"]
