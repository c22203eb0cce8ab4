"""The page's filters: victim category, device category, incident type and a date range.

Each filter keeps rows whose value is ticked; a missing value is its own
category, ``"unknown"``. How each applies:

* incidents: every filter (and the time slider: a row is drawn when both keep it);
  the clusters, the heat map, the layer panel's count, the summary's incident
  figures and the search follow;
* hazard areas: the device category only (victim category, incident type and
  the incidents' dates say nothing about an area; the slider dates areas); the
  summary's areas follow it, from areas precomputed per device category.

A public map shows cells of generalised incidents whose small counts are
suppressed: a cell's categories are only its most common ones, and a cell
filtered by category would show counts of fewer than k incidents. So a public
map filters hazard areas by device category only, and offers no incident
filter (the slider steps by quarter, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.analysis import area_over_time
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._encode import days
from geomap.map._inputs import MapInputs
from geomap.map.contract import FilterDates
from geomap.map.contract import FilterField
from geomap.map.contract import Filters
from geomap.map.contract import FilterValue
from geomap.map.contract import LayerSpec
from geomap.map.contract import Summary
from geomap.map.layers._common import Build
from geomap.map.layers._common import time_column
from geomap.map.layers.summary import DISSOLVE_SUMMARY_MAX
from geomap.model import DEVICE_CATEGORY
from geomap.model import INCIDENT_TYPE
from geomap.model import VICTIM_CATEGORY
from geomap.model import Vocabulary

__all__ = ["FILTER_FIELDS", "UNKNOWN", "filter_values", "filters_config"]

#: The value a filter shows for a missing one.
UNKNOWN = "unknown"

#: Field, label, vocabulary (the order values are listed in) and the layers it filters.
FILTER_FIELDS: tuple[tuple[str, str, Vocabulary, tuple[str, ...]], ...] = (
    ("victim_category", N_("Victim category"), VICTIM_CATEGORY, ("incidents",)),
    ("device_category", N_("Device category"), DEVICE_CATEGORY, ("incidents", "hazards")),
    ("incident_type", N_("Incident type"), INCIDENT_TYPE, ("incidents",)),
)

#: The summary's area rows (km²), which the device category filter recomputes.
_AREA_ROWS = ("active_km2", "released_km2")
#: Where different device categories overlap, a filtered summary counts the overlap once each.
_OVERLAP_KM2 = 0.005


def filter_values(values: pd.Series) -> pd.Series:
    """Return a column's values as a filter sees them: text, ``"unknown"`` where missing.

    Examples
    --------
    >>> filter_values(pd.Series(["AP mine", None])).tolist()
    ['AP mine', 'unknown']
    """
    obj = values.astype(object)
    return obj.where(obj.notna(), UNKNOWN).astype(str)


def _sent(spec: LayerSpec) -> list[str]:
    """Return the fields a layer's spec sends in its ``cols``."""
    return list(cast(dict[str, Any], spec).get("cols") or {})


def _ordered(present: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """Return the values present: in the vocabulary's order, then "unknown", then others."""
    known = [c for c in vocabulary.codes if c in present]
    rest = sorted(set(present) - set(known) - {UNKNOWN})
    return known + ([UNKNOWN] if UNKNOWN in present and UNKNOWN not in known else []) + rest


def _counts(values: pd.Series) -> pd.Series:
    """Rows per value as a filter sees them (:func:`filter_values`), counted without copies.

    Examples
    --------
    >>> _counts(pd.Series(["AP mine", None, "unknown", "AP mine"])).to_dict()
    {'AP mine': 2, 'unknown': 2}
    >>> _counts(pd.Series(pd.Categorical(["UXO", None], categories=["AP mine", "UXO"]))).to_dict()
    {'UXO': 1, 'unknown': 1}
    """
    counts = values.value_counts(dropna=False, sort=False)
    counts = counts[counts.to_numpy() > 0]  # a categorical column lists its absent codes too
    names = filter_values(pd.Series(counts.index))  # the few distinct values, as filters see them
    return pd.Series(counts.to_numpy(), index=names.to_numpy()).groupby(level=0, sort=False).sum()


def _field(
    name: str,
    label: str,
    vocabulary: Vocabulary,
    layers: dict[str, gpd.GeoDataFrame],
    specs: dict[str, LayerSpec],
    build: Build,
) -> FilterField | None:
    """Return a category filter over the layers that have the field (None: none has it)."""
    counts: dict[str, pd.Series] = {}
    cols: dict[str, object] = {}
    for key, gdf in layers.items():
        if name not in gdf.columns:
            continue
        counts[key] = _counts(gdf[name])
        # The layer's own column when it sends it (missing values read as "unknown").
        sent = name in _sent(specs[key])
        cols[key] = name if sent else build.column(gdf[name], compact=build.compact(len(gdf)))
    if not counts:
        return None
    present = sorted({v for c in counts.values() for v in c.index})
    _ = translator(build.options.lang)
    values: list[FilterValue] = []
    for v in _ordered(present, vocabulary):
        value: FilterValue = {
            "value": v,
            "counts": {k: int(c.get(v, 0)) for k, c in counts.items()},
        }
        if v in (*vocabulary.codes, UNKNOWN) and _(v) != v:
            value["label"] = _(v)  # the code stays the value; the label is what is shown
        values.append(value)
    return {"field": name, "label": _(label), "values": values, "cols": cols}


def _dates(incidents: gpd.GeoDataFrame, spec: LayerSpec) -> FilterDates | None:
    """Return the incidents' date range: first and last day, how many have none, the days."""
    if "date" not in incidents.columns:
        return None
    dates = pd.to_datetime(incidents["date"])
    if dates.isna().all():
        return None
    # The layer's own days column when it sends the dates as days, else days of our own.
    own = pd.api.types.is_datetime64_any_dtype(incidents["date"])
    return {
        "min": dates.min().strftime("%Y-%m-%d"),
        "max": dates.max().strftime("%Y-%m-%d"),
        "undated": int(dates.isna().sum()),
        "t": time_column(incidents, "date", _sent(spec)) if own else days(dates),
    }


def _areas(
    hazards: gpd.GeoDataFrame, months: pd.PeriodIndex, summary: Summary
) -> tuple[dict[str, dict[str, list[float]]], bool]:
    """Return the summary's area rows per device category, and whether categories overlap.

    Overlaps are dissolved within a category when the summary dissolves them; categories
    overlap when the sum of their areas differs from the summary's.
    """
    cats = filter_values(hazards["device_category"])
    ends = list(months.to_timestamp(how="end").normalize())
    dissolve = len(hazards) <= DISSOLVE_SUMMARY_MAX  # as the summary does
    # One call for every category: the polygons are repaired and projected once.
    km2 = area_over_time(
        hazards.assign(device_category=cats), ends, dissolve=dissolve, by="device_category"
    )
    per_cat = dict(list(km2.groupby("device_category", sort=False)))
    areas: dict[str, dict[str, list[float]]] = {}
    for cat in _ordered(sorted(set(cats)), DEVICE_CATEGORY):
        areas[cat] = {k: [round(float(v), 2) for v in per_cat[cat][k]] for k in _AREA_ROWS}
    overlap = False
    for row in summary["rows"]:
        if row["key"] in _AREA_ROWS:
            summed = np.sum([a[row["key"]] for a in areas.values()], axis=0)
            gap = np.abs(summed - np.asarray(row["values"], dtype=float)).max()
            overlap = overlap or bool(gap > _OVERLAP_KM2)
    return areas, overlap


def _note(public: bool, hazards: bool, overlap: bool, lang: str = DEFAULT_LANG) -> str:
    _ = translator(lang)
    parts = []
    if hazards:
        parts.append(_("Hazard areas follow the device category only."))
    if overlap:
        parts.append(
            _(
                "With a device filter, land where areas of different device categories "
                "overlap counts once for each in the summary."
            )
        )
    if public:
        parts.append(
            _(
                "Incidents are generalised into cells with small counts withheld: they "
                "cannot be filtered, as that would reveal the withheld counts."
            )
        )
    return " ".join(parts)


def filters_config(
    data: MapInputs, build: Build, specs: Sequence[LayerSpec], summary: Summary | None
) -> Filters | None:
    """Return the page's filters (None when there is nothing to filter by).

    Parameters
    ----------
    data : MapInputs
        The map's layers (public already if the map is).
    build : Build
        The build context (``view.public``: no incident filter; ``months``).
    specs : sequence of LayerSpec
        The layers' specs: a field they already send is not sent twice.
    summary : Summary, optional
        The summary panel, whose area rows the device filter recomputes.

    Returns
    -------
    Filters or None
    """
    by_key = {s["key"]: s for s in specs}
    layers: dict[str, gpd.GeoDataFrame] = {}
    if "incidents" in by_key and data.incidents is not None and build.view.public is None:
        layers["incidents"] = data.incidents
    if "hazards" in by_key and data.hazards is not None:
        layers["hazards"] = data.hazards
    fields: list[FilterField] = []
    for name, label, vocab, applies in FILTER_FIELDS:
        where = {k: v for k, v in layers.items() if k in applies}
        f = _field(name, label, vocab, where, by_key, build)
        fields += [f] if f else []
    dates = _dates(layers["incidents"], by_key["incidents"]) if "incidents" in layers else None
    if not fields and dates is None:
        return None
    hazards = layers.get("hazards")
    areas, overlap = None, False
    by_device = any(f["field"] == "device_category" and "hazards" in f["cols"] for f in fields)
    has_areas = summary is not None and any(r["key"] == "active_km2" for r in summary["rows"])
    if by_device and has_areas and build.months is not None and hazards is not None:
        areas, overlap = _areas(hazards, build.months, summary)  # type: ignore[arg-type]
    return {
        "fields": fields,
        "dates": dates,
        "areas": areas,
        "overlap": overlap,
        "note": _note(build.view.public is not None, by_device, overlap, build.options.lang),
    }
