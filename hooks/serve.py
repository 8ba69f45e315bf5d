# `python -m generator serve` runs this (not a hook: the builder's side of the preview).
# It is the builder's live-reload server (the one `properdocs serve` runs), with a
# build that does only what an edit needs. The builder's own serve loop read every
# file, planned the navigation of every page and asked each page whether it changed,
# on every save; at national size that alone took seconds, after half a minute of
# generating. Here, after a document is saved:
#
# 1. generator/preview.py renders that document's pages (and its municipality's) and
#    only these pages go through the theme again: the browser reloads showing the
#    edit, nationally in about two seconds;
# 2. then the whole generation runs (as `build` runs it) and the pages and files it
#    changed go through the theme again, the same way: overviews, themes and
#    organisations, downloads, search data. A problem in the data is shown over every
#    page then, as before.
#
# The builder passes over the whole site (its files, its navigation) only when the
# set of pages or the navigation changed, the data's problem appeared or went, or the
# theme or mkdocs.yml was edited. Everything about what to generate lives in the
# generator; this file only drives the builder, the one place besides the hooks that
# may import it.
from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import watchdog.events  # noqa: E402  (the builder's own dependency, for its live reload)

# The builder generator/pipeline.py runs (BUILDER).
from properdocs.commands import build as builder  # noqa: E402
from properdocs.config import load_config  # noqa: E402
from properdocs.livereload import LiveReloadServer  # noqa: E402
from properdocs.plugins import BasePlugin  # noqa: E402
from properdocs.structure.files import InclusionLevel  # noqa: E402

from generator.errors import DataError  # noqa: E402
from generator.pipeline import GenerationApart, Settings  # noqa: E402
from generator.preview import Preview  # noqa: E402
from generator.validate import Corpus, load_corpus  # noqa: E402

SETTINGS = Settings(ROOT)
LOG = logging.getLogger("mkdocs.serve")


class Kept(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """What the builder's last pass over the whole site made: its files, navigation
    and template environment, which a page rendered again on its own needs."""

    files: Any = None
    nav: Any = None
    env: Any = None

    def on_files(self, files, config):  # type: ignore[no-untyped-def]
        self.files = files
        return files

    def on_nav(self, nav, config, files):  # type: ignore[no-untyped-def]
        self.nav = nav
        return nav

    def on_env(self, env, config, files):  # type: ignore[no-untyped-def]
        self.env = env
        return env


class Server(LiveReloadServer):
    """The live-reload server, told which files changed, and able to ask for one more
    build (the whole generation after the quick pages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.touched: set[str] = set()
        self._touched_lock = threading.Lock()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """The builder's watch (a change asks for a build), and which file it was."""
        super().watch(path, func, recursive=recursive)

        def record(event: watchdog.events.FileSystemEvent) -> None:
            if not event.is_directory:
                with self._touched_lock:
                    self.touched.add(os.fsdecode(event.src_path))

        recorder = watchdog.events.FileSystemEventHandler()
        recorder.on_any_event = record  # type: ignore[method-assign]
        self.observer.schedule(recorder, os.path.abspath(path), recursive=recursive)

    def build_again(self) -> None:
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def take_touched(self) -> set[str]:
        with self._touched_lock:
            touched, self.touched = self.touched, set()
        return touched


class Session:
    def __init__(self, addr: str) -> None:
        # The generation is this session's (below), not the hook's at each pass.
        os.environ["PRESTATIEAFSPRAKEN_PREGENERATED"] = "1"
        self.site_dir = tempfile.mkdtemp(prefix="prestatieafspraken-serve-")
        self.addr = addr
        self.kept = Kept()
        self.hook: Any = None
        self.config = self._load_config()
        host, port = self.config.dev_addr
        self.preview = Preview(SETTINGS.root, SETTINGS.data_dir, SETTINGS.content_dir,
                               SETTINGS.docs_dir, SETTINGS.build_dir, SETTINGS.cache_dir)
        self.whole_owed = True  # the whole generation is due (at the start: nothing is built)
        self.passed = False  # the builder passed over the whole site since it started or the theme changed
        self.theme_changed = False
        self.server = Server(builder=self.build, host=host, port=port, root=self.site_dir)
        self.server.error_handler = self._error_page
        # The theme's overrides (site_theme/): the builder's own theme is not edited here.
        custom = self.config.theme.custom_dir
        self.theme_dirs = [os.path.abspath(custom)] if custom else []

    def _load_config(self) -> Any:
        SETTINGS.docs_dir.mkdir(parents=True, exist_ok=True)  # the builder checks it is there
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=self.site_dir, dev_addr=self.addr,
                             strict=False)
        config.plugins["prestatieafspraken-serve"] = self.kept  # after the hooks
        host, port = config.dev_addr
        config.site_url = f"http://{host}:{port}/"
        # The hook's state (the data's problem shown over every page) is this session's.
        hook = next(module for name, module in config["hooks"].items()
                    if name.replace("\\", "/").endswith("generate.py"))
        if self.hook is not None:
            hook.DATA_ERROR[:] = self.hook.DATA_ERROR
        self.hook = hook
        return config

    def _error_page(self, code: int) -> bytes | None:
        page = Path(self.site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    def build(self) -> None:
        started = time.perf_counter()
        touched = self.server.take_touched()
        outside = [p for p in touched if not p.startswith(str(SETTINGS.data_dir) + os.sep)]
        if any(p == self.config.config_file_path or any(p.startswith(d + os.sep) for d in self.theme_dirs)
               for p in outside):
            self.whole_owed = self.theme_changed = True
        if not self.whole_owed and not outside:
            try:
                quick = self.preview.quick()
            except Exception as exc:
                LOG.warning("rendering the edited document's pages first failed (%s); "
                            "generating the whole site", exc)
                quick = None
            if quick is not None:
                self.hook.TOC.update(quick.tocs)
                if self._render_again(quick.changed, []):
                    LOG.info("the edited document's pages in %.1f s; the rest of the site follows",
                             time.perf_counter() - started)
                    self.whole_owed = True
                    self.server.build_again()
                    return
        self.whole_owed = False
        self._whole()
        LOG.info("the site is up to date (%.1f s)", time.perf_counter() - started)

    def _whole(self) -> None:
        nav_before = _read(SETTINGS.nav_file)
        read = self.preview.before_whole_run()
        error_before = list(self.hook.DATA_ERROR)
        # Share images: no page of the preview shows them; `build` draws them all.
        generation = GenerationApart(SETTINGS, share_images=False)
        try:
            corpus = _corpus()  # meanwhile, for the next edit
            changed = generation.changed()
        except DataError as exc:
            self.preview.after_whole_run(None, read)
            if not SETTINGS.nav_file.exists():
                raise SystemExit(str(exc)) from None
            LOG.error("the data has problems; serving the last good version:\n%s", exc)
            self.hook.DATA_ERROR[:] = [str(exc)]
            if error_before != self.hook.DATA_ERROR or self.theme_changed or not self.passed:
                self._pass_over_everything(every_page=True)
            return
        finally:
            generation.stop()
        self.preview.after_whole_run(corpus, read)
        self.hook.DATA_ERROR.clear()
        # A document added, removed or retitled is in the navigation, which every page
        # shows; so are the data's problem and the theme.
        nav_changed = _read(SETTINGS.nav_file) != nav_before
        if error_before or self.theme_changed or nav_changed or not self.passed:
            self._pass_over_everything(every_page=bool(error_before) or self.theme_changed
                                       or (nav_changed and self.passed))
            return
        pages = [p for p in changed if p.endswith(".md")]
        others = [p for p in changed if not p.endswith(".md")]
        LOG.info("generated the site again (%d files changed); through the theme: %d pages",
                 len(changed), len(pages))
        # What each page's search data, description and table of contents say.
        self.config.plugins.on_files(self.kept.files, config=self.config)
        if not self._render_again(pages, others):
            self._pass_over_everything(every_page=False)

    def _pass_over_everything(self, every_page: bool) -> None:
        """The builder's pass over the whole site; with every_page, every page is
        rendered again (what every page shows changed), else those whose file did."""
        if every_page:
            now = time.time()
            for page in SETTINGS.docs_dir.rglob("*.md"):
                os.utime(page, (now, now))
        if self.theme_changed:  # the theme's files and mkdocs.yml as they are now
            self.config = self._load_config()
        builder.build(self.config, serve_url=self.config.site_url, dirty=True)
        self.passed, self.theme_changed = True, False

    def _render_again(self, pages: list[str], others: list[str]) -> bool:
        """Pages of build/docs through the theme again, and other files copied again,
        on the files and navigation of the last pass; False (nothing done) when one is
        not part of them or a page's title changed (others show it): a whole pass then."""
        files = self.kept.files
        if files is None or not self.passed:
            return False
        copied = []
        for path in others:
            file = files.get_file_from_path(path)
            there = (SETTINGS.docs_dir / path).is_file()
            if file is None and not there:
                continue  # not the builder's: a link preview (build() links them into the site)
            if file is None or not there:
                return False  # a file added or removed
            copied.append(file)
        rendered = [files.get_file_from_path(p) for p in pages]
        if any(f is None or f.page is None or not os.path.isfile(f.abs_src_path) for f in rendered):
            return False
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in rendered:
            page = file.page
            title = page.title
            builder._populate_page(page, self.config, files)
            if page.title != title:
                return False
            builder._build_page(page, self.config, doc_files, self.kept.nav, self.kept.env)
        for file in copied:
            file.copy_file()
        return True

    def serve(self) -> None:
        try:
            self.build()
            for path in (SETTINGS.data_dir, SETTINGS.content_dir, _templates(),
                         Path(self.config.config_file_path), *map(Path, self.theme_dirs)):
                if path.exists():
                    self.server.watch(str(path))
            self.server.serve()  # type: ignore[no-untyped-call]
            while self.server.serve_thread.is_alive():
                self.server.serve_thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.server.shutdown()
            shutil.rmtree(self.site_dir, ignore_errors=True)


def _corpus() -> Corpus | None:
    """The corpus as data/ is now, read beside the generation (its cache of read files
    is made for two runs at once), or None when the data has problems (the generation
    reports them)."""
    try:
        return load_corpus(SETTINGS.data_dir, SETTINGS.root, SETTINGS.cache_dir)
    except DataError:
        return None


def _templates() -> Path:
    """The generator's templates, where the generator is imported from."""
    return Path(sys.modules["generator"].__file__ or "").parent / "templates"


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addr", default="127.0.0.1:8000")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    # Ended by a signal as by Ctrl-C: the preview's temporary site is removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    Session(args.addr).serve()


if __name__ == "__main__":
    main()
