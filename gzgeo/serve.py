"""Start the Streamlit app warmed, so the first planner to open it gets a map as fast as the next one.

``streamlit run app.py`` imports nothing and builds nothing until the first browser opens the page: that
visitor waits for geopandas and folium to import, the data to load and the map's fixed layers to render
(about two seconds on a 2-core machine), every later visitor finds them in the process's caches. :func:`run_app`
(the ``gzgeo app`` command) starts the same server and, once it answers, asks Streamlit's script health check
to run the app once: the same run a visitor with the default view causes (Chinese, every platform, no
basemap), in a session of its own that no browser sees. The health check endpoint is switched on for this
server only (``--server.scriptHealthCheckEnabled``); it runs the script with no input from the request.

Examples
--------
>>> cmd = streamlit_command(app_script(), address="127.0.0.1", port=8502)
>>> cmd[1:4], "--server.scriptHealthCheckEnabled" in cmd
(['-m', 'streamlit', 'run'], True)
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["app_script", "run_app", "streamlit_command", "wait_healthy", "warm_up"]

#: Streamlit answers its script health check within 60 s or says "timeout"; the app runs in ≈ 1-3 s.
WARM_TIMEOUT_S = 90.0


def app_script() -> Path:
    """``app.py`` of the checkout this package is installed from (``pip install -e .``).

    Raises
    ------
    FileNotFoundError
        When gzgeo is installed without its checkout (the app is not part of the wheel).
    """
    path = Path(__file__).resolve().parent.parent / "app.py"
    if not path.is_file():
        raise FileNotFoundError(f"app.py not found next to the gzgeo package ({path.parent}): run from a checkout")
    return path


def streamlit_command(
    app: str | Path, address: str = "localhost", port: int = 8501, warm: bool = True, extra: Sequence[str] = ()
) -> list[str]:
    """The ``streamlit run`` command line for ``app`` (run from the app's folder, so its ``.streamlit/`` applies)."""
    command = [sys.executable, "-m", "streamlit", "run", Path(app).name]
    command += ["--server.address", address, "--server.port", str(port), "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    if warm:
        command += ["--server.scriptHealthCheckEnabled", "true"]
    return command + list(extra)


def wait_healthy(base: str, proc: subprocess.Popen | None = None, timeout_s: float = 60.0) -> None:
    """Wait until the Streamlit server at ``base`` answers ``/_stcore/health`` (it does before running any script).

    Raises
    ------
    RuntimeError
        If it does not within ``timeout_s`` seconds, or ``proc`` ends first.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
            raise RuntimeError("streamlit did not become healthy")
        time.sleep(0.2)


def warm_up(base: str, timeout_s: float = WARM_TIMEOUT_S) -> tuple[bool, float]:
    """Run the app once through Streamlit's script health check; returns (the run ended without error, seconds).

    The server must have been started with ``--server.scriptHealthCheckEnabled true``
    (:func:`streamlit_command` does). A run that fails or times out only means the first visitor is not
    served warm: it is reported, not raised.
    """
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base}/_stcore/script-health-check", timeout=timeout_s) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    return ok, time.monotonic() - start


def run_app(
    address: str = "localhost", port: int = 8501, warm: bool = True, extra: Iterable[str] = (), app: Path | None = None
) -> int:
    """Serve the app until interrupted (``gzgeo app``); returns Streamlit's exit status (130 after Ctrl-C).

    Parameters
    ----------
    address, port : str, int
        Where to listen (``0.0.0.0`` for a team server).
    warm : bool
        Run the app once as soon as the server answers (see the module notes).
    extra : iterable of str
        More ``streamlit run`` options, e.g. ``["--server.baseUrlPath", "gzgeo"]``.
    """
    app = Path(app) if app is not None else app_script()
    command = streamlit_command(app, address, port, warm, list(extra))
    proc = subprocess.Popen(command, cwd=app.parent)
    if warm:
        host = "127.0.0.1" if address in ("0.0.0.0", "", "localhost") else address
        prefix = _base_path(list(extra))
        threading.Thread(target=_announce_warm, args=(f"http://{host}:{port}{prefix}", proc), daemon=True).start()
    try:
        code = proc.wait()
    except KeyboardInterrupt:  # Ctrl-C (the terminal also sent it to Streamlit) or, through the CLI, a kill
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 130
    return 128 - code if code < 0 else code  # ended by a signal: the shell's convention, not a negative status


def _base_path(extra: list[str]) -> str:
    for i, arg in enumerate(extra):
        value = arg.split("=", 1)[1] if arg.startswith("--server.baseUrlPath=") else None
        if arg == "--server.baseUrlPath" and i + 1 < len(extra):
            value = extra[i + 1]
        if value:
            return "/" + value.strip("/")
    return ""


def _announce_warm(base: str, proc: subprocess.Popen) -> None:
    try:
        wait_healthy(base, proc)
    except RuntimeError:
        return
    ok, seconds = warm_up(base)
    state = "warmed" if ok else "not warmed (the app's run failed or timed out; see the log above)"
    print(f"gzgeo: app {state} in {seconds:.1f} s", file=sys.stderr, flush=True)
