"""District choropleths: casualties, and active hazard km², per district (off until ticked).

In a public map, a district's casualties are shown only when they come from at
least k incidents; other districts are withheld with them where the published
total would give their casualties away (:func:`geomap.map.public.protect`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.analysis import district_summary
from geomap.geo import metric_crs
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._encode import column
from geomap.map._polygons import ragged_polygons
from geomap.map._polygons import simplify
from geomap.map.contract import ChoroplethStyle
from geomap.map.contract import LegendEntry
from geomap.map.contract import PolygonsSpec
from geomap.map.layers._common import legend_number
from geomap.map.layers._common import swatch
from geomap.map.public import protect
from geomap.model import DISPLAY_CRS
from geomap.style import CHORO_COLORS
from geomap.style import CHORO_NODATA
from geomap.style import CHOROPLETH

__all__ = ["breaks", "district_layers"]

#: The two choropleths: key, name, the district_summary column, unit, palette.
_CHOROPLETHS = (
    ("districts-casualties", N_("Casualties by district"), "casualties", N_("casualties")),
    ("districts-active", N_("Active hazard area by district (km²)"), "active_km2", "km²"),
)


def breaks(values: pd.Series, n: int = 5) -> list[float]:
    """Return the upper bounds of ``n`` quantile classes (rounded; fewer where values repeat).

    Examples
    --------
    >>> breaks(pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    [2.8, 4.6, 6.4, 8.2, 10.0]
    """
    v = values.dropna().astype(float)
    if v.empty:
        return [0.0]
    qs = np.unique(np.round(np.quantile(v, np.linspace(0, 1, n + 1)[1:]), 2))
    return [float(q) for q in qs]


def _legend(
    bounds: list[float], colors: list[str], unit: str, k: int | None, lang: str = DEFAULT_LANG
) -> list[LegendEntry]:
    _ = translator(lang)
    items: list[LegendEntry] = []
    lo = None
    stroke = CHOROPLETH["stroke"]
    unit = _(unit)
    for b, c in zip(bounds, colors, strict=False):
        top = legend_number(b, lang)
        label = f"≤ {top} {unit}" if lo is None else f"{legend_number(lo, lang)} – {top} {unit}"
        items.append(swatch(label, c, stroke))
        lo = b
    nodata = (
        _("no data or withheld (fewer than {k} incidents, or to protect one)", k=k)
        if k
        else _("no data")
    )
    return [*items, swatch(nodata, CHORO_NODATA, stroke)]


def _choropleth(
    values: np.ndarray, palette: str, withheld: pd.Series | None
) -> tuple[pd.Series, ChoroplethStyle]:
    """Return the values shown (withheld counts: no data) and the fill rule."""
    shown = pd.Series(values, dtype=float)
    if withheld is not None and palette == "casualties":
        shown = shown.mask(withheld.to_numpy())
    bounds = breaks(shown)
    style: ChoroplethStyle = {
        "field": "value",
        "breaks": bounds,
        "colors": CHORO_COLORS[palette][: len(bounds)],
        "nodata": CHORO_NODATA,
        **CHOROPLETH,  # type: ignore[typeddict-item]
    }
    return shown, style


def district_layers(
    districts: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    *,
    k: int | None = None,
    simplify_m: float = 0.0,
    lang: str = DEFAULT_LANG,
) -> list[PolygonsSpec]:
    """Return the two district choropleths, from :func:`geomap.analysis.district_summary`.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        District boundaries (joined to the layers on geometry, never on names).
    incidents, hazards : geopandas.GeoDataFrame, optional
        The incidents (as recorded, also in a public map) and hazard areas.
    k : int, optional
        A public map's k: casualties from fewer than ``k`` incidents are withheld,
        and with them enough districts that none can be worked out from the total.
    simplify_m : float
        Boundaries are simplified to this tolerance in metres.
    lang : str
        The map's language (names, labels, legends; district names come from the
        layer, in ``lang`` where :meth:`MapInputs.localised` found them).

    Returns
    -------
    list of PolygonsSpec
    """
    d = districts.to_crs(DISPLAY_CRS).reset_index(drop=True)
    # One row per district in input order (joined on geometry), then an "outside" row.
    full = district_summary(incidents, hazards, d)
    table = full.iloc[: len(d)]
    withheld = None
    if k and "incidents" in full.columns:
        outside = int(full["incidents"].iloc[len(d) :].fillna(0).sum())
        withheld = protect(table["incidents"].reset_index(drop=True), k, outside)
    names = column(table["name"].astype(str).reset_index(drop=True))
    g = ragged_polygons(simplify(d.geometry.to_numpy(), metric_crs(d), simplify_m))
    _ = translator(lang)
    layers: list[PolygonsSpec] = []
    for key, msgid, field, unit in _CHOROPLETHS:
        name = _(msgid)
        values = table[field].astype(float)
        values = values.to_numpy() if field == "casualties" else values.round(2).to_numpy()
        shown, style = _choropleth(values, field, withheld)
        layers.append(
            {
                "kind": "polygons",
                "key": key,
                "group": _("Districts"),
                "name": name,
                "show": False,
                "n": len(d),
                "g": g,
                "cols": {"district": names, "value": column(shown.round(2))},
                "labels": {"district": _("District"), "value": name},
                "popup": ["district", "value"],
                "tooltip": ["district", "value"],
                "style": {"className": "geomap-district"},
                "pane": "geomap-below",
                "choropleth": style,
                "legend": _legend(style["breaks"], CHORO_COLORS[field], unit, k, lang),
            }
        )
    return layers
