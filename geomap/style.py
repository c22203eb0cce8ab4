"""The one source of the map's and the charts' look: palettes, labels, radii, weights.

Hazard colours follow mine-action convention: red for confirmed (CHA), orange for
suspected (SHA), greens for land released, blue for land handed over. Values here
travel to the page in its config; the page's script holds no second copy.
"""

from __future__ import annotations

__all__ = [
    "CASUALTY_BASE",
    "CASUALTY_SCALE",
    "CHORO_COLORS",
    "HAZARD_FILL",
    "HAZARD_LABELS",
    "HAZARD_OUTLINE",
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
#: Incident marker radius in pixels: base + scale * sqrt(casualties).
CASUALTY_BASE, CASUALTY_SCALE = 4.0, 2.5
CHORO_COLORS = {
    "casualties": ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"],
    "active_km2": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
}
