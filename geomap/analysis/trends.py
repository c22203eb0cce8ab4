"""Trends: land released and casualties per month or year, with running totals.

:func:`timeline` packs both series on one period axis for a map's time slider.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from geomap.analysis._common import Layer
from geomap.analysis._common import _counts
from geomap.analysis._common import _dask_layer
from geomap.analysis._common import _frame
from geomap.analysis._common import _is_dask
from geomap.analysis._common import _kept
from geomap.analysis._common import _per_partition
from geomap.analysis._common import _periods
from geomap.analysis._common import _require_columns
from geomap.analysis._common import _status
from geomap.analysis.areas import _first_wins_area
from geomap.geo import equal_area_crs
from geomap.geo import project
from geomap.geo import repair
from geomap.geo import usable
from geomap.model import RELEASED_STATUSES

__all__ = ["casualty_trend", "release_trend", "timeline", "timeline_of"]

log = logging.getLogger(__name__)


def _period_frame(periods: pd.PeriodIndex) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": periods.astype(str), "start": periods.start_time}, index=periods
    ).rename_axis(None)


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
    if not keep.any():
        return _release_table(pd.DataFrame(columns=["period", "status", "km2"]), freq)
    sub_geoms = project(geoms[keep], equal_area_crs(haz[keep]))
    dates = pd.to_datetime(haz[date_field], errors="coerce").to_numpy()[keep]
    order = np.lexsort((np.arange(len(dates)), dates))
    km2 = _first_wins_area(sub_geoms, order) / 1e6
    frame = pd.DataFrame({"period": periods[keep].to_numpy(), "status": status[keep].to_numpy()})
    frame["km2"] = km2
    return _release_table(frame, freq)


def _release_table(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """km² per period (rows) and released status (columns), with running totals."""
    cols = list(RELEASED_STATUSES)
    if frame.empty:
        out = pd.DataFrame(columns=["period", "start", *cols, "released"])
        for c in [*cols, "released"]:
            out[f"{c}_cum"] = pd.Series(dtype=float)
        return out
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
    data = _kept(incidents)
    if _is_dask(data):
        ddf = _dask_layer(data, "incidents")
        _require_columns(ddf._meta, "incidents", ["date"])
        parts = _per_partition(ddf, _casualty_parts, freq, by)
    else:
        parts = [_casualty_parts(_frame(data, "incidents", ["date"]), freq, by)]
    undated = sum(p[3] for p in parts)
    if undated:
        log.warning("%d incidents have no date; left out of the trend", undated)
    cats = _merged_groups(parts)
    frame = pd.concat([p[0] for p in parts], ignore_index=True)
    return _casualty_table(frame, cats, freq)


def _casualty_parts(
    inc: pd.DataFrame, freq: str, by: str
) -> tuple[pd.DataFrame, list[str], bool, int]:
    """Incidents and casualties of one partition (or layer) per period and group.

    Returns the sums, the groups of ``by`` found (vocabulary order when categorical),
    whether they are a vocabulary (categorical), and the undated incidents.
    """
    periods = _periods(inc["date"], freq)
    cats, codes, names = _groups(inc, by)
    dated = periods.notna().to_numpy()
    # Sum per (period, group) over integer keys: a period's ordinal and a group's code.
    codes = codes[dated]
    ordinals = periods.array.asi8[dated]
    start = int(ordinals.min()) if len(ordinals) else 0
    keys, pairs = pd.factorize((ordinals - start) * max(len(names), 1) + codes)
    ordinal, code = np.divmod(pairs, max(len(names), 1))
    n = len(pairs)

    def total(column: str) -> np.ndarray:
        if column not in inc:
            return np.zeros(n)
        return np.bincount(keys, weights=_counts(inc[column])[dated], minlength=n)

    sums = pd.DataFrame(
        {
            "period": pd.arrays.PeriodArray(ordinal + start, dtype=pd.PeriodDtype(freq)),
            "group": np.asarray(names, dtype=object)[code],
            "n": np.bincount(keys, minlength=n),
            "killed": total("killed"),
            "injured": total("injured"),
        }
    )
    categorical = by in inc.columns and isinstance(inc[by].dtype, pd.CategoricalDtype)
    return sums, cats, categorical, int((~dated).sum())


def _merged_groups(parts: list[tuple[pd.DataFrame, list[str], bool, int]]) -> list[str]:
    """Merge the groups of every partition: a vocabulary in order, else sorted; missing last."""
    found = [c for p in parts for c in p[1] if c != _MISSING]
    cats = list(dict.fromkeys(found)) if any(p[2] for p in parts) else sorted(set(found))
    return [*cats, _MISSING] if any(_MISSING in p[1] for p in parts) else cats


_MISSING = "(missing)"


def _groups(inc: pd.DataFrame, by: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the categories of ``by`` (vocabulary order), each incident's group, the groups.

    Each incident's group is a code into the groups' values (as text unless ``by`` is
    categorical); missing values are the group :data:`_MISSING`.
    """
    if by not in inc.columns:
        return [], np.zeros(len(inc), dtype=np.intp), np.array([_MISSING], dtype=object)
    values = inc[by]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = np.asarray(uniques, dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = list(values.cat.categories)
    else:  # named as text, like the table's columns, whatever the values' type
        names = np.array([str(v) for v in names], dtype=object)
        cats = sorted(set(names))
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names = np.append(names, np.array([_MISSING], dtype=object))
        cats.append(_MISSING)
    return cats, codes, names


def _casualty_table(frame: pd.DataFrame, cats: list[str], freq: str) -> pd.DataFrame:
    """Incidents and casualties per period, per group, with running totals.

    ``frame`` holds sums per period and group (``n`` incidents, ``killed``,
    ``injured``), one or more rows each (one per partition).
    """
    base = ["incidents", "killed", "injured", "casualties"]
    if frame.empty:
        return pd.DataFrame(columns=["period", "start", *base, *cats, *(f"{c}_cum" for c in base)])
    frame["casualties"] = frame["killed"] + frame["injured"]
    full = pd.period_range(frame["period"].min(), frame["period"].max(), freq=freq)
    at = frame["period"].array.asi8 - full[0].ordinal  # each row's place on the axis

    def per_period(values: Any) -> np.ndarray:
        return np.bincount(at, weights=np.asarray(values, dtype=float), minlength=len(full))

    out = _period_frame(full)
    out["incidents"] = per_period(frame["n"])
    for c in ("killed", "injured", "casualties"):
        out[c] = per_period(frame[c])
    group = frame["group"].to_numpy()
    for c in cats:
        out[c] = per_period(frame["casualties"].where(group == c, 0))
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
    >>> import geomap
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
    >>> t = timeline(layers["incidents"], layers["hazards"])
    >>> t["periods"][:2], t["casualties"]["casualties_cum"][:2]
    (['2020-11', '2020-12'], [3, 6])
    """
    return timeline_of(
        casualty_trend(incidents, freq) if incidents is not None else None,
        release_trend(hazards, freq) if hazards is not None else None,
        freq,
    )


def timeline_of(
    casualties: pd.DataFrame | None, released: pd.DataFrame | None, freq: str = "M"
) -> dict[str, Any]:
    """:func:`timeline` of trend tables already computed, with the same ``freq``.

    Parameters
    ----------
    casualties : DataFrame, optional
        :func:`casualty_trend`'s table.
    released : DataFrame, optional
        :func:`release_trend`'s table.
    freq : {"M", "Y"}, default "M"
        The tables' period.

    Returns
    -------
    dict
        As :func:`timeline` returns.

    Examples
    --------
    >>> timeline_of(None, None)
    {'freq': 'M', 'periods': [], 'starts': []}
    """
    tables = {
        name: t
        for name, t in (("casualties", casualties), ("released_km2", released))
        if t is not None
    }
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
        out[name] = _series(t, axis, int if name == "casualties" else float)
    return out


def _series(table: pd.DataFrame, axis: pd.PeriodIndex, kind: type) -> dict[str, list[Any]]:
    """Each column of a trend table on the period ``axis`` (running totals carried on)."""
    t = table.set_index("period").reindex([str(p) for p in axis])
    series: dict[str, list[Any]] = {}
    for col in t.columns:
        if col == "start":
            continue
        values = t[col]
        if col.endswith("_cum"):
            values = values.ffill()
        values = values.fillna(0)
        series[str(col)] = [kind(v) for v in values]
    return series
