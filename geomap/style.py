"""The one source of the map's and the charts' look: palettes, labels, radii, weights.

Hazard colours follow mine-action convention: red for confirmed (CHA), orange for
suspected (SHA), greens for land released, blue for land handed over. Values here
travel to the page in its config (in each layer's spec, under the keys the page
reads); the page's script holds no second copy.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BASEMAP_STYLE",
    "CASUALTY_BASE",
    "CASUALTY_SCALE",
    "CHART_CASUALTY_LINES",
    "CHART_EDGE",
    "CHART_FALLBACK",
    "CHART_TOTAL",
    "CHOROPLETH",
    "CHORO_COLORS",
    "CHORO_NODATA",
    "CLUSTER",
    "HAZARD_DASH",
    "HAZARD_FALLBACK",
    "HAZARD_FILL",
    "HAZARD_LABELS",
    "HAZARD_LINE_OPACITY",
    "HAZARD_OPACITY",
    "HAZARD_OUTLINE",
    "HAZARD_WEIGHT",
    "HEAT",
    "HEAT_LEGEND",
    "INCIDENT",
    "LEGEND_STROKE",
    "PLACE",
    "PLACE_SWATCH",
    "PROPOSED",
    "ROAD",
    "ROAD_SWATCH",
    "SIZE_SWATCH",
    "TYPE_COLORS",
    "VICTIM_COLORS",
]

VICTIM_COLORS = {
    "civilian": "#e41a1c",
    "deminer": "#377eb8",
    "military/security": "#4daf4a",
    "journalist": "#984ea3",
    "unknown": "#8c8c8c",
}
TYPE_COLORS = {
    "mine/ERW accident": "#e41a1c",
    "demining accident": "#377eb8",
    "incident": "#ff7f00",
    "EO find": "#4daf4a",
    "other": "#8c8c8c",
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
    "active CHA": "Confirmed hazardous area (CHA)",
    "active SHA": "Suspected hazardous area (SHA), dashed",
    "cancelled": "Cancelled (released by non-technical survey)",
    "reduced": "Reduced (released by technical survey)",
    "cleared": "Cleared",
    "handed over": "Handed over",
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
#: Incident clustering (supercluster): cluster radius in pixels, last clustered zoom.
CLUSTER = {"radius": 70, "maxZoom": 12}
#: The heat map (Leaflet.heat) and its legend (hot to cold).
HEAT: dict[str, Any] = {"radius": 18, "blur": 15, "maxZoom": 12, "minOpacity": 0.3}
HEAT_LEGEND = (("more casualties", "#ff0000"), ("fewer", "#0000ff"))

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


# --- user basemap (vector tiles made by `geomap tiles`): a quiet, paper-like base under the
# data, in greys and muted browns, so no colour can be mistaken for a hazard class or status.
BASEMAP_STYLE: dict[str, Any] = {
    "background": "#f4f1ea",
    "polygon": {"fill": "#e4ded0", "opacity": 0.6, "stroke": "#8a8170", "width": 1},
    "line": {"color": "#9c8f7a", "width": 1.5},
    "point": {"radius": 3, "fill": "#4a4a4a", "stroke": "#ffffff", "width": 1},
    "label": {"fill": "#333333", "stroke": "#ffffff", "width": 2, "font": "12px sans-serif"},
}
