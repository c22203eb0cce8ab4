"""Data quality: flag suspect geometries and dates, as GICHD's geocheck does for IMSMA.

The checks of :func:`check_quality` (``check`` column), with their thresholds:

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

Lengths and areas are measured in metres (:func:`geomap.geo.metric_crs`,
:func:`geomap.geo.equal_area_crs`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.analysis._common import Layer
from geomap.analysis._common import _as_timestamp
from geomap.analysis._common import _frame
from geomap.analysis._common import _ids
from geomap.geo import equal_area_crs
from geomap.geo import metric_crs
from geomap.geo import project
from geomap.geo import usable
from geomap.i18n import N_
from geomap.model import DISPLAY_CRS

__all__ = ["check_quality"]

log = logging.getLogger(__name__)

#: The sentences of the ``detail`` column, in English with the numbers as Python writes
#: them (``1,234.5``); a report in another language reads the values back and writes the
#: sentence from its catalogue (:func:`detail_parts`). Most specific first.
DATED_AFTER_TODAY = N_("dated {date}, after today ({today})")
FIELD_AFTER_TODAY = N_("{field} {date}, after today ({today})")
BEFORE_RECORD = N_("dated {date}, before the record starts ({start})")
SAME_PLACE_AND_DATE = N_("same place and date as {others}")
FEW_VERTICES = N_("a ring has {k} distinct vertices (fewer than {min})")
INVALID = N_("invalid: {reason}")
SAME_SHAPE = N_("same shape as {other}")
OVERLAP = N_("overlaps {other} by {area} m² ({share}% of this area)")
SLIVER = N_("mean width {width} m (2 × area {area} m² / perimeter {perimeter} m), under {limit} m")
SPIKE = N_(
    "vertex {vertex} is {edge} m from both neighbours; the ring's median edge is {median} m "
    "(flagged above {factor}×)"
)
DETAILS = (
    DATED_AFTER_TODAY,
    BEFORE_RECORD,
    FIELD_AFTER_TODAY,
    SAME_PLACE_AND_DATE,
    FEW_VERTICES,
    INVALID,
    SAME_SHAPE,
    OVERLAP,
    SLIVER,
    SPIKE,
)


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    """Return the regular expression that reads a sentence of ``template`` back."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.+?)" for k, p in enumerate(parts))
    )


def detail_parts(detail: str) -> tuple[str, dict[str, str]] | None:
    """Return the template and values of a ``detail`` sentence, or None if it has none.

    Examples
    --------
    >>> detail_parts("same shape as HA-7")
    ('same shape as {other}', {'other': 'HA-7'})
    """
    for template in DETAILS:
        found = _pattern(template).fullmatch(detail)
        if found:
            return template, found.groupdict()
    return None


_FLAG_COLUMNS = ["layer", "id", "check", "detail"]


class _Limits(NamedTuple):
    """The thresholds of the hazard checks."""

    min_vertices: int
    overlap_min_m2: float
    sliver_width_m: float
    spike_factor: float
    spike_angle_deg: float


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

    Each check (``check`` column; listed in the module's notes) has its threshold
    as a keyword argument.

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
    limits = _Limits(min_vertices, overlap_min_m2, sliver_width_m, spike_factor, spike_angle_deg)
    flags: list[pd.DataFrame] = []
    if hazards is not None:
        flags.extend(_check_hazards(_frame(hazards, "hazards"), limits, now))
    if incidents is not None:
        flags.extend(_check_incidents(_frame(incidents, "incidents"), start, now))
    flags = [f for f in flags if len(f)]
    if not flags:
        return pd.DataFrame(columns=_FLAG_COLUMNS)
    out = pd.concat(flags, ignore_index=True)[_FLAG_COLUMNS]
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
            today = f"{now:%Y-%m-%d}"
            detail = [
                DATED_AFTER_TODAY.format(date=f"{v:%Y-%m-%d}", today=today)
                if f == "date"
                else FIELD_AFTER_TODAY.format(field=f, date=f"{v:%Y-%m-%d}", today=today)
                for v in d[late]
            ]
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
                BEFORE_RECORD.format(date=f"{v:%Y-%m-%d}", start=f"{start:%Y-%m-%d}")
                for v in d[early]
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
                    detail.append(SAME_PLACE_AND_DATE.format(others=others))
            flags.append(_flag("incidents", ids[rows], "duplicate_geometry", detail))
    return flags


def _check_hazards(
    haz: gpd.GeoDataFrame, limits: _Limits, today: pd.Timestamp
) -> list[pd.DataFrame]:
    ids = _ids(haz)
    geoms = haz.geometry.to_numpy()
    poly = usable(geoms) & np.isin(shapely.get_type_id(geoms), [3, 6])
    dates = _dates_flags("hazards", ids, haz, ["date_recorded", "status_date"], today)
    if not poly.any():
        return dates
    idx = np.flatnonzero(poly)
    g = geoms[idx]
    crs = metric_crs(gpd.GeoDataFrame(geometry=g, crs=DISPLAY_CRS))
    ea = equal_area_crs(gpd.GeoDataFrame(geometry=g, crs=DISPLAY_CRS))
    gm, ge = project(g, crs), project(g, ea)
    pid = ids[idx]  # ids of the polygons checked
    flags, ok = _shape_flags(g, pid, limits.min_vertices)
    flags += _pair_flags(ge, pid, ok, limits.overlap_min_m2)
    flags += _sliver_flags(gm, pid, ok, limits.sliver_width_m)
    flags += _spike_flags(gm, pid, limits.spike_factor, limits.spike_angle_deg)
    return flags + dates


def _shape_flags(
    g: np.ndarray, ids: np.ndarray, min_vertices: int
) -> tuple[list[pd.DataFrame], np.ndarray]:
    """Few vertices, invalid shapes; and which polygons are fit for the pair checks."""
    flags: list[pd.DataFrame] = []
    pos, distinct = _few_vertices(g, min_vertices)
    few = set(pos.tolist())
    if len(pos):
        detail = [FEW_VERTICES.format(k=k, min=min_vertices) for k in distinct]
        flags.append(_flag("hazards", ids[pos], "few_vertices", detail))
    valid = shapely.is_valid(g)
    bad = np.array([i for i in np.flatnonzero(~valid) if i not in few], dtype=int)
    if len(bad):
        reasons = shapely.is_valid_reason(g[bad])
        detail = [INVALID.format(reason=r) for r in reasons]
        flags.append(_flag("hazards", ids[bad], "invalid", detail))
    ok = valid.copy()
    ok[list(few)] = False
    return flags, ok


def _pair_flags(
    ge: np.ndarray, ids: np.ndarray, ok: np.ndarray, overlap_min_m2: float
) -> list[pd.DataFrame]:
    """Pairs that share land: duplicates, then overlaps (valid shapes, equal-area CRS)."""
    rows = np.flatnonzero(ok)
    if len(rows) < 2:
        return []
    flags: list[pd.DataFrame] = []
    a, b = _candidate_pairs(ge, rows, overlap_min_m2)
    same = _same_shape(ge, a, b)
    if same.any():
        ia, ib = a[same], b[same]
        detail = [SAME_SHAPE.format(other=ids[j]) for j in np.r_[ib, ia]]
        flags.append(_flag("hazards", np.r_[ids[ia], ids[ib]], "duplicate_geometry", detail))
    a, b = a[~same], b[~same]
    if not len(a):
        return flags
    shared = np.zeros(len(a))
    box = _box_overlap(ge, a, b) > overlap_min_m2  # land shared ≤ their boxes' overlap
    shared[box] = shapely.area(shapely.intersection(ge[a[box]], ge[b[box]]))
    big = shared > overlap_min_m2
    a, b, shared = a[big], b[big], shared[big]
    area = shapely.area(ge)
    rows, partner, both = np.r_[a, b], np.r_[b, a], np.r_[shared, shared]
    detail = [
        OVERLAP.format(other=ids[j], area=f"{s:,.0f}", share=f"{100 * s / area[i]:.1f}")
        for i, j, s in zip(rows, partner, both, strict=True)
    ]
    if len(rows):
        flags.append(_flag("hazards", ids[rows], "overlap", detail))
    return flags


def _box_overlap(ge: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Area shared by the bounding boxes of ``ge[a]`` and ``ge[b]``, pair by pair."""
    ba, bb = shapely.bounds(ge[a]), shapely.bounds(ge[b])
    w = np.minimum(ba[:, 2], bb[:, 2]) - np.maximum(ba[:, 0], bb[:, 0])
    h = np.minimum(ba[:, 3], bb[:, 3]) - np.maximum(ba[:, 1], bb[:, 1])
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def _candidate_pairs(
    ge: np.ndarray, rows: np.ndarray, overlap_min_m2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a < b) of ``rows`` that may be duplicates or overlaps, from the boxes alone.

    A pair can share more than ``overlap_min_m2`` only if its boxes do, and can be the
    same shape only if its boxes are equal; every other pair is left out before any
    geometry is compared (the cost stays bounded where many polygons touch).
    """
    a, b = shapely.STRtree(ge[rows]).query(ge[rows])
    keep = a < b
    a, b = rows[a[keep]], rows[b[keep]]
    box = _box_overlap(ge, a, b)
    equal_box = (shapely.bounds(ge[a]) == shapely.bounds(ge[b])).all(axis=1)
    keep = (box > overlap_min_m2) | equal_box
    return a[keep], b[keep]


def _same_shape(ge: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which pairs are the same shape (compared only where their boxes are equal)."""
    same = (shapely.bounds(ge[a]) == shapely.bounds(ge[b])).all(axis=1)
    same[same] = shapely.equals(ge[a[same]], ge[b[same]])
    return same


def _sliver_flags(
    gm: np.ndarray, ids: np.ndarray, ok: np.ndarray, sliver_width_m: float
) -> list[pd.DataFrame]:
    area_m = shapely.area(gm)
    perim = shapely.length(gm)
    width = np.where(perim > 0, 2 * area_m / np.maximum(perim, 1e-12), 0.0)
    thin = np.flatnonzero((width < sliver_width_m) & ok)
    if not len(thin):
        return []
    detail = [
        SLIVER.format(
            width=f"{width[i]:.2f}",
            area=f"{area_m[i]:,.0f}",
            perimeter=f"{perim[i]:,.0f}",
            limit=f"{sliver_width_m:g}",
        )
        for i in thin
    ]
    return [_flag("hazards", ids[thin], "sliver", detail)]


def _spike_flags(
    gm: np.ndarray, ids: np.ndarray, spike_factor: float, spike_angle_deg: float
) -> list[pd.DataFrame]:
    spikes = _spikes(gm, spike_factor, spike_angle_deg)
    if not spikes:
        return []
    detail = [
        SPIKE.format(vertex=v, edge=f"{e:,.0f}", median=f"{m:,.0f}", factor=f"{spike_factor:g}")
        for _, v, e, m in spikes
    ]
    return [_flag("hazards", ids[[s[0] for s in spikes]], "spike", detail)]
