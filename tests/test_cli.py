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
    assert main(["--root", str(ROOT), "check"]) == 0
    assert capsys.readouterr().out.startswith("OK: 5 documents")


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


def test_new_scaffolds_a_file_that_validates(corpus_dir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus_dir.parent
    assert main(["--root", str(root), "new", "--municipality", "testdorp", "--year", "2025"]) == 0
    path = corpus_dir / "testdorp/prestatieafspraken-2025.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/document.schema.json")
    assert "#   woonborg: Woonborg (woningcorporatie)" in text  # registry to pick from
    assert "parties:\n  - gemeente-testdorp\n  - woonborg\n  - ah-woon" in text
    assert main(["--root", str(root), "check"]) == 0
    # A second time refuses to overwrite the maintainer's work.
    assert main(["--root", str(root), "new", "--municipality", "testdorp", "--year", "2025"]) == 1
    assert "already exists" in capsys.readouterr().err


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
