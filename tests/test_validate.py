# The model and the checks across files: a valid corpus loads; each kind of
# mistake a maintainer makes gives one message with file, line, column and field.
from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import DataError
from generator.validate import load_corpus

DOC = "data/testdorp/prestatieafspraken-2024.yaml"


def problems(data: Path, cache_dir: Path | None = None) -> list[str]:
    with pytest.raises(DataError) as info:
        load_corpus(data, data.parent, cache_dir)
    return [str(d) for d in info.value.diagnostics]


def edit(data: Path, old: str, new: str, file: str = "testdorp/prestatieafspraken-2024.yaml") -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_valid_corpus_loads(corpus_dir: Path) -> None:
    corpus = load_corpus(corpus_dir, corpus_dir.parent)
    doc = corpus.document("testdorp/prestatieafspraken-2024")
    commitments = [c for ch in doc.chapters for g in ch.groups for c in g.commitments]
    assert [c.id for c in commitments] == ["afspraak-1", "afspraak-2"]
    assert doc.signing is not None and doc.signing.date.isoformat() == "2023-12-07"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("parties: [woonborg]", "parties: [woonborgg]",
     f"{DOC}:39:23: chapters[0].groups[0].commitments[1].parties[0]: unknown organisation "
     "'woonborgg' (did you mean 'woonborg'?)"),
    ("theme: betaalbaarheid", "theme: betaalbaarhied",
     f"{DOC}:19:12: chapters[0].theme: unknown theme 'betaalbaarhied' (did you mean 'betaalbaarheid'?)"),
    ("id: afspraak-2", "id: afspraak-1",
     f"{DOC}:35:17: chapters[0].groups[0].commitments[1].id: duplicate identifier 'afspraak-1' "
     "(already used at chapters[0].groups[0].commitments[0].id)"),
    ('number: "2"', 'number: "1"',
     f"{DOC}:36:21: chapters[0].groups[0].commitments[1].number: commitment number '1' appears "
     "twice in this chapter (also at chapters[0].groups[0].commitments[0])"),
    ("values: [25000, 1.4]", 'values: ["25.000", 1.4]',
     f"{DOC}:50:40: chapters[0].tables[0].rows[0].values[0]: '25.000' is a number written the "
     "Dutch way; write it as a plain number without quotes or thousands separators, with a "
     "point for decimals: 25000"),
    ("values: [3571,", "values: [3.571,",
     f"{DOC}:51:40: chapters[0].tables[0].rows[1].values[0]: column 'bijdrage' holds whole "
     "numbers, got 3.571; if this is a Dutch thousands separator, write 3571, or set "
     "'decimals' on the column"),
    ("values: [25000, 1.4]", "values: [25000]",
     f"{DOC}:50:39: chapters[0].tables[0].rows[0].values: row 'Gemeente' has 1 values but the "
     "table has 2 columns (bijdrage, index)"),
    ("date: 2023-12-07", "date: 2023-02-30",
     f"{DOC}:11:9: signing.date: '2023-02-30' is not a date that exists (day is out of range "
     "for month)"),
    ("title: Prestatieafspraken 2024\n", "",
     f"{DOC}:1:1: title: required field 'title' is missing"),
    ("kind: prestatieafspraak", "kind: prestatie",
     f"{DOC}:37:19: chapters[0].groups[0].commitments[1].kind: Input should be "
     "'prestatieafspraak' or 'procesafspraak' (got 'prestatie')"),
    ("due: Q1 2024", "duee: Q1 2024",
     f"{DOC}:34:19: chapters[0].groups[0].commitments[0].duee: unknown field 'duee' "
     "(did you mean 'due'?)"),
    ("period: {start: 2024, end: 2024}", "period: {start: 2024, end: 2024",
     f"{DOC}:6:7: YAML syntax error: did not find expected ',' or '}}' (while parsing a "
     "flow mapping)"),
])
@pytest.mark.parametrize("cached", [False, True], ids=["", "cached"])
def test_mistake_gives_located_message(corpus_dir: Path, old: str, new: str, expected: str,
                                       cached: bool) -> None:
    cache_dir = corpus_dir.parent / "build" / "cache" if cached else None
    if cache_dir:
        load_corpus(corpus_dir, corpus_dir.parent, cache_dir)  # every file in the cache
        assert (cache_dir / "sources.pickle").is_file()
    edit(corpus_dir, old, new)
    assert problems(corpus_dir, cache_dir) == [expected]
    if cache_dir:
        assert problems(corpus_dir, cache_dir) == [expected]  # a file with a problem is not cached


def test_cached_file_still_has_its_places(corpus_dir: Path) -> None:
    """A document read from the cache gets line and column when another file makes
    it wrong (here: its organisation removed from the registry)."""
    cache_dir = corpus_dir.parent / "build" / "cache"
    load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    edit(corpus_dir, "  - {id: woonborg, kind: woningcorporatie, name: Woonborg, short_name: Woonborg}\n",
         "", file="organisations.yaml")
    found = problems(corpus_dir, cache_dir)
    assert f"{DOC}:39:23: chapters[0].groups[0].commitments[1].parties[0]: unknown organisation " \
           "'woonborg'" in found
    assert found == problems(corpus_dir)


def test_cache_of_other_code_or_damaged_is_not_used(corpus_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    stored = cache.SourceCache(cache_dir)
    assert len(stored.old) == len(list(corpus_dir.rglob("*.yaml")))
    monkeypatch.setattr(cache, "_version", "other code")
    assert cache.SourceCache(cache_dir).old == {}
    monkeypatch.undo()
    (cache_dir / "sources.pickle").write_bytes(b"damaged")
    assert cache.SourceCache(cache_dir).old == {}
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh


def test_all_problems_reported_at_once(corpus_dir: Path) -> None:
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonborgg]")
    edit(corpus_dir, "theme: betaalbaarheid", "theme: onbekend")
    edit(corpus_dir, "values: [25000, 1.4]", 'values: ["1,40", 1.4]')
    found = problems(corpus_dir)
    assert len(found) == 3
    assert [p.split(":")[1] for p in found] == sorted([p.split(":")[1] for p in found], key=int)


def test_registry_problems_are_reported(corpus_dir: Path) -> None:
    edit(corpus_dir, "kind: woningcorporatie", "kind: corporatie", file="organisations.yaml")
    found = problems(corpus_dir)
    assert found[0].startswith("data/organisations.yaml:3:")
    assert "organisations[1].kind: Input should be" in found[0]
