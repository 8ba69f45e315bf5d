# Valid data always publishes. In a temporary copy of the whole project (its tests
# included), a maintainer adds a municipality the way the guide says: two
# corporations that merged into a third, the municipality and its gemeente, a
# yearly and a multi-year agreement written with `new` and filled in, a status
# and a lineage link. `check` and `build` pass, and so does every test that reads
# data/ or the site built from it, run on that copy. A test that pins today's
# documents, municipalities or URLs fails here first.
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

ORGANISATIONS = """\
  - id: gemeente-nieuwstad
    kind: gemeente
    name: Gemeente Nieuwstad
    short_name: Gemeente Nieuwstad
  - id: woonstichting-noord
    kind: woningcorporatie
    name: Woonstichting Noord
    short_name: WS Noord
    successor: {id: woonstichting-samen, date: 2023-01-01, event: fusie}
  - id: woonstichting-zuid
    kind: woningcorporatie
    name: Woonstichting Zuid
    short_name: WS Zuid
    successor: {id: woonstichting-samen, date: 2023-01-01, event: fusie}
  - id: woonstichting-samen
    kind: woningcorporatie
    name: Woonstichting Samen
    short_name: WS Samen
    predecessors:
      - {id: woonstichting-noord, date: 2023-01-01, event: fusie}
      - {id: woonstichting-zuid, date: 2023-01-01, event: fusie}
  - id: huurders-nieuwstad
    kind: huurdersorganisatie
    name: Huurdersvereniging Nieuwstad
    short_name: HV Nieuwstad
"""
MUNICIPALITY = """\
  - id: nieuwstad
    cbs_code: GM9990
    name: Nieuwstad
    province: Limburg
    organisation: gemeente-nieuwstad
"""
PARTIES = ["gemeente-nieuwstad", "woonstichting-samen", "huurders-nieuwstad"]


def _project_copy(target: Path) -> Path:
    """The repository as a fresh clone has it (tracked files), plus the installed
    front-end files."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args],
                          cwd=root, capture_output=True, text=True, timeout=600)


def _fill_in(path: Path, commitment: dict[str, object], signed: dt.date) -> None:
    """What a maintainer does with a scaffold: keep its head, fill in the rest."""
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    doc["parties"] = PARTIES
    doc["signing"] = {"date": signed, "place": "Nieuwstad", "signatories": [
        {"person": "A. de Vries", "role": "Wethouder", "organisation": "gemeente-nieuwstad"}]}
    doc["chapters"] = [{
        "id": "betaalbaarheid", "title": "Betaalbaarheid", "theme": "betaalbaarheid",
        "context": [{"kind": "tekst", "text": "Wij houden de huren betaalbaar."}],
        "groups": [{"title": "Gezamenlijk", "actors": PARTIES, "commitments": [commitment]}],
    }]
    schema_line = text.splitlines()[0]  # the scaffold's pointer to the JSON Schema, kept
    path.write_text(schema_line + "\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def _tests_of_data(root: Path) -> list[str]:
    """Every test module that reads data/, the site built from it or the benchmark's
    corpus cloned from it (found by what it reads, so a module added later is in
    too), but this one."""
    own = Path(__file__).name
    return sorted(p.relative_to(root).as_posix() for p in (root / "tests").glob("test_*.py")
                  if p.name != own and re.search(r'ROOT / "data"|built_site|load_bench', p.read_text(encoding="utf-8")))


def test_a_new_municipality_publishes_and_every_test_of_data_passes(tmp_path: Path) -> None:
    root = _project_copy(tmp_path / "project")
    data = root / "data"
    with (data / "organisations.yaml").open("a", encoding="utf-8") as f:
        f.write(ORGANISATIONS)
    with (data / "municipalities.yaml").open("a", encoding="utf-8") as f:
        f.write(MUNICIPALITY)
    assert _run(root, "check").returncode == 0

    made = _run(root, "new", "--municipality", "nieuwstad", "--year", "2024")
    assert made.returncode == 0, made.stderr
    yearly = data / "nieuwstad/prestatieafspraken-2024.yaml"
    _fill_in(yearly, {"id": "afspraak-1", "number": "1", "text": "WS Samen bouwt 40 sociale huurwoningen.",
                      "status": [{"status": "gereed", "date": dt.date(2025, 3, 1),
                                  "source": {"title": "Monitor prestatieafspraken 2024"}}]},
             dt.date(2023, 12, 14))
    made = _run(root, "new", "--municipality", "nieuwstad", "--period", "2025-2028")
    assert made.returncode == 0, made.stderr
    multi = data / "nieuwstad/prestatieafspraken-2025-2028.yaml"
    _fill_in(multi, {"id": "afspraak-1", "number": "1", "text": "WS Samen bouwt 160 sociale huurwoningen.",
                     "continues": {"document": "nieuwstad/prestatieafspraken-2024", "id": "afspraak-1"}},
             dt.date(2024, 12, 12))

    checked = _run(root, "check")
    assert checked.returncode == 0, checked.stderr
    built = _run(root, "build")
    assert built.returncode == 0, built.stderr
    assert (root / "site/gemeenten/nieuwstad/prestatieafspraken-2025-2028/index.html").is_file()
    assert (root / "site/organisaties/woonstichting-samen/index.html").is_file()

    modules = _tests_of_data(root)
    assert {"tests/test_data.py", "tests/test_published.py", "tests/test_bench.py"} <= set(modules)
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                             "-m", "not browser", *modules],
                            cwd=root, capture_output=True, text=True, timeout=1800)
    assert tested.returncode == 0, tested.stdout[-4000:]
