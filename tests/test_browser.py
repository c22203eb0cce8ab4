"""Maps opened as a person would: headless Chromium, every non-file request blocked."""

from __future__ import annotations

import pandas as pd
import pytest

import geomap
from geomap.cli import main

from .conftest import COLOMBIA
from .conftest import FIRST_MAP
from .conftest import ROOT
from .conftest import SAMPLE

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    """The sample map, made the way the README's first command makes it."""
    out = tmp_path_factory.mktemp("sample") / "karabakh-map.html"
    assert main(["render", str(SAMPLE), "-o", str(out), "-q"]) == 0
    return out


def test_sample_map_draws_every_kept_feature_offline(browser, sample_map):
    results = geomap.load_layers(SAMPLE)
    n_haz, n_inc = len(results["hazards"].kept), len(results["incidents"].kept)
    with browser.page(sample_map) as (page, _report):
        assert page.locator(".folium-map.leaflet-container").count() == 1
        assert page.locator("path.geomap-hazard").count() == n_haz == 400
        assert page.locator("path.geomap-incident").count() == n_inc == 125
        legend = page.locator(".geomap-panel")
        assert legend.is_visible()
        assert "Confirmed hazardous area (CHA)" in legend.inner_text()
        assert "civilian" in legend.inner_text()
        assert page.locator(".geomap-title").inner_text() == "Explosive ordnance contamination"
        # Active hazard areas toggle off and on from the layer panel.
        active = page.locator("[data-layer=hazards-active] input")
        n_active = page.locator("path.geomap-active").count()
        assert 0 < n_active < 400
        active.click()
        assert page.locator("path.geomap-hazard").count() == 400 - n_active
        active.click()
        assert page.locator("path.geomap-hazard").count() == 400


#: Index of the first element matching a selector that is on top at its own centre.
UNCOVERED = """sel => [...document.querySelectorAll(sel)].findIndex(e => {
    const r = e.getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e;
})"""


def test_popup_shows_fields_as_text(browser, sample_map):
    with browser.page(sample_map) as (page, _report):
        # As a person would: a marker nothing else covers.
        markers = page.locator("path.geomap-incident")
        markers.nth(page.evaluate(UNCOVERED, "path.geomap-incident")).click()
        popup = page.locator(".leaflet-popup-content .geomap-popup")
        popup.wait_for()
        text = popup.inner_text()
        assert "Incident id" in text
        assert "Killed" in text


def test_script_in_data_is_shown_never_run(browser, tmp_path, incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "description"] = XSS
    gdf.loc[1, "description"] = "</script><script>alert(2)</script>"
    kept = geomap.validate_incidents(gdf).kept
    kept["<script>alert(3)</script>"] = kept["district"]  # a hostile field name too
    m = geomap.render_map(
        kept,
        popup_fields={"incidents": ["id", "description", "<script>alert(3)</script>"]},
        tooltip_fields={"incidents": ["description"]},
        title="<img src=y onerror=alert(4)>",
    )
    path = tmp_path / "xss.html"
    geomap.save_map(m, path)
    page, report = browser.open(path)
    try:
        markers = page.locator("path.geomap-incident")
        assert markers.count() == 5
        markers.nth(0).click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert XSS in popup.inner_text()
        assert "<script>alert(3)</script>" in popup.inner_text()
        assert popup.locator("img").count() == 0
        page.locator(".leaflet-popup-close-button").click()  # it covers the next marker
        page.locator(".leaflet-popup").wait_for(state="detached")
        # A click event on the marker itself: on a slow machine the closing popup's fade
        # can still sit over it and take a pointer click.
        markers.nth(1).dispatch_event("click")
        second = page.locator(".leaflet-popup-content", has_text="alert(2)")
        assert "</script><script>alert(2)</script>" in second.inner_text()
        assert page.locator(".geomap-title").inner_text() == "<img src=y onerror=alert(4)>"
        # Every image has loaded or failed (so any onerror has run), and none but tiles exist.
        page.wait_for_function("Array.from(document.images).every(i => i.complete)")
        assert page.locator("img:not(.leaflet-tile)").count() == 0
        assert report.dialogs == []
        assert report.errors == []
        assert page.locator("img[src='x'], img[src='y']").count() == 0
    finally:
        page.close()


@pytest.mark.shared
def test_colombia_map_draws_every_kept_event(browser, realdata, tmp_path):
    out = tmp_path / "colombia.html"
    files = [str(p) for p in sorted(COLOMBIA.glob("*.json"))]
    mapping = str(ROOT / "examples" / "colombia-mapping.yaml")
    assert main(["render", *files, "--mapping", mapping, "-o", str(out), "-q"]) == 0
    rejected = pd.read_csv(tmp_path / "colombia-rejects.csv")
    with browser.page(out) as (page, _report):
        drawn = page.evaluate(f"{FIRST_MAP}.layers.incidents.count()")
        assert drawn == 36527 - len(rejected) == 36526


def test_deflated_text_columns_show_in_popups(browser, tmp_path, incidents_gdf):
    """Long free-text columns travel deflated and come back intact, as text."""
    many = pd.concat([incidents_gdf] * 400, ignore_index=True)
    many["id"] = [f"I-{i:05d}" for i in range(len(many))]
    many["description"] = [
        f"Field report {i}: <b>not bold</b> near the road" for i in range(len(many))
    ]
    m = geomap.render_map(geomap.validate_incidents(many), tiles=None, cluster=False)
    html = m.get_root().render()
    from .conftest import payloads

    cols = payloads(html)["incidents"]["cols"]
    assert "z" in cols["description"]  # deflated
    assert "Field report 1234" not in html
    path = tmp_path / "deflated.html"
    geomap.save_map(m, path)
    with browser.page(path) as (page, _report):
        # 2,000 markers on 5 spots cannot be clicked one by one: open row 1234's popup.
        page.evaluate(f"{FIRST_MAP}.layers.incidents.group.getLayers()[1234].openPopup()")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Field report 1234: <b>not bold</b> near the road" in popup.inner_text()
        assert "I-01234" in popup.inner_text()
