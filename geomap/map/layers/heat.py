"""A heat map of the incidents, weighted by casualties or a numeric field (off until ticked)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap.i18n import translator
from geomap.map.contract import HeatSpec
from geomap.map.layers._common import Build
from geomap.map.layers._common import swatch
from geomap.map.layers.incidents import size_fields
from geomap.style import HEAT
from geomap.style import HEAT_LEGEND

__all__ = ["heat_layer", "heat_weight"]


def heat_weight(incidents: gpd.GeoDataFrame, name: str) -> pd.Series | None:
    """Return the numbers the heat map is weighted by (None: by casualties, or 1 each).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The incidents drawn (a public map's are its cells).
    name : str
        ``"casualties"`` (killed + injured), ``"none"`` (each incident counts 1), or
        a numeric column of the incidents.

    Returns
    -------
    pandas.Series or None

    Raises
    ------
    GeomapError
        ``name`` is not a column, or not a numeric one.
    """
    if name in ("casualties", "none"):
        return None
    numeric = [
        c
        for c in incidents.columns
        if c != incidents.geometry.name
        and pd.api.types.is_numeric_dtype(incidents[c])
        and not pd.api.types.is_bool_dtype(incidents[c])
    ]
    if name not in numeric:
        what = "not a numeric field" if name in incidents.columns else "not a field"
        raise GeomapError(
            f"heat_weight {name!r} is {what} of the incidents; expected casualties, none, "
            f"or one of their numeric fields {numeric}"
        )
    return pd.to_numeric(incidents[name], errors="coerce").astype(float)


def heat_layer(incidents: gpd.GeoDataFrame, build: Build) -> HeatSpec | None:
    """Return the heat map's spec (it reuses the incident layer's points), or None.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The incidents drawn.
    build : Build
        The map's build context: no heat map unless ``options.heatmap`` and the
        ``leaflet_heat`` asset can be loaded.

    Returns
    -------
    HeatSpec or None
    """
    if not (build.options.heatmap and build.can_load(["leaflet_heat"])):
        return None
    name = build.options.heat_weight
    values = heat_weight(incidents, name)
    build.need("leaflet_heat")
    _ = translator(build.options.lang)
    word = {"casualties": _("casualties"), "none": _("incidents")}.get(name, name)
    spec: HeatSpec = {
        "kind": "heat",
        "key": "heat",
        "group": _("Incidents"),
        "name": _("Heat map (each incident counts 1)")
        if name == "none"
        else _("Heat map (weighted by {weight})", weight=word),
        "show": False,
        "weight": size_fields(incidents) if name == "casualties" else [],
        "radius": HEAT["radius"],
        "blur": HEAT["blur"],
        "maxZoom": HEAT["maxZoom"],
        "minOpacity": HEAT["minOpacity"],
        "legend": [swatch(_(label, weight=word), colour) for label, colour in HEAT_LEGEND],
    }
    if values is not None:
        spec["field"] = name
        spec["values"] = build.column(values)
    return spec
