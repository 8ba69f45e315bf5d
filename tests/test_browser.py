# The built site in headless Chromium (Debian's chromium, driven by Playwright),
# served on 127.0.0.1 as a reader gets it: pages render without console errors,
# nothing is requested from another host, a permalink lands on its commitment,
# instant navigation works (search: tests/test_search.py).
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import urls

from .conftest import serving

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTIFACTS = Path(__file__).parent / "_artifacts"
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                 "--disable-component-update", "--disable-quic", "--no-first-run",
                 "--disable-sync"]

# One line per page type; a new page type is one more line here.
PAGES = [
    ("home", ""),
    ("municipality", "gemeenten/tynaarlo/"),
    ("municipalities", "gemeenten/"),
    ("yearly document", "gemeenten/tynaarlo/prestatieafspraken-2023/"),
    ("framework", "gemeenten/groningen/ambitiekader-2021-2025/"),
    ("year", "gemeenten/groningen/2021/"),
    ("themes", "themas/"),
    ("organisations", "organisaties/"),
    ("concreteness", "concreetheid/"),
    ("theme", "themas/betaalbaarheid/"),  # counts per province
    ("theme in a province", "themas/betaalbaarheid/drenthe/"),  # the filterable list
    ("organisation", "organisaties/woonborg/"),  # commitments per municipality
    ("content page", "lezen/"),
    ("accessibility statement", "toegankelijkheid/"),
    ("open data", "open-data/"),
]


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serving(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Every page in these tests reports what its Content Security Policy refused
# (generator/csp.py): the normal site must not need anything the policy forbids.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', e =>
    (window.__cspViolations = window.__cspViolations || []).push(
        e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));"""


def csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("() => window.__cspViolations || []")  # type: ignore[no-any-return]


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.foreign_requests = []
    pg.console_errors = []
    pg.on("request", lambda r: r.url.startswith(base_url) or r.url.startswith("data:")
          or pg.foreign_requests.append(r.url))
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[k for k, _ in PAGES])
def test_page_renders_cleanly(page, base_url: str, kind: str, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(base_url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1").count() == 1
    assert page.console_errors == []
    assert page.foreign_requests == []
    assert csp_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind.replace(' ', '-')}.png"))


CHART_PAGES = ["gemeenten/het-hogeland/prestatieafspraken-2026/",
               "gemeenten/groningen/prestatieafspraken-2021/",
               "gemeenten/groningen/ambitiekader-2021-2025/",
               "gemeenten/tynaarlo/prestatieafspraken-2023/"]


def _assert_charts_drawn(page) -> int:  # type: ignore[no-untyped-def]
    charts = page.locator(".chart[data-figure]")
    count = charts.count()
    assert count > 0
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart[data-figure]')]"
        ".every(el => el.querySelector('svg.main-svg'))", timeout=15000)
    return count


@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_are_drawn_on_direct_load(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + path)
    _assert_charts_drawn(page)
    assert page.console_errors == [] and page.foreign_requests == []
    # The mode bar offers at most the PNG download; no plotly logo or edit link.
    assert page.locator(".modebar-btn").count() <= page.locator(".chart").count()
    assert page.locator(".modebar-btn--logo").count() == 0


def test_charts_are_drawn_after_instant_navigation(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base_url + "gemeenten/het-hogeland/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "plotly" in u]  # no chart, no plotly.js
    page.locator("article a", has_text="Prestatieafspraken 2026").first.click()
    page.wait_for_url("**/gemeenten/het-hogeland/prestatieafspraken-2026/")
    _assert_charts_drawn(page)
    assert [u for u in requested if "plotly" in u]
    assert page.console_errors == [] and page.foreign_requests == []


def test_charts_follow_the_dark_palette(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/het-hogeland/prestatieafspraken-2026/#sociale-huurvoorraad")
    _assert_charts_drawn(page)
    before = page.locator(".chart .xtick text").first.evaluate("el => getComputedStyle(el).fill")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_timeout(500)
    after = page.locator(".chart .xtick text").first.evaluate("el => getComputedStyle(el).fill")
    assert before != after
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chart-dark.png"))


def test_permalink_lands_on_the_commitment(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/#afspraak-41")
    page.wait_for_load_state("networkidle")
    heading = page.locator("#afspraak-41")
    assert heading.inner_text().startswith("Afspraak 41")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900


def test_instant_navigation_reaches_a_document(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/")
    page.wait_for_load_state("networkidle")
    page.locator("article a", has_text="Prestatieafspraken 2023").first.click()
    page.wait_for_url("**/gemeenten/tynaarlo/prestatieafspraken-2023/")
    assert page.locator("#afspraak-1").count() == 1
    assert page.console_errors == [] and page.foreign_requests == []


AXE = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe ships these disabled: a tag names them but does not run them.
WCAG_RULES_OFF_BY_DEFAULT = ["target-size"]
# Not WCAG success criteria in axe's tags, but what a screen reader's list of
# landmarks needs: each landmark of a kind with a name of its own.
LANDMARK_RULES = ["landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
                  "landmark-no-duplicate-main", "landmark-one-main"]


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # Evaluated, not added as a <script>: the pages' Content Security Policy refuses
    # inline scripts, and the test must not weaken it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async ([tags, on, landmarks]) => {
        const wcag = await axe.run(document, {runOnly: {type: 'tag', values: tags},
            rules: Object.fromEntries(on.map(r => [r, {enabled: true}]))});
        const more = await axe.run(document, {runOnly: {type: 'rule', values: landmarks}});
        return {violations: wcag.violations.concat(more.violations)}; }""",
                           [WCAG_TAGS, WCAG_RULES_OFF_BY_DEFAULT, LANDMARK_RULES])
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


def _every_page() -> list[str]:
    """Every page the site has: planned pages and hand-written ones (checked against
    the built site below, so a new page kind cannot be missed)."""
    from generator.pages import plan_pages
    from generator.validate import load_corpus

    content = ROOT / "content"
    corpus = load_corpus(ROOT / "data", ROOT)
    paths = [p.path for p in plan_pages(corpus, content)]
    paths += [p.name for p in content.glob("*.md") if not p.name.startswith("_")]
    # Each chart's own page for an <iframe> (generator/share.py)
    from generator.share import document_charts

    embeds = [urls.chart_embed_url(d, c.id) for d in corpus.documents for c in document_charts(d)]
    return sorted([urls.page_url(p) for p in paths] + embeds)


EVERY_PAGE = _every_page()


def _document_pages() -> list[str]:
    from generator.validate import load_corpus

    corpus = load_corpus(ROOT / "data", ROOT)
    return [urls.page_url(urls.document_page(d)) for d in corpus.documents]


def _preview_pages() -> list[str]:
    """Each commitment's own page (previews.py); checked by their own test below, where
    their redirect script is held back (axe here would check the document instead)."""
    from generator import model as m
    from generator.validate import load_corpus

    corpus = load_corpus(ROOT / "data", ROOT)
    return [urls.commitment_preview_url(d, c.id) for d in corpus.documents
            for ch in m.iter_chapters(d.chapters) for g in ch.groups for c in g.commitments]


def test_the_page_list_is_every_page_of_the_site(built_site: Path) -> None:
    built = sorted(p.parent.relative_to(built_site).as_posix() + "/"
                   for p in built_site.rglob("index.html") if "downloads" not in p.parts)
    assert sorted([p or "./" for p in EVERY_PAGE] + _preview_pages()) == built


@pytest.mark.parametrize("path", EVERY_PAGE, ids=lambda p: p or "home")
def test_no_wcag_violations_on_any_page(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core, WCAG 2.2 AA (with 2.1 and 2.0 A and AA), on every page: both palettes, desktop and phone width."""
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    # Colours are measured in their end state, not halfway a palette transition.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    found = []
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # resize handlers: table regions, chart layout
        if page.locator(".chart[data-figure]").count():
            _assert_charts_drawn(page)
        for scheme in ("default", "slate"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.wait_for_timeout(100)
            found += [f"{width}px {scheme}: {v}" for v in axe_violations(page)]
    assert found == []
    assert csp_violations(page) == []


def test_axe_checks_the_size_of_tap_targets(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "over/")
    page.evaluate("""() => { const p = document.createElement('p');
        p.innerHTML = '<button style="all: unset; width: 10px; height: 10px">a</button>'
            + '<button style="all: unset; width: 10px; height: 10px">b</button>';
        document.querySelector('article').appendChild(p); }""")
    assert any(v.startswith("target-size") for v in axe_violations(page))


def test_home_page_years_fit_a_phone_as_tap_targets(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """The municipalities and their years on the home page, on a 375 px phone: every
    link on screen without scrolling sideways, and each year at least 24 by 24 px."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(base_url)
    links = phone.locator(".coverage a").all()
    years = phone.locator(".coverage a.coverage-year").all()
    assert years and len(links) > len(years)
    for link in links:
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, link.text_content()
    for link in years:
        box = link.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24, link.text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-home.png"), full_page=True)
    context.close()


def test_axe_catches_an_image_without_alt_text(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "over/")
    page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector('article').appendChild(img); }""")
    assert any(v.startswith("image-alt") for v in axe_violations(page))


def _add_cdn_script(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.route("https://cdn.example.org/**", lambda route: route.abort())
    page.goto(base_url + "over/")
    page.evaluate("""() => { const s = document.createElement('script');
        s.src = 'https://cdn.example.org/lib.js'; document.head.appendChild(s); }""")
    page.wait_for_timeout(300)


def test_a_cdn_script_is_refused_by_the_policy(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Chromium reports the request, but refuses it before it leaves the browser."""
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    _add_cdn_script(page, base_url)
    assert failed == ["https://cdn.example.org/lib.js csp"]  # blocked, never sent
    assert [v for v in csp_violations(page) if "https://cdn.example.org/lib.js" in v]


def test_a_cdn_script_would_be_caught(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """The request check itself, with the policy switched off (as on a page without it)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.foreign_requests = []
    page.on("request", lambda r: r.url.startswith(base_url) or page.foreign_requests.append(r.url))
    _add_cdn_script(page, base_url)
    assert page.foreign_requests == ["https://cdn.example.org/lib.js"]
    context.close()


def test_keyboard_focus_is_visible(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/")
    page.wait_for_load_state("networkidle")
    seen = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    shadow: s.boxShadow, tag: el.tagName}; }""")
        if style is None:
            continue
        seen += 1
        assert (style["outline"] != "none" and style["width"] > 0) or style["shadow"] != "none", style
    assert seen >= 5


@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[k for k, _ in PAGES])
def test_mobile_width_has_no_horizontal_scroll(browser, base_url: str, kind: str, path: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    mobile = context.new_page()
    mobile.goto(base_url + path)
    mobile.wait_for_load_state("networkidle")
    overflow = mobile.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if kind == "yearly document":
        ARTIFACTS.mkdir(exist_ok=True)
        mobile.screenshot(path=str(ARTIFACTS / "mobile-document.png"))
    context.close()
    assert overflow <= 0


# --- what readers do on a page: table of contents, permalinks, back, phone, print

def _chart_state(page) -> list[tuple[bool, int]]:  # type: ignore[no-untyped-def]
    """Per chart: drawn, and its height (a chart without plotly's CSS triples in height)."""
    return page.evaluate("""() => [...document.querySelectorAll('.chart[data-figure]')]
        .map(el => [!!el.querySelector('svg.main-svg'), Math.round(el.getBoundingClientRect().height)])""")


def _assert_charts_unchanged(page, before) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(600)
    _assert_charts_drawn(page)
    after = _chart_state(page)
    assert len(after) == len(before)
    for (drawn, height), (_, expected) in zip(after, before, strict=True):
        assert drawn and abs(height - expected) <= 2, (after, before)
    assert page.console_errors == []


@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_survive_in_page_navigation(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Table of contents, a heading's permalink, back and forward: instant navigation
    re-inserts the page's scripts; the charts stay drawn, at their size."""
    page.goto(base_url + path)
    _assert_charts_drawn(page)
    before = _chart_state(page)
    toc = page.locator(".md-sidebar--secondary .md-nav__link[href*='#']")
    toc.nth(min(2, toc.count() - 1)).click()
    page.wait_for_function("() => location.hash.length > 1")
    _assert_charts_unchanged(page, before)
    page.locator("article h2 .headerlink").last.click()
    _assert_charts_unchanged(page, before)
    page.go_back()
    _assert_charts_unchanged(page, before)
    page.go_forward()
    _assert_charts_unchanged(page, before)


def test_charts_survive_the_phone_drawer(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(base_url + "gemeenten/groningen/prestatieafspraken-2021/")
    _assert_charts_drawn(phone)
    before = _chart_state(phone)
    phone.locator("label.md-header__button[for='__drawer']").click()
    phone.locator("label[for='__toc']:visible").first.click()
    link = phone.locator(".md-nav--primary .md-nav--secondary a[href*='#']:visible", has_text="Energielabels")
    link.first.click()
    phone.wait_for_function("() => location.hash === '#energielabels'")
    phone.wait_for_timeout(600)
    assert _chart_state(phone) == before
    assert errors == []
    context.close()


def test_an_opened_permalink_highlights_the_whole_commitment(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/#afspraak-41")
    page.wait_for_load_state("networkidle")
    block = page.locator(".commitment", has=page.locator("#afspraak-41"))
    heading = page.locator("#afspraak-41").bounding_box()
    box = block.bounding_box()
    assert heading is not None and box is not None
    assert box["height"] > heading["height"] * 2  # heading, text and who/when
    background = block.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    other = page.locator(".commitment", has=page.locator("#afspraak-40"))
    assert other.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"


# One commitment (or framework goal) of each shape on a page (which parts it has:
# text, items, meta, figures, marks...), so every kind of text is measured on the
# highlight.
TARGET_SHAPES = """() => { const seen = new Map();
    document.querySelectorAll('article .commitment > .commitment-title[id], article .goal[id]').forEach(t => {
        const block = t.closest('.commitment') || t;
        const shape = [...block.querySelectorAll('*')].map(e => e.tagName + '.' + e.className).sort()
            .filter((v, i, a) => a.indexOf(v) === i).join(' ');
        if (!seen.has(shape)) seen.set(shape, t.id);
    });
    return [...seen.values()]; }"""
HIGHLIGHTED = "document.querySelector(':target').closest('.commitment') || document.querySelector(':target')"


@pytest.mark.parametrize("path", _document_pages())
def test_no_wcag_violations_on_an_opened_permalink(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """What a reader of a shared link sees first: the highlighted commitment, in both
    palettes; the whole page for the first, the highlighted block for each other shape.
    Each link is opened afresh: Material redraws the page on a change of the address's
    fragment, which can leave no element :target."""
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    anchors = page.evaluate(TARGET_SHAPES)
    assert anchors
    found = []
    for n, anchor in enumerate(anchors):
        page.goto(base_url + "over/")  # elsewhere first: the permalink is opened, not scrolled to
        page.goto(f"{base_url}{path}#{anchor}")
        page.wait_for_load_state("networkidle")
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.evaluate(AXE.read_text(encoding="utf-8"))
        for scheme in ("default", "slate"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.wait_for_timeout(100)
            assert page.evaluate(f"() => getComputedStyle({HIGHLIGHTED}).backgroundColor") != "rgba(0, 0, 0, 0)"
            if n == 0:
                found += [f"{scheme} #{anchor}: {v}" for v in axe_violations(page)]
                continue
            result = page.evaluate(f"tags => axe.run({HIGHLIGHTED}, {{runOnly: {{type: 'tag', values: tags}}}})",
                                   WCAG_TAGS)
            found += [f"{scheme} #{anchor}: {v['id']} {v['nodes'][0]['target']}" for v in result["violations"]]
    assert found == []


def test_permalinks_are_visible_on_a_touch_screen(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/")
    link = phone.locator("#afspraak-41 .headerlink")
    link.scroll_into_view_if_needed()
    assert link.evaluate("el => getComputedStyle(el).opacity") == "1"
    box = link.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 20
    link.tap()
    phone.wait_for_function("() => location.hash === '#afspraak-41'")
    context.close()


def test_the_address_follows_the_commitment_being_read(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/")
    page.wait_for_load_state("networkidle")
    for anchor in ("afspraak-20", "afspraak-33"):
        page.evaluate("""id => { const el = document.getElementById(id);
            window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 80); }""", anchor)
        page.wait_for_function(f"() => location.hash === '#{anchor}'", timeout=3000)


def test_wide_tables_scroll_by_keyboard(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(base_url + "gemeenten/het-hogeland/prestatieafspraken-2026/#sociale-huurvoorraad")
    phone.wait_for_load_state("networkidle")
    region = phone.locator(".md-typeset__scrollwrap[tabindex='0']").first
    assert "Tabel" in (region.get_attribute("aria-label") or "")
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_timeout(200)
    assert region.evaluate("el => el.scrollLeft") > 0
    context.close()


def _boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_fit_a_phone(browser, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(base_url + path)
    _assert_charts_drawn(phone)
    phone.wait_for_timeout(400)
    for chart in phone.locator(".chart[data-figure]").all():
        box = chart.bounding_box()
        assert box is not None
        title = chart.locator(".gtitle").bounding_box()
        assert title is not None
        assert title["x"] >= box["x"] - 1 and title["x"] + title["width"] <= box["x"] + box["width"] + 1
        legend = chart.locator(".legend")
        if legend.count():
            legend_box = legend.bounding_box()
            for tick in chart.locator(".xtick text").all():
                tick_box = tick.bounding_box()
                assert tick_box is None or not _boxes_overlap(tick_box, legend_box), path  # type: ignore[arg-type]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-chart.png"))
    context.close()


@pytest.mark.parametrize("path", CHART_PAGES)
def test_charts_fit_the_printed_page(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + path)
    _assert_charts_drawn(page)
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    for chart in page.locator(".chart[data-figure]").all():
        svg = chart.locator("svg.main-svg").first.bounding_box()
        assert svg is not None and svg["width"] <= 700  # an A4 page at 96 dpi, less margins
        ticks = chart.locator(".xtick text").all()
        assert ticks
        for tick in ticks:
            tick_box = tick.bounding_box()
            assert tick_box is not None and tick_box["x"] + tick_box["width"] <= svg["x"] + svg["width"] + 1
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


# --- hostile data in a real browser: charts still drawn, nothing runs ----------

@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import yaml

    from generator.pipeline import Settings, build

    from .conftest import FIXTURE_CORPUS, make_project
    from .test_generate import HOSTILE, _poison

    root = make_project(tmp_path_factory.mktemp("hostile"), FIXTURE_CORPUS)
    # (U+2028, a line break in JavaScript strings, is refused by `check`: test_sources.py.)
    payload = " | ".join([*HOSTILE, "<img src=x onerror=\"window.__pwned=1\">", "%{y} x"])
    for path in (root / "data/testdorp").glob("*.yaml"):
        data, _ = _poison(yaml.safe_load(path.read_text(encoding="utf-8")), payload)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(Settings(root), root / "site")
    with serving(root / "site") as url:
        yield url


def test_hostile_data_draws_charts_and_runs_nothing(browser, hostile_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(hostile_url + "gemeenten/testdorp/prestatieafspraken-2024/")
    _assert_charts_drawn(pg)
    pg.locator(".chart[data-figure]").first.scroll_into_view_if_needed()
    pg.wait_for_timeout(200)
    bar = pg.locator(".chart .point path, .chart .bars path").first.bounding_box()
    assert bar is not None
    pg.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    pg.wait_for_timeout(300)
    assert pg.locator(".chart .hoverlayer text").count() > 0  # the hover label is shown
    assert pg.evaluate("() => window.__pwned") is None
    assert pg.locator(".chart a, .chart img, .chart script").count() == 0
    assert pg.locator("article img, article script").count() == 0
    assert errors == []
    context.close()


# --- for journalists ---------------------------------------------------

DOC_2023 = "gemeenten/tynaarlo/prestatieafspraken-2023/"


@pytest.fixture
def clipboard_page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    pg = context.new_page()
    pg.foreign_requests = []
    pg.on("request", lambda r: r.url.startswith(base_url) or r.url.startswith("data:")
          or pg.foreign_requests.append(r.url))
    yield pg
    context.close()


def test_copy_link_copies_the_permalink_that_lands_on_the_commitment(clipboard_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = clipboard_page
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    button = page.locator("#afspraak-41 + .share-tools button", has_text="Kopieer link")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44  # touch target
    button.focus()
    page.keyboard.press("Enter")  # keyboard, not only a mouse
    page.wait_for_function("() => document.querySelector('.share-status')?.textContent === 'Link gekopieerd'")
    copied = page.evaluate("navigator.clipboard.readText()")
    # The commitment's own page (its link previews its text), which opens the commitment.
    assert copied == base_url + DOC_2023.replace("gemeenten/", "afspraak/") + "afspraak-41/"
    # follow it in a fresh page: the commitment is in view and highlighted
    page.goto(base_url)
    page.goto(copied)
    page.wait_for_url(base_url + DOC_2023 + "#afspraak-41")
    page.wait_for_load_state("networkidle")
    heading = page.locator("#afspraak-41")
    assert heading.evaluate("el => { const r = el.getBoundingClientRect();"
                            " return r.top >= 0 && r.bottom <= innerHeight; }")
    block = page.locator(".commitment", has=heading)
    assert block.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.foreign_requests == []


def test_copy_link_is_on_every_commitment_table_and_chart(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    counts = page.evaluate("""() => ['.commitment-title[id]', '.data-table-title[id]', '.chart-figure[id]']
        .map(s => [document.querySelectorAll('article ' + s).length,
                   [...document.querySelectorAll('article ' + s)].filter(t =>
                       (t.tagName === 'FIGURE' ? t.querySelector('.share-tools')
                                               : t.nextElementSibling?.classList.contains('share-tools'))).length])""")
    for total, with_tools in counts:
        assert total > 0 and with_tools == total


def test_copy_link_falls_back_to_a_selected_field(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Without clipboard permission (or API), the link is shown selected to copy by hand."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    page.locator("#afspraak-41 + .share-tools button", has_text="Kopieer link").click()
    field = page.locator("#afspraak-41 + .share-tools .share-fallback")
    assert field.input_value() == base_url + DOC_2023.replace("gemeenten/", "afspraak/") + "afspraak-41/"
    assert page.evaluate("document.activeElement.classList.contains('share-fallback')")
    assert page.evaluate("getSelection().toString() || (document.activeElement.selectionEnd"
                         " - document.activeElement.selectionStart)")


def test_citation_holds_the_computed_fields(clipboard_page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from generator.formatting import date_nl
    from generator.validate import load_corpus

    corpus = load_corpus(ROOT / "data", ROOT)
    doc = corpus.document("tynaarlo/prestatieafspraken-2023")
    assert doc.signing and doc.signing.date
    from generator import model as m

    commitment = next(c for ch in m.iter_chapters(doc.chapters) for g in ch.groups for c in g.commitments
                      if c.id == "afspraak-41")
    page = clipboard_page
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    cite = page.locator("#afspraak-41 + .share-tools button", has_text="Citeer")
    assert cite.get_attribute("aria-expanded") == "false"
    cite.click()
    assert cite.get_attribute("aria-expanded") == "true"
    panel = page.locator("#afspraak-41 ~ .share-cite").first
    texts = panel.locator(".share-text").all_text_contents()
    plain, csl, bibtex = texts
    today = page.evaluate("new Date().toLocaleDateString('nl-NL', {day: 'numeric', month: 'long', year: 'numeric'})")
    permalink = base_url + DOC_2023 + "#afspraak-41"
    for field in ("Tynaarlo", doc.title, f"afspraak {commitment.number}",
                  date_nl(doc.signing.date), permalink, f"geraadpleegd op {today}"):
        assert field in plain, field
    import json

    item = json.loads(csl)[0]
    assert item["URL"] == permalink and item["issued"]["date-parts"] == [
        [doc.signing.date.year, doc.signing.date.month, doc.signing.date.day]]
    assert item["container-title"] == doc.title and "accessed" in item
    assert bibtex.startswith("@misc{") and f"url = {{{permalink}}}" in bibtex
    assert f"date = {{{doc.signing.date.isoformat()}}}" in bibtex
    panel.locator("button", has_text="Kopieer").first.click()
    page.wait_for_function("() => document.querySelector('.share-status')?.textContent === 'Bronvermelding gekopieerd'")
    assert page.evaluate("navigator.clipboard.readText()") == plain


def test_a_citation_without_signing_date_has_the_year_and_the_marks(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Never undated ("z.d."): without a signing date the document's year; and what the
    editors did to the commitment's values goes with it (records.py)."""
    import json

    from generator.queries import Queries
    from generator.validate import load_corpus

    corpus = load_corpus(ROOT / "data", ROOT)
    unsigned = [r for r in Queries.build(corpus).records.values()
                if r.citation.signed is None and r.marks_text()]
    if not unsigned:
        pytest.skip("no marked commitment in a document without a signing date")
    r = unsigned[0]
    page.goto(base_url + urls.page_url(urls.document_page(r.doc)))
    page.wait_for_load_state("networkidle")
    page.locator(f"#{r.id} + .share-tools button", has_text="Citeer").click()
    plain, csl, bibtex = page.locator(f"#{r.id} ~ .share-cite").first.locator(".share-text").all_text_contents()
    assert r.citation.label.value in plain and f"Uit {r.citation.year}." in plain
    assert "Niet zoals gedrukt: " + r.marks_text() in plain
    item = json.loads(csl)[0]
    assert item["issued"]["date-parts"] == [[r.citation.year]]
    assert item["note"] == "Niet zoals gedrukt: " + r.marks_text()
    assert f"year = {{{r.citation.year}}}" in bibtex


def test_embed_code_and_page(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    figure = page.locator(".chart-figure[data-embed-path]").first
    chart_id = figure.get_attribute("id")
    figure.locator("button", has_text="Insluiten").click()
    code = page.locator(".share-embed .share-text").first.text_content() or ""
    src = f"{base_url}grafiek/tynaarlo/prestatieafspraken-2023/{chart_id}/"
    assert code.startswith(f'<iframe src="{src}" title="')
    page.goto(src)
    page.wait_for_selector(".chart.chart--drawn .main-svg")
    assert page.locator("header, nav, .md-header").count() == 0  # no site around it
    back = page.locator(".embed-source a")
    assert back.get_attribute("target") == "_top"
    back.click()
    page.wait_for_load_state("networkidle")
    assert page.url == base_url + DOC_2023 + "#" + chart_id
    assert page.foreign_requests == [] and page.console_errors == []


def test_no_wcag_violations_on_an_embed_page(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "grafiek/tynaarlo/prestatieafspraken-2023/grafiek-buurtbemiddeling-kosten/")
    page.wait_for_selector(".chart.chart--drawn")
    assert axe_violations(page) == []
    assert page.foreign_requests == [] and csp_violations(page) == []
    assert page.locator("h1").count() == 1 and "Tynaarlo" in page.locator("h1").inner_text()
    assert "Tynaarlo" in page.title()


def test_sharing_metadata_and_feed_link(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + DOC_2023)
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        'meta[property^="og:"], meta[name^="twitter:"], meta[name="description"]')]
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert meta["og:title"] == "Tynaarlo: Prestatieafspraken 2023"
    assert meta["og:type"] == "article" and meta["og:locale"] == "nl_NL"
    assert "Tynaarlo" in meta["description"] and "afspraken" in meta["description"]
    assert meta["og:description"] == meta["description"] == meta["twitter:description"]
    feed = page.locator('link[rel~="alternate"][type="application/atom+xml"]')
    href = feed.evaluate("el => el.href")
    assert href == base_url + "feeds/gemeenten/tynaarlo.xml"
    response = page.request.get(href)
    assert response.ok and b"<feed" in response.body()


def test_print_hides_the_site_and_writes_out_links(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + DOC_2023)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.share-tools']
        .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
    assert all(hidden)
    after = page.evaluate("""() => { const a = document.querySelector('article a[href^="http"]');
        return a && getComputedStyle(a, '::after').content; }""")
    assert after and "http" in after

def _printed_pages(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each page of the page printed to A4 (pdftotext, poppler-utils)."""
    import subprocess

    pdf = page.pdf(format="A4", display_header_footer=False)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return [p for p in text.split("\f") if p.strip()]



# Printing runs charts.js's own print redraw first; this listener, added later, runs
# after it: a marker word at the top-left and bottom-right corner of each drawn chart,
# and the chart's own words hidden, so any word printed inside a chart's corners is
# another element's text on top of the chart.
MARK_CHARTS_WHEN_PRINTING = """() => addEventListener('beforeprint', () => {
    const style = document.createElement('style');
    style.textContent = '.chart svg text:not(.print-mark) { visibility: hidden; }';
    document.head.appendChild(style);
    document.querySelectorAll('.chart[data-figure]').forEach((chart, n) => {
        const svg = chart.querySelector('svg.main-svg');
        const w = svg.getAttribute('width'), h = svg.getAttribute('height');
        [['chartstart', 0, 6, 'start'], ['chartend', w, h, 'end']].forEach(([word, x, y, anchor]) => {
            const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
            Object.entries({class: 'print-mark', x: x, y: y, 'text-anchor': anchor, 'font-size': 6})
                .forEach(([k, v]) => t.setAttribute(k, v));
            t.textContent = word + n;
            svg.appendChild(t);
        });
    });
}, {once: true})"""


def _printed_words(pdf: bytes) -> list[tuple[float, float, list[tuple[str, float, float, float, float]]]]:
    """Each printed page's width, height and words with their boxes (pdftotext -bbox)."""
    import re
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = []
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [(text, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body)]
        pages.append((float(w), float(h), words))
    return pages


@pytest.mark.parametrize("path", _document_pages())
def test_every_document_prints_its_charts_whole_and_uncovered(page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """Printed to A4 as a reader prints it (no media emulation: the browser's own print
    events): each chart whole on one page, inside the paper, and no word of another
    element (caption, heading, table) on top of it."""
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    charts = page.locator(".chart[data-figure]").count()
    if charts:
        _assert_charts_drawn(page)
    import re

    page.evaluate(MARK_CHARTS_WHEN_PRINTING)
    printed = _printed_words(page.pdf(format="A4"))
    problems = []
    for n in range(charts):
        start = [(i, w) for i, (_, _, words) in enumerate(printed) for w in words if w[0] == f"chartstart{n}"]
        end = [(i, w) for i, (_, _, words) in enumerate(printed) for w in words if w[0] == f"chartend{n}"]
        if len(start) != 1 or len(end) != 1:  # run together with text printed on the same spot
            near = [w[0] for _, _, words in printed for w in words if re.search(rf"chart(start|end){n}\b", w[0])]
            problems.append(f"chart {n}: corners printed as {near}")
            continue
        (page_no, (_, x0, y0, _, _)), (end_page, (_, _, _, x1, y1)) = start[0], end[0]
        if end_page != page_no:
            problems.append(f"chart {n} split over pages {page_no + 1} and {end_page + 1}")
            continue
        width, height, words = printed[page_no]
        if x1 > width or y1 > height:
            problems.append(f"chart {n} runs off page {page_no + 1}")
        on_top = [w[0] for w in words if not re.fullmatch(r"chart(start|end)\d+", w[0])
                  and w[1] < x1 - 1 and w[3] > x0 + 1 and w[2] < y1 - 1 and w[4] > y0 + 1]
        if on_top:
            problems.append(f"chart {n} on page {page_no + 1} is covered by: {' '.join(on_top)}")
    assert problems == []


def test_a_printed_chart_leaves_its_title_to_the_caption(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """On paper the heading above and the caption below name a chart; its own title
    is not printed a third time."""
    page.goto(base_url + DOC_2023)
    _assert_charts_drawn(page)
    page.evaluate("() => { window.__titles = []; addEventListener('beforeprint', () => window.__titles ="
                  " [...document.querySelectorAll('.chart .gtitle')].map(t => t.textContent)); }")
    _printed_pages(page)
    assert all(not t.strip() for t in page.evaluate("() => window.__titles"))
    assert page.locator(".chart .gtitle").first.text_content()  # and back on screen


def test_every_printed_page_says_what_it_is_from_also_after_instant_navigation(
        page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """A printed document: its title at the top of every page, 'Pagina n van m' at the
    bottom; reached through the site's own (instant) navigation, which keeps the head."""
    page.goto(base_url + "gemeenten/tynaarlo/")
    page.wait_for_load_state("networkidle")
    before = page.title().removesuffix(" - Prestatieafspraken wonen")
    page.locator("article a", has_text="Prestatieafspraken 2023").first.click()
    page.wait_for_url("**/gemeenten/tynaarlo/prestatieafspraken-2023/")
    page.wait_for_load_state("networkidle")
    title = page.title().removesuffix(" - Prestatieafspraken wonen")
    assert title != before
    printed = _printed_pages(page)
    assert len(printed) > 1
    for n, text in enumerate(printed, 1):
        top = text.strip().splitlines()[0]
        assert title in top and top.strip() != before, (n, top)
        assert f"Pagina {n} van {len(printed)}" in text


# --- the theme page's filters ------------------------------------------

THEME_PAGE = "themas/betaalbaarheid/drenthe/"  # Tynaarlo's province


def test_theme_filter_narrows_the_list_and_announces_the_count(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "themas/betaalbaarheid/")  # the theme's entry URL: on to a province
    page.locator("article").get_by_role("link", name="Drenthe", exact=True).click()
    page.wait_for_url(base_url + THEME_PAGE)
    page.wait_for_load_state("networkidle")
    items = page.locator(".afspraken-lijst li[data-gemeente]")
    total = items.count()
    status = page.locator(".afspraken-aantal[role=status]")
    assert page.locator("form.afspraken-filter").is_visible()
    assert status.inner_text() == f"{total} afspraken getoond"
    expected = page.locator('.afspraken-lijst li[data-gemeente="tynaarlo"]').count()
    assert 0 < expected < total
    page.get_by_label("Gemeente", exact=True).select_option("tynaarlo")  # by its <label>
    visible = page.locator(".afspraken-lijst li[data-gemeente]:visible")
    assert visible.count() == expected
    assert all(v == "tynaarlo" for v in visible.evaluate_all("els => els.map(e => e.dataset.gemeente)"))
    assert status.inner_text() == f"{expected} afspraken getoond"
    # A second filter narrows further; back to "all" shows everything again.
    # A year of the province's list in which Tynaarlo has no agreement (another municipality has)
    years = page.locator("#filter--jaar option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
    tynaarlo = set(" ".join(visible.evaluate_all("els => els.map(e => e.dataset.jaar)")).split())
    other_year = next(y for y in years if y not in tynaarlo)
    page.get_by_label("Jaar", exact=True).select_option(other_year)
    assert visible.count() == 0
    assert status.inner_text() == "0 afspraken getoond"
    page.get_by_label("Gemeente", exact=True).select_option("")
    page.get_by_label("Jaar", exact=True).select_option("")
    assert visible.count() == total
    assert page.console_errors == []


def test_theme_list_is_complete_without_javascript(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url + THEME_PAGE)
    items = pg.locator(".afspraken-lijst li[data-gemeente]")
    assert items.count() > 0
    assert pg.locator(".afspraken-lijst li[data-gemeente]:visible").count() == items.count()
    assert not pg.locator("form.afspraken-filter").is_visible()  # no control that cannot work
    context.close()


# --- links that last ----------------------------------------------

def test_a_redirected_permalink_lands_on_its_commitment(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """An old URL with a #anchor: the redirect page (as the build writes it for
    data/redirects.yaml, served here in place of a file) carries the anchor over."""
    from generator import model as m
    from generator.redirects import render_redirect

    old, new = "gemeenten/tynaarlo/prestatieafspraken-2023-oud/", "gemeenten/tynaarlo/prestatieafspraken-2023/"
    body = render_redirect(m.Redirect(old=old, to=new))
    page.route(base_url + old, lambda route: route.fulfill(body=body, content_type="text/html"))
    page.goto(base_url + old + "#afspraak-41")
    page.wait_for_url(base_url + new + "#afspraak-41")
    page.wait_for_load_state("networkidle")
    box = page.locator("#afspraak-41").bounding_box()
    assert box is not None and 0 <= box["y"] < 900


def _comparison_pages() -> list[str]:
    """The comparison pages that have values, from the bundled data (any data set)."""
    from generator.comparison_views import all_values
    from generator.validate import load_corpus

    found = all_values(load_corpus(ROOT / "data", ROOT))
    return [urls.page_url(urls.comparison_page(cid)) for cid, values in found.items() if values]


@pytest.mark.parametrize("path", _comparison_pages())
def test_a_comparison_draws_its_chart_and_each_source_link_lands_on_the_value(
        page, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """A journalist compares, follows a value to where the document gives it, and
    comes back: the chart is drawn, the value is in view, Back returns."""
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert _assert_charts_drawn(page) == 1
    links = page.locator("article p a[href*='gemeenten/']")
    assert links.count() >= 1
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        anchor = href.split("#", 1)[1]
        links.nth(i).click()
        page.wait_for_url(f"**#{anchor}")
        page.wait_for_timeout(300)
        box = page.locator(f"[id='{anchor}']").bounding_box()
        assert box is not None and 0 <= box["y"] < 900, (href, box)
        page.go_back()  # the address may carry the section read (reading.js)
        page.wait_for_url(lambda url: url.split("#")[0] == base_url + path)
        page.wait_for_load_state("networkidle")
    assert page.console_errors == [] and page.foreign_requests == []


def test_a_commitment_link_previews_its_text_and_opens_the_commitment(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """What a link preview (X, Facebook, a chat app) reads, where no script runs: every
    commitment's own page has its title and description from the data, its text, a
    link to it, and no axe violation (its redirect script is held back to check the
    page itself). With scripts, a reader lands on the commitment in its document."""
    import urllib.request

    from generator.queries import Queries
    from generator.validate import load_corpus

    corpus = load_corpus(ROOT / "data", ROOT)
    context = browser.new_context(viewport={"width": 375, "height": 800})

    def without_redirect(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.resource_type != "document":
            route.continue_()
            return
        with urllib.request.urlopen(route.request.url) as response:
            body = response.read().decode("utf-8")
        route.fulfill(status=200, content_type="text/html",
                      body=body.replace(' data-forward="', ' data-held-forward="'))

    context.route("**/afspraak/**", without_redirect)
    page = context.new_page()
    checked = 0
    records = Queries.build(corpus).records.values()
    for r in records:
        page.goto(base_url + urls.commitment_preview_url(r.doc, r.id))
        # the citation's title, the same as the heading (records.Citation)
        assert page.title() == r.citation.title == page.locator("h1").inner_text()
        og = page.locator("meta[property='og:description']").get_attribute("content")
        marks = r.marks_labels()
        flat = " ".join(((f"[{marks}] " if marks else "") + r.text.value).split())
        assert og == flat or (og.endswith(" …") and flat.startswith(og[:-2])), og
        assert page.locator("blockquote").inner_text().split() == r.text.value.split()
        for _, value in r.marked():  # each mark with its reason, beside the text
            assert " ".join((value.note or "").split()) in " ".join(page.locator("main").inner_text().split())
        href = page.locator("main a").get_attribute("href")
        assert href.endswith(urls.commitment_url(r.doc, r.id))
        assert axe_violations(page) == [], page.url
        checked += 1
    assert checked == len(records)
    context.close()
