# MkDocs hook for building on the last build (generator/incremental.py). There the
# site directory starts as a hard-linked copy of the published site and the builder
# runs with --dirty: it renders a page again only when its Markdown is newer than
# its HTML, and copies a file only when the source is newer. This hook makes that
# exact: it unlinks every output the builder is about to write (it writes in place,
# which would change the published file through the link), gives the pages it does
# not render the titles they had (other pages show them in the navigation), and
# removes outputs whose source is gone. In every build it records the titles.
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.incremental import INCREMENTAL_ENV, TITLE_CHANGED, TITLES_FILE

try:  # as hooks/generate.py
    from properdocs.exceptions import PluginError
except ImportError:  # MkDocs 1.6
    from mkdocs.exceptions import PluginError  # type: ignore[assignment]

FILES: list = []  # type: ignore[type-arg]  # this build's files (on_files)


def _incremental() -> bool:
    return os.environ.get(INCREMENTAL_ENV) == "1"


class _KnownDirty(logging.Filter):
    """The builder warns on every --dirty build that links may be stale; here the
    navigation is unchanged (the fingerprint), so under --strict that warning
    must not fail the build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_config(config):  # type: ignore[no-untyped-def]
    if _incremental():
        for name in ("properdocs.commands.build", "mkdocs.commands.build"):
            logging.getLogger(name).addFilter(_KnownDirty())
    return config


def _always_written(config) -> list[str]:  # type: ignore[no-untyped-def]
    names = sorted(config.theme.static_templates)
    return [*names, *(f"{name}.gz" for name in names if name == "sitemap.xml")]


def on_files(files, config):  # type: ignore[no-untyped-def]
    FILES[:] = list(files)
    if _incremental():
        site = Path(config.site_dir)
        # Only pages: `build` links every other file of build/docs into the site itself
        # (hooks/generate.py: the builder copies none of them), replacing what is there;
        # asking each of the tens of thousands of them took a second nationally.
        doomed = [Path(f.abs_dest_path) for f in files.documentation_pages() if f.is_modified()]
        doomed += [site / name for name in _always_written(config)]
        doomed += [Path(f.abs_dest_path) for name in config.extra_templates
                   if (f := files.get_file_from_path(name)) is not None]
        for path in doomed:
            path.unlink(missing_ok=True)
    return files


NAV_PAGES: set[str] = set()


def on_nav(nav, config, files):  # type: ignore[no-untyped-def]
    NAV_PAGES.clear()
    NAV_PAGES.update(page.file.src_uri for page in nav.pages)
    return nav


def on_env(env, config, files):  # type: ignore[no-untyped-def]
    """Every page exists by now and none is written yet: a page that is not rendered
    again gets the title it had, as other pages print it. A page in the navigation
    whose title changed is on pages that are not rendered again: the build stops, and
    generator/pipeline.py builds from scratch."""
    if _incremental():
        titles = json.loads((Path(config.site_dir) / TITLES_FILE).read_text(encoding="utf-8"))
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            if page.markdown is None and "title" not in vars(page):
                page.title = titles.get(file.src_uri)
            elif file.src_uri in NAV_PAGES and titles.get(file.src_uri, page.title) != page.title:
                raise PluginError(f"{TITLE_CHANGED}: {file.src_uri}")
    return env


def on_post_build(config):  # type: ignore[no-untyped-def]
    site = Path(config.site_dir)
    pages = [f for f in FILES if f.is_documentation_page() and f.page is not None]
    titles = {f.src_uri: f.page.title for f in pages}
    if _incremental():
        # What a clean build would hold; anything else came with the copy and lost its source.
        wanted = {os.path.normpath(f.abs_dest_path) for f in FILES}
        wanted |= {os.path.normpath(site / name) for name in _always_written(config)}
        for top in os.listdir(site):  # hidden ones are the generator's, as for --clean
            if top.startswith("."):
                continue
            if os.path.isfile(site / top) and os.path.normpath(site / top) not in wanted:
                os.unlink(site / top)
            for folder, _, names in os.walk(site / top, topdown=False):
                for name in names:
                    path = os.path.join(folder, name)
                    if os.path.normpath(path) not in wanted:
                        os.unlink(path)
                if not os.listdir(folder):
                    os.rmdir(folder)
    (site / TITLES_FILE).unlink(missing_ok=True)  # a link into the published site
    (site / TITLES_FILE).write_text(json.dumps(titles, ensure_ascii=False, sort_keys=True, indent=0)
                                    + "\n", encoding="utf-8")
