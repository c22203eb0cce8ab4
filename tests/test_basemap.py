"""A team's own offline basemap: ``geomap tiles`` builds it, ``--basemap`` draws it."""

from __future__ import annotations

import base64
import gzip
import sqlite3
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pmtiles.convert import pmtiles_to_mbtiles
from pmtiles.reader import MmapSource
from pmtiles.reader import Reader
from pmtiles.tile import Compression
from pmtiles.tile import TileType
from shapely.geometry import Point

from geomap.cli import main
from geomap.map import render_map
from geomap.map import save_map
from geomap.map.layers import userbasemap
from geomap.tiles import read_header

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .conftest import app_config
from .conftest import run_cli as run

CONTEXT = ("districts", "roads", "towns")
#: A colour no geomap layer uses, painted by the test GeoTIFF.
TIFF_RGB = (23, 145, 201)


@pytest.fixture(scope="module")
def area(tmp_path_factory) -> Path:
    """Vector tiles of the sample's districts, roads and towns, made by `geomap tiles`."""
    out = tmp_path_factory.mktemp("tiles") / "karabakh-area.pmtiles"
    layers = [a for name in CONTEXT for a in ("--layer", name)]
    assert main(["tiles", str(SAMPLE), *layers, "--max-zoom", "11", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def geotiff(tmp_path_factory) -> Path:
    """A small RGB GeoTIFF in UTM zone 38N (so tiling must reproject), over Aghdam."""
    rasterio = pytest.importorskip("rasterio", reason="raster tiles need geomap[tiles]")

    path = tmp_path_factory.mktemp("tif") / "aghdam.tif"
    data = np.empty((3, 120, 160), dtype="uint8")
    for band, value in enumerate(TIFF_RGB):
        data[band] = value
    transform = rasterio.Affine(100, 0, 640_000, 0, -100, 4_430_000)  # 16 x 12 km, 100 m pixels
    with rasterio.open(
        path, "w", driver="GTiff", width=160, height=120, count=3, dtype="uint8",
        crs="EPSG:32638", transform=transform,
    ) as dst:  # fmt: skip
        dst.write(data)
    return path


@pytest.fixture(scope="module")
def raster(geotiff, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raster") / "aghdam.pmtiles"
    assert main(["tiles", str(geotiff), "--min-zoom", "8", "-o", str(out)]) == 0
    return out


def _tile_xy(z: int, lon: float, lat: float) -> tuple[float, float]:
    """Where a point is in web-mercator tiles of zoom z (fractions: within the tile)."""
    n = 1 << z
    return (lon + 180) / 360 * n, (1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n


def _tile(path: Path, z: int, lon: float, lat: float) -> bytes | None:
    x, y = _tile_xy(z, lon, lat)
    with path.open("rb") as fh:
        return Reader(MmapSource(fh)).get(z, int(x), int(y))


# --------------------------------------------------------------------------- geomap tiles


def test_tiles_from_the_sample_is_a_vector_pmtiles_covering_it(area, capsys):
    header, metadata = read_header(area)
    assert header["tile_type"] == TileType.MVT
    assert header["tile_compression"] == Compression.GZIP
    assert (header["min_zoom"], header["max_zoom"]) == (0, 11)
    w, s, e, n = (header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7"))
    for name in CONTEXT:
        x0, y0, x1, y1 = gpd.read_file(SAMPLE, layer=name).total_bounds
        assert w <= x0, name
        assert s <= y0, name
        assert e >= x1, name
        assert n >= y1, name
    assert {v["id"] for v in metadata["vector_layers"]} == set(CONTEXT)
    assert metadata["attribution"] == "karabakh-sample.gpkg"
    # One tile holds every layer drawn there: Aghdam town, its roads and its district.
    tile = gzip.decompress(_tile(area, 10, 46.93, 39.99))
    for name in CONTEXT:
        assert name.encode() in tile
    assert b"Aghdam" in tile


def test_tiles_from_a_geotiff_are_png_tiles_of_its_colour(raster, geotiff):
    header, metadata = read_header(raster)
    assert header["tile_type"] == TileType.PNG
    assert header["min_zoom"] == 8
    assert 8 <= header["max_zoom"] <= 11  # about 100 m pixels: zoom 10
    assert metadata["attribution"] == "aghdam.tif"
    w, s = header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7
    e, n = header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7
    assert 46.5 < w < e < 47.0  # UTM 38N reprojected to degrees
    assert 39.8 < s < n < 40.1
    z, lon, lat = header["max_zoom"], (w + e) / 2, (s + n) / 2
    png = _tile(raster, z, lon, lat)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    rasterio = pytest.importorskip("rasterio")
    with warnings.catch_warnings(), rasterio.MemoryFile(png) as mem:
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # a tile
        with mem.open() as img:
            rgba = img.read()
    assert rgba.shape == (4, 256, 256)
    x, y = (int(v % 1 * 256) for v in _tile_xy(z, lon, lat))  # the raster's centre
    assert tuple(int(rgba[b, y, x]) for b in range(4)) == (*TIFF_RGB, 255)
    assert rgba[3].min() == 0  # outside the raster: transparent


def test_tiles_writes_atomically_and_never_over_an_input(tmp_path, capsys, area):
    code, _, err = run(capsys, "tiles", area, "-o", area)
    assert code == 2
    assert "unsupported format .pmtiles" in err
    copy = tmp_path / "towns.geojson"
    gpd.read_file(SAMPLE, layer="towns").to_file(copy)
    before = copy.read_bytes()
    code, _, err = run(capsys, "tiles", copy, "-o", copy.with_suffix(".geojson"))
    assert code == 2
    assert "expected a .pmtiles file" in err
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["towns.geojson"]  # no temp left


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "missing.gpkg: no such file"),
        ("format", "notes.txt: unsupported format .txt; expected vector layers"),
        ("empty", "no layer holds any geometry to tile"),
        ("layer", "layer 'minefields' is in none of"),
        ("zoom", "zoom range 9-3: expected 0 <= --min-zoom <= --max-zoom <= 24"),
        ("both", "give either vector files or one GeoTIFF, not both"),
    ],
)
def test_tiles_errors_are_one_line(tmp_path, capsys, case, expected, geotiff):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a map")
    empty = tmp_path / "empty.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point()], crs="EPSG:4326").to_file(empty)
    args = {
        "missing": [tmp_path / "missing.gpkg"],
        "format": [notes],
        "empty": [empty],
        "layer": [SAMPLE, "--layer", "minefields"],
        "zoom": [SAMPLE, "--min-zoom", "9", "--max-zoom", "3"],
        "both": [SAMPLE, geotiff],
    }[case]
    code, _, err = run(capsys, "tiles", *args, "-o", tmp_path / "out.pmtiles")
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "out.pmtiles").exists()


# --------------------------------------------------------------------------- --basemap


def test_render_embeds_the_basemap_first_named_after_the_file(area, tmp_path, capsys):
    out = tmp_path / "map.html"
    code, said, _ = run(capsys, "render", SAMPLE, "--basemap", area, "-o", out)
    assert code == 0
    assert "beside the map" not in said
    first, *rest = app_config(out.read_text(encoding="utf-8"))["basemaps"]
    assert first["name"] == "karabakh-area.pmtiles"
    assert first["attribution"] == "karabakh-sample.gpkg"
    assert [b["name"] for b in rest] == ["OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery"]
    u = first["pmtiles"]
    assert base64.b64decode(u["data"]) == area.read_bytes()
    assert (u["tileType"], u["minZoom"], first["maxZoom"]) == ("mvt", 0, 11)
    assert {x["name"]: x["geometry"] for x in u["layers"]} == {
        "districts": "polygon", "roads": "line", "towns": "point"
    }  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # nothing beside it


def test_an_mbtiles_basemap_is_converted_to_pmtiles(area, tmp_path):
    mbtiles = tmp_path / "area.mbtiles"
    pmtiles_to_mbtiles(str(area), str(mbtiles))
    layers = gpd.read_file(SAMPLE, layer="incidents")
    config = app_config(render_map(layers, basemap=mbtiles, tiles=None).get_root().render())
    (b,) = config["basemaps"]
    assert b["name"] == "area.mbtiles"
    assert b["pmtiles"]["file"] == "area.pmtiles"
    assert base64.b64decode(b["pmtiles"]["data"])[:7] == b"PMTiles"


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"hello", "x.pmtiles", "x.pmtiles: not a PMTiles version 3 archive"),
        (b"hello", "x.mbtiles", "x.mbtiles: not an MBTiles file"),
        (b"hello", "x.png", "expected a .pmtiles or .mbtiles file (found '.png')"),
        (None, "gone.pmtiles", "gone.pmtiles: no such file"),
    ],
)
def test_a_bad_basemap_is_one_line(tmp_path, capsys, content, name, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(capsys, "render", SAMPLE, "--basemap", path, "-o", tmp_path / "m.html")
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m.html").exists()


def test_an_mbtiles_without_its_format_is_one_line(tmp_path, capsys):
    path = tmp_path / "bare.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute(
            "CREATE TABLE tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)"
        )
    code, _, err = run(capsys, "render", SAMPLE, "--basemap", path, "-o", tmp_path / "m.html")
    assert code == 2
    assert "bare.mbtiles: the MBTiles metadata lacks format, minzoom, maxzoom" in err
    path.unlink()


def test_the_map_is_never_written_over_the_basemap(area, capsys):
    before = area.read_bytes()
    code, _, err = run(capsys, "render", SAMPLE, "--basemap", area, "-o", area)
    assert code == 2
    assert "geomap never writes over its inputs" in err
    assert area.read_bytes() == before


@pytest.fixture
def tiny_limit(monkeypatch):
    """Basemaps over 1 kB are kept beside the map."""
    monkeypatch.setattr(userbasemap, "EMBED_LIMIT", 1000)


def test_a_large_basemap_is_written_beside_the_map(area, tmp_path, capsys, tiny_limit):
    out = tmp_path / "maps" / "map.html"
    code, said, _ = run(capsys, "render", SAMPLE, "--basemap", area, "-o", out)
    assert code == 0
    beside = out.parent / "karabakh-area.pmtiles"
    assert f"basemap {beside} is beside the map" in said
    assert beside.read_bytes() == area.read_bytes()
    u = app_config(out.read_text(encoding="utf-8"))["basemaps"][0]["pmtiles"]
    assert (u["data"], u["file"], u["size"]) == (None, "karabakh-area.pmtiles", area.stat().st_size)
    # Saved beside the user's own file: it is that file, left as it is.
    mtime = area.stat().st_mtime_ns
    code, said, _ = run(capsys, "embed", SAMPLE, "--basemap", area, "-o", area.parent / "e.html")
    assert code == 0
    assert area.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in area.parent.iterdir()) == ["e.html", "karabakh-area.pmtiles"]


# --------------------------------------------------------------------------- in Chromium

#: Tiles of the user basemap on the page: how many, and how many show more than one colour.
TILES_DRAWN = """() => {
  const tiles = [...document.querySelectorAll(
      '.geomap-user-basemap canvas, .geomap-user-basemap img')]
    .filter((t) => t.closest('.leaflet-control-minimap') === null);
  let painted = 0;
  for (const t of tiles) {
    const c = document.createElement('canvas');
    c.width = 64; c.height = 64;
    const g = c.getContext('2d');
    if (t.tagName === 'IMG' && !(t.complete && t.naturalWidth)) continue;
    g.drawImage(t, 0, 0, 64, 64);
    const px = g.getImageData(0, 0, 64, 64).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4) seen.add(px.slice(i, i + 4).join());
    if (seen.size > 1 || (px[3] === 255)) painted += 1;
  }
  return {tiles: tiles.length, painted};
}"""


def _wait_for_tiles(page) -> dict:
    page.wait_for_function(f"({TILES_DRAWN})().painted >= 2", timeout=30_000)
    return page.evaluate(TILES_DRAWN)


def _panel_basemaps(page) -> list[tuple[str, bool]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.geomap-panel input[type=radio]')]
          .map((i) => [i.parentElement.textContent.trim(), i.checked])"""
    )


def _colour_at_centre(page) -> list[int]:
    """The colour of the raster basemap's tile under the middle of the map."""
    return page.evaluate(
        """() => {
          const map = document.querySelector('.leaflet-container').getBoundingClientRect();
          const x = map.left + map.width / 2, y = map.top + map.height / 2;
          for (const t of document.querySelectorAll('.geomap-user-basemap img')) {
            const r = t.getBoundingClientRect();
            if (t.closest('.leaflet-control-minimap') || x < r.left || x >= r.right ||
                y < r.top || y >= r.bottom || !t.naturalWidth) continue;
            const c = document.createElement('canvas');
            c.width = t.naturalWidth; c.height = t.naturalHeight;
            const g = c.getContext('2d');
            g.drawImage(t, 0, 0);
            const k = (v, lo, size, n) => Math.floor((v - lo) / size * n);
            return [...g.getImageData(k(x, r.left, r.width, c.width),
                                      k(y, r.top, r.height, c.height), 1, 1).data];
          }
          return null;
        }"""
    )


@pytest.mark.browser
def test_a_vector_basemap_from_geomap_tiles_draws_offline(browser, area, tmp_path):
    out = save_map(
        render_map(gpd.read_file(SAMPLE, layer="incidents"), basemap=area), tmp_path / "m.html"
    )
    with browser.page(out) as (page, report):
        drawn = _wait_for_tiles(page)
        assert drawn["tiles"] >= drawn["painted"] >= 2
        assert report.blocked == []  # not even a web tile: the basemap is in the page
        assert _panel_basemaps(page)[0] == ["karabakh-area.pmtiles", True]
        assert "karabakh-sample.gpkg" in page.inner_text(".leaflet-control-attribution")
        assert page.locator(".geomap-basemap-open").count() == 0


@pytest.mark.browser
def test_a_raster_basemap_from_a_geotiff_draws_its_colour(browser, raster, tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["A"], "date": ["2022-01-01"]}, geometry=[Point(46.72, 39.95)], crs="EPSG:4326"
    )
    m = render_map(gdf, basemap=raster, time_slider=False, heatmap=False)
    out = save_map(m, tmp_path / "m.html")
    with browser.page(out) as (page, report):
        page.evaluate(f"{FIRST_MAP}.map.setView([39.95, 46.72], 12)")
        drawn = _wait_for_tiles(page)
        assert drawn["painted"] >= 2
        assert _colour_at_centre(page) == [*TIFF_RGB, 255]
        assert "aghdam.tif" in page.inner_text(".leaflet-control-attribution")
        assert report.blocked == []


@pytest.mark.browser
def test_a_basemap_beside_the_map_opens_with_the_picker(browser, area, tmp_path, tiny_limit):
    out = save_map(
        render_map(gpd.read_file(SAMPLE, layer="incidents"), basemap=area), tmp_path / "m.html"
    )
    beside = tmp_path / "karabakh-area.pmtiles"
    assert beside.is_file()
    with browser.page(out) as (page, _report):
        picker = page.locator(".geomap-basemap-picker")
        assert "The basemap karabakh-area.pmtiles" in picker.inner_text()
        assert page.locator(".geomap-basemap-open").inner_text() == "Open basemap file…"
        assert page.evaluate(TILES_DRAWN)["painted"] == 0  # nothing until the file is open
        page.set_input_files(".geomap-basemap-input", str(beside))
        drawn = _wait_for_tiles(page)
        assert drawn["painted"] >= 2
        assert picker.count() == 0


@pytest.mark.browser
def test_the_picker_refuses_a_file_that_is_not_pmtiles(browser, area, tmp_path, tiny_limit):
    out = save_map(
        render_map(gpd.read_file(SAMPLE, layer="incidents"), basemap=area), tmp_path / "m.html"
    )
    wrong = tmp_path / "notes.pmtiles"
    wrong.write_bytes(b"not an archive" * 20)
    with browser.page(out) as (page, _report):
        page.set_input_files(".geomap-basemap-input", str(wrong))
        page.wait_for_function(
            "document.querySelector('.geomap-basemap-picker p').textContent.includes('notes')"
        )
        assert page.inner_text(".geomap-basemap-picker p") == (
            "notes.pmtiles is not a PMTiles archive; choose karabakh-area.pmtiles."
        )
        assert page.evaluate(TILES_DRAWN)["painted"] == 0


def test_a_public_map_refuses_a_basemap_with_the_incidents(tmp_path, capsys, caplog, area):
    everything = tmp_path / "everything.pmtiles"
    assert main(["tiles", str(SAMPLE), "--max-zoom", "8", "-o", str(everything)]) == 0
    code, _, err = run(capsys, "render", SAMPLE, "--public", "--basemap", everything, "-o",
                       tmp_path / "p.html")  # fmt: skip
    assert code == 2
    assert "holds the layer 'hazards', 'incidents': a public map never carries exact" in err
    code, _, err = run(capsys, "render", SAMPLE, "--public", "--basemap", area, "-o",
                       tmp_path / "p.html")  # fmt: skip
    assert code == 0
    assert "karabakh-area.pmtiles is published as it is (not generalised)" in err
