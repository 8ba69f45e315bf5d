# Small helpers for reading built HTML pages in tests (stdlib only).
from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects the visible text of the article, every id, and resource URLs."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.resources: list[str] = []
        self.links: list[str] = []
        self._in_article = 0
        self._skip = 0
        self._chunks: list[str] = []
        self.feed(html)
        self.text = " ".join(" ".join(self._chunks).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "article":
            self._in_article += 1
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.resources.append(a["src"] or "")
        if tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "preload",
                                                                "icon", "manifest"):
            self.resources.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_article and not self._skip:
            self._chunks.append(data)


def plain(text: str) -> str:
    """Data text as a reader sees it: bullets unmarked, whitespace collapsed."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line[2:] if line.startswith(("- ", "• ")) else line for line in lines]
    return " ".join(" ".join(lines).split())
