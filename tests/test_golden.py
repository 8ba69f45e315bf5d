# Golden output: the Markdown tree generated from the fixture corpus, compared
# file by file with tests/golden/. After an intended change to the templates,
# regenerate with `UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and
# review the diff like any other change.
from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.pipeline import Settings, generate

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"


def test_generated_markdown_matches_the_golden_tree(corpus_dir: Path) -> None:
    root = corpus_dir.parent
    shutil.copytree(ROOT / "content", root / "content")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    generated = generate(Settings(root))
    pages = {path: data for path, data in generated.files.items()
             if path.endswith(".md") or path.startswith("downloads/")}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, data in pages.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes()
                for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(expected)
    for path, data in pages.items():
        if path.endswith(".xlsx"):  # a zip archive: the same bytes
            assert data == expected[path], path
        else:
            assert data.decode("utf-8") == expected[path].decode("utf-8"), path
