"""Geometry checks: missing, empty or wrong geometry, invalid polygons, bad coordinates.

Invalid polygons are repaired with ``make_valid`` (and noted); coordinates out of
range, with swapped axes or a flipped sign are rejected with the likely fix.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.model import LayerSpec
from geomap.validate.result import Collector

__all__ = ["check_coordinates", "check_geometry"]

#: Minimum number of points before the "far from the rest" check runs.
_OUTLIER_MIN_ROWS = 20


def check_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec, c: Collector) -> np.ndarray:
    """Check and repair geometries; return the (possibly repaired) geometry array."""
    geoms = gdf.geometry.to_numpy().copy()
    missing = pd.isna(geoms)
    # Rows whose coordinates the reader could not parse are already rejected for that.
    c.fail(missing & ~c.reject, "geometry", "geometry is missing")
    empty = ~missing & shapely.is_empty(geoms)
    c.fail(empty, "geometry", "geometry is empty")
    present = ~missing & ~empty
    gtype = shapely.get_type_id(geoms)
    if spec.geometry == "point":
        multi = present & (gtype == 4)
        single_multi = multi & (shapely.get_num_geometries(geoms) == 1)
        if single_multi.any():
            geoms[single_multi] = shapely.get_geometry(geoms[single_multi], 0)
            c.note(single_multi, "geometry", "MultiPoint of one point read as a Point")
        gtype = shapely.get_type_id(geoms)
        wrong = present & (gtype != 0)
        names = pd.Series(shapely.get_type_id(geoms)).map(_TYPE_NAMES)
        c.fail(wrong, "geometry", "expected a Point, got a " + names.astype(str))
    else:
        collection = present & (gtype == 7)
        if collection.any():
            geoms[collection] = _polygonal(geoms[collection])
            c.note(collection, "geometry", "kept the polygons of a GeometryCollection")
        gtype = shapely.get_type_id(geoms)
        wrong = present & ~np.isin(gtype, (3, 6)) & ~pd.isna(geoms)
        names = pd.Series(gtype).map(_TYPE_NAMES)
        c.fail(wrong, "geometry", "expected a Polygon or MultiPolygon, got a " + names.astype(str))
        candidates = present & ~wrong
        invalid = candidates & ~shapely.is_valid(geoms)
        if invalid.any():
            reasons = np.array([shapely.is_valid_reason(g) for g in geoms[invalid]], dtype=object)
            repaired = _polygonal(shapely.make_valid(geoms[invalid]))
            geoms[invalid] = repaired
            gone = np.zeros(len(geoms), dtype=bool)
            gone[np.flatnonzero(invalid)] = shapely.is_empty(repaired) | pd.isna(repaired)
            full_reason = np.full(len(geoms), "", dtype=object)
            full_reason[invalid] = reasons
            c.fail(
                gone, "geometry", "invalid polygon with no area left after repair: " + full_reason
            )
            c.note(invalid & ~gone, "geometry", "repaired invalid polygon (" + full_reason + ")")
    return geoms


_TYPE_NAMES = {
    -1: "missing geometry",
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (as Polygon or MultiPolygon)."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            out[i] = g
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = g
            continue
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in getattr(p, "geoms", [p])]
        out[i] = (
            shapely.MultiPolygon(polys)
            if len(polys) > 1
            else (polys[0] if polys else shapely.Polygon())
        )
    return out


def check_coordinates(geoms: np.ndarray, c: Collector) -> None:
    """Flag coordinates out of range, with swapped axes, or far from the rest."""
    ok = ~c.reject & ~pd.isna(geoms)
    if not ok.any():
        return
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[ok] = shapely.bounds(geoms[ok])
    minx, miny, maxx, maxy = bounds.T
    with np.errstate(invalid="ignore"):
        lon_bad = ok & ((minx < -180) | (maxx > 180))
        lat_bad = ok & ((miny < -90) | (maxy > 90))
    out = lon_bad | lat_bad
    if out.any():
        swappable = (
            out
            & (np.abs(minx) <= 90)
            & (np.abs(maxx) <= 90)
            & (np.abs(miny) <= 180)
            & (np.abs(maxy) <= 180)
        )
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        where = pd.Series(cx).round(6).astype(str) + ", " + pd.Series(cy).round(6).astype(str)
        c.fail(
            out & swappable,
            "geometry",
            "coordinates (" + where + ") are out of range: latitude beyond ±90; axes look swapped",
            "swap longitude and latitude",
        )
        c.fail(
            out & ~swappable,
            "geometry",
            "coordinates (" + where + ") are out of range (longitude ±180, latitude ±90)",
        )
    _check_outliers(bounds, c)


def _check_outliers(bounds: np.ndarray, c: Collector) -> None:
    """Reject points far from the rest that a sign flip or an axis swap would bring home."""
    ok = ~c.reject & ~np.isnan(bounds[:, 0])
    if ok.sum() < _OUTLIER_MIN_ROWS:
        return
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    # The middle 80% of the data, widened by 1.5 times its size (at least 1°) on each
    # side: robust to a few bad points, loose enough for a country's whole extent.
    lo_x, hi_x = np.nanpercentile(x[ok], [10, 90])
    lo_y, hi_y = np.nanpercentile(y[ok], [10, 90])
    pad_x = max((hi_x - lo_x) * 1.5, 1.0)
    pad_y = max((hi_y - lo_y) * 1.5, 1.0)
    box = (lo_x - pad_x, lo_y - pad_y, hi_x + pad_x, hi_y + pad_y)

    def inside(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return (px >= box[0]) & (px <= box[2]) & (py >= box[1]) & (py <= box[3])

    with np.errstate(invalid="ignore"):
        far = ok & ~inside(x, y)
    if not far.any():
        return
    remaining = far.copy()
    for fx, fy, fix in (
        (-x, y, "longitude has the wrong sign"),
        (x, -y, "latitude has the wrong sign"),
        (y, x, "longitude and latitude are swapped"),
        (-x, -y, "both coordinates have the wrong sign"),
    ):
        hit = remaining & inside(fx, fy)
        if hit.any():
            where = pd.Series(x).round(6).astype(str) + ", " + pd.Series(y).round(6).astype(str)
            to = pd.Series(fx).round(6).astype(str) + ", " + pd.Series(fy).round(6).astype(str)
            c.fail(
                hit,
                "geometry",
                "point (" + where + ") lies far from the rest of the data: " + fix,
                "use (" + to + ")",
            )
            remaining &= ~hit
    c.note(remaining, "geometry", "lies far from the rest of the data; check its coordinates")
