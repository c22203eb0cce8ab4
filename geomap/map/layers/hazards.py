"""Hazard areas: active (CHA solid, SHA dashed) and released land, as two switchable layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import translator
from geomap.map._encode import COMPACT_SCALE
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import binary
from geomap.map._encode import coords
from geomap.map._polygons import display_polygons
from geomap.map.contract import HazardsSpec
from geomap.map.contract import HazardStyle
from geomap.map.contract import HazardSymbols
from geomap.map.contract import LegendEntry
from geomap.map.layers._common import Build
from geomap.map.layers._common import swatch
from geomap.map.layers._common import time_column
from geomap.model import HAZARDS
from geomap.model import RELEASED_STATUSES
from geomap.style import HAZARD_DASH
from geomap.style import HAZARD_FALLBACK
from geomap.style import HAZARD_FILL
from geomap.style import HAZARD_LABELS
from geomap.style import HAZARD_LINE_OPACITY
from geomap.style import HAZARD_OPACITY
from geomap.style import HAZARD_OUTLINE
from geomap.style import HAZARD_SYMBOL
from geomap.style import HAZARD_WEIGHT

__all__ = ["hazards_layer"]

_STYLE: HazardStyle = {
    "statusField": "status",
    "classField": "hazard_class",
    "palette": HAZARD_FILL,
    "outline": HAZARD_OUTLINE,
    "dash": HAZARD_DASH,
    "fallback": HAZARD_FALLBACK,
    "className": "geomap-hazard",
    "weight": HAZARD_WEIGHT,
    "fillOpacity": HAZARD_OPACITY,
    "opacity": HAZARD_LINE_OPACITY,
}


def hazards_layer(hazards: gpd.GeoDataFrame, build: Build) -> HazardsSpec:
    """Return the hazard areas' spec: polygons, columns, released flags, legends and dates.

    Parameters
    ----------
    hazards : geopandas.GeoDataFrame
        Hazard areas in EPSG:4326 (with ``status`` and ``hazard_class``, ideally).
    build : Build
        The map's build context.

    Returns
    -------
    HazardsSpec
    """
    _ = translator(build.options.lang)
    pop, tip = build.popup_tooltip(hazards, "hazards")
    style_cols = [c for c in ("status", "hazard_class", "id") if c in hazards.columns]
    cols = list(dict.fromkeys([*pop, *tip, *style_cols]))
    shown = hazards
    if "area_m2" in hazards.columns:
        shown = hazards.assign(area_m2=hazards["area_m2"].round(0))
    status = (
        shown["status"].astype(object)
        if "status" in shown.columns
        else pd.Series(None, index=shown.index)
    )
    released = status.isin(RELEASED_STATUSES).to_numpy().astype(np.uint8)
    compact = build.compact(len(shown))
    spec: HazardsSpec = {
        "kind": "hazards",
        "key": "hazards",
        "group": _("Hazard areas"),
        "names": {"active": _("Active hazard areas"), "released": _("Released land")},
        "show": True,
        "n": len(shown),
        **display_polygons(  # type: ignore[typeddict-item]
            shown, build.options.simplify_m, compact=compact
        ),
        "cols": build.columns(shown, cols, compact=compact),
        "labels": build.labels(cols, HAZARDS),
        "popup": pop,
        "tooltip": tip,
        "released": binary(released, "u1", deflate=compact),
        "canvas": build.canvas(len(shown)),
        "style": _STYLE,
        "legends": hazard_legends(shown, build.options.lang),
        "symbols": hazard_symbols(shown, compact=compact),
    }
    values = build.code_labels(cols, HAZARDS)
    if values:
        spec["valueLabels"] = values
    if build.months is not None:
        spec["time"] = {
            "t0": time_column(shown, "date_recorded", cols, compact=compact),
            "t1": time_column(shown, "status_date", cols, compact=compact),
        }
    return spec


def hazard_symbols(hazards: gpd.GeoDataFrame, *, compact: bool = False) -> HazardSymbols:
    """Return where each area's symbol goes (a point inside it) and how the symbols look.

    The page draws an area's symbol when the area is smaller than ``minPx`` pixels
    across at the current zoom, so that no hazard area is an invisible speck.
    """
    pts = shapely.point_on_surface(hazards.geometry.to_numpy())
    scale = COMPACT_SCALE if compact else COORD_SCALE
    return {
        "x": coords(shapely.get_x(pts), scale, deflate=compact),
        "y": coords(shapely.get_y(pts), scale, deflate=compact),
        "scale": scale,
        **HAZARD_SYMBOL,  # type: ignore[typeddict-item]
    }


def hazard_legends(
    hazards: gpd.GeoDataFrame, lang: str = DEFAULT_LANG
) -> dict[str, list[LegendEntry]]:
    """Return legends of the active and released layers: the classes and statuses present."""
    _ = translator(lang)
    klass = set(hazards["hazard_class"].astype(object)) if "hazard_class" in hazards else set()
    status = set(hazards["status"].astype(object)) if "status" in hazards.columns else set()
    active: list[LegendEntry] = [
        swatch(
            _(HAZARD_LABELS[f"active {c}"]),
            HAZARD_FILL[f"active {c}"],
            HAZARD_OUTLINE[c],
            dash=c == "SHA",
        )
        for c in ("CHA", "SHA")
        if c in klass
    ]
    released: list[LegendEntry] = [
        swatch(_(HAZARD_LABELS[s]), HAZARD_FILL[s]) for s in RELEASED_STATUSES if s in status
    ]
    known = klass <= {"CHA", "SHA"} and status <= {"active", *RELEASED_STATUSES}
    if not (known and {"hazard_class", "status"} <= set(hazards.columns)):
        active.append(swatch(_("unknown class or status"), HAZARD_FALLBACK))
    active.append(
        swatch(
            _("area too small to see at this zoom (drawn as a triangle)"),
            HAZARD_FILL["active CHA"],
            HAZARD_OUTLINE["CHA"],
            shape="triangle",
        )
    )
    return {"active": active, "released": released}
