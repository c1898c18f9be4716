"""The CLI against hostile and careless input: each case has its expected exit code, message and files.

Exit codes: 0 ok, 1 bad data or file (message names the file and line), 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gzgeo.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADER = "name,lon,lat\n"
GOOD = "广州塔,113.3191,23.1066\n"

# (case id, CSV text, extra args, exit code, words the one-line message must contain)
CONVERT_CORPUS = [
    ("inf", HEADER + GOOD + "x,inf,23.1\n", [], 1, ["line(s) 3", "finite"]),
    ("overflow", HEADER + GOOD + "x,1e400,23.1\n", [], 1, ["line(s) 3", "finite"]),
    ("lat-95", HEADER + GOOD + "x,113.3,95\n", [], 1, ["line(s) 3", "range"]),
    ("lon-200", HEADER + "x,200,23.1\n" + GOOD, [], 1, ["line(s) 2", "range"]),
    ("lon-minus-200", HEADER + GOOD + "x,-200,23.1\n", [], 1, ["line(s) 3"]),
    ("nan-text", HEADER + GOOD + "x,nan,23.1\n", [], 1, ["line(s) 3"]),
    ("decimal-comma", HEADER + GOOD + 'x,"113,3",23.1\n', [], 1, ["line(s) 3", "non-numeric"]),
    ("words", HEADER + GOOD + "x,east,north\n", [], 1, ["line(s) 3", "non-numeric"]),
    ("duplicate-lon", "name,lon,lat,lon\n" + "a,113.3,23.1,113.4\n", [], 1, ["lon", "more than once"]),
    ("same-columns", HEADER + GOOD, ["--lon-col", "lon", "--lat-col", "lon"], 2, ["--lat-col"]),
    ("missing-column", "name,x,y\n" + "a,113.3,23.1\n", [], 1, ["lon", "columns are"]),
    ("gbk", None, [], 1, ["UTF-8"]),
    ("ragged", HEADER + "a,113.3,23.1,extra,more\n", [], 1, ["CSV"]),
    ("ragged-later", HEADER + GOOD + "a,113.3,23.1,extra\n", [], 1, ["CSV", "line 3"]),
    ("half-coordinate", HEADER + GOOD + "a,113.3,\n", [], 1, ["line(s) 3", "only one"]),
    ("empty-file", "", [], 1, ["CSV"]),
]


@pytest.mark.parametrize("case, text, extra, code, words", CONVERT_CORPUS, ids=[c[0] for c in CONVERT_CORPUS])
def test_convert_corpus(tmp_path, capsys, case, text, extra, code, words):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    if text is None:
        source.write_bytes((HEADER + "广州塔,113.3,23.1\n").encode("gbk"))
    else:
        source.write_text(text, encoding="utf-8")
    before = source.read_bytes()
    assert main(["convert", "--from", "wgs84", "--to", "gcj02", "-q", *extra, str(source), str(target)]) == code
    err = capsys.readouterr().err.strip().splitlines()
    message = err[-1]
    assert all(w in message for w in words), message
    assert "Traceback" not in "\n".join(err)
    assert not target.exists()  # nothing half-done
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no temporary file left


@pytest.mark.parametrize("how", ["same", "dot-dot", "symlink"])
def test_convert_refuses_to_overwrite_its_input(tmp_path, capsys, how):
    source = tmp_path / "same.csv"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    target = {
        "same": source,
        "dot-dot": tmp_path / ".." / tmp_path.name / "same.csv",
        "symlink": tmp_path / "link.csv",
    }[how]
    if how == "symlink":
        target.symlink_to(source)
    assert main(["convert", "--from", "gcj02", "--to", "wgs84", "-q", str(source), str(target)]) == 2
    assert "input" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8") == HEADER + GOOD


def test_convert_failure_keeps_the_previous_output(tmp_path, monkeypatch):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(HEADER + GOOD, encoding="utf-8")
    target.write_text("previous result\n", encoding="utf-8")

    import pandas as pd

    def broken(self, path, *args, **kwargs):
        Path(path).write_text("name,lon", encoding="utf-8")  # half a file, then the disk "fails"
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    assert main(["convert", "--from", "wgs84", "--to", "gcj02", "-q", str(source), str(target)]) == 1
    assert target.read_text(encoding="utf-8") == "previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupted_convert_leaves_no_partial_output(tmp_path, sig):
    source, target = tmp_path / "big.csv", tmp_path / "out.csv"
    row = "平台,113.3191,23.1066\n"
    source.write_text(HEADER + row * 1_500_000, encoding="utf-8")  # ~40 MB: several seconds of work
    before = source.stat().st_size
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gzgeo.cli", "convert", "--from", "wgs84", "--to", "gcj02", str(source), str(target)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt once converting has started: the progress bar (on stderr) says so.
    seen, deadline = "", time.monotonic() + 60
    while "convert wgs84" not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += proc.stderr.read(1)
    time.sleep(0.3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    err = seen + err
    if proc.returncode == 0:
        pytest.skip("the conversion finished before the signal")  # a very fast machine
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "gzgeo: interrupted; no output written"
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]
    assert source.stat().st_size == before


# (case id, argv, exit code, words)
OPTION_CORPUS = [
    ("within-nan", ["query", "near-axis", "--within", "nan"], 2, ["--within"]),
    ("within-inf", ["query", "near-axis", "--within", "inf"], 2, ["--within"]),
    ("within-negative", ["query", "near-axis", "--within", "-1"], 2, ["--within"]),
    ("within-huge", ["query", "near-axis", "--within", "1e12"], 2, ["--within"]),
    ("dpi-3000", ["export", "png", "--dpi", "3000", "-o", "{tmp}/x.png"], 2, ["--dpi", "480"]),
    ("dpi-low", ["export", "png", "--dpi", "10", "-o", "{tmp}/x.png"], 2, ["--dpi"]),
    ("output-dir", ["export", "csv", "-o", "{tmp}"], 1, ["directory"]),
    ("output-folder-missing", ["export", "csv", "-o", "{tmp}/no/such/x.csv"], 1, ["does not exist"]),
    ("unknown-zone", ["query", "in-zone", "<script>"], 1, ["<script>"]),
]


@pytest.mark.parametrize("case, argv, code, words", OPTION_CORPUS, ids=[c[0] for c in OPTION_CORPUS])
def test_option_corpus(tmp_path, capsys, case, argv, code, words):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == code
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_library_bounds_dpi_and_within():
    import gzgeo
    from gzgeo.analysis import along_axis
    from gzgeo.cartography import static_map_bytes

    with pytest.raises(ValueError, match="dpi"):
        static_map_bytes("png", dpi=3000)
    with pytest.raises(ValueError, match="max_dist_m"):
        along_axis(gzgeo.load("platforms"), max_dist_m=float("nan"))
