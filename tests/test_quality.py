# Whole-site quality checks on the built site: no broken internal link or
# anchor anywhere, and valid HTML by the Nu Html Checker (vnu.jar from npm),
# with each remaining message explained in the allow-list below. Each check is
# also shown to fail on a deliberate regression.
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .linkcheck import broken_links

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
pytestmark = pytest.mark.slow

# Messages of the Nu Html Checker that come from Material's own templates, each
# matched exactly, with the reason it stays.
VNU_ALLOWED = {
    # Material's drawer and search toggles: <input type="checkbox" autocomplete="off">
    # in every page (partials in base.html, not overridable without copying them).
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, "
    "“search”, “tel”, “text”, “time”, “url”, or “week”.",
    # Material's table-of-contents title <label for="__toc"> on section index pages
    # (feature navigation.indexes: the municipality pages), where Material renders
    # no __toc toggle; from partials/toc.html and nav-item.html.
    "The value of the “for” attribute of the “label” element must be the ID of a "
    "non-hidden form control.",
}


def test_no_broken_internal_link_or_anchor(built_site: Path) -> None:
    assert broken_links(built_site) == []


def test_link_checker_catches_a_broken_anchor(built_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page = site / "over/index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", '<a href="../lezen/#bestaat-niet">x</a></article>'),
                    encoding="utf-8")
    assert broken_links(site) == ["over/index.html: ../lezen/#bestaat-niet -> no anchor "
                                  "#bestaat-niet in lezen/index.html"]


def vnu_errors(paths: list[Path]) -> list[str]:
    if not shutil.which("java"):
        pytest.fail("java is not installed (apt-get install default-jre-headless); .ci/run installs it")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                             *map(str, paths)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}: {m['message']}" for m in messages
            if m["message"] not in VNU_ALLOWED]


def test_html_is_valid(built_site: Path) -> None:
    pages = sorted(p for p in built_site.rglob("index.html") if "downloads" not in p.parts)
    assert vnu_errors(pages) == []


def test_html_checker_catches_invalid_markup(built_site: Path, tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    html = (built_site / "over/index.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", "<p id='x'>a</p><p id='x'>b</p></article>"), encoding="utf-8")
    assert vnu_errors([page])
