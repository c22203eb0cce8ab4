"""Context layers: towns and villages (points) and roads (lines)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geomap.map._encode import COORD_SCALE
from geomap.map._encode import column
from geomap.map._encode import coords
from geomap.map.contract import LinesSpec
from geomap.map.contract import PointsSpec
from geomap.map.layers._common import swatch
from geomap.model import DISPLAY_CRS
from geomap.style import PLACE
from geomap.style import PLACE_SWATCH
from geomap.style import ROAD
from geomap.style import ROAD_SWATCH

__all__ = ["place_label", "places_layer", "roads_layer"]


def place_label(places: gpd.GeoDataFrame) -> str | None:
    """Return the column holding the places' names (None without one)."""
    return next((c for c in ("name", "NAME", "shapeName") if c in places.columns), None)


def places_layer(places: gpd.GeoDataFrame) -> PointsSpec | None:
    """Return towns and villages as small white dots named on hover (None without names).

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Points (or any geometry: each is drawn at a representative point), any CRS.

    Returns
    -------
    PointsSpec or None
    """
    p4326 = places.to_crs(DISPLAY_CRS)
    label = place_label(p4326)
    if label is None:
        return None
    pts = p4326.geometry.representative_point()
    return {
        "kind": "points",
        "key": "places",
        "group": "Context",
        "name": "Towns and villages",
        "show": True,
        "n": len(p4326),
        "x": coords(pts.x.to_numpy()),
        "y": coords(pts.y.to_numpy()),
        "scale": COORD_SCALE,
        "cols": {"name": column(p4326[label].astype(str))},
        "labels": {"name": "Place"},
        "popup": [],
        "tooltip": ["name"],
        "style": {**PLACE, "className": "geomap-place"},
        "legend": [swatch("town or village", PLACE_SWATCH, PLACE["color"], shape="circle")],
    }


def roads_layer(roads: gpd.GeoDataFrame) -> LinesSpec:
    """Return roads as grey lines (off until ticked), named on hover where they have a name.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        Lines, any CRS.

    Returns
    -------
    LinesSpec
    """
    r4326 = roads.to_crs(DISPLAY_CRS)
    geoms = shapely.transform(r4326.geometry.to_numpy(), lambda c: np.round(c, 6))
    lines = [shapely.geometry.mapping(g)["coordinates"] for g in geoms]
    label = next((c for c in ("name", "road_class") if c in r4326.columns), None)
    cols = {"name": column(r4326[label].astype(str))} if label else {}
    return {
        "kind": "lines",
        "key": "roads",
        "group": "Context",
        "name": "Roads",
        "show": False,
        "n": len(r4326),
        "lines": lines,
        "cols": cols,
        "labels": {"name": "Road"},
        "popup": [],
        "tooltip": ["name"] if cols else [],
        "style": {**ROAD, "className": "geomap-road"},
        "legend": [swatch("road", ROAD_SWATCH)],
    }
