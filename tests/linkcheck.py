# A link checker for the built site: every internal link and anchor in every
# page (Markdown content, raw HTML and theme alike) must resolve. Used by the
# tests; MkDocs' own validation sees only Markdown links.
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .htmltext import Page


def broken_links(site: Path) -> list[str]:
    pages: dict[str, Page] = {}
    for path in sorted(site.rglob("*.html")):
        pages[path.relative_to(site).as_posix()] = Page(path.read_text(encoding="utf-8"))
    problems = []
    for rel, page in pages.items():
        base = "http://site/" + rel
        for href in page.links + page.resources:
            url = urljoin(base, href)
            parts = urlsplit(url)
            if parts.netloc != "site":
                continue  # an external link; the site never loads from other hosts
            target = unquote(parts.path.lstrip("/"))
            if target == "" or target.endswith("/"):
                target += "index.html"
            if not (site / target).is_file():
                problems.append(f"{rel}: {href} -> missing {target}")
                continue
            if parts.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{rel}: {href} -> no anchor #{parts.fragment} in {target}")
    return problems
