"""Link each incident to the hazard area it lies in, or the nearest one within a distance.

Distances are measured in the data's UTM zone (:func:`geomap.geo.metric_crs`).
:func:`link_incidents` also takes a ``dask_geopandas.GeoDataFrame`` of incidents,
linked partition by partition (hazard areas are gathered into memory).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geomap.analysis._common import Layer
from geomap.analysis._common import _dask_layer
from geomap.analysis._common import _frame
from geomap.analysis._common import _ids
from geomap.analysis._common import _is_dask
from geomap.geo import metric_crs
from geomap.geo import project
from geomap.geo import project_xy
from geomap.geo import usable
from geomap.model import DISPLAY_CRS

__all__ = ["LINK_CODES", "link_incidents"]

log = logging.getLogger(__name__)

#: Values of the ``link`` column written by :func:`link_incidents`.
LINK_CODES = ("inside", "nearby", "unlinked")


@dataclass(frozen=True)
class _Hazards:
    """What linking needs from the hazard layer, in arrays (cheap to send to dask workers)."""

    geoms: np.ndarray  # EPSG:4326
    metric: np.ndarray  # in ``crs``
    ids: np.ndarray
    area: np.ndarray
    crs: CRS | None

    @classmethod
    def of(cls, hazards: gpd.GeoDataFrame) -> _Hazards:
        geoms = hazards.geometry.to_numpy()
        keep = usable(geoms)
        geoms, ids = geoms[keep], _ids(hazards)[keep]
        if not len(geoms):
            empty = np.array([], dtype=object)
            return cls(empty, empty, empty, np.array([], dtype=float), None)
        crs = metric_crs(gpd.GeoDataFrame(geometry=geoms, crs=DISPLAY_CRS))
        metric = project(geoms, crs)
        return cls(geoms, metric, ids, shapely.area(metric), crs)


def _link_arrays(
    points: np.ndarray, haz: _Hazards, max_distance_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (hazard position or -1, link code index, distance m) for each point."""
    n = len(points)
    pos = np.full(n, -1, dtype=np.int64)
    code = np.full(n, 2, dtype=np.int8)
    dist = np.full(n, np.nan)
    ok = usable(points)
    if not n or not len(haz.geoms) or not ok.any():
        return pos, code, dist
    # Inside: the hazard polygons (prepared, as query input) against a tree of points.
    tree = shapely.STRtree(points)
    h, p = tree.query(haz.geoms, predicate="covers")
    if len(p):
        # Several overlapping areas: the smallest (most specific), then the first.
        order = np.lexsort((h, haz.area[h], p))
        h, p = h[order], p[order]
        first = np.r_[True, p[1:] != p[:-1]]
        pos[p[first]] = h[first]
        code[p[first]] = 0
        dist[p[first]] = 0.0
    if max_distance_m <= 0:
        return pos, code, dist
    rest = np.flatnonzero(ok & (code == 2))
    if not len(rest):
        return pos, code, dist
    hit, target, metres = _nearest_within(points[rest], haz, float(max_distance_m))
    idx = rest[hit]
    pos[idx] = target
    code[idx] = 1
    dist[idx] = metres
    return pos, code, dist


def _nearest_within(
    points: np.ndarray, haz: _Hazards, d: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (point position, hazard position, metres) of the points within ``d`` of an area.

    Each point gets its nearest area (ties go to the first in layer order).
    """
    assert haz.crs is not None
    x, y = project_xy(points, haz.crs)
    bnd = shapely.bounds(haz.metric)
    # Candidates: hazard envelopes grown by d (few boxes) against a tree of the points.
    pts = shapely.points(x, y)
    grown = shapely.box(bnd[:, 0] - d, bnd[:, 1] - d, bnd[:, 2] + d, bnd[:, 3] + d)
    b, a = shapely.STRtree(pts).query(grown)
    # Group by point; within a point, hazards stay in layer order (ties go to the first).
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    # Envelope distance is a lower bound of the true distance: compute true distances
    # for the closest envelope of each point, then only where an envelope could beat it.
    dx = np.maximum(np.maximum(bnd[b, 0] - x[a], x[a] - bnd[b, 2]), 0.0)
    dy = np.maximum(np.maximum(bnd[b, 1] - y[a], y[a] - bnd[b, 3]), 0.0)
    env = np.hypot(dx, dy)
    near = env <= d
    a, b, env = a[near], b[near], env[near]
    if not len(a):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    new = np.r_[True, a[1:] != a[:-1]]
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1

    def first_where(mask: np.ndarray) -> np.ndarray:
        """Position of the first pair of each point where ``mask`` holds."""
        idx = np.flatnonzero(mask)
        return idx[np.r_[True, group[idx][1:] != group[idx][:-1]]] if len(idx) else idx

    true = np.full(len(a), np.inf)
    firsts = first_where(env == np.minimum.reduceat(env, starts)[group])
    true[firsts] = shapely.distance(pts[a[firsts]], haz.metric[b[firsts]])
    best = np.full(len(starts), np.inf)
    best[group[firsts]] = true[firsts]
    more = np.isinf(true) & (env <= best[group])
    true[more] = shapely.distance(pts[a[more]], haz.metric[b[more]])
    winners = first_where(true == np.minimum.reduceat(true, starts)[group])
    hit = winners[true[winners] <= d]
    return a[hit], b[hit], true[hit]


def _link_frame(
    incidents: gpd.GeoDataFrame, haz: _Hazards, max_distance_m: float
) -> gpd.GeoDataFrame:
    """One partition (or the whole layer) with its link columns added."""
    pos, code, dist = _link_arrays(incidents.geometry.to_numpy(), haz, max_distance_m)
    out = incidents.copy()
    ids = np.full(len(pos), None, dtype=object)
    ids[pos >= 0] = haz.ids[pos[pos >= 0]]
    out["hazard_id"] = pd.Series(ids, index=out.index, dtype=object)
    out["link"] = pd.Categorical.from_codes(code, dtype=pd.CategoricalDtype(list(LINK_CODES)))
    out["distance_m"] = np.round(dist, 1)
    return out


def link_incidents(
    incidents: Layer | Any,
    hazards: Layer,
    *,
    max_distance_m: float = 500.0,
) -> gpd.GeoDataFrame | Any:
    """Link each incident to the hazard area it lies in, or the nearest one within a distance.

    Parameters
    ----------
    incidents : GeoDataFrame, ValidationResult or dask_geopandas.GeoDataFrame
        Incident points. A dask GeoDataFrame is linked partition by partition.
    hazards : GeoDataFrame or ValidationResult
        Hazard-area polygons (every status: an accident in a cleared area is worth
        knowing about; filter the layer first to link to active areas only).
    max_distance_m : float, default 500
        An incident outside every area is linked to the nearest area within this
        distance (metres, measured in the data's UTM zone). 0 links only incidents
        inside an area.

    Returns
    -------
    geopandas.GeoDataFrame or dask_geopandas.GeoDataFrame
        A copy of the incidents (same index, same type as given) with three columns:

        ``hazard_id``
            ``id`` of the linked area (the row index where hazards have no ``id``),
            missing when unlinked. Inside several overlapping areas, the smallest.
        ``link``
            ``"inside"`` (in or on the edge of an area), ``"nearby"`` (outside, within
            ``max_distance_m``) or ``"unlinked"`` (also: no geometry).
        ``distance_m``
            Metres to the linked area: 0 inside, missing when unlinked.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> haz = gpd.GeoDataFrame({"id": ["H1"]}, geometry=[box(46.9, 39.9, 46.91, 39.91)],
    ...                        crs=4326)
    >>> inc = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, crs=4326, geometry=[
    ...     Point(46.905, 39.905), Point(46.912, 39.905), Point(47.5, 39.5)])
    >>> link_incidents(inc, haz)[["id", "hazard_id", "link", "distance_m"]]
      id hazard_id      link  distance_m
    0  a        H1    inside         0.0
    1  b        H1    nearby       171.0
    2  c      None  unlinked         NaN
    """
    if max_distance_m < 0 or not math.isfinite(max_distance_m):
        raise ValueError(f"`max_distance_m` was {max_distance_m!r} but must be a number ≥ 0")
    haz = _Hazards.of(_frame(hazards, "hazards"))
    if _is_dask(incidents):
        ddf = _dask_layer(incidents, "incidents")
        meta = _link_frame(ddf._meta, haz, max_distance_m)
        return ddf.map_partitions(_link_frame, haz, max_distance_m, meta=meta)
    inc = _frame(incidents, "incidents")
    out = _link_frame(inc, haz, max_distance_m)
    counts = out["link"].value_counts()
    log.info(
        "linked %d incidents to %d hazard areas: %d inside, %d within %g m, %d unlinked",
        len(out),
        len(haz.geoms),
        counts.get("inside", 0),
        counts.get("nearby", 0),
        max_distance_m,
        counts.get("unlinked", 0),
    )
    return out
