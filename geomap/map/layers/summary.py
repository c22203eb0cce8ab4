"""The time slider's months and the summary panel that follows it.

The panel's figures come from :mod:`geomap.analysis` (:func:`casualty_trend`
for incidents and casualties, :func:`area_over_time` for land), read at the end
of each month of the slider; a public map suppresses counts below k.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.analysis import area_over_time, casualty_trend
from geomap.map._inputs import MapInputs
from geomap.map.contract import Summary, SummaryRow, Timeline
from geomap.model import VICTIM_CATEGORY

__all__ = ["DISSOLVE_SUMMARY_MAX", "slider_months", "summary_panel", "timeline_config"]

#: Up to this many hazard areas, the summary panel's areas are dissolved (overlaps
#: once; it costs a union per month).
DISSOLVE_SUMMARY_MAX = 500


def slider_months(data: MapInputs) -> pd.PeriodIndex | None:
    """Return every month from the first to the last date of an incident or hazard area.

    The incidents' true dates count (also for a public map: months are aggregate
    information). None when there are no dates.
    """
    inc, haz = data.true_incidents, data.hazards
    dates = [inc["date"] if inc is not None and "date" in inc.columns else None]
    for field in ("date_recorded", "status_date"):
        dates.append(haz[field] if haz is not None and field in haz.columns else None)
    present = [pd.to_datetime(d) for d in dates if d is not None and len(d)]
    if not present:
        return None
    values = pd.concat(present, ignore_index=True).dropna()
    if values.empty:
        return None
    return pd.period_range(values.min().to_period("M"), values.max().to_period("M"), freq="M")


def _month_ends(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    return months.to_timestamp(how="end").normalize()


def timeline_config(months: pd.PeriodIndex) -> Timeline:
    """Return the slider's months and the last day of each (days since 1970-01-01)."""
    days = _month_ends(months).to_numpy(dtype="datetime64[D]").astype(np.int64)
    return {"months": [str(p) for p in months], "days": [int(v) for v in days]}


def _suppress(value: int, k: int | None) -> Any:
    if k is not None and 0 < value < k:
        return f"fewer than {k}"
    return value


def _count_text(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _running(trend: pd.DataFrame | None, column: str, axis: list[str]) -> np.ndarray:
    """Return the running total of a trend's per-month column at each month of ``axis``."""
    if trend is None or column not in trend.columns:
        return np.zeros(len(axis))
    per_month = trend.set_index("period")[column].reindex(axis, fill_value=0)
    return per_month.cumsum().to_numpy(dtype=float)


def _shown(total: np.ndarray, counts: pd.Series | None, k: int | None) -> list[Any]:
    """Return the values of a row (None throughout where every count is unknown: a dash)."""
    if counts is not None and counts.isna().all():
        return [None] * len(total)
    return [_suppress(int(v), k) for v in total]


def _incident_rows(
    incidents: gpd.GeoDataFrame, months: pd.PeriodIndex, k: int | None
) -> list[SummaryRow]:
    """Return incidents, killed and injured so far at each month's end (from casualty_trend).

    Undated incidents count from the first month. Per victim category, killed
    come from a trend of killed alone and injured are the rest of its casualties.
    """
    dates = pd.to_datetime(incidents["date"]) if "date" in incidents.columns else pd.NaT
    inc = incidents.assign(date=dates)
    dated = inc["date"].notna().to_numpy()
    axis = [str(m) for m in months]
    trend = casualty_trend(inc[dated], "M") if dated.any() else None
    undated = inc[~dated]
    incidents_so_far = _running(trend, "incidents", axis) + len(undated)
    rows: list[SummaryRow] = [
        {"key": "incidents", "label": "Incidents", "values": _shown(incidents_so_far, None, k)}
    ]
    for c in ("killed", "injured"):
        if c in inc.columns:
            total = _running(trend, c, axis) + float(undated[c].astype(float).sum())
            rows.append({"key": c, "label": c.capitalize(), "values": _shown(total, inc[c], k)})
    if {"victim_category", "killed", "injured"} <= set(inc.columns):
        killed = casualty_trend(inc[dated].drop(columns="injured"), "M") if dated.any() else None
        rows += _victim_rows(inc, trend, killed, axis, k)
    return rows


def _victim_rows(
    inc: gpd.GeoDataFrame,
    casualties: pd.DataFrame | None,
    killed: pd.DataFrame | None,
    axis: list[str],
    k: int | None,
) -> list[SummaryRow]:
    """Return a "killed / injured" row per victim category present."""
    cats = inc["victim_category"].astype(object)
    undated = inc["date"].isna()
    rows: list[SummaryRow] = []
    for cat in VICTIM_CATEGORY.codes:
        sel = cats == cat
        if not sel.any():
            continue
        late = inc.loc[sel & undated, ["killed", "injured"]].astype(float).sum()
        dead = _running(killed, cat, axis)
        hurt = _running(casualties, cat, axis) - dead
        texts = [
            f"{_count_text(a)} / {_count_text(b)}"
            for a, b in zip(
                _shown(dead + late["killed"], inc.loc[sel, "killed"], k),
                _shown(hurt + late["injured"], inc.loc[sel, "injured"], k),
                strict=True,
            )
        ]
        rows.append(
            {
                "key": f"victims-{cat}",
                "label": f"{cat}: killed / injured",
                "indent": True,
                "values": texts,
            }
        )
    return rows


def _area_rows(hazards: gpd.GeoDataFrame, months: pd.PeriodIndex) -> list[SummaryRow]:
    dissolve = len(hazards) <= DISSOLVE_SUMMARY_MAX
    areas = area_over_time(hazards, list(_month_ends(months)), dissolve=dissolve)
    return [
        {
            "key": "active_km2",
            "label": "Active hazard area (km²)",
            "values": [round(float(v), 2) for v in areas["active_km2"]],
        },
        {
            "key": "released_km2",
            "label": "Land released (km²)",
            "values": [round(float(v), 2) for v in areas["released_km2"]],
        },
    ]


def _note(hazards: gpd.GeoDataFrame | None, k: int | None) -> str:
    note = ""
    if hazards is not None and len(hazards):
        note = (
            "Where hazard areas overlap, land counts once."
            if len(hazards) <= DISSOLVE_SUMMARY_MAX
            else "Areas are sums of recorded areas: where polygons overlap, the overlap "
            "counts for each (see geomap stats for dissolved areas)."
        )
    return note + (f" Counts below {k} are suppressed." if k else "")


def summary_panel(
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    months: pd.PeriodIndex,
    k: int | None = None,
) -> Summary:
    """Return the summary panel: totals at the end of each month.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame, optional
        The incidents as recorded (also for a public map).
    hazards : geopandas.GeoDataFrame, optional
        The hazard areas drawn.
    months : pandas.PeriodIndex
        The slider's months.
    k : int, optional
        Counts below ``k`` are suppressed ("fewer than k").

    Returns
    -------
    Summary
        Incidents, killed and injured so far (and killed / injured per victim
        category), active and released km², one value per month.
    """
    rows: list[SummaryRow] = []
    if incidents is not None and len(incidents):
        rows += _incident_rows(incidents, months, k)
    if hazards is not None and len(hazards) and "status" in hazards.columns:
        rows += _area_rows(hazards, months)
    return {
        "title": "Summary",
        "months": [str(m) for m in months],
        "rows": rows,
        "note": _note(hazards, k),
    }
