"""3D inputs (KML, KMZ, GeoJSON, GeoPackage, WKT CSV) draw exactly as their 2D versions.

KML from Google Earth and GPS units writes ``lon,lat,0``; before issue 8 the encoder sent
three numbers per vertex and the page read two, so such polygons (and the 2D ones beside
them) were garbled. Each format is rendered twice, flat and with heights, and the drawn
SVG paths are compared in a headless browser.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point
from shapely.geometry import Polygon

import geomap
from geomap.cli import main

pytestmark = pytest.mark.browser

FORMATS = ("kml", "kmz", "geojson", "gpkg", "csv")


def _square(x: float, y: float, d: float = 0.012) -> Polygon:
    return Polygon([(x, y), (x + d, y), (x + d * 1.3, y + d), (x, y + d * 0.8)])


def _layers(three_d: bool) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    hazards = [_square(46.92, 39.98), _square(47.13, 39.59), _square(47.02, 39.7, 0.03)]
    points = [Point(46.93, 39.99), Point(47.14, 39.6), Point(47.05, 39.75)]
    if three_d:  # heights as a GPS would record them, one of them 0 as Google Earth writes
        hazards = [
            shapely.force_3d(g, z) for g, z in zip(hazards, (0.0, 312.5, 1250.0), strict=True)
        ]
        points = [shapely.force_3d(g, z) for g, z in zip(points, (0.0, 88.0, 1400.0), strict=True)]
    haz = gpd.GeoDataFrame(
        {"id": ["H1", "H2", "H3"], "hazard_class": ["CHA", "SHA", "CHA"], "status": ["active"] * 3},
        geometry=hazards,
        crs=4326,
    )
    inc = gpd.GeoDataFrame(
        {
            "id": ["I1", "I2", "I3"],
            "date": ["2021-03-01", "2022-05-17", "2023-01-09"],
            "incident_type": ["mine/ERW accident"] * 3,
            "killed": [1, 0, 2],
            "injured": [0, 2, 1],
        },
        geometry=points,
        crs=4326,
    )
    return inc, haz


def _write(gdf: gpd.GeoDataFrame, folder: Path, name: str, fmt: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        path = folder / f"{name}.csv"
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["wkt"] = shapely.to_wkt(gdf.geometry.to_numpy())
        df.to_csv(path, index=False)
        return path
    if fmt in ("kml", "kmz"):
        path = folder / f"{name}.kml"
        gdf.to_file(path, driver="KML")
        if fmt == "kml":
            return path
        kmz = folder / f"{name}.kmz"
        with zipfile.ZipFile(kmz, "w") as zf:
            zf.write(path, "doc.kml")
        path.unlink()
        return kmz
    path = folder / f"{name}.{fmt}"
    gdf.to_file(path)
    return path


def _render(tmp: Path, fmt: str, three_d: bool) -> Path:
    folder = tmp / ("3d" if three_d else "2d")
    inc, haz = _layers(three_d)
    inc_path = _write(inc, folder, "incidents", fmt)
    haz_path = _write(haz, folder, "hazards", fmt)
    if three_d and fmt in ("kml", "csv"):  # the file really holds heights
        assert ",312.5" in haz_path.read_text() or " 312.5" in haz_path.read_text()
    out = folder / "map.html"
    args = ["render", "--incidents", inc_path, "--hazards", haz_path, "-o", out, "--tiles", "none"]
    assert main([str(a) for a in [*args, "-q"]]) == 0
    return out


def _drawn(browser, path: Path) -> dict[str, list[str]]:
    page, report = browser.open(path)
    try:
        shapes = {
            cls: page.eval_on_selector_all(
                f"path.{cls}", "els => els.map(e => e.getAttribute('d')).sort()"
            )
            for cls in ("geomap-hazard", "geomap-incident")
        }
        assert report.errors == []
        return shapes
    finally:
        page.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_3d_input_draws_exactly_as_its_2d_version(browser, tmp_path, fmt):
    flat = _drawn(browser, _render(tmp_path, fmt, three_d=False))
    high = _drawn(browser, _render(tmp_path, fmt, three_d=True))
    assert len(flat["geomap-hazard"]) == 3
    assert len(flat["geomap-incident"]) == 3
    assert high == flat


def _overlay_paths(browser, path: Path) -> list[str]:
    page, report = browser.open(path)
    try:
        toggle = page.locator("[data-layer=districts-active] input")
        if not toggle.is_checked():
            toggle.click()  # the district choropleth is off until asked for
        shapes = page.eval_on_selector_all(
            "path.geomap-hazard, path.geomap-incident, path.geomap-district",
            "els => els.map(e => e.getAttribute('d')).sort()",
        )
        assert report.errors == []
        return shapes
    finally:
        page.close()


def test_3d_layers_from_python_draw_as_2d_even_unsimplified(browser, tmp_path):
    """Unvalidated 3D layers (districts included) handed to render_map, with no simplification."""
    drawn = []
    for three_d in (False, True):
        inc, haz = _layers(three_d)
        districts = haz.assign(name=["A", "B", "C"])[["name", "geometry"]]
        m = geomap.render_map(inc, haz, districts=districts, simplify_m=0, tiles=None)
        out = tmp_path / f"map-{three_d}.html"
        m.save(str(out))
        drawn.append(_overlay_paths(browser, out))
    assert len(drawn[0]) >= 9
    assert drawn[1] == drawn[0]
