# For journalists: what a page tells other sites about itself (description,
# Open Graph, its Atom feeds), the Atom feeds themselves and each chart on a page of its
# own for an <iframe>. Corpus in, files (docs-relative path -> bytes) and per-page share
# metadata out; dates come from the data, never the clock, so two builds are identical.
from __future__ import annotations

import datetime as dt
import html
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import csp, urls
from . import model as m
from .charts import Chart, indicator_chart, table_charts
from .evidence import PROVENANCE_LABELS
from .formatting import date_nl
from .imagecache import ImageCache, render_cached
from .queries import Queries
from .render import STATUS_LABELS, count_commitments, kind_label, period_label
from .shareimage import HEIGHT, WIDTH, Card
from .validate import Corpus

ATOM = "http://www.w3.org/2005/Atom"
SITE_NAME = "Prestatieafspraken wonen"
# Atom ids must be IRIs that never change: a name-based UUID of the feed or entry path.
_ID_SPACE = uuid.UUID("6f1c4a52-3b0e-5c55-9d0a-2a1e0c9b7d12")


def _atom_id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_SPACE, key)}"


def document_date(doc: m.Document) -> dt.date:
    """When a document appeared: its signing date, else 1 January of its first year."""
    if doc.signing and doc.signing.date:
        return doc.signing.date
    return dt.date(doc.period.start, 1, 1)


# --- descriptions ------------------------------------------------------------


def document_description(corpus: Corpus, doc: m.Document) -> str:
    """One or two plain sentences for <meta name="description"> and og:description."""
    mun = corpus.municipalities[doc.municipality]
    count = count_commitments(doc)
    themes: list[str] = []
    for chapter in m.iter_chapters(doc.chapters):
        if chapter.theme and chapter.theme in corpus.themes:
            name = corpus.themes[chapter.theme].name
            if name not in themes:
                themes.append(name)
    parties = [corpus.organisations[p].short_name for p in doc.parties]
    goals = sum(len(ch.goals) for ch in m.iter_chapters(doc.chapters))
    what = [f"{count} {'afspraak' if count == 1 else 'afspraken'}"] if count or not goals else []
    if goals:
        what.append(f"{goals} {'doel' if goals == 1 else 'doelen'}")
    text = f"{kind_label(doc).capitalize()} {period_label(doc)} van gemeente {mun.name}: {_and(what)}"
    if themes:
        text += " over " + _and(themes).lower()
    text += f", tussen {_and(parties)}"
    if doc.parties_provenance:  # the party list is the editors', not printed as such
        text += f" (partijen {PROVENANCE_LABELS[doc.parties_provenance.kind]})"
    text += "."
    if doc.signing and doc.signing.date:
        text += f" Ondertekend op {date_nl(doc.signing.date)}."
    return text


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


# --- link-preview images ------------------------------------------------------
# One image per document, shown for the document page and for each of its
# commitments' previews. An image per commitment is too costly nationally: measured on
# bench/national.py's corpus an image takes 11 ms and 29 kB, so its 79,481 commitments
# would add some 15 minutes and 2.3 GB to every build; its 2,394 documents take 26 s
# and 70 MB. And since og:image must be an absolute URL, the images are made only where
# the site's address (SITE_URL) is known: the publishing builds, not every local one.


def document_card(corpus: Corpus, doc: m.Document) -> Card:
    """The image says what the description says, under the municipality and title."""
    mun = corpus.municipalities[doc.municipality]
    return Card(kicker=f"Gemeente {mun.name}", title=doc.title,
                body=document_description(corpus, doc), site=SITE_NAME)


def image_alt(card: Card) -> str:
    """The image's text alternative: what it says, in reading order."""
    return f"{card.kicker}: {card.title}. {card.body} {card.site}."


def share_image_meta(corpus: Corpus, doc: m.Document, site_url: str) -> dict[str, Any] | None:
    """og:image and its size and text alternative (absolute URL), or None without SITE_URL."""
    if not site_url:
        return None
    return {"url": urls.absolute(site_url, urls.share_image(doc)), "width": WIDTH, "height": HEIGHT,
            "alt": image_alt(document_card(corpus, doc))}


def share_cards(corpus: Corpus, site_url: str,
                documents: list[m.Document] | None = None) -> dict[str, Card]:
    """Image path -> what the image says, for `documents` (by default all); none
    without SITE_URL. A card needs nothing else of the data to be drawn."""
    if not site_url:
        return {}
    return {urls.share_image(doc): document_card(corpus, doc)
            for doc in (corpus.documents if documents is None else documents)}


def draw_share_images(cards: dict[str, Card], root: Path, cache: ImageCache | None = None,
                      used: set[str] | None = None) -> dict[str, bytes]:
    """The link-preview PNG of each card (fonts under `root`, the project's). With a
    `cache` (imagecache.py) a card drawn before is not drawn again; the names of its
    entries this call used are added to `used`."""
    return {path: render_cached(card, root, cache, used) for path, card in cards.items()}


def plan_share(corpus: Corpus, site_url: str = "") -> dict[str, dict[str, Any]]:
    """Page path -> what the theme prints in the head (site_theme/main.html): a
    description, the Open Graph type, the page's Atom feeds (site-relative) and, for a
    document with SITE_URL, its link-preview image."""
    out: dict[str, dict[str, Any]] = {}
    for doc in corpus.documents:
        mun = corpus.municipalities[doc.municipality]
        out[urls.document_page(doc)] = {
            "description": document_description(corpus, doc),
            "type": "article",
            "feeds": [{"href": urls.municipality_feed(mun.id), "title": f"Nieuw in {mun.name}"}],
        }
        image = share_image_meta(corpus, doc, site_url)
        if image:
            image["alt"] = html.escape(image["alt"], quote=True)
            out[urls.document_page(doc)]["image"] = image
    for mun in corpus.municipalities.values():
        docs = corpus.documents_of(mun.id)
        out[urls.municipality_page(mun.id)] = {
            "description": (f"Prestatieafspraken over wonen in gemeente {mun.name}: "
                            f"{len(docs)} {'document' if len(docs) == 1 else 'documenten'}, "
                            "elke afspraak met een eigen link."),
            "type": "website",
            "feeds": [{"href": urls.municipality_feed(mun.id), "title": f"Nieuw in {mun.name}"}],
        }
    for org in corpus.organisations.values():
        out[urls.organisation_page(org.id)] = {
            "description": (f"{org.name}: de prestatieafspraken die {org.short_name} "
                            "ondertekende en de afspraken waarvoor het verantwoordelijk is."),
            "type": "website",
            "feeds": [{"href": urls.organisation_feed(org.id), "title": f"Nieuw bij {org.short_name}"}],
        }
    for entry in out.values():
        entry["description"] = html.escape(entry["description"], quote=True)
        for feed in entry["feeds"]:
            feed["title"] = html.escape(feed["title"], quote=True)
    return out


# --- Atom feeds --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    key: str  # stable, unique within the site: the entry's id
    title: str
    date: dt.date
    link: str  # site-relative URL
    summary: str


def _doc_entry(corpus: Corpus, doc: m.Document) -> Entry:
    page = urls.page_url(urls.document_page(doc))
    mun = corpus.municipalities[doc.municipality]
    return Entry(f"document/{doc.ref}", f"{mun.name}: {doc.title}", document_date(doc), page,
                 document_description(corpus, doc))


def _status_entries(queries: Queries, doc: m.Document, org_id: str | None = None) -> Iterator[Entry]:
    """An entry per reported status, from the commitments' records: titled with the
    citation (unique in the site), the marks in the summary."""
    page = urls.page_url(urls.document_page(doc))
    for r in queries.records_of(doc):
        if org_id is not None and org_id not in r.parties.value:
            continue
        marks = r.marks_text()
        for i, s in enumerate(r.source.status):
            status = STATUS_LABELS.get(s.status, s.status)
            summary = f"{r.citation.title}: {status} volgens {s.source.title} ({date_nl(s.date)})."
            if s.note:
                summary += f" {s.note}"
            if marks:
                summary += f" Niet zoals gedrukt: {marks}."
            yield Entry(f"status/{doc.ref}/{r.id}/{i}", f"{r.citation.title} is {status}", s.date,
                        f"{page}#{r.id}", summary)


def _absolute(site_url: str, feed_path: str, link: str) -> str:
    """An absolute URL when the site's address is known, else relative to the feed."""
    if site_url:
        return site_url.rstrip("/") + "/" + link
    return urls.to_root(feed_path) + link


def render_feed(feed_path: str, title: str, page: str, entries: list[Entry], site_url: str) -> bytes:
    entries = sorted(entries, key=lambda e: (e.date, e.key), reverse=True)
    updated = max((e.date for e in entries), default=dt.date(1970, 1, 1))
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "nl"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", _atom_id(feed_path))
    sub(feed, "title", title)
    sub(feed, "updated", f"{updated.isoformat()}T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", SITE_NAME)
    sub(feed, "link", rel="self", type="application/atom+xml", href=_absolute(site_url, feed_path, feed_path))
    sub(feed, "link", rel="alternate", type="text/html", href=_absolute(site_url, feed_path, page))
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", _atom_id(e.key))
        sub(entry, "title", e.title)
        sub(entry, "updated", f"{e.date.isoformat()}T00:00:00Z")
        sub(entry, "link", rel="alternate", type="text/html", href=_absolute(site_url, feed_path, e.link))
        sub(entry, "summary", e.summary)
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def feed_scopes(corpus: Corpus, page_scopes: dict[str, list[str] | None]) -> dict[str, list[str] | None]:
    """Feed path -> the documents it reads: its page's (a municipality's or an
    organisation's, by the planned pages' scopes), whose entries it lists."""
    scoped = {urls.municipality_feed(mun.id): page_scopes.get(urls.municipality_page(mun.id))
              for mun in corpus.municipalities.values()}
    scoped.update({urls.organisation_feed(org.id): page_scopes.get(urls.organisation_page(org.id))
                   for org in corpus.organisations.values()})
    return scoped


def render_feeds(corpus: Corpus, queries: Queries, site_url: str = "",
                 only: Collection[str] | None = None) -> dict[str, bytes]:
    """Every feed (`only`: those at these paths)."""
    files: dict[str, bytes] = {}
    for mun in corpus.municipalities.values():
        if only is not None and urls.municipality_feed(mun.id) not in only:
            continue
        entries: list[Entry] = []
        for doc in corpus.documents_of(mun.id):
            entries.append(_doc_entry(corpus, doc))
            entries += _status_entries(queries, doc)
        path = urls.municipality_feed(mun.id)
        files[path] = render_feed(path, f"Prestatieafspraken {mun.name}",
                                  urls.page_url(urls.municipality_page(mun.id)), entries, site_url)
    for org in corpus.organisations.values():
        if only is not None and urls.organisation_feed(org.id) not in only:
            continue
        entries = []
        for doc in queries.signed_by(org.id):
            entries.append(_doc_entry(corpus, doc))
            entries += _status_entries(queries, doc, org.id)
        path = urls.organisation_feed(org.id)
        files[path] = render_feed(path, f"Prestatieafspraken {org.short_name}",
                                  urls.page_url(urls.organisation_page(org.id)), entries, site_url)
    return files


# --- charts to embed ---------------------------------------------------------


def document_charts(doc: m.Document, queries: Queries | None = None) -> Iterator[Chart]:
    """Every chart on a document page, in page order (the same calls as the templates;
    with the build's Queries, answered from its memo, so each is computed once)."""
    for chapter in m.iter_chapters(doc.chapters):
        for goal in chapter.goals:
            for ind in goal.indicators:
                chart = queries.indicator_chart(doc, ind) if queries else indicator_chart(ind)
                if chart:
                    yield chart
        for table in chapter.tables:
            yield from queries.table_charts(doc, table) if queries else table_charts(table)


EMBED_PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
{csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {context} - {site}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{back}">
<link rel="icon" href="{root}assets/images/favicon.png">
<link rel="stylesheet" href="{root}assets/stylesheets/embed.css">
</head>
<body class="embed">
<main>
<h1 class="embed-title">{context}</h1>
<figure class="chart-figure" id="{id}">
<div class="chart" data-figure="{figure}" aria-hidden="true"></div>
<figcaption><strong>Grafiek: {title}.</strong> {summary}</figcaption>
</figure>
<p class="embed-source">Bron: {source}.
<a href="{back}" target="_top">Bekijk de cijfers en de afspraken op {site}</a></p>
</main>
<script src="{root}assets/javascripts/plotly-basic.min.js"></script>
<script src="{root}assets/javascripts/embed.js"></script>
</body>
</html>
"""


def render_embeds(corpus: Corpus, queries: Queries | None = None) -> dict[str, bytes]:
    """A small standalone page per chart; everything it loads is on this site."""
    return {path: page for files in document_embeds(corpus, queries or Queries.build(corpus),
                                                    corpus.documents).values()
            for path, page in files.items()}


def document_embeds(corpus: Corpus, queries: Queries,
                    documents: list[m.Document]) -> dict[str, dict[str, bytes]]:
    """The embed pages of each of `documents`' charts, by document ref."""
    out: dict[str, dict[str, bytes]] = {}
    for doc in documents:
        files = out[doc.ref] = {}
        mun = corpus.municipalities[doc.municipality]
        for chart in document_charts(doc, queries):
            path = urls.chart_embed(doc, chart.id)
            root = urls.to_root(path)
            figure = json.dumps(chart.figure, ensure_ascii=False, sort_keys=True,
                                separators=(",", ":"), allow_nan=False)
            page = EMBED_PAGE.format(
                title=html.escape(chart.title), site=html.escape(SITE_NAME),
                # Whose chart: a page on its own (in a frame, in a list of tabs, found
                # by a search engine) names its municipality and document.
                context=html.escape(f"{mun.name}: {doc.title}"),
                root=root, id=html.escape(chart.id), csp=csp.META,
                back=html.escape(root + urls.page_url(urls.document_page(doc)) + "#" + chart.id),
                figure=html.escape(figure, quote=True), summary=html.escape(chart.summary),
                source=html.escape(f"{doc.title}, gemeente {mun.name} ({doc.source.publisher})"))
            files[path] = page.encode("utf-8")
    return out


def render_robots(site_url: str = "") -> bytes:
    """robots.txt: everything may be crawled (previews, redirects and chart embeds say
    noindex themselves, which a crawler must be allowed to read); the sitemap, whose
    URLs are absolute, is named only where the site's address is known."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url}sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_share(corpus: Corpus, site_url: str = "", queries: Queries | None = None,
                 documents: list[m.Document] | None = None,
                 feeds: Collection[str] | None = None) -> dict[str, bytes]:
    """Feeds (`feeds`: those at these paths), embed pages (of `documents`' charts: by
    default every document's) and robots.txt; with the build's Queries, the charts the
    document pages computed are not computed again."""
    queries = queries or Queries.build(corpus)
    embeds = document_embeds(corpus, queries, corpus.documents if documents is None else documents)
    return {**render_feeds(corpus, queries, site_url, feeds),
            **{path: page for files in embeds.values() for path, page in files.items()},
            "robots.txt": render_robots(site_url)}
