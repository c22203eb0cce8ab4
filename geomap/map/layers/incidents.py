"""Incidents: points shaped and toned by victim category (or type), sized by casualties.

Shapes and tones never reuse the hazards' red, orange, green and blue (see
:mod:`geomap.style`); a missing category is drawn and listed as "unknown".
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import format_number
from geomap.i18n import translator
from geomap.map._encode import COMPACT_SCALE
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import coords
from geomap.map.contract import IncidentsSpec
from geomap.map.contract import IncidentStyle
from geomap.map.contract import LegendEntry
from geomap.map.layers._common import Build
from geomap.map.layers._common import legend_number
from geomap.map.layers._common import swatch
from geomap.map.layers._common import time_column
from geomap.map.options import CLUSTER_THRESHOLD
from geomap.model import INCIDENT_TYPE
from geomap.model import INCIDENTS
from geomap.model import VICTIM_CATEGORY
from geomap.style import CASUALTY_BASE
from geomap.style import CASUALTY_SCALE
from geomap.style import CELL_SUPPRESSED
from geomap.style import CLUSTER
from geomap.style import INCIDENT
from geomap.style import SIZE_SWATCH
from geomap.style import TYPE_COLORS
from geomap.style import TYPE_SHAPES
from geomap.style import UNKNOWN_DASH
from geomap.style import UNKNOWN_FILL
from geomap.style import VICTIM_COLORS
from geomap.style import VICTIM_SHAPES

log = logging.getLogger(__name__)

__all__ = ["color_by", "incident_legend", "incidents_layer", "size_fields"]

#: Casualty counts of the legend's size swatches (up to the largest drawn).
_SIZE_STEPS = (1, 2, 5, 10, 25, 50, 100)


def color_by(incidents: gpd.GeoDataFrame) -> tuple[str, dict[str, str]]:
    """Return the field and palette incidents are coloured by.

    By victim category, or by type where every victim is unknown.
    """
    victims = (
        set(incidents["victim_category"].astype(object).dropna())
        if "victim_category" in incidents
        else set()
    )
    if victims - {"unknown"} or "incident_type" not in incidents.columns:
        return "victim_category", VICTIM_COLORS
    return "incident_type", TYPE_COLORS


def shapes_of(field: str) -> dict[str, str]:
    """Return the marker shape of each category of ``field`` (victim category or type)."""
    return VICTIM_SHAPES if field == "victim_category" else TYPE_SHAPES


def size_fields(incidents: gpd.GeoDataFrame) -> list[str]:
    """Return the casualty columns markers are sized by (and the heat map weighted by)."""
    return [c for c in ("killed", "injured") if c in incidents.columns]


def _style(incidents: gpd.GeoDataFrame, build: Build) -> IncidentStyle:
    field, palette = color_by(incidents)
    return {
        "colorBy": field,
        "palette": palette,
        "fallback": UNKNOWN_FILL,
        "shapes": shapes_of(field),
        "unknownDash": UNKNOWN_DASH,
        "cell": {**CELL_SUPPRESSED, "label": f"<{build.view.k}" if build.view.k else ""},
        "sizeBy": size_fields(incidents),
        "base": CASUALTY_BASE,
        "scale": CASUALTY_SCALE,
        "suppressedField": build.view.suppressed_field,
        "className": "geomap-incident",
        **INCIDENT,  # type: ignore[typeddict-item]
    }


def _clustered(n: int, build: Build) -> bool:
    wanted = n > CLUSTER_THRESHOLD if build.options.cluster is None else build.options.cluster
    return wanted and build.can_load(["supercluster"])


def incidents_layer(incidents: gpd.GeoDataFrame, build: Build) -> IncidentsSpec:
    """Return the incidents' spec: coordinates, popup columns, style, legend and dates.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents in EPSG:4326, every geometry a Point.
    build : Build
        The map's build context (clustering needs the ``supercluster`` asset).

    Returns
    -------
    IncidentsSpec

    Raises
    ------
    GeomapError
        A geometry that is not a Point.
    """
    geoms = incidents.geometry.to_numpy()
    if not (shapely.get_type_id(geoms) == 0).all():
        raise GeomapError("incidents: every geometry must be a Point; validate the layer first")
    n = len(incidents)
    pop, tip = build.popup_tooltip(incidents, "incidents")
    left_out = build.left_out(pop, "incidents", n)
    pop = [f for f in pop if f not in left_out]
    style = _style(incidents, build)
    style_cols = [style["colorBy"], *style["sizeBy"], "suppressed", "id"]
    cols = list(dict.fromkeys([*pop, *tip, *(c for c in style_cols if c in incidents.columns)]))
    cluster = _clustered(n, build)
    lang = build.options.lang
    _ = translator(lang)
    compact = build.compact(n)
    scale = COMPACT_SCALE if compact else COORD_SCALE
    spec: IncidentsSpec = {
        "kind": "incidents",
        "key": "incidents",
        "group": _("Incidents"),
        "name": _(build.view.incident_name),
        "show": True,
        "n": n,
        "x": coords(shapely.get_x(geoms), scale, deflate=compact),
        "y": coords(shapely.get_y(geoms), scale, deflate=compact),
        "scale": scale,
        "cols": build.columns(incidents, cols, compact=compact),
        "labels": build.labels(cols, INCIDENTS),
        "popup": pop,
        "tooltip": tip,
        "mode": "cluster" if cluster else "markers",
        "canvas": build.canvas(n),
        "searchable": build.view.searchable and "id" in incidents.columns,
        "style": style,
        "cluster": {**CLUSTER},  # type: ignore[typeddict-item]
        "legend": incident_legend(incidents, build.view.k, build.view.colour_heading, lang),
    }
    values = build.code_labels(cols, INCIDENTS)
    if values:
        spec["valueLabels"] = values
    if left_out:
        spec["popupNote"] = _left_out_note(left_out, build)
    date_col = build.view.incident_date
    if build.months is not None and date_col in incidents.columns:
        spec["time"] = {"t": time_column(incidents, date_col, cols, compact=compact)}
    if cluster:
        build.need("supercluster")
    return spec


def _left_out_note(left_out: list[str], build: Build) -> str:
    """Say in the popups (and log for the map's maker) that descriptions were left out."""
    limit = build.options.compact_above
    log.warning(
        "incidents: more than %d (compact_above), so the popups leave out %s; "
        "popup_fields (--popup-fields incidents=...) brings them back",
        limit,
        ", ".join(left_out),
    )
    _ = translator(build.options.lang)
    return _(
        "Descriptions are left out of maps this large (incidents: more than {n}).",
        n=format_number(limit, build.options.lang),
    )


def incident_legend(
    incidents: gpd.GeoDataFrame,
    k: int | None = None,
    heading: str = "Symbol: {}",
    lang: str = DEFAULT_LANG,
) -> list[LegendEntry]:
    """Return the incident legend: shapes present, "unknown", suppressed cells (with ``k``), sizes.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> inc = gpd.GeoDataFrame({"victim_category": ["deminer", None]},
    ...                        geometry=[shapely.Point(0, 0)] * 2, crs=4326)
    >>> [(e["label"], e["shape"]) for e in incident_legend(inc)[1:]]
    [('deminer', 'square'), ('unknown', 'circle')]
    """
    _ = translator(lang)
    items: list[LegendEntry] = []
    field, palette = color_by(incidents)
    if field in incidents.columns:
        values = incidents[field]
        present = {str(v) for v in values.dropna().unique()}  # a few codes, not a million
        word = _("victim category") if field == "victim_category" else _("type")
        items.append({"heading": _(heading).format(word)})
        codes = VICTIM_CATEGORY.codes if field == "victim_category" else INCIDENT_TYPE.codes
        shapes = shapes_of(field)
        items += [
            swatch(_(cat), palette[cat], INCIDENT["stroke"], shape=shapes[cat])
            for cat in codes
            if cat in present and cat != "unknown"
        ]
        suppressed = incidents.get("suppressed", pd.Series(False, index=incidents.index))
        missing = values.isna() & ~suppressed.fillna(False).astype(bool)
        if "unknown" in present or missing.any():
            items.append(
                swatch(_("unknown"), UNKNOWN_FILL, INCIDENT["stroke"], shape="circle", dash=True)
            )
    if k:
        items.append(
            swatch(
                _(
                    "withheld cell: fewer than {k} incidents, or withheld to protect one "
                    "(no counts, no category)",
                    k=k,
                ),
                CELL_SUPPRESSED["fill"],
                CELL_SUPPRESSED["stroke"],
                shape="cell",
                text=f"<{k}",
            )
        )
    return items + _size_legend(incidents, lang)


def _size_legend(incidents: gpd.GeoDataFrame, lang: str) -> list[LegendEntry]:
    size_cols = size_fields(incidents)
    if not size_cols:
        return []
    total = incidents[size_cols].astype(float).sum(axis=1, min_count=1)
    if not total.notna().any():
        return []
    top = int(total.max())
    steps = [v for v in _SIZE_STEPS if v < top] + [max(top, 1)]
    _ = translator(lang)
    return [
        {"heading": _("Casualties (killed + injured)")},
        *(
            swatch(
                legend_number(v, lang),
                SIZE_SWATCH,
                INCIDENT["stroke"],
                shape="circle",
                size=CASUALTY_BASE + CASUALTY_SCALE * float(np.sqrt(v)),
            )
            for v in steps
        ),
    ]
