"""Analysis: link incidents to hazard areas, measure, trend, aggregate and prioritise.

The stage between validation and rendering. Every function takes layers as
GeoDataFrames (or the :class:`~geomap.ValidationResult` that validation returns),
never changes them, and returns new tables:

* :func:`link_incidents` ties each incident to the hazard area it lies in, or the
  nearest one within a distance, and marks the rest ``unlinked``;
  :func:`propose_hazard_areas` clusters the unlinked ones into proposed suspected
  hazard areas, with the evidence for each.
* :func:`area_summary` gives contaminated and released km² per class, status or
  district, dissolving overlaps so that no square metre counts twice.
* :func:`release_trend` and :func:`casualty_trend` give per-month or per-year
  series with cumulative columns; :func:`timeline` packs them for a time slider.
* :func:`district_summary` aggregates incidents, casualties and hazard km² per
  district polygon, joined on geometry (never on names).
* :func:`prioritise` scores active hazard areas by what they threaten.
* :func:`check_quality` flags suspect geometries and dates, as GICHD's geocheck
  does for IMSMA.

Areas are measured in an equal-area projection centred on the data
(:func:`geomap.geo.equal_area_crs`) and distances in the data's UTM zone
(:func:`geomap.geo.metric_crs`); results are in km² and metres.

Scale: joins use shapely's STRtree on whole arrays. :func:`link_incidents` and
:func:`district_summary` also accept a ``dask_geopandas.GeoDataFrame`` of
incidents (``pip install 'geomap[dask]'``): incidents stay partitioned, hazard
areas and districts (thousands, not millions) are gathered into memory, and the
numbers are the same as in memory.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geomap._errors import GeomapError, ValidationError
from geomap.geo import equal_area_crs, metric_crs, project, project_xy, repair, usable
from geomap.model import DISPLAY_CRS, RELEASED_STATUSES, VICTIM_CATEGORY
from geomap.validate import ValidationResult, as_layer

__all__ = [
    "DEFAULT_WEIGHTS",
    "LINK_CODES",
    "area_over_time",
    "area_summary",
    "casualty_trend",
    "check_quality",
    "district_summary",
    "link_incidents",
    "prioritise",
    "propose_hazard_areas",
    "release_trend",
    "timeline",
]

log = logging.getLogger(__name__)

#: Values of the ``link`` column written by :func:`link_incidents`.
LINK_CODES = ("inside", "nearby", "unlinked")

#: Default weights of :func:`prioritise`'s score. Each factor is scaled to 0–1
#: (1 = most urgent); the score is their weighted mean, times 100.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "casualties": 0.30,
    "town_distance": 0.25,
    "road_distance": 0.20,
    "towns_within": 0.15,
    "area": 0.10,
}

_FREQS = {"M": "month", "Y": "year"}
_DISTRICT_ID_FIELDS = ("district_id", "shapeID", "id", "ID", "code", "pcode", "ADM2_PCODE")
_DISTRICT_NAME_FIELDS = ("name", "shapeName", "NAME", "district", "ADM2_EN", "NAME_2")
_OUTSIDE_ID = "outside"
_OUTSIDE_NAME = "(outside every district)"

Layer: TypeAlias = ValidationResult | gpd.GeoDataFrame


# --------------------------------------------------------------------------- helpers


def _is_dask(obj: object) -> bool:
    """Say whether ``obj`` is a dask(-geopandas) collection, without importing dask."""
    return type(obj).__module__.split(".")[0] in {"dask_geopandas", "dask", "dask_expr"}


def _require_dask() -> Any:
    """Import dask_geopandas, or say exactly how to install it."""
    try:
        import dask_geopandas
    except ImportError:
        raise GeomapError(
            "dask-geopandas is needed to analyse partitioned data; install it with "
            "pip install 'geomap[dask]' (or: pip install dask-geopandas distributed)"
        ) from None
    return dask_geopandas


def _dask_layer(ddf: Any, what: str) -> Any:
    """Return a dask GeoDataFrame in EPSG:4326 (lazily reprojected if need be)."""
    _require_dask()
    if ddf.crs is None:
        raise GeomapError(f"{what}: the layer has no CRS; set one (e.g. ddf.set_crs(4326))")
    if not CRS.from_user_input(ddf.crs).equals(DISPLAY_CRS):
        ddf = ddf.to_crs(DISPLAY_CRS)
    return ddf


def _frame(data: object, what: str, required: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return the layer as a GeoDataFrame in EPSG:4326, with its ``required`` columns."""
    gdf = data.kept if isinstance(data, ValidationResult) else data
    if _is_dask(gdf):
        gdf = gdf.compute()  # type: ignore[union-attr]
    gdf = as_layer(gdf, what)
    _require_columns(gdf, what, required)
    return gdf


def _require_columns(df: pd.DataFrame, what: str, required: Sequence[str]) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        have = [str(c) for c in df.columns if c != getattr(df, "_geometry_column_name", None)]
        raise ValidationError(
            f"{what}: no column {', '.join(repr(m) for m in missing)}; the layer has {have}"
        )


def _ids(gdf: pd.DataFrame, field: str = "id") -> np.ndarray:
    """Row ids as text: the ``id`` column where there is one, else the index."""
    if field in gdf.columns:
        col = gdf[field]
        return np.array([None if pd.isna(v) else str(v) for v in col], dtype=object)
    return np.array([str(v) for v in gdf.index], dtype=object)


def _counts(values: pd.Series) -> np.ndarray:
    """Casualty counts as float, missing as 0."""
    return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy(dtype=float)


def _periods(dates: pd.Series, freq: str) -> pd.Series:
    if freq not in _FREQS:
        raise ValueError(f"`freq` was {freq!r} but is expected to be in {list(_FREQS)}")
    return pd.to_datetime(dates, errors="coerce").dt.to_period(freq)


def _as_timestamp(value: object, what: str) -> pd.Timestamp:
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    if pd.isna(ts):
        raise ValueError(f"`{what}` was {value!r} but is expected to be a date")
    return ts


def _status(hazards: pd.DataFrame) -> pd.Series:
    return hazards["status"].astype(object).where(hazards["status"].notna(), None)


def _contamination(status: pd.Series) -> pd.Series:
    """'contaminated' for active areas, 'released' for released ones, else 'unknown'."""
    out = pd.Series("unknown", index=status.index, dtype=object)
    out[status == "active"] = "contaminated"
    out[status.isin(RELEASED_STATUSES)] = "released"
    return out


def _dissolve(geoms: np.ndarray) -> np.ndarray:
    """Return pieces covering the same land as ``geoms`` with no overlap between them.

    Polygons that touch or overlap no other are kept as they are; the others are
    unioned and split into parts. Vectorised: only the overlapping minority is unioned.
    """
    geoms = geoms[usable(geoms)]
    if len(geoms) < 2:
        return geoms
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    other = a != b
    involved = np.zeros(len(geoms), dtype=bool)
    involved[a[other]] = True
    if not involved.any():
        return geoms
    # Overlapping polygons form small clusters far apart: GEOS unions each on its own.
    union = getattr(shapely, "disjoint_subset_union_all", shapely.union_all)  # shapely ≥ 2.1
    merged = shapely.get_parts(union(geoms[involved]))
    return np.concatenate([geoms[~involved], merged])


def _first_wins_area(geoms: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Area of each polygon not already covered by polygons earlier in ``order``.

    The areas add up to the area of the union, so a square metre released twice
    counts once, at its first release.
    """
    areas = shapely.area(geoms)
    if len(geoms) < 2:
        return areas
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    earlier = rank[b] < rank[a]
    a, b = a[earlier], b[earlier]
    if not len(a):
        return areas
    out = areas.copy()
    for i in np.unique(a):
        prior = shapely.union_all(geoms[b[a == i]])
        out[i] = shapely.area(shapely.difference(geoms[i], prior))
    return out


def _area_by_zone(pieces: np.ndarray, zones: np.ndarray) -> tuple[np.ndarray, float]:
    """Split the area of non-overlapping ``pieces`` by ``zones``; return (per zone, outside).

    Pieces wholly inside a zone count whole; the rest are cut by intersection.
    """
    per_zone = np.zeros(len(zones))
    total = float(shapely.area(pieces).sum()) if len(pieces) else 0.0
    if not len(pieces) or not len(zones):
        return per_zone, total
    tree = shapely.STRtree(pieces)
    z, p = tree.query(zones, predicate="intersects")
    inside = shapely.covers(zones[z], pieces[p])
    area = np.where(inside, shapely.area(pieces[p]), 0.0)
    cut = ~inside
    if cut.any():
        area[cut] = shapely.area(shapely.intersection(zones[z[cut]], pieces[p[cut]]))
    np.add.at(per_zone, z, area)
    return per_zone, max(total - float(per_zone.sum()), 0.0)


# --------------------------------------------------------------------------- linking


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
    assert haz.crs is not None
    x, y = project_xy(points[rest], haz.crs)
    d = float(max_distance_m)
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
        return pos, code, dist
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
    idx = rest[a[hit]]
    pos[idx] = b[hit]
    code[idx] = 1
    dist[idx] = true[hit]
    return pos, code, dist


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


def _joined(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(str(v) for v in values if not pd.isna(v)))


def propose_hazard_areas(
    linked: gpd.GeoDataFrame | Any,
    *,
    eps_m: float = 1000.0,
    min_incidents: int = 2,
    buffer_m: float = 250.0,
) -> gpd.GeoDataFrame:
    """Cluster unlinked incidents into proposed suspected hazard areas, with their evidence.

    Incidents with ``link == "unlinked"`` are clustered with DBSCAN in the data's
    UTM zone: incidents within ``eps_m`` of each other chain into one cluster.
    Each cluster becomes the convex hull of its incidents buffered by ``buffer_m``,
    so every clustered incident lies inside its proposal.

    An unlinked incident with fewer than ``min_incidents - 1`` neighbours (a lone
    accident) is **not** proposed: one point gives no extent and is weak, indirect
    evidence. It stays ``unlinked`` in the links table. Pass ``min_incidents=1``
    to propose an area (a ``buffer_m`` circle) around every lone incident too.

    Parameters
    ----------
    linked : GeoDataFrame
        Output of :func:`link_incidents` (a dask one is computed: unlinked rows are few).
    eps_m : float, default 1000
        DBSCAN's neighbourhood radius, in metres.
    min_incidents : int, default 2
        DBSCAN's ``min_samples``: incidents (itself included) within ``eps_m`` that
        make an incident the core of a cluster.
    buffer_m : float, default 250
        Margin around the cluster's hull, in metres (> 0 so that the area covers
        its incidents).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per cluster (EPSG:4326), ordered by first date: ``id``
        (``PSHA-001``…), ``n_incidents``, ``incident_ids`` (comma-separated),
        ``killed``, ``injured``, ``casualties``, ``first_date``, ``last_date``,
        ``victim_categories``, ``device_categories``, ``area_km2``.

    Raises
    ------
    ValidationError
        ``linked`` has no ``link`` column (run :func:`link_incidents` first).

    Notes
    -----
    Needs scikit-learn (``pip install 'geomap[analysis]'``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> inc = gpd.GeoDataFrame({"id": ["a", "b", "c"], "link": ["unlinked"] * 3,
    ...                         "killed": [1, 0, 0], "injured": [0, 2, 1]}, crs=4326,
    ...                        geometry=[Point(46.9, 39.9), Point(46.905, 39.9), Point(47.5, 39.5)])
    >>> areas = propose_hazard_areas(inc, eps_m=1000)
    >>> areas[["id", "n_incidents", "incident_ids", "casualties"]]
             id  n_incidents incident_ids  casualties
    0  PSHA-001            2         a, b           3
    """
    if eps_m <= 0 or buffer_m <= 0:
        raise ValueError(f"`eps_m` ({eps_m!r}) and `buffer_m` ({buffer_m!r}) must be > 0")
    if int(min_incidents) != min_incidents or min_incidents < 1:
        raise ValueError(f"`min_incidents` was {min_incidents!r} but must be a whole number ≥ 1")
    if _is_dask(linked):
        if "link" not in linked.columns:
            _require_columns(linked._meta, "incidents", ["link"])
        linked = linked[linked["link"] == "unlinked"].compute()
    inc = _frame(linked, "incidents", ["link"])
    un = inc[(inc["link"] == "unlinked").to_numpy() & usable(inc.geometry.to_numpy())]
    columns = [
        "id",
        "n_incidents",
        "incident_ids",
        "killed",
        "injured",
        "casualties",
        "first_date",
        "last_date",
        "victim_categories",
        "device_categories",
        "area_km2",
    ]
    if un.empty:
        log.info("no unlinked incidents: no suspected hazard areas proposed")
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in columns}, geometry=[], crs=DISPLAY_CRS
        )
    try:
        from sklearn.cluster import DBSCAN
    except ImportError:
        raise GeomapError(
            "scikit-learn is needed to cluster incidents; install it with "
            "pip install 'geomap[analysis]' (or: pip install scikit-learn)"
        ) from None
    crs = metric_crs(un)
    x, y = project_xy(un.geometry.to_numpy(), crs)
    labels = DBSCAN(eps=float(eps_m), min_samples=int(min_incidents)).fit(np.column_stack([x, y]))
    lab = labels.labels_
    sel = lab >= 0
    if not sel.any():
        log.info("%d unlinked incidents, none in a cluster: no areas proposed", len(un))
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in columns}, geometry=[], crs=DISPLAY_CRS
        )
    members = un[sel]
    cl = lab[sel]
    by_cluster = np.argsort(cl, kind="stable")
    xy = np.column_stack([x[sel], y[sel]])[by_cluster]
    hull = shapely.convex_hull(shapely.multipoints(xy, indices=cl[by_cluster]))
    shapes = shapely.buffer(hull, float(buffer_m), quad_segs=8)
    dates = (
        pd.to_datetime(members["date"], errors="coerce")
        if "date" in members
        else pd.Series(pd.NaT, index=members.index)
    )
    frame = pd.DataFrame(
        {
            "cluster": cl,
            "incident_id": _ids(members),
            "killed": _counts(members["killed"]) if "killed" in members else 0.0,
            "injured": _counts(members["injured"]) if "injured" in members else 0.0,
            "date": dates.to_numpy(),
            "victim": members["victim_category"].astype(object).to_numpy()
            if "victim_category" in members
            else None,
            "device": members["device_category"].astype(object).to_numpy()
            if "device_category" in members
            else None,
        }
    ).sort_values(["cluster", "date", "incident_id"], na_position="last", kind="stable")
    g = frame.groupby("cluster", sort=True)
    table = pd.DataFrame(
        {
            "n_incidents": g.size(),
            "incident_ids": g["incident_id"].agg(_joined),
            "killed": g["killed"].sum().astype(int),
            "injured": g["injured"].sum().astype(int),
            "first_date": g["date"].min(),
            "last_date": g["date"].max(),
            "victim_categories": g["victim"].agg(_joined),
            "device_categories": g["device"].agg(_joined),
        }
    )
    table.insert(4, "casualties", table["killed"] + table["injured"])
    display = project(shapes[table.index.to_numpy()], DISPLAY_CRS, src=crs)
    ea = equal_area_crs(gpd.GeoDataFrame(geometry=display, crs=DISPLAY_CRS))
    table["area_km2"] = np.round(shapely.area(project(display, ea)) / 1e6, 4)
    out = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=display, crs=DISPLAY_CRS)
    out = out.sort_values(["first_date", "incident_ids"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "id", [f"PSHA-{i:03d}" for i in range(1, len(out) + 1)])
    log.info(
        "proposed %d suspected hazard areas from %d of %d unlinked incidents (eps %g m)",
        len(out),
        int(sel.sum()),
        len(un),
        eps_m,
    )
    return out


# --------------------------------------------------------------------------- areas


def area_summary(
    hazards: Layer,
    by: Sequence[str] = ("contamination", "hazard_class", "status"),
    *,
    total: bool = True,
) -> pd.DataFrame:
    """Hazard land in km² per group, with overlapping polygons dissolved.

    Within each group the polygons are unioned before measuring, so land covered
    by two overlapping records counts once. Areas are measured in an equal-area
    projection centred on the data (:func:`geomap.geo.equal_area_crs`); they
    agree with geodesic areas to well within 0.5 %.

    Parameters
    ----------
    hazards : GeoDataFrame or ValidationResult
        Hazard-area polygons.
    by : sequence of str, default ("contamination", "hazard_class", "status")
        Columns to group by. ``"contamination"`` is derived from ``status``:
        ``"contaminated"`` (active), ``"released"`` (cancelled, reduced, cleared,
        handed over) or ``"unknown"``. Any column of the layer (e.g. ``district``)
        may be used. An empty sequence gives the total only.
    total : bool, default True
        Append a row (group columns ``"all"``) with every polygon dissolved
        together: less than the sum of the groups where polygons of different
        groups overlap.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``n_areas``, ``area_km2`` (dissolved),
        ``recorded_km2`` (sum of each polygon's own area) and ``overlap_km2``
        (their difference: land recorded more than once).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> squares = [box(46.9, 39.9, 46.91, 39.91), box(46.905, 39.9, 46.915, 39.91)]
    >>> haz = gpd.GeoDataFrame({"status": ["active", "active"]}, geometry=squares, crs=4326)
    >>> area_summary(haz, by=["status"], total=False)
       status  n_areas  area_km2  recorded_km2  overlap_km2
    0  active        2    1.4242        1.8989       0.4747
    """
    by = list(by)
    derived = (
        "contamination" in by
        and "contamination"
        not in (hazards.kept if isinstance(hazards, ValidationResult) else hazards).columns
    )
    haz = _frame(hazards, "hazards", [c for c in by if c != "contamination" or not derived])
    if derived:
        _require_columns(haz, "hazards", ["status"])
    table = pd.DataFrame(index=haz.index)
    for col in by:
        if col == "contamination" and derived:
            table[col] = _contamination(_status(haz))
        else:
            table[col] = haz[col].astype(object).where(haz[col].notna(), "(missing)")
    geoms = repair(haz.geometry.to_numpy())
    ok = usable(geoms)
    if ok.any():
        ea = equal_area_crs(haz[ok])
        geoms = project(geoms, ea)  # missing and empty geometries stay so
    rows = []
    if by:
        for key, idx in table.groupby(by, sort=True).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            rows.append((*key, *_group_area(geoms[idx])))
    if total or not by:
        rows.append((*(["all"] * len(by)), *_group_area(geoms)))
    out = pd.DataFrame(rows, columns=[*by, "n_areas", "area_km2", "recorded_km2", "overlap_km2"])
    out["n_areas"] = out["n_areas"].astype(int)
    log.info("area summary by %s: %d groups", by, len(out))
    return out


def _group_area(geoms: np.ndarray) -> tuple[int, float, float, float]:
    geoms = geoms[usable(geoms)] if len(geoms) else geoms
    recorded = float(shapely.area(geoms).sum()) / 1e6 if len(geoms) else 0.0
    dissolved = float(shapely.area(_dissolve(geoms)).sum()) / 1e6 if len(geoms) else 0.0
    return len(geoms), round(dissolved, 4), round(recorded, 4), round(recorded - dissolved, 4)


# --------------------------------------------------------------------------- trends


def _period_frame(periods: pd.PeriodIndex) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": periods.astype(str), "start": periods.start_time}, index=periods
    ).rename_axis(None)


def area_over_time(
    hazards: Layer, ends: Sequence[object], *, dissolve: bool = True
) -> pd.DataFrame:
    """Active and released km² at each of several dates, overlaps dissolved.

    At a date, an area counts once it is recorded (``date_recorded`` on or before
    it, or undated) and counts as released once its release is (a released
    ``status`` with ``status_date`` on or before it, or undated); until then it is
    active. Land covered by several polygons counts once: active land is the area of
    the union of the polygons active at that date (as :func:`area_summary` dissolves
    them), and recorded and released land the areas of their unions, computed from
    each polygon's part not covered by an earlier one.

    Parameters
    ----------
    hazards : GeoDataFrame or ValidationResult
        Hazard areas with ``status`` (and ideally ``date_recorded``, ``status_date``).
    ends : sequence of dates
        The dates to measure at, e.g. month ends.
    dissolve : bool, default True
        Count overlapping land once (exact; costs a union per change of the active
        or released set). With False, each polygon's own area is summed: fast, but
        overlaps count for each polygon.

    Returns
    -------
    pandas.DataFrame
        ``end``, ``recorded_km2``, ``active_km2``, ``released_km2``, one row per date.

    Examples
    --------
    >>> area_over_time(hazards, ["2021-12-31", "2022-12-31"])  # doctest: +SKIP
    """
    haz = _frame(hazards, "hazards", ["status"])
    when = pd.to_datetime(pd.Series(list(ends), dtype=object)).to_numpy(dtype="datetime64[ns]")
    geoms = repair(haz.geometry.to_numpy())
    ok = usable(geoms)
    haz, geoms = haz[ok], geoms[ok]
    if len(haz) == 0:
        zero = np.zeros(len(when))
        return pd.DataFrame(
            {"end": when, "recorded_km2": zero, "active_km2": zero, "released_km2": zero}
        )
    ea = equal_area_crs(haz)
    geoms = project(geoms, ea)
    nat = np.datetime64("NaT", "ns")

    def dates(field: str) -> np.ndarray:
        if field not in haz.columns:
            return np.full(len(haz), nat, dtype="datetime64[ns]")
        return pd.to_datetime(haz[field]).to_numpy(dtype="datetime64[ns]")

    t0, t1 = dates("date_recorded"), dates("status_date")
    released = _status(haz).isin(RELEASED_STATUSES).to_numpy()
    rel_idx = np.flatnonzero(released)
    t1r = t1[rel_idx]
    new0 = new1 = np.zeros(0)
    if dissolve:
        # Undated first: they count at every date.
        first = np.datetime64("1677-09-22", "ns")
        order0 = np.argsort(np.where(np.isnat(t0), first, t0), kind="stable")
        new0 = _first_wins_area(geoms, order0)
        order1 = np.argsort(np.where(np.isnat(t1r), first, t1r), kind="stable")
        new1 = _first_wins_area(geoms[rel_idx], order1)
    own = shapely.area(geoms)
    rec, rel, act = [], [], []
    last_key: bytes | None = None
    last_active = 0.0
    for end in when:
        recorded = np.isnat(t0) | (t0 <= end)
        gone = np.zeros(len(haz), dtype=bool)
        gone[rel_idx] = np.isnat(t1r) | (t1r <= end)
        active = recorded & ~gone
        if not dissolve:
            rec.append(float(own[recorded].sum()) / 1e6)
            rel.append(float(own[gone].sum()) / 1e6)
            act.append(float(own[active].sum()) / 1e6)
            continue
        key = np.packbits(active).tobytes()
        if key != last_key:  # the active set changes only in some periods
            last_active = float(shapely.area(_dissolve(geoms[active])).sum()) / 1e6
            last_key = key
        rec.append(float(new0[recorded].sum()) / 1e6)
        rel.append(float(new1[gone[rel_idx]].sum()) / 1e6)
        act.append(last_active)
    return pd.DataFrame(
        {
            "end": when,
            "recorded_km2": np.round(rec, 4),
            "active_km2": np.round(act, 4),
            "released_km2": np.round(rel, 4),
        }
    )


def release_trend(
    hazards: Layer,
    freq: str = "M",
    *,
    date_field: str = "status_date",
) -> pd.DataFrame:
    """Land released per month or year (km²), by outcome, with cumulative columns.

    A released area counts in the period of its ``status_date`` under its status
    (cancelled, reduced, cleared, handed over). Where released polygons overlap,
    a square metre counts once, at its first release, so ``released_cum`` ends at
    the dissolved released area of :func:`area_summary`. Released areas without a
    date are left out (and logged).

    Parameters
    ----------
    hazards : GeoDataFrame or ValidationResult
        Hazard areas with ``status`` and a date column.
    freq : {"M", "Y"}, default "M"
        Per month or per year. Every period from the first to the last is listed.
    date_field : str, default "status_date"
        The date of release.

    Returns
    -------
    pandas.DataFrame
        ``period`` (``"2021-03"`` or ``"2021"``), ``start`` (its first day), a
        column per released status, ``released`` (their sum), and ``<column>_cum``
        running totals of each.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> haz = gpd.GeoDataFrame(
    ...     {"status": ["cleared", "cancelled"], "status_date": ["2021-01-05", "2021-03-01"]},
    ...     geometry=[box(46.9, 39.9, 46.91, 39.91), box(47.0, 39.9, 47.01, 39.91)], crs=4326)
    >>> release_trend(haz)[["period", "cleared", "cancelled", "released_cum"]]
        period  cleared  cancelled  released_cum
    0  2021-01   0.9495     0.0000        0.9495
    1  2021-02   0.0000     0.0000        0.9495
    2  2021-03   0.0000     0.9495        1.8989
    """
    haz = _frame(hazards, "hazards", ["status", date_field])
    periods = _periods(haz[date_field], freq)
    status = _status(haz)
    released = status.isin(RELEASED_STATUSES).to_numpy()
    geoms = repair(haz.geometry.to_numpy())
    keep = released & periods.notna().to_numpy() & usable(geoms)
    undated = released & periods.isna().to_numpy()
    if undated.any():
        log.warning(
            "%d released hazard areas have no %s; left out of the trend", undated.sum(), date_field
        )
    cols = list(RELEASED_STATUSES)
    if not keep.any():
        out = pd.DataFrame(columns=["period", "start", *cols, "released"])
        for c in [*cols, "released"]:
            out[f"{c}_cum"] = pd.Series(dtype=float)
        return out
    sub_geoms = project(geoms[keep], equal_area_crs(haz[keep]))
    dates = pd.to_datetime(haz[date_field], errors="coerce").to_numpy()[keep]
    order = np.lexsort((np.arange(len(dates)), dates))
    km2 = _first_wins_area(sub_geoms, order) / 1e6
    frame = pd.DataFrame({"period": periods[keep].to_numpy(), "status": status[keep].to_numpy()})
    frame["km2"] = km2
    pivot = frame.pivot_table(
        index="period", columns="status", values="km2", aggfunc="sum", fill_value=0.0
    )
    full = pd.period_range(pivot.index.min(), pivot.index.max(), freq=freq)
    pivot = pivot.reindex(full, fill_value=0.0).reindex(columns=cols, fill_value=0.0)
    out = _period_frame(full)
    for c in cols:
        out[c] = pivot[c].to_numpy()
    out["released"] = out[cols].sum(axis=1)
    for c in [*cols, "released"]:
        out[f"{c}_cum"] = out[c].cumsum()
    num = [c for c in out.columns if c not in ("period", "start")]
    out[num] = out[num].round(4)
    return out.reset_index(drop=True)


def casualty_trend(
    incidents: Layer,
    freq: str = "M",
    *,
    by: str = "victim_category",
) -> pd.DataFrame:
    """Incidents and casualties per month or year, by victim category, with running totals.

    Parameters
    ----------
    incidents : GeoDataFrame or ValidationResult
        Incidents with ``date``, ``killed`` and ``injured`` (missing counts as 0).
    freq : {"M", "Y"}, default "M"
        Per month or per year. Every period from the first to the last is listed.
    by : str, default "victim_category"
        Column whose values get a casualty column each.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``start``, ``incidents``, ``killed``, ``injured``,
        ``casualties`` (killed + injured), one column of casualties per value of
        ``by`` (named as the value), then ``incidents_cum``, ``killed_cum``,
        ``injured_cum`` and ``casualties_cum``. Undated incidents are left out
        (and logged).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> inc = gpd.GeoDataFrame({"date": ["2021-01-03", "2021-03-09"], "killed": [1, 0],
    ...     "injured": [0, 2], "victim_category": ["civilian", "deminer"]},
    ...     geometry=[Point(46.9, 39.9)] * 2, crs=4326)
    >>> casualty_trend(inc)[["period", "casualties", "civilian", "deminer", "casualties_cum"]]
        period  casualties  civilian  deminer  casualties_cum
    0  2021-01           1         1        0               1
    1  2021-02           0         0        0               1
    2  2021-03           2         0        2               3
    """
    inc = _frame(incidents, "incidents", ["date"])
    periods = _periods(inc["date"], freq)
    undated = int(periods.isna().sum())
    if undated:
        log.warning("%d incidents have no date; left out of the trend", undated)
    killed = _counts(inc["killed"]) if "killed" in inc else np.zeros(len(inc))
    injured = _counts(inc["injured"]) if "injured" in inc else np.zeros(len(inc))
    if by in inc.columns:
        cats_series = inc[by]
        cats = (
            list(cats_series.cat.categories)
            if isinstance(cats_series.dtype, pd.CategoricalDtype)
            else sorted(str(v) for v in cats_series.dropna().unique())
        )
        group = cats_series.astype(object).where(cats_series.notna(), "(missing)")
        if (group == "(missing)").any():
            cats.append("(missing)")
    else:
        cats, group = [], pd.Series("(missing)", index=inc.index)
    frame = pd.DataFrame(
        {
            "period": periods.to_numpy(),
            "killed": killed,
            "injured": injured,
            "group": group.to_numpy(),
        }
    )[periods.notna().to_numpy()]
    base = ["incidents", "killed", "injured", "casualties"]
    if frame.empty:
        return pd.DataFrame(columns=["period", "start", *base, *cats, *(f"{c}_cum" for c in base)])
    frame["casualties"] = frame["killed"] + frame["injured"]
    full = pd.period_range(frame["period"].min(), frame["period"].max(), freq=freq)
    g = frame.groupby("period")
    out = _period_frame(full)
    out["incidents"] = g.size().reindex(full, fill_value=0)
    for c in ("killed", "injured", "casualties"):
        out[c] = g[c].sum().reindex(full, fill_value=0)
    per = frame.pivot_table(
        index="period", columns="group", values="casualties", aggfunc="sum", fill_value=0
    )
    for c in cats:
        out[c] = per[c].reindex(full, fill_value=0) if c in per.columns else 0
    for c in base:
        out[f"{c}_cum"] = out[c].cumsum()
    num = [c for c in out.columns if c not in ("period", "start")]
    out[num] = out[num].astype(int)
    return out.reset_index(drop=True)


def timeline(
    incidents: Layer | None = None,
    hazards: Layer | None = None,
    freq: str = "M",
) -> dict[str, Any]:
    """Trend series on one period axis, as plain JSON-ready data for a map's time slider.

    Parameters
    ----------
    incidents, hazards : GeoDataFrame or ValidationResult, optional
        The layers to summarise (either may be left out).
    freq : {"M", "Y"}, default "M"
        Per month or per year.

    Returns
    -------
    dict
        ``{"freq": "M", "periods": ["2020-11", ...], "starts": ["2020-11-01", ...],
        "casualties": {column: [...]}, "released_km2": {column: [...]}}``: each list
        has one value per period (0 where nothing happened). ``json.dumps`` it.

    Examples
    --------
    >>> t = timeline(incidents, hazards)  # doctest: +SKIP
    >>> t["periods"][:2], t["casualties"]["casualties_cum"][:2]  # doctest: +SKIP
    (['2020-11', '2020-12'], [6, 9])
    """
    tables: dict[str, pd.DataFrame] = {}
    if incidents is not None:
        tables["casualties"] = casualty_trend(incidents, freq)
    if hazards is not None:
        tables["released_km2"] = release_trend(hazards, freq)
    periods = sorted({p for t in tables.values() for p in t["period"]})
    if periods:
        axis = pd.period_range(periods[0], periods[-1], freq=freq)
    else:
        axis = pd.PeriodIndex([], freq=freq)
    out: dict[str, Any] = {
        "freq": freq,
        "periods": [str(p) for p in axis],
        "starts": [p.start_time.strftime("%Y-%m-%d") for p in axis],
    }
    for name, t in tables.items():
        t = t.set_index("period").reindex([str(p) for p in axis])
        series: dict[str, list[float | int]] = {}
        for col in t.columns:
            if col == "start":
                continue
            values = t[col]
            if col.endswith("_cum"):
                values = values.ffill()
            values = values.fillna(0)
            kind = int if name == "casualties" else float
            series[str(col)] = [kind(v) for v in values]
        out[name] = series
    return out


# --------------------------------------------------------------------------- districts


def _district_keys(
    districts: gpd.GeoDataFrame, id_field: str | None, name_field: str | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """District ids (unique, text) and names (labels only, may repeat)."""
    if id_field is not None:
        _require_columns(districts, "districts", [id_field])
        ids = districts[id_field]
        dup = ids[ids.duplicated(keep=False) | ids.isna()]
        if len(dup):
            raise ValidationError(
                f"districts: `{id_field}` must identify each district but "
                f"{sorted(set(map(str, dup)))[:5]} repeat or are missing; give a unique id "
                "column (id_field=...) or None to use the row number"
            )
        keys = ids.astype(str).to_numpy(dtype=object)
    else:
        keys = None
        for cand in _DISTRICT_ID_FIELDS:
            if cand in districts.columns:
                col = districts[cand]
                if col.notna().all() and col.is_unique:
                    keys = col.astype(str).to_numpy(dtype=object)
                    log.info("districts: using %r as the district id", cand)
                    break
        if keys is None:
            keys = np.array([str(i) for i in range(1, len(districts) + 1)], dtype=object)
            log.info("districts: no unique id column; using the row number as the id")
    names = None
    if name_field is not None:
        _require_columns(districts, "districts", [name_field])
        names = districts[name_field].astype(object).to_numpy()
    else:
        for cand in _DISTRICT_NAME_FIELDS:
            if cand in districts.columns:
                names = districts[cand].astype(object).to_numpy()
                break
    return keys, names


def _slug(value: str) -> str:
    return re.sub(r"\W+", "_", value).strip("_")


#: Per-category killed columns of :func:`district_summary` (the model's vocabulary).
_KILLED_BY = tuple(VICTIM_CATEGORY.codes)


def _district_counts(incidents: pd.DataFrame, zones: np.ndarray) -> pd.DataFrame:
    """Count per district position (-1: outside every district), for one partition."""
    points = incidents.geometry.to_numpy()
    n = len(points)
    where = np.full(n, -1, dtype=np.int64)
    if n and len(zones):
        tree = shapely.STRtree(points)
        z, p = tree.query(zones, predicate="covers")
        if len(p):
            # A point on a shared border goes to the first district that covers it.
            order = np.lexsort((z, p))
            z, p = z[order], p[order]
            first = np.r_[True, p[1:] != p[:-1]]
            where[p[first]] = z[first]
    slot = where + 1  # 0 = outside
    size = len(zones) + 1
    killed = _counts(incidents["killed"]) if "killed" in incidents else np.zeros(n)
    injured = _counts(incidents["injured"]) if "injured" in incidents else np.zeros(n)
    data = {
        "incidents": np.bincount(slot, minlength=size),
        "killed": np.bincount(slot, weights=killed, minlength=size),
        "injured": np.bincount(slot, weights=injured, minlength=size),
    }
    cat = (
        incidents["victim_category"].astype(object).to_numpy()
        if "victim_category" in incidents
        else np.full(n, None, dtype=object)
    )
    for c in _KILLED_BY:
        data[f"killed_{_slug(c)}"] = np.bincount(
            slot, weights=np.where(cat == c, killed, 0.0), minlength=size
        )
    return pd.DataFrame(data, index=pd.RangeIndex(-1, len(zones)))


def district_summary(
    incidents: Layer | Any | None,
    hazards: Layer | None,
    districts: gpd.GeoDataFrame,
    *,
    id_field: str | None = None,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Per district: incidents, killed, injured, active and released hazard km².

    Joins are on geometry only: an incident counts in the district polygon that
    covers it (a point on a shared border, in the first such district); hazard
    land is cut by district boundaries, so an area across a border is split and the
    parts add up. Names never join anything (they repeat in real boundary files,
    e.g. two "Lankaran District" in geoBoundaries' Azerbaijan ADM2); they are
    carried along as labels. The ``district`` text column of the layers is ignored.

    Incidents or hazard land outside every district are counted in one extra row
    (``district_id`` "outside"), so the column totals equal the layer totals.

    Parameters
    ----------
    incidents : GeoDataFrame, ValidationResult or dask_geopandas.GeoDataFrame, optional
        Incident points (a dask GeoDataFrame is counted partition by partition).
    hazards : GeoDataFrame or ValidationResult, optional
        Hazard areas. Active and released land are each dissolved (no square metre
        twice) before being split by district.
    districts : GeoDataFrame
        District polygons, e.g. the sample's ``districts`` layer or a geoBoundaries file.
    id_field : str, optional
        Column that identifies each district (must be unique). By default the first
        unique column among ``district_id``, ``shapeID``, ``id``, ``ID``, ``code``,
        ``pcode``, ``ADM2_PCODE``; else the row number (1, 2, …).
    name_field : str, optional
        Label column. By default the first of ``name``, ``shapeName``, ``NAME``,
        ``district``, ``ADM2_EN``, ``NAME_2``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per district (in the input order; geometry in EPSG:4326):
        ``district_id``, ``name``, ``incidents``, ``killed``, ``injured``,
        ``casualties``, ``killed_<category>`` per victim category (``killed_civilian``,
        ``killed_journalist``, …), ``active_km2``, ``released_km2``, ``area_km2``
        (the district's own area); plus the "outside" row when anything lies outside.

    Examples
    --------
    >>> import geomap  # doctest: +SKIP
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> sample = "data/karabakh-sample.gpkg"
    >>> districts = geomap.read_layer(sample, layer="districts")  # doctest: +SKIP
    >>> inc, haz = layers["incidents"], layers["hazards"]  # doctest: +SKIP
    >>> table = district_summary(inc, haz, districts)  # doctest: +SKIP
    >>> int(table["casualties"].sum())  # doctest: +SKIP
    177
    """
    dist = _frame(districts, "districts")
    keys, names = _district_keys(dist, id_field, name_field)
    zones = repair(dist.geometry.to_numpy())
    ea = equal_area_crs(dist) if len(dist) else None
    if incidents is None:
        counts = _district_counts(gpd.GeoDataFrame(geometry=[], crs=DISPLAY_CRS), zones)
    elif _is_dask(incidents):
        ddf = _dask_layer(incidents, "incidents")
        meta = _district_counts(ddf._meta, zones).iloc[:0]
        parts = ddf.map_partitions(_district_counts, zones, meta=meta).compute()
        counts = parts.groupby(level=0).sum().reindex(range(-1, len(zones)), fill_value=0)
    else:
        counts = _district_counts(_frame(incidents, "incidents"), zones)
    active = np.zeros(len(zones))
    released = np.zeros(len(zones))
    outside = {"active": 0.0, "released": 0.0}
    if hazards is not None:
        haz = _frame(hazards, "hazards", ["status"])
        state = _contamination(_status(haz)).to_numpy()
        geoms = repair(haz.geometry.to_numpy())
        if len(haz) and ea is not None:
            zones_ea = project(zones, ea)
            for name, arr in (("contaminated", active), ("released", released)):
                sel = (state == name) & usable(geoms)
                pieces = _dissolve(project(geoms[sel], ea))
                per, out_km = _area_by_zone(pieces, zones_ea)
                arr += per / 1e6
                outside["active" if name == "contaminated" else "released"] = out_km / 1e6
    table = pd.DataFrame(
        {
            "district_id": keys,
            "name": names if names is not None else np.full(len(keys), None, dtype=object),
        }
    )
    int_cols = [c for c in counts.columns]
    for c in int_cols:
        table[c] = counts[c].to_numpy()[1:]
    table.insert(5, "casualties", table["killed"] + table["injured"])
    table["active_km2"] = active
    table["released_km2"] = released
    table["area_km2"] = (
        shapely.area(project(zones, ea)) / 1e6 if ea is not None else np.zeros(len(zones))
    )
    geometry = list(dist.geometry.to_numpy())
    out_counts = counts.loc[-1]
    if out_counts["incidents"] > 0 or outside["active"] > 1e-9 or outside["released"] > 1e-9:
        row: dict[str, object] = {"district_id": _OUTSIDE_ID, "name": _OUTSIDE_NAME}
        row.update({c: out_counts[c] for c in int_cols})
        row["casualties"] = out_counts["killed"] + out_counts["injured"]
        row.update(
            {"active_km2": outside["active"], "released_km2": outside["released"], "area_km2": 0.0}
        )
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        geometry.append(None)
    for c in [*int_cols, "casualties"]:
        table[c] = table[c].round().astype(int)
    for c in ("active_km2", "released_km2", "area_km2"):
        table[c] = table[c].astype(float).round(4)
    out = gpd.GeoDataFrame(table, geometry=geometry, crs=DISPLAY_CRS)
    log.info(
        "district summary: %d districts, %d incidents (%d outside every district)",
        len(dist),
        int(table["incidents"].sum()),
        int(out_counts["incidents"]),
    )
    return out


# --------------------------------------------------------------------------- priorities


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(
                f"weight {key!r} is not a factor of the score; expected one of "
                f"{list(DEFAULT_WEIGHTS)}"
            )
        v = float(value)
        if v < 0 or not math.isfinite(v):
            raise ValueError(f"weight {key!r} was {value!r} but must be a number ≥ 0")
        merged[key] = v
    if sum(merged.values()) <= 0:
        raise ValueError("the weights add up to 0; give at least one a positive weight")
    return merged


def _nearest(sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest target position and distance for each source (metric arrays)."""
    pos = np.full(len(sources), -1, dtype=np.int64)
    dist = np.full(len(sources), np.nan)
    targets_ok = np.flatnonzero(usable(targets))
    if not len(sources) or not len(targets_ok):
        return pos, dist
    tree = shapely.STRtree(targets[targets_ok])
    (s, t), d = tree.query_nearest(sources, return_distance=True, all_matches=True)
    order = np.lexsort((t, d, s))
    s, t, d = s[order], t[order], d[order]
    first = np.r_[True, s[1:] != s[:-1]]
    pos[s[first]] = targets_ok[t[first]]
    dist[s[first]] = d[first]
    return pos, dist


def prioritise(
    hazards: Layer,
    towns: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    incidents: Layer | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    radius_m: float = 5000.0,
    max_distance_m: float = 500.0,
    statuses: Sequence[str] = ("active",),
    top: int | None = None,
) -> gpd.GeoDataFrame:
    """Rank hazard areas by what they threaten: a documented, adjustable score.

    For each area whose status is in ``statuses``, five factors are scaled to 0–1
    (1 = most urgent):

    ``town_distance``
        ``1 - min(d, radius_m) / radius_m``, ``d`` the distance to the nearest town
        or village (1 when a town touches the area, 0 beyond ``radius_m``).
    ``road_distance``
        The same for the nearest road.
    ``towns_within``
        Towns and villages within ``radius_m``, divided by the largest such count.
    ``casualties``
        Killed + injured in incidents linked to the area (:func:`link_incidents`),
        divided by the largest such number.
    ``area``
        Percentile rank of the area's size among the areas ranked (0–1].

    ``score`` = 100 × Σ weight × factor / Σ weight, over the factors that can be
    computed (without towns, roads or incidents, their factors are left out and
    the others' weights renormalised). ``rank`` 1 is the most urgent; equal scores
    share a rank. Defaults: :data:`DEFAULT_WEIGHTS`.

    Parameters
    ----------
    hazards : GeoDataFrame or ValidationResult
        Hazard areas.
    towns : GeoDataFrame, optional
        Town/village points (``name`` and ``population`` columns are used if present).
    roads : GeoDataFrame, optional
        Road lines (``name`` is used if present).
    incidents : GeoDataFrame, ValidationResult or dask_geopandas.GeoDataFrame, optional
        Incidents; linked to the hazards (within ``max_distance_m``) unless they
        already have ``hazard_id`` and ``link`` columns.
    weights : dict, optional
        Factor weights to change, e.g. ``{"casualties": 0.5, "area": 0}``; factors
        not named keep their default. Weights must be ≥ 0.
    radius_m : float, default 5000
        Radius for ``towns_within`` and the distance scales, in metres.
    max_distance_m : float, default 500
        Passed to :func:`link_incidents`.
    statuses : sequence of str, default ("active",)
        Which areas to rank.
    top : int, optional
        Return only the ``top`` highest-ranked areas.

    Returns
    -------
    geopandas.GeoDataFrame
        Sorted by ``rank``: ``rank``, ``score``, ``id``, ``hazard_class``,
        ``status``, ``district`` (those present), ``area_km2``, ``nearest_town``,
        ``town_distance_m``, ``towns_within``, ``population_within``,
        ``nearest_road``, ``road_distance_m``, ``n_incidents``, ``killed``,
        ``injured``, ``casualties``, ``f_<factor>`` for each factor used, geometry.

    Examples
    --------
    >>> table = prioritise(hazards, towns, roads, incidents,  # doctest: +SKIP
    ...                    weights={"casualties": 0.5}, top=10)
    >>> table[["rank", "id", "score"]].head(3)  # doctest: +SKIP
    """
    if radius_m <= 0:
        raise ValueError(f"`radius_m` was {radius_m!r} but must be > 0")
    w = _weights(weights)
    haz_all = _frame(hazards, "hazards", ["status"])
    sel = _status(haz_all).isin(list(statuses)).to_numpy() & usable(haz_all.geometry.to_numpy())
    haz = haz_all[sel]
    label_cols = [c for c in ("hazard_class", "status", "district") if c in haz.columns]
    out = pd.DataFrame({"id": _ids(haz)}, index=haz.index)
    for c in label_cols:
        out[c] = haz[c].astype(object)
    if not len(haz):
        log.info("no hazard areas with status in %s to rank", list(statuses))
    crs = metric_crs(haz) if len(haz) else None
    metric = project(haz.geometry.to_numpy(), crs) if crs is not None else np.array([])
    ea = equal_area_crs(haz) if len(haz) else None
    area_m2 = shapely.area(project(haz.geometry.to_numpy(), ea)) if ea is not None else []
    out["area_km2"] = np.round(np.asarray(area_m2, dtype=float) / 1e6, 4)
    factors: dict[str, np.ndarray] = {}
    r = float(radius_m)
    if towns is not None and crs is not None:
        t = _frame(towns, "towns")
        tm = project(t.geometry.to_numpy(), crs)
        pos, d = _nearest(metric, tm)
        names = _ids(t, "name") if "name" in t.columns else _ids(t)
        out["nearest_town"] = np.where(pos >= 0, names[np.maximum(pos, 0)], None)
        out["town_distance_m"] = np.round(d, 1)
        tree = shapely.STRtree(tm)
        hi, ti = tree.query(metric, predicate="dwithin", distance=r)
        out["towns_within"] = np.bincount(hi, minlength=len(metric))
        if "population" in t.columns:
            pop = _counts(t["population"])
            out["population_within"] = np.bincount(
                hi, weights=pop[ti], minlength=len(metric)
            ).astype(int)
        factors["town_distance"] = 1 - np.minimum(np.nan_to_num(d, nan=r), r) / r
        most = out["towns_within"].max() if len(out) else 0
        factors["towns_within"] = (
            out["towns_within"].to_numpy() / most if most else np.zeros(len(out))
        )
    if roads is not None and crs is not None:
        rd = _frame(roads, "roads")
        rm = project(rd.geometry.to_numpy(), crs)
        pos, d = _nearest(metric, rm)
        names = _ids(rd, "name") if "name" in rd.columns else _ids(rd)
        out["nearest_road"] = np.where(pos >= 0, names[np.maximum(pos, 0)], None)
        out["road_distance_m"] = np.round(d, 1)
        factors["road_distance"] = 1 - np.minimum(np.nan_to_num(d, nan=r), r) / r
    if incidents is not None:
        inc = incidents.kept if isinstance(incidents, ValidationResult) else incidents
        if not {"hazard_id", "link"} <= set(inc.columns):
            inc = link_incidents(inc, haz_all, max_distance_m=max_distance_m)
        if _is_dask(inc):  # only the linked rows' counts are needed in memory
            wanted = [c for c in ("hazard_id", "killed", "injured") if c in inc.columns]
            inc = inc[inc["link"] != "unlinked"][wanted].compute()
        linked = inc[inc["hazard_id"].notna()]
        k = pd.Series(_counts(linked["killed"]) if "killed" in linked else 0.0, index=linked.index)
        j = pd.Series(
            _counts(linked["injured"]) if "injured" in linked else 0.0, index=linked.index
        )
        grp = pd.DataFrame({"hazard_id": linked["hazard_id"].astype(str), "k": k, "j": j})
        sums = grp.groupby("hazard_id").agg(n=("k", "size"), k=("k", "sum"), j=("j", "sum"))
        key = out["id"].astype(str)
        out["n_incidents"] = key.map(sums["n"]).fillna(0).astype(int).to_numpy()
        out["killed"] = key.map(sums["k"]).fillna(0).astype(int).to_numpy()
        out["injured"] = key.map(sums["j"]).fillna(0).astype(int).to_numpy()
        out["casualties"] = out["killed"] + out["injured"]
        most = out["casualties"].max() if len(out) else 0
        factors["casualties"] = out["casualties"].to_numpy() / most if most else np.zeros(len(out))
    factors["area"] = (
        pd.Series(np.asarray(area_m2, dtype=float)).rank(pct=True, method="max").to_numpy()
        if len(out)
        else np.zeros(0)
    )
    used = {k: v for k, v in w.items() if k in factors and v > 0}
    if not used:
        raise ValueError(
            f"no factor with a positive weight can be computed; computed: {sorted(factors)}, "
            f"weights: {w} (give towns, roads or incidents, or weight 'area')"
        )
    skipped = [k for k in w if k not in factors and w[k] > 0]
    if skipped:
        log.info("priority score without %s (no layer for them)", skipped)
    score = sum(used[k] * factors[k] for k in used) / sum(used.values())
    for k in used:
        out[f"f_{k}"] = np.round(factors[k], 4)
    out["score"] = np.round(100 * np.asarray(score, dtype=float), 2)
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    out = out.sort_values(["rank", "id"], kind="stable")
    cols = ["rank", "score", *[c for c in out.columns if c not in ("rank", "score")]]
    result = gpd.GeoDataFrame(
        out[cols], geometry=haz.geometry.loc[out.index].to_numpy(), crs=DISPLAY_CRS
    ).reset_index(drop=True)
    if top is not None:
        result = result.head(int(top))
    result.attrs["weights"] = used
    log.info("ranked %d hazard areas by %s", len(out), used)
    return result


# --------------------------------------------------------------------------- quality


def _flag(layer: str, ids: np.ndarray, check: str, detail: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "layer": layer,
            "id": np.asarray(ids, dtype=object),
            "check": check,
            "detail": np.asarray(detail, dtype=object),
        }
    )


def _ring_table(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ring of every polygon: (geometry position, ring coordinates, ring of each coord)."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    return part_of[ring_of], coords, coord_ring


def _few_vertices(geoms: np.ndarray, min_vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of polygons with a ring of fewer than ``min_vertices`` distinct vertices."""
    geom_of_ring, coords, ring = _ring_table(geoms)
    if not len(coords):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    distinct = (
        pd.DataFrame({"r": ring, "x": coords[:, 0], "y": coords[:, 1]})
        .drop_duplicates()
        .groupby("r")
        .size()
        .reindex(range(len(geom_of_ring)), fill_value=0)
        .to_numpy()
    )
    bad = distinct < min_vertices
    per_geom = pd.Series(distinct[bad]).groupby(geom_of_ring[bad]).min()
    return per_geom.index.to_numpy(), per_geom.to_numpy()


def _spikes(
    geoms: np.ndarray, factor: float, angle_deg: float
) -> list[tuple[int, int, float, float]]:
    """(geometry, vertex number, shortest adjacent edge m, ring's median edge m) per spike."""
    geom_of_ring, coords, ring = _ring_table(geoms)
    if not len(coords):
        return []
    # Drop each ring's closing coordinate, then walk vertices with their neighbours.
    last = np.r_[ring[1:] != ring[:-1], True]
    coords, ring = coords[~last], ring[~last]
    starts = np.r_[0, np.flatnonzero(ring[1:] != ring[:-1]) + 1]
    size = np.diff(np.r_[starts, len(ring)])
    first = np.repeat(starts, size)
    offset = np.arange(len(ring)) - first
    n = np.repeat(size, size)
    nxt = first + (offset + 1) % n
    prv = first + (offset - 1) % n
    edge_out = np.hypot(*(coords[nxt] - coords).T)
    edge_in = np.hypot(*(coords - coords[prv]).T)
    median = pd.Series(edge_out).groupby(ring).transform("median").to_numpy()
    shortest = np.minimum(edge_in, edge_out)
    v1, v2 = coords[prv] - coords, coords[nxt] - coords
    cos = np.einsum("ij,ij->i", v1, v2) / np.maximum(edge_in * edge_out, 1e-12)
    angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    hit = (n >= 4) & (shortest > factor * median) & (angle < angle_deg) & (median > 0)
    return [
        (int(geom_of_ring[ring[i]]), int(offset[i]) + 1, float(shortest[i]), float(median[i]))
        for i in np.flatnonzero(hit)
    ]


def check_quality(
    hazards: Layer | None = None,
    incidents: Layer | None = None,
    *,
    min_vertices: int = 3,
    overlap_min_m2: float = 1.0,
    sliver_width_m: float = 5.0,
    spike_factor: float = 10.0,
    spike_angle_deg: float = 30.0,
    record_start: str | date | pd.Timestamp = "1900-01-01",
    today: str | date | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Flag suspect geometries and dates, as GICHD's geocheck does for IMSMA data.

    Checks (``check`` column), with their thresholds as keyword arguments:

    hazards
        ``few_vertices``: a ring with fewer than ``min_vertices`` distinct vertices.
        ``invalid``: not a valid polygon (self-intersection…), with GEOS's reason.
        ``duplicate_geometry``: the same shape as another area.
        ``overlap``: shares more than ``overlap_min_m2`` m² with another area (one
        row per area and partner, so both are listed).
        ``sliver``: mean width (2 × area / perimeter) under ``sliver_width_m`` m.
        ``spike``: a vertex whose two edges are both more than ``spike_factor``
        times the ring's median edge and meet at under ``spike_angle_deg`` degrees
        (a vertex implausibly far from its neighbours, e.g. a mistyped coordinate).
        ``date_in_future``: ``date_recorded`` or ``status_date`` after ``today``.
    incidents
        ``date_before_record``: dated before ``record_start`` (set it to the start of
        your record, e.g. ``"2020-11-10"`` for the Karabakh sample).
        ``date_in_future``: dated after ``today``.
        ``duplicate_geometry``: same point and same date as another incident (a
        likely double entry).

    Parameters
    ----------
    hazards, incidents : GeoDataFrame or ValidationResult, optional
        Layers to check: raw (as read) or validated.
    min_vertices, overlap_min_m2, sliver_width_m, spike_factor, spike_angle_deg
        Thresholds, as above. Lengths and areas are measured in metres.
    record_start : date-like, default "1900-01-01"
        First date of the record.
    today : date-like, optional
        Default: today's date.

    Returns
    -------
    pandas.DataFrame
        One row per flag: ``layer``, ``id``, ``check``, ``detail`` (a sentence with
        the measured value and the threshold). Empty when nothing is suspect.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> inc = gpd.GeoDataFrame({"id": ["a", "b"], "date": ["2019-05-01", "2099-01-01"]},
    ...                        geometry=[Point(46.9, 39.9), Point(47.0, 39.8)], crs=4326)
    >>> flags = check_quality(incidents=inc, record_start="2020-11-10", today="2024-01-01")
    >>> flags[["id", "check"]]
      id               check
    0  a  date_before_record
    1  b      date_in_future
    >>> flags.loc[0, "detail"]
    'dated 2019-05-01, before the record starts (2020-11-10)'
    """
    start = _as_timestamp(record_start, "record_start")
    now = _as_timestamp(today if today is not None else date.today(), "today")
    flags: list[pd.DataFrame] = []
    if hazards is not None:
        flags.extend(
            _check_hazards(
                _frame(hazards, "hazards"),
                min_vertices=min_vertices,
                overlap_min_m2=overlap_min_m2,
                sliver_width_m=sliver_width_m,
                spike_factor=spike_factor,
                spike_angle_deg=spike_angle_deg,
                today=now,
            )
        )
    if incidents is not None:
        flags.extend(_check_incidents(_frame(incidents, "incidents"), start, now))
    cols = ["layer", "id", "check", "detail"]
    flags = [f for f in flags if len(f)]
    if not flags:
        return pd.DataFrame(columns=cols)
    out = pd.concat(flags, ignore_index=True)[cols]
    log.info("quality checks: %d flags (%s)", len(out), out["check"].value_counts().to_dict())
    return out


def _dates_flags(
    layer: str, ids: np.ndarray, frame: pd.DataFrame, fields: Sequence[str], now: pd.Timestamp
) -> list[pd.DataFrame]:
    out = []
    for f in fields:
        if f not in frame.columns:
            continue
        d = pd.to_datetime(frame[f], errors="coerce")
        late = (d > now).to_numpy()
        if late.any():
            what = "dated" if f == "date" else f"{f}"
            detail = [f"{what} {v:%Y-%m-%d}, after today ({now:%Y-%m-%d})" for v in d[late]]
            out.append(_flag(layer, ids[late], "date_in_future", detail))
    return out


def _check_incidents(
    inc: gpd.GeoDataFrame, start: pd.Timestamp, now: pd.Timestamp
) -> list[pd.DataFrame]:
    ids = _ids(inc)
    flags: list[pd.DataFrame] = []
    if "date" in inc.columns:
        d = pd.to_datetime(inc["date"], errors="coerce")
        early = (d < start).to_numpy()
        if early.any():
            detail = [
                f"dated {v:%Y-%m-%d}, before the record starts ({start:%Y-%m-%d})" for v in d[early]
            ]
            flags.append(_flag("incidents", ids[early], "date_before_record", detail))
        flags.extend(_dates_flags("incidents", ids, inc, ["date"], now))
        geoms = inc.geometry.to_numpy()
        ok = usable(geoms)
        key = pd.DataFrame(
            {
                "x": np.round(shapely.get_x(geoms), 7),
                "y": np.round(shapely.get_y(geoms), 7),
                "d": d.to_numpy(),
            }
        )
        dup = key.duplicated(keep=False).to_numpy() & ok & d.notna().to_numpy()
        if dup.any():
            groups = key[dup].groupby(["x", "y", "d"]).indices
            rows, detail = [], []
            for members in groups.values():
                pos = np.flatnonzero(dup)[members]
                for i in pos:
                    others = ", ".join(str(ids[j]) for j in pos if j != i)
                    rows.append(i)
                    detail.append(f"same place and date as {others}")
            flags.append(_flag("incidents", ids[rows], "duplicate_geometry", detail))
    return flags


def _check_hazards(
    haz: gpd.GeoDataFrame,
    *,
    min_vertices: int,
    overlap_min_m2: float,
    sliver_width_m: float,
    spike_factor: float,
    spike_angle_deg: float,
    today: pd.Timestamp,
) -> list[pd.DataFrame]:
    ids = _ids(haz)
    geoms = haz.geometry.to_numpy()
    poly = usable(geoms) & np.isin(shapely.get_type_id(geoms), [3, 6])
    flags: list[pd.DataFrame] = []
    if not poly.any():
        return _dates_flags("hazards", ids, haz, ["date_recorded", "status_date"], today)
    idx = np.flatnonzero(poly)
    g = geoms[idx]
    crs = metric_crs(gpd.GeoDataFrame(geometry=g, crs=DISPLAY_CRS))
    ea = equal_area_crs(gpd.GeoDataFrame(geometry=g, crs=DISPLAY_CRS))
    gm, ge = project(g, crs), project(g, ea)

    pos, distinct = _few_vertices(g, min_vertices)
    few = set(pos.tolist())
    if len(pos):
        detail = [f"a ring has {k} distinct vertices (fewer than {min_vertices})" for k in distinct]
        flags.append(_flag("hazards", ids[idx[pos]], "few_vertices", detail))

    valid = shapely.is_valid(g)
    bad = np.flatnonzero(~valid)
    bad = np.array([i for i in bad if i not in few], dtype=int)
    if len(bad):
        reasons = shapely.is_valid_reason(g[bad])
        flags.append(_flag("hazards", ids[idx[bad]], "invalid", [f"invalid: {r}" for r in reasons]))

    # Pairs that share land: duplicates, then overlaps (on valid shapes, equal-area CRS).
    ok = valid.copy()
    ok[list(few)] = False
    rows = np.flatnonzero(ok)
    if len(rows) > 1:
        tree = shapely.STRtree(ge[rows])
        a, b = tree.query(ge[rows], predicate="intersects")
        keep = a < b
        a, b = rows[a[keep]], rows[b[keep]]
        same = shapely.equals(ge[a], ge[b])
        if same.any():
            ia, ib = a[same], b[same]
            flags.append(
                _flag(
                    "hazards",
                    np.r_[ids[idx[ia]], ids[idx[ib]]],
                    "duplicate_geometry",
                    [f"same shape as {ids[idx[j]]}" for j in np.r_[ib, ia]],
                )
            )
        a, b = a[~same], b[~same]
        if len(a):
            shared = shapely.area(shapely.intersection(ge[a], ge[b]))
            big = shared > overlap_min_m2
            a, b, shared = a[big], b[big], shared[big]
            area = shapely.area(ge)
            rows = np.r_[a, b]
            partner = np.r_[b, a]
            both = np.r_[shared, shared]
            detail = [
                f"overlaps {ids[idx[j]]} by {s:,.0f} m² ({100 * s / area[i]:.1f}% of this area)"
                for i, j, s in zip(rows, partner, both, strict=True)
            ]
            if len(rows):
                flags.append(_flag("hazards", ids[idx[rows]], "overlap", detail))

    area_m = shapely.area(gm)
    perim = shapely.length(gm)
    width = np.where(perim > 0, 2 * area_m / np.maximum(perim, 1e-12), 0.0)
    thin = np.flatnonzero((width < sliver_width_m) & ok)
    if len(thin):
        detail = [
            f"mean width {width[i]:.2f} m (2 × area {area_m[i]:,.0f} m² / perimeter "
            f"{perim[i]:,.0f} m), under {sliver_width_m:g} m"
            for i in thin
        ]
        flags.append(_flag("hazards", ids[idx[thin]], "sliver", detail))

    spikes = _spikes(gm, spike_factor, spike_angle_deg)
    if spikes:
        flags.append(
            _flag(
                "hazards",
                ids[idx[[s[0] for s in spikes]]],
                "spike",
                [
                    f"vertex {v} is {e:,.0f} m from both neighbours; the ring's median edge "
                    f"is {m:,.0f} m (flagged above {spike_factor:g}×)"
                    for _, v, e, m in spikes
                ],
            )
        )
    flags.extend(_dates_flags("hazards", ids, haz, ["date_recorded", "status_date"], today))
    return flags
