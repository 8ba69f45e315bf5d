# Every path and URL of the site is spelled here and nowhere else: pages,
# anchors and download files. Paths are relative to the docs directory; URLs are
# site-relative with a trailing slash (MkDocs' use_directory_urls).
from __future__ import annotations

import posixpath
import re
import unicodedata

from . import model as m

GEMEENTEN = "gemeenten"
DOWNLOADS = "downloads"

# Names the generator gives things itself, which data ids must therefore not take
# (validate.py rejects them in `check`). Anchors on a document page share one
# namespace with the ids of its chapters, goals, indicators, tables and
# commitments; a document's slug is a file name next to its municipality's page.
# tests/test_hostile.py checks that the templates and charts.py use no others.
PARTIES_ANCHOR = "partijen"  # document.html.j2: "Partijen en ondertekening"
CHART_ID_PREFIX = "grafiek-"  # charts.py: "grafiek-<table or indicator id>[-n]", and "...-data"
RESERVED_ANCHORS = {PARTIES_ANCHOR: "for the heading 'Partijen en ondertekening'"}
RESERVED_SLUGS = {"index": "gemeenten/<municipality>/index for the municipality's own page"}


def reserved_anchor(anchor: str) -> str | None:
    """Why a data id cannot be an anchor on a document page, or None if it can."""
    if anchor in RESERVED_ANCHORS:
        return RESERVED_ANCHORS[anchor]
    if anchor.startswith(CHART_ID_PREFIX):
        return f"for charts ('{CHART_ID_PREFIX}<table or indicator id>')"
    return None


def reserved_slug(slug: str) -> str | None:
    """Why a document slug cannot be used, or None if it can. A slug of digits only
    would be the page of a municipality's year (municipality_year_page)."""
    if slug in RESERVED_SLUGS:
        return RESERVED_SLUGS[slug]
    if slug.isdigit():
        return f"{GEMEENTEN}/<municipality>/<year>/ for the page of one year"
    return None


def municipality_page(municipality_id: str) -> str:
    return f"{GEMEENTEN}/{municipality_id}/index.md"


def municipality_year_page(municipality_id: str, year: int) -> str:
    """Every document of one municipality in force in one year (a multi-year
    agreement is listed under each of its years)."""
    return f"{GEMEENTEN}/{municipality_id}/{year}.md"


def document_page(doc: m.Document) -> str:
    return f"{GEMEENTEN}/{doc.municipality}/{doc.slug}.md"


def page_url(page_path: str) -> str:
    """The served URL of a Markdown page path ("a/b.md" -> "a/b/", "a/index.md" -> "a/")."""
    stem = page_path.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relative(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """The link from one page to another page or file, as the reader's browser follows
    it: relative to the page's URL, so the site works under any address (the same URL
    the builder makes of a Markdown link: properdocs.utils.get_relative_url)."""
    here = page_url(from_page) or "./"
    there = (page_url(to_page) or "./") if to_page.endswith(".md") else to_page
    link = posixpath.relpath("/" + there, "/" + here)
    if there.endswith("/"):
        link += "/"
    return f"{link}#{anchor}" if anchor else link


def markdown_relative(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A Markdown link from one page source to another, resolved by the builder (the
    home page, the one generated page that stays Markdown)."""
    link = "../" * from_page.count("/") + to_page
    return f"{link}#{anchor}" if anchor else link


# The h1 of a generated page (the target of "skip to content"). Without an id of
# its own, the builder derives one from the title, which a chapter id can already
# hold ("prestatieafspraken-2024"); then the h1 got "…_1". '--' never occurs in data ids.
TITLE_ANCHOR = "pagina--titel"


def section_anchor(chapter_id: str, label: str) -> str:
    """Anchor of a heading the generator adds inside a chapter: '<chapter>--<label>'.
    Data ids are slugs without '--', so these never collide with them, and they do not
    move when a heading is added elsewhere (unlike the builder's positional '_2')."""
    return f"{chapter_id}--{slug(label) or 'sectie'}"


def table_download(doc: m.Document, table: m.Table, fmt: str) -> str:
    """Download file of one table, named so that it says where it comes from once
    saved: downloads/<municipality>/<doc>/<municipality>-<doc>-<table>.<csv|json>."""
    return f"{DOWNLOADS}/{doc.municipality}/{doc.slug}/{doc.municipality}-{doc.slug}-{table.id}.{fmt}"


def indicator_download(doc: m.Document, indicator: m.Indicator, fmt: str) -> str:
    return f"{DOWNLOADS}/{doc.municipality}/{doc.slug}/{doc.municipality}-{doc.slug}-{indicator.id}.{fmt}"


def document_download(doc: m.Document) -> str:
    """The whole document as JSON (open data)."""
    return f"{DOWNLOADS}/{doc.municipality}/{doc.municipality}-{doc.slug}.json"


def document_tables_xlsx(doc: m.Document) -> str:
    """Every table and indicator of a document as one spreadsheet, a sheet each."""
    return f"{DOWNLOADS}/{doc.municipality}/{doc.municipality}-{doc.slug}-tabellen.xlsx"


def theme_index() -> str:
    """One page with a section per common theme (anchor: the theme's id), linking to its page."""
    return "themas.md"


def theme_page(theme_id: str) -> str:
    """One theme: its description and, per province, how many chapters and commitments
    there are, linking to theme_province_page (the stable entry URL of a theme)."""
    return f"themas/{theme_id}.md"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-': 'Fryslân' -> 'fryslan'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def theme_province_page(theme_id: str, province: str) -> str:
    """One theme in one province: its chapters per municipality and the full, filterable
    list of its commitments (so no theme page grows with the whole country)."""
    return f"themas/{theme_id}/{slug(province) or 'provincie'}.md"


def municipalities_index() -> str:
    return f"{GEMEENTEN}/index.md"


def organisations_index() -> str:
    """One page with a short section per organisation (anchor: its id), linking to its page."""
    return "organisaties.md"


def organisation_page(org_id: str) -> str:
    """One organisation: the documents it signed and how many commitments it carries."""
    return f"organisaties/{org_id}.md"


# --- concreteness and goal -> plan -> realisation -------------------------------

def concreteness_page() -> str:
    """How concrete the commitments are: the criteria and counts per document, theme
    and organisation."""
    return "concreetheid.md"


# The sections of the concreteness page (its own page, so no data id can collide).
CONCRETENESS_ANCHORS = {"criteria": "criteria", "all": "alle", "documents": "per-document",
                        "themes": "per-thema", "organisations": "per-organisatie"}


def home() -> str:
    return "index.md"


# --- figures compared across municipalities (comparisons.py) -----------------

def comparisons_index() -> str:
    """Every comparison, with what it counts and which municipalities give it."""
    return "vergelijken.md"


def comparison_page(comparison_id: str) -> str:
    """One figure per municipality and year: chart, table, sources."""
    return f"vergelijken/{comparison_id}.md"


def comparison_province_page(comparison_id: str, province: str) -> str:
    """The part of a large comparison for one province (comparison_views.SPLIT_AT)."""
    return f"vergelijken/{comparison_id}/{slug(province) or 'provincie'}.md"


def comparison_download(comparison_id: str, fmt: str) -> str:
    """The values of one comparison, one row per value (open data)."""
    return f"{DOWNLOADS}/vergelijken/vergelijking-{comparison_id}.{fmt}"


# --- for journalists (feeds, embeddable charts) -------------------
FEEDS = "feeds"
EMBEDS = "grafiek"


def municipality_feed(municipality_id: str) -> str:
    """Atom feed of one municipality: new documents and reported status changes."""
    return f"{FEEDS}/{GEMEENTEN}/{municipality_id}.xml"


def organisation_feed(org_id: str) -> str:
    """Atom feed of one organisation: documents it signed, status changes of what it carries."""
    return f"{FEEDS}/organisaties/{org_id}.xml"


def chart_embed(doc: m.Document, chart_id: str) -> str:
    """A chart on a page of its own, without the site around it, for an <iframe>:
    grafiek/<municipality>/<doc>/<chart id>/index.html (served as .../<chart id>/)."""
    return f"{EMBEDS}/{doc.municipality}/{doc.slug}/{chart_id}/index.html"


def to_root(path: str) -> str:
    """The relative prefix from a file at `path` (docs-relative) back to the site root."""
    return "../" * path.count("/")


def chart_embed_url(doc: m.Document, chart_id: str) -> str:
    """The site-relative URL of chart_embed (its directory)."""
    return chart_embed(doc, chart_id).removesuffix("index.html")


PREVIEWS = "afspraak"
SHARE_IMAGES = "deelbeeld"  # the link-preview images (og:image), one per document


def commitment_preview(doc: m.Document, commitment_id: str) -> str:
    """A commitment's own small page, whose link previews its text (previews.py):
    afspraak/<municipality>/<doc>/<commitment id>/index.html."""
    return f"{PREVIEWS}/{doc.municipality}/{doc.slug}/{commitment_id}/index.html"


def share_image(doc: m.Document) -> str:
    """The document's link-preview image (share.py), also shown for its commitments."""
    return f"{SHARE_IMAGES}/{doc.municipality}/{doc.slug}.png"


def absolute(site_url: str, path: str) -> str:
    """A site-relative path under the site's address (SITE_URL, with or without '/')."""
    return site_url.rstrip("/") + "/" + path


def commitment_preview_url(doc: m.Document, commitment_id: str) -> str:
    return commitment_preview(doc, commitment_id).removesuffix("index.html")


def commitment_url(doc: m.Document, commitment_id: str) -> str:
    """The site-relative permalink of one commitment (page URL and anchor)."""
    return f"{page_url(document_page(doc))}#{commitment_id}"

# --- views by organisation, theme and year ------------------------------
# Headings the generator adds on organisation, theme and year pages; '--' never occurs
# in data ids, so these anchors cannot collide with a heading taken from the data.


def predecessor_anchor(org_id: str) -> str:
    """On an organisation page: the commitments of one predecessor."""
    return f"voorganger--{org_id}"


THEME_COMMITMENTS_ANCHOR = "alle--afspraken"  # theme page: the filterable list
# Organisation page: the commitments it is responsible for only by a party list the
# editors inferred ('--' never occurs in data ids, so no organisation id can clash).
INFERRED_ANCHOR = "afgeleid--verantwoordelijk"
THEME_LIST_ID = "afspraken--lijst"  # theme page: the list the filters act on


def theme_filter_id(key: str) -> str:
    """Theme page: the <select> of one filter ('gemeente', 'jaar', ...), for its <label>."""
    return f"filter--{key}"
# --- end of the views -------------------------------------------------------------


# --- open data and lasting links ---------------------------------

# Fixed anchors of the home, open-data and comparison pages (no data id is an anchor
# there, so they need not be reserved; tests/test_hostile.py keeps the templates to this list).
OVERVIEW_ANCHORS = frozenset({"laatst-ondertekend", "per-thema", "stand", "pakket", "tabellen",
                              "licentie", "verwijzen", "per-gemeente-en-jaar", "per-provincie",
                              "welk-bestand"})


def open_data_page() -> str:
    """The open-data page: every download file and field, license, how to cite."""
    return "open-data.md"


def redirect_page(url: str) -> str:
    """The static file that sends an old URL ("gemeenten/x/oud/") to its new place."""
    return f"{url}index.html"
