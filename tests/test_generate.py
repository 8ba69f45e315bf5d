# The generator on the small fixture corpus: Markdown output, escaping of data
# text, Dutch formatting, downloads, and a failed build leaving site/ untouched.
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.errors import DataError, GeneratorError
from generator.pipeline import Settings, build, generate

from .htmltext import Page


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        # JSON data blocks (chart figures) are not executed; they are checked apart.
        self._script = tag == "script" and ("type", "application/json") not in attrs

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts.append(data)

ROOT = Path(__file__).resolve().parent.parent
DOC_MD = "gemeenten/testdorp/prestatieafspraken-2024.md"


def test_document_page(project: Path) -> None:
    generate(Settings(project))
    text = (project / "build/docs" / DOC_MD).read_text(encoding="utf-8")
    assert '<h4 id="afspraak-1" class="commitment-title">' in text
    assert '<td style="text-align: right;">€ 25.000</td>' in text  # Dutch thousands
    assert ">1,40</td>" in text and ">1,34 (onzeker, noot 1)</td>" in text  # decimals as declared
    assert "1e kwartaal 2024" in text


def test_downloads_hold_exactly_the_data(project: Path) -> None:
    generate(Settings(project))
    base = project / "build/docs/downloads/testdorp/prestatieafspraken-2024"
    record = json.loads((base / "testdorp-prestatieafspraken-2024-bijdragen.json").read_text(encoding="utf-8"))
    assert record["rows"][0]["values"] == {"bijdrage": 25000, "index": 1.4}
    assert record["rows"][1]["values"]["index"] == {"value": 1.34, "uncertain": True,
                                                   "note": "slecht leesbaar"}
    assert record["source"].startswith("Prestatieafspraken 2024 gemeente Testdorp")
    rows = list(csv.reader(io.StringIO((base / "testdorp-prestatieafspraken-2024-bijdragen.csv")
                                       .read_text(encoding="utf-8"))))
    assert rows[0] == ["Partij", "Bijdrage [EUR]", "Energie-index", "Energie-index onzeker",
                       "totaalrij", "opmerking", "bron"]
    assert rows[1][:4] == ["Gemeente", "25000", "1.4", "nee"]
    assert rows[2][:4] == ["Woonborg", "3571", "1.34", "ja"]


def test_generation_is_stable_and_removes_stale_files(project: Path) -> None:
    settings = Settings(project)
    generate(settings)
    stale = project / "build/docs/gemeenten/oud.md"
    stale.write_text("oud", encoding="utf-8")
    again = generate(settings)
    assert again.changed == ["gemeenten/oud.md"]
    assert not stale.exists()


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    "# kop",
    "{{ 7 * 7 }} {% if true %}ja{% endif %}",
    "{: onclick=alert(1) }",
    "emoji 🏠",  # bidirectional and zero-width characters are refused (test_hostile.py)
]


TEXT_KEYS = {"title", "text", "label", "person", "role", "place", "note", "publisher",
             "row_header", "summary", "heading", "name", "unit"}


def _poison(node: object, payload: str) -> tuple[object, int]:
    """Replace every free-text value in a document with the payload."""
    if isinstance(node, dict):
        count = 0
        out = {}
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str):
                out[key], count = payload, count + 1
            else:
                out[key], n = _poison(value, payload)
                count += n
        return out, count
    if isinstance(node, list):
        pairs = [_poison(v, payload) for v in node]
        return [p for p, _ in pairs], sum(n for _, n in pairs)
    return node, 0


@pytest.mark.slow
def test_data_text_cannot_inject_markup(project: Path, tmp_path: Path) -> None:
    import yaml

    path = project / "data/testdorp/prestatieafspraken-2024.yaml"
    payload = " | ".join(HOSTILE)
    data, replaced = _poison(yaml.safe_load(path.read_text(encoding="utf-8")), payload)
    assert replaced >= 12  # every free-text field of the fixture
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    build(Settings(project), site)
    html = (site / "gemeenten/testdorp/prestatieafspraken-2024/index.html").read_text(encoding="utf-8")
    page = Page(html)
    elements = Elements(html)
    assert not [a for _, attrs in elements.tags for a, _ in attrs if a.startswith("on")]
    assert not [v for _, attrs in elements.tags for a, v in attrs
                if a in ("href", "src") and (v or "").lower().startswith("javascript:")]
    assert not [t for t, attrs in elements.tags if t == "img" and ("src", "x") in attrs]
    assert not [s for s in elements.scripts if "alert" in s]
    # Chart figures travel in an attribute; the payload stays inside it, escaped.
    figures = [v for _, attrs in elements.tags for a, v in attrs if a == "data-figure"]
    assert figures and all("<script>" not in json.dumps(json.loads(v or "")) for v in figures)
    # The hostile text is shown as written, Jinja syntax included, once per field.
    # Shown as written, Jinja syntax included, in the page's text.
    assert page.text.count("<script>alert('x')</script>") >= 8
    assert page.text.count("{{ 7 * 7 }} {% if true %}ja{% endif %}") >= 8
    assert "emoji 🏠" in page.text


@pytest.mark.slow
def test_failed_build_leaves_the_previous_site(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(Settings(project), site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    path = project / "data/testdorp/prestatieafspraken-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("woonborg]", "woonborgg]"),
                    encoding="utf-8")
    with pytest.raises(DataError):
        build(Settings(project), site)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


@pytest.mark.slow
def test_mkdocs_failure_leaves_the_previous_site(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(Settings(project), site)
    marker = (site / "index.html").read_bytes()
    (project / "content/over.md").write_text("[kapot](bestaat-niet.md)\n", encoding="utf-8")
    with pytest.raises(GeneratorError, match=r"bestaat-niet\.md"):
        build(Settings(project), site)
    assert (site / "index.html").read_bytes() == marker
    assert not (tmp_path / ".site-building").exists()


def test_without_share_images_they_are_neither_drawn_nor_removed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` generates without the link-preview images (no page of the preview shows
    them): the ones there stay as they are, and none is drawn."""
    from generator import urls

    from .conftest import FIXTURE_CORPUS, make_project

    monkeypatch.setenv("SITE_URL", "https://prestatieafspraken.example.org/")
    settings = Settings(make_project(tmp_path / "project", FIXTURE_CORPUS))
    generated = generate(settings, keep_files=False)
    images = sorted(settings.docs_dir.glob(f"{urls.SHARE_IMAGES}/**/*.png"))
    assert len(images) == len(generated.corpus.documents) > 1
    images[0].unlink()
    kept = {path: path.stat().st_mtime_ns for path in images[1:]}
    generate(settings, keep_files=False, share_images=False)
    assert not images[0].exists()
    assert {path: path.stat().st_mtime_ns for path in images[1:] if path.exists()} == kept
    generate(settings, keep_files=False)  # and `build`'s generation draws it again
    assert images[0].is_file()
