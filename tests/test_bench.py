# The national benchmark's synthetic corpus stays in the real data format: a
# small slice of it passes the same validation as data/ (the benchmark itself
# is run by hand, see bench/README.md; it is not a timed test).
from __future__ import annotations

import importlib.util
from pathlib import Path

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
