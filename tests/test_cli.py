# The command line as a maintainer uses it: exit codes, messages on stderr, and
# `new` producing a file that validates and builds.
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_check_passes_on_the_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    # Any valid data set: the counts are those of data/ itself, not today's five.
    from generator.validate import load_corpus
    corpus = load_corpus(ROOT / "data", ROOT)
    assert main(["--root", str(ROOT), "check"]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {len(corpus.documents)} documents, "
                                              f"{len(corpus.organisations)} organisations")


def test_check_reports_exact_counts_on_the_fixture_corpus(
        corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(corpus_dir.parent), "check"]) == 0
    assert capsys.readouterr().out == "OK: 4 documents, 6 organisations, 2 themes\n"


def test_check_fails_with_every_problem_listed(corpus_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    doc = corpus_dir / "testdorp/prestatieafspraken-2024.yaml"
    doc.write_text(doc.read_text(encoding="utf-8")
                   .replace("parties: [woonborg]", "parties: [woonborgg]")
                   .replace("start: 2024", "start: twintig"), encoding="utf-8")
    assert main(["--root", str(corpus_dir.parent), "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "2 problems found."
    assert "period.start: expected a whole number, got 'twintig'" in err[0]
    assert "unknown organisation 'woonborgg' (did you mean 'woonborg'?)" in err[1]


FILL_IN = """\
  - id: betaalbaarheid
    title: Betaalbaarheid
    theme: betaalbaarheid
    groups:
      - actors: [gemeente-testdorp, woonborg]
        commitments:
          - {id: afspraak-1, number: "1", text: Woonborg bouwt, due: "2028 t/m 2031"}
"""


def _fill_in(path: Path) -> None:
    """What a maintainer does with a scaffold: replace the empty chapters."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("chapters:\n") + len("chapters:\n")] + FILL_IN,
                    encoding="utf-8")


def test_new_scaffolds_a_file_that_check_reports_as_not_filled_in(
        corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus_dir.parent
    assert main(["--root", str(root), "new", "--municipality", "testdorp", "--year", "2025"]) == 0
    assert "not filled in yet" in capsys.readouterr().out
    path = corpus_dir / "testdorp/prestatieafspraken-2025.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/document.schema.json")
    assert "#   woonborg: Woonborg (woningcorporatie)" in text  # registry to pick from
    assert "parties:\n  - gemeente-testdorp\n  - woonborg\n  - ah-woon" in text
    # The untouched scaffold can never be published: check refuses it, saying why.
    assert main(["--root", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert "chapter 'betaalbaarheid' is not filled in yet" in err
    assert all("prestatieafspraken-2025.yaml" in line for line in err.splitlines()[:-1])
    # A second time refuses to overwrite the maintainer's work.
    assert main(["--root", str(root), "new", "--municipality", "testdorp", "--year", "2025"]) == 1
    assert "already exists" in capsys.readouterr().err
    _fill_in(path)
    assert main(["--root", str(root), "check"]) == 0


def test_new_with_a_period_writes_a_multi_year_document(corpus_dir: Path) -> None:
    root = corpus_dir.parent
    assert main(["--root", str(root), "new", "--municipality", "testdorp",
                 "--period", "2026-2029"]) == 0
    path = corpus_dir / "testdorp/prestatieafspraken-2026-2029.yaml"
    text = path.read_text(encoding="utf-8")
    assert "kind: multi-year\n" in text and "period: {start: 2026, end: 2029}" in text
    _fill_in(path)
    assert main(["--root", str(root), "check"]) == 0


@pytest.mark.parametrize("args", [["--year", "99999"], ["--period", "2027-2024"],
                                  ["--period", "2024-99999"]])
def test_new_refuses_a_bad_year_and_writes_nothing(corpus_dir: Path, args: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in corpus_dir.rglob("*"))
    assert main(["--root", str(corpus_dir.parent), "new", "--municipality", "testdorp", *args]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert sorted(p.name for p in corpus_dir.rglob("*")) == before


def test_a_maintainer_adds_a_document_to_a_copy_of_the_real_data(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Adding a valid document to data/ keeps check (and the data invariants) green."""
    from generator.validate import load_corpus
    shutil.copytree(ROOT / "data", tmp_path / "data")
    before = load_corpus(tmp_path / "data", tmp_path)
    mun = next(iter(before.municipalities))
    assert main(["--root", str(tmp_path), "new", "--municipality", mun, "--period", "2097-2099"]) == 0
    path = tmp_path / "data" / mun / "prestatieafspraken-2097-2099.yaml"
    text = path.read_text(encoding="utf-8")
    gemeente = f"gemeente-{mun}"
    corporation = next(o.id for o in before.organisations.values() if o.kind == "woningcorporatie")
    text = text[: text.index("parties:\n")] + f"parties: [{gemeente}, {corporation}]\n" + \
        text[text.index("signing:\n"):]
    path.write_text(text, encoding="utf-8")
    _fill_in(path)
    path.write_text(path.read_text(encoding="utf-8").replace("gemeente-testdorp", gemeente)
                    .replace("woonborg", corporation), encoding="utf-8")
    assert main(["--root", str(tmp_path), "check"]) == 0, capsys.readouterr().err
    after = load_corpus(tmp_path / "data", tmp_path)
    assert len(after.documents) == len(before.documents) + 1
    # The invariants of tests/test_data.py hold for the grown data set too.
    import tests.test_data as invariants
    for name in ("test_every_table_is_full", "test_printed_totals_match_the_rows",
                 "test_every_document_binds_its_municipality"):
        getattr(invariants, name)(after)


def test_new_rejects_an_unknown_municipality(corpus_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(corpus_dir.parent), "new", "--municipality", "nergens",
                 "--year", "2025"]) == 1
    assert "unknown municipality 'nergens'" in capsys.readouterr().err


def test_module_entry_point_runs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests/fixtures/corpus", tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(tmp_path), "check"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr


def test_new_framework_for_a_period_refuses_to_overwrite(corpus_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus_dir.parent
    args = ["--root", str(root), "new", "--municipality", "testdorp", "--period", "2025-2030",
            "--kind", "framework"]
    assert main(args) == 0
    text = (corpus_dir / "testdorp/kaderafspraken-2025-2030.yaml").read_text(encoding="utf-8")
    assert "kind: framework\n" in text and "title: Kaderafspraken 2025-2030\n" in text
    assert main(args) == 1
    assert "kaderafspraken-2025-2030.yaml already exists" in capsys.readouterr().err


def test_a_maintainer_adds_a_municipality_in_the_order_of_the_guide(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """content/bijdragen.md: the gemeente organisation, then the registry entry, then
    `new`; each step passes check except the scaffold, which says it is not filled in."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    root = ["--root", str(tmp_path)]
    orgs = tmp_path / "data/organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + (
        "  - id: gemeente-nieuwdorp\n    kind: gemeente\n    name: Gemeente Nieuwdorp\n"
        "    short_name: Gemeente Nieuwdorp\n"), encoding="utf-8")
    assert main([*root, "check"]) == 0
    muns = tmp_path / "data/municipalities.yaml"
    muns.write_text(muns.read_text(encoding="utf-8") + (
        "  - id: nieuwdorp\n    cbs_code: GM9998\n    name: Nieuwdorp\n"
        "    organisation: gemeente-nieuwdorp\n"), encoding="utf-8")
    assert main([*root, "check"]) == 0
    assert main([*root, "new", "--municipality", "nieuwdorp", "--period", "2025-2028"]) == 0
    path = tmp_path / "data/nieuwdorp/prestatieafspraken-2025-2028.yaml"
    assert "parties:\n  - gemeente-nieuwdorp\n" in path.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main([*root, "check"]) == 1
    err = capsys.readouterr().err
    assert "only the municipality is a party: this document is not filled in yet" in err
    assert "is not filled in yet: it has no context" in err
    text = path.read_text(encoding="utf-8").replace("  - gemeente-nieuwdorp\n",
                                                    "  - gemeente-nieuwdorp\n  - woonborg\n")
    path.write_text(text, encoding="utf-8")
    _fill_in(path)
    path.write_text(path.read_text(encoding="utf-8").replace("gemeente-testdorp", "gemeente-nieuwdorp"),
                    encoding="utf-8")
    assert main([*root, "check"]) == 0, capsys.readouterr().err


def test_new_says_nothing_was_written_while_another_scaffold_waits(
        corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(corpus_dir.parent)]
    assert main([*root, "new", "--municipality", "testdorp", "--year", "2030"]) == 0
    capsys.readouterr()
    assert main([*root, "new", "--municipality", "testdorp", "--year", "2031"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("Nothing was written: data/ has problems; data/testdorp/prestatieafspraken-2030.yaml "
                       "is a scaffold not filled in yet: fill it in (or remove it) first.")
    assert not (corpus_dir / "testdorp/prestatieafspraken-2031.yaml").exists()


def test_a_comma_in_a_flow_mapping_gets_the_hint_to_quote(corpus_dir: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    doc = corpus_dir / "testdorp/prestatieafspraken-2024.yaml"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("parties: [woonborg]",
                                "parties: [woonborg]\n            provenance: {kind: derived, note: a, b}", 1),
                   encoding="utf-8")
    assert main(["--root", str(corpus_dir.parent), "check"]) == 1
    err = capsys.readouterr().err
    assert "unknown field 'b'; if 'b' is text after a comma inside {...}, put the whole text in quotes" in err
