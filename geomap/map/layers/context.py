"""Context layers: towns and villages (points) and roads (lines)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import translator
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import column
from geomap.map._encode import coords
from geomap.map.contract import LinesSpec
from geomap.map.contract import PointsSpec
from geomap.map.layers._common import swatch
from geomap.model import DISPLAY_CRS
from geomap.style import PLACE
from geomap.style import PLACE_LABEL
from geomap.style import PLACE_SWATCH
from geomap.style import ROAD
from geomap.style import ROAD_SWATCH

__all__ = ["label_order", "place_label", "places_layer", "roads_layer"]

#: Columns holding a place's population, and the kinds of place labelled first.
_POPULATION = ("population", "POPULATION", "pop", "POP", "pop_max")
_KIND_RANK = {"city": 0, "town": 1, "village": 2, "hamlet": 3}


def place_label(places: gpd.GeoDataFrame) -> str | None:
    """Return the column holding the places' names (None without one)."""
    return next((c for c in ("name", "NAME", "shapeName") if c in places.columns), None)


def label_order(places: gpd.GeoDataFrame) -> list[int]:
    """Return the rows in the order they are labelled: the most populous first.

    By population where a column holds it, then by kind (city, town, village),
    then as given.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["a", "b", "c"], "population": [10, None, 300]},
    ...                        geometry=[shapely.Point(0, 0)] * 3, crs=4326)
    >>> label_order(gdf)
    [2, 0, 1]
    """
    pop_col = next((c for c in _POPULATION if c in places.columns), None)
    pop = (
        pd.to_numeric(places[pop_col], errors="coerce").fillna(-1)
        if pop_col
        else pd.Series(-1.0, index=places.index)
    )
    kind = (
        places["kind"].astype(str).str.lower().map(_KIND_RANK).fillna(9)
        if "kind" in places.columns
        else pd.Series(9, index=places.index)
    )
    frame = pd.DataFrame({"pop": -pop.to_numpy(), "kind": kind.to_numpy()})
    return [int(i) for i in frame.sort_values(["pop", "kind"], kind="stable").index]


def places_layer(places: gpd.GeoDataFrame, lang: str = DEFAULT_LANG) -> PointsSpec | None:
    """Return towns and villages as small white dots, labelled (None without names).

    The page labels the most populous places (:func:`label_order`) from the opening
    zoom and more as the map is zoomed in, leaving out a label that would overlap one
    already drawn (:data:`geomap.style.PLACE_LABEL`).

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Points (or any geometry: each is drawn at a representative point), any CRS.
    lang : str
        The map's language.

    Returns
    -------
    PointsSpec or None
    """
    _ = translator(lang)
    p4326 = places.to_crs(DISPLAY_CRS)
    label = place_label(p4326)
    if label is None:
        return None
    pts = p4326.geometry.representative_point()
    return {
        "kind": "points",
        "key": "places",
        "group": _("Context"),
        "name": _("Towns and villages"),
        "show": True,
        "n": len(p4326),
        "x": coords(pts.x.to_numpy()),
        "y": coords(pts.y.to_numpy()),
        "scale": COORD_SCALE,
        "cols": {"name": column(p4326[label].astype(str))},
        "labels": {"name": _("Place")},
        "popup": [],
        "tooltip": ["name"],
        "style": {**PLACE, "className": "geomap-place"},
        "legend": [swatch(_("town or village"), PLACE_SWATCH, PLACE["color"], shape="circle")],
        "placeLabels": {"order": label_order(p4326), **PLACE_LABEL},
    }


def roads_layer(roads: gpd.GeoDataFrame, lang: str = DEFAULT_LANG) -> LinesSpec:
    """Return roads as grey lines (off until ticked), named on hover where they have a name.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        Lines, any CRS.
    lang : str
        The map's language.

    Returns
    -------
    LinesSpec
    """
    _ = translator(lang)
    r4326 = roads.to_crs(DISPLAY_CRS)
    geoms = shapely.transform(r4326.geometry.to_numpy(), lambda c: np.round(c, 6))
    lines = [shapely.geometry.mapping(g)["coordinates"] for g in geoms]
    label = next((c for c in ("name", "road_class") if c in r4326.columns), None)
    cols = {"name": column(r4326[label].astype(str))} if label else {}
    return {
        "kind": "lines",
        "key": "roads",
        "group": _("Context"),
        "name": _("Roads"),
        "show": False,
        "n": len(r4326),
        "lines": lines,
        "cols": cols,
        "labels": {"name": _("Road")},
        "popup": [],
        "tooltip": ["name"] if cols else [],
        "style": {**ROAD, "className": "geomap-road"},
        "legend": [swatch(_("road"), ROAD_SWATCH)],
    }
