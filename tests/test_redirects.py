# Links that last: data/redirects.yaml is checked with the rest of
# data/ (targets exist, no chains, no loops, no page hidden), and each redirect
# becomes a static page at the old URL that leads to the new one, keeping the
# #anchor of a permalink.
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import model as m
from generator import urls
from generator.errors import DataError
from generator.redirects import render_redirect, render_redirects
from generator.validate import load_corpus

DOC = "gemeenten/testdorp/prestatieafspraken-2026/"


def _write(data: Path, entries: str) -> None:
    (data / "redirects.yaml").write_text(f"redirects:\n{entries}", encoding="utf-8")


def _problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_corpus(data, data.parent)
    return [str(d) for d in caught.value.diagnostics]


def test_valid_redirects_are_loaded(corpus_dir: Path) -> None:
    _write(corpus_dir, f"  - {{from: gemeenten/testdorp/oud/, to: {DOC}}}\n")
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    assert corpus.redirects == [m.Redirect(old="gemeenten/testdorp/oud/", to=DOC)]


def test_without_the_file_there_are_no_redirects(corpus_dir: Path) -> None:
    assert load_corpus(corpus_dir, corpus_dir.parent).redirects == []


@pytest.mark.parametrize(("entries", "message"), [
    ("  - {from: gemeenten/testdorp/oud/, to: gemeenten/testdorp/bestaat-niet/}\n",
     "redirects.yaml:2:41: redirects[0].to: 'gemeenten/testdorp/bestaat-niet/' is no page"),
    (f"  - {{from: gemeenten/testdorp/a/, to: gemeenten/testdorp/b/}}\n"
     f"  - {{from: gemeenten/testdorp/b/, to: {DOC}}}\n",
     "redirects[0].to: 'gemeenten/testdorp/b/' is redirected itself"),
    ("  - {from: gemeenten/testdorp/a/, to: gemeenten/testdorp/b/}\n"
     "  - {from: gemeenten/testdorp/b/, to: gemeenten/testdorp/a/}\n",
     "redirects[1].to: 'gemeenten/testdorp/a/' is redirected itself"),
    ("  - {from: gemeenten/testdorp/a/, to: gemeenten/testdorp/a/}\n",
     "redirects[0].to: a redirect cannot lead to itself"),
    (f"  - {{from: {DOC}, to: gemeenten/testdorp/}}\n",
     f"redirects[0].from: '{DOC}' is a page of the site"),
    (f"  - {{from: gemeenten/testdorp/oud/, to: {DOC}}}\n"
     f"  - {{from: gemeenten/testdorp/oud/, to: {DOC}}}\n",
     "redirects[1].from: 'gemeenten/testdorp/oud/' is redirected twice"),
    ("  - {from: /gemeenten/testdorp/oud, to: gemeenten/testdorp/}\n",
     "redirects[0].from"),
    ("  - {from: concreetheid/, to: gemeenten/testdorp/}\n",
     "redirects[0].from: 'concreetheid/' is a page of the site"),
    ("  - {from: vergelijken/, to: gemeenten/testdorp/}\n",
     "redirects[0].from: 'vergelijken/' is a page of the site"),
    ("  - {from: afspraak/testdorp/, to: gemeenten/testdorp/}\n",
     "redirects[0].from: 'afspraak/testdorp/' lies in afspraak/, the directory of the "
     "commitments' preview pages"),
])
def test_bad_redirects_are_reported_with_their_place(corpus_dir: Path, entries: str,
                                                     message: str) -> None:
    _write(corpus_dir, entries)
    problems = _problems(corpus_dir)
    assert any(message in p for p in problems), problems
    assert all(p.startswith("data/redirects.yaml:") for p in problems)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.anchors: list[str] = []
        self.forward = ""
        self.scripts: list[str] = []
        self.inline_script = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "http-equiv" in a):
            self.meta[a.get("name") or a["http-equiv"]] = a["content"]
        elif tag == "link":
            self.links[a["rel"]] = a["href"]
        elif tag == "a":
            self.anchors.append(a["href"])
        elif tag == "html":
            self.forward = a.get("data-forward", "")
        elif tag == "script":
            self.scripts.append(a.get("src", ""))
        self._in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_script += data

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_a_redirect_page_leads_to_the_new_url_and_keeps_the_anchor() -> None:
    redirect = m.Redirect(old="gemeenten/testdorp/oud/", to=DOC)
    page = _Page()
    page.feed(render_redirect(redirect).decode("utf-8"))
    target = "../../../" + DOC
    # Every way out, resolved from the old URL, is the new URL.
    assert posixpath.normpath(posixpath.join(redirect.old, target)) + "/" == DOC
    assert page.meta["refresh"] == f"0; url={target}"
    assert page.meta["robots"] == "noindex"
    assert page.links["canonical"] == target and page.anchors == [target]
    # forward.js sends the reader on, with the #anchor the old URL was opened with;
    # no inline script (the Content Security Policy would refuse it).
    assert page.forward == target and page.inline_script.strip() == ""
    assert page.scripts == ["../../../assets/javascripts/forward.js"]
    assert "script-src 'self'" in page.meta["Content-Security-Policy"]
    assert list(render_redirects([redirect])) == [urls.redirect_page(redirect.old)]
    assert urls.redirect_page(redirect.old) == "gemeenten/testdorp/oud/index.html"
