"""Proposed suspected hazard areas (from clusters of incidents no hazard area explains)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._encode import column
from geomap.map._inputs import clean_layer
from geomap.map._polygons import ragged_polygons
from geomap.map.contract import PolygonsSpec
from geomap.map.layers._common import swatch
from geomap.style import PROPOSED

__all__ = ["proposed_layer"]

#: The labels of propose_hazard_areas' columns: each column's name, spaced.
_LABELS = (
    N_("id"),
    N_("n incidents"),
    N_("incident ids"),
    N_("killed"),
    N_("injured"),
    N_("casualties"),
    N_("first date"),
    N_("last date"),
    N_("victim categories"),
    N_("device categories"),
    N_("area km2"),
)


def _text(value: Any) -> Any:
    """Write lists (e.g. of incident ids) as one comma-separated text."""
    return value if not isinstance(value, list | tuple) else ", ".join(map(str, value))


def proposed_layer(proposed: gpd.GeoDataFrame, lang: str = DEFAULT_LANG) -> PolygonsSpec:
    """Return the proposed areas' spec: every column shown on click, the first two on hover.

    Parameters
    ----------
    proposed : geopandas.GeoDataFrame
        From :func:`geomap.analysis.propose_hazard_areas`.
    lang : str
        The map's language.

    Returns
    -------
    PolygonsSpec
    """
    _ = translator(lang)
    prop = clean_layer(proposed, "proposed")
    assert prop is not None
    fields = [c for c in prop.columns if c != prop.geometry.name]
    return {
        "kind": "polygons",
        "key": "proposed",
        "group": _("Hazard areas"),
        "name": _("Proposed suspected areas"),
        "show": True,
        "n": len(prop),
        "g": ragged_polygons(prop.geometry.to_numpy()),
        "cols": {c: column(prop[c].astype(object).map(_text)) for c in fields},
        "labels": {c: _(c.replace("_", " ")) for c in fields},
        "popup": fields,
        "tooltip": fields[:2],
        "style": {**PROPOSED, "className": "geomap-proposed"},
        "legend": [
            swatch(
                _("proposed from clusters of unlinked incidents"),
                PROPOSED["fillColor"],
                PROPOSED["color"],
                dash=True,
            )
        ],
    }
