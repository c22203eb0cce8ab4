"""Places the search box finds: towns, districts (by boundary, else by incidents' names)."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import Translate
from geomap.i18n import translator
from geomap.map._inputs import MapInputs
from geomap.map._inputs import MapView
from geomap.map.contract import SearchPlace
from geomap.map.layers.context import place_label
from geomap.model import DISPLAY_CRS

__all__ = ["search_places"]

#: The kinds of place a search hit names (a towns layer's ``kind`` otherwise as given).
_KINDS = (N_("place"), N_("district"), N_("city"), N_("town"), N_("village"), N_("hamlet"))


def _bounds(box: Iterable[float]) -> list[float]:
    return [round(float(v), 6) for v in box]


def _towns(places: gpd.GeoDataFrame, _: Translate) -> list[SearchPlace]:
    p4326 = places.to_crs(DISPLAY_CRS)
    label = place_label(p4326)
    if label is None:
        return []
    pts = p4326.geometry.representative_point()
    kind = (
        p4326["kind"].astype(str)
        if "kind" in p4326.columns
        else pd.Series("place", index=p4326.index)
    )
    return [
        {"label": str(n), "x": round(float(x), 6), "y": round(float(y), 6), "kind": _(str(kd))}
        for n, x, y, kd in zip(p4326[label], pts.x, pts.y, kind, strict=True)
    ]


def _districts(districts: gpd.GeoDataFrame, _: Translate) -> list[SearchPlace]:
    d4326 = districts.to_crs(DISPLAY_CRS)
    label = next((c for c in ("name", "district", "shapeName") if c in d4326.columns), None)
    if label is None:
        return []
    return [
        {"label": str(n), "bounds": _bounds(g.bounds), "kind": _("district")}
        for n, g in zip(d4326[label], d4326.geometry, strict=True)
    ]


def _named_districts(incidents: gpd.GeoDataFrame, _: Translate) -> list[SearchPlace]:
    """Districts named in the incidents, each as the box around its incidents."""
    b = shapely.bounds(incidents.geometry.to_numpy())  # points: their own x, y twice
    xy = pd.DataFrame(b, columns=["minx", "miny", "maxx", "maxy"], index=incidents.index)
    box = xy.groupby(incidents["district"].astype(object), sort=True).agg(
        {"minx": "min", "miny": "min", "maxx": "max", "maxy": "max"}
    )
    return [
        {"label": str(name), "bounds": _bounds(row), "kind": _("district")}
        for name, row in zip(box.index, box.to_numpy(), strict=True)
    ]


def search_places(data: MapInputs, view: MapView, lang: str = DEFAULT_LANG) -> list[SearchPlace]:
    """Towns, then districts: from boundaries if given, else from the incidents' names.

    Parameters
    ----------
    data : MapInputs
        The map's layers.
    view : MapView
        Whether districts named in incidents may be searched for.
    lang : str
        The language of the kinds of place (the names are the layers', in their language).

    Returns
    -------
    list of SearchPlace
    """
    _ = translator(lang)
    found: list[SearchPlace] = []
    if data.places is not None and len(data.places):
        found += _towns(data.places, _)
    if data.districts is not None and len(data.districts):
        found += _districts(data.districts, _)
    elif data.incidents is not None and "district" in data.incidents.columns and view.searchable:
        found += _named_districts(data.incidents, _)
    return found
