# Checks on every HTML page of the built site, not a sample: no Markdown or
# attribute-list syntax leaks into the text a reader sees, no unknown element,
# no internal identifier shown as a heading, no positional anchor, a title that
# names the municipality, and overview tables that count what a document holds.
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import model as m
from generator import urls
from generator.render import contents_label
from generator.validate import load_corpus

from .htmltext import Page

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
CORPUS = load_corpus(ROOT / "data", ROOT)

# Every element of HTML5 (WHATWG) and of the inline SVG Material uses for icons.
HTML_ELEMENTS = set("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol
optgroup option output p picture pre progress q rp rt ruby s samp script search section select
slot small source span strong style sub summary sup table tbody td template textarea tfoot th
thead time title tr track u ul var video wbr
svg path g circle rect line polyline polygon ellipse defs use symbol title desc
""".split())  # noqa: SIM905 (a word list reads better than 150 quoted strings)

# Markdown or attribute-list syntax that means a construct was not converted.
LEAKS = [
    ("attribute list", re.compile(r"\{:")),
    ("escaped punctuation", re.compile(r"\\[!-/:-@\[-`{-~]")),
    ("Markdown link", re.compile(r"\]\(")),
    ("Markdown bold", re.compile(r"\*\*")),
    ("admonition", re.compile(r"^!!!|\s!!!\s")),
    ("escaped entity", re.compile(r"&(?:amp|lt|gt|quot|#\d+);")),
    ("autolink", re.compile(r"<https?:")),
]
# An internal identifier in brackets, as headings of unnumbered commitments had:
# "Afspraak (bijlage-lefier-2)".
INTERNAL_ID = re.compile(r"\((?:[a-z0-9]+-)+[a-z0-9]+\)")


class Structure(HTMLParser):
    """Tags, ids in the article, headings (text without the permalink), the title and
    the header bar's topic of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.ids: list[str] = []
        self.headings: list[tuple[str, str]] = []  # (id, text)
        self.title = ""
        self.topic = ""
        self.code: list[str] = []  # text shown as code: syntax there is meant
        self._heading: list[str] | None = None
        self._heading_id = ""
        self._in: list[str] = []
        self.feed(html)
        topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>',
                          html, re.S)
        self.topic = " ".join(unescape(topic.group(1)).split()) if topic else ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if a.get("id") and (self._in_article() or tag == "article"):
            self.ids.append(a["id"] or "")
        if re.fullmatch(r"h[2-6]", tag) and self._in_article():
            self._heading, self._heading_id = [], a.get("id") or ""
        if tag == "a" and "headerlink" in (a.get("class") or "") and self._heading is not None:
            self._in.append("headerlink")
            return
        self._in.append(tag)

    def _in_article(self) -> bool:
        return "article" in self._in

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()
        if re.fullmatch(r"h[2-6]", tag) and self._heading is not None:
            self.headings.append((self._heading_id, " ".join("".join(self._heading).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        where = self._in[-1] if self._in else ""
        if where == "title":
            self.title += data
        elif where == "code":
            self.code.append(data)
        elif self._heading is not None and where != "headerlink":
            self._heading.append(data)


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "downloads" not in p.parts)


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, tuple[Page, Structure]]:
    out = {}
    for path in _pages(built_site):
        html = path.read_text(encoding="utf-8")
        out[path.relative_to(built_site).as_posix()] = (Page(html), Structure(html))
    return out


def _data_strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _data_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _data_strings(v)]
    return [" ".join(node.split())] if isinstance(node, str) and len(node) > 3 else []


# Text as written in the data may hold '**' or '](' itself (a footnote mark in the
# source); it is removed before the scan, so only text the generator made is scanned.
DATA_TEXT = sorted({s for d in CORPUS.documents for s in _data_strings(d.model_dump())},
                   key=len, reverse=True)


def _without_data_text(text: str) -> str:
    for data in DATA_TEXT:
        if data in text:
            text = text.replace(data, " ")
    return text


def test_no_markdown_leaks_into_any_page(pages: dict[str, tuple[Page, Structure]]) -> None:
    leaks = []
    for rel, (page, structure) in pages.items():
        text = page.text
        for code in structure.code:
            text = text.replace(code, " ")
        texts = [_without_data_text(t) for t in [text, *(t for _, t in structure.headings)]]
        for name, pattern in LEAKS:
            for text in texts:
                found = pattern.search(text)
                if found:
                    leaks.append(f"{rel}: {name}: …{text[max(0, found.start() - 30):found.end() + 30]}…")
                    break
    assert leaks == []


def test_every_element_is_a_known_html_element(pages: dict[str, tuple[Page, Structure]]) -> None:
    unknown = {f"{rel}: <{tag}>" for rel, (_, s) in pages.items() for tag in s.tags
               if tag not in HTML_ELEMENTS}
    assert unknown == set()


def test_no_heading_shows_an_internal_identifier(pages: dict[str, tuple[Page, Structure]]) -> None:
    shown = [f"{rel}: {text}" for rel, (_, s) in pages.items() for _, text in s.headings
             if INTERNAL_ID.search(text)]
    assert shown == []
    for doc in CORPUS.documents:
        _, structure = pages[urls.page_url(urls.document_page(doc)) + "index.html"]
        headings = dict(structure.headings)
        for chapter in m.iter_chapters(doc.chapters):
            for group in chapter.groups:
                for c in group.commitments:
                    if c.number is None:
                        assert c.id not in headings[c.id], (doc.ref, c.id)


def test_no_anchor_depends_on_its_position(pages: dict[str, tuple[Page, Structure]]) -> None:
    """The builder makes '_2', '_3' of repeated headings; those move when a heading is
    added above them, so every heading that can be linked has an id of its own."""
    positional = [f"{rel}: #{i}" for rel, (_, s) in pages.items() for i in s.ids
                  if re.search(r"_\d+$", i)]
    assert positional == []
    for rel, (_, s) in pages.items():
        duplicates = {i for i in s.ids if s.ids.count(i) > 1}
        assert duplicates == set(), rel


@pytest.mark.parametrize("doc", CORPUS.documents, ids=lambda d: d.ref)
def test_document_page_names_its_municipality(pages: dict[str, tuple[Page, Structure]],
                                              doc: m.Document) -> None:
    """Tab, header bar and search results show the page title; a document title alone
    ("Prestatieafspraken 2023") does not say which municipality it is about."""
    municipality = CORPUS.municipalities[doc.municipality].name
    _, structure = pages[urls.page_url(urls.document_page(doc)) + "index.html"]
    assert municipality in structure.title and doc.title in structure.title
    assert municipality in structure.topic and doc.title in structure.topic


def test_overview_tables_count_what_each_document_holds(
        pages: dict[str, tuple[Page, Structure]]) -> None:
    """A framework sets goals, not commitments: it is never listed as '0 afspraken'."""
    for mun in CORPUS.municipalities.values():
        page, _ = pages[urls.page_url(urls.municipality_page(mun.id)) + "index.html"]
        for doc in CORPUS.documents_of(mun.id):
            assert contents_label(doc) in page.text
        assert " 0 afspraken" not in page.text
    for doc in CORPUS.documents:
        if doc.kind == "framework":
            for chapter in m.iter_chapters(doc.chapters):
                if chapter.theme:  # its theme's page counts its goals, not "(0)" commitments
                    province = m.province_of(CORPUS.municipalities[doc.municipality])
                    path = urls.theme_province_page(chapter.theme, province)
                    page, _ = pages[urls.page_url(path) + "index.html"]
                    assert f"({len(chapter.goals)} doelen)" in page.text, (doc.ref, chapter.id)
            for party in doc.parties:
                page, _ = pages[urls.page_url(urls.organisation_page(party)) + "index.html"]
                assert f"kader: {contents_label(doc)}" in page.text


def test_every_chapter_has_content_or_says_why_not() -> None:
    """A heading with nothing under it reads as a page that failed to load: a chapter
    has text, goals, commitments, tables or sub-chapters, or a note that explains."""
    empty = [f"{d.ref}#{ch.id}" for d in CORPUS.documents for ch in m.iter_chapters(d.chapters)
             if not (ch.context or ch.boxes or ch.goals or ch.groups or ch.tables or ch.chapters
                     or ch.note)]
    assert empty == []


# The interface of the theme in English, where the site is Dutch.
ENGLISH = [">Home<", "Made with", "Not found", "Skip to content", "Back to top"]


def test_no_page_shows_interface_text_in_english(built_site: Path) -> None:
    found = [f"{path.relative_to(built_site)}: {words}" for path in _pages(built_site)
             for words in ENGLISH
             if words in re.sub(r">\s+", ">", re.sub(r"\s+<", "<", path.read_text(encoding="utf-8")))]
    assert found == []


def test_leak_scan_catches_an_attribute_list(built_site: Path) -> None:
    html = (built_site / "over/index.html").read_text(encoding="utf-8")
    broken = html.replace("</article>", "<p>Woningcorporatie{: .doc-subtitle }</p></article>")
    assert any(p.search(Page(broken).text) for _, p in LEAKS)
