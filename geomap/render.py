"""Rendering layers into a Folium (Leaflet) map.

:func:`render_map` returns a :class:`GeomapMap`, a ``folium.Map`` that shows
itself in Jupyter, saves to a file and renders to a string. By default the map
is **self-contained**: Leaflet and geomap's own script and style are inlined, so
the file draws with no network (basemap tiles may then be missing; the data are
not). ``cdn=True`` keeps CDN links for smaller files.

Data reach the page as compact columns (only the fields used, categories as
dictionary codes, coordinates rounded to 1e-6 degrees, about 10 cm) and are
turned into Leaflet layers by ``geomap.js``, which writes every value with
``textContent``: a ``<script>`` in a field name or value is shown, never run.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.template import Template

from geomap._assets import ASSETS, asset_for_url, asset_text, script_tag, style_tag
from geomap._errors import GeomapError
from geomap.model import DISPLAY_CRS, HAZARDS, INCIDENTS, VICTIM_CATEGORY
from geomap.validate import ValidationResult

__all__ = [
    "DEFAULT_POPUP_FIELDS",
    "DEFAULT_TOOLTIP_FIELDS",
    "GeomapMap",
    "render_map",
    "save_map",
]

log = logging.getLogger(__name__)

#: Above this many features in a layer, Leaflet's canvas renderer is used.
CANVAS_THRESHOLD = 3000
#: Coordinates are rounded to this many decimals of a degree (about 10 cm).
COORD_DECIMALS = 6

DEFAULT_POPUP_FIELDS = {
    "incidents": [
        "id",
        "date",
        "incident_type",
        "killed",
        "injured",
        "victim_category",
        "device_category",
        "district",
        "description",
    ],
    "hazards": [
        "id",
        "hazard_class",
        "status",
        "status_date",
        "evidence",
        "device_category",
        "district",
        "date_recorded",
        "area_m2",
    ],
}
DEFAULT_TOOLTIP_FIELDS = {
    "incidents": ["id", "incident_type", "date"],
    "hazards": ["id", "hazard_class", "status"],
}

VICTIM_COLORS = {
    "civilian": "#e41a1c",
    "deminer": "#377eb8",
    "military/security": "#4daf4a",
    "journalist": "#984ea3",
    "unknown": "#8c8c8c",
}
HAZARD_FILL = {
    "active CHA": "#b2182b",
    "active SHA": "#f4a261",
    "cancelled": "#c7e9c0",
    "reduced": "#74c476",
    "cleared": "#238b45",
    "handed over": "#4393c3",
}
HAZARD_OUTLINE = {"CHA": "#67001f", "SHA": "#b35806"}
HAZARD_LABELS = {
    "active CHA": "Confirmed hazardous area (CHA), active",
    "active SHA": "Suspected hazardous area (SHA), active",
    "cancelled": "Cancelled (released by non-technical survey)",
    "reduced": "Reduced (released by technical survey)",
    "cleared": "Cleared",
    "handed over": "Handed over",
}
_CASUALTY_BASE, _CASUALTY_SCALE = 4.0, 2.5


def _safe_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, no comment opener)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class GeomapMap(folium.Map):
    """A ``folium.Map`` that can inline its assets so it works offline.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`folium.Map`.
    self_contained : bool, default True
        Inline Leaflet's JavaScript and CSS from installed packages. With False,
        they are linked from a CDN, as folium does.
    """

    # Only what geomap's layers use: Leaflet itself (folium's jQuery, Bootstrap and
    # Font Awesome links are not needed by anything geomap draws).
    default_js = [("leaflet", ASSETS["leaflet"].cdn)]  # noqa: RUF012 (folium's own attribute)
    default_css = [("leaflet_css", ASSETS["leaflet_css"].cdn)]  # noqa: RUF012

    def __init__(self, *args: Any, self_contained: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.self_contained = self_contained
        Figure().add_child(self)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render into the parent figure, then inline linked assets if self-contained."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(Element(style_tag(asset_text("geomap.css"))), name="geomap_css")
        figure.header.add_child(Element(script_tag(asset_text("geomap.js"))), name="geomap_js")
        super().render(**kwargs)
        if self.self_contained:
            _inline_links(figure)


def _inline_links(figure: Figure) -> None:
    """Swap CDN ``<script src>``/``<link>`` elements in the header for inline copies."""
    children = figure.header._children
    for name, child in list(children.items()):
        if isinstance(child, JavascriptLink | CssLink):
            asset = asset_for_url(child.url)
            if asset is None:
                log.warning(
                    "%s is not bundled with geomap; the map will need the network to load it",
                    child.url,
                )
                continue
            text = asset_text(asset.name)
            tag = script_tag(text) if asset.kind == "js" else style_tag(text)
            children[name] = Element(tag)


class _LayerElement(folium.map.Layer):
    """A geomap data layer: compact columns turned into Leaflet layers by geomap.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = geomap.buildLayer({{ this.payload }});
        geomap.layers[{{ this.key_json }}] = {{ this.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, payload: str, key: str, name: str, show: bool = True) -> None:
        super().__init__(name=html.escape(name), overlay=True, control=True, show=show)
        self._name = "GeomapLayer"
        self.payload = payload
        self.key_json = _safe_json(key)


class _Legend(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        geomap.legend({{ this._parent.get_name() }}, {{ this.sections }}, "bottomright");
        {% endmacro %}
        """
    )

    def __init__(self, sections: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "GeomapLegend"
        self.sections = _safe_json(sections)


class _Title(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        geomap.title({{ this._parent.get_name() }}, {{ this.text }}, {{ this.subtitle }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str, subtitle: str | None) -> None:
        super().__init__()
        self._name = "GeomapTitle"
        self.text = _safe_json(text)
        self.subtitle = _safe_json(subtitle)


def _encode_column(values: pd.Series) -> Any:
    """Encode a column compactly: dictionary codes for repeated values, plain list otherwise."""
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)
    if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
        if len(values) and len(uniques) <= max(1, len(values) // 2):
            return {"d": [_plain(u) for u in uniques], "i": codes.tolist()}
        return [None if pd.isna(v) else _plain(v) for v in values.astype(object)]
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        return [None if pd.isna(v) else int(v) for v in values.astype(object)]
    if pd.api.types.is_float_dtype(values):
        arr = values.to_numpy(dtype=float)
        return [None if np.isnan(v) else v for v in np.round(arr, 2).tolist()]
    return [None if pd.isna(v) else str(v) for v in values.astype(object)]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _as_layer(
    data: ValidationResult | gpd.GeoDataFrame | None, what: str
) -> gpd.GeoDataFrame | None:
    if data is None:
        return None
    gdf = data.kept if isinstance(data, ValidationResult) else data
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeomapError(
            f"{what}: expected a GeoDataFrame or ValidationResult, got {type(gdf).__name__}"
        )
    if gdf.crs is None:
        raise GeomapError(f"{what}: the layer has no CRS; set one (e.g. gdf.set_crs(4326))")
    if not gdf.crs.equals(DISPLAY_CRS):
        gdf = gdf.to_crs(DISPLAY_CRS)
    return gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]


def _fields(
    gdf: gpd.GeoDataFrame, asked: Sequence[str] | None, default: list[str], what: str, kind: str
) -> list[str]:
    if asked is None:
        return [f for f in default if f in gdf.columns]
    missing = [f for f in asked if f not in gdf.columns]
    if missing:
        have = [c for c in gdf.columns if c != gdf.geometry.name]
        raise GeomapError(
            f"{kind} fields {missing} are not columns of the {what} layer; it has {have}"
        )
    return list(asked)


def _labels(fields: Sequence[str], spec_fields: dict[str, str]) -> dict[str, str]:
    return {f: spec_fields.get(f, f) for f in fields}


def _payload(
    gdf: gpd.GeoDataFrame,
    kind: str,
    columns: list[str],
    popup: list[str],
    tooltip: list[str],
    labels: dict[str, str],
    style: dict[str, Any],
    canvas: bool | None,
) -> str:
    n = len(gdf)
    use_canvas = n > CANVAS_THRESHOLD if canvas is None else canvas
    head: dict[str, Any] = {
        "kind": kind,
        "n": n,
        "cols": {c: _encode_column(gdf[c]) for c in columns},
        "labels": labels,
        "popup": popup,
        "tooltip": tooltip,
        "style": style,
        "canvas": use_canvas,
    }
    geoms = gdf.geometry.to_numpy()
    if kind == "points":
        head["x"] = np.round(shapely.get_x(geoms), COORD_DECIMALS).tolist()
        head["y"] = np.round(shapely.get_y(geoms), COORD_DECIMALS).tolist()
        return _safe_json(head)
    rounded = shapely.transform(geoms, lambda c: np.round(c, COORD_DECIMALS))
    head["g"] = []
    text = _safe_json(head)
    # Splice the geometries in as GEOS writes them (numbers only: nothing to escape).
    geo = ",".join(shapely.to_geojson(rounded).tolist())
    return text.replace('"g":[]', '"g":[' + geo + "]", 1)


def _hazard_legend(gdf: gpd.GeoDataFrame) -> dict[str, Any] | None:
    if "status" not in gdf.columns:
        return None
    status = gdf["status"].astype(object)
    klass = gdf["hazard_class"].astype(object) if "hazard_class" in gdf.columns else None
    keys = status.where(status != "active", "active " + (klass if klass is not None else ""))
    present = set(keys.dropna())
    items = [
        {
            "label": HAZARD_LABELS[k],
            "fill": HAZARD_FILL[k],
            "stroke": HAZARD_OUTLINE.get(k.split(" ")[-1], HAZARD_FILL[k]),
            "dash": k == "active SHA",
        }
        for k in HAZARD_FILL
        if k in present
    ]
    return {"title": "Hazard areas", "items": items} if items else None


def _incident_legend(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    sections = []
    if "victim_category" in gdf.columns:
        present = set(gdf["victim_category"].astype(object).dropna())
        items = [
            {"label": cat, "fill": VICTIM_COLORS[cat], "stroke": "#222", "shape": "circle"}
            for cat in VICTIM_CATEGORY.codes
            if cat in present
        ]
        if items:
            sections.append({"title": "Incidents, by victim category", "items": items})
    size_cols = [c for c in ("killed", "injured") if c in gdf.columns]
    if size_cols:
        total = gdf[size_cols].sum(axis=1, min_count=1)
        if total.isna().all():
            return sections  # casualties unknown throughout: circles are all one size
        top = int(total.max())
        steps = [v for v in (1, 2, 5, 10, 25, 50, 100) if v < top] + [max(top, 1)]
        sections.append(
            {
                "title": "Casualties (killed + injured)",
                "items": [
                    {
                        "label": str(v),
                        "fill": "#bbbbbb",
                        "stroke": "#222",
                        "shape": "circle",
                        "size": _CASUALTY_BASE + _CASUALTY_SCALE * float(np.sqrt(v)),
                    }
                    for v in steps
                ],
            }
        )
    return sections


def render_map(
    incidents: ValidationResult | gpd.GeoDataFrame | None = None,
    hazards: ValidationResult | gpd.GeoDataFrame | None = None,
    *,
    title: str = "Explosive ordnance contamination",
    subtitle: str | None = None,
    popup_fields: Mapping[str, Sequence[str]] | None = None,
    tooltip_fields: Mapping[str, Sequence[str]] | None = None,
    tiles: str | None = "OpenStreetMap",
    cdn: bool = False,
    canvas: bool | None = None,
) -> GeomapMap:
    """Draw incidents and hazard areas on an interactive Leaflet map.

    Hazard areas are filled by status (active areas by class: CHA dark red, SHA
    orange with a dashed outline; released land in greens and blue); incidents are
    circles coloured by victim category and sized by casualties. The map has a
    legend for both, a layer control, tooltips and popups, and a title.

    Parameters
    ----------
    incidents, hazards : ValidationResult or GeoDataFrame, optional
        Validated layers (a result's ``kept`` rows are drawn).
    title : str
        Shown at the top left of the map.
    subtitle : str, optional
        A second, smaller line (for example the data's source).
    popup_fields, tooltip_fields : dict, optional
        Per layer (``"incidents"``, ``"hazards"``), the columns shown on click and on
        hover, in order. Defaults: :data:`DEFAULT_POPUP_FIELDS`, :data:`DEFAULT_TOOLTIP_FIELDS`.
    tiles : str or None, default "OpenStreetMap"
        A basemap name known to xyzservices/folium, or None for no basemap.
    cdn : bool, default False
        Link Leaflet from a CDN instead of inlining it (smaller file, needs network).
    canvas : bool, optional
        Force Leaflet's canvas renderer on or off (default: on above
        :data:`CANVAS_THRESHOLD` features in a layer).

    Returns
    -------
    GeomapMap
        A ``folium.Map``: display it in a notebook, ``.save()`` it, or
        ``.get_root().render()`` it to a string.

    Raises
    ------
    GeomapError
        Nothing to draw, or a requested popup field is not a column.

    Examples
    --------
    >>> import geomap
    >>> raw = geomap.read_incidents("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> m = geomap.render_map(geomap.validate_incidents(raw))  # doctest: +SKIP
    >>> m.save("incidents.html")  # doctest: +SKIP
    """
    inc = _as_layer(incidents, "incidents")
    haz = _as_layer(hazards, "hazards")
    layers = [g for g in (haz, inc) if g is not None and len(g)]
    if not layers:
        raise GeomapError(
            "nothing to draw: no incidents or hazard areas were given (or all were empty)"
        )
    popup_fields = popup_fields or {}
    tooltip_fields = tooltip_fields or {}

    m = GeomapMap(tiles=tiles, control_scale=True, self_contained=not cdn, prefer_canvas=False)
    minx, miny, maxx, maxy = np.array([g.total_bounds for g in layers]).T
    m.fit_bounds([[float(miny.min()), float(minx.min())], [float(maxy.max()), float(maxx.max())]])

    legend: list[dict[str, Any]] = []
    if haz is not None and len(haz):
        pop = _fields(
            haz, popup_fields.get("hazards"), DEFAULT_POPUP_FIELDS["hazards"], "hazards", "popup"
        )
        tip = _fields(
            haz,
            tooltip_fields.get("hazards"),
            DEFAULT_TOOLTIP_FIELDS["hazards"],
            "hazards",
            "tooltip",
        )
        style_cols = [c for c in ("status", "hazard_class") if c in haz.columns]
        cols = list(dict.fromkeys([*pop, *tip, *style_cols]))
        haz = haz.assign(area_m2=haz["area_m2"].round(0)) if "area_m2" in haz.columns else haz
        style: dict[str, Any] = {
            "statusField": "status",
            "classField": "hazard_class",
            "palette": HAZARD_FILL,
            "outline": HAZARD_OUTLINE,
            "dash": {"SHA": "6 4"},
            "fallback": "#999999",
            "className": "geomap-hazard",
        }
        labels = _labels(cols, {f.name: f.label for f in HAZARDS.fields})
        payload = _payload(haz, "polygons", cols, pop, tip, labels, style, canvas)
        _LayerElement(payload, "hazards", f"Hazard areas ({len(haz)})").add_to(m)
        section = _hazard_legend(haz)
        if section:
            legend.append(section)
    if inc is not None and len(inc):
        pop = _fields(
            inc,
            popup_fields.get("incidents"),
            DEFAULT_POPUP_FIELDS["incidents"],
            "incidents",
            "popup",
        )
        tip = _fields(
            inc,
            tooltip_fields.get("incidents"),
            DEFAULT_TOOLTIP_FIELDS["incidents"],
            "incidents",
            "tooltip",
        )
        if not (shapely.get_type_id(inc.geometry.to_numpy()) == 0).all():
            raise GeomapError("incidents: every geometry must be a Point; validate the layer first")
        size_by = [c for c in ("killed", "injured") if c in inc.columns]
        style_cols = [c for c in ("victim_category", *size_by) if c in inc.columns]
        cols = list(dict.fromkeys([*pop, *tip, *style_cols]))
        style = {
            "colorBy": "victim_category",
            "palette": VICTIM_COLORS,
            "fallback": VICTIM_COLORS["unknown"],
            "sizeBy": size_by,
            "base": _CASUALTY_BASE,
            "scale": _CASUALTY_SCALE,
            "className": "geomap-incident",
        }
        labels = _labels(cols, {f.name: f.label for f in INCIDENTS.fields})
        payload = _payload(inc, "points", cols, pop, tip, labels, style, canvas)
        _LayerElement(payload, "incidents", f"Incidents ({len(inc)})").add_to(m)
        legend.extend(_incident_legend(inc))
    folium.LayerControl(collapsed=False).add_to(m)
    if legend:
        _Legend(legend).add_to(m)
    _Title(title, subtitle).add_to(m)
    log.info(
        "rendered map: %d hazard areas, %d incidents",
        0 if haz is None else len(haz),
        0 if inc is None else len(inc),
    )
    return m


def save_map(m: folium.Map, path: str | Any) -> Any:
    """Write a map to an HTML file atomically (never half a file).

    Parameters
    ----------
    m : folium.Map
        The map, e.g. from :func:`render_map`.
    path : str or Path
        Destination ``.html`` file.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> save_map(m, "map.html")  # doctest: +SKIP
    """
    from geomap.io import atomic_path

    text = m.get_root().render()
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
