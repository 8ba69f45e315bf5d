# Generated pages are HTML, not Markdown: the builder passes their body through
# untouched (hooks/generate.py) and only wraps it in the theme. Python-Markdown was
# about 90% of the builder's time at national size, spent re-discovering structure
# the generator already knows. Escaping stays in one place: the templates run with
# Jinja's autoescape, so every printed value is HTML-escaped unless it is Markup,
# and the helpers here build Markup only from escaped parts.
#
# What the Markdown extensions used to add is done here, the same way, so pages and
# their anchors stay as they were published: ids for headings without one (the toc
# extension's slugs, made unique on the page), the permalink after each heading,
# and the table of contents the theme shows (headings h1-h3, nested).
from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, TypedDict

from markupsafe import Markup, escape

# The same as mkdocs.yml's toc settings, which the builder applies to hand-written
# pages (tests/test_markup.py compares them).
PERMALINK_TEXT = "#"
PERMALINK_TITLE = "Link naar dit onderdeel"
TOC_DEPTH = 3


class TocToken(TypedDict):
    level: int
    id: str
    name: str
    children: list[TocToken]


def inline(text: object) -> Markup:
    """Data text within a line: whitespace collapsed (as the Markdown escaping did),
    HTML-escaped."""
    if isinstance(text, Markup):
        return text
    return escape(" ".join(str(text).split()))


def text_runs(text: object) -> list[tuple[bool, list[str]]]:
    """Data text as runs of prose lines and of bullet lines ('- ' or '• ', the marker
    taken off), in the order written; a blank line ends a run."""
    runs: list[tuple[bool, list[str]]] = []
    for para in re.split(r"\n\s*\n", str(text).strip()):
        run: list[str] = []
        bullet_run = False
        for line in (ln.strip() for ln in para.splitlines()):
            if not line:
                continue
            is_bullet = line.startswith(("- ", "• "))
            if run and is_bullet != bullet_run:
                runs.append((bullet_run, run))
                run = []
            bullet_run = is_bullet
            run.append(line[2:] if is_bullet else line)
        if run:
            runs.append((bullet_run, run))
    return runs


def text_blocks(text: object) -> Markup:
    """Plain data text -> HTML paragraphs; lines starting '- ' or '• ' become bullets.

    Within a paragraph, consecutive prose lines join into one paragraph and
    consecutive bullet lines into one list, in the order they are written. Bullets
    that go on after a blank line stay one list, their items next to the blank line
    as paragraphs, as Python-Markdown made of it (a "loose" list), so pages stay as
    they were published.
    """
    runs = text_runs(text)
    blocks: list[str] = []
    items: list[tuple[str, bool]] = []  # the open list: (text, loose)
    for is_bullet, lines in runs:
        if not is_bullet:
            if items:
                blocks.append(_bullets(items))
                items = []
            blocks.append(f"<p>{inline(' '.join(lines))}</p>")
            continue
        # Two bullet runs in a row are always in paragraphs of their own.
        if items:
            items[-1] = (items[-1][0], True)
        items += [(line, bool(items) and i == 0) for i, line in enumerate(lines)]
    if items:
        blocks.append(_bullets(items))
    return Markup("\n".join(blocks))


def _bullets(items: list[tuple[str, bool]]) -> str:
    return "<ul>\n" + "".join(f"<li>\n<p>{inline(line)}</p>\n</li>\n" if loose else f"<li>{inline(line)}</li>\n"
                              for line, loose in items) + "</ul>"


def slugify(text: str) -> str:
    """A heading's id as Python-Markdown's toc extension makes it (its default
    slugify): accents dropped, punctuation removed, lower case, hyphens."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


_COUNTED = re.compile(r"^(.*)_([0-9]+)$")


def _unique(slug: str, used: set[str], counters: dict[str, int]) -> str:
    """toc's unique(): 'x', then 'x_1', 'x_2' for the next headings with that slug; a
    slug that already ends in '_<n>' counts on from n. `counters` remembers, per base,
    how far the suffixes are known to be taken, so a slug repeated a thousand times
    on a page does not test each suffix again (the same cache, the same result)."""
    if slug in used or not slug:
        counted = _COUNTED.match(slug)
        base, count = (counted.group(1), int(counted.group(2))) if counted else (slug, 0)
        known = counters.get(base, 0)
        skip = count <= known or slug == f"{base}_{known + 1}"
        if skip:
            count = max(count, known)
        count += 1
        while f"{base}_{count}" in used:
            count += 1
        slug = f"{base}_{count}"
        if skip:
            counters[base] = count
    used.add(slug)
    return slug


_HEADING = re.compile(r"<h([1-6])((?: [a-z-]+=\"[^\"]*\")*)>(.*?)</h\1>", re.S)
_ID = re.compile(r" id=\"([^\"]*)\"")
_TAG = re.compile(r"<[^>]*>")


def finish_page(body: str) -> tuple[str, list[TocToken]]:
    """The page body with every heading's id and permalink, and its table of contents.

    Headings are written by the templates as <hN id="..."> or, where the id comes
    from the text, plain <hN>. Ids already on the page are taken first, as the toc
    extension does, so a slug never collides with an id from the data."""
    used = set(_ID.findall(body))
    counters: dict[str, int] = {}
    flat: list[TocToken] = []

    def heading(match: re.Match[str]) -> str:
        level, attrs, inner = int(match.group(1)), match.group(2), match.group(3)
        text = html.unescape(_TAG.sub("", inner)).strip()
        found = _ID.search(attrs)
        if found:
            anchor = html.unescape(found.group(1))
        else:
            anchor = _unique(slugify(text), used, counters)
            attrs = f' id="{escape(anchor)}"' + attrs
        if level <= TOC_DEPTH:
            flat.append({"level": level, "id": anchor, "name": str(escape(" ".join(text.split()))),
                         "children": []})
        link = (f'<a class="headerlink" href="#{escape(anchor)}" title="{PERMALINK_TITLE}">'
                f"{PERMALINK_TEXT}</a>")
        return f"<h{level}{attrs}>{inner}{link}</h{level}>"

    return _HEADING.sub(heading, body), nest(flat)


def nest(flat: list[TocToken]) -> list[TocToken]:
    """Flat headings -> the nested list the theme's table of contents shows."""
    roots: list[TocToken] = []
    stack: list[TocToken] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(token)
        stack.append(token)
    return roots


def attributes(**values: Any) -> Markup:
    """' name="value"' for each value that is not None (underscores -> hyphens), escaped."""
    return Markup("".join(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
                          for name, value in values.items() if value is not None))
