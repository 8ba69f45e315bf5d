# Reading the data files in forked workers must give what reading them one after the
# other gives: the same corpus, the same cache, the same problems in the same order,
# also when a worker fails.
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from generator import cache, loading
from generator import model as m
from generator.errors import DataError
from generator.validate import Corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def load(data: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch,
         cache_dir: Path | None = None) -> Corpus | list[str]:
    with monkeypatch.context() as patch:
        if parallel:  # two workers beside this process, for every file
            patch.setattr(loading, "PARALLEL_BYTES", 0)
            patch.setattr(os, "cpu_count", lambda: 3)
            # Each file sent on its own: they arrive between this process's own files.
            patch.setattr(loading, "CHUNK_BYTES", 1)
        else:
            patch.setattr(loading, "PARALLEL_BYTES", float("inf"))
        try:
            return load_corpus(data, data.parent, cache_dir)
        except DataError as exc:
            return [str(d) for d in exc.diagnostics]


def entries(cache_dir: Path) -> object:
    folder = cache_dir / cache.DIRECTORY / cache.code_version()
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in folder.iterdir()}


def test_workers_read_what_this_process_reads(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = load(data, False, monkeypatch, data.parent / "alone")
    assert isinstance(alone, Corpus)
    assert load(data, True, monkeypatch) == alone
    assert load(data, True, monkeypatch, data.parent / "workers") == alone
    assert entries(data.parent / "workers") == entries(data.parent / "alone")
    assert load(data, True, monkeypatch, data.parent / "workers") == alone  # from the cache


def test_problems_found_by_workers_are_those_found_alone(data: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    documents = sorted(data.glob("*/*.yaml"))
    assert len(documents) >= 3
    first, middle, last = documents[0], documents[len(documents) // 2], documents[-1]
    second = documents[1]
    second.write_bytes(second.read_bytes().replace(b"\ntitle:", b"\ntitle: \xff", 1))  # not UTF-8
    first.write_text(first.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: [", 1),
                     encoding="utf-8")  # a syntax error
    middle.write_text(middle.read_text(encoding="utf-8") + "extra: yes\n",
                      encoding="utf-8")  # left to the careful reading, and refused there
    last.write_text(last.read_text(encoding="utf-8").replace("\nkind:", "\nkindd:", 1),
                    encoding="utf-8")  # read fast, refused by the model
    alone = load(data, False, monkeypatch)
    assert isinstance(alone, list) and len(alone) >= 4
    assert any("not UTF-8" in problem for problem in alone)
    assert load(data, True, monkeypatch) == alone
    assert load(data, True, monkeypatch, data.parent / "cache") == alone


@pytest.mark.parametrize("failure", ["stops", "raises", "raises after the first file"])
def test_a_worker_that_fails_leaves_its_files_to_this_process(
        data: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    alone = load(data, False, monkeypatch)
    encoded = [0]  # in each worker, its own count: a forked copy
    encode = loading.encode_entry

    def fail(entry: tuple[object, list[tuple[cache.PathKey, str, str]]]) -> str:
        encoded[0] += 1
        if failure == "raises" or encoded[0] > 1:
            raise ValueError("no")
        return encode(entry)

    if failure == "stops":
        monkeypatch.setattr(loading, "_worker", lambda *args: os._exit(1))
    else:  # in a worker only: without a cache, this process encodes nothing
        monkeypatch.setattr(loading, "encode_entry", fail)
    assert load(data, True, monkeypatch) == alone
    # With a cache, the entries a worker wrote before it failed are kept, the rest
    # are written here: the same entries as one process writes.
    assert load(data, True, monkeypatch, data.parent / "workers") == alone
    assert load(data, False, monkeypatch, data.parent / "alone") == alone
    assert entries(data.parent / "workers") == entries(data.parent / "alone")



def test_file_from_the_cache_is_the_file_read(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file found in the cache is not decoded and checked again, but its hash and
    the places in its problems are those of reading it, also with a byte order mark
    at its start (the hash tells a build which files changed)."""
    for document in sorted(data.glob("*/*.yaml"))[:3]:
        document.write_bytes(b"\xef\xbb\xbf" + document.read_bytes())
    cache_dir = data.parent / "cache"
    fresh = load(data, False, monkeypatch)
    assert isinstance(fresh, Corpus)
    assert load(data, False, monkeypatch, cache_dir) == fresh  # parsed, and cached
    assert load(data, False, monkeypatch, cache_dir) == fresh  # from the cache
    # Every organisation unknown: each document's parties reported at their places.
    (data / "organisations.yaml").write_text("organisations: []\n", encoding="utf-8")
    problems = load(data, False, monkeypatch)
    assert isinstance(problems, list) and any(":1:" not in problem for problem in problems)
    assert load(data, False, monkeypatch, cache_dir) == problems


def test_models_share_what_they_repeat(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded corpus holds each short text once and one set of given fields per kind
    of model (model.Model): nationally that was a fifth of its memory. A model still
    cannot be changed, so a shared set is never added to."""
    corpus = load(data, False, monkeypatch)
    assert isinstance(corpus, Corpus)
    groups = [g for doc in corpus.documents for ch in m.iter_chapters(doc.chapters) for g in ch.groups]
    commitments = [c for g in groups for c in g.commitments]
    sets: dict[frozenset[str], set[str]] = {}
    for commitment in commitments:
        fields = commitment.__pydantic_fields_set__
        assert sets.setdefault(frozenset(fields), fields) is fields
    assert len(sets) < len(commitments)
    actors: dict[str, str] = {}  # organisation ids, named by group after group
    for group in groups:
        for actor in group.actors:
            assert actors.setdefault(actor, actor) is actor
    assert len(actors) < sum(len(g.actors) for g in groups)
    with pytest.raises(ValidationError, match="frozen"):
        commitments[0].text = "changed"


@pytest.mark.parametrize("writer", ["writes", "fails"])
def test_entries_written_early_are_those_written_at_the_end(
        data: Path, monkeypatch: pytest.MonkeyPatch, writer: str) -> None:
    """The entries handed to a process of their own while the checks across files run
    are the entries written at the end; should that process fail, they are written
    at the end all the same."""
    alone = load(data, False, monkeypatch, data.parent / "alone")
    monkeypatch.setattr(cache, "EARLY_ENTRIES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    here = os.getpid()
    encode = cache.encode_entry

    def encode_here(entry: tuple[object, list[tuple[cache.PathKey, str, str]]]) -> str:
        if os.getpid() != here:
            raise OSError("the writer fails")
        return encode(entry)

    if writer == "fails":
        monkeypatch.setattr(cache, "encode_entry", encode_here)
    waited = []
    waitpid = os.waitpid
    monkeypatch.setattr(os, "waitpid", lambda *args: waited.append(args) or waitpid(*args))
    assert load(data, False, monkeypatch, data.parent / "early") == alone
    assert len(waited) == 1  # the writer was started, and waited for
    assert entries(data.parent / "early") == entries(data.parent / "alone")
