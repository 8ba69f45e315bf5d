# No data can run script in a reader's browser. Two lines of defence, each tested
# on its own: text from data/ is escaped wherever it is printed (also where
# Pagefind's search panel inserts names as HTML), and every page carries a
# Content Security Policy (generator/csp.py) that refuses inline script, so an
# escaping mistake still runs nothing. In headless Chromium, a site built from
# registries and documents full of payloads shows no dialog and inserts no
# element, with the search panel closed and open; the normal site breaks no rule
# of its policy (tests/test_browser.py checks that on every page).
from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import csp

from .conftest import FIXTURE_CORPUS, make_project, serving
from .test_browser import CSP_LISTENER, browser, csp_violations  # noqa: F401  (fixtures)
from .test_generate import _poison

# Markup, entities that decode to markup (once, twice, three times), attribute
# break-outs: each names itself in the dialog it would open.
PAYLOADS = [
    "<img src=x onerror=alert('img')>",
    "<script>alert('script')</script>",
    "<svg onload=alert('svg')>",
    "\"><img src=x onerror=alert('quote')>",
    "&lt;b&gt;vet&lt;/b&gt;",
    "&#60;img src=x onerror=alert('dec')&#62;",
    "&amp;lt;img src=x onerror=alert('amp')&amp;gt;",
    "&amp;amp;lt;img src=x onerror=alert('amp2')&amp;amp;gt;",
]

# All of them in one text: it must fit the shortest field it is put in (a title, 300).
ALL_PAYLOADS = " ".join(PAYLOADS)


# --- every page: the policy, before anything loads; no inline script ----------------

class _Head(HTMLParser):
    """The order of a page's first elements, its inline scripts and event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.policy: str | None = None
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self._script_is_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.handlers += [k for k in a if k.startswith("on")]
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.policy = a["content"]
            self.order.append("policy")
        elif tag in ("script", "link", "style"):
            self.order.append(tag)
        self._script_is_code = (tag == "script" and "src" not in a
                                and a.get("type", "text/javascript") in ("text/javascript", "module"))

    def handle_data(self, data: str) -> None:
        if self._script_is_code and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._script_is_code = False


def test_the_policy_refuses_inline_script_and_plugins() -> None:
    directives = dict(d.strip().split(" ", 1) for d in csp.POLICY.split(";"))
    assert directives["script-src"].split() == ["'self'", "'wasm-unsafe-eval'"]
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in csp.POLICY


ROOT = Path(__file__).resolve().parent.parent


def _material_file(name: str) -> str:
    import material

    return (Path(material.__file__).parent / "templates" / name).read_text(encoding="utf-8")


def _pins() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8") + (ROOT / "requirements.lock").read_text(
        encoding="utf-8")
    return set(re.findall(r"mkdocs-material==([\d.]+)", text))


def test_the_theme_copies_are_of_the_pinned_material() -> None:
    """Material's inline scripts are files of the site (no inline script under the
    policy), and its header is copied for the search button: each must be what the
    pinned, installed Material has, or an upgrade silently runs old code."""
    import material

    assert _pins() == {material.__version__}
    scripts = ROOT / "site_theme" / "assets" / "javascripts"
    for name in ("palette", "content"):
        inline = re.findall(r"<script>(.*?)</script>", _material_file(f"partials/javascripts/{name}.html"), re.S)
        # content.html's script for linked content tabs runs only with that feature, unused here
        ours = (scripts / f"md-{name}.js").read_text(encoding="utf-8")
        assert inline[-1].strip() in ours, name
    base = re.findall(r"<script>(.*?)</script>", _material_file("partials/javascripts/base.html"), re.S)[0]
    # md-base.js finds the site's root from its own address instead of the root the
    # template wrote into the page; the rest is Material's.
    scope, rest = base.split(",__md_hash=", 1)
    assert scope.startswith("__md_scope=new URL(")
    assert ",__md_hash=" + rest.strip() in (scripts / "md-base.js").read_text(encoding="utf-8")
    header = (ROOT / "site_theme" / "partials" / "header.html").read_text(encoding="utf-8")
    assert f"Copied from Material for MkDocs {material.__version__} (partials/header.html)" in header
    changed = re.compile(r"\{#- Changed:.*?</div>\n    </div>\n", re.S)
    original = re.compile(r"\{% if \"material/search\" in config.plugins %\}.*?\{% endif %\}\n    \{% endif %\}\n", re.S)
    ours = re.sub(r"^\{#-.*?-#\}\n", "", changed.sub("", header, count=1), count=1, flags=re.S)
    theirs_header = re.sub(r"^\{#-.*?-#\}\n", "", original.sub("", _material_file("partials/header.html"), count=1),
                           count=1, flags=re.S)
    assert ours == theirs_header


@pytest.mark.slow
def test_every_page_carries_the_policy_before_anything_loads(built_site: Path) -> None:
    """Theme pages, commitment previews, redirects, chart embeds and the 404 page."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    wrong = []
    for path in pages:
        head = _Head()
        head.feed(path.read_text(encoding="utf-8"))
        name = path.relative_to(built_site).as_posix()
        if head.policy != csp.POLICY or head.order[0] != "policy":
            wrong.append(f"{name}: policy {head.policy!r} at {head.order[:3]}")
        if head.inline_scripts or head.handlers:
            wrong.append(f"{name}: {head.inline_scripts} inline scripts, handlers {head.handlers}")
    assert wrong == []


# --- a hostile site in Chromium ----------------------------------------------------

def _poison_registries(data: Path) -> list[str]:
    """Every name in the registries carries a payload; returns the names as written."""
    names = []
    for file, key, fields in (("organisations.yaml", "organisations", ("name", "short_name")),
                              ("municipalities.yaml", "municipalities", ("name",)),
                              ("themes.yaml", "themes", ("name", "description"))):
        loaded = yaml.safe_load((data / file).read_text(encoding="utf-8"))
        for i, entry in enumerate(loaded[key]):
            for field in fields:
                entry[field] = f"{entry[field]} {PAYLOADS[i % len(PAYLOADS)]}"
                names.append(entry[field])
        (data / file).write_text(yaml.safe_dump(loaded, allow_unicode=True), encoding="utf-8")
    return names


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, list[str]]]:
    from generator.pipeline import Settings, build

    root = make_project(tmp_path_factory.mktemp("hostile-names"), FIXTURE_CORPUS)
    names = _poison_registries(root / "data")
    for path in (root / "data/testdorp").glob("*.yaml"):
        data, _ = _poison(yaml.safe_load(path.read_text(encoding="utf-8")), ALL_PAYLOADS)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(Settings(root), root / "site")
    with serving(root / "site") as url:
        yield url, root / "site", names


@pytest.fixture
def watched(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A page that records every dialog (and dismisses it) and what its policy refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


INJECTED = "#site-search-ui img, #site-search-ui script, #site-search-ui svg:not(.pagefind-ui__search-clear svg), article script, article img"


def _open_search(pg: Any) -> None:
    pg.click(".site-search__toggle")
    pg.locator("#site-search-ui .pagefind-ui__filter-panel").wait_for(state="attached", timeout=10000)
    pg.locator("#site-search-ui .pagefind-ui__filter-label").first.wait_for(state="attached", timeout=10000)


@pytest.mark.slow
@pytest.mark.browser
def test_no_payload_runs_on_any_page_of_the_hostile_site(watched, hostile_site) -> None:  # type: ignore[no-untyped-def]
    base, site, _ = hostile_site
    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
                   if "downloads" not in p.parts)
    pages = ["" if p == "./" else p for p in pages]
    assert len(pages) > 10
    for path in pages:
        watched.goto(base + path)
        watched.wait_for_load_state("networkidle")
    assert watched.dialogs == []
    assert csp_violations(watched) == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "gemeenten/testdorp/", "gemeenten/testdorp/prestatieafspraken-2024/"])
def test_the_search_panel_shows_names_as_text(watched, hostile_site, path: str) -> None:  # type: ignore[no-untyped-def]
    """Pagefind's UI puts filter values in as HTML: opened, with no query and with one,
    the panel runs nothing, inserts no element and shows every name as written."""
    base, _, names = hostile_site
    watched.goto(base + path)
    watched.wait_for_load_state("networkidle")
    _open_search(watched)
    watched.wait_for_timeout(500)
    labels = [re.sub(r"\s*\(\d+\)$", "", t.strip())
              for t in watched.locator("#site-search-ui .pagefind-ui__filter-label").all_inner_texts()]
    shown = [n for n in names if n in labels]
    assert shown, labels  # names from the registries are filter values
    assert all(label in names or re.fullmatch(r"\d{4}|[A-Z][a-z]+( afspraken)?|[A-Z][a-z]+afspraken", label)
               for label in labels), labels
    watched.locator("#site-search-ui input.pagefind-ui__search-input").fill("vet")
    watched.locator("#site-search-ui .pagefind-ui__result").first.wait_for(timeout=10000)
    watched.wait_for_timeout(500)
    assert watched.dialogs == []
    assert watched.locator(INJECTED).count() == 0
    assert watched.locator("#site-search-ui b").count() == 0  # &lt;b&gt; stays text
    assert csp_violations(watched) == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_policy_stops_an_escaping_mistake(watched, hostile_site) -> None:  # type: ignore[no-untyped-def]
    """Markup that got through (here put in as HTML on purpose) runs no script."""
    base, _, _ = hostile_site
    watched.goto(base + "gemeenten/testdorp/")
    watched.wait_for_load_state("networkidle")
    watched.evaluate("""() => { document.querySelector('article').insertAdjacentHTML('beforeend',
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)" id="js-link">x</a>');
        const s = document.createElement('script'); s.textContent = 'alert(3)'; document.body.append(s); }""")
    watched.click("#js-link")
    watched.wait_for_timeout(500)
    assert watched.dialogs == []
    refused = csp_violations(watched)
    assert any(v.startswith("script-src") for v in refused), refused
