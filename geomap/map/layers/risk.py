"""A risk layer: points or polygons with a numeric field, drawn in graduated classes.

Values are classed with mapclassify (quantiles, natural breaks or equal interval;
``k`` classes); each feature is filled with its class's colour
(:data:`geomap.style.RISK_COLORS`, apart from the hazards' colours) and the legend
lists the classes' ranges. Points are drawn as dots, or as square cells of a side
in metres.

In a public map a risk layer is drawn (a score per place is not personal data), but
only its value is shown (no ids or other fields), and points are drawn as cells at
least as large as the map's public cells, never as exact points: a fine grid of risk
derived from incidents would otherwise point at them.
"""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.geo import metric_crs
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import format_number
from geomap.i18n import translator
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import binary
from geomap.map._encode import coords
from geomap.map._polygons import display_polygons
from geomap.map.contract import LegendEntry
from geomap.map.contract import RiskSpec
from geomap.map.layers._common import Build
from geomap.map.layers._common import labels
from geomap.map.layers._common import swatch
from geomap.model import DISPLAY_CRS
from geomap.model import RISK
from geomap.style import RISK_COLORS
from geomap.style import RISK_LINE

__all__ = ["classify", "risk_colors", "risk_layer", "risk_legend"]

log = logging.getLogger(__name__)

#: Above this many values, natural breaks are found on a sample (Fisher-Jenks is quadratic).
_JENKS_MAX = 3000
_SCHEME_NAMES = {
    "quantiles": N_("quantiles"),
    "natural_breaks": N_("natural breaks (Fisher-Jenks)"),
    "equal_interval": N_("equal intervals"),
}


def classify(values: np.ndarray, scheme: str = "quantiles", k: int = 5) -> list[float]:
    """Return the upper bounds of the classes of ``values`` (mapclassify), lowest first.

    A value belongs to the first class whose upper bound it does not exceed. Fewer
    than ``k`` classes come back where values repeat (or there are fewer than ``k``).

    Parameters
    ----------
    values : numpy.ndarray
        Finite numbers.
    scheme : {"quantiles", "natural_breaks", "equal_interval"}
        mapclassify's ``Quantiles``, ``FisherJenks`` (``FisherJenksSampled`` above
        3000 values) or ``EqualInterval``.
    k : int
        The number of classes wanted.

    Returns
    -------
    list of float

    Raises
    ------
    GeomapError
        mapclassify is not installed.

    Examples
    --------
    >>> classify(np.arange(10.0), "equal_interval", 3)
    [3.0, 6.0, 9.0]
    """
    try:
        import mapclassify
    except ImportError:  # pragma: no cover - the risk extra is missing
        raise GeomapError(
            "a risk layer is classed with mapclassify: pip install 'geomap[risk]'"
        ) from None
    values = np.asarray(values, dtype=float)
    k = min(k, len(np.unique(values)))
    if k < 2:
        return [float(values.max())] if len(values) else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not enough unique values": fewer classes, said below
        if scheme == "quantiles":
            found = mapclassify.Quantiles(values, k=k)
        elif scheme == "equal_interval":
            found = mapclassify.EqualInterval(values, k=k)
        elif len(values) <= _JENKS_MAX:
            found = mapclassify.FisherJenks(values, k=k)
        else:
            found = mapclassify.FisherJenksSampled(values, k=k, pct=_JENKS_MAX / len(values))
    bins = [float(b) for b in np.unique(np.asarray(found.bins, dtype=float))]
    bins[-1] = max(bins[-1], float(values.max()))
    return bins


def risk_colors(n: int) -> list[str]:
    """Return the colours of ``n`` risk classes, light (low) to dark (high)."""
    if n <= 1:
        return [RISK_COLORS[2][1]][:n]
    return list(RISK_COLORS[min(n, max(RISK_COLORS))])


def _fmt(v: float, lang: str = DEFAULT_LANG) -> str:
    """Write a class bound: whole above 1000, else 3 significant digits (Babel's, in ``lang``)."""
    if lang == DEFAULT_LANG:
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    if abs(v) >= 1000:
        return format_number(v, lang, 0)
    return format_number(float(f"{v:.3g}"), lang, 6)


def risk_legend(
    field: str,
    low: float,
    bins: list[float],
    colors: list[str],
    scheme: str,
    lang: str = DEFAULT_LANG,
) -> list[LegendEntry]:
    """Return the classed legend: a heading, then each class's range and colour."""
    _ = translator(lang)
    heading = _(
        "{field}: {scheme}, {n} classes", field=field, scheme=_(_SCHEME_NAMES[scheme]), n=len(bins)
    )
    items: list[LegendEntry] = [{"heading": heading}]
    lower = low
    for top, colour in zip(bins, colors, strict=True):
        label = f"{_fmt(lower, lang)} – {_fmt(top, lang)}"
        items.append(swatch(label, colour, RISK_LINE["color"]))
        lower = top
    return items


def _cells(gdf: gpd.GeoDataFrame, side_m: float) -> gpd.GeoDataFrame:
    """Square cells of ``side_m`` metres centred on each point (in the data's UTM zone)."""
    crs = metric_crs(gdf)
    pts = gdf.geometry.to_crs(crs)
    half = side_m / 2
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    squares = shapely.box(x - half, y - half, x + half, y + half)
    geom = gpd.GeoSeries(squares, crs=crs, index=gdf.index).to_crs(DISPLAY_CRS)
    return gdf.set_geometry(geom)


def _geometry(gdf: gpd.GeoDataFrame, build: Build) -> dict[str, object]:
    """Return the geometry as the page reads it: polygons (``g``) or points (``x``, ``y``)."""
    public = build.view.public
    points = bool((shapely.get_type_id(gdf.geometry.to_numpy()) == 0).all())
    side = build.options.risk_cell_m
    if points and public is not None:
        side = max(side or 0.0, public["cell_m"])
    if points and side is None:
        xs, ys = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
        return {"x": coords(xs), "y": coords(ys), "scale": COORD_SCALE}
    shown = _cells(gdf, side) if points and side is not None else gdf
    # Risk polygons are drawn at their one level at every zoom: no overview from the page.
    return {"g": display_polygons(shown, 0.0 if points else build.options.simplify_m)["g"]}


def risk_layer(risk: gpd.GeoDataFrame, build: Build) -> RiskSpec:
    """Return the risk layer's spec: geometry, each feature's class, colours and legend.

    Parameters
    ----------
    risk : geopandas.GeoDataFrame
        Points or polygons in EPSG:4326 with ``build.options.risk_field`` (numeric).
    build : Build
        The map's build context (``risk_field``, ``risk_classes``, ``risk_scheme``,
        ``risk_cell_m``).

    Returns
    -------
    RiskSpec

    Raises
    ------
    GeomapError
        The field is missing, or holds a value that is not a finite number.
    """
    opts = build.options
    field = opts.risk_field
    if field not in risk.columns:
        have = [c for c in risk.columns if c != risk.geometry.name]
        raise GeomapError(f"risk layer: no column {field!r}; it has {have}")
    values = pd.to_numeric(risk[field], errors="coerce").astype(float).to_numpy()
    if not np.isfinite(values).all():
        raise GeomapError(
            f"risk layer: {field!r} holds values that are not finite numbers; "
            "validate it first (geomap.load_risk)"
        )
    bins = classify(values, opts.risk_scheme, opts.risk_classes)
    classes = np.minimum(np.searchsorted(bins, values, side="left"), len(bins) - 1)
    colors = risk_colors(len(bins))
    shown = [field] if build.view.public is not None or "id" not in risk.columns else ["id", field]
    log.info("risk layer: %d features in %d classes (%s)", len(risk), len(bins), opts.risk_scheme)
    _ = translator(opts.lang)
    spec: RiskSpec = {
        "kind": "risk",
        "key": "risk",
        "group": _("Risk"),
        "name": _("Risk ({field})", field=field),
        "show": True,
        "n": len(risk),
        **_geometry(risk, build),  # type: ignore[typeddict-item]
        "cols": {c: build.column(risk[c]) for c in shown},
        "labels": labels(shown, RISK, build.view.labels, opts.lang),
        "popup": shown,
        "tooltip": [field],
        "field": field,
        "classes": binary(classes.astype(np.uint8), "u1"),
        "breaks": bins,
        "colors": colors,
        "canvas": build.canvas(len(risk)),
        "style": {**RISK_LINE, "radius": 6, "className": "geomap-risk"},
        "legend": risk_legend(
            field, float(values.min()), bins, colors, opts.risk_scheme, opts.lang
        ),
    }
    return spec
