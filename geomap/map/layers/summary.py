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
_COUNTS = ("incidents", "killed", "injured")


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


def _running_totals(
    incidents: gpd.GeoDataFrame, months: pd.PeriodIndex, k: int | None
) -> dict[str, list[Any]]:
    """Return incidents, killed and injured so far at each month's end (casualty_trend).

    Undated incidents count from the first month. A count unknown for every
    incident is None throughout (shown as a dash, not 0).
    """
    dates = (
        pd.to_datetime(incidents["date"])
        if "date" in incidents.columns
        else pd.Series(pd.NaT, index=incidents.index)
    )
    dated = dates.notna().to_numpy()
    axis = [str(m) for m in months]
    cum = [f"{c}_cum" for c in _COUNTS]
    totals = pd.DataFrame(0.0, index=axis, columns=cum)
    if dated.any():
        trend = casualty_trend(incidents[dated].assign(date=dates[dated]), "M")
        totals = trend.set_index("period")[cum].reindex(axis).ffill().fillna(0.0)
    undated = incidents[~dated]
    out: dict[str, list[Any]] = {}
    for c in _COUNTS:
        if c != "incidents" and c not in incidents.columns:
            continue
        if c != "incidents" and incidents[c].isna().all():
            out[c] = [None] * len(axis)
            continue
        extra = len(undated) if c == "incidents" else float(undated[c].astype(float).sum())
        out[c] = [_suppress(int(v), k) for v in (totals[f"{c}_cum"] + extra).to_numpy()]
    return out


def _incident_rows(
    incidents: gpd.GeoDataFrame, months: pd.PeriodIndex, k: int | None
) -> list[SummaryRow]:
    totals = _running_totals(incidents, months, k)
    rows: list[SummaryRow] = [
        {"key": c, "label": c.capitalize(), "values": totals[c]} for c in _COUNTS if c in totals
    ]
    if "victim_category" not in incidents.columns or not {"killed", "injured"} <= set(totals):
        return rows
    cats = incidents["victim_category"].astype(object)
    for cat in VICTIM_CATEGORY.codes:
        sel = (cats == cat).to_numpy()
        if not sel.any():
            continue
        by_cat = _running_totals(incidents[sel], months, k)
        texts = [
            f"{_count_text(a)} / {_count_text(b)}"
            for a, b in zip(by_cat["killed"], by_cat["injured"], strict=True)
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
