"""A heat map of the incidents, weighted by casualties (off until ticked)."""

from __future__ import annotations

import geopandas as gpd

from geomap.map.contract import HeatSpec
from geomap.map.layers._common import Build
from geomap.map.layers._common import swatch
from geomap.map.layers.incidents import size_fields
from geomap.style import HEAT
from geomap.style import HEAT_LEGEND

__all__ = ["heat_layer"]


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
    build.need("leaflet_heat")
    return {
        "kind": "heat",
        "key": "heat",
        "group": "Incidents",
        "name": "Heat map (weighted by casualties)",
        "show": False,
        "weight": size_fields(incidents),
        "radius": HEAT["radius"],
        "blur": HEAT["blur"],
        "maxZoom": HEAT["maxZoom"],
        "minOpacity": HEAT["minOpacity"],
        "legend": [swatch(label, colour) for label, colour in HEAT_LEGEND],
    }
