# The two Pages pipelines (.github/workflows/publish.yml, .gitlab-ci.yml): valid by
# their published schemas, actions pinned to commits, one install (.ci/install)
# shared with CI, and rehearsed offline by .ci/rehearse on a fresh clone of the
# current commit. The rehearsal is shown to refuse a pipeline that would fail on its
# host (a package missing, a step it does not know, a build deployed untested).
from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ".github/workflows/publish.yml"
GITLAB = ".gitlab-ci.yml"
SITE_URL = "https://example.org/prestatieafspraken/"


def load_rehearse() -> ModuleType:
    """.ci/rehearse as a module (a script without .py, so loaded by path)."""
    loader = importlib.machinery.SourceFileLoader("rehearse", str(ROOT / ".ci/rehearse"))
    spec = importlib.util.spec_from_loader("rehearse", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rehearse"] = module  # dataclasses look their module up by name
    loader.exec_module(module)
    return module


def rehearse(platform: str, *args: str, repo: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / ".ci/rehearse"), platform, "--repo", str(repo),
                           "--site-url", SITE_URL, *args],
                          capture_output=True, text=True, check=False, timeout=1800)


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("schema", "pipeline"), [("vendor.github-workflows", GITHUB),
                                                  ("vendor.gitlab-ci", GITLAB)])
def test_pipeline_is_valid_by_its_published_schema(schema: str, pipeline: str) -> None:
    result = check_jsonschema(schema, ROOT / pipeline)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_an_invalid_pipeline(tmp_path: Path) -> None:
    workflow = (ROOT / GITHUB).read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1)
    (tmp_path / "publish.yml").write_text(workflow, encoding="utf-8")
    gitlab = (ROOT / GITLAB).read_text(encoding="utf-8").replace("paths: [public]", "paths: public", 1)
    (tmp_path / "gitlab-ci.yml").write_text(gitlab, encoding="utf-8")
    result = check_jsonschema("vendor.github-workflows", tmp_path / "publish.yml")
    assert result.returncode == 1
    assert "$.jobs.build" in result.stdout
    result = check_jsonschema("vendor.gitlab-ci", tmp_path / "gitlab-ci.yml")
    assert result.returncode == 1
    assert "$.pages.artifacts.paths: 'public' is not of type 'array'" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    uses = [line.strip() for line in (ROOT / GITHUB).read_text(encoding="utf-8").splitlines()
            if line.strip().startswith(("uses:", "- uses:"))]
    assert uses
    unpinned = [line for line in uses
                if not re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line)]
    assert unpinned == []


def test_the_system_packages_are_listed_once_in_the_install_script() -> None:
    for path in (GITHUB, GITLAB, ".ci/run"):
        text = (ROOT / path).read_text(encoding="utf-8")
        assert ".ci/install" in text, path
        assert "apt-get" not in text, path
    listed = subprocess.run([str(ROOT / ".ci/install"), "--list"], capture_output=True, text=True, check=True)
    programs = {line.split()[0]: line.split()[1:] for line in listed.stdout.splitlines()}
    assert programs["pdftotext"] == ["poppler-utils"]
    assert programs["chromium"] == ["chromium"]
    assert programs["java"] == ["default-jre-headless"]


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_rehearsal_knows_every_step_of_the_pipeline(platform: str) -> None:
    result = rehearse(platform, "--check-only")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every step known, in an order that deploys the tested build" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_rehearsal_of_the_pipeline_passes_on_a_fresh_clone(platform: str) -> None:
    """Install and build with SITE_URL run for real; the deploy's inputs are checked."""
    result = rehearse(platform)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    out = result.stdout
    assert re.search(r"\.ci/install: running.*\n(.*\n)*?\s+ok \(", out)
    assert "make test: the test command of .ci/run, which CI runs on this same commit; not run again here" in out
    assert re.search(rf"make site: running with SITE_URL={re.escape(SITE_URL)} REPO_URL=https://", out)
    assert "cannot run offline here" in out or "cannot be deployed offline here" in out
    assert "Pagefind index: ok" in out
    assert f"rehearsal of {GITHUB if platform == 'github' else GITLAB} passed" in out


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clone of the current commit, to change and commit a broken pipeline in."""
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run(["git", "checkout", "--quiet", "--detach", head], cwd=clone, check=True)
    return clone


def commit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer contains {old!r}: update this test"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "--quiet",
                    "-am", f"break {path}"], cwd=repo, check=True)


BROKEN = {
    "install without poppler-utils": (
        "github", ".ci/install", '  "pdftotext poppler-utils"', "",
        r"tests/test_browser\.py:\d+ calls pdftotext, which \.ci/install does not install"),
    "packages installed in the pipeline, not by .ci/install": (
        "gitlab", GITLAB, "  - .ci/install", "  - apt-get update -qq && apt-get install -y chromium",
        r"step 'apt-get update -qq && apt-get install -y chromium' is not one the rehearsal knows"),
    "a misspelt step": (
        "github", GITHUB, "run: make site", "run: make sites",
        r"step 'make sites' is not one the rehearsal knows"),
    "a test step that is not the command CI runs": (
        "gitlab", ".ci/run", "\nmake test\n", "\nmake test-fast\n",
        r"job pages: the test step 'make test' is not the test command of \.ci/run \('make test-fast'\)"),
    "the site deployed is built before the tests": (
        "gitlab", GITLAB, "    - make test\n    - .ci/pages-cache back\n    - make site",
        "    - make site\n    - .ci/pages-cache back\n    - make test",
        r"job pages: the deployed site must be built after the tests \(`make test`\), with SITE_URL; "
        r"here it is built before them"),
    "the job runs on Ubuntu, not Debian": (
        "github", GITHUB, "    container:\n      image: python:3.11-bookworm\n      options: --shm-size=1g\n", "",
        r"job build: runs commands on the runner's own system"),
    "an action the rehearsal does not know": (
        "github", GITHUB, "      - name: Test\n", "      - uses: actions/setup-node@v4\n      - name: Test\n",
        r"action 'actions/setup-node@v4' is not one the rehearsal knows"),
    "the cache restored over what the tests left": (
        "github", GITHUB, "      - name: Discard the tests' build/ and site/\n        run: rm -rf build site\n", "",
        r"job build: the cache is restored over the build/ the tests left; `rm -rf build site` first"),
    "a cache key without the run id": (
        "github", GITHUB, "-${{ github.run_id }}", "",
        r"job build: the cache key must hold the code's hash \(hashFiles\) and end with \$\{\{ github\.run_id"),
    "the cache restored before the tests see it": (
        "gitlab", GITLAB, "    - .ci/pages-cache aside\n", "",
        r"job pages: the cache is restored before the script, so the tests would see it"),
    "the test job with the Pages cache": (
        "gitlab", GITLAB, "test:\n  stage: test\n", "test:\n  stage: test\n  cache:\n    key: pages\n"
        "    paths: [build/, site/]\n",
        r"job test: uses the Pages cache without building the site to deploy"),
    "the install fails": (
        "gitlab", ".ci/install", "\nmissing=()", "\nexit 3\nmissing=()",
        r"job pages: '\.ci/install' failed \(exit 3\)"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_rehearsal_fails_a_pipeline_that_would_fail_on_its_host(repo: Path, case: str) -> None:
    platform, path, old, new, message = BROKEN[case]
    commit(repo, path, old, new)
    result = rehearse(platform, repo=repo)
    assert result.returncode == 1, result.stdout
    assert "FAILED" in result.stdout
    assert re.search(message, result.stdout), result.stdout


def write_site(folder: Path, locs: list[str], pagefind: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    (folder / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8")
    if pagefind:
        (folder / "pagefind").mkdir()
        (folder / "pagefind/pagefind.js").write_text("", encoding="utf-8")
        (folder / "pagefind/pagefind-entry.json").write_text("{}", encoding="utf-8")
    return folder


def test_artifact_check_accepts_a_site_built_with_site_url(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", [SITE_URL, SITE_URL + "over/"])
    assert load_rehearse().check_artifact(site, SITE_URL) == []


def test_artifact_check_names_every_problem(tmp_path: Path) -> None:
    site = write_site(tmp_path / "public", ["/over/", "https://elders.example/", SITE_URL], pagefind=False)
    (site / "index.html").unlink()
    assert load_rehearse().check_artifact(site, SITE_URL) == [
        "public/index.html is missing",
        "public/sitemap.xml: 1 URLs are not absolute, e.g. '/over/' (was the site built with SITE_URL?)",
        f"public/sitemap.xml: 1 URLs are not under SITE_URL {SITE_URL}, e.g. 'https://elders.example/'",
        "public/pagefind/pagefind.js is missing: no search index",
        "public/pagefind/pagefind-entry.json is missing: no search index",
    ]
    assert load_rehearse().check_artifact(tmp_path / "nothing", SITE_URL) == ["nothing/ does not exist"]


def test_the_github_cache_key_follows_the_code_not_the_data(tmp_path: Path) -> None:
    """The key's hashFiles, computed as the runner does: the same after a data change or
    Python's bytecode files appear, different after a change to the code."""
    rehearsal = load_rehearse()
    workflow = (ROOT / GITHUB).read_text(encoding="utf-8")
    patterns = re.findall(r"'([^']*)'", re.search(r"key: .*hashFiles\(([^)]*)\)", workflow).group(1))  # type: ignore[union-attr]
    assert {"generator/**", "hooks/**", "site_theme/**", "mkdocs.yml"} <= set(patterns)
    for name in ("generator/pipeline.py", "generator/templates/page.md.j2", "hooks/generate.py",
                 "site_theme/main.html", "mkdocs.yml", "requirements.lock", "package-lock.json",
                 "data/testdorp/prestatieafspraken-2024.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    code = rehearsal.hash_files(tmp_path, patterns)
    assert len(code) == 64
    (tmp_path / "data/testdorp/prestatieafspraken-2024.yaml").write_text("changed\n", encoding="utf-8")
    (tmp_path / "generator/__pycache__").mkdir()
    (tmp_path / "generator/__pycache__/pipeline.cpython-311.pyc").write_bytes(b"\0differs per checkout")
    assert rehearsal.hash_files(tmp_path, patterns) == code
    for name in ("generator/templates/page.md.j2", "requirements.lock"):
        before = (tmp_path / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(before + "changed\n", encoding="utf-8")
        assert rehearsal.hash_files(tmp_path, patterns) != code, name
        (tmp_path / name).write_text(before, encoding="utf-8")
    assert rehearsal.hash_files(tmp_path, patterns) == code


NOTE_MARKER = "(nagelezen bij de repetitie)"


def change_a_note(repo: Path) -> None:
    """Commit a change to one data file that keeps the data valid: words added to the first
    one-line transcription note (notes are not compared with the source text)."""
    for path in sorted((repo / "data").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^ +note: [^>|'\"\s][^\n#]*$", text, re.M)
        if match:
            path.write_text(f"{text[:match.end()]} {NOTE_MARKER}{text[match.end():]}", encoding="utf-8")
            subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit",
                            "--quiet", "-am", f"data: change a note in {path.name}"], cwd=repo, check=True)
            return
    pytest.fail("no data file has a one-line note to change: update this test")


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_rehearsal_keeps_the_cache_between_two_runs(repo: Path, platform: str) -> None:
    """Two pushes: the first builds cold and saves build/ and site/; the second, one data
    file later, restores them where the build looks for them, and its site has the change."""
    change_a_note(repo)
    result = rehearse(platform, "--previous", "HEAD~1", "--keep", repo=repo)
    out = result.stdout
    kept = re.search(r"^kept (.+)$", out, re.M)
    try:
        assert result.returncode == 0, out[-6000:] + result.stderr[-3000:]
        first, second = out.split("\nsecond run: ", 1)
        assert re.search(r"no cache for .*; the build starts cold", first)
        assert re.search(r"cache saved \(the job succeeded\): build/?, site/?", first)
        assert re.search(r"restored build/?, site/? of ", second)
        assert "the restored build/ and site/ are in place where the build looks for them: yes" in second
        assert "cache round trip: the second run's build started from the first run's build/ and site/" in second
        assert "rehearsal of" in second and "passed (two runs, the cache kept between them)" in second
        # The deployed site is the new data's.
        assert kept
        site = Path(kept.group(1)) / "repo" / ("site" if platform == "github" else "public")
        assert any(NOTE_MARKER in page.read_text(encoding="utf-8") for page in site.rglob("*.html"))
    finally:
        if kept:
            shutil.rmtree(kept.group(1), ignore_errors=True)
