"""The one source of the map's and the charts' look: palettes, labels, radii, weights.

Hazard colours follow mine-action convention: red for confirmed (CHA), orange for
suspected (SHA), greens for land released, blue for land handed over. Values here
travel to the page in its config (in each layer's spec, under the keys the page
reads); the page's script holds no second copy.
"""

from __future__ import annotations

from typing import Any

from geomap.i18n import N_

__all__ = [
    "BASEMAP_STYLE",
    "CASUALTY_BASE",
    "CASUALTY_SCALE",
    "CELL_SUPPRESSED",
    "CHART_CASUALTY_LINES",
    "CHART_EDGE",
    "CHART_FALLBACK",
    "CHART_TOTAL",
    "CHOROPLETH",
    "CHORO_COLORS",
    "CHORO_NODATA",
    "CLUSTER",
    "DISCLAIMER",
    "FRAME",
    "HAZARD_DASH",
    "HAZARD_FALLBACK",
    "HAZARD_FILL",
    "HAZARD_LABELS",
    "HAZARD_LINE_OPACITY",
    "HAZARD_OPACITY",
    "HAZARD_OUTLINE",
    "HAZARD_SYMBOL",
    "HAZARD_WEIGHT",
    "HEAT",
    "HEAT_LEGEND",
    "INCIDENT",
    "LEGEND_STROKE",
    "PLACE",
    "PLACE_LABEL",
    "PLACE_SWATCH",
    "PROPOSED",
    "RISK_COLORS",
    "RISK_LINE",
    "ROAD",
    "ROAD_SWATCH",
    "SIZE_SWATCH",
    "TYPE_COLORS",
    "TYPE_SHAPES",
    "UNKNOWN_DASH",
    "UNKNOWN_FILL",
    "VICTIM_COLORS",
    "VICTIM_SHAPES",
]

#: Incidents are told apart by marker SHAPE and by neutral, purple and black tones,
#: never by the red/orange/green/blue that mean hazard class and land-release status.
#: A missing or "unknown" category is a grey circle with a dashed outline, never a colour
#: that looks like a category.
UNKNOWN_FILL = "#d9d9d9"
UNKNOWN_DASH = "2 2"
VICTIM_COLORS = {
    "civilian": "#6a51a3",
    "deminer": "#1a1a1a",
    "military/security": "#bcbddc",
    "journalist": "#ffffff",
    "unknown": UNKNOWN_FILL,
}
TYPE_COLORS = {
    "mine/ERW accident": "#6a51a3",
    "demining accident": "#1a1a1a",
    "incident": "#bcbddc",
    "EO find": "#ffffff",
    "other": "#737373",
    "unknown": UNKNOWN_FILL,
}
#: Marker shape of each incident category (circle, square, diamond, cross, pentagon).
#: The triangle is kept for hazard areas too small to see (mine-action's warning sign).
VICTIM_SHAPES = {
    "civilian": "circle",
    "deminer": "square",
    "military/security": "diamond",
    "journalist": "cross",
    "unknown": "circle",
}
TYPE_SHAPES = {
    "mine/ERW accident": "circle",
    "demining accident": "square",
    "incident": "diamond",
    "EO find": "cross",
    "other": "pentagon",
    "unknown": "circle",
}
HAZARD_FILL = {
    "active CHA": "#b2182b",
    "active SHA": "#f4a261",
    "cancelled": "#c7e9c0",
    "reduced": "#74c476",
    "cleared": "#238b45",
    "handed over": "#4393c3",
}
HAZARD_OUTLINE = {"CHA": "#67001f", "SHA": "#b35806"}
HAZARD_LABELS = {
    "active CHA": N_("Confirmed hazardous area (CHA)"),
    "active SHA": N_("Suspected hazardous area (SHA), dashed"),
    "cancelled": N_("Cancelled (released by non-technical survey)"),
    "reduced": N_("Reduced (released by technical survey)"),
    "cleared": N_("Cleared"),
    "handed over": N_("Handed over"),
}
#: Hazard outline weight (px) by class, dash pattern by class, fill opacity by state.
HAZARD_WEIGHT = {"CHA": 2.5, "SHA": 1.5}
HAZARD_DASH = {"SHA": "6 4"}
HAZARD_OPACITY = {"active": 0.45, "released": 0.3}
#: Hazard outline opacity, and the fill of an area whose class or status is unknown.
HAZARD_LINE_OPACITY = 0.9
HAZARD_FALLBACK = "#999999"

#: Incident marker radius in pixels: base + scale * sqrt(casualties).
CASUALTY_BASE, CASUALTY_SCALE = 4.0, 2.5
#: Incident markers: outline, and the look of a public cell whose counts are suppressed.
INCIDENT: dict[str, Any] = {
    "stroke": "#222",
    "weight": 1,
    "fillOpacity": 0.85,
    "suppressedFill": "#ffffff",
    "suppressedOpacity": 0.6,
}
#: Grey of the casualty-size swatches in the incident legend.
SIZE_SWATCH = "#bbbbbb"
#: Incident clustering (supercluster): cluster radius in pixels, last clustered zoom, and
#: the clusters' look (the incidents' dark purple, never the hazards' red).
CLUSTER: dict[str, Any] = {
    "radius": 70,
    "maxZoom": 12,
    "fill": "rgba(63, 0, 125, 0.8)",
    "text": "#ffffff",
    "stroke": "rgba(255, 255, 255, 0.9)",
}
#: The heat map (Leaflet.heat) and its legend (hot to cold).
HEAT: dict[str, Any] = {"radius": 18, "blur": 15, "maxZoom": 12, "minOpacity": 0.3}
HEAT_LEGEND = ((N_("more {weight}"), "#ff0000"), (N_("fewer"), "#0000ff"))

CHORO_COLORS = {
    "casualties": ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"],
    "active_km2": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
}
#: District choropleth outlines and fill, and the fill of a district with no data.
CHOROPLETH: dict[str, Any] = {"stroke": "#555", "weight": 1, "fillOpacity": 0.7}
CHORO_NODATA = "#eeeeee"

#: Proposed suspected areas (dotted purple), towns (white dots) and roads (grey lines).
PROPOSED: dict[str, Any] = {
    "color": "#6a3d9a",
    "weight": 2,
    "dashArray": "2 6",
    "fillColor": "#cab2d6",
    "fillOpacity": 0.35,
}
PLACE: dict[str, Any] = {
    "radius": 3,
    "color": "#111",
    "weight": 1,
    "fillColor": "#fff",
    "fillOpacity": 1,
}
ROAD: dict[str, Any] = {"color": "#555", "weight": 2, "opacity": 0.8}
#: Legend swatches of towns (fill) and roads.
PLACE_SWATCH, ROAD_SWATCH = "#ffffff", "#555555"

#: Outline of a legend swatch that names neither a stroke nor a fill.
LEGEND_STROKE = "#333"


#: Charts (PNG, matplotlib): bars' fallback fill and edge, the line of a total, and the
#: cumulative casualty lines (killed in the CHA red, injured in orange, all in near-black).
CHART_FALLBACK = "#999999"
CHART_EDGE = "#333333"
CHART_TOTAL = "#222222"
CHART_CASUALTY_LINES = {
    "casualties_cum": CHART_TOTAL,
    "injured_cum": "#ff7f00",
    "killed_cum": "#b2182b",
}


#: A public cell whose counts are suppressed: a hatched grey square marked "<k", unlike a
#: town (a white dot) and unlike an incident symbol. Size in pixels.
CELL_SUPPRESSED: dict[str, Any] = {
    "size": 18,
    "fill": "#f0f0f0",
    "hatch": "#bdbdbd",
    "stroke": "#595959",
    "text": "#333333",
}
#: A hazard area smaller than ``minPx`` pixels across at the current zoom is also drawn as
#: a triangle (the warning sign of mine-action maps) of ``radius`` px at a point inside it.
HAZARD_SYMBOL: dict[str, Any] = {"minPx": 6, "radius": 6, "weight": 1.5, "fillOpacity": 0.9}
#: Town labels: the ``always`` largest places are labelled from the opening zoom, the others
#: as the map is zoomed in, each only where it does not overlap a larger town's label.
PLACE_LABEL: dict[str, Any] = {"always": 12, "perZoom": 12, "font": 12, "color": "#222"}
#: Risk layer classes, low to high, by number of classes (ColorBrewer RdPu, pale pink to
#: deep magenta: apart from the hazards' red, orange, green and blue); risk cell outlines.
RISK_COLORS = {
    2: ["#fcc5c0", "#ae017e"],
    3: ["#fde0dd", "#fa9fb5", "#c51b8a"],
    4: ["#feebe2", "#fbb4b9", "#f768a1", "#ae017e"],
    5: ["#feebe2", "#fbb4b9", "#f768a1", "#c51b8a", "#7a0177"],
    6: ["#feebe2", "#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177"],
    7: ["#feebe2", "#fcc5c0", "#fa9fb5", "#f768a1", "#dd3497", "#ae017e", "#7a0177"],
    8: ["#fff7f3", "#fde0dd", "#fcc5c0", "#fa9fb5", "#f768a1", "#dd3497", "#ae017e", "#7a0177"],
    9: [
        "#fff7f3",
        "#fde0dd",
        "#fcc5c0",
        "#fa9fb5",
        "#f768a1",
        "#dd3497",
        "#ae017e",
        "#7a0177",
        "#49006a",
    ],
}
RISK_LINE: dict[str, Any] = {"color": "#7f7f7f", "weight": 0.5, "fillOpacity": 0.65}
#: The disclaimer every map shows, small, on screen and in print: a map of recorded
#: contamination is never a map of safe ground.
DISCLAIMER = N_("Areas not marked are not necessarily safe.")

# --- offline frame (issue 9, item 1): drawn when the basemap tiles cannot load -------------
#: Land (filled, no outline), country borders and coasts, district outlines, GeoNames places,
#: and the map's background (water) while the frame is shown.
FRAME: dict[str, Any] = {
    "land": {
        "stroke": False,
        "fillColor": "#f2efe6",
        "fillOpacity": 1,
        "className": "geomap-frame-land",
    },
    "border": {"color": "#7a7a7a", "weight": 1.2, "opacity": 1, "className": "geomap-frame-border"},
    "district": {
        "color": "#8c6d9e",
        "weight": 1.2,
        "dashArray": "5 4",
        "fill": False,
        "className": "geomap-frame-district",
    },
    "place": {
        "radius": 2.5,
        "color": "#222",
        "weight": 1,
        "fillColor": "#222",
        "fillOpacity": 1,
        "className": "geomap-frame-place",
    },
    "water": "#cddbe4",
}
# --- user basemap (vector tiles made by `geomap tiles`): a quiet, paper-like base under the
# data, in greys and muted browns, so no colour can be mistaken for a hazard class or status.
BASEMAP_STYLE: dict[str, Any] = {
    "background": "#f4f1ea",
    "polygon": {"fill": "#e4ded0", "opacity": 0.6, "stroke": "#8a8170", "width": 1},
    "line": {"color": "#9c8f7a", "width": 1.5},
    "point": {"radius": 3, "fill": "#4a4a4a", "stroke": "#ffffff", "width": 1},
    "label": {"fill": "#333333", "stroke": "#ffffff", "width": 2, "font": "12px sans-serif"},
}
