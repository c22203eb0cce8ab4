"""What every layer builder shares: the build context, fields, labels, time columns."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap._parallel import each
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import format_number
from geomap.i18n import translator
from geomap.map._encode import column
from geomap.map._encode import days
from geomap.map._inputs import MapView
from geomap.map.contract import LegendItem
from geomap.map.options import CANVAS_THRESHOLD
from geomap.map.options import LEFT_OUT_WHEN_COMPACT
from geomap.map.options import MapOptions
from geomap.model import LayerSpec
from geomap.style import LEGEND_STROKE
from geomap.tiles import BasemapArchive

__all__ = [
    "Build",
    "code_labels",
    "fields",
    "labels",
    "legend_number",
    "swatch",
    "time_column",
]


@dataclass
class Build:
    """The context of one map's layers.

    Parameters
    ----------
    options : MapOptions
        The map's options.
    view : MapView
        What depends on who the map is for.
    months : pandas.PeriodIndex or None
        The time slider's months (None: no slider).
    bundled : callable
        ``bundled(names)`` says whether those assets are installed.
    """

    options: MapOptions
    view: MapView
    months: pd.PeriodIndex | None
    bundled: Callable[[Sequence[str]], bool]
    #: Long text columns are deflated when pako (the page's inflater) can be loaded.
    compress: bool = field(init=False)
    #: Assets (keys of ``geomap.map._assets.ASSETS``) the page needs, in order.
    assets: list[str] = field(default_factory=list)
    #: The user's own basemap (``basemap=``), opened.
    basemap: BasemapArchive | None = None

    def __post_init__(self) -> None:
        self.compress = self.can_load(["pako"])
        if self.compress:
            self.need("pako")

    def can_load(self, names: Sequence[str]) -> bool:
        """Say whether the page can load these assets (from a CDN, or inlined)."""
        return self.options.cdn or self.bundled(names)

    def need(self, *names: str) -> None:
        """Note that the page needs these assets."""
        self.assets.extend(n for n in names if n not in self.assets)

    def canvas(self, n: int) -> bool:
        """Whether a layer of ``n`` features uses Leaflet's canvas renderer."""
        return n > CANVAS_THRESHOLD if self.options.canvas is None else self.options.canvas

    def column(self, values: pd.Series, *, compact: bool = False) -> Any:
        """Encode an attribute column for the page (``compact``: see :meth:`compact`)."""
        return column(values, compress=self.compress, compact=compact)

    def columns(self, frame: pd.DataFrame, names: Sequence[str], *, compact: bool = False) -> Any:
        """Encode several columns (see :meth:`column`) in threads, deflating them in parallel."""
        encoded = each(lambda name: self.column(frame[name], compact=compact), list(names))
        return dict(zip(names, encoded, strict=True))

    def compact(self, n: int) -> bool:
        """Whether a layer of ``n`` features travels in the compact format (pako inflates it)."""
        return self.compress and n > self.options.compact_above

    def popup_tooltip(self, gdf: gpd.GeoDataFrame, layer: str) -> tuple[list[str], list[str]]:
        """Return the layer's popup and tooltip fields: those asked for, or the view's defaults."""
        popup = (self.options.popup_fields or {}).get(layer)
        tooltip = (self.options.tooltip_fields or {}).get(layer)
        return (
            fields(gdf, popup, self.view.popup[layer], layer, "popup"),
            fields(gdf, tooltip, self.view.tooltip[layer], layer, "tooltip"),
        )

    def left_out(self, fields: Sequence[str], layer: str, n: int) -> list[str]:
        """Return the free-text ``fields`` a layer of ``n`` features keeps out of its default popup.

        Those of :data:`~geomap.map.options.LEFT_OUT_WHEN_COMPACT` when the layer travels
        in the compact format and its popup fields were not asked for; else none.
        """
        if not self.compact(n) or layer in (self.options.popup_fields or {}):
            return []
        return [f for f in LEFT_OUT_WHEN_COMPACT.get(layer, []) if f in fields]

    def labels(self, names: Sequence[str], spec: LayerSpec) -> dict[str, str]:
        """Labels of the fields: the view's, else the model's, else the field name."""
        return labels(names, spec, self.view.labels, self.options.lang)

    def code_labels(self, names: Sequence[str], spec: LayerSpec) -> dict[str, dict[str, str]]:
        """Per coded field among ``names``, the label of each code in the map's language."""
        return code_labels(names, spec, self.options.lang)


def fields(
    gdf: gpd.GeoDataFrame, asked: Sequence[str] | None, default: Sequence[str], what: str, kind: str
) -> list[str]:
    """Return the fields asked for (each must be a column), or the defaults the layer has."""
    if asked is None:
        return [f for f in default if f in gdf.columns]
    missing = [f for f in asked if f not in gdf.columns]
    if missing:
        have = [c for c in gdf.columns if c != gdf.geometry.name]
        raise GeomapError(
            f"{kind} fields {missing} are not columns of the {what} layer; it has {have}"
        )
    return list(asked)


def labels(
    names: Sequence[str], spec: LayerSpec, extra: Mapping[str, str], lang: str = DEFAULT_LANG
) -> dict[str, str]:
    """Label of each field in ``lang``: from ``extra``, else the model's ``spec``, else its name."""
    _ = translator(lang)
    known = {f.name: f.label for f in spec.fields if f.label}
    known.update(extra)
    return {f: _(known[f]) if f in known else f for f in names}


def code_labels(
    names: Sequence[str], spec: LayerSpec, lang: str = DEFAULT_LANG
) -> dict[str, dict[str, str]]:
    """Per coded field among ``names``, each code's label in ``lang`` (the codes stay the data).

    Only labels that differ from their code are listed, so an English map lists none.

    Examples
    --------
    >>> from geomap.model import HAZARDS
    >>> code_labels(["id", "status"], HAZARDS, "en")
    {}
    """
    _ = translator(lang)
    out: dict[str, dict[str, str]] = {}
    for f in spec.fields:
        if f.name not in names or f.vocabulary is None:
            continue
        shown = {c: _(c) for c in (*f.vocabulary.codes, "unknown") if _(c) != c}
        if shown:
            out[f.name] = shown
    return out


def legend_number(value: float, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """Return a number as a legend writes it: Babel's in ``lang`` (English as it was: ``:g``).

    Examples
    --------
    >>> legend_number(2.5), legend_number(1234.5, "az")
    ('2.5', '1.234,5')
    """
    if lang == DEFAULT_LANG:
        return str(value) if isinstance(value, int) else f"{value:g}"
    return format_number(value, lang, digits)


def time_column(
    gdf: gpd.GeoDataFrame, name: str, cols: Sequence[str], *, compact: bool = False
) -> Any:
    """Dates for the time slider: the name of a date column the page already has, or days."""
    if name in cols and pd.api.types.is_datetime64_any_dtype(gdf[name]):
        return name  # sent once, as days, in the layer's columns
    if name in gdf.columns:
        return days(gdf[name], compact=compact)
    return days(pd.Series(pd.NaT, index=gdf.index))


def swatch(label: str, fill: str, stroke: str | None = None, **extra: Any) -> LegendItem:
    """Return a legend entry: a swatch (``fill`` inside, ``stroke`` around) and its label.

    Parameters
    ----------
    label : str
        The text beside the swatch.
    fill : str
        The swatch's colour.
    stroke : str, optional
        Its outline (default: the fill, or :data:`geomap.style.LEGEND_STROKE` without one).
    **extra
        ``shape`` (``"circle"``), ``dash`` (True) or ``size`` (radius in px).

    Returns
    -------
    LegendItem

    Examples
    --------
    >>> swatch("road", "#555555")
    {'label': 'road', 'fill': '#555555', 'stroke': '#555555'}
    """
    item: LegendItem = {"label": label, "fill": fill, "stroke": stroke or fill or LEGEND_STROKE}
    item.update(extra)  # type: ignore[typeddict-item]
    return item
