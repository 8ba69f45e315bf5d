# The views by organisation, theme and year: what each page lists is
# computed here again from the data, by a walk of its own, and compared with the
# planned pages (fast) and with the built HTML of the real site (slow).
from __future__ import annotations

import json
import posixpath
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import model as m
from generator import urls
from generator.pages import filter_attrs, plan_pages
from generator.queries import Entry, Queries
from generator.records import Marked
from generator.render import render_pages
from generator.validate import Corpus, load_corpus

from .conftest import FIXTURE_CORPUS, ROOT
from .htmltext import Page

Key = tuple[str, str]


@pytest.fixture(scope="module", params=["data", "fixture"])
def any_corpus(request: pytest.FixtureRequest) -> Corpus:
    if request.param == "data":
        return load_corpus(ROOT / "data", ROOT)
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


@pytest.fixture(scope="module")
def fixture() -> Corpus:
    return load_corpus(FIXTURE_CORPUS, FIXTURE_CORPUS.parent)


def walk(chapters: list[m.Chapter], theme: str | None = None) -> list[tuple[str | None, m.Group]]:
    """Every group with the theme of its chapter, else of the nearest parent with one."""
    out = []
    for ch in chapters:
        t = ch.theme if ch.theme is not None else theme
        out += [(t, g) for g in ch.groups]
        out += walk(ch.chapters, t)
    return out


def carried(corpus: Corpus) -> dict[str, set[Key]]:
    """Organisation -> the commitments it is responsible for, from the data."""
    out: dict[str, set[Key]] = {o: set() for o in corpus.organisations}
    for doc in corpus.documents:
        for _, g in walk(doc.chapters):
            for c in g.commitments:
                for p in c.parties or g.actors:
                    out[p].add((doc.ref, c.id))
    return out


def themed(corpus: Corpus) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = {t: set() for t in corpus.themes}
    for doc in corpus.documents:
        for t, g in walk(doc.chapters):
            if t is not None:
                out[t].update((doc.ref, c.id) for c in g.commitments)
    return out


def planned(corpus: Corpus) -> dict[str, dict[str, Any]]:
    return {p.path: p.context for p in plan_pages(corpus, ROOT / "content")}


def flatten(groups: Any) -> list[Entry]:
    return [e for _, _, docs in groups for _, themes in docs for _, es in themes for e in es]


# --- planned pages ----------------------------------------------------------------

def test_an_organisation_page_lists_every_commitment_it_carries(any_corpus: Corpus) -> None:
    pages = planned(any_corpus)
    expected = carried(any_corpus)
    for org_id in any_corpus.organisations:
        ctx = pages[urls.organisation_page(org_id)]
        own = [(e.doc.ref, e.id) for e in flatten(ctx["own_groups"])]
        inferred = [(e.doc.ref, e.id) for e in flatten(ctx["inferred_groups"])]
        listed = own + inferred
        assert len(listed) == len(set(listed)), org_id  # each once
        assert set(listed) == expected[org_id], org_id
        # Responsibility that rests on a party list the editors inferred is listed apart.
        assert all(e.parties.mark is None for e in flatten(ctx["own_groups"])), org_id
        assert all(e.parties.mark is not None for e in flatten(ctx["inferred_groups"])), org_id
        assert ctx["commitment_total"] == len(own)
        assert ctx["inferred_total"] == len(inferred)
        assert sum(n for _, n in ctx["commitment_statuses"]) == len(own)


def test_groups_run_by_municipality_then_newest_document(any_corpus: Corpus) -> None:
    pages = planned(any_corpus)
    for org_id in any_corpus.organisations:
        groups = pages[urls.organisation_page(org_id)]["own_groups"]
        names = [mun.name for mun, _, _ in groups]
        assert names == sorted(names)
        for mun, entries, docs in groups:
            assert {e.doc.municipality for e in entries} == {mun.id}
            starts = [d.period.start for d, _ in docs]
            assert starts == sorted(starts, reverse=True)


def test_predecessors_commitments_are_listed_under_the_successor(fixture: Corpus) -> None:
    ctx = planned(fixture)[urls.organisation_page("woonborg")]
    by_pre = {pre.id: flatten(groups) for pre, groups in ctx["predecessor_groups"]}
    # het-westerhuis carries nothing in the fixture, so it gets no section
    assert {k: [(e.doc.ref, e.id, e.status) for e in v] for k, v in by_pre.items()} == {
        "woonstichting-oost": [("testdorp/prestatieafspraken-2023", "oost-kozijnen", "gereed")]}
    text = render_pages(plan_pages(fixture, ROOT / "content"))[urls.organisation_page("woonborg")].decode()
    assert f'<h3 id="{urls.predecessor_anchor("woonstichting-oost")}">Woonstichting Oost<' in text


def province_pages(corpus: Corpus, pages: dict[str, dict[str, Any]], theme_id: str) -> dict[str, str]:
    """Province -> the path of its page on the theme, as the theme's page links them."""
    return {name: page for name, page, *_ in pages[urls.theme_page(theme_id)]["provinces"]}


def test_a_theme_lists_every_commitment_under_it_on_its_province_pages(any_corpus: Corpus) -> None:
    """Each commitment on the page of its municipality's province, once; the theme's page
    counts them per province."""
    pages = planned(any_corpus)
    expected = themed(any_corpus)
    for theme_id in any_corpus.themes:
        listed: list[Key] = []
        for province, path in province_pages(any_corpus, pages, theme_id).items():
            items = pages[path]["items"]
            assert {m.province_of(any_corpus.municipalities[e.doc.municipality]) for e in items} <= {province}
            counted = {name: n for name, _, _, _, _, n in pages[urls.theme_page(theme_id)]["provinces"]}
            assert counted[province] == len(items), (theme_id, province)
            listed += [(e.doc.ref, e.id) for e in items]
        assert len(listed) == len(set(listed))
        assert set(listed) == expected[theme_id], theme_id
        assert pages[urls.theme_page(theme_id)]["total"] == len(listed)


def test_a_theme_has_a_province_page_for_each_province_with_a_chapter_on_it(any_corpus: Corpus) -> None:
    pages = planned(any_corpus)
    for theme_id in any_corpus.themes:
        with_chapter = {m.province_of(any_corpus.municipalities[d.municipality])
                        for d in any_corpus.documents for ch in m.iter_chapters(d.chapters)
                        if ch.theme == theme_id}
        linked = province_pages(any_corpus, pages, theme_id)
        assert set(linked) == with_chapter, theme_id
        assert all(path in pages for path in linked.values())
        on_theme = [p for p in pages if p.startswith(urls.theme_page(theme_id).removesuffix(".md") + "/")]
        assert sorted(on_theme) == sorted(linked.values()), theme_id


def test_filter_attributes_say_where_each_item_belongs(any_corpus: Corpus) -> None:
    q = Queries.build(any_corpus)
    for theme_id in any_corpus.themes:
        for e in q.commitments_on(theme_id):
            attrs = str(filter_attrs(any_corpus, e))
            assert attrs.startswith(' data-gemeente="')  # attributes of the item's <li>
            assert f'data-gemeente="{e.doc.municipality}"' in attrs
            assert f'data-status="{e.status}"' in attrs
            years = " ".join(str(y) for y in range(e.doc.period.start, e.doc.period.end + 1))
            assert f'data-jaar="{years}"' in attrs


def test_filter_attributes_refuse_anything_but_a_slug(fixture: Corpus) -> None:
    entry = Queries.build(fixture).commitments_of("woonborg")[0]
    bad = replace(entry, parties=Marked(('x" onclick="alert(1)',)))
    with pytest.raises(ValueError, match="not a filter value"):
        filter_attrs(fixture, bad)


def test_year_page_compares_only_where_continuation_is_recorded(fixture: Corpus) -> None:
    pages = planned(fixture)

    def changes(year: int) -> list[tuple[str, str | None, bool]]:
        ctx = pages[urls.municipality_year_page("testdorp", year)]
        return [(d.slug, cmp.earlier.slug if cmp else None, has_earlier)
                for d, cmp, has_earlier in ctx["year_changes"]]

    assert changes(2023) == [("prestatieafspraken-2023", None, False)]  # the first yearly one
    assert changes(2024) == [("prestatieafspraken-2024", None, True)]  # records no `continues`
    assert changes(2026) == [("prestatieafspraken-2026", "prestatieafspraken-2024", True)]
    text = render_pages(plan_pages(fixture, ROOT / "content"))
    assert "niet vastgelegd" in text[urls.municipality_year_page("testdorp", 2024)].decode()
    assert "niet vastgelegd" not in text[urls.municipality_year_page("testdorp", 2026)].decode()


def test_a_document_running_on_into_the_year_is_said_apart_from_the_changes(fixture: Corpus) -> None:
    """A document that began before the year stands in its own paragraph after the
    list of what the year's new document starts, continues and drops, not in that list."""
    text = render_pages(plan_pages(fixture, ROOT / "content"))[
        urls.municipality_year_page("testdorp", 2026)].decode()
    line = next(line for line in text.splitlines() if "liep al vóór 2026" in line)
    assert line.startswith('<p><a href="../prestatieafspraken-2025-2028/">') and line.endswith("</p>")
    assert text.index("</ul>", text.index("Niet voortgezet")) < text.index(line)


def test_year_status_counts_add_up(any_corpus: Corpus) -> None:
    q = Queries.build(any_corpus)
    for path, ctx in planned(any_corpus).items():
        if ctx.get("year_status") is None:
            continue
        for doc, counts in ctx["year_status"]:
            assert doc.period.start <= ctx["year"] <= doc.period.end, path
            assert sum(n for _, n in counts) == q.count(doc) > 0


# --- the built site (slow) -----------------------------------------------------------

class Items(HTMLParser):
    """The <li> of a theme page's list with their data attributes, and the <summary> texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict[str, str | None]] = []
        self.summaries: list[str] = []
        self.form: dict[str, str | None] | None = None
        self._summary = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and "data-gemeente" in a:
            self.items.append(a)
        if tag == "form" and "afspraken-filter" in (a.get("class") or ""):
            self.form = a
        if tag == "summary":
            self._summary = True
            self.summaries.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary":
            self._summary = False

    def handle_data(self, data: str) -> None:
        if self._summary:
            self.summaries[-1] += data


def html_of(site: Path, page_path: str) -> str:
    return (site / urls.page_url(page_path) / "index.html").read_text(encoding="utf-8")


def commitment_href(from_page: str, ref: str, cid: str) -> str:
    mun, slug = ref.split("/")
    depth = urls.page_url(from_page).count("/")
    return "../" * depth + f"gemeenten/{mun}/{slug}/#{cid}"


@pytest.mark.slow
def test_every_organisation_page_links_every_commitment_it_carries(built_site: Path) -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    for org_id, keys in carried(corpus).items():
        path = urls.organisation_page(org_id)
        links = set(Page(html_of(built_site, path)).links)
        missing = [k for k in keys if commitment_href(path, *k) not in links]
        assert missing == [], org_id


@pytest.mark.slow
def test_woonborg_lists_its_commitments_per_municipality(built_site: Path) -> None:
    """The issue's example: Woonborg's page names each municipality where it carries
    commitments (computed from the data), with their number, in its own group."""
    corpus = load_corpus(ROOT / "data", ROOT)
    keys = carried(corpus)["woonborg"]
    per_mun: dict[str, int] = {}
    for ref, _ in keys:
        name = corpus.municipalities[ref.split("/")[0]].name
        per_mun[name] = per_mun.get(name, 0) + 1
    assert len(per_mun) >= 2  # a corporation working in several municipalities
    summaries = Items(html_of(built_site, urls.organisation_page("woonborg"))).summaries
    # Where a party list the editors inferred makes it responsible, a municipality has a
    # second group, in the section apart; together they count every commitment.
    counted: dict[str, int] = {}
    for s in summaries:
        name, rest = s.split(": ", 1)
        counted[name] = counted.get(name, 0) + int(rest.split()[0])
    assert counted == per_mun


@pytest.mark.slow
def test_theme_pages_hold_the_full_list_with_filter_attributes(built_site: Path) -> None:
    corpus = load_corpus(ROOT / "data", ROOT)
    provinces = m.theme_provinces(corpus.documents, corpus.municipalities)
    for theme_id, keys in themed(corpus).items():
        theme_path = urls.theme_page(theme_id)
        theme_html = html_of(built_site, theme_path)
        assert urls.THEME_COMMITMENTS_ANCHOR in Page(theme_html).ids  # old links to the list still land
        linked = {posixpath.normpath(posixpath.join(urls.page_url(theme_path), href.split("#")[0]))
                  for href in Page(theme_html).links}
        listed = 0
        for province in provinces.get(theme_id, []):
            path = urls.theme_province_page(theme_id, province)
            assert urls.page_url(path).rstrip("/") in linked, (theme_id, province)  # the theme's page links it
            html = html_of(built_site, path)
            parsed = Items(html)
            assert urls.THEME_COMMITMENTS_ANCHOR in Page(html).ids  # its own heading, not a table cell
            if parsed.items:
                assert parsed.form is not None and "hidden" in parsed.form  # shown by the script only
            for a in parsed.items:
                for name in ("data-gemeente", "data-jaar", "data-organisatie", "data-soort", "data-status"):
                    assert a.get(name), (theme_id, name)
                mun = corpus.municipalities[a["data-gemeente"] or ""]
                assert m.province_of(mun) == province
            listed += len(parsed.items)
        assert listed == len(keys), theme_id


# --- data text stays text ------------------------------------------------------------

VIEW_TEMPLATES = {"organisation.html.j2", "organisations.html.j2", "themes.html.j2", "theme.html.j2",
                  "theme_province.html.j2", "municipality.html.j2", "year.html.j2"}


class Body(HTMLParser):
    """Every start tag with its attributes, and the text, of a page body."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.text = " ".join("".join(self.chunks).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def test_names_and_texts_from_the_data_show_as_written_on_the_views(tmp_path: Path) -> None:
    """Hostile names of organisations, themes and the municipality, and a hostile
    commitment text, are shown as written on the organisation, theme, municipality and
    year pages, and make no element or attribute."""
    import shutil

    import yaml

    from .test_generate import HOSTILE

    payload = " | ".join(HOSTILE)
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CORPUS, data)
    for name, key, fields in [("organisations.yaml", "organisations", ("name", "short_name")),
                              ("themes.yaml", "themes", ("name", "description")),
                              ("municipalities.yaml", "municipalities", ("name",))]:
        registry = yaml.safe_load((data / name).read_text(encoding="utf-8"))
        for entry in registry[key]:
            entry.update({f: f"{entry['id']}: {payload}" for f in fields})
        (data / name).write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    doc = data / "testdorp/prestatieafspraken-2024.yaml"
    text = doc.read_text(encoding="utf-8")
    old = "text: In Q1 2024 overleggen partijen over de huurverhoging."
    assert old in text
    doc.write_text(text.replace(old, f"text: {json.dumps(payload, ensure_ascii=False)}"), encoding="utf-8")
    corpus = load_corpus(data, tmp_path)
    planned_pages = plan_pages(corpus, ROOT / "content")
    rendered = render_pages(planned_pages)
    views = [p.path for p in planned_pages if p.template in VIEW_TEMPLATES]
    assert len(views) >= 7
    for path in views:
        body = Body(rendered[path].decode("utf-8").split("\n---\n", 1)[1])
        assert {tag for tag, _ in body.tags} <= {
            "h1", "h2", "h3", "p", "a", "strong", "em", "ul", "li", "table", "thead", "tbody", "tr",
            "th", "td", "details", "summary", "div", "form", "fieldset", "legend", "label",
            "select", "option"}, path
        assert not [a for _, attrs in body.tags for a in attrs if a.startswith("on")], path
        assert not [v for _, attrs in body.tags for a, v in attrs.items()
                    if a == "href" and (v or "").startswith("javascript")], path
        assert payload in body.text, path  # a name as written, wherever it stands
    for path, shown in [(urls.organisation_page("woonborg"), "woonborg"),
                        (urls.municipality_page("testdorp"), "testdorp"),
                        (urls.municipality_year_page("testdorp", 2024), "testdorp"),
                        (urls.theme_page("betaalbaarheid"), "betaalbaarheid")]:
        assert f"{shown}: {payload}" in Body(rendered[path].decode("utf-8")).text, path
    assert "Afspraak 1: " + payload[:30] in Body(rendered[urls.theme_province_page(
        "betaalbaarheid", m.NO_PROVINCE)].decode("utf-8")).text  # the commitment's opening words
