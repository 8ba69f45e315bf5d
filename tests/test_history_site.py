# On the built fixture site (slow: a full build): status, the lineage with
# its word diff, and the organisation history, read from the finished HTML. Data
# text in the diff must show as written, never as markup.
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.pipeline import Settings, build

from .conftest import FIXTURE_CORPUS, make_project
from .htmltext import Page

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


class Tags(HTMLParser):
    """Start tags, and the text inside each <del> and <ins>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marked: list[tuple[str, str]] = []
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("del", "ins"):
            self._open.append(tag)
            self.marked.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("del", "ins") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.marked[-1]
            self.marked[-1] = (tag, text + data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    make_project(root, FIXTURE_CORPUS)
    build(Settings(root), root / "site")
    return root / "site"


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_the_word_diff_shows_data_text_as_written(site: Path) -> None:
    html = read(site, "gemeenten/testdorp/prestatieafspraken-2026")
    tags = Tags(html)
    assert ("del", "inflatie.") in tags.marked
    assert ("ins", "inflatie <b>min</b> 0,5% & *nooit* meer dan 5%.") in tags.marked
    assert ("ins", "in 2026") in tags.marked
    # The data's <b> is text, not an element; nothing but del/ins came from the diff.
    assert "b" not in [t for t, _ in tags.tags]
    assert "strong" not in [t for t, a in tags.tags if "lineage-diff" in (a.get("class") or "")]
    assert html.count("<em>nooit</em>") == 0


def test_status_with_date_source_and_history(site: Path) -> None:
    text = Page(read(site, "gemeenten/testdorp/prestatieafspraken-2026")).text
    assert ("Status: vertraagd (30 november 2026; bron: Raadsinformatiebrief 12; "
            "Het werk begint later; zie [bijlage].)") in text
    assert "op schema (30 juni 2026; bron: Monitor prestatieafspraken 2026 <eerste helft>" in text
    assert text.count("Status: niet gerapporteerd") == 2
    tags = Tags(read(site, "gemeenten/testdorp/prestatieafspraken-2026")).tags
    assert [a.get("class") for t, a in tags if t == "details"] == [
        "status-history", "lineage-diff", "lineage-diff"]
    links = [a.get("href") for t, a in tags if t == "a"]
    assert "https://www.testdorp.nl/monitor-2026.pdf?deel=1&taal=nl" in links


def test_lineage_links_both_ways(site: Path) -> None:
    later = Tags(read(site, "gemeenten/testdorp/prestatieafspraken-2026")).tags
    assert "../prestatieafspraken-2023/#woonborg-huur" in [a.get("href") for t, a in later if t == "a"]
    earlier = Page(read(site, "gemeenten/testdorp/prestatieafspraken-2023")).text
    assert "Voortgezet in: Afspraak 2 uit Prestatieafspraken 2026" in earlier
    municipality = Page(read(site, "gemeenten/testdorp")).text
    assert "Prestatieafspraken 2026 ten opzichte van Prestatieafspraken 2024" in municipality
    assert "Nieuw (1): Afspraak 3" in municipality
    assert "Niet voortgezet (2)" in municipality


def test_a_merged_corporation_shows_its_predecessors(site: Path) -> None:
    html = read(site, "organisaties/woonborg")
    text = Page(html).text
    assert "1 juli 2023: Woonstichting Oost is opgegaan in Woonborg (fusie)." in text
    assert "Van voorgangers" in text
    hrefs = [a.get("href") for t, a in Tags(html).tags if t == "a"]
    assert "../woonstichting-oost/" in hrefs
    assert "../../gemeenten/testdorp/prestatieafspraken-2023/" in hrefs
    oost = Page(read(site, "organisaties/woonstichting-oost")).text
    assert "Woonstichting Oost is opgegaan in Woonborg (fusie)" in oost
    assert "gereed: 1" in oost
