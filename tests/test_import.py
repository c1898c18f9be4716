"""Importing planners' files: encodings, formats, header mapping, datums, bad rows, CLI."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import gzgeo
from gzgeo.cli import main
from gzgeo.crs import GUANGZHOU_METRIC_CRS
from gzgeo.io import import_platforms, map_columns, read_table
from gzgeo.workspace import open_workspace

# WGS-84 truth: three points in three districts (name, district, lon, lat)
TRUTH = [
    ("黄埔某孵化器", "黄埔区", 113.4521234, 23.1688765),
    ("南沙某研究院", "南沙区", 113.5612345, 22.7923456),
    ("天河某中心", "天河区", 113.3612345, 23.1265432),
]


def _errors_m(platforms: gpd.GeoDataFrame, truth=TRUTH) -> list[float]:
    by_name = platforms.set_index("name_zh")
    got = gpd.GeoSeries([by_name.geometry[name] for name, *_ in truth], crs=4326).to_crs(GUANGZHOU_METRIC_CRS)
    want = gpd.GeoSeries(gpd.points_from_xy([t[2] for t in truth], [t[3] for t in truth]), crs=4326).to_crs(
        GUANGZHOU_METRIC_CRS
    )
    return list(got.distance(want, align=False))


def _gcj_csv(path: Path, encoding: str) -> Path:
    lines = ["名称,地址,经度,纬度,类别,行政区"]
    for name, district, lon, lat in TRUTH:
        glon, glat = gzgeo.convert(lon, lat, "wgs84", "gcj02")
        lines.append(f"{name},广州市{district}某路1号,{glon:.9f},{glat:.9f},孵化器,{district}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_gbk_csv_with_gcj02_lands_within_1cm_in_the_workspace(workspace_url, tmp_path):
    path = _gcj_csv(tmp_path / "名单.csv", "gbk")
    ws = open_workspace()
    result = import_platforms(path, datum="gcj02", workspace=ws, commit=True, actor="planner")
    assert result.encoding == "gb18030"
    assert result.mapping == {
        "name_zh": "名称",
        "address": "地址",
        "lon": "经度",
        "lat": "纬度",
        "category": "类别",
        "district": "行政区",
    }
    assert result.issues.empty and result.batch
    platforms = gzgeo.load("platforms")
    assert len(platforms) == len(gzgeo.load("platforms", workspace=False)) + 3
    added = platforms[platforms["name_zh"].isin([t[0] for t in TRUTH])]
    assert max(_errors_m(added)) < 0.01
    assert set(added["category"]) == {"incubator"} and set(added["location_precision"]) == {"site"}
    assert added["location_source"].str.contains("名单.csv row").all()
    assert set(added["source_clause"]) == {"row 2", "row 3", "row 4"}
    # one batch, one log entry per platform, undone as a whole
    log = ws.log()
    assert len(log) == 3 and set(log["actor"]) == {"planner"} and log["batch"].nunique() == 1
    ws.undo(actor="planner")
    assert len(gzgeo.load("platforms")) == len(gzgeo.load("platforms", workspace=False))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    result = import_platforms(_gcj_csv(tmp_path / "a.csv", encoding), datum="gcj02")
    assert result.encoding == encoding
    assert sorted(result.platforms["name_zh"]) == sorted(t[0] for t in TRUTH)
    assert max(_errors_m(result.platforms)) < 0.01


def test_xlsx_bd09_with_english_headers(tmp_path):
    rows = []
    for name, district, lon, lat in TRUTH:
        blon, blat = gzgeo.convert(lon, lat, "wgs84", "bd09")
        rows.append(
            {
                "Name": name,
                "LNG": blon,
                "Latitude": blat,
                "District": district.removesuffix("区"),
                "Type": "incubator",
                "Remarks": "x",
            }
        )
    path = tmp_path / "list.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    result = import_platforms(path, datum="bd09")
    assert result.mapping == {
        "name_zh": "Name",
        "lon": "LNG",
        "lat": "Latitude",
        "category": "Type",
        "district": "District",
        "notes": "Remarks",
    }
    assert result.format == "xlsx" and result.issues.empty
    assert set(result.platforms["district"]) == {t[1] for t in TRUTH}
    assert max(_errors_m(result.platforms)) < 0.01


def _truth_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"名称": [t[0] for t in TRUTH], "区": [t[1] for t in TRUTH]},
        geometry=gpd.points_from_xy([t[2] for t in TRUTH], [t[3] for t in TRUTH]),
        crs=4326,
    )
    return gdf.to_crs(crs)


def test_geojson_and_geopackage(tmp_path):
    for name in ("pts.geojson", "pts.gpkg"):
        path = tmp_path / name
        _truth_frame("EPSG:4547" if name.endswith("gpkg") else "EPSG:4326").to_file(path, engine="pyogrio")
        result = import_platforms(path)
        assert result.row_label == "feature"
        assert max(_errors_m(result.platforms)) < 0.01, name


def test_zipped_shapefile_honours_prj_and_cpg(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _truth_frame("EPSG:4547").to_file(folder / "平台.shp", engine="pyogrio", encoding="GBK")
    assert (folder / "平台.cpg").read_text().strip().upper() in ("GBK", "CP936", "936")
    archive = tmp_path / "平台.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"layer/{f.name}")
    result = import_platforms(archive)
    assert result.format == "shapefile (zip)"
    assert sorted(result.platforms["name_zh"]) == sorted(t[0] for t in TRUTH)  # GBK text decoded via .cpg
    assert max(_errors_m(result.platforms)) < 0.01  # EPSG:4547 metres brought back via .prj


def test_bad_rows_are_reported_by_row_number_and_skipped(tmp_path):
    lines = [
        "编号,名称,经度,纬度,行政区,类别",
        ",好平台,113.4521,23.1688,黄埔区,孵化器",  # 2 ok
        ",,113.45,23.17,黄埔区,",  # 3 no name
        ",坏经度,abc,23.1,黄埔区,",  # 4 not a number
        ",交换,23.1688,113.4521,黄埔区,",  # 5 swapped
        ",深圳,114.0579,22.5431,,",  # 6 outside Guangzhou
        ",错区,113.4521,23.1688,南沙区,",  # 7 not in the stated district
        ",无区名,113.4521,23.1688,浦东新区,",  # 8 unknown district
        ",半坐标,113.4521,,黄埔区,",  # 9 only lon
        "user-dup,重复一,113.4521,23.1688,黄埔区,",  # 10 ok
        "user-dup,重复二,113.4521,23.1688,黄埔区,",  # 11 duplicate id
        ",奇怪类别,113.4521,23.1688,黄埔区,外星科技",  # 12 ok with a warning
        ",无坐标无地址,,,,",  # 13 cannot be located
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_platforms(path, gazetteer=None, providers=[])
    skipped = result.issues[result.issues["severity"] == "skipped"].set_index("row")["reason"]
    assert list(skipped.index) == [3, 4, 5, 6, 7, 8, 9, 11, 13]
    assert skipped[3] == "no name"
    assert "not a number" in skipped[4]
    assert "swapped" in skipped[5]
    assert "outside Guangzhou" in skipped[6]
    assert "not in the stated 南沙区" in skipped[7]
    assert "not a Guangzhou district" in skipped[8]
    assert "only one of lon/lat" in skipped[9]
    assert "twice" in skipped[11]
    assert "not located" in skipped[13]
    warnings = result.issues[result.issues["severity"] == "warning"]
    assert list(warnings["row"]) == [12] and "外星科技" in warnings["reason"].iloc[0]
    assert sorted(result.platforms["row"]) == [2, 10, 12]
    # nothing vanished: every data row is imported or reported
    assert len(result.platforms) + len(skipped) == len(lines) - 1
    assert result.platforms.set_index("row").loc[12, "category"] == "other"
    assert "row 13: skipped" in result.summary()


def test_address_only_rows_are_geocoded_or_reported(tmp_path):
    gazetteer = gpd.GeoDataFrame(
        {"name_zh": ["某科技园"], "kind": ["park"]}, geometry=gpd.points_from_xy([113.4521], [23.1688]), crs=4326
    )
    lines = ["名称,地址", "甲,广州市黄埔区某科技园3栋", "乙,广州市南沙区某某路", "丙,上海市浦东新区"]
    path = tmp_path / "addr.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_platforms(path, gazetteer=gazetteer, providers=[])
    rows = result.platforms.set_index("row")
    assert rows.loc[2, "location_precision"] == "campus_or_park" and rows.loc[2, "geocoded"]
    assert (rows.loc[2, "lon"], rows.loc[2, "lat"]) == (113.4521, 23.1688)
    assert rows.loc[2, "district"] == "黄埔区" and "gazetteer" in rows.loc[2, "location_source"]
    # only the district is known: no invented point, flagged for review
    assert rows.loc[3, "location_precision"] == "district" and rows.loc[3, "anchor"] == "南沙区"
    assert pd.isna(rows.loc[3, "lon"])
    assert "located only to district" in result.issues.set_index("row").loc[3, "reason"]
    assert result.issues.set_index("row").loc[4, "severity"] == "skipped"
    assert len(result.candidates[2]) >= 1


def test_header_mapping_and_overrides():
    assert map_columns(["平台名称", "详细地址", "lng", "lat", "平台类型", "所在区"]) == {
        "name_zh": "平台名称",
        "address": "详细地址",
        "lon": "lng",
        "lat": "lat",
        "category": "平台类型",
        "district": "所在区",
    }
    assert map_columns(["A", "B", "C"], {"name_zh": "A", "lon": "B", "lat": "C"}) == {
        "name_zh": "A",
        "lon": "B",
        "lat": "C",
    }
    with pytest.raises(ValueError, match="not in the file"):
        map_columns(["A"], {"lon": "X"})


def test_correcting_a_bundled_platform_by_id(workspace_url, tmp_path):
    path = tmp_path / "fix.csv"
    path.write_text("id,lon,lat,location_source\nguangzhou-laboratory,113.3702,23.0712,官网地址\n", encoding="utf-8")
    result = import_platforms(path, commit=True)
    assert list(result.platforms["action"]) == ["correct"]
    lab = gzgeo.load("platforms").set_index("id").loc["guangzhou-laboratory"]
    assert (lab["lon"], lab["lat"], lab["location_precision"]) == (113.3702, 23.0712, "site")
    assert lab["name_zh"] == "广州实验室" and lab["location_source"] == "官网地址"  # other fields kept


def test_cli_import_log_undo(workspace_url, tmp_path, capsys):
    path = _gcj_csv(tmp_path / "list.csv", "gbk")
    assert main(["import", str(path), "--datum", "gcj02"]) == 0
    out = capsys.readouterr().out
    assert "encoding gb18030" in out and "名称 → name_zh" in out and "3 platform(s) ready" in out
    assert max(_errors_m(gzgeo.load("platforms"))) < 0.01
    assert main(["workspace", "log"]) == 0
    out = capsys.readouterr().out
    assert out.count(" import user-") == 3
    assert main(["workspace", "undo"]) == 0
    assert "undid batch" in capsys.readouterr().out
    assert main(["workspace", "undo"]) == 1
    assert len(gzgeo.load("platforms")) == len(gzgeo.load("platforms", workspace=False))
    assert main(["import", str(tmp_path / "missing.csv")]) == 1


def test_read_table_rejects_unknown_formats(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK")
    with pytest.raises(ValueError, match="unsupported format"):
        read_table(path)
