"""`python -m generator serve`: a maintainer edits a data file and sees it without a
restart, first on the document's page, then everywhere (its downloads); a mistake is
shown over the last good preview, and fixing it clears it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import FIXTURE_CORPUS, make_project

pytestmark = pytest.mark.slow
DOC = "data/testdorp/prestatieafspraken-2024.yaml"
PAGE = "gemeenten/testdorp/prestatieafspraken-2024/"
DOWNLOAD = "downloads/testdorp/testdorp-prestatieafspraken-2024.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, text: str, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    last = ""
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{text!r} did not appear at {url} within {timeout} s")


def test_an_edit_shows_without_restart_and_a_mistake_is_shown_until_fixed(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project", FIXTURE_CORPUS)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), "serve",
                                   "--addr", f"127.0.0.1:{port}"], cwd=root, stdout=out, stderr=out,
                                  start_new_session=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        _wait_for(base + PAGE, "Prestatieafspraken 2024")
        doc = root / DOC
        text = doc.read_text(encoding="utf-8")
        assert "Woonborg bouwt 48 woningen." in _wait_for(base + DOWNLOAD, "Woonborg")
        doc.write_text(text.replace("Woonborg bouwt 48 woningen.", "Woonborg bouwt 49 woningen."),
                       encoding="utf-8")
        _wait_for(base + PAGE, "Woonborg bouwt 49 woningen.")
        # The page came first, on its own (preview.py); the rest of the site follows.
        assert "the edited document's pages in" in log.read_text(encoding="utf-8")
        _wait_for(base + DOWNLOAD, "Woonborg bouwt 49 woningen.")
        doc.write_text(text.replace("kind: yearly", "kind: yearlyy"), encoding="utf-8")
        shown = _wait_for(base + PAGE, 'id="data-error"')
        assert "kind" in shown and "Woonborg bouwt 49 woningen." in shown  # the last good page
        other = _wait_for(base, 'id="data-error"')  # over every page, not only the edited one
        doc.write_text(text, encoding="utf-8")
        fixed = _wait_for(base + PAGE, "Woonborg bouwt 48 woningen.")
        assert 'id="data-error"' not in fixed
        assert 'id="data-error"' in other
        _wait_for(base, "</html>")
        end = time.monotonic() + 30  # ... and gone from every page once fixed
        while 'id="data-error"' in urllib.request.urlopen(base, timeout=5).read().decode("utf-8"):
            assert time.monotonic() < end, "the error stayed on the home page after the fix"
            time.sleep(0.3)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
