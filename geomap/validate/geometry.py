"""Geometry checks: missing, empty or wrong geometry, invalid polygons, bad coordinates.

Invalid polygons are repaired with ``make_valid`` (and noted); coordinates out of
range, with swapped axes or a flipped sign are rejected with the likely fix.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._parallel import chunked
from geomap.geo import note_valid
from geomap.model import LayerSpec
from geomap.validate.result import Collector

__all__ = ["LATITUDE_RANGE", "check_coordinates", "check_geometry", "reference_points"]

#: Polygons worked on in threads from this many (each takes far longer than a point).
MIN_CHUNKED_POLYGONS = 2_000

#: Minimum number of points before the "far from the rest" check runs.
_OUTLIER_MIN_ROWS = 20


def check_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec, c: Collector) -> np.ndarray:
    """Check and repair geometries; return the (possibly repaired) geometry array."""
    geoms = gdf.geometry.to_numpy().copy()
    missing = shapely.is_missing(geoms)
    # Rows whose coordinates the reader could not parse are already rejected for that.
    c.fail(missing & ~c.reject, "geometry", "geometry is missing")
    empty = ~missing & shapely.is_empty(geoms)
    c.fail(empty, "geometry", "geometry is empty")
    present = ~missing & ~empty
    _drop_z(geoms, present, c)
    if spec.geometry == "point":
        present &= _finite(geoms, present, c)
        _check_points(geoms, present, c)
    else:
        # A valid geometry has finite coordinates (GEOS checks them first), so only the
        # others need theirs read; the validity is the repair's too.
        valid = np.zeros(len(geoms), dtype=bool)
        valid[present] = chunked(shapely.is_valid, geoms[present], min_size=MIN_CHUNKED_POLYGONS)
        present &= _finite(geoms, present & ~valid, c)
        _check_polygons(geoms, present, valid, c)
        note_valid(geoms[valid])  # the analyses and the map repair these for free
    return geoms


def _drop_z(geoms: np.ndarray, present: np.ndarray, c: Collector) -> None:
    """Drop Z (height) and M values in place: the maps and measures are 2D."""
    has = present & (shapely.has_z(geoms) | shapely.has_m(geoms))
    if has.any():
        geoms[has] = shapely.force_2d(geoms[has])
        c.note(
            has, "geometry", "dropped the Z (height) or M values of its coordinates (maps are 2D)"
        )


def _finite(geoms: np.ndarray, rows: np.ndarray, c: Collector) -> np.ndarray:
    """Reject the ``rows`` with a NaN or infinite coordinate; return the mask of the others."""
    bad = np.zeros(len(geoms), dtype=bool)
    points = rows & (shapely.get_type_id(geoms) == 0)  # a point's bounds are its x and y
    bad[points] = ~np.isfinite(shapely.bounds(geoms[points])).all(axis=1)
    others = rows & ~points
    xy, index = shapely.get_coordinates(geoms[others], return_index=True)
    bad_part = ~np.isfinite(xy).all(axis=1)
    bad[np.flatnonzero(others)[np.unique(index[bad_part])]] = True
    c.fail(bad, "geometry", "a coordinate is not a finite number (NaN or infinity)")
    return ~bad


def _mostly(mask: np.ndarray, present: np.ndarray) -> bool:
    """Say whether most present geometries are in ``mask`` (e.g. polygons among incidents)."""
    return int(mask.sum()) * 2 > int(present.sum())


def _check_points(geoms: np.ndarray, present: np.ndarray, c: Collector) -> None:
    gtype = shapely.get_type_id(geoms)
    single_multi = present & (gtype == 4)
    single_multi[single_multi] = shapely.get_num_geometries(geoms[single_multi]) == 1
    if single_multi.any():
        geoms[single_multi] = shapely.get_geometry(geoms[single_multi], 0)
        c.note(single_multi, "geometry", "MultiPoint of one point read as a Point")
        gtype = shapely.get_type_id(geoms)
    wrong = present & (gtype != 0)
    if not wrong.any():
        return
    polygons = present & np.isin(gtype, (3, 6, 7))
    fix = "read the file as hazard areas (--kind hazards)" if _mostly(polygons, present) else ""
    c.fail(wrong, "geometry", lambda i: "expected a Point, got a " + _type_names(gtype[i]), fix)


def _check_polygons(
    geoms: np.ndarray, present: np.ndarray, valid: np.ndarray, c: Collector
) -> None:
    """Check polygons; ``valid`` says which geometries are valid (updated here)."""
    collection = present & (shapely.get_type_id(geoms) == 7)
    if collection.any():
        geoms[collection] = _polygonal(geoms[collection])
        valid[collection] = shapely.is_valid(geoms[collection])
        none_left = collection & shapely.is_empty(geoms)
        c.fail(none_left, "geometry", "a GeometryCollection with no polygon in it")
        c.note(collection & ~none_left, "geometry", "kept the polygons of a GeometryCollection")
        present = present & ~none_left
    gtype = shapely.get_type_id(geoms)
    wrong = present & ~np.isin(gtype, (3, 6))
    points = present & np.isin(gtype, (0, 4))
    fix = "read the file as incidents (--kind incidents)" if _mostly(points, present) else ""
    c.fail(
        wrong,
        "geometry",
        lambda i: "expected a Polygon or MultiPolygon, got a " + _type_names(gtype[i]),
        fix,
    )
    fixed = present & ~wrong & ~valid
    _repair(geoms, fixed, c)
    valid[fixed] = shapely.is_valid(geoms[fixed])  # make_valid's polygons, checked (a few)


def _repair(geoms: np.ndarray, invalid: np.ndarray, c: Collector) -> None:
    """Repair the ``invalid`` polygons with ``make_valid``; reject those with no area left."""
    if not invalid.any():
        return
    reasons = np.array([shapely.is_valid_reason(g) for g in geoms[invalid]], dtype=object)
    repaired = _polygonal(shapely.make_valid(geoms[invalid]))
    geoms[invalid] = repaired
    gone = np.zeros(len(geoms), dtype=bool)
    gone[np.flatnonzero(invalid)] = shapely.is_empty(repaired) | pd.isna(repaired)
    full_reason = np.full(len(geoms), "", dtype=object)
    full_reason[invalid] = reasons
    c.fail(gone, "geometry", "invalid polygon with no area left after repair: " + full_reason)
    c.note(invalid & ~gone, "geometry", "repaired invalid polygon (" + full_reason + ")")


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


def _type_names(gtype: np.ndarray) -> pd.Series:
    """Return the names of geometry type ids (e.g. ``"Polygon"`` for 3)."""
    return pd.Series(gtype).map(_TYPE_NAMES).astype(str)


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


#: Latitudes where geomap can measure (a UTM zone exists: 80°S to 84°N) and draw.
LATITUDE_RANGE = (-80.0, 84.0)


def check_coordinates(geoms: np.ndarray, c: Collector, reference: np.ndarray | None = None) -> None:
    """Flag coordinates out of range, with swapped axes, or far from the rest.

    ``reference`` (an ``(n, 2)`` array of longitudes and latitudes, e.g. the other
    layer's) joins the rows in saying where the data lie when the layer has few rows.
    """
    ok = ~c.reject & ~shapely.is_missing(geoms)
    if not ok.any():
        return
    bounds = shapely.bounds(geoms)
    bounds[~ok] = np.nan
    minx, miny, maxx, maxy = bounds.T
    with np.errstate(invalid="ignore"):
        lon_bad = ok & ((minx < -180) | (maxx > 180))
        lat_bad = ok & ((miny < -90) | (maxy > 90))
    out = lon_bad | lat_bad
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if out.any():
        where = _pairs(cx, cy, ", ")
        swappable = (
            out
            & (np.abs(minx) <= 90)
            & (np.abs(maxx) <= 90)
            & (np.abs(miny) <= 180)
            & (np.abs(maxy) <= 180)
        )
        c.fail(
            out & swappable,
            "geometry",
            lambda i: (
                "coordinates (" + where(i) + ") are out of range: latitude beyond ±90; "
                "axes look swapped"
            ),
            "swap longitude and latitude",
        )
        c.fail(
            out & ~swappable,
            "geometry",
            lambda i: (
                "coordinates (" + where(i) + ") are out of range (longitude ±180, latitude ±90)"
            ),
        )
    _check_reach(bounds, ok & ~out, c)
    _check_outliers(bounds, c, reference)


def _pairs(a: np.ndarray, b: np.ndarray, sep: str) -> Callable[[np.ndarray], pd.Series]:
    """``"a<sep>b"`` (rounded to 6 decimals) for the rows at the positions given."""
    return lambda i: (
        pd.Series(a[i]).round(6).astype(str) + sep + pd.Series(b[i]).round(6).astype(str)
    )


def _check_reach(bounds: np.ndarray, ok: np.ndarray, c: Collector) -> None:
    """Reject geometries near the poles or across the antimeridian: neither drawn nor measured."""
    minx, miny, maxx, maxy = bounds.T
    lo, hi = LATITUDE_RANGE
    with np.errstate(invalid="ignore"):
        polar = ok & ((miny < lo) | (maxy > hi))
        across = ok & ~polar & (maxx - minx > 180)
    lats, lons = _pairs(miny, maxy, " to "), _pairs(minx, maxx, " to ")
    c.fail(
        polar,
        "geometry",
        lambda i: (
            "latitude (" + lats(i) + f") is beyond {-lo:g}°S or {hi:g}°N, where geomap "
            "can neither measure (no UTM zone) nor draw it on a web map"
        ),
    )
    c.fail(
        across,
        "geometry",
        lambda i: (
            "spans longitudes " + lons(i) + ": it crosses the antimeridian (±180°), and "
            "would be drawn as a band round the globe"
        ),
        "split it at ±180° into separate areas, or shift it to one side (longitudes 0..360 "
        "are not supported)",
    )


def _outlier_box(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Return the box where the data lie: their middle, widened 1.5 times its size each side.

    With 20 points or more, the middle 80%; with fewer, the middle after dropping a
    quarter at each end (at least one): robust to a few bad points, loose enough for
    a country's whole extent. The box is at least 1° (2° with few points) wider each side.
    """
    n = len(x)
    if n >= _OUTLIER_MIN_ROWS:
        q, least = [10.0, 90.0], 1.0
    else:
        k = max(1, (n - 1) // 4)
        q, least = [100.0 * k / (n - 1), 100.0 * (n - 1 - k) / (n - 1)], 2.0
    lo_x, hi_x = np.percentile(x, q)
    lo_y, hi_y = np.percentile(y, q)
    pad_x = max((hi_x - lo_x) * 1.5, least)
    pad_y = max((hi_y - lo_y) * 1.5, least)
    return (lo_x - pad_x, lo_y - pad_y, hi_x + pad_x, hi_y + pad_y)


def _check_outliers(bounds: np.ndarray, c: Collector, reference: np.ndarray | None) -> None:
    """Reject points far from the rest that a sign flip or an axis swap would bring home.

    The rest is the layer's other rows; with fewer than 20, the ``reference`` points
    join them. With fewer than three points in all there is nothing to compare.
    """
    ok = ~c.reject & ~np.isnan(bounds[:, 0])
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    px, py = x[ok], y[ok]
    if ok.sum() < _OUTLIER_MIN_ROWS and reference is not None and len(reference):
        px, py = np.concatenate([px, reference[:, 0]]), np.concatenate([py, reference[:, 1]])
    if len(px) < 3:
        return
    box = _outlier_box(px, py)

    def inside(qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
        return (qx >= box[0]) & (qx <= box[2]) & (qy >= box[1]) & (qy <= box[3])

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
            _fail_far(c, hit, _pairs(x, y, ", "), _pairs(fx, fy, ", "), fix)
            remaining &= ~hit
    c.note(remaining, "geometry", "lies far from the rest of the data; check its coordinates")


def _fail_far(
    c: Collector,
    hit: np.ndarray,
    where: Callable[[np.ndarray], pd.Series],
    to: Callable[[np.ndarray], pd.Series],
    fix: str,
) -> None:
    """Reject the points far from the rest that ``fix`` brings home (texts for those only)."""
    c.fail(
        hit,
        "geometry",
        lambda i: "point (" + where(i) + ") lies far from the rest of the data: " + fix,
        lambda i: "use (" + to(i) + ")",
    )


def reference_points(geoms: np.ndarray) -> np.ndarray:
    """Return the middles of the geometries usable as a reference: ``(n, 2)`` lon/lat.

    Missing, empty and non-finite geometries and those out of range are left out.
    """
    geoms = np.asarray(geoms, dtype=object)
    geoms = geoms[~pd.isna(geoms)]
    geoms = geoms[~shapely.is_empty(geoms)]
    if not len(geoms):
        return np.zeros((0, 2))
    b = shapely.bounds(geoms)
    xy = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    with np.errstate(invalid="ignore"):
        good = np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
    return xy[good]
