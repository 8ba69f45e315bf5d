"""`serve`'s quick pages (generator/preview.py): after an edit to a document, its pages
and its municipality's are rendered from the corpus the last whole generation left,
before the whole generation runs again. They must be that generation's pages, byte
for byte (the reload that follows changes nothing on them), and every edit the quick
step cannot vouch for is left to the whole generation, with nothing written."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import urls
from generator.pipeline import Settings, generate
from generator.preview import EDITED_AT_MOST, Preview

from .conftest import make_project
from .test_bench import load_bench

pytestmark = pytest.mark.slow
WORD = "gewijzigd"


def _project(tmp_path: Path, municipalities: int = 3) -> Path:
    root = make_project(tmp_path / "project")
    load_bench().write_corpus(root, municipalities)
    return root


def _whole(settings: Settings, preview: Preview) -> list[str]:
    """The whole generation, as `serve` runs it after the quick pages; what it changed."""
    read = preview.before_whole_run()
    generated = generate(settings, keep_files=False)
    preview.after_whole_run(generated.corpus, read)
    return generated.changed


def _preview(root: Path) -> tuple[Settings, Preview]:
    settings = Settings(root)
    preview = Preview(settings.root, settings.data_dir, settings.content_dir, settings.docs_dir,
                      settings.build_dir, settings.cache_dir)
    _whole(settings, preview)
    return settings, preview


def _edited(text: str) -> str:
    """A word added to the document's first chapter title and its first commitment."""
    bench = load_bench()
    doc: dict[str, Any] = yaml.safe_load(text)
    doc["chapters"][0]["title"] = f"{doc['chapters'][0]['title']} {WORD}"
    commitment = bench.first_commitment(doc["chapters"])
    if commitment is not None:
        commitment["text"] = f"{str(commitment['text']).rstrip()} {WORD}"
    return str(bench.dump_document(doc))


def _page(settings: Settings, path: str) -> str:
    ref = Path(path).relative_to(settings.data_dir)
    return f"{urls.GEMEENTEN}/{ref.parent.as_posix()}/{ref.stem}.md"


def _tree(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in directory.rglob("*") if p.is_file()}


def test_the_quick_pages_are_the_whole_generations(tmp_path: Path) -> None:
    settings, preview = _preview(_project(tmp_path))
    documents = sorted(settings.data_dir.glob("*/*.yaml"))
    assert len(documents) > 6
    for path in documents[:: len(documents) // 6]:
        before = path.read_text(encoding="utf-8")
        try:
            path.write_text(_edited(before), encoding="utf-8")
            quick = preview.quick()
            assert quick is not None, f"{path}: left to the whole generation"
            page = _page(settings, str(path))
            assert page in quick.changed
            assert WORD in (settings.docs_dir / page).read_text(encoding="utf-8")
            shown = {p: (settings.docs_dir / p).read_bytes() for p in quick.tocs}
            _whole(settings, preview)
            assert {p: (settings.docs_dir / p).read_bytes() for p in quick.tocs} == shown, path
            tocs = json.loads(settings.toc_file.read_text(encoding="utf-8"))
            assert {p: tocs[p] for p in quick.tocs} == json.loads(json.dumps(quick.tocs)), path
        finally:
            path.write_text(before, encoding="utf-8")
        _whole(settings, preview)


def test_what_the_quick_step_cannot_vouch_for_is_left_to_the_whole_generation(tmp_path: Path) -> None:
    settings, preview = _preview(_project(tmp_path, 2))
    path = sorted(settings.data_dir.glob("*/*.yaml"))[1]
    before = path.read_text(encoding="utf-8")
    assert preview.quick() is None  # nothing edited
    registry = settings.data_dir / "organisations.yaml"
    registry_text = registry.read_text(encoding="utf-8")
    doc = yaml.safe_load(before)
    retitled = {**doc, "title": f"{doc['title']} {WORD}"}
    mistaken = {**doc, "kind": "yearlyy"}
    edits = {
        "a registry": lambda: registry.write_text(registry_text + "\n", encoding="utf-8"),
        "a file added": lambda: (settings.data_dir / "README.md").write_text("Notities\n", encoding="utf-8"),
        "a title (the navigation shows it)": lambda: path.write_text(
            load_bench().dump_document(retitled), encoding="utf-8"),
        "a problem": lambda: path.write_text(load_bench().dump_document(mistaken), encoding="utf-8"),
    }
    others = sorted(settings.data_dir.glob("*/*.yaml"))
    texts = {other: other.read_text(encoding="utf-8") for other in others}

    def many() -> None:  # a `git pull`: the whole generation makes them all anyway
        for other in others[:EDITED_AT_MOST + 1]:
            other.write_text(_edited(texts[other]), encoding="utf-8")

    edits["more documents at once than an edit changes"] = many
    for what, edit in edits.items():
        tree = _tree(settings.docs_dir)
        edit()
        try:
            assert preview.quick() is None, what
            assert _tree(settings.docs_dir) == tree, f"{what}: written all the same"
        finally:
            for other, text in texts.items():
                other.write_text(text, encoding="utf-8")
            registry.write_text(registry_text, encoding="utf-8")
            (settings.data_dir / "README.md").unlink(missing_ok=True)
        _whole(settings, preview)
    # ... and an edit it can vouch for, after all that, is quick again.
    path.write_text(_edited(before), encoding="utf-8")
    assert preview.quick() is not None
