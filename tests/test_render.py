"""Rendering, checked structurally (folium's element ids are random, so never byte for byte)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import folium
import pytest

import geomap
from geomap import GeomapError
from geomap._assets import ASSETS, asset_text

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


def app_config(html: str) -> dict:
    """The map's data and configuration, decoded from the page."""
    start = html.index('<script type="application/json"')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    return json.loads(html[start:end])


def payloads(html: str) -> dict[str, dict]:
    """The data layers' specs, by key."""
    return {layer["key"]: layer for layer in app_config(html)["layers"]}


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
    # Exactly the plugins this map uses (5 incidents: a heat map, no clustering).
    used = {"pako", "leaflet_heat"} | {
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
    assert len(html) < 100_000


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
    assert active == ["Confirmed hazardous area (CHA)", "Suspected hazardous area (SHA), dashed"]
    assert [i["label"] for i in p["hazards"]["legends"]["released"]] == ["Cleared"]
    legend = p["incidents"]["legend"]
    victims = [i["label"] for i in legend if i.get("shape") == "circle" and "size" not in i]
    assert victims == ["civilian", "deminer", "military/security", "journalist"]


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
    from shapely.geometry import MultiPolygon, Polygon

    import geomap.render as render

    donut = Polygon(
        [(46.9, 39.9), (46.95, 39.9), (46.95, 39.95), (46.9, 39.95)],
        [[(46.91, 39.91), (46.92, 39.91), (46.92, 39.92), (46.91, 39.92)]],
    )
    far = MultiPolygon([Polygon([(45.0, 38.0), (45.01, 38.0), (45.01, 38.01)]), donut])
    many = pd.concat([hazards_gdf] * 4, ignore_index=True)
    many.loc[1, "geometry"] = donut
    many.loc[5, "geometry"] = far  # parts 150 km apart: coordinates fall back to int32
    many["id"] = [f"H{i}" for i in range(len(many))]
    monkeypatch.setattr(render, "POLYGON_CHUNK", 5)
    enc = render._display_polygons(many, simplify_m=0)
    back = decode_polygons(enc["g"])
    assert len(back) == len(many)
    for got, want in zip(back, many.geometry, strict=True):
        assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=1e-6)
