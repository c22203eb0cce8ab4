"""A national-scale map in a browser: the path a 1M-incident map takes, at a CI size.

The thresholds that switch code paths are lowered (``compact_above``, ``canvas``), so
20,000 synthetic incidents and 1,000 hazard areas travel in the compact format (positions
to 1e-5 degree, deflated byte planes, day offsets, ids as prefix + number), are drawn by
the batching canvas renderer and clustered, as 1,000,000 and 50,000 are.

``GEOMAP_LARGE_MAP=1000000:50000 pytest tests/test_large_map.py`` runs the same checks at
that size (opt-in: minutes, and several GB of memory).
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geomap
from benchmarks.synthetic import make_hazards
from benchmarks.synthetic import make_incidents
from geomap.i18n import format_date

from .conftest import app_config

pytestmark = pytest.mark.browser

#: incidents:hazard areas; GEOMAP_LARGE_MAP=1000000:50000 for the full size.
SIZE = os.environ.get("GEOMAP_LARGE_MAP", "20000:1000")
#: The large-map path at any size: compact columns and the canvas renderer.
LARGE_PATH = {"compact_above": 500, "canvas": True}

STATE = "Object.values(geomap.maps)[0]"

#: Every incident drawn at the data's view: a marker each, or within a cluster marker.
INCIDENTS_DRAWN = f"""() => {{
    const s = {STATE};
    const inc = s.layers.incidents;
    if (!s.map.hasLayer(inc.group)) return -1;
    let n = 0;
    inc.group.eachLayer((m) => {{ n += m.geomapCount ?? (m.geomapIndex !== undefined ? 1 : 0); }});
    return n;
}}"""

#: Hazard polygons on the map, and layers the canvas drew in a full redraw.
HAZARDS_DRAWN = f"""() => {{
    const s = {STATE};
    const h = s.layers.hazards;
    let polygons = 0;
    for (const g of [s.layers["hazards-active"], s.layers["hazards-released"]]) {{
        g.eachLayer((l) => {{ if (l instanceof L.Polygon && s.map.hasLayer(l)) polygons++; }});
    }}
    const r = h.renderer;
    let inRenderer = 0;
    for (let o = r._drawFirst; o; o = o.next) inRenderer++;
    r._redrawBounds = null;
    r._redraw();
    return {{ polygons, inRenderer, drawn: r.drawn.layers, partial: r.drawn.partial }};
}}"""

#: Pixels the hazards' canvas painted.
PAINTED = f"""() => {{
    const c = {STATE}.layers.hazards.renderer._container;
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
}}"""


def _size() -> tuple[int, int]:
    inc, haz = SIZE.split(":")
    return int(inc), int(haz)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The synthetic layers (validated) and their map, written once for the module."""
    n_inc, n_haz = _size()
    hazards = geomap.validate_hazards(make_hazards(n_haz)).kept
    incidents = geomap.validate_incidents(make_incidents(n_inc, near=hazards)).kept
    path = tmp_path_factory.mktemp("large") / "large-map.html"
    geomap.save_map(geomap.render_map(incidents, hazards, **LARGE_PATH), path)
    return {"path": path, "incidents": incidents, "hazards": hazards}


def test_large_map_travels_in_the_compact_format(large):
    config = app_config(large["path"].read_text(encoding="utf-8"))
    specs = {s["key"]: s for s in config["layers"]}
    inc, haz = specs["incidents"], specs["hazards"]
    assert inc["n"] == len(large["incidents"])
    assert haz["n"] == len(large["hazards"])
    assert inc["scale"] == 100_000
    # Outlines simplified to 3 m snap to a 2e-5 degree grid (under 1.5 m off).
    assert haz["g"]["scale"] == 50_000
    assert "z85" in inc["x"]
    assert "vb" in haz["g"]["steps"]
    assert inc["cols"]["id"]["pre"] == "INC-"
    assert haz["cols"]["id"]["pre"] == "HA-"
    assert "o" in inc["cols"]["date"]["days"]
    # One level of polygons travels; the page simplifies the overview from it.
    assert "gFine" not in haz
    assert haz["coarse"]["tol"] > 0
    assert inc["mode"] == "cluster"
    assert inc["canvas"]
    assert haz["canvas"]


def _slider_to(page: Any, month: int) -> str:
    page.locator(".geomap-slider input").fill(str(month))
    label = page.locator(".geomap-slider output").inner_text()
    page.wait_for_function(
        "t => document.querySelector('.geomap-summary-when').textContent === t",
        arg=f"Up to the end of {label}",
        timeout=120_000,
    )
    return label


def test_large_map_draws_every_feature_and_its_slider_filters(browser, large):
    inc: gpd.GeoDataFrame = large["incidents"]
    haz: gpd.GeoDataFrame = large["hazards"]
    with browser.page(large["path"], axe=False) as (page, _report):
        assert page.evaluate(INCIDENTS_DRAWN) == len(inc)
        drawn = page.evaluate(HAZARDS_DRAWN)
        assert drawn["polygons"] == len(haz)
        # The batching renderer drew every layer it holds (areas, and their symbols).
        assert drawn["drawn"] == drawn["inRenderer"] >= len(haz)
        assert not drawn["partial"]
        assert page.evaluate(PAINTED) > 10_000
        panel = page.locator(".geomap-entry[data-layer=incidents]").inner_text()
        assert f"({len(inc):,})" in panel
        label = _slider_to(page, 10)
        cutoff = pd.Period(label, "M").to_timestamp(how="end")
        expected = int((inc["date"] <= cutoff).sum())
        assert 0 < expected < len(inc)
        assert page.evaluate(INCIDENTS_DRAWN) == expected
        assert f"({expected:,})" in page.locator(".geomap-entry[data-layer=incidents]").inner_text()
        recorded = int((haz["date_recorded"] <= cutoff).sum())
        assert page.evaluate(HAZARDS_DRAWN)["polygons"] == recorded < len(haz)


def _popup(page: Any, text: str) -> str:
    popup = page.locator(".leaflet-popup-content", has_text=text)
    popup.wait_for(timeout=60_000)
    return popup.inner_text()


def test_large_map_search_finds_ids_and_popups_show_their_row(browser, large):
    inc: gpd.GeoDataFrame = large["incidents"]
    haz: gpd.GeoDataFrame = large["hazards"]
    row = inc.iloc[len(inc) * 2 // 3]
    area = haz.iloc[len(haz) // 2]
    with browser.page(large["path"], axe=False) as (page, _report):
        box = page.locator(".geomap-search input")
        box.fill(row["id"])
        box.press("Enter")
        text = _popup(page, row["id"])
        assert format_date(row["date"].date(), "en") in text  # as Babel writes it
        # The free text stays out of a map this large, and the popup says so.
        assert row["description"] not in text
        assert "Descriptions are left out of maps this large (incidents: more than 500)" in text
        # Coordinates to 1e-5 degree (about 1 m), as the compact format keeps them.
        assert f"{row.geometry.y:.5f}, {row.geometry.x:.5f}" in text
        box.fill(area["id"])
        box.press("Enter")
        assert area["status"] in _popup(page, area["id"])
        # Clicking the area on the canvas (hit-tested by Leaflet) opens its popup too.
        page.evaluate(f"() => {{ {STATE}.map.closePopup(); }}")
        point = area.geometry.representative_point()
        xy = page.evaluate(
            f"""ll => {{
                const m = {STATE}.map;
                const p = m.latLngToContainerPoint(ll);
                const r = m.getContainer().getBoundingClientRect();
                return [r.x + p.x, r.y + p.y];
            }}""",
            [point.y, point.x],
        )
        page.mouse.click(*xy)
        assert area["status"] in _popup(page, area["id"])


def test_large_map_table_lists_the_incidents_in_view(browser, large):
    inc: gpd.GeoDataFrame = large["incidents"]
    row = inc.iloc[len(inc) // 3]
    with browser.page(large["path"], axe=False) as (page, _report):
        box = page.locator(".geomap-search input")
        box.fill(row["id"])
        box.press("Enter")
        _popup(page, row["id"])
        s, w, n, e = page.evaluate(
            f"""() => {{
                const b = {STATE}.map.getBounds();
                return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
            }}"""
        )
        x, y = inc.geometry.x.to_numpy(), inc.geometry.y.to_numpy()
        # Positions as the page has them (1e-5 degree), inside the view as Leaflet tests it.
        x, y = np.round(x * 1e5) / 1e5, np.round(y * 1e5) / 1e5
        in_view = int(((x >= w) & (x <= e) & (y >= s) & (y <= n)).sum())
        assert in_view >= 1
        page.get_by_role("button", name="Table").click()
        caption = page.locator("caption", has_text="Incidents in view").inner_text()
        assert f"Incidents in view: {in_view:,}" in caption


@pytest.fixture(scope="module")
def mid(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """1,000 hazard areas, not in the compact format: one level travels, the page makes the rest."""
    hazards = geomap.validate_hazards(make_hazards(1000)).kept
    incidents = geomap.validate_incidents(make_incidents(2000, near=hazards)).kept
    path = tmp_path_factory.mktemp("mid") / "mid-map.html"
    geomap.save_map(geomap.render_map(incidents, hazards, canvas=True), path)
    return {"path": path, "hazards": hazards}


#: Vertices of polygon i as drawn now (outer ring of its first part), and the map's zoom.
DRAWN_VERTICES = f"""i => {{
    const h = {STATE}.layers.hazards;
    let ll = h.shapes[i].getLatLngs();
    while (Array.isArray(ll[0])) ll = ll[0];
    return {{ n: ll.length, zoom: {STATE}.map.getZoom(), detail: h.spec.detailZoom }};
}}"""


def test_mid_size_layer_sends_one_level_and_the_page_refines_it(browser, mid):
    haz: gpd.GeoDataFrame = mid["hazards"]
    config = app_config(mid["path"].read_text(encoding="utf-8"))
    spec = next(s for s in config["layers"] if s["key"] == "hazards")
    assert spec["g"]["scale"] == 1_000_000  # not the compact format
    assert "gFine" not in spec
    assert spec["coarse"]["tol"] > 0
    big = int(np.argmax(haz["area_m2"].to_numpy()))
    area = haz.iloc[big]
    with browser.page(mid["path"], axe=False) as (page, _report):
        assert page.evaluate(HAZARDS_DRAWN)["polygons"] == len(haz)
        overview = page.evaluate(DRAWN_VERTICES, big)
        assert overview["zoom"] < overview["detail"]
        box = page.locator(".geomap-search input")
        box.fill(area["id"])
        box.press("Enter")
        _popup(page, area["id"])
        page.evaluate(
            f"z => {{ {STATE}.map.setView({STATE}.map.getCenter(), z, {{ animate: false }}); }}",
            overview["detail"] + 1,
        )
        page.wait_for_function(
            f"i => {{ let ll = {STATE}.layers.hazards.shapes[i].getLatLngs();"
            " while (Array.isArray(ll[0])) ll = ll[0]; return ll.length > "
            f"{overview['n']}; }}",
            arg=big,
            timeout=60_000,
        )
        detailed = page.evaluate(DRAWN_VERTICES, big)
        # The overview drops vertices; zoomed in, the area has its simplified-to-3 m outline.
        assert overview["n"] < detailed["n"] <= len(area.geometry.exterior.coords) - 1
