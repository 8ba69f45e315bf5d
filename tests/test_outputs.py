# The generator's outputs are produced by tasks in worker processes (outputs.py). The
# files must be the same as when the tasks run one after the other, two tasks may
# never write the same file, and files of an earlier run that no task writes go.
from __future__ import annotations

from pathlib import Path

import pytest

from generator import outputs, pipeline
from generator.errors import OutputConflict
from generator.pipeline import Settings, generate
from generator.write import remove_stale
from tests.conftest import make_project

FIXTURE = Path(__file__).parent / "fixtures" / "corpus"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "cache" not in p.relative_to(root).parts and p.name != ".lock"}


def test_workers_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://example.org/afspraken/")  # the share images too
    built = {}
    for name, threshold in (("one", 10**9), ("workers", 1)):
        monkeypatch.setattr(outputs, "PARALLEL_DOCUMENTS", threshold)
        project = make_project(tmp_path / name, FIXTURE)
        generated = generate(Settings(project))
        built[name] = tree(project / "build")
        # The caller (tests, `generate`) still gets every file written into build/docs.
        assert {path.removeprefix("docs/") for path in built[name] if path.startswith("docs/")} \
            <= set(generated.files)
    assert built["workers"].keys() == built["one"].keys()
    for path, data in built["one"].items():
        assert built["workers"][path] == data, path
    assert any(path.endswith(".png") for path in built["one"])


def test_two_tasks_writing_one_file_is_an_error(tmp_path: Path) -> None:
    tasks = [outputs.Task(name, lambda: {"a/b.md": b"x"}, tmp_path) for name in ("first", "second")]
    with pytest.raises(OutputConflict, match=r"a/b\.md.*first.*second"):
        outputs.run_tasks(tasks, parallel=True, keep=False)


def test_files_no_task_wrote_are_removed_and_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "old").mkdir(parents=True)
    (docs / "old" / "gone.md").write_text("earlier run")
    (docs / "kept.md").write_text("same")
    written = outputs.run_tasks([outputs.Task("t", lambda: {"kept.md": b"same", "new.md": b"n"}, docs)],
                                parallel=False, keep=False)
    assert written.changed == ["new.md"]  # an unchanged file is not rewritten
    assert remove_stale(docs, written.paths[docs]) == ["old/gone.md"]
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")) == ["kept.md", "new.md"]


def test_the_builds_generator_ends_before_the_builder_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `build` runs the generator (pipeline.GeneratorApart, in a child holding the
    corpus), the child ends once everything the builder reads is written, without
    waiting for the builder: it hands over the share images' cards, which build() draws
    while the builder runs, so no process holds the corpus beside the builder."""
    monkeypatch.setenv("SITE_URL", "https://example.org/afspraken/")
    project = make_project(tmp_path / "project", FIXTURE)
    settings = Settings(project)
    generator = pipeline.GeneratorApart(settings)
    try:
        handed_over = generator.ready()
        built = generator.finish()  # nothing said to it since ready(): it ended by itself
    finally:
        generator.stop()
    docs = project / "build" / "docs"
    assert handed_over.cards and not any(docs.rglob("*.png"))  # not drawn by the child
    assert built.files == len(pipeline.list_tree(docs)[0]) + len(handed_over.cards) \
        + len(pipeline.list_tree(settings.previews_dir)[0]) - 1  # but for the previews' manifest
    images = pipeline.draw_images(settings, handed_over.cards)
    assert sorted(images) == sorted(path for path, _ in handed_over.cards)
    assert all(data.startswith(b"\x89PNG") for data in images.values())
