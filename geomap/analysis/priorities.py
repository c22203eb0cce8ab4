"""Rank hazard areas by what they threaten: a documented, adjustable score.

For each area ranked, :func:`prioritise` scales five factors to 0–1
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
    divided by the largest such number. An incident whose casualties are unknown
    counts as one, never as zero; when no incident has a known count, this factor
    is left out (with a warning) and the number of linked incidents takes its weight.
``area``
    Percentile rank of the area's size among the areas ranked (0–1].

``score`` = 100 × Σ weight × factor / Σ weight, over the factors that can be
computed (without towns, roads or incidents, their factors are left out and
the others' weights renormalised). ``rank`` 1 is the most urgent; equal scores
share a rank. Defaults: :data:`DEFAULT_WEIGHTS`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geomap.analysis._common import Layer
from geomap.analysis._common import _counts
from geomap.analysis._common import _frame
from geomap.analysis._common import _ids
from geomap.analysis._common import _is_dask
from geomap.analysis._common import _kept
from geomap.analysis._common import _status
from geomap.analysis.link import link_incidents
from geomap.geo import equal_area_crs
from geomap.geo import metric_crs
from geomap.geo import project
from geomap.geo import usable
from geomap.model import DISPLAY_CRS

__all__ = ["DEFAULT_WEIGHTS", "PRIORITY_COLUMNS", "prioritise"]

log = logging.getLogger(__name__)

#: Default weights of :func:`prioritise`'s score. Each factor is scaled to 0–1
#: (1 = most urgent); the score is their weighted mean, times 100.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "casualties": 0.30,
    "town_distance": 0.25,
    "road_distance": 0.20,
    "towns_within": 0.15,
    "area": 0.10,
}

#: The columns of :func:`prioritise`'s table that the report shows (those present).
PRIORITY_COLUMNS = (
    "rank",
    "score",
    "id",
    "hazard_class",
    "district",
    "area_km2",
    "nearest_town",
    "town_distance_m",
    "towns_within",
    "nearest_road",
    "road_distance_m",
    "casualties",
)

#: Columns with factor arrays, as each helper below returns them.
_Columns = dict[str, Any]


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
    (1 = most urgent; see the module's notes) and ``score`` = 100 × Σ weight ×
    factor / Σ weight, over the factors that can be computed. ``rank`` 1 is the
    most urgent; equal scores share a rank. Defaults: :data:`DEFAULT_WEIGHTS`.

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
    >>> import geomap
    >>> sample = "data/karabakh-sample.gpkg"
    >>> layers = geomap.load_layers(sample)
    >>> towns, roads = (geomap.read_layer(sample, layer=n) for n in ("towns", "roads"))
    >>> prioritise(layers["hazards"], towns, roads, layers["incidents"], top=2)[["id", "score"]]
            id  score
    0  HA-0333  66.75
    1  HA-0025  59.56
    """
    if radius_m <= 0:
        raise ValueError(f"`radius_m` was {radius_m!r} but must be > 0")
    w = _weights(weights)
    haz_all = _frame(hazards, "hazards", ["status"])
    haz = _with_status(haz_all, statuses)
    out, factors = _areas(haz)
    crs = metric_crs(haz) if len(haz) else None
    if crs is not None:
        metric = project(haz.geometry.to_numpy(), crs)
        for layer, near in ((towns, _near_towns), (roads, _near_roads)):
            if layer is not None:
                factors.update(_add(out, near(metric, layer, crs, float(radius_m))))
    if incidents is not None:
        cas = _casualties(out["id"], incidents, haz_all, max_distance_m)
        factors.update(_add(out, cas))
        if "incidents" in factors:  # casualties unknown throughout: incidents take their weight
            w = {("incidents" if f == "casualties" else f): v for f, v in w.items()}
    return _ranked(out, haz, factors, w, top)


def _with_status(hazards: gpd.GeoDataFrame, statuses: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the areas to rank: those with a geometry and a status in ``statuses``."""
    geoms = hazards.geometry.to_numpy()
    haz = hazards[_status(hazards).isin(list(statuses)).to_numpy() & usable(geoms)]
    if not len(haz):
        log.info("no hazard areas with status in %s to rank", list(statuses))
    return haz


def _add(out: pd.DataFrame, columns: tuple[_Columns, _Columns]) -> _Columns:
    """Add the columns to ``out``; return the factors."""
    for name, values in columns[0].items():
        out[name] = values
    return columns[1]


def _areas(haz: gpd.GeoDataFrame) -> tuple[pd.DataFrame, _Columns]:
    """Return the table's first columns (id, labels, ``area_km2``) and the ``area`` factor."""
    out = pd.DataFrame({"id": _ids(haz)}, index=haz.index)
    for c in ("hazard_class", "status", "district"):
        if c in haz.columns:
            out[c] = haz[c].astype(object)
    ea = equal_area_crs(haz) if len(haz) else None
    area_m2 = shapely.area(project(haz.geometry.to_numpy(), ea)) if ea is not None else []
    area = np.asarray(area_m2, dtype=float)
    out["area_km2"] = np.round(area / 1e6, 4)
    rank = pd.Series(area).rank(pct=True, method="max").to_numpy() if len(out) else np.zeros(0)
    return out, {"area": rank}


def _near_towns(
    metric: np.ndarray, towns: gpd.GeoDataFrame, crs: CRS, r: float
) -> tuple[_Columns, _Columns]:
    """Nearest town, its distance, towns (and people) within ``r``; their factors."""
    t = _frame(towns, "towns")
    tm = project(t.geometry.to_numpy(), crs)
    pos, d = _nearest(metric, tm)
    names = _ids(t, "name") if "name" in t.columns else _ids(t)
    hi, ti = shapely.STRtree(tm).query(metric, predicate="dwithin", distance=r)
    within = np.bincount(hi, minlength=len(metric))
    cols: _Columns = {
        "nearest_town": np.where(pos >= 0, names[np.maximum(pos, 0)], None),
        "town_distance_m": np.round(d, 1),
        "towns_within": within,
    }
    if "population" in t.columns:
        pop = _counts(t["population"])
        cols["population_within"] = np.bincount(hi, weights=pop[ti], minlength=len(metric)).astype(
            int
        )
    most = within.max() if len(within) else 0
    return cols, {
        "town_distance": 1 - np.minimum(np.nan_to_num(d, nan=r), r) / r,
        "towns_within": within / most if most else np.zeros(len(within)),
    }


def _near_roads(
    metric: np.ndarray, roads: gpd.GeoDataFrame, crs: CRS, r: float
) -> tuple[_Columns, _Columns]:
    """Nearest road and its distance; the ``road_distance`` factor."""
    rd = _frame(roads, "roads")
    pos, d = _nearest(metric, project(rd.geometry.to_numpy(), crs))
    names = _ids(rd, "name") if "name" in rd.columns else _ids(rd)
    cols = {
        "nearest_road": np.where(pos >= 0, names[np.maximum(pos, 0)], None),
        "road_distance_m": np.round(d, 1),
    }
    return cols, {"road_distance": 1 - np.minimum(np.nan_to_num(d, nan=r), r) / r}


def _casualties(
    ids: pd.Series, incidents: Layer | Any, hazards: gpd.GeoDataFrame, max_distance_m: float
) -> tuple[_Columns, _Columns]:
    """Incidents, killed and injured linked to each area; the ``casualties`` factor."""
    inc = _kept(incidents)
    if not {"hazard_id", "link"} <= set(inc.columns):
        inc = link_incidents(inc, hazards, max_distance_m=max_distance_m)
    if _is_dask(inc):  # only the linked rows' counts are needed in memory
        wanted = [c for c in ("hazard_id", "killed", "injured") if c in inc.columns]
        inc = inc[inc["link"] != "unlinked"][wanted].compute()
    linked = inc[inc["hazard_id"].notna()]
    k, j = (
        pd.to_numeric(linked[c], errors="coerce")
        if c in linked
        else pd.Series(np.nan, linked.index)
        for c in ("killed", "injured")
    )
    grp = pd.DataFrame(
        {
            "hazard_id": linked["hazard_id"].astype(str),
            "k": k.fillna(0),
            "j": j.fillna(0),
            "u": k.isna() | j.isna(),  # casualties not (fully) known
            "none": k.isna() & j.isna(),  # no count known at all
        }
    )
    sums = grp.groupby("hazard_id")[["k", "j", "u", "none"]].sum()
    sums["n"] = grp.groupby("hazard_id").size()
    key = ids.astype(str)
    cols: _Columns = {
        c: key.map(sums[s]).fillna(0).astype(int).to_numpy()
        for c, s in (("n_incidents", "n"), ("killed", "k"), ("injured", "j"))
    }
    cols["casualties_unknown"] = key.map(sums["u"]).fillna(0).astype(int).to_numpy()
    none_known = key.map(sums["none"]).fillna(0).astype(int).to_numpy()
    harm = _harm(cols, none_known, bool(len(inc)) and _all_unknown(inc))
    # An area whose linked incidents have no known count at all: unknown, never 0.
    unknown = (cols["n_incidents"] > 0) & (none_known == cols["n_incidents"])
    for c in ("killed", "injured"):
        cols[c] = pd.array(np.where(unknown, 0, cols[c]), dtype="Int64")
        cols[c][unknown] = pd.NA
    cols["casualties"] = cols["killed"] + cols["injured"]
    return cols, harm


def _all_unknown(inc: pd.DataFrame) -> bool:
    """Say whether no incident has a known killed or injured count."""
    known = [
        pd.to_numeric(inc[c], errors="coerce").notna().any()
        for c in ("killed", "injured")
        if c in inc
    ]
    return not any(known)


def _harm(cols: _Columns, none_known: np.ndarray, all_unknown: bool) -> _Columns:
    """Return the ``casualties`` factor: known casualties, an incident of unknown ones as one.

    When no incident has a known count, the factor is left out (as for a missing layer,
    with a warning) and an ``incidents`` factor (linked incidents) takes its weight.
    """
    if all_unknown:
        log.warning(
            "priority score: casualties are unknown for every incident, so the casualties "
            "factor is left out; linked incidents count in its place"
        )
        n = cols["n_incidents"]
        most = n.max() if len(n) else 0
        return {"incidents": n / most if most else np.zeros(len(n))}
    harm = cols["killed"] + cols["injured"] + none_known
    most = harm.max() if len(harm) else 0
    return {"casualties": harm / most if most else np.zeros(len(harm))}


def _ranked(
    out: pd.DataFrame,
    haz: gpd.GeoDataFrame,
    factors: _Columns,
    w: dict[str, float],
    top: int | None,
) -> gpd.GeoDataFrame:
    """Score and rank the table: the weighted mean of the factors that can be computed."""
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
