# generator/share.py: the Atom feeds parse and list what the data holds,
# the embed pages load nothing from elsewhere and carry their source, and the share
# metadata of a page says what is in it.
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from generator import csp, urls
from generator import model as m
from generator.queries import Queries, responsible
from generator.share import (
    document_charts,
    document_date,
    plan_share,
    render_embeds,
    render_feeds,
)
from generator.validate import Corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent
A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def fixture_corpus() -> Corpus:
    return load_corpus(Path(__file__).parent / "fixtures" / "corpus", ROOT)


@pytest.fixture(scope="module")
def real_corpus() -> Corpus:
    return load_corpus(ROOT / "data", ROOT)


def _statuses(doc: m.Document, org: str | None = None) -> list[tuple[str, m.StatusEntry]]:
    return [(c.id, s) for ch in m.iter_chapters(doc.chapters) for g in ch.groups
            for c in g.commitments if org is None or org in responsible(c, g) for s in c.status]


def _check_atom(data: bytes) -> ET.Element:
    """RFC 4287's required elements: feed id, title, updated, an author (on the
    feed), a self link; per entry id, title, updated and a link."""
    feed = ET.fromstring(data)
    assert feed.tag == A + "feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(A + tag) is not None, tag
    assert feed.find(A + "author/" + A + "name") is not None
    assert any(link.get("rel") == "self" for link in feed.findall(A + "link"))
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    assert stamp.match(feed.findtext(A + "updated") or "")
    ids = [feed.findtext(A + "id")]
    for entry in feed.findall(A + "entry"):
        for tag in ("id", "title", "updated", "link", "summary"):
            assert entry.find(A + tag) is not None, tag
        assert stamp.match(entry.findtext(A + "updated") or "")
        ids.append(entry.findtext(A + "id"))
    assert len(ids) == len(set(ids))  # ids are unique
    return feed


def test_a_feed_per_municipality_and_organisation(real_corpus: Corpus) -> None:
    files = render_feeds(real_corpus, Queries.build(real_corpus))
    expected = ({urls.municipality_feed(i) for i in real_corpus.municipalities}
                | {urls.organisation_feed(i) for i in real_corpus.organisations})
    assert set(files) == expected
    for data in files.values():
        _check_atom(data)


def test_a_municipality_feed_lists_its_documents_and_status_changes(fixture_corpus: Corpus) -> None:
    files = render_feeds(fixture_corpus, Queries.build(fixture_corpus))
    for mun in fixture_corpus.municipalities.values():
        feed = _check_atom(files[urls.municipality_feed(mun.id)])
        links = [e.find(A + "link").get("href") for e in feed.findall(A + "entry")]  # type: ignore[union-attr]
        docs = fixture_corpus.documents_of(mun.id)
        expected = {urls.to_root(urls.municipality_feed(mun.id)) + urls.page_url(urls.document_page(d))
                    for d in docs}
        assert expected <= set(links)
        statuses = [(d, cid, s) for d in docs for cid, s in _statuses(d)]
        assert len(links) == len(docs) + len(statuses)
        for d, cid, _ in statuses:
            assert (urls.to_root(urls.municipality_feed(mun.id))
                    + urls.commitment_url(d, cid)) in links
        newest = max([document_date(d) for d in docs] + [s.date for _, _, s in statuses])
        assert feed.findtext(A + "updated") == f"{newest.isoformat()}T00:00:00Z"
    # the fixture has a reported status: the feed shows it
    assert any(_statuses(d) for d in fixture_corpus.documents)


def test_an_organisation_feed_lists_what_it_signed(fixture_corpus: Corpus) -> None:
    queries = Queries.build(fixture_corpus)
    files = render_feeds(fixture_corpus, queries)
    for org in fixture_corpus.organisations.values():
        feed = _check_atom(files[urls.organisation_feed(org.id)])
        signed = queries.signed_by(org.id)
        statuses = [s for d in signed for s in _statuses(d, org.id)]
        assert len(feed.findall(A + "entry")) == len(signed) + len(statuses)


def test_feed_links_are_absolute_with_a_site_url(fixture_corpus: Corpus) -> None:
    files = render_feeds(fixture_corpus, Queries.build(fixture_corpus), "https://example.org/pa/")
    feed = ET.fromstring(next(iter(files.values())))
    hrefs = [link.get("href") or "" for link in feed.iter(A + "link")]
    assert hrefs and all(h.startswith("https://example.org/pa/") for h in hrefs)


def test_feeds_are_deterministic_and_keep_markup_as_text(fixture_corpus: Corpus) -> None:
    from generator.share import Entry, render_feed

    one = render_feeds(fixture_corpus, Queries.build(fixture_corpus))
    assert one == render_feeds(fixture_corpus, Queries.build(fixture_corpus))
    hostile = 'Afspraak <b>1</b> & "2" ]]>'
    entry = Entry("k", hostile, document_date(fixture_corpus.documents[0]), "a/", hostile)
    feed = ET.fromstring(render_feed("feeds/x.xml", hostile, "", [entry], ""))
    assert feed.findtext(A + "title") == hostile
    assert feed.findtext(f"{A}entry/{A}summary") == hostile
    assert feed.find(f"{A}entry/{A}summary/b") is None


def test_every_chart_has_an_embed_page_with_its_source_and_nothing_foreign(real_corpus: Corpus) -> None:
    files = render_embeds(real_corpus)
    charts = [(d, c) for d in real_corpus.documents for c in document_charts(d)]
    assert charts and len(files) == len(charts)
    for doc, chart in charts:
        html = files[urls.chart_embed(doc, chart.id)].decode("utf-8")
        assert 'lang="nl"' in html and "<title>" in html
        # On its own (a tab, a frame, a search result) the page names whose chart it is.
        mun = real_corpus.municipalities[doc.municipality].name
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        heading = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert title and all(unescape(t) in unescape(title.group(1)) for t in (chart.title, mun, doc.title))
        assert len(heading) == 1 and mun in unescape(heading[0]) and doc.title in unescape(heading[0])
        assert html.index(csp.META) < html.index("<title>") and "<script>" not in html  # policy first, no inline script
        back = urls.to_root(urls.chart_embed(doc, chart.id)) + urls.page_url(urls.document_page(doc))
        assert f'href="{back}#{chart.id}"' in html
        assert "Bron: " in html and 'data-figure="' in html
        # every src/href is relative: no request leaves the site
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)


def test_embed_pages_cover_the_charts_on_the_page(real_corpus: Corpus) -> None:
    """The document page renders the same charts (ids) the embed pages are made for."""
    from generator.pages import plan_document
    from generator.render import render_pages

    for doc in real_corpus.documents:
        page = render_pages([plan_document(real_corpus, doc)])[urls.document_page(doc)].decode()
        on_page = re.findall(r'<figure class="chart-figure" id="([^"]+)" data-embed-path="([^"]+)"', page)
        assert on_page == [(c.id, urls.chart_embed_url(doc, c.id)) for c in document_charts(doc)]


def test_share_metadata_describes_a_document(real_corpus: Corpus) -> None:
    share = plan_share(real_corpus)
    doc = real_corpus.document("tynaarlo/prestatieafspraken-2023")
    entry = share[urls.document_page(doc)]
    assert entry["type"] == "article"
    assert "Tynaarlo" in entry["description"] and doc.period.start and "2023" in entry["description"]
    assert entry["feeds"] == [{"href": urls.municipality_feed("tynaarlo"), "title": "Nieuw in Tynaarlo"}]
    for org in real_corpus.organisations.values():
        assert share[urls.organisation_page(org.id)]["feeds"][0]["href"] == urls.organisation_feed(org.id)


def test_share_metadata_is_html_escaped(fixture_corpus: Corpus) -> None:
    """Material prints page.meta.description raw: markup in data must arrive escaped."""
    for entry in plan_share(fixture_corpus).values():
        assert "<" not in entry["description"] and '"' not in entry["description"]


def test_share_scripts_put_data_into_the_page_as_text_only() -> None:
    """share.js and embed.js build citations and embed code from data attributes: only
    through textContent and value, never as markup."""
    for name in ("share.js", "embed.js"):
        source = (ROOT / "site_theme/assets/javascripts" / name).read_text(encoding="utf-8")
        assert not re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source), name


def test_each_chart_is_computed_once_for_its_page_and_its_embed(
        fixture_corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The document pages and the embed pages share one computation per
    chart (the build's Queries), and both show the same chart."""
    from generator import queries as queries_module
    from generator.pages import plan_pages
    from generator.render import render_pages

    calls: list[tuple[str, int]] = []  # (function, the table or indicator object)
    for name in ("table_charts", "indicator_chart"):
        original = getattr(queries_module, name)
        monkeypatch.setattr(queries_module, name,
                            lambda item, _f=original, _n=name: calls.append((_n, id(item))) or _f(item))
    q = Queries.build(fixture_corpus)
    pages = render_pages(plan_pages(fixture_corpus, ROOT / "content", q))
    computed = len(calls)
    embeds = render_embeds(fixture_corpus, q)
    assert embeds and computed  # the fixture has charts
    assert len(calls) == computed == len(set(calls))  # nothing again for the embeds
    for doc in fixture_corpus.documents:
        page = pages[urls.document_page(doc)].decode()
        for chart in document_charts(doc, q):
            assert f'id="{chart.id}"' in page
            assert urls.chart_embed(doc, chart.id) in embeds
