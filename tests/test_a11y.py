"""Accessibility, checked in Chromium: axe-core, the keyboard, and the table of features.

axe-core (npm, a test dependency: ``npm ci``) also runs on every page a test opens with
``browser.page()``; here it runs on purpose, at each screen size, with every panel open,
in the table dialog and in both kinds of embed.
"""

from __future__ import annotations

import pytest

import geomap
from geomap.map import embed_html

from .conftest import FIRST_MAP
from .conftest import MAPS_READY
from .conftest import SAMPLE
from .test_layout import SIZES
from .test_layout import host_with
from .test_layout import open_every_panel
from .test_layout import settle

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("size", list(SIZES))
def test_axe_finds_nothing_serious_at_every_size(browser, sample_page, size):
    with browser.page(sample_page, viewport=SIZES[size], axe=False) as (page, _report):
        settle(page)
        assert browser.axe(page) == []
        open_every_panel(page)
        settle(page)
        assert browser.axe(page) == []
        page.locator(".geomap-table-open").click()
        page.locator("dialog[open]").wait_for()
        assert browser.axe(page) == []
        # The page says what it is, in which language.
        assert page.title() == "Explosive ordnance contamination"
        assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("kind", ["iframe", "fragment"])
def test_axe_in_an_embed(browser, tmp_path, kind):
    layers = geomap.load_layers(SAMPLE)
    m = geomap.render_map(layers["incidents"], layers["hazards"], title="Embedded", tiles=None)
    path = host_with(tmp_path, embed_html(m, kind, height="420px"))
    with browser.page(path, wait_for="window.geomapHostReady === true", axe=False) as (page, _r):
        if kind == "iframe":
            page.frame_locator("#figure-1 iframe").locator(".geomap-title").wait_for()
            where = next(f for f in page.frames if f is not page.main_frame)
            where.wait_for_function(MAPS_READY)
            assert browser.axe(where) == []
            assert page.locator("#figure-1 iframe").get_attribute("title")
        else:
            page.wait_for_function(MAPS_READY)
            where = page
            assert browser.axe(page, ".geomap-embed") == []
        settle(where)
        open_every_panel(where)
        settle(where)
        context = None if kind == "iframe" else ".geomap-embed"
        assert browser.axe(where, context) == []


def focused(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('class') || ''")


def test_layer_panel_by_keyboard(browser, sample_page):
    """On a phone (the panel folded): Tab to it, Enter and Space toggle, Escape folds."""
    with browser.page(sample_page, viewport=SIZES["phone"]) as (page, _report):
        settle(page)
        toggle = page.locator(".geomap-panel-toggle")
        body = page.locator(".geomap-panel-body")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.get_attribute("aria-controls") == body.get_attribute("id")
        for _ in range(40):
            page.keyboard.press("Tab")
            if "geomap-panel-toggle" in focused(page):
                break
        assert "geomap-panel-toggle" in focused(page)
        # The focus can be seen.
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert ring[0] != "none"
        assert ring[1] >= 2
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert body.is_visible()
        # Into the panel: the table button, then the layers' own controls.
        page.keyboard.press("Tab")
        assert "geomap-table-open" in focused(page)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "INPUT"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not body.is_visible()
        assert "geomap-panel-toggle" in focused(page)
        page.keyboard.press("Space")
        assert body.is_visible()
        page.keyboard.press("Space")
        assert not body.is_visible()
        # The summary is a button too, named as its region is.
        summary = page.locator(".geomap-summary-title")
        assert summary.get_attribute("aria-expanded") == "false"
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator(".geomap-summary-body").is_visible()
        region = page.locator(".geomap-panel[role=region]")
        assert region.get_attribute("aria-label") == "Layers and legend"


def captions(page) -> list[str]:
    return page.locator("dialog[open] caption").all_inner_texts()


def test_table_lists_the_features_in_view(browser, sample_page):
    layers = geomap.load_layers(SAMPLE)
    n_inc, n_haz = len(layers["incidents"].kept), len(layers["hazards"].kept)
    with browser.page(sample_page, viewport=SIZES["laptop"]) as (page, _report):
        settle(page)
        opener = page.locator(".geomap-table-open")
        opener.focus()
        page.keyboard.press("Enter")
        dialog = page.locator("dialog[open]")
        dialog.wait_for()
        assert dialog.get_attribute("aria-labelledby")
        assert captions(page) == [
            f"Hazard areas in view: {n_haz}",
            f"Incidents in view: {n_inc}",
        ]
        incidents = dialog.locator("table").nth(1)
        assert incidents.locator("tbody tr").count() == n_inc
        headers = incidents.locator("thead th").all_inner_texts()
        assert "Incident id" in headers
        ids = incidents.locator("tbody tr td:first-child").all_inner_texts()
        assert sorted(ids) == sorted(layers["incidents"].kept["id"].astype(str))
        page.keyboard.press("Escape")
        assert dialog.count() == 0
        assert "geomap-table-open" in focused(page)
        # Zoomed in on one incident: the table follows the view.
        first = layers["incidents"].kept.iloc[0]
        page.evaluate(
            f"([y, x]) => {FIRST_MAP}.map.setView([y, x], 15, {{animate: false}})",
            [first.geometry.y, first.geometry.x],
        )
        opener.click()
        text = captions(page)
        near = int(text[1].rsplit(" ", 1)[1])
        assert 1 <= near < n_inc
        assert first["id"] in dialog.locator("table").nth(1).inner_text()
        dialog.locator(".geomap-table-close").click()
        # A layer switched off is not in the table.
        page.locator("[data-layer=incidents] input").click()
        opener.click()
        assert captions(page)[1] == "Incidents in view: 0"
        page.keyboard.press("Escape")


def test_table_shows_text_as_text(browser, tmp_path, incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "description"] = XSS
    kept = geomap.validate_incidents(gdf).kept
    m = geomap.render_map(kept, popup_fields={"incidents": ["id", "description"]}, tiles=None)
    path = tmp_path / "xss.html"
    geomap.save_map(m, path)
    with browser.page(path) as (page, report):
        page.locator(".geomap-table-open").click()
        dialog = page.locator("dialog[open]")
        assert XSS in dialog.inner_text()
        assert dialog.locator("img").count() == 0
        assert report.dialogs == []
