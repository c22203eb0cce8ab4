"""The page's filters (issue 9 item 6), used in Chromium as a person would, on the sample.

Every expected figure is computed here from the sample with geopandas, never read from
the page's own data.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

import geomap
from geomap.analysis import area_over_time
from geomap.cli import main
from geomap.map._inputs import MapInputs
from geomap.map.layers.filters import filter_values
from geomap.map.layers.summary import slider_months

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .conftest import app_config

LAYERS = f"{FIRST_MAP}.layers"


@pytest.fixture(scope="module")
def sample():
    """The sample's kept incidents and hazard areas."""
    layers = geomap.load_layers(SAMPLE)
    return layers["incidents"].kept, layers["hazards"].kept


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    """The sample map, made the way the README's first command makes it."""
    out = tmp_path_factory.mktemp("filters") / "karabakh-map.html"
    assert main(["render", str(SAMPLE), "-o", str(out), "-q"]) == 0
    return out


def saved(path, *layers, **options):
    """A map of ``layers`` with no basemap, written to ``path``."""
    return geomap.save_map(geomap.render_map(*layers, tiles=None, **options), path)


def open_filters(page):
    toggle = page.locator(".geomap-filters-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.locator(".geomap-filters-body")


def box(page, field, value):
    return page.locator(f"[data-filter='{field}'] input[value='{value}']")


def summary(page) -> dict[str, str]:
    """The summary panel's rows shown, by key."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.geomap-summary td')]
            .filter((td) => td.parentElement.style.display !== 'none')
            .map((td) => [td.dataset.key, td.textContent]))"""
    )


def panel_count(page, key):
    text = page.locator(f".geomap-entry[data-layer='{key}'] .geomap-count").inner_text()
    return int(re.sub(r"\D", "", text))


def drawn_ids(page) -> set[str]:
    layer = f"{LAYERS}.incidents"
    return set(page.evaluate(f"{layer}.visible.map((i) => {layer}.get.id(i))"))


def casualty_text(rows: pd.DataFrame) -> str:
    return f"{int(rows['killed'].sum()):,} / {int(rows['injured'].sum()):,}"


def move_slider(page, k: int) -> str:
    page.locator(".geomap-slider input").fill(str(k))
    label = page.locator(".geomap-slider output").inner_text()
    page.wait_for_function(
        "t => document.querySelector('.geomap-summary-when').textContent.startsWith(t)",
        arg=f"Up to the end of {label}",
    )
    return label


def search(page, text):
    page.locator(".geomap-search input").fill(text)
    page.locator(".geomap-search input").press("Enter")
    return page.locator(".geomap-search-msg").inner_text()


@pytest.mark.browser
def test_unticking_a_victim_category_hides_exactly_those_incidents(browser, sample_map, sample):
    inc, _ = sample
    kept = inc[inc["victim_category"].astype(str) != "civilian"]
    assert 0 < len(kept) < len(inc)
    with browser.page(sample_map) as (page, _report):
        body = open_filters(page)
        assert body.is_visible()
        assert "civilian (88)" in body.inner_text()  # the count beside each value
        box(page, "victim_category", "civilian").uncheck()
        assert page.locator("path.geomap-incident").count() == len(kept)
        assert drawn_ids(page) == set(kept["id"])
        assert panel_count(page, "incidents") == len(kept)
        assert page.locator(".geomap-filters-toggle").inner_text().startswith("Filters (active: 1)")
        rows = summary(page)
        assert rows["incidents"] == str(len(kept))
        assert rows["killed"] == f"{int(kept['killed'].sum()):,}"
        assert rows["injured"] == f"{int(kept['injured'].sum()):,}"
        assert "victims-civilian" not in rows  # its row is hidden
        for cat in ("deminer", "military/security", "journalist"):
            of_cat = kept[kept["victim_category"].astype(str) == cat]
            assert rows[f"victims-{cat}"] == casualty_text(of_cat), cat
        assert "Filtered" in page.locator(".geomap-summary-when").inner_text()
        # Ticked again: everything is back, and the summary is the panel's own again.
        box(page, "victim_category", "civilian").check()
        assert page.locator("path.geomap-incident").count() == len(inc)
        assert summary(page)["incidents"] == str(len(inc))
        assert page.locator(".geomap-summary-when").inner_text() == ""


@pytest.mark.browser
def test_heat_map_follows_the_filters(browser, sample_map, sample):
    inc, _ = sample
    with browser.page(sample_map) as (page, _report):
        page.locator(".geomap-entry[data-layer='heat'] input").check()
        points = f"{LAYERS}.heat.layer._latlngs.length"
        assert page.evaluate(points) == len(inc)
        open_filters(page)
        box(page, "incident_type", "demining accident").uncheck()
        expected = int((inc["incident_type"].astype(str) != "demining accident").sum())
        assert page.evaluate(points) == expected < len(inc)
        # Hidden, then shown again: it is rebuilt from what the filters keep.
        page.locator(".geomap-entry[data-layer='heat'] input").uncheck()
        box(page, "victim_category", "deminer").uncheck()
        page.locator(".geomap-entry[data-layer='heat'] input").check()
        kept = (inc["incident_type"].astype(str) != "demining accident") & (
            inc["victim_category"].astype(str) != "deminer"
        )
        assert page.evaluate(points) == int(kept.sum())


@pytest.mark.browser
def test_device_category_filters_incidents_and_hazard_areas(browser, sample_map, sample):
    inc, haz = sample
    cat = "AP mine"
    inc_kept = inc[inc["device_category"].astype(str) != cat]
    haz_kept = haz[haz["device_category"].astype(str) != cat]
    months = slider_months(MapInputs.of(inc, haz))
    ends = list(months.to_timestamp(how="end").normalize())
    with browser.page(sample_map) as (page, _report):
        open_filters(page)
        assert f"{cat} (incidents: 44, areas: 110)" in page.locator(".geomap-filters").inner_text()
        box(page, "device_category", cat).uncheck()
        assert page.locator("path.geomap-incident").count() == len(inc_kept)
        assert page.locator("path.geomap-hazard").count() == len(haz_kept) == 400 - 110
        active = page.locator("path.geomap-active").count()
        assert panel_count(page, "hazards-active") == active
        assert panel_count(page, "hazards-released") == len(haz_kept) - active
        # Summary areas: the kept categories' own (dissolved) areas, summed.
        rows = summary(page)
        for key in ("active_km2", "released_km2"):
            expected = sum(
                round(float(area_over_time(g, ends)[key].iloc[-1]), 2)
                for _, g in haz_kept.groupby(filter_values(haz_kept["device_category"]))
            )
            assert float(rows[key].replace(",", "")) == pytest.approx(expected, abs=0.011), key
        assert rows["incidents"] == str(len(inc_kept))


@pytest.mark.browser
def test_date_range_and_slider_both_apply(browser, sample_map, sample):
    inc, _ = sample
    dates = pd.to_datetime(inc["date"])
    with browser.page(sample_map) as (page, _report):
        open_filters(page)
        dated = page.locator("[data-filter='date'] input[type='date']")
        assert dated.nth(0).get_attribute("min") == dates.min().strftime("%Y-%m-%d")
        assert dated.nth(1).get_attribute("max") == dates.max().strftime("%Y-%m-%d")
        dated.nth(0).fill("2022-01-01")
        dated.nth(1).fill("2022-12-31")
        in_range = inc[(dates >= "2022-01-01") & (dates <= "2022-12-31")]
        assert 0 < len(in_range) < len(inc)
        assert page.locator("path.geomap-incident").count() == len(in_range)
        assert drawn_ids(page) == set(in_range["id"])
        assert summary(page)["incidents"] == str(len(in_range))
        # The slider at mid-2022: a row is drawn only when both keep it.
        months = page.evaluate(f"{FIRST_MAP}.cfg.timeline.months")
        label = move_slider(page, months.index("2022-06"))
        assert label == "Jun 2022"  # Babel's en month (format_month)
        both = in_range[pd.to_datetime(in_range["date"]) <= "2022-06-30"]
        assert 0 < len(both) < len(in_range)
        assert page.locator("path.geomap-incident").count() == len(both)
        assert summary(page)["incidents"] == str(len(both))
        assert summary(page)["killed"] == f"{int(both['killed'].sum()):,}"
        assert panel_count(page, "incidents") == len(both)
        page.locator(".geomap-filters-reset").click()
        assert page.locator("path.geomap-incident").count() == int((dates <= "2022-06-30").sum())


@pytest.mark.browser
def test_search_never_shows_what_the_filters_or_the_slider_hide(browser, sample_map, sample):
    inc, haz = sample
    dates = pd.to_datetime(inc["date"])
    civilian = inc[inc["victim_category"].astype(str) == "civilian"]
    late_civilian = civilian.loc[pd.to_datetime(civilian["date"]).idxmax(), "id"]
    first_month = dates.dt.to_period("M") == dates.min().to_period("M")
    shown = inc.loc[first_month & (inc["device_category"].astype(str) != "AP mine"), "id"].iloc[0]
    ap_area = haz.loc[haz["device_category"].astype(str) == "AP mine", "id"].iloc[0]
    with browser.page(sample_map) as (page, _report):
        center = page.evaluate(f"{FIRST_MAP}.map.getCenter()")
        open_filters(page)
        box(page, "victim_category", "civilian").uncheck()
        box(page, "device_category", "AP mine").uncheck()
        msg = search(page, late_civilian)
        assert msg == f"\u201c{late_civilian}\u201d is hidden by the filters"
        assert search(page, ap_area) == f"\u201c{ap_area}\u201d is hidden by the filters"
        assert page.locator(".leaflet-popup").count() == 0
        assert page.evaluate(f"{FIRST_MAP}.map.getCenter()") == center  # the map did not move
        # The first month: the latest civilian incident is hidden by both.
        move_slider(page, 0)
        msg = search(page, late_civilian)
        assert msg.endswith("is hidden by the time slider and the filters")
        box(page, "victim_category", "civilian").check()
        assert search(page, late_civilian).endswith("is hidden by the time slider")
        assert page.locator(".leaflet-popup").count() == 0
        # What is drawn is still found and shown.
        assert search(page, shown) == ""
        page.locator(".leaflet-popup-content", has_text=shown).wait_for()


@pytest.mark.browser
def test_clusters_follow_the_filters(browser, tmp_path, sample):
    inc, _ = sample
    path = saved(tmp_path / "cluster.html", inc, cluster=True)
    kept = int((inc["victim_category"].astype(str) != "civilian").sum())
    with browser.page(path) as (page, _report):
        open_filters(page)
        box(page, "victim_category", "civilian").uncheck()
        total = page.evaluate(
            "[...document.querySelectorAll('.geomap-cluster')]"
            ".reduce((s, e) => s + parseInt(e.textContent), 0)"
        )
        singles = page.locator("path.geomap-incident").count()
        assert total + singles == kept
        assert panel_count(page, "incidents") == kept


@pytest.mark.browser
def test_filters_by_keyboard(browser, sample_map, sample):
    inc, _ = sample
    with browser.page(sample_map) as (page, _report):
        toggle = page.locator(".geomap-filters-toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Tab")  # the first value of the first filter
        focused = page.evaluate("document.activeElement.value")
        assert focused == "civilian"
        page.keyboard.press("Space")
        assert page.locator("path.geomap-incident").count() == int(
            (inc["victim_category"].astype(str) != "civilian").sum()
        )
        # Every control has a label a screen reader reads.
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('.geomap-filters input')]
                .filter((i) => !i.closest('label') || !i.closest('label').textContent.trim())
                .length"""
        )
        assert unlabelled == 0


@pytest.mark.browser
def test_public_map_filters_hazard_areas_only(browser, tmp_path, sample):
    inc, haz = sample
    m = geomap.render_map(inc, haz, public=True, tiles=None)
    html = m.get_root().render()
    cfg = app_config(html)["filters"]
    # No incident filter, and no per-category count of incidents anywhere in the page.
    assert [f["field"] for f in cfg["fields"]] == ["device_category"]
    assert all(set(v["counts"]) == {"hazards"} for v in cfg["fields"][0]["values"])
    assert cfg["dates"] is None
    path = tmp_path / "public.html"
    geomap.save_map(m, path)
    with browser.page(path) as (page, _report):
        body = open_filters(page)
        assert page.locator("[data-filter='victim_category']").count() == 0
        assert page.locator("[data-filter='incident_type']").count() == 0
        assert page.locator("[data-filter='date']").count() == 0
        assert "cannot be filtered" in body.inner_text()
        cells = page.locator("path.geomap-incident").count()
        incidents_row = summary(page)["incidents"]
        box(page, "device_category", "AP mine").uncheck()
        assert page.locator("path.geomap-hazard").count() == int(
            (haz["device_category"].astype(str) != "AP mine").sum()
        )
        assert page.locator("path.geomap-incident").count() == cells
        assert summary(page)["incidents"] == incidents_row


def test_missing_values_are_their_own_category(incidents_gdf, hazards_gdf):
    inc = incidents_gdf.copy()
    inc["victim_category"] = inc["victim_category"].astype(object)
    inc.loc[0, "victim_category"] = None
    inc.loc[1, "device_category"] = None
    m = geomap.render_map(inc, hazards_gdf, tiles=None)
    fields = {f["field"]: f for f in app_config(m.get_root().render())["filters"]["fields"]}
    victims = {v["value"]: v["counts"] for v in fields["victim_category"]["values"]}
    assert victims["unknown"] == {"incidents": 1}
    devices = [v["value"] for v in fields["device_category"]["values"]]
    assert devices == ["AP mine", "AT mine", "UXO", "unknown"]
    assert fields["device_category"]["values"][-1]["counts"] == {"incidents": 1, "hazards": 0}


def test_filters_can_be_left_out(tmp_path, incidents_gdf):
    m = geomap.render_map(incidents_gdf, tiles=None, filters=False)
    assert app_config(m.get_root().render())["filters"] is None
    out = tmp_path / "m.html"
    assert main(["render", str(SAMPLE), "-o", str(out), "-q", "--no-filters"]) == 0
    assert app_config(out.read_text(encoding="utf-8"))["filters"] is None


def test_layer_without_filter_fields_has_no_filters(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"]}, geometry=gpd.points_from_xy([46.9, 47.0], [39.9, 40.0]), crs=4326
    )
    m = geomap.render_map(gdf, tiles=None)
    assert app_config(m.get_root().render())["filters"] is None


@pytest.mark.browser
def test_date_range_without_a_slider(browser, tmp_path, sample):
    inc, _ = sample
    path = saved(tmp_path / "no-slider.html", inc, time_slider=False)
    dates = pd.to_datetime(inc["date"])
    with browser.page(path) as (page, _report):
        assert page.locator(".geomap-slider").count() == 0
        open_filters(page)
        page.locator("[data-filter='date'] input[type='date']").nth(1).fill("2021-06-30")
        expected = int((dates <= "2021-06-30").sum())
        assert 0 < expected < len(inc)
        assert page.locator("path.geomap-incident").count() == expected
        assert panel_count(page, "incidents") == expected


def test_filters_offer_only_the_values_the_data_have(tmp_path, sample):
    """Validated codes are categoricals of the whole vocabulary: absent codes stay out."""
    inc, haz = sample
    civilians = inc[inc["victim_category"] == "civilian"]
    assert isinstance(civilians["incident_type"].dtype, pd.CategoricalDtype)
    config = app_config(saved(tmp_path / "m.html", civilians, haz).read_text(encoding="utf-8"))
    fields = {f["field"]: f for f in config["filters"]["fields"]}
    offered = [v["value"] for v in fields["victim_category"]["values"]]
    assert offered == ["civilian"]
    types = {v["value"]: v["counts"]["incidents"] for v in fields["incident_type"]["values"]}
    assert types == civilians["incident_type"].astype(str).value_counts().to_dict()
    assert all(n > 0 for n in types.values())
