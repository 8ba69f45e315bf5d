# Publishing a built site safely: which directories may be replaced, one build
# at a time, and an atomic swap of the new site into place.
#   check_site_dir() -> build_lock() -> Staging (recover leftovers, stage, swap)
# pipeline.build() calls these in that order; nothing here knows about MkDocs.
# A site directory is only ever replaced if it is empty or a previous build
# (it holds MARKER), so no command line can make a build delete data.
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from .errors import GeneratorError

MARKER = ".prestatieafspraken-site"
MARKER_TEXT = "This directory is a site built by `python -m generator build`; the next build replaces it.\n"
# What a site built before the marker existed looks like (MkDocs Material output).
LEGACY_SITE_FILES = ("index.html", "sitemap.xml", "search/search_index.json")
LOCK_NAME = ".lock"
# Test-only: kill the process at a named point of the swap (see tests/test_publish.py),
# and force the two-rename fallback; both are read from the environment.
KILL_AT_ENV = "PRESTATIEAFSPRAKEN_TEST_KILL_AT"
NO_EXCHANGE_ENV = "PRESTATIEAFSPRAKEN_TEST_NO_EXCHANGE"
INTERRUPT_AT_ENV = "PRESTATIEAFSPRAKEN_TEST_INTERRUPT_AT"


class PublishError(GeneratorError):
    """The site directory cannot be (safely) replaced; nothing was changed."""


def check_site_dir(root: Path, site_dir: Path, protected: list[Path]) -> Path:
    """The resolved site directory, or PublishError if replacing it could lose data.

    Refused: the project root, any directory in `protected` (data/, content/), a
    parent of any of them or a directory inside one, and an existing directory that
    is neither empty nor a previous build.
    """
    site = site_dir.resolve()
    guarded = [root.resolve(), *(p.resolve() for p in protected)]
    for path in guarded:
        if site == path or site in path.parents:
            raise PublishError(f"refusing to build into {site_dir}: it is {_what(path, root)} "
                               f"or a parent of it; choose another --site-dir")
        if path != guarded[0] and path in site.parents:
            raise PublishError(f"refusing to build into {site_dir}: it lies inside "
                               f"{_what(path, root)}; choose another --site-dir")
    if site.parent == site:
        raise PublishError(f"refusing to build into {site_dir}: the file system root")
    if site_dir.is_symlink() or (site.exists() and not site.is_dir()):
        raise PublishError(f"refusing to build into {site_dir}: it exists and is not a directory")
    if site.is_dir() and not is_previous_build(site) and any(site.iterdir()):
        raise PublishError(f"refusing to replace {site_dir}: it exists and is not a site built "
                           f"by this generator (no {MARKER} file in it); remove it yourself or "
                           f"choose another --site-dir")
    return site


def _what(path: Path, root: Path) -> str:
    root = root.resolve()
    if path == root:
        return "the project root"
    return f"{path.relative_to(root).as_posix()}/" if root in path.parents else str(path)


def is_previous_build(path: Path) -> bool:
    if (path / MARKER).is_file():
        return True
    return all((path / name).is_file() for name in LEGACY_SITE_FILES)


@contextmanager
def build_lock(build_dir: Path, wait: bool,
               waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold build/.lock: one build (or generate) per checkout at a time.

    A build refuses at once when another holds the lock (wait=False), so two
    builds never publish over each other and a script finds out immediately;
    generate() (used by `serve` on every edit) waits for a running build instead.
    The lock is an fcntl lock, released by the kernel when the process ends,
    however it ends, so a killed build never leaves a stale lock. Before waiting,
    waiting(message) is called, so a maintainer knows why nothing happens.
    """
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(build_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(f"cannot create the lock file in {build_dir}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            if wait:
                if waiting is not None:
                    waiting(f"waiting for another build in this checkout to finish (process "
                            f"{holder} holds {build_dir / LOCK_NAME})")
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                raise PublishError(f"another build is running in this checkout (process {holder} "
                                   f"holds {build_dir / LOCK_NAME}); wait for it to finish, then "
                                   f"build again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


# --- the swap -------------------------------------------------------------------
#
# The new site is built into a staging directory next to the site (same file
# system) and then exchanged with the old one by renameat2(RENAME_EXCHANGE):
# one system call that swaps two names atomically, so at every instant the site
# path holds either the complete old or the complete new site. The old site is
# then under the staging name and is removed. Where that call does not exist
# (not Linux, old kernels, some file systems) two renames are used: site -> old,
# staging -> site; a kill between them leaves the old site under the "old" name,
# and the next build (recover(), under the lock) moves it back first.

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return getattr(libc, "renameat2", None)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False where the system cannot (use a fallback)."""
    func = _renameat2()
    if func is None or os.environ.get(NO_EXCHANGE_ENV):
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def checkpoint(name: str) -> None:
    """Test-only: die here, as a kill -9 would, or get a Ctrl-C here, if the tests ask."""
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(INTERRUPT_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGINT)


def hold_ctrl_c() -> set[int | signal.Signals] | None:
    """Hold back Ctrl-C (SIGINT) until release_ctrl_c(); returns what to restore.

    Only the main thread receives signals in Python, so elsewhere this does nothing.
    A Ctrl-C that comes meanwhile stays pending; a process that ends while holding
    it simply never sees it.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def helper_threads(workers: int) -> ThreadPoolExecutor:
    """A pool of threads that never take Ctrl-C. The kernel gives a process's SIGINT to
    any thread that does not block it, and Python then raises KeyboardInterrupt in the
    main thread even while hold_ctrl_c() blocks it there: a pool thread (even one that
    is just ending after its pool was shut down) would let a Ctrl-C through the swap."""
    return ThreadPoolExecutor(max_workers=workers, initializer=signal.pthread_sigmask,
                              initargs=(signal.SIG_BLOCK, {signal.SIGINT}))


def release_ctrl_c(previous: set[int | signal.Signals] | None) -> None:
    """Let Ctrl-C through again; one that came meanwhile is raised here."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ctrl_c_pending() -> bool:
    return signal.SIGINT in signal.sigpending()


def remove_apart(folder: Path) -> None:
    """Delete folder in a detached process that outlives this one: the command
    returns while it runs, and a Ctrl-C at the terminal does not reach it (a session
    of its own). A fork, not a new program: starting one while Ctrl-C is held back
    (after the swap) can raise the held Ctrl-C in this process."""
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.setsid()
            # The removal must not keep what the build holds open: above all the build
            # lock, which would refuse the next build until the removal ends. Closed
            # before the grandchild is forked, so none of it is open once this
            # process, which the build waits for, has ended.
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            if os.fork() == 0:  # the grandchild, nobody's to wait for
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


class Staging:
    """The directory a new site is built in, next to the site directory.

    On entry it recovers from an interrupted earlier build and creates an empty
    staging directory holding MARKER; publish() swaps it into place. On exit,
    whatever happened (an error, Ctrl-C), nothing is left but the site.
    """

    def __init__(self, site: Path, hold_ctrl_c_to_exit: bool = False, trash: Path | None = None) -> None:
        self.site = site
        # Where the replaced site goes to be removed by a process of its own, so the
        # command need not wait for it (tens of thousands of files nationally); on
        # the site's file system. None: removed before the command returns.
        self.trash = trash
        self.hold_to_exit = hold_ctrl_c_to_exit
        self.published = False
        self.interrupted_after_publishing = False
        # Where the site it replaced is once published, until removed (None: there was none).
        self.replaced: Path | None = None
        self._held: set[int | signal.Signals] | None = None
        self.path = site.with_name(f".{site.name}-building")
        self.old = site.with_name(f".{site.name}-old")

    def __enter__(self) -> Staging:
        self.check_writable()
        try:
            self.recover()
            self.path.mkdir(parents=True)
            (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as exc:
            self._cleanup()
            raise PublishError(f"cannot prepare a new site next to {self.site}: "
                               f"{exc.strerror or exc} ({exc.filename or self.site.parent})") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._cleanup()
        if not self.published:
            return
        # Ctrl-C has been held since the swap began (publish()): the new site is in
        # place, so the build succeeded whatever comes now. The command line keeps
        # holding it until the process ends (hold_ctrl_c_to_exit); a library caller
        # gets Ctrl-C back here, and a pending one is recorded, not raised.
        self.interrupted_after_publishing = ctrl_c_pending()
        if not self.hold_to_exit:
            try:
                release_ctrl_c(self._held)
            except KeyboardInterrupt:
                self.interrupted_after_publishing = True

    def check_writable(self) -> None:
        """Refuse before building when the old site could not be removed afterwards."""
        dirs: list[str | Path] = [self.site.parent]
        if self.site.is_dir():
            dirs.append(self.site)
            # For root (CI, the Pages pipelines' containers) os.access answers yes for
            # every folder of a writable file system: the walk (100,000 folders
            # nationally, 3 s of CPU beside the generator's loading) would ask in vain.
            if os.geteuid() != 0:
                dirs += [folder for folder, _, _ in os.walk(self.site)]
        for path in dirs:
            if not os.access(path, os.W_OK | os.X_OK):
                raise PublishError(f"cannot replace {self.site}: {path} is read-only; the "
                                   f"previous site is unchanged")

    def recover(self) -> None:
        """Bring a site directory left by a killed build back to a clean state."""
        if not self.site.exists() and self.old.is_dir() and is_previous_build(self.old):
            self.old.rename(self.site)  # killed between the two fallback renames
        for leftover in (self.path, self.old):
            if leftover.is_dir() and not leftover.is_symlink():
                if not (is_previous_build(leftover) or not any(leftover.iterdir())):
                    raise PublishError(f"{leftover} exists and is not a build of this generator; "
                                       f"remove it yourself")
                shutil.rmtree(leftover)
        if self.trash is not None and self.trash.is_dir() and any(self.trash.iterdir()):
            remove_apart(self.trash)  # a removal that a kill or a reboot cut short

    def publish(self) -> None:
        """Swap the staged site into place; the old site is removed afterwards.

        Ctrl-C before the swap keeps the old site; from the swap on it is held
        back (see __exit__), so a build that swapped is never reported as stopped.
        """
        checkpoint("staged")
        self._held = hold_ctrl_c()
        try:
            self._swap()
        except BaseException:
            release_ctrl_c(self._held)
            raise
        self.published = True

    def _swap(self) -> None:
        try:
            if not self.site.exists():
                self.path.rename(self.site)
            elif exchange(self.path, self.site):
                self.replaced = self.path
                checkpoint("exchanged")  # the old site now sits at self.path
            else:
                self.site.rename(self.old)
                checkpoint("between-renames")
                try:
                    self.path.rename(self.site)
                except OSError:
                    self.old.rename(self.site)
                    raise
                self.replaced = self.old
        except OSError as exc:
            raise PublishError(f"cannot replace {self.site}: {exc.strerror or exc}; the previous "
                               f"site is unchanged") from None

    def _cleanup(self) -> None:
        if self.published and self.trash is not None:
            for old in (self.path, self.old):  # the replaced site: the former if exchanged
                if old.is_dir() and not old.is_symlink():
                    try:
                        self.trash.mkdir(parents=True, exist_ok=True)
                        old.rename(self.trash / f"{self.site.name}-{os.getpid()}-{time.time_ns()}")
                    except OSError:
                        continue  # another file system: removed here, below
                    remove_apart(self.trash)
        for leftover in (self.path, self.old):
            # A staging directory that cannot be removed (read-only) is reported by
            # the next build's recover(); never fail the swap for it.
            shutil.rmtree(leftover, ignore_errors=True)
