"""Hazard land in km², with overlapping polygons dissolved so no square metre counts twice.

Areas are measured in an equal-area projection centred on the data
(:func:`geomap.geo.equal_area_crs`). :func:`_dissolve` and :func:`_first_wins_area`
are the two ways of not counting land twice, shared with the trends and districts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.analysis._common import Layer
from geomap.analysis._common import _contamination
from geomap.analysis._common import _frame
from geomap.analysis._common import _kept
from geomap.analysis._common import _require_columns
from geomap.analysis._common import _status
from geomap.geo import ObjectCache
from geomap.geo import equal_area_crs
from geomap.geo import project
from geomap.geo import repair
from geomap.geo import usable
from geomap.model import DISPLAY_CRS
from geomap.model import RELEASED_STATUSES

__all__ = ["HazardLand", "area_over_time", "area_summary", "hazard_land"]

log = logging.getLogger(__name__)


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
    merged = shapely.get_parts(_union(geoms[involved]))
    return np.concatenate([geoms[~involved], merged])


class HazardLand:
    """Hazard polygons measured once: repaired, equal-area, with their overlapping pairs.

    The area summary, the district table (and so the map's district layer) ask it for
    the dissolved land of subsets of the polygons (:meth:`pieces`): the polygons that
    overlap are found once for all subsets, and each subset is dissolved once. Use
    :func:`hazard_land`, which hands the same object to every step given the same
    polygons.

    Parameters
    ----------
    geoms : numpy.ndarray
        The hazard polygons in EPSG:4326 (shapely geometries; missing ones allowed).
    """

    def __init__(self, geoms: np.ndarray) -> None:
        raw = np.asarray(geoms, dtype=object)
        fixed = repair(raw)
        self.ok = usable(fixed)
        self.crs = (
            equal_area_crs(gpd.GeoDataFrame(geometry=raw[self.ok], crs=DISPLAY_CRS))
            if self.ok.any()
            else None
        )
        self.geoms = project(fixed, self.crs, reuse=True) if self.crs is not None else fixed
        self._pairs: tuple[np.ndarray, np.ndarray] | None = None
        self._pieces: dict[bytes, np.ndarray] = {}

    def _overlapping(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the pairs of usable polygons that intersect (found once, when first needed)."""
        if self._pairs is None:
            idx = np.flatnonzero(self.ok)
            tree = shapely.STRtree(self.geoms[idx])
            a, b = tree.query(self.geoms[idx], predicate="intersects")
            keep = a < b
            self._pairs = idx[a[keep]], idx[b[keep]]
        return self._pairs

    def pieces(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Return pieces covering the land of the polygons in ``mask``, none overlapping.

        Polygons that overlap no other of the subset are kept as they are; the others
        are unioned (cluster by cluster) and split into parts.
        """
        sel = self.ok if mask is None else np.asarray(mask, dtype=bool) & self.ok
        key = np.packbits(sel).tobytes()
        if key not in self._pieces:
            pair_a, pair_b = self._overlapping()
            both = sel[pair_a] & sel[pair_b]
            involved = np.zeros(len(sel), dtype=bool)
            involved[pair_a[both]] = involved[pair_b[both]] = True
            alone = self.geoms[sel & ~involved]
            if involved.any():
                merged = shapely.get_parts(_union(self.geoms[involved]))
                alone = np.concatenate([alone, merged])
            self._pieces[key] = alone
        return self._pieces[key]


#: The land of the last layers measured, found again from their polygon objects.
_LANDS = ObjectCache(2)


def hazard_land(hazards: Layer) -> HazardLand:
    """Return the :class:`HazardLand` of a hazard layer, measured once per set of polygons.

    The same polygon objects (e.g. ``geomap stats`` and ``geomap report`` asking for
    the area summary, the district table and the map's districts) get the same
    object, so their land is dissolved once; shapely geometries are immutable, so the
    same objects are the same shapes. Any other polygons are measured anew.

    Parameters
    ----------
    hazards : GeoDataFrame or ValidationResult
        Hazard-area polygons.

    Returns
    -------
    HazardLand
    """
    geoms = _frame(hazards, "hazards").geometry.to_numpy()
    land = _LANDS.get(geoms)
    if land is None:
        land = HazardLand(geoms)
        _LANDS.put(geoms, land)
    return land


def _union(geoms: np.ndarray) -> object:
    # Overlapping polygons form small clusters far apart: GEOS unions each on its own.
    union = getattr(shapely, "disjoint_subset_union_all", shapely.union_all)  # shapely ≥ 2.1
    return union(geoms)


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
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    first_of, start, count = np.unique(a, return_index=True, return_counts=True)
    one = count == 1  # most polygons overlap one earlier polygon: cut them all at once
    i1 = first_of[one]
    out[i1] = shapely.area(shapely.difference(geoms[i1], geoms[b[start[one]]]))
    for i, s0, n in zip(first_of[~one], start[~one], count[~one], strict=True):
        prior = shapely.union_all(geoms[b[s0 : s0 + n]])
        out[i] = shapely.area(shapely.difference(geoms[i], prior))
    return out


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
    derived = "contamination" in by and "contamination" not in _kept(hazards).columns
    haz = _frame(hazards, "hazards", [c for c in by if c != "contamination" or not derived])
    if derived:
        _require_columns(haz, "hazards", ["status"])
    table = pd.DataFrame(index=haz.index)
    for col in by:
        if col == "contamination" and derived:
            table[col] = _contamination(_status(haz))
        else:
            table[col] = haz[col].astype(object).where(haz[col].notna(), "(missing)")
    land = hazard_land(haz)
    rows = []
    if by:
        for key, idx in table.groupby(by, sort=True).indices.items():
            key = key if isinstance(key, tuple) else (key,)
            mask = np.zeros(len(haz), dtype=bool)
            mask[idx] = True
            rows.append((*key, *_group_area(land, mask)))
    if total or not by:
        rows.append((*(["all"] * len(by)), *_group_area(land, np.ones(len(haz), dtype=bool))))
    out = pd.DataFrame(rows, columns=[*by, "n_areas", "area_km2", "recorded_km2", "overlap_km2"])
    out["n_areas"] = out["n_areas"].astype(int)
    log.info("area summary by %s: %d groups", by, len(out))
    return out


def _group_area(land: HazardLand, mask: np.ndarray) -> tuple[int, float, float, float]:
    geoms = land.geoms[mask & land.ok]
    recorded = float(shapely.area(geoms).sum()) / 1e6 if len(geoms) else 0.0
    dissolved = float(shapely.area(land.pieces(mask)).sum()) / 1e6 if len(geoms) else 0.0
    return len(geoms), round(dissolved, 4), round(recorded, 4), round(recorded - dissolved, 4)


def area_over_time(
    hazards: Layer, ends: Sequence[object], *, dissolve: bool = True, by: str | None = None
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
    by : str, optional
        A column to measure each group of on its own (overlaps dissolved within a
        group): one row per group and date, the group first, groups as text in
        sorted order. Missing values form the group ``"(missing)"``. The polygons
        are repaired and projected once for all groups (:func:`hazard_land`).

    Returns
    -------
    pandas.DataFrame
        ``end``, ``recorded_km2``, ``active_km2``, ``released_km2``, one row per date
        (with ``by``: the group column first, one row per group and date).

    Examples
    --------
    >>> import geomap
    >>> hazards = geomap.load_layers("data/karabakh-sample.gpkg")["hazards"]
    >>> area_over_time(hazards, ["2021-12-31", "2023-12-31"])
             end  recorded_km2  active_km2  released_km2
    0 2021-12-31       27.6238     25.0297        2.7546
    1 2023-12-31       50.0019     32.7117       17.6519
    >>> area_over_time(hazards, ["2023-12-31"], by="device_category").iloc[:2, :3]
      device_category        end  recorded_km2
    0         AP mine 2023-12-31       11.0221
    1         AT mine 2023-12-31       13.5562
    """
    haz = _frame(hazards, "hazards", ["status", *([by] if by else [])])
    when = pd.to_datetime(pd.Series(list(ends), dtype=object)).to_numpy(dtype="datetime64[ns]")
    land = hazard_land(haz)
    t0, t1 = _dates(haz, "date_recorded"), _dates(haz, "status_date")
    released = _status(haz).isin(RELEASED_STATUSES).to_numpy()
    if by is None:
        return _km2_table(land.geoms, land.ok, t0, t1, released, when, dissolve)
    col = haz[by].astype(object)
    groups = col.where(col.notna(), "(missing)").astype(str).to_numpy()
    tables = []
    for group in sorted(set(groups)):
        ok = land.ok & (groups == group)
        table = _km2_table(land.geoms, ok, t0, t1, released, when, dissolve)
        tables.append(table.assign(**{by: group})[[by, *table.columns]])
    return pd.concat(tables, ignore_index=True)


def _km2_table(
    geoms: np.ndarray,
    ok: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
    released: np.ndarray,
    when: np.ndarray,
    dissolve: bool,
) -> pd.DataFrame:
    """Return the km² table of the ``ok`` polygons (equal-area ``geoms``) at the ``when`` dates."""
    if not ok.any():
        zero = np.zeros(len(when))
        return pd.DataFrame(
            {"end": when, "recorded_km2": zero, "active_km2": zero, "released_km2": zero}
        )
    rec, act, rel = _km2_at(geoms[ok], t0[ok], t1[ok], released[ok], when, dissolve)
    return pd.DataFrame(
        {
            "end": when,
            "recorded_km2": np.round(rec, 4),
            "active_km2": np.round(act, 4),
            "released_km2": np.round(rel, 4),
        }
    )


def _dates(haz: pd.DataFrame, field: str) -> np.ndarray:
    if field not in haz.columns:
        return np.full(len(haz), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    return pd.to_datetime(haz[field]).to_numpy(dtype="datetime64[ns]")


def _km2_at(
    geoms: np.ndarray,
    t0: np.ndarray,
    t1: np.ndarray,
    released: np.ndarray,
    when: np.ndarray,
    dissolve: bool,
) -> tuple[list[float], list[float], list[float]]:
    """Return recorded, active and released km² at each date of ``when`` (equal-area ``geoms``)."""
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
    rec: list[float] = []
    rel: list[float] = []
    act: list[float] = []
    last_key: bytes | None = None
    last_active = 0.0
    for end in when:
        recorded = np.isnat(t0) | (t0 <= end)
        gone = np.zeros(len(geoms), dtype=bool)
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
    return rec, act, rel
