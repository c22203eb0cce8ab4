"""Cartography by mine-action convention: what a reader of the map sees.

Red, orange, green and blue mean hazard class and land-release status only; incidents
are told apart by shape in neutral, purple and black tones; hazard areas too small to
see are drawn as symbols; towns are labelled; suppressed public cells look like neither
towns nor incidents; a missing category is "unknown".
"""

from __future__ import annotations

import colorsys
import re

import geopandas as gpd
import pytest
from shapely.geometry import Point
from shapely.geometry import Polygon

import geomap
from geomap.cli import main
from geomap.map.layers.context import label_order
from geomap.map.layers.incidents import incident_legend
from geomap.map.public import public_incidents
from geomap.style import HAZARD_FILL
from geomap.style import HAZARD_OUTLINE
from geomap.style import TYPE_COLORS
from geomap.style import TYPE_SHAPES
from geomap.style import VICTIM_COLORS
from geomap.style import VICTIM_SHAPES

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .conftest import payloads

#: Index of the first element matching a selector that is on top at its own centre.
UNCOVERED = """sel => [...document.querySelectorAll(sel)].findIndex(e => {
    const r = e.getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e;
})"""


def hue_name(colour: str) -> str:
    """'grey' for an unsaturated colour, else red, orange, yellow, green, blue or purple."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.25 or v < 0.15:
        return "grey"
    deg = h * 360
    for name, top in (("red", 15), ("orange", 45), ("yellow", 70), ("green", 170)):
        if deg < top:
            return name
    return "blue" if deg < 250 else "purple" if deg < 330 else "red"


def test_hazard_colours_are_red_orange_green_blue():
    assert hue_name(HAZARD_FILL["active CHA"]) == "red"
    assert hue_name(HAZARD_FILL["active SHA"]) == "orange"
    assert hue_name(HAZARD_FILL["cleared"]) == "green"
    assert hue_name(HAZARD_FILL["handed over"]) == "blue"


@pytest.mark.parametrize("palette", [VICTIM_COLORS, TYPE_COLORS])
def test_incident_tones_are_never_hazard_colours(palette):
    hazard = {c.lower() for c in [*HAZARD_FILL.values(), *HAZARD_OUTLINE.values()]}
    for category, colour in palette.items():
        assert colour.lower() not in hazard, category
        assert hue_name(colour) in ("grey", "purple"), (category, colour)


@pytest.mark.parametrize("shapes", [VICTIM_SHAPES, TYPE_SHAPES])
def test_each_known_category_has_its_own_shape(shapes):
    known = [s for cat, s in shapes.items() if cat != "unknown"]
    assert len(set(known)) == len(known)
    assert "triangle" not in known  # the triangle marks hazard areas too small to see


def test_unknown_is_listed_as_unknown(incidents_gdf):
    inc = incidents_gdf.copy()
    inc.loc[0, "victim_category"] = None
    legend = incident_legend(inc)
    entries = [(e["label"], e["shape"], e.get("dash")) for e in legend if "shape" in e]
    assert ("unknown", "circle", True) in entries
    assert [e["label"] for e in legend if e.get("label") in ("other", "")] == []
    assert "unknown" not in [e["label"] for e in incident_legend(incidents_gdf) if "label" in e]


def test_hazard_of_unknown_status_has_a_legend_entry(hazards_gdf):
    haz = hazards_gdf.copy()
    haz.loc[2, "status"] = None
    p = payloads(geomap.render_map(None, haz, tiles=None).get_root().render())
    labels = [e["label"] for e in p["hazards"]["legends"]["active"]]
    assert "unknown class or status" in labels


def test_towns_are_labelled_most_populous_first():
    towns = gpd.read_file(SAMPLE, layer="towns")
    order = label_order(towns)
    pops = towns["population"].to_numpy()[order]
    assert list(pops) == sorted(pops, reverse=True)
    names = gpd.GeoDataFrame(
        {"name": ["v", "t"], "kind": ["village", "town"]}, geometry=[Point(0, 0)] * 2, crs=4326
    )
    assert label_order(names) == [1, 0]  # without populations: towns before villages


def _legend_shapes(page, layer_name: str) -> dict[str, str]:
    return page.evaluate(
        """name => {
            const row = [...document.querySelectorAll('.geomap-row')]
                .find(r => r.textContent.startsWith(name));
            const box = row.parentElement.querySelector('.geomap-legend-items');
            const out = {};
            for (const item of box.querySelectorAll('.geomap-legend-item')) {
                const svg = item.querySelector('svg');
                out[item.textContent] = svg ? svg.getAttribute('class') : 'none';
            }
            return out;
        }""",
        layer_name,
    )


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("carto") / "sample.html"
    assert main(["render", str(SAMPLE), "--tiles", "none", "-o", str(out), "-q"]) == 0
    return out


def test_incident_shapes_in_the_legend_and_on_the_map(browser, sample_map):
    victims = geomap.load_layers(SAMPLE)["incidents"].kept["victim_category"].astype(str)
    with browser.page(sample_map) as (page, _report):
        shapes = _legend_shapes(page, "Incidents")
        for cat in ("civilian", "deminer", "military/security", "journalist"):
            assert shapes[cat].endswith(f"geomap-swatch-{VICTIM_SHAPES[cat]}"), cat
        for cat, shape in VICTIM_SHAPES.items():
            if cat == "unknown":
                continue
            drawn = page.locator(f"path.geomap-incident.geomap-shape-{shape}").count()
            assert drawn == (victims == cat).sum(), cat
        fills = page.eval_on_selector_all(
            "path.geomap-incident", "els => [...new Set(els.map(e => e.getAttribute('fill')))]"
        )
        assert all(hue_name(f) in ("grey", "purple") for f in fills), fills


def test_town_labels_visible_and_not_overlapping(browser, sample_map):
    with browser.page(sample_map) as (page, _report):
        boxes = page.eval_on_selector_all(
            ".geomap-place-label",
            "els => els.map(e => { const r = e.firstChild.getBoundingClientRect();"
            " return [e.textContent, r.left, r.top, r.right, r.bottom]; })",
        )
        names = [b[0] for b in boxes]
        for town in ("Fuzuli", "Jabrayil", "Shusha", "Kalbajar", "Zangilan", "Tartar"):
            assert town in names
            assert page.get_by_text(town, exact=True).first.is_visible()
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
                assert apart, (a, b)
        # More places are named as the map is zoomed in.
        page.evaluate(f"{FIRST_MAP}.map.setView([39.6, 47.14], 12)")
        page.wait_for_timeout(300)
        fuzuli = page.locator(".geomap-place-label").filter(has_text=re.compile("^Fuzuli$"))
        assert fuzuli.count() == 1


def _tiny_and_large() -> gpd.GeoDataFrame:
    def sq(x: float, y: float, d: float) -> Polygon:
        return Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])

    return gpd.GeoDataFrame(
        {
            "id": ["LARGE", "TINY"],
            "hazard_class": ["SHA", "CHA"],
            "status": ["active", "active"],
        },
        # A 20 km square, and a 30 m square far from it: a speck at the opening zoom.
        geometry=[sq(46.5, 39.5, 0.2), sq(47.0, 40.0, 0.0003)],
        crs=4326,
    )


def test_tiny_hazard_drawn_as_a_symbol_at_the_opening_zoom(browser, tmp_path):
    path = tmp_path / "tiny.html"
    geomap.save_map(geomap.render_map(None, _tiny_and_large(), tiles=None), path)
    with browser.page(path) as (page, _report):
        symbols = page.locator("path.geomap-hazard-symbol")
        assert symbols.count() == 1
        box = symbols.first.bounding_box()
        assert box["width"] >= 8  # a triangle a person can see (and click)
        # It sits on the tiny area, in the CHA's red.
        at = page.evaluate(
            f"(() => {{ const p = {FIRST_MAP}.map.latLngToContainerPoint([40.00015, 47.00015]);"
            " const r = document.querySelector('.folium-map').getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; })()"
        )
        assert abs(box["x"] + box["width"] / 2 - at[0]) < 2
        assert symbols.first.get_attribute("fill") == HAZARD_FILL["active CHA"]
        symbols.first.click()
        assert "TINY" in page.locator(".leaflet-popup-content").inner_text()
        # Zoomed in until the area is large enough to see, the symbol goes.
        page.evaluate(f"{FIRST_MAP}.map.setView([40.00015, 47.00015], 17)")
        page.wait_for_timeout(300)
        assert page.locator("path.geomap-hazard-symbol").count() == 0


def test_suppressed_cells_look_unlike_towns(browser, tmp_path):
    out = tmp_path / "public.html"
    assert main(["render", str(SAMPLE), "--public", "--tiles", "none", "-o", str(out), "-q"]) == 0
    kept = geomap.load_layers(SAMPLE)["incidents"].kept
    withheld = int(public_incidents(kept, cell_m=2000, k=3)["suppressed"].sum())
    with browser.page(out) as (page, _report):
        cells = page.locator(".geomap-cell-suppressed")
        assert cells.count() == withheld > 0
        assert cells.first.inner_text() == "<3"
        look = cells.first.evaluate(
            "e => { const s = getComputedStyle(e);"
            " return [s.backgroundImage, s.borderRadius, s.width, s.height]; }"
        )
        assert "repeating-linear-gradient" in look[0]  # hatched
        assert look[1] in ("0px", "")  # square, unlike a town's round dot
        assert look[2] == look[3]
        town = page.locator("path.geomap-place").first.evaluate("e => e.getAttribute('d')")
        assert "a3,3" in town  # towns stay small round dots
        shapes = _legend_shapes(page, "Incidents")
        assert any(k.startswith("<3withheld cell") for k in shapes)
        cells.nth(page.evaluate(UNCOVERED, ".geomap-cell-suppressed")).click()
        text = page.locator(".leaflet-popup-content").inner_text()
        assert "withheld" in text
        assert "unknown" not in text  # withheld is not unknown


def test_missing_category_is_unknown_on_the_map(browser, tmp_path, incidents_gdf):
    inc = incidents_gdf.copy()
    inc.loc[4, "victim_category"] = None
    inc.loc[4, "description"] = None
    path = tmp_path / "unknown.html"
    geomap.save_map(geomap.render_map(inc, tiles=None, time_slider=False), path)
    with browser.page(path) as (page, _report):
        marker = page.locator("path.geomap-incident.geomap-unknown")
        assert marker.count() == 1
        assert marker.first.get_attribute("stroke-dasharray") == "2 2"
        marker.first.click()
        rows = page.eval_on_selector_all(
            ".leaflet-popup-content tr",
            "trs => trs.map(t => [t.cells[0].textContent, t.cells[1].textContent])",
        )
        assert ["Victims", "unknown"] in rows
        assert ["Description", "unknown"] in rows
        assert "unknown" in _legend_shapes(page, "Incidents")
