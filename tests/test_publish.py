# Build safety (publish.py), always in a temporary copy of a project: a site
# directory that is not a previous build is never replaced, builds exclude each
# other, and a build killed or interrupted at any point leaves a complete site
# (the old or the new one) that the next build recovers from. Commands run in a
# subprocess under the time and memory limits of test_hostile.py.
from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from generator import pipeline, publish, share
from generator.errors import GeneratorError
from generator.pipeline import Settings, build
from tests.test_hostile import digest, finish, make_project, run, start


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def everything(root: Path) -> dict[str, str]:
    """The project as a maintainer has it (build/ is the generator's own scratch space)."""
    return {path: sha for path, sha in digest(root).items() if not path.startswith("build/")}


DANGEROUS = {
    "data": "refusing to build into data: it is data/ or a parent of it",
    ".": "refusing to build into .: it is the project root or a parent of it",
    "..": "refusing to build into ..: it is the project root or a parent of it",
    "content": "refusing to build into content: it is content/ or a parent of it",
    "data/nieuw": "refusing to build into data/nieuw: it lies inside data/",
    "content/site": "refusing to build into content/site: it lies inside content/",
    "build/docs": "refusing to build into build/docs: it is build/docs/ or a parent of it",
    "hooks": "refusing to replace hooks: it exists and is not a site built by this generator",
    "mkdocs.yml": "refusing to build into mkdocs.yml: it exists and is not a directory",
    "site_theme": "refusing to build into site_theme: it exists and is not a directory",
}


@pytest.mark.parametrize("site_dir", list(DANGEROUS))
def test_a_dangerous_site_dir_is_refused_and_nothing_is_touched(project: Path, site_dir: str) -> None:
    before = everything(project)
    result = run(project, "build", "--site-dir", site_dir)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {DANGEROUS[site_dir]}"), result.stderr
    assert "Traceback" not in result.stderr
    assert everything(project) == before


def test_an_empty_or_new_site_dir_is_accepted(project: Path) -> None:
    (project / "leeg").mkdir()
    for name in ("leeg", "nieuw"):
        assert publish.check_site_dir(project, project / name, [project / "data"]) == project / name


def test_a_site_from_before_the_marker_is_recognised(project: Path) -> None:
    site = project / "site"
    (site / publish.MARKER).unlink()
    with pytest.raises(publish.PublishError, match="not a site built by this generator"):
        publish.check_site_dir(project, site, [])
    for name in publish.LEGACY_SITE_FILES:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x", encoding="utf-8")
    assert publish.check_site_dir(project, site, []) == site


def test_a_second_build_is_refused_while_one_runs(project: Path) -> None:
    before = digest(project / "site")
    (project / "build").mkdir()
    with (project / "build/.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write("4242\n")
        lock.flush()
        result = run(project, "build")
    assert result.returncode == 1
    assert result.stderr.startswith("error: another build is running in this checkout (process "
                                    "4242 holds"), result.stderr
    assert digest(project / "site") == before
    assert run(project, "check").returncode == 0  # reading is never locked out


def test_exchange_swaps_two_directories_atomically(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/x").write_text("a", encoding="utf-8")
    (tmp_path / "b/x").write_text("b", encoding="utf-8")
    if not publish.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available here; the fallback is tested below")
    assert (tmp_path / "a/x").read_text(encoding="utf-8") == "b"
    assert (tmp_path / "b/x").read_text(encoding="utf-8") == "a"


def _previous_build(path: Path, text: str) -> None:
    path.mkdir()
    (path / publish.MARKER).write_text("", encoding="utf-8")
    (path / "index.html").write_text(text, encoding="utf-8")


def test_recovery_after_a_kill_between_the_two_fallback_renames(tmp_path: Path) -> None:
    # State: site/ already renamed away to .site-old, the new one still at .site-building.
    _previous_build(tmp_path / ".site-old", "old")
    _previous_build(tmp_path / ".site-building", "half")
    with publish.Staging(tmp_path / "site"):
        assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == "old"
        assert not (tmp_path / ".site-old").exists()
        assert sorted(os.listdir(tmp_path / ".site-building")) == [publish.MARKER]
    assert sorted(os.listdir(tmp_path)) == ["site"]


def test_recovery_refuses_a_leftover_that_is_not_a_build(tmp_path: Path) -> None:
    _previous_build(tmp_path / "site", "old")
    (tmp_path / ".site-building").mkdir()
    (tmp_path / ".site-building/notities.txt").write_text("mijn werk", encoding="utf-8")
    with pytest.raises(publish.PublishError, match="is not a build of this generator"), \
            publish.Staging(tmp_path / "site"):
        pass
    assert (tmp_path / ".site-building/notities.txt").exists()


def test_a_failed_second_rename_puts_the_old_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _previous_build(tmp_path / "site", "old")
    monkeypatch.setenv(publish.NO_EXCHANGE_ENV, "1")
    real_rename = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name == ".site-building":
            raise PermissionError(13, "Permission denied", str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(publish.PublishError, match="the previous site is unchanged"), \
            publish.Staging(tmp_path / "site") as staging:
        staging.publish()
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["site"]


def _gone(path: Path, seconds: float = 20.0) -> bool:
    """Whether the folder is removed, or emptied, within the time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if not any(path.iterdir()):
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_the_replaced_site_is_removed_apart_and_a_leftover_by_the_next_build(tmp_path: Path) -> None:
    _previous_build(tmp_path / "site", "old")
    trash = tmp_path / "build/old-sites"
    with publish.Staging(tmp_path / "site", trash=trash) as staging:
        (staging.path / "index.html").write_text("new", encoding="utf-8")
        staging.publish()
    # The old site left the site's folder at once; a process of its own removes it.
    assert sorted(os.listdir(tmp_path)) == ["build", "site"]
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == "new"
    assert _gone(trash)
    # A removal cut short (a kill, a reboot): the next build removes what is left.
    trash.mkdir(parents=True, exist_ok=True)
    _previous_build(trash / "site-1-2", "half removed")
    with publish.Staging(tmp_path / "site", trash=trash):
        pass
    assert _gone(trash)
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == "new"


def test_the_next_build_can_start_while_the_replaced_site_is_being_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A slow removal (a national site: tens of thousands of files) must not hold the
    # build lock the build that started it had open: the next build starts at once.
    removing = tmp_path / "removing"
    slow_rmtree, test_process = publish.shutil.rmtree, os.getpid()

    def slow(folder: object, ignore_errors: bool = False) -> None:
        if os.getpid() != test_process:  # in the remover only
            removing.touch()
            time.sleep(3)
        slow_rmtree(folder, ignore_errors=ignore_errors)  # type: ignore[arg-type]

    monkeypatch.setattr(publish.shutil, "rmtree", slow)  # inherited by the forked remover
    _previous_build(tmp_path / "site", "old")
    build_dir = tmp_path / "build"
    with (publish.build_lock(build_dir, wait=False),
          publish.Staging(tmp_path / "site", trash=build_dir / "old-sites") as staging):
        (staging.path / "index.html").write_text("new", encoding="utf-8")
        staging.publish()
    deadline = time.monotonic() + 2
    while not removing.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert removing.exists() and any((build_dir / "old-sites").iterdir())  # still removing
    with publish.build_lock(build_dir, wait=False):  # refused while the remover held the lock
        pass


def test_a_read_only_site_is_reported_before_building(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root every directory is writable, so the check is shown by its answer, as a
    # maintainer's own account gets it.
    site = project / "site"
    real_access = os.access
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == site / "gemeenten"
                        else real_access(path, mode))
    before = digest(site)
    with pytest.raises(publish.PublishError, match=r"gemeenten is read-only; the previous site is unchanged"):
        build(Settings(project), site)
    assert digest(site) == before
    assert not (project / ".site-building").exists()


def test_as_root_the_site_is_not_walked_to_check_it(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root may write into every folder: asking each of them (the walk) is skipped."""
    site = project / "site"  # a site built before (make_project)
    assert (site / "gemeenten").is_dir()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    real_walk = os.walk

    def walk(top: str | Path, *args: object, **kwargs: object) -> object:
        assert Path(top) != site, "the site was walked"
        return real_walk(top, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(os, "walk", walk)
    with publish.Staging(site) as staging:
        assert staging.path.is_dir()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(AssertionError, match="the site was walked"), publish.Staging(site):
        pass


# --- real builds (MkDocs) -----------------------------------------------------------

def _retitle(project: Path) -> None:
    doc = project / "data/testdorp/prestatieafspraken-2024.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("title: Prestatieafspraken 2024\n",
                                                           "title: Nieuwe titel\n", 1), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["staged", "exchanged", "between-renames"])
def test_a_build_killed_at_any_point_leaves_a_complete_site(project: Path, point: str) -> None:
    assert run(project, "build").returncode == 0
    old = digest(project / "site")
    assert publish.MARKER in old and "index.html" in old
    _retitle(project)
    env = {**os.environ, publish.KILL_AT_ENV: point}
    if point == "between-renames":
        env[publish.NO_EXCHANGE_ENV] = "1"
    killed = run(project, "build", env=env)
    assert killed.returncode == -signal.SIGKILL
    after_kill = digest(project / "site") if (project / "site").exists() else None
    if point == "between-renames":
        assert after_kill is None  # the one instant the fallback has no site/ ...
        assert digest(project / ".site-old") == old  # ... the old one is complete beside it
    recovered = run(project, "build")
    assert recovered.returncode == 0, recovered.stderr
    new = digest(project / "site")
    assert new != old
    if after_kill is not None:
        assert after_kill in (old, new)  # never a mixture, never nothing
    assert sorted(p.name for p in project.iterdir() if "site" in p.name) == ["site", "site_theme"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["staged", "exchanged"])
def test_ctrl_c_just_before_or_during_the_swap(project: Path, point: str) -> None:
    """Before the swap Ctrl-C keeps the old site (130); once the swap has begun it
    is finished, and the build reports a complete new site (0), never "unchanged"."""
    assert run(project, "build").returncode == 0
    old = digest(project / "site")
    _retitle(project)
    result = run(project, "build", env={**os.environ, publish.INTERRUPT_AT_ENV: point})
    assert "Traceback" not in result.stderr
    if point == "staged":
        assert result.returncode == 130, result.stderr
        assert result.stderr.startswith("interrupted; the previous site is unchanged")
        assert digest(project / "site") == old
    else:
        assert result.returncode == 0, result.stderr
        assert "the new site is complete" in result.stderr
        html = (project / "site/gemeenten/testdorp/prestatieafspraken-2024/index.html").read_text(encoding="utf-8")
        assert "Nieuwe titel" in html
    assert sorted(p.name for p in project.iterdir() if "site" in p.name) == ["site", "site_theme"]


@pytest.mark.slow
def test_concurrent_builds_exclude_each_other(project: Path) -> None:
    assert run(project, "build").returncode == 0
    _retitle(project)
    first = start(project, "build")
    time.sleep(0.4)
    second = finish(start(project, "build"))
    first_done = finish(first)
    assert first_done.returncode == 0, first_done.stderr
    assert second.returncode in (0, 1)  # refused while the first ran, or built after it
    if second.returncode == 1:
        assert "another build is running" in second.stderr
    assert "Traceback" not in first_done.stderr + second.stderr
    html = (project / "site/gemeenten/testdorp/prestatieafspraken-2024/index.html").read_text(encoding="utf-8")
    assert "Nieuwe titel" in html
    assert sorted(p.name for p in project.iterdir() if "site" in p.name) == ["site", "site_theme"]


@pytest.mark.slow
def test_ctrl_c_at_any_moment_leaves_the_site_and_no_staging(project: Path) -> None:
    assert run(project, "build").returncode == 0
    current = digest(project / "site")
    _retitle(project)
    outcomes = set()
    for delay in (0.3, 0.6, 0.9, 1.2):
        process = start(project, "build")
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        result = finish(process)
        outcomes.add(result.returncode)
        assert "Traceback" not in result.stderr
        assert result.returncode in (0, 130, -signal.SIGINT), result.stderr
        if result.returncode == 130:
            assert result.stderr.startswith("interrupted")
        if result.returncode != 0:
            assert digest(project / "site") == current, (result.returncode, result.stderr)  # interrupted: the site before it
        elif "the new site is complete" in result.stderr:
            assert digest(project / "site") != current  # interrupted in the swap: the new one
        current = digest(project / "site")
        assert not (project / ".site-building").exists()
        assert not (project / ".site-old").exists()
    assert outcomes & {130, -signal.SIGINT}  # at least one interrupt landed mid-build


def test_library_build_refuses_the_project_root(project: Path) -> None:
    with pytest.raises(GeneratorError, match="project root"):
        build(Settings(project), project)
    assert (project / "data/municipalities.yaml").exists()


# The share images, feeds and chart embeds are made while the builder runs (pipeline.py)
# and written once it is done: the builder lists build/docs when it starts.
def _watch_builder(monkeypatch: pytest.MonkeyPatch, result: subprocess.CompletedProcess[str] | None,
                   seen: list[bool], docs: Path) -> None:
    real = subprocess.run

    def watched(command: list[str], **kwargs: object) -> object:
        if "build" in command and "--site-dir" in command:  # the builder
            seen.append(any(docs.rglob("*.png")))  # a share image
            if result is not None:
                return result
        return real(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(pipeline.subprocess, "run", watched)


def test_the_share_images_are_written_after_the_builder(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The builder lists build/docs as it starts: no file may be replaced while it runs.
    # The share images, drawn meanwhile, come after it; they, the feeds and the chart
    # embeds (none of which the builder reads) are in the site as build/docs has them.
    monkeypatch.setenv("SITE_URL", "https://prestatieafspraken.example.org/")
    seen: list[bool] = []
    _watch_builder(monkeypatch, None, seen, project / "build/docs")
    build(Settings(project), project / "site")
    assert seen == [False]  # no image yet when the builder started
    site = project / "site"
    for docs_file in (project / "build/docs").rglob("*"):
        rel = docs_file.relative_to(project / "build/docs").as_posix()
        if docs_file.is_file() and rel.startswith(("feeds/", "deelbeeld/", "grafiek/")):
            assert (site / rel).read_bytes() == docs_file.read_bytes(), rel
    assert list((site / "feeds").rglob("*.xml"))


def test_a_builder_failure_stops_the_generator_and_leaves_the_site(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = everything(project)
    failed = subprocess.CompletedProcess([], 1, "", "ERROR    -  a page is missing\n")
    _watch_builder(monkeypatch, failed, [], project / "build/docs")
    with pytest.raises(GeneratorError, match="a page is missing"):
        build(Settings(project), project / "site")
    assert multiprocessing.active_children() == []
    assert everything(project) == before


def test_a_file_that_cannot_be_written_after_the_builder_leaves_the_site(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    before = everything(project)
    real = Path.write_bytes

    def full(path: Path, data: bytes) -> int:
        if ".png" in path.name:  # a share image, or its temporary file
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setenv("SITE_URL", "https://prestatieafspraken.example.org/")
    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(GeneratorError, match=r"cannot write .*/build/docs/deelbeeld/.*\.png: No space"):
        build(Settings(project), project / "site")
    assert everything(project) == before
    assert multiprocessing.active_children() == []


def test_a_thread_of_the_build_never_lets_a_held_ctrl_c_through() -> None:
    # The kernel gives a process's Ctrl-C to any thread not blocking it; Python then
    # raises it in the main thread, even while the main thread holds it back.
    started = threading.Event()
    release = threading.Event()
    with publish.helper_threads(1) as pool:
        pool.submit(lambda: (started.set(), release.wait(5)))
        started.wait(5)
        held = publish.hold_ctrl_c()
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # a thread that could take it would have by now
            assert publish.ctrl_c_pending()
        finally:
            release.set()
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # drop the pending one
            publish.release_ctrl_c(held)
            signal.signal(signal.SIGINT, previous)


def test_the_share_images_are_drawn_while_the_builder_runs(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://prestatieafspraken.example.org/")
    started, seen = project / "builder-started", project / "drawing-saw-the-builder"
    real_render, real_run = share.render_cached, subprocess.run

    def render_cached(*args: object) -> object:  # in the process build() draws in
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if started.exists():
            seen.touch()
        return real_render(*args)  # type: ignore[arg-type]

    def run(command: list[str], **kwargs: object) -> object:
        if "build" in command and "--site-dir" in command:
            started.touch()
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(share, "render_cached", render_cached)
    monkeypatch.setattr(pipeline.subprocess, "run", run)
    build(Settings(project), project / "site")
    assert seen.exists()


def test_a_failed_build_stops_drawing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The share images are drawn while the builder runs (in a process of their own);
    # when it fails, the drawing ends with the build, and no image more is drawn.
    monkeypatch.setenv("SITE_URL", "https://prestatieafspraken.example.org/")
    drawn = project / "drawn"
    real_render = share.render_cached

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        drawn.mkdir(exist_ok=True)
        (drawn / str(time.monotonic_ns())).touch()
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(share, "render_cached", slow)
    failed = subprocess.CompletedProcess([], 1, "", "ERROR    -  a page is missing\n")
    _watch_builder(monkeypatch, failed, [], project / "build/docs")
    with pytest.raises(GeneratorError, match="a page is missing"):
        build(Settings(project), project / "site")
    so_far = len(list(drawn.iterdir())) if drawn.exists() else 0
    time.sleep(1.5)  # what a drawing left running would have drawn by now
    assert so_far <= 1  # the one begun when the builder failed at once, at most
    assert (len(list(drawn.iterdir())) if drawn.exists() else 0) == so_far
    assert multiprocessing.active_children() == []
