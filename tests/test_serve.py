"""gzgeo.serve: the app's launcher runs the app once before the first visitor, and stops Streamlit with it."""

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

from gzgeo.browser import serve_app
from gzgeo.serve import app_script, streamlit_command, warm_up

ROOT = Path(__file__).resolve().parent.parent


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_app_script_is_the_checkouts_app():
    assert app_script() == ROOT / "app.py"


def test_the_health_check_is_switched_on_only_for_a_warmed_server():
    warmed = streamlit_command("app.py", port=9999)
    cold = streamlit_command("app.py", port=9999, warm=False)
    assert warmed[warmed.index("--server.scriptHealthCheckEnabled") + 1] == "true"
    assert "--server.scriptHealthCheckEnabled" not in cold
    assert cold[cold.index("--server.port") + 1] == "9999"


@pytest.mark.parametrize(
    ("script", "runs"), [("import streamlit as st\nst.write('ok')\n", True), ("raise SystemError('no')\n", False)]
)
def test_warm_up_says_whether_the_app_ran(tmp_path, script, runs):
    app = tmp_path / "app.py"
    app.write_text(script, encoding="utf-8")
    with serve_app(app, tmp_path / "streamlit.log") as base:
        ok, seconds = warm_up(base)
        assert ok is runs
        assert 0 <= seconds < 60
        assert _answers(f"{base}/_stcore/health")  # a failing app is reported, the server keeps serving


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gzgeo_app_runs_the_app_before_the_first_visitor_and_stops_streamlit_on_ctrl_c(tmp_path):
    port = _free_port()
    # The checkout first on the path: as installed by `pip install -e .`, whatever this machine has installed.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "GZGEO_SYNTHETIC_PLATFORMS": "0", "PYTHONPATH": path}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gzgeo", "app", "--address", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,  # the launcher finds app.py next to the package, not in the working directory
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        said = []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            said.append(line)
            if line.startswith("gzgeo: app "):
                break
        assert said and said[-1].startswith("gzgeo: app warmed in "), "".join(said)
        assert _answers(f"http://127.0.0.1:{port}/_stcore/health")
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        assert not _answers(f"http://127.0.0.1:{port}/_stcore/health")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_the_warm_up_finds_a_server_under_a_base_path():
    from gzgeo.serve import _base_path

    assert _base_path(["--server.baseUrlPath", "gzgeo/"]) == "/gzgeo"
    assert _base_path(["--server.baseUrlPath=/a/b"]) == "/a/b"
    assert _base_path(["--server.maxUploadSize", "5"]) == ""
