# markup.py writes by hand what Python-Markdown used to make of the generated pages:
# heading ids, permalinks and the table of contents (the toc extension), paragraphs and
# lists of data text (the Markdown the site used to write, md_blocks below), and links as
# the builder resolved them.
# Each is compared here with that oracle itself, run with the settings in mkdocs.yml,
# so a published anchor or link does not change when a page moves from Markdown to
# HTML, and the constants in markup.py cannot drift from mkdocs.yml.
from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
import yaml
from markupsafe import Markup

from generator import markup, urls
from generator.formatting import Safe, md
from generator.markup import TocToken, finish_page, inline, text_blocks

from .conftest import ROOT


def md_blocks(text: object) -> Safe:
    """The Markdown the generator wrote for data text before its pages were HTML (the
    oracle of text_blocks): each run of lines (markup.text_runs, the splitting both
    share) a paragraph or a list, escaped by md()."""
    blocks = ["\n".join("- " + md(x) for x in lines) if bullets else md(" ".join(lines))
              for bullets, lines in markup.text_runs(text)]
    return Safe("\n\n".join(blocks))


class _Loader(yaml.SafeLoader):
    """mkdocs.yml's own tags (!ENV) are not needed here: read them as their list."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node))  # type: ignore[arg-type, union-attr]


def _extensions() -> tuple[list[str], dict[str, dict[str, Any]]]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for item in config["markdown_extensions"]:
        if isinstance(item, str):
            names.append(item)
        else:
            ((name, options),) = item.items()
            names.append(name)
            configs[name] = options or {}
    return names, configs


EXTENSIONS, CONFIGS = _extensions()


def _markdown() -> markdown.Markdown:
    """Python-Markdown as the builder ran it on the pages before they were HTML."""
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)


class _Canon(HTMLParser):
    """The DOM as a browser reads it: tags with sorted attributes, text with
    entities decoded and whitespace collapsed."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._text: list[str] = []
        self.feed(text)
        self.close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.out.append("T " + text)
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        self.out.append(f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in sorted(attrs)) + ">")

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def dom(text: str) -> list[str]:
    return _Canon(text).out


# --- headings: ids, permalinks, table of contents ------------------------------------

# (level, text, explicit id, class): data text, written as the Markdown templates wrote
# it (formatting.md escapes it) and as the HTML templates write it (escaped by inline).
HEADINGS: list[tuple[int, str, str | None, str | None]] = [
    (1, "Prestatieafspraken wonen", urls.TITLE_ANCHOR, None),
    (2, "Overzicht", None, None),                         # the explicit id below takes 'overzicht'
    (2, "Één woning: 50% & meer!", None, None),           # accents, punctuation
    (2, "Wat is 'nieuw' en \"oud\"?", None, None),
    (2, "Per thema", None, None),                         # the same text three times,
    (3, "Per thema", None, None),                         # at any level
    (2, "Per thema", None, None),
    (3, "Samenvatting", "overzicht", None),
    (2, "Stap_1", None, None),                            # a slug that ends like a counter
    (2, "Stap_1", None, None),
    (2, "Stap", None, None),
    (2, "Stap", None, None),
    (2, "—", None, None),                                 # nothing left to slugify
    (2, "...", None, None),
    (2, "Café  Ĳssel\tmet   spaties", None, None),
    (2, "x < y > z & a_b", None, None),
    (2, "<script>alert(1)</script> [x](javascript:alert(1)) *y* `z`", None, None),
    (2, "Nummer #3 \\ klaar #", None, None),
    (2, "Met klasse", "met-klasse", "deep"),
    (4, "Diep kopje", None, None),                        # h4-h6: an id and a permalink,
    (5, "Dieper", None, None),                            # not in the table of contents
    (6, "Diepst", None, None),
    (3, "Na de diepe", None, None),
]


def _markdown_heading(level: int, text: str, anchor: str | None, cls: str | None) -> str:
    attrs = " ".join(part for part in (anchor and "#" + anchor, cls and "." + cls) if part)
    return "#" * level + " " + md(text) + (f" {{{attrs}}}" if attrs else "")


def _html_heading(level: int, text: str, anchor: str | None, cls: str | None) -> str:
    return f"<h{level}{markup.attributes(id=anchor, class_=cls)}>{inline(text)}</h{level}>"


# A heading holding markup: a link (with text to escape) and emphasis.
MARKDOWN_EXTRA = ["## Zie [de kaart & meer](../kaart/#noord) hier", "## Het *nieuwe* plan",
                  "## Zie", "### Zie de kaart meer hier"]
HTML_EXTRA = ['<h2>Zie <a href="../kaart/#noord">de kaart &amp; meer</a> hier</h2>',
              "<h2>Het <em>nieuwe</em> plan</h2>", "<h2>Zie</h2>", "<h3>Zie de kaart meer hier</h3>"]


def _comparable(tokens: list[TocToken] | list[dict[str, Any]]) -> list[tuple[int, str, str, Any]]:
    """The parts of a toc token the theme uses; the name as the reader sees it (the
    entities for quotes may be spelt differently, the text is the same)."""
    for token in tokens:
        assert "<" not in token["name"], token
    return [(t["level"], t["id"], html.unescape(t["name"]), _comparable(t["children"])) for t in tokens]


def test_finish_page_gives_the_ids_permalinks_and_toc_the_toc_extension_gave() -> None:
    source = "\n\n".join([_markdown_heading(*h) for h in HEADINGS] + MARKDOWN_EXTRA) + "\n"
    oracle = _markdown()
    expected = oracle.convert(source)
    body, toc = finish_page("\n".join([_html_heading(*h) for h in HEADINGS] + HTML_EXTRA) + "\n")
    assert dom(body) == dom(expected)
    assert _comparable(toc) == _comparable(oracle.toc_tokens)  # type: ignore[attr-defined]
    # The cases are the tricky ones they claim to be.
    ids = re.findall(r'<h[1-6] [^>]*\bid="([^"]*)"', body)
    assert {"overzicht_1", "per-thema_1", "per-thema_2", "stap_1", "stap_2", "stap_3", "_1", "_2",
            "met-klasse", "zie-de-kaart-meer-hier_1"} <= set(ids)
    assert len(ids) == len(set(ids)) == len(HEADINGS) + len(HTML_EXTRA)


def test_a_slug_is_not_taken_from_an_id_anywhere_on_the_page() -> None:
    """An id from the data that is not on a heading (a commitment, a table) is taken
    first, as the toc extension does, wherever it stands. (In Markdown such an id was
    written with attr_list; one in a raw HTML block was invisible to the toc extension,
    which could give a heading the same id: finish_page sees every id.)"""
    source = "## Afspraak 1\n\nx\n{: #afspraak-1 }\n\n## Afspraak 1\n"
    oracle = _markdown()
    expected = oracle.convert(source)
    body, toc = finish_page('<h2>Afspraak 1</h2>\n<p id="afspraak-1">x</p>\n<h2>Afspraak 1</h2>\n')
    assert dom(body) == dom(expected)
    assert _comparable(toc) == _comparable(oracle.toc_tokens) == [  # type: ignore[attr-defined]
        (2, "afspraak-1_1", "Afspraak 1", []), (2, "afspraak-1_2", "Afspraak 1", [])]


def test_the_permalink_and_depth_are_mkdocs_yml_s() -> None:
    toc = CONFIGS["toc"]
    assert toc["permalink"] == markup.PERMALINK_TEXT
    assert toc["permalink_title"] == markup.PERMALINK_TITLE
    assert int(toc["toc_depth"]) == markup.TOC_DEPTH


def test_a_heading_from_hostile_data_stays_text() -> None:
    body, toc = finish_page(_html_heading(2, '<img src=x onerror="alert(1)"> & "', None, None))
    assert "<img" not in body and "&lt;img" in body
    assert "<" not in toc[0]["name"] and html.unescape(toc[0]["name"]) == '<img src=x onerror="alert(1)"> & "'
    assert toc[0]["id"] == "img-srcx-onerroralert1"


# --- data text: paragraphs and lists ------------------------------------------------

TEXTS = [
    "Eén zin.",
    "Twee regels\nin één alinea.\n\nEen tweede alinea.",
    "Inleiding:\n- eerste punt\n- tweede punt\nSlotzin.",
    "• punt met een bolletje\n• nog een\n\n- streepje",        # one list after a blank line
    "Intro\n- a\n\n- b\n- c\n\n- d\n\nSlot\n- e",
    "  ingesprongen regel\n\n\n\n   en na veel witregels  ",
    "<script>alert(1)</script> & <b>vet</b> &amp; &lt;",
    "*nadruk* _ook_ __vet__ **vet** `code` \\* \\\\",
    "[x](javascript:alert(1)) ![img](x.png) <https://example.org> https://example.org",
    "- [x](javascript:alert(1))\n- <script>alert(2)</script>\n- *y* & z",
    "1. geen genummerde lijst\n# geen kop\n> geen citaat\n| a | b |\n{: .klasse }",
    "-geen punt\n*geen punt\n+ geen punt\n-  twee spaties",
    "regel met twee spaties aan het eind  \nvolgende regel",
    "!!! note \"Geen admonition\"\n    ingesprongen",
    "Term\n: geen definitie",
]


@pytest.mark.parametrize("text", TEXTS)
def test_text_blocks_renders_as_md_blocks_did(text: str) -> None:
    expected = _markdown().convert(md_blocks(text))
    assert dom(text_blocks(text)) == dom(expected)


def test_text_blocks_escapes_once() -> None:
    out = text_blocks("<b>x</b> & - y\n- <i>z</i>")
    assert isinstance(out, Markup)
    assert out == "<p>&lt;b&gt;x&lt;/b&gt; &amp; - y</p>\n<ul>\n<li>&lt;i&gt;z&lt;/i&gt;</li>\n</ul>"


# --- links: what the builder made of a Markdown link --------------------------------

LINKS = [  # (from page, to page or file, anchor)
    ("concreetheid.md", "gemeenten/tynaarlo/prestatieafspraken-2023.md", None),
    ("concreetheid.md", "organisaties/woonborg.md", None),
    ("vergelijken.md", "vergelijken/sociale-huurvoorraad.md", None),
    ("vergelijken.md", "bijdragen.md", None),
    ("vergelijken/sociale-huurvoorraad.md", "vergelijken/sociale-huurvoorraad/drenthe.md", None),
    ("vergelijken/sociale-huurvoorraad/drenthe.md", "vergelijken/sociale-huurvoorraad.md", None),
    ("vergelijken/sociale-huurvoorraad/drenthe.md", "vergelijken/sociale-huurvoorraad/groningen.md", None),
    ("gemeenten/index.md", "gemeenten/tynaarlo/index.md", None),
    ("gemeenten/tynaarlo/index.md", "gemeenten/index.md", None),
    ("gemeenten/tynaarlo/index.md", "gemeenten/tynaarlo/2023.md", None),
    # page -> file
    ("vergelijken/sociale-huurvoorraad.md", "downloads/vergelijken/sociale-huurvoorraad.csv", None),
    ("open-data.md", "downloads/register/register.xlsx", None),
    ("gemeenten/tynaarlo/index.md", "feeds/tynaarlo.xml", None),
    # home -> page, home -> file, page -> home, home -> home
    ("index.md", "gemeenten/index.md", None),
    ("index.md", "gemeenten/tynaarlo/prestatieafspraken-2023.md", None),
    ("index.md", "downloads/register/register.xlsx", None),
    ("gemeenten/tynaarlo/prestatieafspraken-2023.md", "index.md", None),
    ("open-data.md", "index.md", None),
    ("index.md", "index.md", None),
    # anchors: on another page, on the same page, on the home page
    ("vergelijken/sociale-huurvoorraad.md", "gemeenten/aa-en-hunze/prestatieafspraken-2024.md",
     "voorraadontwikkeling"),
    ("gemeenten/tynaarlo/prestatieafspraken-2023.md", "gemeenten/tynaarlo/prestatieafspraken-2023.md",
     "afspraak-1"),
    ("gemeenten/tynaarlo/index.md", "gemeenten/tynaarlo/index.md", "documenten"),
    ("gemeenten/tynaarlo/2023.md", "index.md", "stand"),
    ("index.md", "index.md", "stand"),
]


def _builder_url(from_page: str, to_page: str, anchor: str | None) -> str:
    """The URL the builder wrote for the Markdown link urls.markdown_relative made."""
    from properdocs.structure.files import File
    from properdocs.utils import get_relative_url

    link = urls.markdown_relative(from_page, to_page)
    source = File(from_page, "/docs", "/site", use_directory_urls=True)
    target_path = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), link.partition("#")[0]))
    assert target_path == to_page  # the Markdown link pointed at the file
    target = File(target_path, "/docs", "/site", use_directory_urls=True)
    url = get_relative_url(target.url, source.url)
    return f"{url}#{anchor}" if anchor else url


@pytest.mark.parametrize(("from_page", "to_page", "anchor"), LINKS)
def test_relative_gives_the_url_the_builder_made_of_the_markdown_link(
        from_page: str, to_page: str, anchor: str | None) -> None:
    assert urls.relative(from_page, to_page, anchor) == _builder_url(from_page, to_page, anchor)


def test_relative_gives_the_urls_of_the_published_pages() -> None:
    """Values read once from the site built from Markdown (seed data)."""
    assert urls.relative("concreetheid.md", "gemeenten/aa-en-hunze/prestatieafspraken-2024.md") == \
        "../gemeenten/aa-en-hunze/prestatieafspraken-2024/"
    assert urls.relative("vergelijken/sociale-huurvoorraad.md", "gemeenten/aa-en-hunze/prestatieafspraken-2024.md",
                         "voorraadontwikkeling") == \
        "../../gemeenten/aa-en-hunze/prestatieafspraken-2024/#voorraadontwikkeling"
    assert urls.relative("vergelijken.md", "vergelijken/sociale-huurvoorraad.md") == "sociale-huurvoorraad/"
    assert urls.relative("open-data.md", "downloads/register/register.xlsx") == "../downloads/register/register.xlsx"
    assert urls.relative("index.md", "gemeenten/tynaarlo/prestatieafspraken-2023.md") == \
        "gemeenten/tynaarlo/prestatieafspraken-2023/"
    page = "gemeenten/groningen/ambitiekader-2021-2025.md"
    assert urls.relative(page, page, "netto-toevoeging-sociale-huurwoningen") == \
        "./#netto-toevoeging-sociale-huurwoningen"
