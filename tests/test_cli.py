"""The ``gzgeo`` command line, run as a subprocess: exit codes, output, files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import gzgeo
from gzgeo.analysis import along_axis
from gzgeo.crs import convert
from gzgeo.export import select_platforms

ROOT = Path(__file__).resolve().parent.parent


def gz(*args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "gzgeo.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=180,
        input=input_text,
    )


@pytest.mark.parametrize(
    "args",
    [[], ["layers"], ["validate"], ["query"], ["query", "near-axis"], ["query", "in-zone"], ["export"], ["convert"]],
)
def test_help_everywhere(args):
    result = gz(*args, "--help")
    assert result.returncode == 0
    assert "usage: gzgeo" in result.stdout


def test_usage_errors_exit_2():
    assert gz().returncode == 2
    bad = gz("export", "shp", "-o", "x.shp")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    assert gz("query", "near-axis", "--within", "far").returncode == 2


def test_layers_lists_every_layer():
    result = gz("layers", "--format", "csv")
    assert result.returncode == 0
    listed = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert list(listed["name"]) == list(gzgeo.LAYERS)


def test_validate_exit_code_matches_the_report():
    result = gz("validate")
    assert result.returncode == (0 if gzgeo.validate().ok else 1)


def test_near_axis_matches_the_library(platforms):
    result = gz("query", "near-axis", "--within", "2000", "--format", "csv")
    assert result.returncode == 0, result.stderr
    printed = pd.read_csv(pd.io.common.StringIO(result.stdout)) if result.stdout.strip() else pd.DataFrame()
    expected = along_axis(platforms, max_dist_m=2000)
    assert len(printed) == len(expected)
    if len(expected):
        assert list(printed["id"]) == list(expected["id"])
        assert (printed["dist_m"] <= 2000).all()


def test_in_zone_by_chinese_name_and_unknown_zone(zones):
    zone = zones[zones["parent"] == ""].iloc[0]
    result = gz("query", "in-zone", zone["name_zh"], "--format", "csv")
    assert result.returncode == 0, result.stderr
    printed = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert set(printed["id"]) == set(select_platforms(zone=zone["id"])["id"])
    unknown = gz("query", "in-zone", "火星科学城")
    assert unknown.returncode == 1
    assert all(zone_id in unknown.stderr for zone_id in zones["id"])


def test_export_filtered_csv_and_png(tmp_path, zones):
    zone = zones[zones["parent"] == ""].iloc[0]
    csv_path = tmp_path / "p.csv"
    result = gz("export", "csv", "-o", str(csv_path), "--zone", zone["name_en"], "--gcj02", "-q")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert len(table) == len(select_platforms(zone=zone["id"])) > 0
    assert {"lon_gcj02", "lat_gcj02"} <= set(table.columns)
    png = tmp_path / "m.png"
    result = gz("export", "png", "-o", str(png), "--preset", "zone", "--map-zone", zone["id"])
    assert result.returncode == 0, result.stderr
    assert Image.open(png).size >= (1920, 1080)
    assert "export png" in result.stderr  # the progress bar
    missing_dir = gz("export", "csv", "-o", str(tmp_path / "nope" / "p.csv"))
    assert missing_dir.returncode == 1 and "does not exist" in missing_dir.stderr
    bad_category = gz("export", "csv", "-o", str(csv_path), "--category", "spaceport")
    assert bad_category.returncode == 1 and "valid" in bad_category.stderr


def test_convert_gcj02_to_wgs84(tmp_path):
    source = tmp_path / "in.csv"
    glon, glat = convert(113.3191, 23.1066, "wgs84", "gcj02")
    pd.DataFrame({"name": ["广州塔", "blank"], "x": [glon, None], "y": [glat, None]}).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    result = gz(
        "convert", "--from", "gcj02", "--to", "wgs84", "--lon-col", "x", "--lat-col", "y", str(source), str(out)
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith("\ufeff".encode())  # a BOM, so Excel reads the Chinese names
    table = pd.read_csv(out)
    assert table["x"].iloc[0] == pytest.approx(113.3191, abs=1e-6)
    assert table["y"].iloc[0] == pytest.approx(23.1066, abs=1e-6)
    assert pd.isna(table["x"].iloc[1]) and table["name"].iloc[0] == "广州塔"
    wrong = gz("convert", "--from", "gcj02", "--to", "wgs84", str(source), str(out))
    assert wrong.returncode == 1 and "--lon-col" in wrong.stderr
    assert gz("convert", "--from", "mars", "--to", "wgs84", str(source), str(out)).returncode == 2


def test_convert_bad_paths_and_encoding_fail_cleanly(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("name,lon,lat\n广州塔,113.3245,23.1040\n", encoding="utf-8")
    for args in (
        [str(source), str(tmp_path / "nope" / "out.csv")],  # output folder missing
        [str(tmp_path), str(tmp_path / "out.csv")],  # input is a folder
        [str(source), str(tmp_path)],
    ):  # output is a folder
        result = gz("convert", "--from", "gcj02", "--to", "wgs84", *args)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "gzgeo: error:" in result.stderr
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("name,lon,lat\n广州塔,113.3245,23.1040\n".encode("gbk"))
    result = gz("convert", "--from", "gcj02", "--to", "wgs84", str(gbk), str(tmp_path / "out.csv"))
    assert result.returncode == 1 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_invalid_option_values_are_usage_errors(tmp_path):
    for args in (
        ["query", "near-axis", "--within", "-5"],
        ["export", "png", "-o", str(tmp_path / "z.png"), "--preset", "zone", "-q"],
        ["export", "png", "-o", str(tmp_path / "z.png"), "--dpi", "60", "-q"],
    ):
        result = gz(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "usage: gzgeo" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "z.png").exists()


def test_plan_stages_preset_from_the_command_line(tmp_path):
    out = tmp_path / "stages.png"
    result = gz("export", "png", "-o", str(out), "--preset", "plan_stages", "-q")
    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (1920, 1080)
