# Every path and URL of the site is spelled here and nowhere else: pages,
# anchors and download files. Paths are relative to the docs directory; URLs are
# site-relative with a trailing slash (MkDocs' use_directory_urls).
from __future__ import annotations

from . import model as m

GEMEENTEN = "gemeenten"
DOWNLOADS = "downloads"


def municipality_page(municipality_id: str) -> str:
    return f"{GEMEENTEN}/{municipality_id}/index.md"


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
    """A Markdown link from one page source to another, resolved by MkDocs."""
    depth = from_page.count("/")
    link = "../" * depth + to_page
    return f"{link}#{anchor}" if anchor else link


def table_download(doc: m.Document, table: m.Table, fmt: str) -> str:
    """Download file of one table: downloads/<municipality>/<doc>/<table>.<csv|json>."""
    return f"{DOWNLOADS}/{doc.municipality}/{doc.slug}/{table.id}.{fmt}"


def indicator_download(doc: m.Document, indicator: m.Indicator, fmt: str) -> str:
    return f"{DOWNLOADS}/{doc.municipality}/{doc.slug}/{indicator.id}.{fmt}"


def document_download(doc: m.Document) -> str:
    """The whole document as JSON (open data)."""
    return f"{DOWNLOADS}/{doc.municipality}/{doc.slug}.json"


def theme_index() -> str:
    """One page with a section per common theme (anchor: the theme's id), linking to its page."""
    return "themas.md"


def theme_page(theme_id: str) -> str:
    """The chapters of one theme, per municipality."""
    return f"themas/{theme_id}.md"


def municipalities_index() -> str:
    return f"{GEMEENTEN}/index.md"


def organisations_index() -> str:
    """One page with a short section per organisation (anchor: its id), linking to its page."""
    return "organisaties.md"


def organisation_page(org_id: str) -> str:
    """One organisation: the documents it signed and how many commitments it carries."""
    return f"organisaties/{org_id}.md"


def home() -> str:
    return "index.md"
