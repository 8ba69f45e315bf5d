# The national benchmark's synthetic corpus stays in the real data format: a
# small slice of it passes the same validation as data/ (the benchmark itself
# is run by hand, see bench/README.md; it is not a timed test).
from __future__ import annotations

import importlib.util
from pathlib import Path

from generator.model import iter_chapters
from generator.validate import load_corpus

ROOT = Path(__file__).resolve().parent.parent


def load_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("national", ROOT / "bench" / "national.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_slice_of_the_national_corpus_validates(tmp_path: Path) -> None:
    bench = load_bench()
    documents = bench.write_corpus(tmp_path, 3)
    corpus = load_corpus(tmp_path / "data", tmp_path)
    assert len(corpus.documents) == documents == 3 * (1 + len(bench.YEARS))
    assert len(corpus.municipalities) == 3
    # Every yearly document that names a framework points at its own municipality's.
    for doc in corpus.documents:
        if doc.framework:
            assert corpus.document(doc.framework).municipality == doc.municipality
    # Organisations are shared: some corporation signs in more than one municipality.
    signed: dict[str, set[str]] = {}
    for doc in corpus.documents:
        for party in doc.parties:
            signed.setdefault(party, set()).add(doc.municipality)
    assert any(len(m) > 1 for org, m in signed.items() if corpus.organisations[org].kind == "woningcorporatie")


def commitment_texts(root: Path) -> dict[tuple[str, str], str]:
    corpus = load_corpus(root / "data", root)
    return {(doc.ref, c.id): c.text for doc in corpus.documents for chapter in iter_chapters(doc.chapters)
            for group in chapter.groups for c in group.commitments}


def test_the_one_document_change_edits_one_commitment_and_stays_valid(tmp_path: Path) -> None:
    bench = load_bench()
    bench.write_corpus(tmp_path, 3)
    files = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "data").rglob("*.yaml")}
    texts = commitment_texts(tmp_path)
    path, before = bench.change_one_document(tmp_path)
    assert before == files[path]
    assert [p for p in files if p.read_text(encoding="utf-8") != files[p]] == [path]
    # Still valid (load_corpus raises on any problem), and one commitment is one word longer.
    changed = {key: text for key, text in commitment_texts(tmp_path).items() if texts[key] != text}
    assert len(changed) == 1
    (ref, _), text = next(iter(changed.items()))
    assert text == f"{texts[next(iter(changed))]} {bench.CHANGE}"
    assert path == tmp_path / "data" / f"{ref}.yaml"
