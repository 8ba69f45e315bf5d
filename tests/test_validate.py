# The model and the checks across files: a valid corpus loads; each kind of
# mistake a maintainer makes gives one message with file, line, column and field.
from __future__ import annotations

import re
import shutil
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
     f"{DOC}:19:12: chapters[0].theme: unknown theme 'betaalbaarhied' (did you mean 'betaalbaarheid'?); the themes are: betaalbaarheid, leefbaarheid (data/themes.yaml)"),
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
     "numbers, got 3.571: 3.571 looks like Dutch notation for 3571: write 3571; if it does "
     "have decimals, set 'decimals: 3' on the column"),
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
        assert entry_files(cache_dir)
    edit(corpus_dir, old, new)
    assert problems(corpus_dir, cache_dir) == [expected]
    if cache_dir:
        assert problems(corpus_dir, cache_dir) == [expected]  # a file with a problem is not cached


def test_cached_file_still_has_its_places(corpus_dir: Path) -> None:
    """A document read from the cache gets line and column when another file makes
    it wrong (here: its organisation removed from the registry)."""
    cache_dir = corpus_dir.parent / "build" / "cache"
    load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    edit(corpus_dir, "  - {id: ah-woon, kind: huurdersorganisatie, name: Algemene Huurdersvereniging WOON, "
         "short_name: AH WOON}\n", "", file="organisations.yaml")
    found = problems(corpus_dir, cache_dir)
    assert [p for p in found if re.match(rf"{re.escape(DOC)}:\d+:\d+: parties\[2\]: unknown organisation "
                                         r"'ah-woon'", p)]
    assert found == problems(corpus_dir)


def entry_files(cache_dir: Path) -> list[Path]:
    from generator import cache

    return sorted((cache_dir / cache.DIRECTORY / cache.code_version()).iterdir())


def test_cache_of_other_code_or_damaged_is_not_used(corpus_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    stored = cache.SourceCache(cache_dir)
    assert len(stored.old) == len(list(corpus_dir.rglob("*.yaml")))
    with monkeypatch.context() as patch:
        patch.setattr(cache, "_version", "other code")
        assert cache.SourceCache(cache_dir).old == {}
        assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    # The other code's entries are removed once this code writes its own.
    assert [path.name for path in (cache_dir / cache.DIRECTORY).iterdir()] == ["other code"]
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert [path.name for path in (cache_dir / cache.DIRECTORY).iterdir()] == [cache.code_version()]
    for path in entry_files(cache_dir):  # every entry cut short, as by a full disk
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert all(cache.SourceCache(cache_dir).get(key) is None for key in stored.old)
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert all(cache.SourceCache(cache_dir).get(key) is not None for key in stored.old)  # written afresh
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh


def test_cache_holds_only_data_and_ignores_foreign_entries(
        corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is JSON (build/ may come from another run: loading it must not run
    code, as a pickle's can); an entry this code did not write is ignored, and the
    file behind it is read again, while the good entries beside it are used."""
    import json

    from generator import cache, loading

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    paths = entry_files(cache_dir)
    assert len(paths) == len(list(corpus_dir.rglob("*.yaml")))
    foreign = [{"data": {}, "dates": [["nowhere", 3]], "refs": []},  # a date path that is not
               {"data": {"a": "2023-02-30"}, "dates": [["a"]], "refs": []},  # no date
               {"data": {}, "dates": [], "refs": [[["x"], "y", "function"]]},
               "__import__('os')", None, [1, 2], {"data": 5, "dates": [], "refs": []}]
    damaged = paths[: len(paths) - 1]  # one good entry stays
    for path, bad in zip(damaged, foreign, strict=False):
        path.write_text(json.dumps(bad), encoding="utf-8")
    stored = cache.SourceCache(cache_dir)
    assert len(stored.old) == len(paths)  # listed; each is read when asked for
    assert {key for key in stored.old if stored.get(key) is None} == {
        bytes.fromhex(path.stem) for path in damaged}
    parsed: list[str] = []

    def load_text(text: str, shown_as: str) -> object:
        parsed.append(shown_as)
        return real(text, shown_as)

    real = loading.load_text
    monkeypatch.setattr(loading, "load_text", load_text)
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert len(parsed) == len(damaged)  # the good entry was used
    parsed.clear()
    assert all(cache.SourceCache(cache_dir).get(key) is not None for key in stored.old)  # written afresh
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert parsed == []


def test_cache_writes_only_what_changed(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged file's entry is left as it is, not encoded and written again: after
    one file changed, one entry is written and the old one removed; after no change,
    nothing is written."""
    from generator import cache

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)

    def state() -> dict[str, tuple[int, int, bytes]]:
        return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
                for path in entry_files(cache_dir)}

    def fail(entry: object) -> str:
        raise AssertionError("an unchanged entry was encoded again")

    before = state()
    with monkeypatch.context() as patch:
        patch.setattr(cache, "encode_entry", fail)
        assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert state() == before
    encoded: list[object] = []
    real = cache.encode_entry
    monkeypatch.setattr(cache, "encode_entry", lambda entry: encoded.append(entry) or real(entry))
    edit(corpus_dir, "title: Prestatieafspraken 2024\n", "title: Prestatieafspraken 2024 \n")
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    after = state()
    assert len(encoded) == 1
    assert len(after) == len(before) and len(set(after) - set(before)) == 1
    assert {name: after[name] for name in before if name in after} == {
        name: entry for name, entry in before.items() if name in after}


def test_cache_of_earlier_code_in_one_file_is_ignored_and_removed(corpus_dir: Path) -> None:
    """The whole cache in one file, build/cache/sources.json, as earlier code kept it,
    is not read (even one that names this code's version), and is removed once this
    code writes its own."""
    import json

    from generator import cache

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    keys = [path.stem for path in entry_files(cache_dir)]
    shutil.rmtree(cache_dir / cache.DIRECTORY)
    legacy = cache_dir / "sources.json"  # every file's entry says: an empty document
    legacy.write_text(json.dumps({"version": cache.code_version(), "entries": {
        key: {"data": {}, "dates": [], "refs": []} for key in keys}}), encoding="utf-8")
    assert cache.SourceCache(cache_dir).old == {}
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert not legacy.exists()
    assert [path.stem for path in entry_files(cache_dir)] == keys


def test_cache_never_writes_through_a_link_left_in_it(corpus_dir: Path, tmp_path: Path) -> None:
    """build/ may come from elsewhere: a link where an entry is written first is
    replaced, not written through, and links among the entries are removed."""
    import os

    cache_dir = corpus_dir.parent / "build" / "cache"
    fresh = load_corpus(corpus_dir, corpus_dir.parent, cache_dir)
    paths = entry_files(cache_dir)
    outside = tmp_path / "outside"
    outside.write_text("not the cache's\n", encoding="utf-8")
    for path in paths:
        path.unlink()
    (paths[0].parent / f".new.{os.getpid()}").symlink_to(outside)
    paths[0].symlink_to(outside)
    assert load_corpus(corpus_dir, corpus_dir.parent, cache_dir) == fresh
    assert outside.read_text(encoding="utf-8") == "not the cache's\n"
    assert [path.name for path in entry_files(cache_dir)] == [path.name for path in paths]
    assert not any(path.is_symlink() for path in entry_files(cache_dir))


def test_cache_that_cannot_be_written_is_skipped_with_one_warning(
        corpus_dir: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache

    monkeypatch.setattr(cache, "_warned", False)
    (corpus_dir.parent / "build").mkdir()
    (corpus_dir.parent / "build" / "cache").write_text("a file where the cache belongs\n")
    fresh = load_corpus(corpus_dir, corpus_dir.parent)
    for _ in range(2):
        assert load_corpus(corpus_dir, corpus_dir.parent, corpus_dir.parent / "build" / "cache") == fresh
    warnings = [r.getMessage() for r in caplog.records if "cache" in r.getMessage()]
    assert len(warnings) == 1 and "build/cache/sources cannot be written" in warnings[0]


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


# --- one run reports everything; messages say what is wanted ---------

@pytest.mark.parametrize(("old", "new", "expected"), [
    ("due: Q1 2024", 'due: "begin 2024"',
     f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: 'begin 2024' does not have the "
     'expected form: "2023", "Q1 2023", "2023-06", "2023-06-30", or a range of two of these '
     'with " t/m " between them: "2028 t/m 2031"'),
    ("due: Q1 2024", 'due: "2031 t/m 2028"',
     f"{DOC}:34:18: chapters[0].groups[0].commitments[0].due: the range ends (2028) before it "
     "starts (2031) (got '2031 t/m 2028')"),
    ("period: {start: 2024, end: 2024}", "period: 2024",
     f"{DOC}:5:9: period: expected a mapping, got 2024; write for example {{start: 2024, end: 2027}}"),
    # Group actors and commitment parties are parties of the document.
    ("parties: [woonborg]", "parties: [acantus]",
     f"{DOC}:39:23: chapters[0].groups[0].commitments[1].parties[0]: 'acantus' is not a party "
     "of the document (its 'parties'); add it there, or remove it here"),
    ("actors: [gemeente-testdorp, woonborg, ah-woon]", "actors: [gemeente-testdorp, acantus]",
     f"{DOC}:29:37: chapters[0].groups[0].actors[1]: 'acantus' is not a party of the document "
     "(its 'parties'); add it there, or remove it here"),
    # The municipality itself is a party.
    ("parties: [gemeente-testdorp, woonborg, ah-woon]", "parties: [woonborg, ah-woon]",
     f"{DOC}:9:10: parties: the municipality's own organisation 'gemeente-testdorp' is not a "
     "party; add it to 'parties'"),
])
def test_issue_11a_message(corpus_dir: Path, old: str, new: str, expected: str) -> None:
    edit(corpus_dir, old, new)
    assert expected in problems(corpus_dir)


def test_a_chapter_binds_only_parties_of_the_document(corpus_dir: Path) -> None:
    edit(corpus_dir, "parties: [gemeente-testdorp, acantus]", "parties: [gemeente-testdorp]",
         file="testdorp/prestatieafspraken-2025-2028.yaml")
    found = problems(corpus_dir)
    assert found == ["data/testdorp/prestatieafspraken-2025-2028.yaml:55:18: chapters[1].groups[0]"
                     ".actors[0]: 'acantus' is not a party that chapter 'artikel-2' binds (its "
                     "'parties'); add it there, or remove it here"]


def test_a_duplicate_document_names_the_other_file(corpus_dir: Path) -> None:
    (corpus_dir / "testdorp/kopie.yaml").write_text(
        (corpus_dir / "testdorp/prestatieafspraken-2024.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    found = problems(corpus_dir)
    assert ("another file already defines document 'testdorp/prestatieafspraken-2024': "
            "data/testdorp/kopie.yaml") in "\n".join(found)


def test_a_failing_registry_does_not_hide_the_documents_problems(corpus_dir: Path) -> None:
    # Themes broken: organisations are still checked, and the wrong directory of a
    # document whose model fails is reported in the same run.
    edit(corpus_dir, "name: Leefbaarheid", "nam: Leefbaarheid", file="themes.yaml")
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonborgg]")
    edit(corpus_dir, "municipality: testdorp", "municipality: elders")
    edit(corpus_dir, "start: 2024", "start: twintig")
    found = "\n".join(problems(corpus_dir))
    assert "data/themes.yaml" in found
    assert "unknown organisation 'woonborgg'" in found
    assert "period.start: expected a whole number" in found
    assert "the file is in data/testdorp/ but belongs to municipality 'elders'" in found


def test_a_municipality_needs_its_gemeente_organisation(corpus_dir: Path) -> None:
    edit(corpus_dir, "name: Testdorp}", "name: Testdorp, organisation: gemeente-elders}",
         file="municipalities.yaml")
    found = problems(corpus_dir)
    assert ("data/municipalities.yaml:2:68: municipalities[0].organisation: no organisation for "
            "gemeente Testdorp: add 'gemeente-elders' (kind: gemeente, name: Gemeente Testdorp) "
            "to data/organisations.yaml, or name its id in 'organisation:' here") in found


def test_a_digit_slug_is_reserved_for_the_year_page(corpus_dir: Path) -> None:
    path = corpus_dir / "testdorp/prestatieafspraken-2024.yaml"
    path.rename(corpus_dir / "testdorp/2024.yaml")
    edit(corpus_dir, "slug: prestatieafspraken-2024", "slug: \"2024\"", file="testdorp/2024.yaml")
    assert any("the slug '2024' is reserved: the site uses gemeenten/<municipality>/<year>/"
               in p for p in problems(corpus_dir))


def test_references_are_checked_against_a_registry_that_fails(corpus_dir: Path) -> None:
    # One bad organisation does not hide an unknown id elsewhere, and the ids the
    # broken registry does name are not reported as unknown.
    edit(corpus_dir, "kind: woningcorporatie", "kind: corporatie", file="organisations.yaml")
    edit(corpus_dir, "parties: [woonborg]", "parties: [woonborgg]")
    found = problems(corpus_dir)
    assert len(found) == 2
    assert "organisations[1].kind" in found[0]
    assert found[1].endswith("unknown organisation 'woonborgg' (did you mean 'woonborg'?)")


def test_a_multi_year_document_spans_years(corpus_dir: Path) -> None:
    edit(corpus_dir, "period: {start: 2025, end: 2028}", "period: {start: 2025, end: 2025}",
         file="testdorp/prestatieafspraken-2025-2028.yaml")
    assert problems(corpus_dir) == [
        "data/testdorp/prestatieafspraken-2025-2028.yaml:6:7: kind: a multi-year document spans "
        "more than one year, this one only 2025; write kind: yearly, or the period as printed"]

# --- organisations over time, status, lineage ------------------------------

ORGS = "data/organisations.yaml"
DOC_2026 = "data/testdorp/prestatieafspraken-2026.yaml"
HUUR_2023 = "{document: testdorp/prestatieafspraken-2023, id: woonborg-huur}"


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("organisations.yaml", "{id: het-westerhuis, date: 2023-07-01}",
     "{id: het-westerhuiz, date: 2023-07-01}",
     [f"{ORGS}:3:160: organisations[1].predecessors[1].id: unknown organisation 'het-westerhuiz' "
      "(did you mean 'het-westerhuis'?)",
      f"{ORGS}:18:21: organisations[5].successor.id: 'woonborg' does not list 'het-westerhuis' "
      "among its predecessors; add to 'woonborg': predecessors: [{id: het-westerhuis, "
      "date: 2023-07-01, event: fusie}]"]),
    ("organisations.yaml", "    successor: {id: woonborg, date: 2023-07-01}\n", "",
     [f"{ORGS}:3:160: organisations[1].predecessors[1].id: 'het-westerhuis' is listed as a "
      "predecessor, but its own record names no successor; add to 'het-westerhuis': successor: "
      "{id: woonborg, date: 2023-07-01, event: fusie}"]),
    ("organisations.yaml", "successor: {id: woonborg, date: 2023-07-01, event: fusie}",
     "successor: {id: woonborg, date: 2023-08-01, event: fusie}",
     [f"{ORGS}:3:102: organisations[1].predecessors[0].id: 'woonstichting-oost' names 'woonborg' "
      "as successor on 2023-08-01 (fusie), but here it is 2023-07-01 (fusie); the two records "
      "must agree"]),
    ("organisations.yaml", "short_name: Woonborg, predecessors",
     "short_name: Woonborg, successor: {id: woonstichting-oost, date: 2024-01-01}, predecessors",
     [f"{ORGS}:3:98: organisations[1].successor.id: 'woonstichting-oost' does not list 'woonborg' "
      "among its predecessors; add to 'woonstichting-oost': predecessors: [{id: woonborg, "
      "date: 2024-01-01, event: fusie}]",
      f"{ORGS}:3:98: organisations[1].successor.id: the successors run in a circle: "
      "woonborg -> woonstichting-oost -> woonborg"]),
    ("testdorp/prestatieafspraken-2026.yaml", "date: 2026-11-30", "date: 2026-01-31",
     [f"{DOC_2026}:32:23: chapters[0].groups[0].commitments[0].status[1].date: status dates must "
      "run from old to new, but 2026-01-31 is before 2026-06-30 of status[0]; the last entry is "
      "the current status"]),
    ("testdorp/prestatieafspraken-2026.yaml", "status: op-schema", "status: op-tijd",
     [f"{DOC_2026}:28:25: chapters[0].groups[0].commitments[0].status[0].status: Input should be "
      "'niet-gerapporteerd', 'op-schema', 'gereed', 'vertraagd' or 'vervallen' (got 'op-tijd')"]),
    ("testdorp/prestatieafspraken-2026.yaml", HUUR_2023,
     "{document: testdorp/prestatieafspraken-2032, id: woonborg-huur}",
     [f"{DOC_2026}:38:35: chapters[0].groups[0].commitments[1].continues.document: unknown "
      "document 'testdorp/prestatieafspraken-2032' (did you mean 'testdorp/prestatieafspraken-2026'?)"]),
    ("testdorp/prestatieafspraken-2026.yaml", HUUR_2023,
     "{document: testdorp/prestatieafspraken-2023, id: woonborg-hurr}",
     [f"{DOC_2026}:38:73: chapters[0].groups[0].commitments[1].continues.id: "
      "'testdorp/prestatieafspraken-2023' has no commitment 'woonborg-hurr' (did you mean "
      "'woonborg-huur'?)"]),
    ("testdorp/prestatieafspraken-2026.yaml", HUUR_2023,
     "{document: testdorp/prestatieafspraken-2026, id: afspraak-3}",
     [f"{DOC_2026}:38:35: chapters[0].groups[0].commitments[1].continues.document: a commitment "
      "continues one of an older document, not of its own"]),
    ("testdorp/prestatieafspraken-2023.yaml", "text: Woonborg verhoogt de huur niet boven de inflatie.",
     "text: Woonborg verhoogt de huur niet boven de inflatie.\n"
     "            continues: {document: testdorp/prestatieafspraken-2024, id: afspraak-2}",
     ["data/testdorp/prestatieafspraken-2023.yaml:53:35: chapters[0].groups[0].commitments[1]"
      ".continues.document: a commitment continues one from an older document, but "
      "'testdorp/prestatieafspraken-2024' starts in 2024 and this document in 2023"]),
])
def test_history_status_and_lineage_mistakes(corpus_dir: Path, file: str, old: str, new: str,
                                             expected: list[str]) -> None:
    edit(corpus_dir, old, new, file=file)
    assert problems(corpus_dir) == expected


def test_a_reference_into_a_broken_file_is_not_reported_twice(corpus_dir: Path) -> None:
    # The 2023 file fails on its own; the 2026 file's `continues` into it is not an error too.
    edit(corpus_dir, "slug: prestatieafspraken-2023\n", "", file="testdorp/prestatieafspraken-2023.yaml")
    assert problems(corpus_dir) == [
        "data/testdorp/prestatieafspraken-2023.yaml:4:1: slug: required field 'slug' is missing"]


def test_what_was_made_while_the_collector_was_paused_is_not_looked_at_again() -> None:
    """The objects made while loading (millions nationally) join the oldest generation
    at once: the collector's first pass after enabling would look at each of them."""
    import gc

    from generator.validate import collector_paused

    assert gc.isenabled() and not gc.get_freeze_count()
    with collector_paused():
        made = [[i] for i in range(100_000)]
    marker = made[-1]
    assert gc.isenabled()
    assert any(obj is marker for obj in gc.get_objects(generation=2))
