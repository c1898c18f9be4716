"""The workspace: corrections and additions over the bundled data, edit log, undo, concurrency, kill -9.

Every test runs on both backends (a GeoPackage file and a throwaway PostGIS cluster).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import gzgeo
from gzgeo.crs import GUANGZHOU_METRIC_CRS
from gzgeo.workspace import EditConflict, PermissionDenied, active_workspace, open_workspace

ROOT = Path(__file__).resolve().parent.parent
LAB = "gba-national-tech-innovation-center"  # bundled with zone precision, drawn on 科学城's representative point


def _metres(a, b) -> float:
    pts = gpd.GeoSeries([a, b], crs=4326).to_crs(GUANGZHOU_METRIC_CRS)
    return float(pts.iloc[0].distance(pts.iloc[1]))


def test_correction_shows_in_load_and_undo_restores(workspace_url):
    bundled = gzgeo.load("platforms", workspace=False).set_index("id")
    ws = open_workspace()
    batch = ws.correct_location(LAB, 113.3702, 23.0712, precision="site", source="site visit", actor="alice")
    after = gzgeo.load("platforms").set_index("id")
    assert len(after) == len(bundled)
    assert after.loc[LAB, "location_precision"] == "site"
    assert not after.loc[LAB, "location_is_estimate"]
    assert _metres(after.loc[LAB, "geometry"], gzgeo.load("platforms").set_index("id").geometry[LAB]) == 0
    assert abs(after.loc[LAB, "lon"] - 113.3702) < 1e-12 and abs(after.loc[LAB, "lat"] - 23.0712) < 1e-12
    assert after.loc[LAB, "location_source"] == "site visit"
    # every other platform is untouched
    others = after.drop(index=LAB)
    assert others.geometry.geom_equals(bundled.drop(index=LAB).geometry).all()

    log = ws.log()
    assert len(log) == 1
    entry = log.iloc[0]
    assert (entry["actor"], entry["action"], entry["feature_id"], entry["batch"]) == ("alice", "correct", LAB, batch)
    assert entry["precision"] == "site" and entry["source"] == "site visit"
    assert "lon/lat: – → 113.370200,23.071200" in entry["changes"]
    assert "location_precision: – → site" in entry["changes"]
    assert entry["note"].startswith("was ") and "(zone)" in entry["note"]  # where it was drawn before

    assert ws.undo(actor="bob") == batch
    restored = gzgeo.load("platforms").set_index("id")
    assert restored.loc[LAB, "location_precision"] == "zone"
    assert restored.geometry[LAB].equals(bundled.geometry[LAB])
    log = ws.log()
    assert list(log["action"]) == ["undo", "correct"]
    assert log.iloc[0]["actor"] == "bob" and log.iloc[1]["undone_by"] == log.iloc[0]["batch"]
    with pytest.raises(LookupError):
        ws.undo(actor="bob")


def test_additions_and_datum_of_a_correction(workspace_url):
    ws = open_workspace()
    truth = (113.4521, 23.1688)
    gcj = gzgeo.convert(*truth, "wgs84", "gcj02")
    ws.correct_location(LAB, *gcj, precision="campus_or_park", source="AMap pick", actor="a", datum="gcj02")
    ws.add_platforms(
        [
            {
                "id": "user-x",
                "name_zh": "某孵化器",
                "name_en": "Some incubator",
                "category": "incubator",
                "district": "黄埔区",
                "location_precision": "site",
                "location_source": "list",
                "lon": truth[0],
                "lat": truth[1],
            },
            {
                "id": "user-y",
                "name_zh": "某研究院",
                "category": "innovation_institute",
                "district": "南沙区",
                "location_precision": "district",
                "anchor": "南沙区",
            },
        ],
        actor="a",
        source="test",
    )
    platforms = gzgeo.load("platforms").set_index("id")
    assert len(platforms) == len(gzgeo.load("platforms", workspace=False)) + 2
    assert _metres(platforms.geometry[LAB], gpd.points_from_xy([truth[0]], [truth[1]])[0]) < 0.01
    assert platforms.loc["user-x", "name_zh"] == "某孵化器" and platforms.loc["user-x", "lon"] == truth[0]
    # a district-precision addition has no exact point: drawn inside its district, flagged as an estimate
    districts = gzgeo.load("districts").set_index("name_zh")
    assert platforms.loc["user-y", "location_is_estimate"]
    assert pd.isna(platforms.loc["user-y", "lon"])
    assert districts.geometry["南沙区"].contains(platforms.geometry["user-y"])
    # analyses see the additions: the Huangpu incubator is counted in its district
    assert (
        gzgeo.filter_platforms(platforms.reset_index(), gzgeo.PlatformFilter(district=("黄埔区",)))["id"]
        .eq("user-x")
        .any()
    )


def test_undo_refuses_to_clobber_a_later_edit(workspace_url):
    ws = open_workspace()
    first = ws.correct_location(LAB, 113.37, 23.07, precision="site", source="one", actor="a")
    ws.correct_location(LAB, 113.371, 23.071, precision="site", source="two", actor="b")
    with pytest.raises(EditConflict):
        ws.undo(actor="a", batch=first)
    assert gzgeo.load("platforms").set_index("id").loc[LAB, "location_source"] == "two"
    ws.undo(actor="a")  # the later one
    ws.undo(actor="a")  # then the first
    assert gzgeo.load("platforms").set_index("id").loc[LAB, "location_precision"] == "zone"


def test_single_authorisation_hook(workspace_url, monkeypatch):
    ws = open_workspace()

    def deny(self, actor):
        raise PermissionDenied(f"{actor} is a viewer")

    monkeypatch.setattr(type(ws), "require_editor", deny)
    with pytest.raises(PermissionDenied):
        ws.correct_location(LAB, 113.37, 23.07, precision="site", source="x", actor="viewer")
    with pytest.raises(PermissionDenied):
        ws.add_platforms([{"id": "user-z", "name_zh": "z"}], actor="viewer", source="x")
    assert ws.log().empty and ws.overlay() == {}


def test_bad_edits_are_rejected_whole(workspace_url):
    ws = open_workspace()
    with pytest.raises(ValueError):
        ws.write(
            [(LAB, {"props": {"notes": "fine"}}), ("user-q", {"props": {"location_precision": "exact"}})],
            actor="a",
            action="add",
        )
    assert ws.log().empty and ws.overlay() == {}  # the first change of the failed transaction is not kept
    with pytest.raises(ValueError):
        ws.correct_location(LAB, 113.37, 23.07, precision="district", source="x", actor="a")


def test_loading_never_creates_the_default_workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("GZGEO_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert active_workspace() is None
    assert len(gzgeo.load("platforms")) == len(gzgeo.load("platforms", workspace=False))
    assert not (tmp_path / "share").exists()
    ws = open_workspace()  # the first edit creates it, in the user's data folder
    assert Path(ws.url) == tmp_path / "share" / "gzgeo" / "workspace.gpkg"


def test_geopackage_is_a_real_geopackage(tmp_path, monkeypatch):
    path = tmp_path / "team.gpkg"
    monkeypatch.setenv("GZGEO_WORKSPACE", str(path))
    open_workspace().correct_location(LAB, 113.3702, 23.0712, precision="site", source="s", actor="a")
    layer = gpd.read_file(path, layer="platform_edits", engine="pyogrio")
    assert layer.crs.to_epsg() == 4326 and list(layer["id"]) == [LAB]
    assert layer.geometry.iloc[0].x == 113.3702 and layer.geometry.iloc[0].y == 23.0712
    out = subprocess.run(["ogrinfo", "-ro", "-so", str(path), "platform_edits"], capture_output=True, text=True)
    if out.returncode == 0 or "command not found" not in out.stderr:
        assert "Feature Count: 1" in out.stdout


_WRITER = textwrap.dedent("""
    import sys
    from gzgeo.workspace import open_workspace
    url, field, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ws = open_workspace(url)
    ids = [f"user-{k}" for k in range(4)]
    for i in range(n):
        ws.write({key: {"props": {"name_zh": key, field: f"{field}-{i}"}} for key in ids}, actor=field,
                 action="add", source="writer")
""")


def test_two_writers_at_once_lose_no_edit(workspace_url):
    open_workspace()  # create the schema before the race
    n = 15
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, workspace_url, field, str(n)], env=env, stderr=subprocess.PIPE, text=True
        )
        for field in ("notes", "address")
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    ws = open_workspace()
    log = ws.log().sort_values("seq")
    assert len(log) == 2 * n * 4
    overlay = ws.overlay()
    for key in (f"user-{k}" for k in range(4)):
        # both writers' last value of their own field survives
        assert overlay[key]["props"]["notes"] == f"notes-{n - 1}"
        assert overlay[key]["props"]["address"] == f"address-{n - 1}"
        chain = log[log["feature_id"] == key]
        # each entry starts from the state the previous one left: no update was lost in between
        for prev, cur in zip(chain["after"].iloc[:-1], chain["before"].iloc[1:], strict=True):
            assert cur == prev
        assert chain["after"].iloc[-1] == overlay[key]


_IMPORTER = textwrap.dedent("""
    import sys
    from gzgeo.io import import_platforms
    from gzgeo.workspace import open_workspace
    url, path = sys.argv[1], sys.argv[2]
    ws = open_workspace(url)
    print("ready", flush=True)
    while True:
        import_platforms(path, datum="gcj02", workspace=ws, commit=True, actor="killer")
""")


def _consistent(ws, rows_per_batch: int) -> int:
    log = ws.log().sort_values("seq")
    sizes = log.groupby("batch").size()
    assert (sizes == rows_per_batch).all(), sizes.value_counts()  # every import is whole, or absent
    overlay = ws.overlay()
    last = log.groupby("feature_id").tail(1).set_index("feature_id")["after"]
    assert set(last.index) == set(overlay)
    for key, state in overlay.items():
        assert last[key] == state
    return len(sizes)


def test_kill_9_during_imports_leaves_the_workspace_consistent(workspace_url, tmp_path):
    rows = 60
    lon, lat = 113.4521, 23.1688  # WGS-84, in 黄埔区
    truth = gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs=4326)
    gcj = gzgeo.convert(lon, lat, "wgs84", "gcj02")
    lines = ["名称,经度,纬度,行政区"] + [f"测试平台{i},{gcj[0]:.9f},{gcj[1]:.9f},黄埔区" for i in range(rows)]
    path = tmp_path / "big.csv"
    path.write_bytes("\n".join(lines).encode("gbk"))
    open_workspace(workspace_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(11)
    batches = 0
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", _IMPORTER, workspace_url, str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.5, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        ws = open_workspace(workspace_url)
        assert ws.integrity() == "ok"
        batches = _consistent(ws, rows)
    assert batches >= 1  # the imports did commit between kills
    platforms = gzgeo.load("platforms")
    added = platforms[platforms["name_zh"].str.startswith("测试平台")]
    assert len(added) == rows
    assert (
        gpd.GeoSeries(added.geometry, crs=4326)
        .to_crs(GUANGZHOU_METRIC_CRS)
        .distance(gpd.GeoSeries(truth.geometry, crs=4326).to_crs(GUANGZHOU_METRIC_CRS).iloc[0])
        .max()
        < 0.01
    )
