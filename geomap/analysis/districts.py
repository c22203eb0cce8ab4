"""Per district: incidents, casualties and hazard km², joined on geometry (never names).

A district file may be geoBoundaries' ADM2 or the sample's ``districts`` layer; the
id and name columns are found by name unless given. :func:`district_summary` also
takes a ``dask_geopandas.GeoDataFrame`` of incidents, counted partition by partition.

Joins are on geometry only: an incident counts in the district polygon that
covers it (a point on a shared border, in the first such district); hazard land
is cut by district boundaries, so an area across a border is split and the parts
add up. Names never join anything (they repeat in real boundary files, e.g. two
"Lankaran District" in geoBoundaries' Azerbaijan ADM2); they are carried along as
labels. The ``district`` text column of the layers is ignored.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geomap._errors import ValidationError
from geomap.analysis._common import Layer
from geomap.analysis._common import _contamination
from geomap.analysis._common import _counts
from geomap.analysis._common import _dask_layer
from geomap.analysis._common import _frame
from geomap.analysis._common import _is_dask
from geomap.analysis._common import _require_columns
from geomap.analysis._common import _status
from geomap.analysis.areas import hazard_land
from geomap.geo import equal_area_crs
from geomap.geo import project
from geomap.geo import repair
from geomap.model import DISPLAY_CRS
from geomap.model import VICTIM_CATEGORY

__all__ = ["DISTRICT_COLUMNS", "district_summary"]

log = logging.getLogger(__name__)

_DISTRICT_ID_FIELDS = ("district_id", "shapeID", "id", "ID", "code", "pcode", "ADM2_PCODE")
_DISTRICT_NAME_FIELDS = ("name", "shapeName", "NAME", "district", "ADM2_EN", "NAME_2")
#: The headline columns of :func:`district_summary`, as ``geomap stats`` and the report show them.
DISTRICT_COLUMNS = (
    "district_id",
    "name",
    "incidents",
    "killed",
    "injured",
    "casualties",
    "casualties_unknown",
    "active_km2",
    "released_km2",
)
_OUTSIDE_ID = "outside"
_OUTSIDE_NAME = "(outside every district)"


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


def _district_of(points: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """Position of the first district covering each point (-1: none), without a point tree.

    Points are sorted by x once; each district tests (prepared) only the points in its
    box, taken from that sorted order: a point on a shared border goes to the first
    district that covers it.
    """
    where = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(zones):
        return where
    x, y = shapely.get_x(points), shapely.get_y(points)  # missing points: NaN, in no box
    order = np.argsort(x, kind="stable")
    xs = x[order]
    bounds = shapely.bounds(zones)
    for i, (x0, y0, x1, y1) in enumerate(bounds):
        if not shapely.is_empty(zones[i]) and zones[i] is not None:
            slab = order[np.searchsorted(xs, x0, "left") : np.searchsorted(xs, x1, "right")]
            cand = slab[(y[slab] >= y0) & (y[slab] <= y1) & (where[slab] < 0)]
            shapely.prepare(zones[i])
            where[cand[shapely.intersects_xy(zones[i], x[cand], y[cand])]] = i
    return where


def _district_counts(incidents: pd.DataFrame, zones: np.ndarray) -> pd.DataFrame:
    """Count per district position (-1: outside every district), for one partition."""
    points = incidents.geometry.to_numpy()
    n = len(points)
    where = _district_of(points, zones)
    slot = where + 1  # 0 = outside
    size = len(zones) + 1
    killed = _counts(incidents["killed"]) if "killed" in incidents else np.zeros(n)
    injured = _counts(incidents["injured"]) if "injured" in incidents else np.zeros(n)
    # Incidents whose casualties are not (fully) known: counted apart, never as 0.
    unknown = np.zeros(n, dtype=bool)
    for c in ("killed", "injured"):
        col = incidents[c] if c in incidents else pd.Series(np.nan, index=incidents.index)
        unknown |= pd.to_numeric(col, errors="coerce").isna().to_numpy()
    data = {
        "incidents": np.bincount(slot, minlength=size),
        "killed": np.bincount(slot, weights=killed, minlength=size),
        "injured": np.bincount(slot, weights=injured, minlength=size),
        "casualties_unknown": np.bincount(slot, weights=unknown, minlength=size),
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

    Joins are on geometry only (see the module's notes), never on names.

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
    >>> import geomap
    >>> sample = "data/karabakh-sample.gpkg"
    >>> layers = geomap.load_layers(sample)
    >>> districts = geomap.read_layer(sample, layer="districts")
    >>> table = district_summary(layers["incidents"], layers["hazards"], districts)
    >>> int(table["casualties"].sum())
    177
    """
    dist = _frame(districts, "districts")
    keys, names = _district_keys(dist, id_field, name_field)
    zones = repair(dist.geometry.to_numpy())
    ea = equal_area_crs(dist) if len(dist) else None
    counts = _counts_by_district(incidents, zones)
    km2, outside = _hazard_km2(hazards, zones, ea)
    km2["area"] = shapely.area(project(zones, ea)) / 1e6 if ea is not None else np.zeros(len(zones))
    table = _table(keys, names, counts.iloc[1:], km2)
    table, geometry = _with_outside(table, list(dist.geometry.to_numpy()), counts, outside)
    log.info(
        "district summary: %d districts, %d incidents (%d outside every district)",
        len(dist),
        int(table["incidents"].sum()),
        int(counts["incidents"].loc[-1]),
    )
    return gpd.GeoDataFrame(table, geometry=geometry, crs=DISPLAY_CRS)


def _with_outside(
    table: pd.DataFrame, geometry: list[Any], counts: pd.DataFrame, outside: dict[str, float]
) -> tuple[pd.DataFrame, list[Any]]:
    """Add the "outside" row when anything lies outside every district; round the table."""
    out_counts = counts.loc[-1]
    if out_counts["incidents"] > 0 or outside["active"] > 1e-9 or outside["released"] > 1e-9:
        row: dict[str, object] = {"district_id": _OUTSIDE_ID, "name": _OUTSIDE_NAME}
        row.update({c: out_counts[c] for c in counts.columns})
        row["casualties"] = out_counts["killed"] + out_counts["injured"]
        row.update(
            {"active_km2": outside["active"], "released_km2": outside["released"], "area_km2": 0.0}
        )
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        geometry = [*geometry, None]
    for c in [*counts.columns, "casualties"]:
        table[c] = table[c].round().astype(int)
    for c in ("active_km2", "released_km2", "area_km2"):
        table[c] = table[c].astype(float).round(4)
    return table, geometry


def _table(
    keys: np.ndarray,
    names: np.ndarray | None,
    counts: pd.DataFrame,
    km2: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Return the districts' rows: ids, names, counts, casualties and km² columns."""
    table = pd.DataFrame(
        {
            "district_id": keys,
            "name": names if names is not None else np.full(len(keys), None, dtype=object),
        }
    )
    for c in counts.columns:
        table[c] = counts[c].to_numpy()
    table.insert(5, "casualties", table["killed"] + table["injured"])
    table["active_km2"] = km2["active"]
    table["released_km2"] = km2["released"]
    table["area_km2"] = km2["area"]
    return table


def _counts_by_district(incidents: Layer | Any | None, zones: np.ndarray) -> pd.DataFrame:
    """:func:`_district_counts` of the incidents, in memory or partition by partition."""
    if incidents is None:
        return _district_counts(gpd.GeoDataFrame(geometry=[], crs=DISPLAY_CRS), zones)
    if _is_dask(incidents):
        ddf = _dask_layer(incidents, "incidents")
        meta = _district_counts(ddf._meta, zones).iloc[:0]
        parts = ddf.map_partitions(_district_counts, zones, meta=meta).compute()
        return parts.groupby(level=0).sum().reindex(range(-1, len(zones)), fill_value=0)
    return _district_counts(_frame(incidents, "incidents"), zones)


def _hazard_km2(
    hazards: Layer | None, zones: np.ndarray, ea: CRS | None
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Active and released km² per district (dissolved, cut at borders), and outside all."""
    km2 = {"active": np.zeros(len(zones)), "released": np.zeros(len(zones))}
    outside = {"active": 0.0, "released": 0.0}
    if hazards is None:
        return km2, outside
    haz = _frame(hazards, "hazards", ["status"])
    state = _contamination(_status(haz)).to_numpy()
    if not len(haz) or ea is None:
        return km2, outside
    land = hazard_land(haz)  # dissolved once, shared with the area summary
    if land.crs is None:
        return km2, outside
    zones_ea = project(zones, land.crs)
    for key, name in (("active", "contaminated"), ("released", "released")):
        pieces = land.pieces(state == name)
        per, out_km = _area_by_zone(pieces, zones_ea)
        km2[key] += per / 1e6
        outside[key] = out_km / 1e6
    return km2, outside


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
