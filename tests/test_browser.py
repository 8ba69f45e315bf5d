# The built site in headless Chromium (Debian's chromium, driven by Playwright),
# served on 127.0.0.1 as a reader gets it: pages render without console errors,
# nothing is requested from another host, a permalink lands on its commitment,
# instant navigation works and the Dutch search finds a commitment.
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARTIFACTS = Path(__file__).parent / "_artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run",
                 "--disable-sync"]

# One line per page type; a new page type is one more line here.
PAGES = [
    ("home", ""),
    ("municipality", "gemeenten/tynaarlo/"),
    ("municipalities", "gemeenten/"),
    ("yearly document", "gemeenten/tynaarlo/prestatieafspraken-2023/"),
    ("framework", "gemeenten/groningen/ambitiekader-2021-2025/"),
    ("themes", "themas/"),
    ("organisations", "organisaties/"),
    ("content page", "lezen/"),
    ("accessibility statement", "toegankelijkheid/"),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind.replace(' ', '-')}.png"))


CHART_PAGES = ["gemeenten/het-hogeland/prestatieafspraken-2026/",
               "gemeenten/groningen/prestatieafspraken-2021/",
               "gemeenten/groningen/ambitiekader-2021-2025/",
               "gemeenten/tynaarlo/prestatieafspraken-2023/"]


def _assert_charts_drawn(page) -> int:  # type: ignore[no-untyped-def]
    charts = page.locator(".chart[data-chart]")
    count = charts.count()
    assert count > 0
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart[data-chart]')]"
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


@pytest.mark.parametrize(("query", "anchor"), [
    ("buurtbemiddeling", "afspraak-41"),
    ("Voorzieningenwijzer", "afspraak-8"),
])
def test_search_finds_the_commitment(page, base_url: str, query: str, anchor: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "gemeenten/tynaarlo/prestatieafspraken-2023/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("s")  # Material's search shortcut, as a keyboard user would
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    results = page.locator(".md-search-result a")
    results.first.wait_for(timeout=10000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h and h.endswith(f"#{anchor}") for h in hrefs), hrefs


AXE = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           WCAG_TAGS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[k for k, _ in PAGES])
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_wcag_violations(page, base_url: str, kind: str, path: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
    if page.locator(".chart[data-chart]").count():
        _assert_charts_drawn(page)
    assert axe_violations(page) == []


def test_axe_catches_an_image_without_alt_text(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "over/")
    page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector('article').appendChild(img); }""")
    assert any(v.startswith("image-alt") for v in axe_violations(page))


def test_a_cdn_script_would_be_caught(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.route("https://cdn.example.org/**", lambda route: route.abort())
    page.goto(base_url + "over/")
    page.evaluate("""() => { const s = document.createElement('script');
        s.src = 'https://cdn.example.org/lib.js'; document.head.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.foreign_requests == ["https://cdn.example.org/lib.js"]


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
