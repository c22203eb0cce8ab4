"""The time slider's months and the summary panel that follows it.

The panel's figures come from :mod:`geomap.analysis` (:func:`casualty_trend`
for incidents and casualties, :func:`area_over_time` for land), read at the end
of each month of the slider.

A public map's slider steps by quarter, and its panel (:func:`public_rows`)
shows incidents, killed and injured released in steps of at least k incidents:
no two steps differ by fewer than k incidents, so moving the slider never
reveals a small count; the breakdown by victim category is left out.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.analysis import area_over_time
from geomap.analysis import casualty_trend
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import format_number
from geomap.i18n import translator
from geomap.map._inputs import MapInputs
from geomap.map.contract import Summary
from geomap.map.contract import SummaryRow
from geomap.map.contract import Timeline
from geomap.model import INCIDENTS
from geomap.model import VICTIM_CATEGORY

__all__ = [
    "DISSOLVE_SUMMARY_MAX",
    "public_rows",
    "released",
    "slider_months",
    "summary_panel",
    "timeline_config",
]

#: Up to this many hazard areas, the summary panel's areas are dissolved (overlaps
#: once; it costs a union per month).
DISSOLVE_SUMMARY_MAX = 500


def slider_months(data: MapInputs, period: str = "M") -> pd.PeriodIndex | None:
    """Return every month (or ``period``) from the first to the last date of the layers.

    The incidents' true dates count (also for a public map, whose steps are
    quarters: the span is aggregate information). None when there are no dates.
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
    return pd.period_range(
        values.min().to_period(period), values.max().to_period(period), freq=period
    )


def _month_ends(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    return months.to_timestamp(how="end").normalize()


def timeline_config(months: pd.PeriodIndex) -> Timeline:
    """Return the slider's months and the last day of each (days since 1970-01-01)."""
    days = _month_ends(months).to_numpy(dtype="datetime64[D]").astype(np.int64)
    return {"months": [str(p) for p in months], "days": [int(v) for v in days]}


def _count_text(value: Any, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return "—"
    return format_number(value, lang) if isinstance(value, int) else str(value)


def _running(trend: pd.DataFrame | None, column: str, axis: list[str]) -> np.ndarray:
    """Return the running total of a trend's per-month column at each month of ``axis``."""
    if trend is None or column not in trend.columns:
        return np.zeros(len(axis))
    per_month = trend.set_index("period")[column].reindex(axis, fill_value=0)
    return per_month.cumsum().to_numpy(dtype=float)


def _shown(total: np.ndarray, counts: pd.Series | None) -> list[Any]:
    """Return the values of a row (None throughout where every count is unknown: "unknown")."""
    if counts is not None and counts.isna().all():
        return [None] * len(total)
    return [int(v) for v in total]


def _incident_rows(
    incidents: gpd.GeoDataFrame, months: pd.PeriodIndex, lang: str = DEFAULT_LANG
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
    _ = translator(lang)
    rows: list[SummaryRow] = [
        {"key": "incidents", "label": _("Incidents"), "values": _shown(incidents_so_far, None)}
    ]
    for c in ("killed", "injured"):
        if c in inc.columns:
            total = _running(trend, c, axis) + float(undated[c].astype(float).sum())
            rows.append({"key": c, "label": _(_CASUALTY[c]), "values": _shown(total, inc[c])})
    if {"victim_category", "killed", "injured"} <= set(inc.columns):
        killed = casualty_trend(inc[dated].drop(columns="injured"), "M") if dated.any() else None
        rows += _victim_rows(inc, trend, killed, axis, lang)
    return rows


#: The summary's casualty rows (the model's labels of ``killed`` and ``injured``).
_CASUALTY = {"killed": INCIDENTS.field("killed").label, "injured": INCIDENTS.field("injured").label}


def _victim_rows(
    inc: gpd.GeoDataFrame,
    casualties: pd.DataFrame | None,
    killed: pd.DataFrame | None,
    axis: list[str],
    lang: str = DEFAULT_LANG,
) -> list[SummaryRow]:
    """Return a "killed / injured" row per victim category present."""
    _ = translator(lang)
    codes, found = pd.factorize(inc["victim_category"])  # compare small integers, not text
    where = {str(v): i for i, v in enumerate(found)}
    undated = inc["date"].isna()
    rows: list[SummaryRow] = []
    for cat in VICTIM_CATEGORY.codes:
        if cat not in where:
            continue
        sel = pd.Series(codes == where[cat], index=inc.index)
        late = inc.loc[sel & undated, ["killed", "injured"]].astype(float).sum()
        dead = _running(killed, cat, axis)
        hurt = _running(casualties, cat, axis) - dead
        texts = [
            f"{_count_text(a, lang)} / {_count_text(b, lang)}"
            for a, b in zip(
                _shown(dead + late["killed"], inc.loc[sel, "killed"]),
                _shown(hurt + late["injured"], inc.loc[sel, "injured"]),
                strict=True,
            )
        ]
        rows.append(
            {
                "key": f"victims-{cat}",
                "label": _("{category}: killed / injured", category=_(cat)),
                "indent": True,
                "values": texts,
            }
        )
    return rows


def released(counts: np.ndarray, k: int) -> np.ndarray:
    """Return, at each step, the step whose figures are shown (-1: none yet).

    A step is released when at least ``k`` incidents were recorded since the last
    one released; the last step is always released when the total reaches k (if
    its own increase is under k, the release before it is dropped, so that the
    two merge). Between releases the figures of the last release are shown as
    "at least".

    Examples
    --------
    >>> released(np.array([1, 3, 4, 5, 9, 10]), 3).tolist()
    [-1, 1, 1, 1, 1, 5]
    >>> released(np.array([0, 2, 2]), 3).tolist()
    [-1, -1, -1]
    """
    steps: list[int] = []
    last = 0.0
    for t, c in enumerate(counts):
        if c - last >= k:
            steps.append(t)
            last = c
    n = len(counts)
    if steps and counts[-1] > last:
        steps.pop()  # the tail is under k: merge it into the release before
        steps.append(n - 1)
    shown = np.full(n, -1)
    for t in steps:
        shown[t:] = t
    return shown


def _so_far(dates: pd.Series, values: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the sum of ``values`` dated on or before each end (undated: from the start)."""
    d = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    undated = np.isnat(d)
    order = np.argsort(d[~undated], kind="stable")
    csum = np.concatenate([[0.0], np.cumsum(values[~undated][order])])
    return csum[np.searchsorted(d[~undated][order], ends, side="left")] + values[undated].sum()


def public_rows(
    incidents: gpd.GeoDataFrame, steps: pd.PeriodIndex, k: int, lang: str = DEFAULT_LANG
) -> list[SummaryRow]:
    """Return a public panel's rows: incidents, killed and injured, released by :func:`released`.

    Before the first release, incidents show "fewer than k" and casualties
    "withheld"; between releases, "at least" the figures last released.
    """
    ends = (_month_ends(steps) + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[ns]")
    dates = (
        incidents["date"]
        if "date" in incidents.columns
        else pd.Series(pd.NaT, index=incidents.index)
    )
    count = _so_far(dates, np.ones(len(incidents)), ends)
    shown = released(count, k)
    _ = translator(lang)
    rows: list[SummaryRow] = []
    for key in ("incidents", "killed", "injured"):
        if key != "incidents" and key not in incidents.columns:
            continue
        col = incidents[key] if key != "incidents" else pd.Series(1, index=incidents.index)
        if col.isna().all():
            label = _(_CASUALTY.get(key, "Incidents"))
            rows.append({"key": key, "label": label, "values": [None] * len(steps)})
            continue
        total = _so_far(dates, col.astype(float).fillna(0).to_numpy(), ends)
        before = _("fewer than {k}", k=k) if key == "incidents" else _("withheld")
        values: list[Any] = [
            before
            if r < 0
            else int(total[r])
            if r == t
            else _("at least {n}", n=format_number(int(total[r]), lang))
            for t, r in enumerate(shown)
        ]
        rows.append({"key": key, "label": _(_CASUALTY.get(key, "Incidents")), "values": values})
    return rows


def _area_rows(
    hazards: gpd.GeoDataFrame, months: pd.PeriodIndex, lang: str = DEFAULT_LANG
) -> list[SummaryRow]:
    _ = translator(lang)
    dissolve = len(hazards) <= DISSOLVE_SUMMARY_MAX
    areas = area_over_time(hazards, list(_month_ends(months)), dissolve=dissolve)
    return [
        {
            "key": "active_km2",
            "label": _("Active hazard area (km²)"),
            "values": [round(float(v), 2) for v in areas["active_km2"]],
        },
        {
            "key": "released_km2",
            "label": _("Land released (km²)"),
            "values": [round(float(v), 2) for v in areas["released_km2"]],
        },
    ]


def _note(hazards: gpd.GeoDataFrame | None, k: int | None, lang: str = DEFAULT_LANG) -> str:
    _ = translator(lang)
    note = ""
    if hazards is not None and len(hazards):
        note = (
            _("Where hazard areas overlap, land counts once.")
            if len(hazards) <= DISSOLVE_SUMMARY_MAX
            else _(
                "Areas are sums of recorded areas: where polygons overlap, the overlap "
                "counts for each (see geomap stats for dissolved areas)."
            )
        )
    if not k:
        return note
    public = _(
        "Public figures step by quarter and change only once at least {k} more "
        'incidents are recorded (until then: "at least"); counts from fewer than {k} '
        "incidents are withheld.",
        k=k,
    )
    return f"{note} {public}".strip()


def summary_panel(
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    months: pd.PeriodIndex,
    k: int | None = None,
    lang: str = DEFAULT_LANG,
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
        A public map's k: the figures are released as :func:`public_rows` says.
    lang : str
        The language of the labels and texts (figures are numbers, formatted by the page).

    Returns
    -------
    Summary
        Incidents, killed and injured so far (and, unless public, killed /
        injured per victim category), active and released km², one value per step.
    """
    _ = translator(lang)
    rows: list[SummaryRow] = []
    if incidents is not None and len(incidents):
        rows += (
            public_rows(incidents, months, k, lang)
            if k
            else _incident_rows(incidents, months, lang)
        )
    if hazards is not None and len(hazards) and "status" in hazards.columns:
        rows += _area_rows(hazards, months, lang)
    return {
        "title": _("Summary"),
        "months": [str(m) for m in months],
        "rows": rows,
        "note": _note(hazards, k, lang),
    }
