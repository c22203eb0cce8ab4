"""The map app in the page's language (issue 10): an Arabic map reads right to left with
its panels mirrored; an Azerbaijani map writes numbers, dates and months as Babel does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest

import geomap
from geomap.i18n import format_date
from geomap.i18n import format_month
from geomap.i18n import format_number

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .test_layout import CONTROLS
from .test_layout import SIZES
from .test_layout import open_every_panel
from .test_layout import overlaps
from .test_layout import settle

#: The controls whose corner mirrors, and the side each is anchored to in a left-to-right map.
ANCHORED = {
    ".geomap-title": "left",
    ".geomap-search": "left",
    ".leaflet-control-zoom": "left",
    ".geomap-panel": "right",
    ".geomap-summary": "left",
    ".leaflet-control-attribution": "right",
}
WIDTH = 1200


def _render(lang: str, path: Path) -> Path:
    """The sample map (incidents, hazard areas, slider, summary) in ``lang``."""
    layers = geomap.load_layers(SAMPLE)
    towns = gpd.read_file(SAMPLE, layer="towns")
    m = geomap.render_map(layers["incidents"], layers["hazards"], places=towns, lang=lang)
    geomap.save_map(m, path)
    return path


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("i18n-page")
    return {lang: _render(lang, out / f"map-{lang}.html") for lang in ("en", "ar", "az")}


def boxes(page) -> dict[str, dict[str, float]]:
    """The bounding boxes of the anchored controls."""
    return {sel: page.locator(sel).first.bounding_box() for sel in ANCHORED}


def search(page, text: str):
    """Search an id; return the popup it opens."""
    page.locator(".geomap-search input").fill(text)
    page.locator(".geomap-search input").press("Enter")
    popup = page.locator(".geomap-popup", has_text=text)
    popup.wait_for()
    return popup


def test_arabic_map_reads_right_to_left_with_its_panels_mirrored(browser, maps, tmp_path):
    with browser.page(maps["en"]) as (page, _):
        english = boxes(page)
    with browser.page(maps["ar"]) as (page, _):
        assert page.evaluate("[document.documentElement.dir, document.documentElement.lang]") == [
            "rtl",
            "ar",
        ]
        assert page.locator(".geomap-map").get_attribute("dir") == "rtl"
        # A screenshot, checked by its structure: every control where the mirror puts it.
        page.screenshot(path=tmp_path / "arabic.png")
        arabic = boxes(page)
        panel = arabic[".geomap-panel"]
        assert panel["x"] + panel["width"] <= WIDTH / 2  # the layer panel on the left
        title = arabic[".geomap-title"]
        assert title["x"] >= WIDTH / 2  # the title on the right
        for sel, side in ANCHORED.items():
            en, ar = english[sel], arabic[sel]
            # The margin to the anchored edge is the English one, on the other side.
            en_margin = en["x"] if side == "left" else WIDTH - en["x"] - en["width"]
            ar_margin = WIDTH - ar["x"] - ar["width"] if side == "left" else ar["x"]
            assert ar_margin == pytest.approx(en_margin, abs=1), sel
        # A popup reads right to left: right-aligned, its labels right of their values.
        search(page, "INC-0001")
        content = page.locator(".leaflet-popup-content-wrapper")
        style = content.evaluate(
            "e => [getComputedStyle(e).direction, getComputedStyle(e).textAlign]"
        )
        assert style == ["rtl", "right"]
        row = page.locator(".geomap-popup tr").first
        th, td = row.locator("th").bounding_box(), row.locator("td").bounding_box()
        assert th["x"] >= td["x"] + td["width"]
        # Coordinates stay left to right inside it.
        dd = page.locator(".geomap-popup .geomap-dd")
        assert dd.get_attribute("dir") == "ltr"
        assert dd.evaluate("e => getComputedStyle(e).direction") == "ltr"
        # The popup's close button sits top left.
        close = page.locator(".leaflet-popup-close-button").bounding_box()
        wrapper = content.bounding_box()
        assert close["x"] < wrapper["x"] + wrapper["width"] / 2


def hover_tooltip(page):
    """Hover an incident left of the map's middle; return the tooltip that opens."""
    marker = page.locator("path.geomap-incident").nth(5)
    box = marker.bounding_box()
    assert box["x"] < WIDTH / 2 - 40  # Leaflet puts its tooltip on the right there
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    return tip


def test_arabic_tooltip_reads_right_to_left_beside_its_marker(browser, maps):
    with browser.page(maps["en"]) as (page, _):
        english = hover_tooltip(page).bounding_box()
    with browser.page(maps["ar"]) as (page, _):
        tip = hover_tooltip(page)
        style = tip.evaluate("e => [getComputedStyle(e).direction, getComputedStyle(e).textAlign]")
        assert style == ["rtl", "right"]
        # Where Leaflet puts it, as in English: not a tooltip's width to the left (in a
        # right-to-left box an absolute element without `left` grows from the right).
        assert tip.bounding_box()["x"] == pytest.approx(english["x"], abs=2)


def test_azerbaijani_numbers_dates_and_months_are_babels(browser, maps):
    layers = geomap.load_layers(SAMPLE)
    inc = layers["incidents"].kept.set_index("id")
    with browser.page(maps["az"]) as (page, _):
        assert page.evaluate("document.documentElement.lang") == "az"
        # The slider's month and the summary's "up to" month.
        months = page.evaluate(f"{FIRST_MAP}.cfg.timeline.months")
        year, month = (int(v) for v in months[-1].split("-"))
        last = format_month(dt.date(year, month, 1), "az")
        assert page.locator(".geomap-slider output").inner_text() == last
        page.locator(".geomap-slider input").fill(str(len(months) - 2))
        year, month = (int(v) for v in months[-2].split("-"))
        label = format_month(dt.date(year, month, 1), "az")
        page.wait_for_function(
            "t => document.querySelector('.geomap-slider output').textContent === t", arg=label
        )
        page.locator(".geomap-slider input").fill(str(len(months) - 1))
        # A summary figure with decimals: "32,76" (km²).
        km2 = page.evaluate(
            f"{FIRST_MAP}.cfg.summary.rows.find(r => r.key === 'active_km2').values.at(-1)"
        )
        assert "," in format_number(km2, "az", 3)
        cell = page.locator(".geomap-summary td[data-key=active_km2]")
        page.wait_for_function(
            "t => document.querySelector('.geomap-summary td[data-key=active_km2]')"
            ".textContent === t",
            arg=format_number(km2, "az", 3),
        )
        assert cell.inner_text() == format_number(km2, "az", 3)
        # A popup's date: "19 noyabr 2020".
        popup = search(page, "INC-0001")
        when = pd_date(inc.loc["INC-0001", "date"])
        expected = format_date(when, "az")
        assert expected == f"{when.day} noyabr {when.year}"
        assert expected in popup.inner_text()
        # A hazard area's size, grouped: "259.844".
        popup = search(page, "HA-0002")
        area = page.evaluate(
            f"(() => {{ const h = {FIRST_MAP}.layers.hazards; const i = h.find('ha-0002');"
            " return h.get.area_m2(i); })()"
        )
        assert "." in format_number(area, "az", 3)
        assert format_number(area, "az", 3) in popup.inner_text()


def pd_date(value) -> dt.date:
    """A date of the data (a Timestamp or an ISO text) as a datetime.date."""
    return dt.date.fromisoformat(str(value)[:10])


@pytest.mark.parametrize("size", ["phone", "tablet", "laptop"])
def test_arabic_controls_keep_clear_of_one_another(browser, maps, size):
    with browser.page(maps["ar"], viewport=SIZES[size]) as (page, _):
        settle(page)
        assert overlaps(page.evaluate(CONTROLS)) == []
        # Opened one by one, every panel still keeps clear of the others, inside the map.
        assert open_every_panel(page) >= 2
