# Links that last: data/published-urls.txt lists every page and download the
# site has published. `build` appends the URLs it publishes for the first time,
# so a maintainer who adds a document commits them with the data (`git add
# data/`) and never edits the list by hand; a URL is never removed from it.
# tests/test_published.py fails when a listed URL is no longer served, as a page
# or as a redirect from data/redirects.yaml. A new URL never fails a test.
from __future__ import annotations

from pathlib import Path

FILE_NAME = "published-urls.txt"
HEADER = ("# Every URL this site has published. `python -m generator build` appends new ones;\n"
          "# never remove a line: record where a page went in data/redirects.yaml.\n")
SERVED_AS_FILES = ("downloads/", "schema/")  # open data and schemas, served as they are


def site_urls(site: Path) -> set[str]:
    """The URLs of a built site: its pages ("/gemeenten/x/") and its download files."""
    found: set[str] = set()
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if path.name == "index.html" and not relative.startswith(("assets/", "pagefind/")):
            found.add("/" + relative.removesuffix("index.html"))
        elif path.is_file() and relative.startswith(SERVED_AS_FILES):
            found.add("/" + relative)
    return found


def read_published(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def missing(site: Path, published: list[str]) -> list[str]:
    """Published URLs the site no longer serves (a page or redirect at its place)."""
    urls = site_urls(site)
    return [url for url in published if url not in urls]


def record(list_file: Path, site: Path) -> list[str]:
    """Append the URLs `site` publishes for the first time to the list; returns them.
    A project without the list (a test's temporary copy) keeps none."""
    if not list_file.is_file():
        return []
    published = read_published(list_file.read_text(encoding="utf-8"))
    new = sorted(site_urls(site) - set(published))
    if new:
        text = HEADER + "".join(f"{url}\n" for url in sorted({*published, *new}))
        temporary = list_file.with_name(list_file.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(list_file)  # never half a list
    return new
