"""Every layer and control of the full map, used in a browser as a person would."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import geomap

from .conftest import FIRST_MAP
from .conftest import SAMPLE

pytestmark = pytest.mark.browser

TILE_LAYERS = (
    "document.querySelectorAll("
    "'.folium-map > .leaflet-map-pane > .leaflet-tile-pane > .leaflet-layer').length"
)


@pytest.fixture(scope="module")
def full_map(tmp_path_factory):
    """The sample with every layer: districts, towns, roads, proposed areas (made up here)."""
    layers = geomap.load_layers(SAMPLE)
    districts = gpd.read_file(SAMPLE, layer="districts")
    towns = gpd.read_file(SAMPLE, layer="towns")
    roads = gpd.read_file(SAMPLE, layer="roads")
    proposed = gpd.GeoDataFrame(
        {"n_incidents": [3], "incident_ids": ["INC-0001, INC-0002, INC-0003"]},
        geometry=[layers["incidents"].kept.geometry.iloc[:3].union_all().convex_hull.buffer(0.01)],
        crs=4326,
    )
    m = geomap.render_map(
        layers["incidents"],
        layers["hazards"],
        districts=districts,
        places=towns,
        roads=roads,
        proposed=proposed,
        title="All layers",
    )
    path = tmp_path_factory.mktemp("full") / "full.html"
    geomap.save_map(m, path)
    return path, layers


def counts(page) -> dict[str, int]:
    return page.evaluate(
        """() => {
        const c = {};
        const kinds = ["hazard", "incident", "district", "place", "road", "proposed", "active",
                       "released", "frame-border"];
        for (const k of kinds) {
            c[k] = document.querySelectorAll("path.geomap-" + k).length;
        }
        c.heat = document.querySelectorAll("canvas.leaflet-heatmap-layer").length;
        return c;
    }"""
    )


def test_every_layer_toggles_with_its_legend(browser, full_map):
    path, _ = full_map
    with browser.page(path) as (page, _report):
        entries = page.locator(".geomap-entry")
        keys = [entries.nth(i).get_attribute("data-layer") for i in range(entries.count())]
        assert keys == [
            "hazards-active",
            "hazards-released",
            "proposed",
            "incidents",
            "heat",
            "districts-casualties",
            "districts-active",
            "places",
            "roads",
            "frame",
        ]
        groups = page.locator(".geomap-group > legend").all_inner_texts()
        assert groups == ["Basemap", "Hazard areas", "Incidents", "Districts", "Context"]
        selector = {
            "hazards-active": "active",
            "hazards-released": "released",
            "proposed": "proposed",
            "incidents": "incident",
            "heat": "heat",
            "districts-casualties": "district",
            "districts-active": "district",
            "places": "place",
            "roads": "road",
            "frame": "frame-border",
        }
        for key in keys:
            entry = page.locator(f".geomap-entry[data-layer='{key}']")
            box = entry.locator("input")
            legend = entry.locator(".geomap-legend-items")
            what = selector[key]
            for _ in range(2):  # off and on again, or on and off again
                before = counts(page)[what]
                was_on = box.is_checked()
                box.click()
                after = counts(page)[what]
                if was_on:
                    assert after < before, key
                else:
                    assert after > before, key
                # The legend shows exactly when the layer does.
                assert legend.is_visible() == box.is_checked(), key


def test_time_slider_changes_map_and_summary(browser, full_map):
    path, layers = full_map
    with browser.page(path) as (page, _report):
        summary = page.locator(".geomap-summary")
        cell = summary.locator("td[data-key=incidents]")
        assert cell.inner_text() == "125"
        assert summary.locator("td[data-key=killed]").inner_text() == "56"
        slider = page.locator(".geomap-slider input")
        months = int(slider.get_attribute("max")) + 1
        slider.fill("10")
        label = page.locator(".geomap-slider output").inner_text()
        # The map follows the slider once the user stops moving it (debounced).
        page.wait_for_function(
            "t => document.querySelector('.geomap-summary-when').textContent === t",
            arg=f"Up to the end of {label}",
        )
        cutoff = pd.Period(label, "M").to_timestamp(how="end")
        inc = layers["incidents"].kept
        expected = int((inc["date"] <= cutoff).sum())
        assert cell.inner_text() == str(expected)
        assert page.locator("path.geomap-incident").count() == expected < 125
        haz = layers["hazards"].kept
        recorded = int((haz["date_recorded"] <= cutoff).sum())
        assert page.locator("path.geomap-hazard").count() == recorded
        assert summary.locator(".geomap-summary-when").inner_text() == f"Up to the end of {label}"
        slider.fill(str(months - 1))
        last = page.locator(".geomap-slider output").inner_text()
        page.wait_for_function(
            "t => document.querySelector('.geomap-summary-when').textContent === t",
            arg=f"Up to the end of {last}",
        )
        assert cell.inner_text() == "125"


def test_search_finds_id_district_and_place(browser, full_map):
    path, _ = full_map
    with browser.page(path) as (page, _report):
        box = page.locator(".geomap-search input")
        for query, expect in (
            ("INC-0032", "INC-0032"),
            ("HA-0007", "HA-0007"),
            ("Shusha", "Shusha"),
        ):
            box.fill(query)
            box.press("Enter")
            popup = page.locator(".leaflet-popup-content", has_text=expect)
            popup.wait_for()
            assert expect in popup.inner_text()
        box.fill("no such place")
        box.press("Enter")
        assert "Nothing found" in page.locator(".geomap-search-msg").inner_text()


def test_controls_are_there_and_work(browser, full_map):
    path, _ = full_map
    with browser.page(path) as (page, report):
        for selector in (
            ".leaflet-control-zoom-fullscreen",
            ".leaflet-control-measure",
            ".leaflet-control-locate",
            ".leaflet-control-scale",
        ):
            assert page.locator(selector).count() == 1, selector
        # The mini-map is made, and taken off the map while tiles cannot load (blank).
        assert page.evaluate(f"{FIRST_MAP}.controls.minimap._miniMap !== undefined")
        # Basemaps: switching to None removes every tile layer.
        page.locator(".geomap-group").first.get_by_text("None").click()
        assert page.evaluate(TILE_LAYERS) == 0
        page.locator(".geomap-group").first.get_by_text("OpenTopoMap").click()
        assert page.evaluate(TILE_LAYERS) == 1
        # Measure opens its panel and measures (tests/test_measure.py checks the numbers).
        page.locator(".geomap-measure-toggle").click()
        assert page.locator(".geomap-measure-panel").is_visible()
        page.mouse.click(600, 400)
        page.mouse.click(700, 420)
        assert "Distance: " in page.locator(".leaflet-control-measure").inner_text()
        page.keyboard.press("Escape")
        # Locate-me fails quietly with no GPS (no alert), and says so on the map.
        page.locator(".leaflet-control-locate a").click()
        assert "Location unavailable" in page.locator(".geomap-locate-msg").inner_text()
        assert report.dialogs == []


def test_clustering_above_threshold(browser, tmp_path):
    layers = geomap.load_layers(SAMPLE)
    m = geomap.render_map(layers["incidents"], cluster=True, tiles=None)
    path = tmp_path / "cluster.html"
    geomap.save_map(m, path)
    with browser.page(path) as (page, _report):
        clusters = page.locator(".geomap-cluster")
        assert clusters.count() > 0
        total = page.evaluate(
            "[...document.querySelectorAll('.geomap-cluster')]"
            ".reduce((s, e) => s + parseInt(e.textContent), 0)"
        )
        singles = page.locator("path.geomap-incident").count()
        assert total + singles == 125
        zoom = page.evaluate(f"{FIRST_MAP}.map.getZoom()")
        clusters.first.click()
        page.wait_for_function(f"z => {FIRST_MAP}.map.getZoom() > z", arg=zoom)
