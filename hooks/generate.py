# MkDocs hook: the only bridge between MkDocs and the generator. It runs the
# generator before each build (so `mkdocs serve` shows a data edit at once),
# reads the navigation the generator planned, hands each page its search
# metadata (build/search.json), passes the pages the generator wrote as HTML
# through without Markdown (build/toc.json) and watches data/, content/ and the templates.
# Under `python -m generator serve` (hooks/serve.py, which generates itself) a data
# error does not stop the preview: the last good tree is served with the error shown
# on every page.
# Everything else lives in the generator, which never imports MkDocs.
from __future__ import annotations

import html
import json
import logging
import os
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:  # ProperDocs (generator/pipeline.py BUILDER) reports its own PluginError as a message
    from properdocs.exceptions import PluginError
    from properdocs.structure.toc import get_toc
except ImportError:  # MkDocs 1.6
    from mkdocs.exceptions import PluginError  # type: ignore[assignment]
    from mkdocs.structure.toc import get_toc  # type: ignore[assignment]

from generator import csp  # noqa: E402
from generator.errors import GeneratorError  # noqa: E402
from generator.pipeline import FILES_LINKED_ENV, SERVE_ENV, Settings, generate  # noqa: E402

SETTINGS = Settings(ROOT)
LOG = logging.getLogger("mkdocs.hooks.generate")
# The data's problem while `serve` shows the last good tree (set by hooks/serve.py).
DATA_ERROR: list[str] = []


def on_config(config):  # type: ignore[no-untyped-def]
    serving = os.environ.get(SERVE_ENV) == "1"
    if os.environ.get("PRESTATIEAFSPRAKEN_PREGENERATED") != "1" or not SETTINGS.nav_file.exists():
        try:
            generate(SETTINGS, keep_files=False)
        except GeneratorError as exc:
            # Show the maintainer the same message as `python -m generator check`.
            raise PluginError(f"\n{exc}\n") from None
    config["nav"] = json.loads(SETTINGS.nav_file.read_text(encoding="utf-8"))
    # The theme prints the Content Security Policy (site_theme/main.html). Not while
    # serving: the builder's live reload is an inline script.
    config.setdefault("extra", {})["csp"] = None if serving else csp.POLICY
    return config


def on_files(files, config):  # type: ignore[no-untyped-def]
    """Point "edit this page" at the file a page comes from: its data file for a
    generated page, its Markdown in content/ for a hand-written one."""
    sources = json.loads(SETTINGS.sources_file.read_text(encoding="utf-8"))
    for file in files.documentation_pages():
        file.edit_uri = sources.get(file.src_uri) if config.get("repo_url") else None
    global SEARCH
    SEARCH = json.loads(SETTINGS.search_file.read_text(encoding="utf-8"))
    TOC.clear()
    if SETTINGS.toc_file.exists():
        TOC.update(json.loads(SETTINGS.toc_file.read_text(encoding="utf-8")))
    if os.environ.get(FILES_LINKED_ENV) == "1":
        # `python -m generator build` hard-links the other files of build/docs (downloads,
        # share images, chart embeds, feeds: tens of thousands nationally) into the site
        # after the builder; copying them was a third of the builder's time. They stay
        # in `files`, so links to them are still checked.
        docs = os.path.realpath(config["docs_dir"])
        real: dict[str, str] = {}  # every file of build/docs has the same src_dir: resolved once
        for file in files:
            if file.is_documentation_page():
                continue
            if file.src_dir not in real:
                real[file.src_dir] = os.path.realpath(file.src_dir)
            if real[file.src_dir] == docs:
                file.copy_file = types.MethodType(_not_copied, file)
    # Description, Open Graph type and feeds per page (generator/share.py).
    SHARE.clear()
    if SETTINGS.share_file.exists():
        SHARE.update(json.loads(SETTINGS.share_file.read_text(encoding="utf-8")))
    return files


def on_post_page(output, page, config):  # type: ignore[no-untyped-def]
    """While serving with a data error, put the error over every page."""
    if not DATA_ERROR:
        return output
    overlay = (
        '<div id="data-error" role="alert" style="position:fixed;inset:auto 0 0 0;z-index:1000;'
        'max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff0f0;'
        'color:#600;border-top:4px solid #c00;font:14px/1.5 monospace">'
        "<strong>The data has problems; this preview shows the last good version. "
        "Fix the files and save to reload.</strong>"
        f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{html.escape(DATA_ERROR[0])}</pre></div>'
    )
    head, sep, tail = output.rpartition("</body>")
    return f"{head}{overlay}{sep}{tail}" if sep else output + overlay


SEARCH: dict[str, dict] = {}  # type: ignore[type-arg]
TOC: dict[str, list] = {}  # type: ignore[type-arg]  # build/toc.json


def _render_html(page, config, files):  # type: ignore[no-untyped-def]
    """Page.render for a page the generator wrote as HTML: its body is the content as
    it stands (no Markdown), its table of contents the generator's."""
    page.content = page.markdown
    page.toc = get_toc(TOC[page.file.src_uri])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


# Material's navigation and table of contents ask every item for attributes that only
# some kinds of item have (a section's `is_index`, `meta`, `pages` and `typeset`, a
# page's `encrypted`). Jinja answers a missing one with Undefined, but only after
# two exceptions, and nationally that was three million lookups, a sixth of the
# builder's time. Given as None they print the same (both are false and the
# templates only test them); tests/test_site.py builds the site both ways.
_ASKED = ("is_index", "meta", "pages", "typeset", "encrypted")


def _give_asked(items: Iterable[Any]) -> None:
    for item in items:
        for name in _ASKED:
            if not hasattr(item, name):
                setattr(item, name, None)
        _give_asked(getattr(item, "children", None) or [])


def on_nav(nav, config, files):  # type: ignore[no-untyped-def]
    _give_asked(nav.items)
    return nav


def _not_copied(file, dirty=False):  # type: ignore[no-untyped-def]
    """File.copy_file for a file pipeline.build links into the site itself."""


def on_pre_page(page, config, files):  # type: ignore[no-untyped-def]
    if page.file.src_uri in TOC:
        page.render = types.MethodType(_render_html, page)
    return page
SHARE: dict[str, dict] = {}  # type: ignore[type-arg]  # build/share.json


def on_page_context(context, page, config, nav):  # type: ignore[no-untyped-def]
    """What search knows about a page (generator/search.py), printed as
    data-pagefind-* attributes by site_theme/main.html."""
    _give_asked(page.toc)  # the table of contents' entries, as the navigation's (on_nav)
    page.meta["search"] = SEARCH.get(page.file.src_uri, {"index": True})
    # Material prints page.meta.description as <meta name="description">;
    # main.html prints the rest (Open Graph, Twitter, feeds). Front matter wins.
    share = SHARE.get(page.file.src_uri)
    if share:
        page.meta.setdefault("description", share["description"])
        page.meta["share"] = share
    return context


def on_serve(server, config, builder):  # type: ignore[no-untyped-def]
    # The generator's templates are watched where they are: in this checkout, or in
    # the installed package when the project root holds only data and content.
    templates = Path(sys.modules["generator"].__file__ or "").parent / "templates"
    for path in (SETTINGS.data_dir, SETTINGS.content_dir, templates):
        if path.is_dir():
            server.watch(str(path))
    return server
