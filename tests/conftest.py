# Shared fixtures: the project root, a copy of the small fixture corpus that a
# test may edit, and (session-scoped) the real site built once from data/.
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/corpus laid out as <root>/data."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_CORPUS, data)
    return data


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site built from the bundled data/ with a strict MkDocs build."""
    from generator.pipeline import Settings, build

    site = tmp_path_factory.mktemp("site") / "site"
    build(Settings(ROOT), site)
    return site
