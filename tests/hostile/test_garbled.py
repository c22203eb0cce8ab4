"""Hostile and odd inputs that used to be garbled or silently wrong (issue 8).

Each case builds a small input in ``tmp_path``, runs ``geomap`` through the harness (no
traceback, inputs unchanged, ``read = kept + rejected`` in every summary line, the
documented exit status) and checks what the user sees: the reason of a rejection, the
note of a repair, the word "unknown" for unknown casualties.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from datetime import date
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import GeometryCollection
from shapely.geometry import LineString
from shapely.geometry import Point
from shapely.geometry import Polygon
from shapely.geometry import box

from .harness import run


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run in the test's folder: default outputs (``geomap-rejects.csv``) land there."""
    monkeypatch.chdir(tmp_path)


INCIDENT_COLUMNS = "id,date,incident_type,killed,injured,victim_category,latitude,longitude"
GOOD_ROW = "{id},2021-03-01,mine/ERW accident,1,0,civilian,{lat},{lon}"


def _square(x: float, y: float, d: float = 0.01) -> Polygon:
    return Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])


def _hazards(geoms: list[object], **extra: list[object]) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {"id": [f"H{i + 1}" for i in range(n)], "hazard_class": ["CHA"] * n}
    data["status"] = ["active"] * n
    return gpd.GeoDataFrame({**data, **extra}, geometry=geoms, crs=4326)


def _incidents(geoms: list[object], **extra: list[object]) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {
        "id": [f"I{i + 1}" for i in range(n)],
        "date": ["2021-03-01"] * n,
        "incident_type": ["mine/ERW accident"] * n,
        "killed": [1] * n,
        "injured": [0] * n,
    }
    data.update(extra)
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4326)


def _csv(tmp: Path, rows: list[str], header: str = INCIDENT_COLUMNS) -> Path:
    path = tmp / "incidents.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _rows(n: int, lat: float = 39.9, lon: float = 46.9) -> list[str]:
    return [GOOD_ROW.format(id=f"I{i}", lat=lat + i * 0.01, lon=lon + i * 0.01) for i in range(n)]


def _kml(gdf: gpd.GeoDataFrame, tmp: Path, kmz: bool = False) -> Path:
    path = tmp / "layer.kml"
    gdf.to_file(path, driver="KML")
    if not kmz:
        return path
    out = tmp / "layer.kmz"
    with zipfile.ZipFile(out, "w") as zf:
        zf.write(path, "doc.kml")
    path.unlink()
    return out


def _to(fmt: str) -> Callable[[gpd.GeoDataFrame, Path], Path]:
    def write(gdf: gpd.GeoDataFrame, tmp: Path) -> Path:
        if fmt in ("kml", "kmz"):
            return _kml(gdf, tmp, kmz=fmt == "kmz")
        if fmt == "csv":
            path = tmp / "layer.csv"
            df = pd.DataFrame(gdf.drop(columns="geometry"))
            df["wkt"] = shapely.to_wkt(gdf.geometry.to_numpy())
            df.to_csv(path, index=False)
            return path
        path = tmp / f"layer.{fmt}"
        gdf.to_file(path)
        return path

    return write


# ------------------------------------------------------------------ 3D: Z dropped, with a note

THREE_D = [
    (fmt, kind)
    for fmt in ("kml", "kmz", "geojson", "gpkg", "csv")
    for kind in ("hazards", "incidents")
]


@pytest.mark.parametrize(("fmt", "kind"), THREE_D, ids=[f"{f}-{k}" for f, k in THREE_D])
def test_3d_rows_are_kept_flat_with_a_note(capsys, tmp_path, fmt, kind):
    if kind == "hazards":
        gdf = _hazards(
            [shapely.force_3d(_square(46.9, 39.9)), shapely.force_3d(_square(47.0, 39.6), 250)]
        )
    else:
        gdf = _incidents([Point(46.9, 39.9, 0), Point(47.0, 39.6, 312.5)])
    path = _to(fmt)(gdf, tmp_path)
    out = run(capsys, "validate", path, "--kind", kind, inputs=[path], expect=0)
    assert f"2 {kind} read = 2 kept + 0 rejected" in out.text
    assert "dropped the Z (height)" in out.text


def test_3d_row_beside_2d_rows_draws_them_all(capsys, tmp_path):
    gdf = _hazards(
        [_square(46.9, 39.9), shapely.force_3d(_square(47.0, 39.6)), _square(47.1, 39.7)]
    )
    path = _to("geojson")(gdf, tmp_path)
    html = tmp_path / "map.html"
    out = run(capsys, "render", path, "-o", html, "-q", inputs=[path], expect=0)
    assert html.is_file(), out.text


# ------------------------------------------------------------------ coordinates: not finite

NOT_FINITE = {
    "csv-inf-longitude": ("inf", "39.9"),
    "csv-minus-inf-latitude": ("46.9", "-inf"),
    "csv-1e400": ("1e400", "39.9"),
}


@pytest.mark.parametrize("lon_lat", NOT_FINITE.values(), ids=list(NOT_FINITE))
def test_csv_infinite_coordinate_is_rejected(capsys, tmp_path, lon_lat):
    lon, lat = lon_lat
    path = _csv(tmp_path, [*_rows(3), GOOD_ROW.format(id="BAD", lat=lat, lon=lon)])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "4 incidents read = 3 kept + 1 rejected" in out.text
    assert "not a finite number" in out.text


def test_csv_nan_coordinate_is_rejected(capsys, tmp_path):
    path = _csv(tmp_path, [*_rows(3), GOOD_ROW.format(id="BAD", lat="nan", lon="46.9")])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "4 incidents read = 3 kept + 1 rejected" in out.text
    assert "'nan' is not a number (expected decimal degrees)" in out.text


def test_nan_vertex_in_a_polygon_is_rejected(capsys, tmp_path):
    with np.errstate(invalid="ignore"):
        bad = shapely.from_wkt(
            "POLYGON ((46.9 39.9, NaN 39.9, 46.91 39.91, 46.9 39.91, 46.9 39.9))"
        )
    path = _to("gpkg")(_hazards([_square(46.9, 39.9), bad]), tmp_path)
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "2 hazards read = 1 kept + 1 rejected" in out.text
    assert "not a finite number (NaN or infinity)" in out.text


def test_wkt_nan_point_is_rejected(capsys, tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text(
        "id,incident_type,wkt\nI1,mine/ERW accident,POINT (46.9 39.9)\n"
        "I2,mine/ERW accident,POINT (NaN 39.9)\n",
        encoding="utf-8",
    )
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "2 incidents read = 1 kept + 1 rejected" in out.text
    assert "not a finite number" in out.text


# ------------------------------------------------------------------ geometry collections


def test_collection_with_no_polygon_is_rejected(capsys, tmp_path):
    gc = GeometryCollection([Point(46.9, 39.9), LineString([(46.9, 39.9), (47, 40)])])
    path = _to("geojson")(_hazards([_square(46.9, 39.9), gc]), tmp_path)
    out = run(capsys, "validate", path, "--kind", "hazards", inputs=[path], expect=2)
    assert "2 hazards read = 1 kept + 1 rejected" in out.text
    assert "GeometryCollection with no polygon" in out.text


def test_collection_with_a_polygon_keeps_it(capsys, tmp_path):
    gc = GeometryCollection([Point(46.9, 39.9), _square(47.0, 39.6)])
    path = _to("geojson")(_hazards([_square(46.9, 39.9), gc]), tmp_path)
    out = run(capsys, "validate", path, "--kind", "hazards", inputs=[path], expect=0)
    assert "2 hazards read = 2 kept + 0 rejected" in out.text
    assert "kept the polygons of a GeometryCollection" in out.text


# ------------------------------------------------------------------ poles and antimeridian


def test_polygon_across_the_antimeridian_is_rejected_with_the_fix(capsys, tmp_path):
    across = Polygon([(179.5, -17), (-179.5, -17), (-179.5, -16), (179.5, -16)])
    path = _to("geojson")(_hazards([_square(178.0, -17.5), across]), tmp_path)
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "2 hazards read = 1 kept + 1 rejected" in out.text
    assert "crosses the antimeridian" in out.text
    assert "split it at ±180°" in out.text


def test_polygon_touching_the_pole_is_rejected(capsys, tmp_path):
    path = _to("geojson")(_hazards([box(10, 80, 11, 90), _square(10, 70)]), tmp_path)
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "2 hazards read = 1 kept + 1 rejected" in out.text
    assert "beyond 80°S or 84°N" in out.text


def test_map_of_polar_polygon_is_drawn_without_it(capsys, tmp_path):
    path = _to("geojson")(_hazards([box(10, 80, 11, 90), _square(10, 70)]), tmp_path)
    html = tmp_path / "map.html"
    out = run(capsys, "render", path, "-o", html, inputs=[path], expect=0)
    assert "1 kept + 1 rejected" in out.text
    assert html.is_file()


# ------------------------------------------------------------------ counts

COUNTS = {
    "3e9": "3000000000",
    "1e20": "1e20",
    "20-digit": "12345678901234567890",
    "2^31": "2147483648",
}


@pytest.mark.parametrize("value", COUNTS.values(), ids=list(COUNTS))
def test_implausible_count_is_rejected(capsys, tmp_path, value):
    row = f"BIG,2021-03-01,mine/ERW accident,{value},0,civilian,39.95,46.95"
    path = _csv(tmp_path, [*_rows(3), row])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "4 incidents read = 3 kept + 1 rejected" in out.text
    assert "not a plausible count for one record (at most 10,000)" in out.text


def test_infinite_count_is_rejected(capsys, tmp_path):
    row = "BIG,2021-03-01,mine/ERW accident,1,inf,civilian,39.95,46.95"
    path = _csv(tmp_path, [*_rows(3), row])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "not a whole number ≥ 0" in out.text


# ------------------------------------------------------------------ dates

FUTURE = (date.today() + timedelta(days=2)).isoformat()
DATES = {
    "1500": ("1500-06-01", "is before 1900-01-01"),
    "1899": ("31.12.1899", "is before 1900-01-01"),
    "9999": ("9999-12-31", "is in the future"),
    "day-after-tomorrow": (FUTURE, "is in the future"),
}


@pytest.mark.parametrize(("value", "reason"), DATES.values(), ids=list(DATES))
def test_csv_date_out_of_range_is_rejected(capsys, tmp_path, value, reason):
    row = f"OLD,{value},mine/ERW accident,1,0,civilian,39.95,46.95"
    path = _csv(tmp_path, [*_rows(3), row])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "4 incidents read = 3 kept + 1 rejected" in out.text
    assert reason in out.text


@pytest.mark.parametrize(("value", "reason"), [DATES["1500"], DATES["9999"]], ids=["1500", "9999"])
def test_geopackage_date_column_out_of_range_is_rejected(capsys, tmp_path, value, reason):
    gdf = _incidents([Point(46.9, 39.9), Point(46.95, 39.95)])
    gdf["date"] = pd.Series(
        [pd.Timestamp("2021-03-01"), pd.Timestamp(value)], dtype="datetime64[ms]"
    )
    path = tmp_path / "incidents.gpkg"
    gdf.to_file(path, layer="incidents")
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "2 incidents read = 1 kept + 1 rejected" in out.text
    assert reason in out.text


# ------------------------------------------------------------------ unknown casualties


def _unknown_inputs(tmp: Path, killed: str, injured: str) -> tuple[Path, Path]:
    rows = [
        f"I{i},2021-03-01,mine/ERW accident,{killed},{injured},civilian,{39.985 + i * 1e-4},46.925"
        for i in range(3)
    ]
    inc = _csv(tmp, rows)
    haz = _to("gpkg")(_hazards([_square(46.92, 39.98)]), tmp)
    return inc, haz


def test_stats_says_unknown_when_no_casualty_is_known(capsys, tmp_path, caplog):
    inc, haz = _unknown_inputs(tmp_path, "", "")
    caplog.set_level(logging.WARNING)
    out = run(capsys, "stats", "--incidents", inc, "--hazards", haz, inputs=[inc, haz], expect=0)
    line = next(ln for ln in out.out.splitlines() if ln.startswith("casualties"))
    assert line.split()[1] == "unknown", line
    assert "killed unknown · injured unknown" in line
    assert "casualties are unknown for every incident" in caplog.text + out.text


def test_stats_counts_unknown_apart(capsys, tmp_path):
    inc, haz = _unknown_inputs(tmp_path, "2", "")
    out = run(capsys, "stats", "--incidents", inc, "--hazards", haz, inputs=[inc, haz], expect=0)
    line = next(ln for ln in out.out.splitlines() if ln.startswith("casualties"))
    assert "injured unknown" in line
    assert "6 (unknown for 3 incidents)" in line, line


def test_report_page_says_unknown(capsys, tmp_path):
    inc, haz = _unknown_inputs(tmp_path, "", "")
    folder = tmp_path / "report"
    run(
        capsys,
        "report",
        "--incidents",
        inc,
        "--hazards",
        haz,
        "-o",
        folder,
        "-q",
        inputs=[inc, haz],
        expect=0,
    )
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<li>Casualties<b>unknown</b>" in page
    assert "<li>Killed<b>unknown</b>" in page
    assert "<li>Civilians killed<b>unknown</b>" in page


# ------------------------------------------------------------------ small files checked too

SMALL = {
    "lon-sign": ("-46.95", "39.95", "longitude has the wrong sign"),
    "lat-sign": ("46.95", "-39.95", "latitude has the wrong sign"),
    "swapped": ("39.95", "46.95", "longitude and latitude are swapped"),
}


@pytest.mark.parametrize(("lon", "lat", "fix"), SMALL.values(), ids=list(SMALL))
def test_twelve_row_file_with_a_bad_point_rejects_it(capsys, tmp_path, lon, lat, fix):
    bad = f"BAD,2021-03-01,mine/ERW accident,1,0,civilian,{lat},{lon}"
    path = _csv(tmp_path, [*_rows(11, 39.5, 46.5), bad])
    out = run(capsys, "validate", path, inputs=[path], expect=2)
    assert "12 incidents read = 11 kept + 1 rejected" in out.text
    assert fix in out.text


def test_two_incidents_checked_against_the_hazard_areas(capsys, tmp_path):
    bad = "BAD,2021-03-01,mine/ERW accident,1,0,civilian,39.95,-46.95"
    inc = _csv(tmp_path, [*_rows(1, 39.95, 46.95), bad])
    haz = _to("gpkg")(_hazards([_square(46.9 + i * 0.05, 39.9) for i in range(5)]), tmp_path)
    html = tmp_path / "map.html"
    args = ("render", "--incidents", inc, "--hazards", haz, "-o", html)
    out = run(capsys, *args, inputs=[inc, haz], expect=0)
    assert "2 incidents read = 1 kept + 1 rejected" in out.text
    assert "longitude has the wrong sign" in out.text


# ------------------------------------------------------------------ sorting: WKT polygons


def test_csv_of_wkt_polygons_is_read_as_hazards(capsys, tmp_path):
    path = _to("csv")(_hazards([_square(46.9, 39.9), _square(47.0, 39.6)]), tmp_path)
    out = run(capsys, "validate", path, inputs=[path], expect=0)
    assert "2 hazards read = 2 kept + 0 rejected" in out.text
    assert "expected a Point" not in out.text


def test_csv_of_wkt_points_is_still_read_as_incidents(capsys, tmp_path):
    path = _to("csv")(_incidents([Point(46.9, 39.9), Point(47.0, 39.6)]), tmp_path)
    out = run(capsys, "validate", path, inputs=[path], expect=0)
    assert "2 incidents read = 2 kept + 0 rejected" in out.text


def test_polygons_read_as_incidents_suggest_kind_hazards(capsys, tmp_path):
    path = _to("geojson")(_hazards([_square(46.9, 39.9), _square(47.0, 39.6)]), tmp_path)
    out = run(capsys, "validate", path, "--kind", "incidents", inputs=[path], expect=2)
    assert "expected a Point, got a Polygon" in out.text
    assert "--kind hazards" in out.text


def test_points_read_as_hazards_suggest_kind_incidents(capsys, tmp_path):
    path = _to("geojson")(_incidents([Point(46.9, 39.9), Point(47.0, 39.6)]), tmp_path)
    out = run(capsys, "validate", path, "--kind", "hazards", inputs=[path], expect=2)
    assert "expected a Polygon or MultiPolygon, got a Point" in out.text
    assert "--kind incidents" in out.text


# ------------------------------------------------------------------ districts far away


def test_districts_that_miss_the_data_warn(capsys, tmp_path):
    inc, haz = _unknown_inputs(tmp_path, "1", "0")
    districts = tmp_path / "districts.geojson"
    gpd.GeoDataFrame({"name": ["Far"]}, geometry=[box(10, 10, 11, 11)], crs=4326).to_file(districts)
    outcome = run(
        capsys,
        "stats",
        "--incidents",
        inc,
        "--hazards",
        haz,
        "--districts",
        districts,
        inputs=[inc, haz, districts],
        expect=0,
    )
    # Shown by default, as a user sees it on the terminal.
    assert "districts layer does not overlap the data at all" in outcome.err


def test_districts_that_cover_the_data_do_not_warn(capsys, tmp_path, caplog):
    inc, haz = _unknown_inputs(tmp_path, "1", "0")
    districts = tmp_path / "districts.geojson"
    gpd.GeoDataFrame({"name": ["Near"]}, geometry=[box(46, 39, 48, 41)], crs=4326).to_file(
        districts
    )
    caplog.set_level(logging.WARNING)
    html = tmp_path / "map.html"
    args = ("render", "--incidents", inc, "--hazards", haz, "--districts", districts, "-o", html)
    run(capsys, *args, "-q", inputs=[inc, haz, districts], expect=0)
    assert "does not overlap" not in caplog.text
