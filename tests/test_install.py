# The install `make` runs: requirements.lock holds what the site needs to build and
# nothing the tests alone need, so a first `make site` does not wait for the test tools;
# requirements-test.lock adds those on top of it. The Makefile's stamp files install
# each part once: `make test` after `make site` installs only the rest.
from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SITE_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line; comments and -r lines skipped."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        name, _, version = line.partition("==")
        assert version, f"{path.name}: '{line}' is not pinned with =="
        out[canonicalize_name(name)] = version
    return out


def project() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"site": data["dependencies"], "test": data["optional-dependencies"]["test"]}


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_the_site_lock_holds_no_test_tool() -> None:
    site = pins(SITE_LOCK)
    assert names(project()["test"]) & set(site) == set()
    assert names(project()["site"]) <= set(site)


def test_the_test_lock_starts_from_the_site_lock_and_adds_the_test_tools() -> None:
    lines = [line for line in TEST_LOCK.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "-r requirements.lock"
    test = pins(TEST_LOCK)
    assert set(test) & set(pins(SITE_LOCK)) == set()  # one pin per package
    assert names(project()["test"]) <= set(test)


@pytest.mark.parametrize(("lock", "roots"), [("site", ["site"]), ("test", ["site", "test"])])
def test_each_lock_pins_the_whole_tree_of_what_it_installs(lock: str, roots: list[str]) -> None:
    """Every dependency of a pinned package (as installed here, for this platform) is
    pinned in the same install: the site lock alone builds the site."""
    pinned = pins(SITE_LOCK) | (pins(TEST_LOCK) if lock == "test" else {})
    todo = [Requirement(r) for root in roots for r in project()[root]]
    seen: set[str] = set()
    missing: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        if name not in pinned:
            missing.add(name)
            continue
        dist = importlib.metadata.distribution(name)
        assert dist.version == pinned[name], f"{name} installed {dist.version}, pinned {pinned[name]}"
        for text in dist.requires or []:
            sub = Requirement(text)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    assert missing == set()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_site_installs_the_site_part_and_make_test_the_rest(tmp_path: Path) -> None:
    """Dry runs (`make -n`) in a copy of the files the install reads."""
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "requirements-test.lock",
                 "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}

    def dry(target: str) -> list[str]:
        result = subprocess.run(["make", "-n", target], cwd=tmp_path, capture_output=True,
                                text=True, check=True, env=env)
        return result.stdout.splitlines()

    def touch(*stamps: str) -> None:
        for stamp in stamps:
            (tmp_path / stamp).parent.mkdir(exist_ok=True)
            (tmp_path / stamp).touch()

    site = "\n".join(dry("site"))
    assert "-r requirements.lock" in site and "requirements-test.lock" not in site
    assert " -e ." not in site  # the build runs from the project directory
    assert re.search(r"npm ci .*--omit=dev", site)
    touch(".venv/.installed", "node_modules/.installed")
    assert dry("site")[-1].endswith("-m generator build") and len(dry("site")) == 1
    rest = "\n".join(dry("test"))  # after `make site`: only the test tools
    assert "-r requirements-test.lock" in rest and "-r requirements.lock" not in rest
    assert "--no-deps -e ." in rest  # tests build copies of the project elsewhere
    assert "python3 -m venv" not in rest and "-m venv" not in rest
    assert re.search(r"npm ci (?!.*--omit=dev)", rest)
    touch(".venv/.installed-test", "node_modules/.installed-test")
    assert dry("test") == [".venv/bin/python -m pytest"]
    assert dry("site") == [".venv/bin/python -m generator build"]  # nothing to install again
    # A changed site lock installs again for both.
    os.utime(tmp_path / "requirements.lock", (4_000_000_000, 4_000_000_000))
    again = "\n".join(dry("test"))
    assert "-r requirements.lock" in again and "-r requirements-test.lock" in again
