# Site search (generator/search.py + Pagefind + site_theme's search panel).
# What search plans per page (fast); what the built site marks for Pagefind
# (slow); and in headless Chromium, as a reader uses it: Dutch queries with the
# first result they must give, singular and plural finding the same pages,
# keyboard only, landing on and highlighting the commitment, filters, WCAG.
# Expected results are computed from data/, not typed in.
from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from generator import model as m
from generator import urls
from generator.formatting import amount
from generator.search import FILTER_MUNICIPALITY, FILTER_ORGANISATION, FILTER_YEAR, NAME_META, plan_search
from generator.validate import load_corpus

from .htmltext import Page
from .test_browser import axe_violations, base_url, browser, page  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = load_corpus(ROOT / "data", ROOT)


def browser_test(f: Any) -> Any:
    return pytest.mark.slow(pytest.mark.browser(f))


def commitment_text(c: m.Commitment) -> str:
    """What a reader sees of a commitment: its text, items and figures."""
    parts = [c.text, *(i.text for i in c.items), *(amount(f.value, f.unit, f.decimals) for f in c.figures)]
    return " ".join(parts)


def commitments_saying(word: str) -> list[tuple[m.Document, m.Commitment]]:
    """Every commitment whose shown text has `word` as a whole word, in corpus order."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    found = []
    for doc in CORPUS.documents:
        for chapter in m.iter_chapters(doc.chapters):
            for group in chapter.groups:
                found += [(doc, c) for c in group.commitments if pattern.search(commitment_text(c))]
    return found


def served(page_path: str) -> str:
    return "/" + urls.page_url(page_path)


# --- what search plans (fast) -------------------------------------------------

def test_every_document_page_is_indexed_with_its_municipality_and_years() -> None:
    plan = plan_search(CORPUS)
    for doc in CORPUS.documents:
        entry = plan[urls.document_page(doc)]
        name = CORPUS.municipalities[doc.municipality].name
        assert entry["index"] is True
        # Escaped for Pagefind (generator/search.py): once for metadata, twice for filters.
        assert unescape(entry["meta"]["gemeente"]) == name and name in unescape(entry["meta"]["title"])
        assert unescape(entry["meta"]["document"]) == doc.title
        assert [unescape(unescape(v)) for v in entry["filters"][FILTER_MUNICIPALITY]] == [name]
        assert entry["filters"][FILTER_YEAR] == [str(y) for y in range(doc.period.start, doc.period.end + 1)]


def test_listings_of_the_whole_corpus_are_not_indexed() -> None:
    plan = plan_search(CORPUS)
    for path in (urls.home(), urls.theme_index(), urls.organisations_index(), urls.municipalities_index()):
        assert plan[path] == {"index": False}


def test_organisation_and_municipality_pages_are_indexed_under_their_own_name() -> None:
    plan = plan_search(CORPUS)
    for org in CORPUS.organisations.values():
        entry = plan[urls.organisation_page(org.id)]
        assert entry["index"] is True
        for name in (org.name, org.short_name):
            assert name in unescape(entry["weighted"]["text"]) and name in unescape(entry["meta"][NAME_META])
        assert [unescape(unescape(v)) for v in entry["filters"][FILTER_ORGANISATION]] == [org.name]
    for mun in CORPUS.municipalities.values():
        assert unescape(plan[urls.municipality_page(mun.id)]["meta"][NAME_META]) == mun.name
    for doc in CORPUS.documents:  # the exact name is for a page about that one name
        assert NAME_META not in plan[urls.document_page(doc)]["meta"]


# --- what the built site gives Pagefind (slow) --------------------------------

@pytest.mark.slow
def test_built_pages_mark_only_their_article_for_search(built_site: Path) -> None:
    assert (built_site / "pagefind" / "pagefind-entry.json").is_file()
    assert (built_site / "pagefind" / "pagefind-ui.js").is_file()
    doc = CORPUS.documents[0]
    html = (built_site / urls.page_url(urls.document_page(doc)) / "index.html").read_text(encoding="utf-8")
    assert html.count("data-pagefind-body") == 1
    article = html[html.index("<article"):]
    assert "data-pagefind-body" in article.split(">", 2)[1]  # the body sits inside the article
    assert "md-nav" not in article.split("</article>")[0]  # navigation and toc are outside it
    themes = (built_site / urls.page_url(urls.theme_index()) / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in themes
    # Material's own search is gone: no index every reader downloads on the first page load.
    assert not (built_site / "search" / "search_index.json").exists()
    assert "md-search" not in Page(html).text


# --- in the browser --------------------------------------------------------------

def pagefind_search(pg: Any, query: str) -> list[dict[str, Any]]:
    """All results of a query through Pagefind's JS API, with the site's ranking."""
    return pg.evaluate("""async q => {
        const pf = await window.siteSearch.pagefind();
        const search = await pf.search(q);
        return Promise.all(search.results.map(r => r.data()));
    }""", query)


@pytest.fixture
def search_page(page, base_url: str) -> Iterator[Any]:  # type: ignore[no-untyped-def]  # noqa: F811
    page.goto(base_url + "gemeenten/tynaarlo/")
    page.wait_for_load_state("networkidle")
    yield page


def ui_search(pg: Any, query: str) -> Any:
    """Open the panel with the keyboard, type the query, wait for the results."""
    pg.keyboard.press("/")
    field = pg.locator("#site-search-ui input.pagefind-ui__search-input")
    field.wait_for(timeout=10000)
    field.fill("")
    field.press_sequentially(query, delay=15)
    pg.locator(".pagefind-ui__message").filter(has_text=re.compile("resulta", re.I)).wait_for(timeout=10000)
    pg.wait_for_function("q => document.querySelector('.pagefind-ui__message')?.textContent.includes(q)", arg=query)
    return pg.locator("#site-search-ui .pagefind-ui__result")


def first_commitment(word: str) -> tuple[str, str]:
    doc, c = commitments_saying(word)[0]
    return served(urls.document_page(doc)), c.id


# Words that one document's commitments use: its page is the first result and
# the commitment's heading one of that result's sub-results.
FIRST_COMMITMENT = ["buurtbemiddeling", "38.067"]


@browser_test
@pytest.mark.parametrize("query", FIRST_COMMITMENT)
def test_query_finds_its_commitment_first(search_page, query: str) -> None:  # type: ignore[no-untyped-def]
    # Any data set: the first result is a document whose commitments say the word
    # (today only one does), with one of those commitments among its sub-results.
    anchors: dict[str, set[str]] = {}
    for doc, c in commitments_saying(query):
        anchors.setdefault(served(urls.document_page(doc)), set()).add(c.id)
    assert anchors, f"no commitment in data/ says {query!r}; pick another word"
    results = ui_search(search_page, query)
    first = results.first
    href = first.locator(".pagefind-ui__result-link").first.get_attribute("href").split("?")[0]
    assert href in anchors
    subs = [a.get_attribute("href") for a in first.locator(".pagefind-ui__result-nested a").all()]
    assert any(h.partition("#")[2] in anchors[href] for h in subs), subs
    assert search_page.console_errors == [] and search_page.foreign_requests == []


@browser_test
@pytest.mark.parametrize("query", ["Voorzieningenwijzer", "statushouders", "huurverhogingen"])
def test_every_commitment_that_says_it_is_a_sub_result(search_page, query: str) -> None:  # type: ignore[no-untyped-def]
    expected = commitments_saying(query)
    assert expected, f"no commitment in data/ says {query!r}; pick another word"
    results = {r["url"]: r for r in pagefind_search(search_page, query)}
    for doc, c in expected:
        result = results[served(urls.document_page(doc))]
        anchors = {s["url"].partition("#")[2] for s in result["sub_results"]}
        assert c.id in anchors, (doc.ref, c.id, anchors)


# Singular and plural (and a word and its compound-free forms) find the same
# pages, including every document whose commitments use either form.
SAME_STEM = [("huurverhoging", "huurverhogingen"), ("energielabel", "energielabels"),
             ("afspraak", "afspraken")]


@browser_test
@pytest.mark.parametrize(("one", "other"), SAME_STEM)
def test_singular_and_plural_find_the_same_pages(search_page, one: str, other: str) -> None:  # type: ignore[no-untyped-def]
    found = {w: [r["url"] for r in pagefind_search(search_page, w)] for w in (one, other)}
    assert found[one] and set(found[one]) == set(found[other])
    must = {served(urls.document_page(d)) for w in (one, other) for d, _ in commitments_saying(w)}
    assert must and must <= set(found[one])


@browser_test
def test_an_organisation_finds_its_page_and_then_the_documents_it_signed(search_page) -> None:  # type: ignore[no-untyped-def]
    org = CORPUS.organisations["woonborg"]
    signed = {served(urls.document_page(d)) for d in CORPUS.documents if org.id in d.parties}
    results = pagefind_search(search_page, org.name)
    assert signed <= {r["url"] for r in results}
    assert results[0]["url"] == served(urls.organisation_page(org.id))
    assert results[1]["url"] in signed  # a document it signed ranks above pages about the site


def _names() -> list[tuple[str, str]]:
    """(name, its page) for every organisation (name and short name) and municipality."""
    pages = {}
    for org in CORPUS.organisations.values():
        pages.update({org.name: urls.organisation_page(org.id), org.short_name: urls.organisation_page(org.id)})
    for mun in CORPUS.municipalities.values():
        assert pages.get(mun.name, urls.municipality_page(mun.id)) == urls.municipality_page(mun.id), \
            f"{mun.name!r} names both a municipality and an organisation"
        pages[mun.name] = urls.municipality_page(mun.id)
    return sorted(pages.items())


@browser_test
def test_a_name_finds_its_own_page_first(search_page) -> None:  # type: ignore[no-untyped-def]
    """Every organisation's and municipality's name, as in data/: its own page is the
    first result, above the documents that repeat the name and the pages of other
    organisations whose names contain it."""
    wrong = []
    for name, own in _names():
        results = pagefind_search(search_page, name)
        if not results or results[0]["url"] != served(own):
            wrong.append((name, [r["url"] for r in results[:3]]))
    assert wrong == []


@browser_test
def test_the_search_panel_shows_an_organisation_page_first_without_its_ranking_name(search_page) -> None:  # type: ignore[no-untyped-def]
    org = next(o for o in CORPUS.organisations.values() if any(o.id in d.parties for d in CORPUS.documents))
    results = ui_search(search_page, org.short_name)
    first = results.first
    href = first.locator(".pagefind-ui__result-link").first.get_attribute("href")
    assert href.split("?")[0] == served(urls.organisation_page(org.id))
    tags = [t.lower() for t in first.locator(".pagefind-ui__result-tag").all_inner_texts()]
    assert not any(t.startswith(NAME_META) for t in tags), tags


@browser_test
@pytest.mark.parametrize("municipality", ["groningen", "tynaarlo"])
def test_a_municipality_in_the_query_ranks_its_pages_first(search_page, municipality: str) -> None:  # type: ignore[no-untyped-def]
    name = CORPUS.municipalities[municipality].name
    results = pagefind_search(search_page, f"sociale huurwoningen {name}")
    assert results and results[0]["meta"]["gemeente"] == name


@browser_test
def test_every_result_shows_municipality_and_document(search_page) -> None:  # type: ignore[no-untyped-def]
    results = ui_search(search_page, "huurverhoging")
    documents = 0
    for i in range(results.count()):
        result = results.nth(i)
        href = result.locator(".pagefind-ui__result-link").first.get_attribute("href")
        if not href.startswith(f"/{urls.GEMEENTEN}/"):
            continue  # a hand-written page (e.g. "Zo lees je een afspraak") has its title only
        documents += 1
        title = result.locator(".pagefind-ui__result-title").first.inner_text()
        tags = result.locator(".pagefind-ui__result-tag").all_inner_texts()
        municipality = next(t.split(":", 1)[1].strip() for t in tags if t.lower().startswith("gemeente"))
        assert municipality in title, (title, tags)
        assert any(t.lower().startswith("document") for t in tags), tags
    assert documents >= 2


@browser_test
def test_search_by_keyboard_lands_on_the_highlighted_commitment(search_page) -> None:  # type: ignore[no-untyped-def]
    pg = search_page
    expected_page, anchor = first_commitment("buurtbemiddeling")
    ui_search(pg, "buurtbemiddeling")
    # Tab from the field to the first sub-result, as a keyboard user would.
    for _ in range(40):
        pg.keyboard.press("Tab")
        href = pg.evaluate("document.activeElement.getAttribute('href')") or ""
        if href.endswith(f"#{anchor}"):
            break
    else:
        pytest.fail(f"no sub-result link to #{anchor} reachable with Tab")
    pg.keyboard.press("Enter")
    pg.wait_for_url(re.compile(re.escape(expected_page) + r"\?pagefind-highlight=.*#" + anchor))
    heading = pg.locator(f"#{anchor}")
    pg.wait_for_function("a => { const r = document.getElementById(a).getBoundingClientRect();"
                         " return r.top >= 0 && r.top < innerHeight; }", arg=anchor)
    assert pg.locator("#site-search-panel").is_hidden()  # the panel closed on arrival
    pg.locator("article mark.pagefind-highlight").first.wait_for(timeout=5000)
    marked = pg.locator("article mark.pagefind-highlight").all_inner_texts()
    assert marked and all("buurtbemiddeling" in t.lower() for t in marked)
    assert heading.inner_text().startswith("Afspraak")
    assert pg.console_errors == [] and pg.foreign_requests == []


@browser_test
def test_escape_closes_the_panel_and_returns_focus(search_page) -> None:  # type: ignore[no-untyped-def]
    ui_search(search_page, "Woonborg")
    search_page.keyboard.press("Escape")
    assert search_page.locator("#site-search-panel").is_hidden()
    assert search_page.evaluate("document.activeElement.classList.contains('site-search__toggle')")
    assert search_page.locator(".site-search__toggle").get_attribute("aria-expanded") == "false"


@browser_test
def test_focus_leaving_the_panel_closes_it(search_page) -> None:  # type: ignore[no-untyped-def]
    ui_search(search_page, "Woonborg")
    search_page.locator("article a").first.focus()
    assert search_page.locator("#site-search-panel").is_hidden()
    assert search_page.locator(".site-search__toggle").get_attribute("aria-expanded") == "false"


@browser_test
def test_filter_by_municipality(search_page) -> None:  # type: ignore[no-untyped-def]
    results = ui_search(search_page, "huurverhoging")
    before = results.count()
    name = CORPUS.municipalities["tynaarlo"].name
    search_page.locator("summary", has_text=FILTER_MUNICIPALITY).click()
    search_page.locator(f'label[for="{FILTER_MUNICIPALITY}-{name}"]').click()
    search_page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result').length < n", arg=before)
    # A result's tags come with its data, loaded after the result itself.
    search_page.wait_for_function("() => [...document.querySelectorAll('.pagefind-ui__result')]"
                                  ".every(r => r.querySelector('.pagefind-ui__result-tag'))")
    tags = results.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert [t for t in tags if t.lower().startswith("gemeente")] == [f"Gemeente: {name}"] * results.count()


@browser_test
def test_loading_more_results_keeps_the_panel_open(search_page) -> None:  # type: ignore[no-untyped-def]
    """The last batch too: Pagefind's UI removes the button it was clicked on."""
    counts = {q: len(pagefind_search(search_page, q)) for q in ("gemeente", "woningen", "de")}
    query = max(counts, key=lambda q: counts[q])
    assert counts[query] > 8, counts  # more than one batch (search.js shows 8 at a time)
    results = ui_search(search_page, query)
    more = search_page.locator("#site-search-ui .pagefind-ui__button")
    while more.count():
        shown = results.count()
        more.first.click()
        search_page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result').length > n",
                                      arg=shown)
        assert search_page.locator("#site-search-panel").is_visible()
    assert results.count() == counts[query]


@browser_test
def test_a_filter_with_one_value_is_not_shown(search_page) -> None:  # type: ignore[no-untyped-def]
    ui_search(search_page, "huurverhoging")
    blocks = search_page.locator("#site-search-ui .pagefind-ui__filter-block")
    blocks.first.wait_for(state="attached")
    seen = 0
    for i in range(blocks.count()):
        block = blocks.nth(i)
        values = block.locator(".pagefind-ui__filter-value").count()
        assert block.is_visible() == (values > 1), block.inner_text()
        seen += 1
    assert seen


@browser_test
def test_nothing_is_downloaded_for_search_until_it_is_opened(page, base_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "/pagefind/" in u]
    ui_search(page, "buurtbemiddeling")
    assert [u for u in requested if "/pagefind/" in u]


@browser_test
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_open_search_panel_has_no_wcag_violations(search_page, scheme: str) -> None:  # type: ignore[no-untyped-def]
    search_page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
    ui_search(search_page, "huurverhoging")
    search_page.locator("summary", has_text=FILTER_MUNICIPALITY).click()
    assert axe_violations(search_page) == []


@browser_test
def test_search_still_works_after_instant_navigation(search_page) -> None:  # type: ignore[no-untyped-def]
    ui_search(search_page, "buurtbemiddeling").first.locator("a").first.click()
    search_page.wait_for_url("**/prestatieafspraken-2023/**")
    results = ui_search(search_page, "energielabels")
    assert results.count() >= 1
    assert search_page.console_errors == []



def _glob_regex(glob: str) -> re.Pattern[str]:
    """A part's glob as Pagefind reads it: {a,b} either, ** any folders, * within one."""
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] in "{,}":
            out, i = out + {"{": "(?:", ",": "|", "}": ")"}[glob[i]], i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out)


@pytest.mark.parametrize("pages_per_part", [3, 8, 20])
def test_parts_of_the_index_hold_every_page_once_and_alike(built_site: Path, pages_per_part: int) -> None:
    """Each indexed page is in exactly one part, the one part_of names (an edited page's
    part is the one indexed again), and the parts are alike in size: they differ by
    no more than the largest folder a part takes whole (a municipality's, an
    organisation's, a theme's), whatever folder the pages are in."""
    from generator.search import part_of, plan_parts

    parts = plan_parts(built_site, pages_per_part)
    assert len(parts) > 1
    globs = [_glob_regex(glob or "") for glob in parts]
    sizes = [0] * len(parts)  # pages in folders, per part: what Pagefind reads
    folders: dict[str, int] = {}
    loose = 0  # pages outside any folder, all in the first part
    for html in built_site.rglob("*.html"):
        path = html.relative_to(built_site).as_posix()
        holding = [i for i, glob in enumerate(globs) if glob.fullmatch(path)]
        if b"data-pagefind-body" in html.read_bytes():
            assert holding == [part_of(path, parts)], path
        assert len(holding) <= 1, path
        if holding and path.count("/") > 1:
            sizes[holding[0]] += 1
            folder = "/".join(path.split("/")[:2])
            folders[folder] = folders.get(folder, 0) + 1
        elif holding:
            assert holding == [0], path
            loose += 1
    assert {folder.split("/")[0] for folder in folders} >= {urls.GEMEENTEN, "organisaties"}
    assert max(sizes) - min(sizes) <= max(folders.values()) + loose, sizes


@pytest.fixture(scope="module")
def parted_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same site with its index built in parts, as at national size."""
    import shutil

    from generator.search import index_site

    from .conftest import serving

    site = tmp_path_factory.mktemp("parted") / "site"
    shutil.copytree(built_site, site)
    for bundle in site.glob("pagefind*"):
        shutil.rmtree(bundle)
    index_site(site, pages_per_part=5)
    assert (site / "pagefind-2").is_dir()
    with serving(site) as url:
        yield url


@browser_test
def test_an_index_in_parts_finds_what_one_index_finds(search_page, browser, parted_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    parted = browser.new_page()
    parted.goto(parted_url + "gemeenten/tynaarlo/")
    for query in ["huurverhoging", "energielabels", "Woonborg", "38.067"]:
        whole = [r["url"] for r in pagefind_search(search_page, query)]
        in_parts = [r["url"] for r in pagefind_search(parted, query)]
        # A part without the word itself offers words that start with it (as
        # Pagefind does for any index), so parts may add results, never lose one.
        # Scores are per part: the order agrees only when parts are alike, as
        # at national size (bench/README.md), not in these tiny seed parts.
        assert whole and set(whole) <= set(in_parts), query
    expected_page, _ = first_commitment("buurtbemiddeling")
    first = ui_search(parted, "buurtbemiddeling").first
    assert first.locator(".pagefind-ui__result-link").first.get_attribute("href").split("?")[0] == expected_page
    parted.close()
