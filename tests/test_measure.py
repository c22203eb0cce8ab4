"""The measure tool in Chromium: clicks known points, and the distance and area it reports
are pyproj's geodesic ones (WGS84) within 0.5%; the map stays put; Finish can be clicked."""

from __future__ import annotations

import re

import pytest
from pyproj import Geod

import geomap

from .conftest import SAMPLE
from .mappoints import centre_of
from .mappoints import latlon_at
from .mappoints import page_point
from .mappoints import set_view

pytestmark = pytest.mark.browser

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    layers = geomap.load_layers(SAMPLE)
    m = geomap.render_map(layers["incidents"], layers["hazards"], tiles=None)
    path = tmp_path_factory.mktemp("measure") / "map.html"
    geomap.save_map(m, path)
    return path


def metres(text: str) -> float:
    """A reported length ("12.345 km", "850 m") or area ("12,345 m² (1.23 ha)") in metres."""
    value, unit = re.search(r"([\d,.]+) (km|m)", text).groups()
    return float(value.replace(",", "")) * (1000 if unit == "km" else 1)


def clickable(page, selector: str) -> bool:
    """The element at the middle of `selector` is that element (or inside it): nothing covers it."""
    return page.evaluate(
        """sel => {
        const e = document.querySelector(sel);
        const r = e.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit === e || e.contains(hit);
    }""",
        selector,
    )


def measure(page, points: list[tuple[float, float]]) -> dict[str, float]:
    """Click the measure tool, then each (lat, lon), then Finish; what the panel reports."""
    page.locator(".geomap-measure-toggle").click()
    centre = centre_of(page)
    clicked = []
    for lat, lon in points:
        x, y = (round(v) for v in page_point(page, lat, lon))
        page.mouse.click(x, y)
        clicked.append(latlon_at(page, x, y))
        # The map does not pan (leaflet-measure 3.1 moved it half a screen on every click).
        assert centre_of(page) == centre
    assert clickable(page, ".geomap-measure-finish")
    page.locator(".geomap-measure-finish").click()
    assert centre_of(page) == centre
    lats, lons = [p[0] for p in clicked], [p[1] for p in clicked]
    text = page.locator(".geomap-measure-result").inner_text()
    out = {
        "reported": metres(page.locator(".geomap-measure-distance").inner_text()),
        "geodesic": GEOD.line_length(lons, lats),
        "text": text,
    }
    if len(points) > 2:
        area_text = page.locator(".geomap-measure-area").inner_text()
        value, unit = re.search(r"([\d,.]+) (km²|m²)", area_text).groups()
        out["area"] = float(value.replace(",", "")) * (1e6 if unit == "km²" else 1)
        out["geodesic_area"] = abs(GEOD.polygon_area_perimeter(lons, lats)[0])
    return out


def test_three_points_200_px_apart_measure_what_pyproj_does(browser, sample_map):
    with browser.page(sample_map) as (page, _report):
        set_view(page, 39.8, 46.75, 13)
        x0, y0 = page_point(page, 39.8, 46.75)
        pts = [latlon_at(page, x0 + dx, y0 + dy) for dx, dy in ((-200, 0), (0, 0), (0, 200))]
        got = measure(page, pts)
    # 200 px at zoom 13 is about 3.7 km: nowhere near the 430 km leaflet-measure said.
    assert 2000 < got["geodesic"] < 20_000
    assert got["reported"] == pytest.approx(got["geodesic"], rel=0.005), got["text"]
    assert got["area"] == pytest.approx(got["geodesic_area"], rel=0.005), got["text"]
    assert "Points: 3" in got["text"]


def test_a_long_path_is_geodesic_not_spherical(browser, sample_map):
    # Across the sample's region, zoomed out: two legs of roughly 60 km and 80 km.
    points = [(39.2, 46.2), (39.7, 46.6), (40.3, 46.2)]
    with browser.page(sample_map) as (page, _report):
        set_view(page, 39.75, 46.4, 8)
        got = measure(page, points)
    assert got["reported"] == pytest.approx(got["geodesic"], rel=0.005), got["text"]
    # Leaflet's haversine (a sphere of radius 6371 km) would be off by more than the km
    # shown: the tool reports the ellipsoid's distance to the metre.
    assert abs(got["reported"] - got["geodesic"]) < 2, got["text"]


@pytest.mark.parametrize(
    "viewport", [{"width": 1200, "height": 800}, {"width": 800, "height": 460}]
)
def test_the_panel_is_above_the_slider_and_undo_cancel_work(browser, sample_map, viewport):
    with browser.page(sample_map, viewport=viewport) as (page, _report):
        page.locator(".geomap-measure-toggle").click()
        for buttons in (".geomap-measure-undo", ".geomap-measure-cancel"):
            assert clickable(page, buttons)
        page.mouse.click(viewport["width"] // 2, viewport["height"] // 2)
        page.mouse.click(viewport["width"] // 2 - 100, viewport["height"] // 2 + 20)
        assert clickable(page, ".geomap-measure-finish")
        assert "Points: 2" in page.locator(".geomap-measure-count").inner_text()
        page.locator(".geomap-measure-undo").click()
        assert "Points: 1" in page.locator(".geomap-measure-count").inner_text()
        page.locator(".geomap-measure-cancel").click()
        assert page.locator(".geomap-measure-panel").is_hidden()
        assert page.locator(".geomap-measure-line").count() == 0


def test_clicks_on_features_add_points_and_open_no_popup(browser, sample_map):
    inc = geomap.load_layers(SAMPLE)["incidents"].kept.geometry.iloc[3]
    with browser.page(sample_map) as (page, _report):
        set_view(page, inc.y, inc.x, 16)
        page.locator(".geomap-measure-toggle").click()
        page.mouse.click(*page_point(page, inc.y, inc.x))
        assert "Points: 1" in page.locator(".geomap-measure-count").inner_text()
        assert page.locator(".leaflet-popup").count() == 0
        # Escape ends it; then a click on the incident opens its popup again.
        page.keyboard.press("Escape")
        page.mouse.click(*page_point(page, inc.y, inc.x))
        page.locator(".leaflet-popup .geomap-place").wait_for()
