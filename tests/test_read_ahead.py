# A cold `check` reads the files not read before in worker processes
# (validate.read_ahead). What it loads, and every problem it reports with its place,
# must be what reading them one by one gives.
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from generator import validate
from generator.errors import DataError
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def write_bench_corpus(root: Path, municipalities: int) -> int:
    spec = importlib.util.spec_from_file_location("national", ROOT / "bench" / "national.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.write_corpus(root, municipalities))


def load(root: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool,
         cache: Path | None = None) -> validate.Corpus | list[str]:
    monkeypatch.setattr(validate, "READ_AHEAD_FILES", 2 if ahead else 10**9)
    calls: list[int] = []
    real = validate.read_ahead

    def counted(paths, cache_):  # type: ignore[no-untyped-def]
        found = real(paths, cache_)
        calls.append(len(found))
        return found

    monkeypatch.setattr(validate, "read_ahead", counted)
    try:
        corpus = load_corpus(root / "data", root, cache)
    except DataError as exc:
        return [str(d) for d in exc.diagnostics]
    finally:
        if ahead:
            assert calls and calls[0] > 0, "nothing was read ahead"
    return corpus


def test_files_read_ahead_load_as_read_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = write_bench_corpus(tmp_path, 3)
    one_by_one = load(tmp_path, monkeypatch, ahead=False)
    ahead = load(tmp_path, monkeypatch, ahead=True)
    assert isinstance(one_by_one, validate.Corpus) and isinstance(ahead, validate.Corpus)
    assert len(ahead.documents) == documents
    assert ahead.documents == one_by_one.documents
    assert ahead.organisations == one_by_one.organisations


def test_problems_in_files_read_ahead_keep_their_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_bench_corpus(tmp_path, 2)
    files = sorted((tmp_path / "data").glob("*/*.yaml"))
    # One file the fast reading accepts but the model refuses (a field of the wrong
    # type), one it leaves to the careful reading (a YAML 1.1 time), one not YAML.
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace("\ntitle: ", "\ntitle: [", 1).replace("\nkind:", "]\nkind:", 1)
                        if "\nkind:" in text else text + "\nunknown_field: 1\n", encoding="utf-8")
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nextra: 1:30\n", encoding="utf-8")
    files[2].write_text("title: [unclosed\n", encoding="utf-8")
    one_by_one = load(tmp_path, monkeypatch, ahead=False)
    ahead = load(tmp_path, monkeypatch, ahead=True, cache=tmp_path / "cache")
    assert isinstance(one_by_one, list) and one_by_one, "the broken files were not reported"
    assert ahead == one_by_one
    for path in files[:3]:
        assert any(path.name in problem for problem in ahead), path
