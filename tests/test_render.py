"""Rendering, checked structurally (folium's element ids are random, so never byte for byte)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import folium
import geopandas as gpd
import pandas as pd
import pytest

import geomap
from geomap import GeomapError
from geomap.map._assets import ASSETS
from geomap.map._assets import asset_text

from .conftest import SAMPLE
from .conftest import app_config
from .conftest import payloads

XSS = "<img src=x onerror=alert(1)>"


class Tags(HTMLParser):
    """Collects script/link tags and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.links: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.srcs.append(a["src"])
            else:
                self.inline.append("")
        if tag == "link" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and self.inline:
            self.inline[-1] += data


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


@pytest.fixture
def layers(incidents_gdf, hazards_gdf):
    return geomap.validate_incidents(incidents_gdf), geomap.validate_hazards(hazards_gdf)


def test_returns_a_folium_map_that_renders(layers):
    m = geomap.render_map(*layers, title="Test")
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    assert "geomap.app(" in html
    assert m._repr_html_()  # shows itself in Jupyter


def test_self_contained_has_no_external_script_or_css(layers):
    html = geomap.render_map(*layers).get_root().render()
    tags = parse(html)
    assert tags.srcs == []
    assert tags.links == []
    inline = "\n".join(tags.inline)
    assert "Leaflet" in inline  # Leaflet itself
    # Exactly the plugins this map uses (5 incidents: a heat map, no clustering; save image).
    used = {"pako", "leaflet_heat", "html_to_image"} | {
        f"leaflet_{c}{css}"
        for c in ("fullscreen", "measure", "minimap", "locate")
        for css in ("", "_css")
    }
    for name, asset in ASSETS.items():
        text = inline if asset.kind == "js" else html  # styles: anywhere in the page
        assert (asset_text(name) in text) == (name in used | {"leaflet", "leaflet_css"}), name
    assert "cdn.jsdelivr" not in html.replace("cdn.jsdelivr.net/npm/leaflet", "")
    assert "url(images/" not in html  # CSS images are inlined as data: URIs


def test_cdn_option_links_leaflet(layers):
    html = geomap.render_map(*layers, cdn=True).get_root().render()
    tags = parse(html)
    assert tags.srcs[0] == "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    assert all(s.startswith("https://cdn.jsdelivr.net/npm/") for s in tags.srcs)
    # Only geomap's own app is inlined: Leaflet and every plugin are linked.
    assert [name for name in ASSETS if asset_text(name) in html] == []


def test_payload_has_every_kept_feature_and_only_chosen_fields(layers):
    html = (
        geomap.render_map(
            *layers,
            popup_fields={"incidents": ["id", "killed"]},
            tooltip_fields={"incidents": ["id"]},
        )
        .get_root()
        .render()
    )
    p = payloads(html)
    assert p["incidents"]["n"] == 5
    assert p["hazards"]["n"] == 3
    # Only popup/tooltip fields and what the style needs: no description, no district.
    assert set(p["incidents"]["cols"]) == {"id", "killed", "victim_category", "injured"}
    assert p["incidents"]["popup"] == ["id", "killed"]


def test_compact_maps_leave_descriptions_out_of_popups_unless_asked(layers, caplog):
    """Above compact_above incidents the free text stays out of the page, and the popups say so."""
    with caplog.at_level("WARNING", logger="geomap"):
        p = payloads(geomap.render_map(*layers, compact_above=2).get_root().render())
    inc = p["incidents"]
    assert "description" not in inc["popup"]
    assert "description" not in inc["cols"]
    assert (
        inc["popupNote"] == "Descriptions are left out of maps this large (incidents: more than 2)."
    )
    assert "popup_fields" in caplog.text
    asked = {"incidents": ["id", "description"]}
    kept = payloads(
        geomap.render_map(*layers, compact_above=2, popup_fields=asked).get_root().render()
    )["incidents"]
    assert kept["popup"] == ["id", "description"]
    assert "popupNote" not in kept
    # Below the threshold (the sample), nothing is left out.
    small = payloads(geomap.render_map(*layers).get_root().render())["incidents"]
    assert "description" in small["popup"]
    assert "popupNote" not in small


def test_unknown_popup_field_is_a_clear_error(layers):
    with pytest.raises(GeomapError, match=r"popup fields \['victim_name'\] are not columns"):
        geomap.render_map(*layers, popup_fields={"incidents": ["victim_name"]})


def test_template_syntax_in_data_stays_text(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "description"] = "{{ 7*7 }} {% for x in range(3) %}X{% endfor %}"
    html = geomap.render_map(gdf).get_root().render()
    assert "{{ 7*7 }} {% for x in range(3) %}X{% endfor %}" in html
    assert "XXX" not in html


def test_untrusted_text_cannot_close_the_script(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "description"] = "</script><script>alert(1)</script>" + XSS
    gdf = gdf.rename(columns={"district": "<b>district</b>"})
    m = geomap.render_map(
        gdf,
        popup_fields={"incidents": ["description", "<b>district</b>"]},
        title="</script><i>t</i>",
    )
    html = m.get_root().render()
    assert "<script>alert(1)" not in html
    assert XSS not in html
    assert "<b>district</b>" not in html
    assert "<i>t</i>" not in html
    # The text is all there, escaped for JSON, for the browser to show as text.
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html


def test_legend_lists_what_is_drawn(layers):
    p = payloads(geomap.render_map(*layers).get_root().render())
    active = [i["label"] for i in p["hazards"]["legends"]["active"]]
    assert active == [
        "Confirmed hazardous area (CHA)",
        "Suspected hazardous area (SHA), dashed",
        "area too small to see at this zoom (drawn as a triangle)",
    ]
    assert [i["label"] for i in p["hazards"]["legends"]["released"]] == ["Cleared"]
    legend = p["incidents"]["legend"]
    victims = [(i["label"], i["shape"]) for i in legend if "shape" in i and "size" not in i]
    assert victims == [
        ("civilian", "circle"),
        ("deminer", "square"),
        ("military/security", "diamond"),
        ("journalist", "cross"),
    ]


def test_nothing_to_draw():
    with pytest.raises(GeomapError, match="nothing to draw"):
        geomap.render_map()


def test_save_map_writes_atomically(tmp_path, layers, monkeypatch):
    dest = tmp_path / "map.html"
    geomap.save_map(geomap.render_map(*layers), dest)
    assert dest.read_text().startswith("<!DOCTYPE html>")
    old = dest.read_text()

    def boom(self, **kwargs):
        raise RuntimeError("render failed")

    m = geomap.render_map(*layers)
    monkeypatch.setattr(type(m.get_root()), "render", boom)
    with pytest.raises(RuntimeError):
        geomap.save_map(m, dest)
    assert dest.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_large_layers_use_canvas(incidents_gdf):
    import pandas as pd

    many = pd.concat([incidents_gdf] * 700, ignore_index=True)
    many["id"] = range(len(many))
    kept = geomap.validate_incidents(many).kept
    html = geomap.render_map(kept, tiles=None).get_root().render()
    spec = payloads(html)["incidents"]
    assert spec["canvas"] is True
    assert spec["mode"] == "cluster"  # above the clustering threshold


def decode_polygons(g: dict) -> list:
    """Decode a ragged polygon payload the way geomap.js does, back to shapely."""
    import base64

    import numpy as np
    import shapely

    def arr(col, dtype):
        return np.frombuffer(base64.b64decode(col["b64"]), dtype=dtype)

    ring, part, geom = arr(g["ring"], "<i4"), arr(g["part"], "<i4"), arr(g["geom"], "<i4")
    if "xy" in g:
        xy = arr(g["xy"], "<i4").reshape(-1, 2).astype(np.int64)
    else:
        steps = arr(g["steps"], "<i2").reshape(-1, 2).astype(np.int64)
        starts = arr(g["starts"], "<i4").reshape(-1, 2)
        xy = np.zeros_like(steps)
        for r in range(len(ring) - 1):
            a, b = ring[r], ring[r + 1]
            xy[a:b] = starts[r] + np.cumsum(np.vstack([[0, 0], steps[a + 1 : b]]), axis=0)
    xy = xy / g["scale"]
    out = []
    for gi in range(len(geom) - 1):
        polys = []
        for pi in range(geom[gi], geom[gi + 1]):
            rings = [xy[ring[ri] : ring[ri + 1]] for ri in range(part[pi], part[pi + 1])]
            polys.append(shapely.Polygon(rings[0], rings[1:]))
        out.append(polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys))
    return out


def test_polygons_survive_chunked_encoding(monkeypatch, hazards_gdf):
    import pandas as pd
    import shapely
    from shapely.geometry import MultiPolygon
    from shapely.geometry import Polygon

    from geomap.map import _polygons

    donut = Polygon(
        [(46.9, 39.9), (46.95, 39.9), (46.95, 39.95), (46.9, 39.95)],
        [[(46.91, 39.91), (46.92, 39.91), (46.92, 39.92), (46.91, 39.92)]],
    )
    far = MultiPolygon([Polygon([(45.0, 38.0), (45.01, 38.0), (45.01, 38.01)]), donut])
    many = pd.concat([hazards_gdf] * 4, ignore_index=True)
    many.loc[1, "geometry"] = donut
    many.loc[5, "geometry"] = far  # parts 150 km apart: coordinates fall back to int32
    many["id"] = [f"H{i}" for i in range(len(many))]
    monkeypatch.setattr(_polygons, "POLYGON_CHUNK", 5)
    enc = _polygons.display_polygons(many, simplify_m=0)
    back = decode_polygons(enc["g"])
    assert len(back) == len(many)
    for got, want in zip(back, many.geometry, strict=True):
        assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=1e-6)


# ---------------------------------------------------------------- options and contract


def test_options_defaults_are_render_maps():
    from geomap.map import DEFAULT_BASEMAPS
    from geomap.map import DEFAULT_CONTROLS
    from geomap.map import MapOptions

    opts = MapOptions()
    assert opts.title == "Explosive ordnance contamination"
    assert opts.tiles == DEFAULT_BASEMAPS
    assert opts.controls == DEFAULT_CONTROLS
    assert (opts.public, opts.generalise, opts.cell_m, opts.k) == (False, "grid", 2000.0, 3)
    assert (opts.cluster, opts.canvas, opts.heatmap, opts.time_slider) == (None, None, True, True)
    described = {f.name: f for f in MapOptions.describe()}
    assert described["k"].default == 3
    assert all(f.help for f in described.values())  # every option has help text for the CLI
    # render_map accepts every option by its name.
    import inspect

    assert "overrides" in inspect.signature(geomap.render_map).parameters
    assert set(described) >= {"title", "tiles", "public", "cell_m", "simplify_m", "cdn"}


def test_unknown_option_is_a_type_error_naming_the_valid_ones(layers):
    with pytest.raises(TypeError, match=r"unknown map option 'tite'; valid options are title, "):
        geomap.render_map(*layers, tite="Test")


def test_options_object_and_keywords_combine(layers):
    from geomap.map import MapOptions

    opts = MapOptions(title="From options", tiles=None)
    config = app_config(geomap.render_map(*layers, options=opts, subtitle="kw").get_root().render())
    assert (config["title"], config["subtitle"], config["basemaps"]) == ("From options", "kw", [])
    with pytest.raises(GeomapError, match=r"unknown controls \['compass'\]"):
        MapOptions(controls=["scale", "compass"])


def test_page_config_carries_version_and_style(layers):
    from geomap.map import PAGE_VERSION

    config = app_config(geomap.render_map(*layers).get_root().render())
    assert config["version"] == PAGE_VERSION == 3
    p = {layer["key"]: layer for layer in config["layers"]}
    style = p["incidents"]["style"]
    assert (style["stroke"], style["weight"], style["fillOpacity"]) == ("#222", 1, 0.85)
    assert (style["suppressedFill"], style["suppressedOpacity"]) == ("#ffffff", 0.6)
    assert {k: p["incidents"]["cluster"][k] for k in ("radius", "maxZoom")} == {
        "radius": 70,
        "maxZoom": 12,
    }
    hazard = p["hazards"]["style"]
    assert hazard["weight"] == {"CHA": 2.5, "SHA": 1.5}
    assert hazard["fillOpacity"] == {"active": 0.45, "released": 0.3}
    assert hazard["opacity"] == 0.9
    assert {k: p["heat"][k] for k in ("radius", "blur", "maxZoom", "minOpacity")} == {
        "radius": 18,
        "blur": 15,
        "maxZoom": 12,
        "minOpacity": 0.3,
    }
    legends = [*p["incidents"]["legend"], *p["heat"]["legend"]]
    legends += [i for items in p["hazards"]["legends"].values() for i in items]
    assert all(i["stroke"] for i in legends if "heading" not in i)


def test_choropleth_style_travels_in_the_spec(incidents_gdf):
    districts = gpd.read_file(SAMPLE, layer="districts")
    sample = geomap.load_layers(SAMPLE)
    p = payloads(
        geomap.render_map(sample["incidents"], districts=districts, tiles=None).get_root().render()
    )
    choropleth = p["districts-casualties"]["choropleth"]
    assert (choropleth["stroke"], choropleth["weight"], choropleth["fillOpacity"]) == (
        "#555",
        1,
        0.7,
    )
    assert all(i["stroke"] == "#555" for i in p["districts-active"]["legend"])


def test_summary_panel_agrees_with_the_analysis():
    from geomap.analysis import casualty_trend

    sample = geomap.load_layers(SAMPLE)
    inc = sample["incidents"].kept.copy()
    inc.loc[inc.index[:3], "date"] = pd.NaT  # undated incidents count from the first month
    summary = app_config(geomap.render_map(inc, tiles=None).get_root().render())["summary"]
    rows = {r["key"]: r["values"] for r in summary["rows"]}
    trend = casualty_trend(inc.dropna(subset=["date"]))
    assert rows["incidents"][-1] == trend["incidents_cum"].iloc[-1] + 3
    assert rows["killed"][-1] == int(inc["killed"].sum())
    assert rows["incidents"][0] >= 3
    civilian = inc[inc["victim_category"] == "civilian"]
    assert rows["victims-civilian"][-1] == (
        f"{int(civilian['killed'].sum())} / {int(civilian['injured'].sum())}"
    )


def test_every_spec_keeps_to_the_typed_contract():
    from geomap.map import contract

    sample = geomap.load_layers(SAMPLE)
    layers = {"districts": "districts", "places": "towns", "roads": "roads"}
    context = {k: gpd.read_file(SAMPLE, layer=name) for k, name in layers.items()}
    proposed = context["districts"].head(2)[["geometry"]].assign(incidents=[["I1", "I2"], []])
    inc, haz = sample["incidents"], sample["hazards"]
    m = geomap.render_map(inc, haz, proposed=proposed, tiles="osm", **context)
    config = app_config(m.get_root().render())

    def check(data, typed):
        keys = set(data)
        assert keys <= typed.__required_keys__ | typed.__optional_keys__, typed.__name__
        assert keys >= typed.__required_keys__, typed.__name__

    check(config, contract.PageConfig)
    kinds = {
        "incidents": contract.IncidentsSpec,
        "hazards": contract.HazardsSpec,
        "polygons": contract.PolygonsSpec,
        "points": contract.PointsSpec,
        "lines": contract.LinesSpec,
        "heat": contract.HeatSpec,
    }
    assert {layer["kind"] for layer in config["layers"]} == set(kinds)
    for layer in config["layers"]:
        check(layer, kinds[layer["kind"]])
        for item in layer.get("legend", []):
            check(item, contract.LegendHeading if "heading" in item else contract.LegendItem)
    specs = {layer["key"]: layer for layer in config["layers"]}
    check(specs["incidents"]["style"], contract.IncidentStyle)
    check(specs["hazards"]["style"], contract.HazardStyle)
    check(specs["districts-casualties"]["choropleth"], contract.ChoroplethStyle)
    check(config["summary"], contract.Summary)
    check(config["timeline"], contract.Timeline)
    for basemap in config["basemaps"]:
        check(basemap, contract.Basemap)


def test_stylesheet_blocks_are_closed():
    # A rule or @media block left open makes everything after it apply only inside it
    # (a merge once left the phone @media block open, hiding the offline frame's styles).
    css = re.sub(r"/\*.*?\*/", "", asset_text("geomap.css"), flags=re.S)
    depth = 0
    for ch in css:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
