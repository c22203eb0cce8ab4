"""Cluster unlinked incidents into proposed suspected hazard areas, with their evidence.

Incidents that :func:`~geomap.analysis.link_incidents` left ``unlinked`` are
clustered with DBSCAN in the data's UTM zone; each cluster becomes a buffered
convex hull carrying its incidents' counts, dates and categories.

An unlinked incident with fewer than ``min_incidents - 1`` neighbours (a lone
accident) is **not** proposed: one point gives no extent and is weak, indirect
evidence. It stays ``unlinked`` in the links table. Pass ``min_incidents=1`` to
:func:`propose_hazard_areas` to propose an area (a ``buffer_m`` circle) around
every lone incident too.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geomap._errors import GeomapError
from geomap.analysis._common import _counts
from geomap.analysis._common import _frame
from geomap.analysis._common import _ids
from geomap.analysis._common import _is_dask
from geomap.analysis._common import _require_columns
from geomap.geo import equal_area_crs
from geomap.geo import metric_crs
from geomap.geo import project
from geomap.geo import project_xy
from geomap.geo import usable
from geomap.model import DISPLAY_CRS

__all__ = ["propose_hazard_areas"]

log = logging.getLogger(__name__)

#: Columns of :func:`propose_hazard_areas`' table, before the geometry.
_COLUMNS = (
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
)


def _joined(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(str(v) for v in values if not pd.isna(v)))


def _none() -> gpd.GeoDataFrame:
    """Return the table of no proposed area."""
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in _COLUMNS}, geometry=[], crs=DISPLAY_CRS
    )


def _dbscan() -> Any:
    """scikit-learn's DBSCAN, or say exactly how to install it."""
    try:
        from sklearn.cluster import DBSCAN
    except ImportError:
        raise GeomapError(
            "scikit-learn is needed to cluster incidents; install it with "
            "pip install 'geomap[analysis]' (or: pip install scikit-learn)"
        ) from None
    return DBSCAN


def _check_settings(eps_m: float, min_incidents: int, buffer_m: float) -> None:
    if eps_m <= 0 or buffer_m <= 0:
        raise ValueError(f"`eps_m` ({eps_m!r}) and `buffer_m` ({buffer_m!r}) must be > 0")
    if int(min_incidents) != min_incidents or min_incidents < 1:
        raise ValueError(f"`min_incidents` was {min_incidents!r} but must be a whole number ≥ 1")


def _unlinked(linked: gpd.GeoDataFrame | Any) -> gpd.GeoDataFrame:
    """Return the unlinked incidents with a usable point, in memory."""
    if _is_dask(linked):
        if "link" not in linked.columns:
            _require_columns(linked._meta, "incidents", ["link"])
        linked = linked[linked["link"] == "unlinked"].compute()
    inc = _frame(linked, "incidents", ["link"])
    return inc[(inc["link"] == "unlinked").to_numpy() & usable(inc.geometry.to_numpy())]


def _evidence(members: pd.DataFrame, cluster: np.ndarray) -> pd.DataFrame:
    """Per cluster: incidents, casualties, first and last date, categories."""

    def column(name: str) -> Any:
        return members[name].astype(object).to_numpy() if name in members else None

    dates = (
        pd.to_datetime(members["date"], errors="coerce")
        if "date" in members
        else pd.Series(pd.NaT, index=members.index)
    )
    frame = pd.DataFrame(
        {
            "cluster": cluster,
            "incident_id": _ids(members),
            "killed": _counts(members["killed"]) if "killed" in members else 0.0,
            "injured": _counts(members["injured"]) if "injured" in members else 0.0,
            "date": dates.to_numpy(),
            "victim": column("victim_category"),
            "device": column("device_category"),
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
    return table


def _hulls(x: np.ndarray, y: np.ndarray, cluster: np.ndarray, buffer_m: float) -> np.ndarray:
    """Each cluster's convex hull buffered by ``buffer_m``, in cluster order (metric CRS)."""
    by_cluster = np.argsort(cluster, kind="stable")
    xy = np.column_stack([x, y])[by_cluster]
    hull = shapely.convex_hull(shapely.multipoints(xy, indices=cluster[by_cluster]))
    return shapely.buffer(hull, float(buffer_m), quad_segs=8)


def _proposals(table: pd.DataFrame, shapes: np.ndarray, crs: CRS) -> gpd.GeoDataFrame:
    """Return the evidence table with its areas, ordered by first date and numbered."""
    display = project(shapes[table.index.to_numpy()], DISPLAY_CRS, src=crs)
    ea = equal_area_crs(gpd.GeoDataFrame(geometry=display, crs=DISPLAY_CRS))
    table["area_km2"] = np.round(shapely.area(project(display, ea)) / 1e6, 4)
    out = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=display, crs=DISPLAY_CRS)
    out = out.sort_values(["first_date", "incident_ids"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "id", [f"PSHA-{i:03d}" for i in range(1, len(out) + 1)])
    return out


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

    A lone incident is not proposed unless ``min_incidents=1`` (see the module's notes).

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
    _check_settings(eps_m, min_incidents, buffer_m)
    un = _unlinked(linked)
    if un.empty:
        log.info("no unlinked incidents: no suspected hazard areas proposed")
        return _none()
    crs = metric_crs(un)
    x, y = project_xy(un.geometry.to_numpy(), crs)
    dbscan = _dbscan()(eps=float(eps_m), min_samples=int(min_incidents))
    lab = dbscan.fit(np.column_stack([x, y])).labels_
    sel = lab >= 0
    if not sel.any():
        log.info("%d unlinked incidents, none in a cluster: no areas proposed", len(un))
        return _none()
    shapes = _hulls(x[sel], y[sel], lab[sel], buffer_m)
    out = _proposals(_evidence(un[sel], lab[sel]), shapes, crs)
    counts = (len(out), int(sel.sum()), len(un), eps_m)
    log.info(
        "proposed %d suspected hazard areas from %d of %d unlinked incidents (eps %g m)", *counts
    )
    return out
