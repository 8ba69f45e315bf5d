# Shared fixtures: the project root, a copy of the small fixture corpus that a
# test may edit, and (session-scoped) the real site built once from data/.
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def make_project(root: Path, data: Path | None = None) -> Path:
    """A project root around a data/ directory: the real content, theme, hook and
    config, and the installed front-end files (linked). With `data`, that corpus is
    copied in as data/ first."""
    if data is not None:
        shutil.copytree(data, root / "data")
    for name in ("content", "site_theme", "hooks"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1, as a reader gets it; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/corpus laid out as <root>/data."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CORPUS, data)
    return data


@pytest.fixture
def project(corpus_dir: Path) -> Path:
    """A project root around the fixture corpus, with the real content, theme and config."""
    return make_project(corpus_dir.parent)


# The address a publishing pipeline gives the site: a sub-path, as GitHub Pages
# serves a project's site.
SITE_URL = "https://example.org/prestatieafspraken/"


@pytest.fixture(scope="session")
def site_with_address(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture corpus built with SITE_URL set, as the Pages pipelines build it."""
    from generator.pipeline import Settings, build

    root = make_project(tmp_path_factory.mktemp("with-address"), FIXTURE_CORPUS)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_URL", SITE_URL)
        build(Settings(root), root / "site")
    return root / "site"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site built from the bundled data/ with a strict MkDocs build."""
    from generator.pipeline import Settings, build

    site = tmp_path_factory.mktemp("site") / "site"
    build(Settings(ROOT), site)
    return site
