"""Coordinates as field teams use them, in Chromium: popups (DD, DMS, MGRS), the cursor
readout and the search box reading DD, DMS and MGRS; checked against pyproj and PyPI mgrs."""

from __future__ import annotations

import re

import pytest
import shapely
from pyproj import Geod
from pyproj import Transformer

import geomap
from geomap.map.public import public_incidents

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .mappoints import centre_of
from .mappoints import latlon_at
from .mappoints import page_point
from .mappoints import set_view

mgrs = pytest.importorskip("mgrs", reason="PyPI mgrs checks the page's MGRS (pip install mgrs)")

pytestmark = pytest.mark.browser

GEOD = Geod(ellps="WGS84")
DMS_RE = re.compile(r"(\d+)°(\d+)'([\d.]+)\"([NSEW])")


@pytest.fixture(scope="module")
def layers():
    return geomap.load_layers(SAMPLE)


@pytest.fixture(scope="module")
def sample_map(layers, tmp_path_factory):
    m = geomap.render_map(layers["incidents"], layers["hazards"], tiles=None)
    path = tmp_path_factory.mktemp("coords") / "map.html"
    geomap.save_map(m, path)
    return path


def dms_to_deg(text: str) -> tuple[float, float]:
    """Read the page's DMS ("40°07'22.8"N 46°27'21.6"E") back into latitude, longitude."""
    parts = DMS_RE.findall(text)
    assert len(parts) == 2, text
    out = []
    for d, m, s, h in parts:
        v = int(d) + int(m) / 60 + float(s) / 3600
        out.append(-v if h in "SW" else v)
    return out[0], out[1]


def utm_digits(lat: float, lon: float) -> tuple[str, int, int]:
    """The UTM zone and the 1 m easting/northing digits inside the 100 km square (pyproj)."""
    zone = int((lon + 180) // 6) + 1
    to_utm = Transformer.from_crs(4326, 32600 + zone if lat >= 0 else 32700 + zone, always_xy=True)
    e, n = to_utm.transform(lon, lat)
    return str(zone), int(e) % 100_000, int(n) % 100_000


def check_place(box: dict[str, str], lat: float, lon: float) -> None:
    """A popup's (or readout's) DD, DMS and MGRS all name (lat, lon)."""
    plat, plon = (float(v) for v in box["dd"].split(","))
    assert re.fullmatch(r"-?\d+\.\d{5}, -?\d+\.\d{5}", box["dd"]), box["dd"]
    assert abs(plat - lat) <= 1.1e-5, (box["dd"], lat)
    assert abs(plon - lon) <= 1.1e-5, (box["dd"], lon)
    dlat, dlon = dms_to_deg(box["dms"])
    assert abs(dlat - lat) < 3e-5, (box["dms"], lat)
    assert abs(dlon - lon) < 3e-5, (box["dms"], lon)
    want = mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=5)
    got = box["mgrs"].split()
    assert "".join(got[:2]) == re.match(r"\d+[A-Z]{3}", want).group(), (box["mgrs"], want)
    zone, e, n = utm_digits(lat, lon)
    assert got[0].startswith(zone)
    # Within 2 m of pyproj's UTM (the page's own coordinates are stored to 1e-6°).
    assert abs(int(got[2]) - e) <= 2, (box["mgrs"], e)
    assert abs(int(got[3]) - n) <= 2, (box["mgrs"], n)
    back = mgrs.MGRS().toLatLon(box["mgrs"].replace(" ", ""))
    assert GEOD.inv(lon, lat, back[1], back[0])[2] < 3


def popup_place(page) -> dict[str, str]:
    page.locator(".leaflet-popup-content .geomap-place").wait_for()
    return page.evaluate(
        """() => {
        const p = document.querySelector('.leaflet-popup-content .geomap-place');
        return {label: p.querySelector('.geomap-place-label').textContent,
                dd: p.querySelector('.geomap-dd').textContent,
                dms: p.querySelector('.geomap-dms').textContent,
                mgrs: p.querySelector('.geomap-mgrs').textContent};
    }"""
    )


def test_incident_popup_shows_dd_dms_and_mgrs(browser, sample_map, layers):
    inc = layers["incidents"].kept
    row = inc.iloc[7]
    lat, lon = row.geometry.y, row.geometry.x
    with browser.page(sample_map) as (page, _report):
        set_view(page, lat, lon, 17)
        page.mouse.click(*page_point(page, lat, lon))
        box = popup_place(page)
        assert str(row["id"]) in page.locator(".leaflet-popup-content").inner_text()
        assert box["label"] == "Location"
        check_place(box, lat, lon)


def test_hazard_popup_shows_a_point_inside_the_area(browser, sample_map, layers):
    haz = layers["hazards"].kept
    # The least convex area: its centroid is the likeliest to fall outside it.
    metric = haz.geometry.to_crs(3857)
    row = haz.loc[(metric.area / metric.convex_hull.area).idxmin()]
    inside = row.geometry.representative_point()
    with browser.page(sample_map) as (page, _report):
        # Incidents lie in hazard areas: hide them, so the click reaches the area.
        page.evaluate(f"{FIRST_MAP}.map.removeLayer({FIRST_MAP}.layers.incidents.group)")
        b = row.geometry.bounds
        page.evaluate(
            f"b => {FIRST_MAP}.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {{animate: false}})",
            list(b),
        )
        page.mouse.click(*page_point(page, inside.y, inside.x))
        box = popup_place(page)
        assert str(row["id"]) in page.locator(".leaflet-popup-content").inner_text()
        assert "Inside the area" in box["label"]
        lat, lon = (float(v) for v in box["dd"].split(","))
        assert row.geometry.buffer(1e-5).contains(shapely.Point(lon, lat))
        check_place(box, lat, lon)


def test_public_popup_shows_only_the_generalised_cell(browser, layers, tmp_path):
    m = geomap.render_map(
        layers["incidents"], layers["hazards"], tiles=None, public=True, cell_m=5000, k=3
    )
    path = tmp_path / "public.html"
    geomap.save_map(m, path)
    cells = public_incidents(layers["incidents"].kept, cell_m=5000, k=3)
    true = layers["incidents"].kept.geometry
    cell = cells.geometry.iloc[0]
    with browser.page(path) as (page, _report):
        set_view(page, cell.y, cell.x, 15)
        page.mouse.click(*page_point(page, cell.y, cell.x))
        box = popup_place(page)
    assert "generalised" in box["label"]
    assert "not an incident" in box["label"]
    check_place(box, cell.y, cell.x)
    lat, lon = (float(v) for v in box["dd"].split(","))
    # No true incident is at the coordinates shown.
    assert min(g.distance(shapely.Point(lon, lat)) for g in true) > 1e-4


def test_cursor_readout_shows_the_point_under_the_mouse(browser, sample_map):
    with browser.page(sample_map) as (page, _report):
        readout = page.locator(".geomap-cursor-button")
        assert "centre" in readout.inner_text()
        page.mouse.move(500, 300)
        page.mouse.move(512, 345)
        lat, lon = latlon_at(page, 512, 345)
        value = page.locator(".geomap-cursor-value")
        box = {"dd": value.inner_text()}
        assert page.locator(".geomap-cursor-kind").inner_text() == "DD"
        # A click shows DMS, a second MGRS; the mouse stays put (on the map, not the button).
        readout.click()
        page.mouse.move(512, 345)
        assert page.locator(".geomap-cursor-kind").inner_text() == "DMS"
        box["dms"] = value.inner_text()
        readout.click()
        page.mouse.move(512, 345)
        assert page.locator(".geomap-cursor-kind").inner_text() == "MGRS"
        box["mgrs"] = value.inner_text()
        check_place(box, lat, lon)


def dms(v: float, pos: str, neg: str, spaced: bool) -> str:
    a = abs(v)
    d = int(a)
    m = int((a - d) * 60)
    s = (a - d - m / 60) * 3600
    sep = " " if spaced else ""
    return f"{d}°{sep}{m:02d}'{sep}{s:05.2f}\"{sep}{pos if v >= 0 else neg}"


@pytest.mark.parametrize(
    "notation",
    ["dd", "dd-hemispheres", "dms", "dms-spaced", "mgrs", "mgrs-compact"],
)
def test_search_goes_to_a_coordinate(browser, sample_map, notation):
    lat, lon = 39.81234, 46.75678
    text = {
        "dd": f"{lat}, {lon}",
        "dd-hemispheres": f"{lat} N {lon} E",
        "dms": f"{dms(lat, 'N', 'S', False)} {dms(lon, 'E', 'W', False)}",
        "dms-spaced": f"{dms(lat, 'N', 'S', True)}, {dms(lon, 'E', 'W', True)}",
        "mgrs": " ".join(
            re.fullmatch(r"(\d+\w)(\w\w)(\d{5})(\d{5})", mgrs.MGRS().toMGRS(lat, lon)).groups()
        ),
        "mgrs-compact": mgrs.MGRS().toMGRS(lat, lon),
    }[notation]
    with browser.page(sample_map) as (page, _report):
        box = page.locator(".geomap-search input")
        box.fill(text)
        box.press("Enter")
        page.locator(".leaflet-popup-content", has_text="Searched coordinate").wait_for()
        centre = centre_of(page)
        assert GEOD.inv(lon, lat, centre[1], centre[0])[2] < 3, (text, centre)
        msg = page.locator(".geomap-search-msg").inner_text()
        assert msg.startswith("Went to 39.8123"), msg
        assert page.locator("path.geomap-goto").count() == 1


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("95.5, 46.1", "latitude 95.5 is out of range"),
        ("40 N 46 N", "both coordinates are latitudes"),
        ("40°75'00\"N 46°00'00\"E", "below 60"),
        ("38T PZ 24062 42425", "not a valid grid reference"),
    ],
)
def test_search_says_why_a_coordinate_is_invalid(browser, sample_map, text, says):
    with browser.page(sample_map) as (page, _report):
        zoom = page.evaluate(f"{FIRST_MAP}.map.getZoom()")
        box = page.locator(".geomap-search input")
        box.fill(text)
        box.press("Enter")
        assert says in page.locator(".geomap-search-msg").inner_text()
        assert page.locator("path.geomap-goto").count() == 0
        assert page.evaluate(f"{FIRST_MAP}.map.getZoom()") == zoom
