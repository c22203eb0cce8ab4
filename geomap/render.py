"""Rendering layers into a Folium (Leaflet) map.

:func:`render_map` returns a :class:`GeomapMap`, a ``folium.Map`` that shows
itself in Jupyter, saves to a file and renders to a string. By default the map
is **self-contained**: Leaflet, its plugins and geomap's own script and style
are inlined, so the file draws with no network (basemap tiles may then be
missing; the data are not). ``cdn=True`` links them from a CDN instead.

What the map holds, each in a grouped layer panel with its own legend:

* hazard areas active at the time-slider's date (CHA solid, SHA dashed), and
  the land released from them (cancelled, reduced, cleared, handed over);
* incidents coloured by victim category and sized by casualties, clustered by
  themselves above :data:`CLUSTER_THRESHOLD` points, and a heat map weighted by
  casualties;
* optional: district choropleths (casualties; active hazard km²), proposed
  suspected hazard areas, towns and roads;
* a time slider over incident and land-release dates, a summary panel that
  follows it, search by id, district or place, full screen, measure, mini-map,
  scale bar and locate-me.

Data reach the page as compact columns (only the fields used; codes and
coordinates as base64 typed arrays) and are drawn by ``geomap.js``, which writes
every value with ``textContent``: a ``<script>`` in a field name or value is
shown, never run. With ``public=True`` only allow-listed fields reach the page
and incident locations are generalised (see :mod:`geomap.publish`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement

from geomap import _encode
from geomap._assets import (
    ASSETS,
    AssetError,
    asset_for_url,
    asset_text,
    leaflet_icons,
    script_tag,
    style_tag,
)
from geomap._errors import GeomapError
from geomap.geo import metric_crs, project
from geomap.model import (
    DISPLAY_CRS,
    HAZARDS,
    INCIDENT_TYPE,
    INCIDENTS,
    RELEASED_STATUSES,
    VICTIM_CATEGORY,
)
from geomap.publish import PUBLIC_FIELDS, public_hazards, public_incidents
from geomap.style import (
    CASUALTY_BASE,
    CASUALTY_SCALE,
    CHORO_COLORS,
    HAZARD_FILL,
    HAZARD_LABELS,
    HAZARD_OUTLINE,
    TYPE_COLORS,
    VICTIM_COLORS,
)
from geomap.validate import ValidationResult, as_layer

__all__ = [
    "CLUSTER_THRESHOLD",
    "DEFAULT_BASEMAPS",
    "DEFAULT_CONTROLS",
    "DEFAULT_POPUP_FIELDS",
    "DEFAULT_TOOLTIP_FIELDS",
    "GeomapMap",
    "render_map",
    "save_map",
]

log = logging.getLogger(__name__)

#: Above this many features in a layer, Leaflet's canvas renderer is used.
CANVAS_THRESHOLD = 3000
#: Up to this many hazard areas, the summary panel's areas are dissolved (overlaps
#: once; it costs a union per month).
DISSOLVE_SUMMARY_MAX = 500
#: Above this many incidents, they are clustered (supercluster) unless told otherwise.
CLUSTER_THRESHOLD = 2000
DEFAULT_BASEMAPS = ("OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery")
DEFAULT_CONTROLS = ("search", "fullscreen", "measure", "minimap", "locate", "scale")
_BASEMAP_ALIASES = {"openstreetmap": "OpenStreetMap.Mapnik", "osm": "OpenStreetMap.Mapnik"}

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
PUBLIC_POPUP_FIELDS = {
    "incidents": [
        "incidents",
        "killed",
        "injured",
        "victim_category",
        "incident_type",
        "district",
        "first_date",
        "last_date",
    ],
    "hazards": DEFAULT_POPUP_FIELDS["hazards"],
}
PUBLIC_TOOLTIP_FIELDS = {
    "incidents": ["incidents", "district"],
    "hazards": ["id", "hazard_class", "status"],
}
_PUBLIC_LABELS = {
    "incidents": "Incidents in this cell",
    "victim_category": "Most common victim category",
    "incident_type": "Most common type",
    "first_date": "First (month)",
    "last_date": "Last (month)",
    "district": "District",
}


class _Raw(Element):
    """An element output as is (branca's Element would parse its text as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__("")
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class GeomapMap(folium.Map):
    """A ``folium.Map`` that can inline its assets so it works offline.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`folium.Map`.
    self_contained : bool, default True
        Inline JavaScript and CSS from installed packages. With False, they are
        linked from a CDN, as folium does.
    """

    # Only what geomap draws needs: Leaflet, and plugins added per map (folium's
    # jQuery, Bootstrap and Font Awesome links are not needed).
    default_js = [("leaflet", ASSETS["leaflet"].cdn)]  # noqa: RUF012 (folium's own attribute)
    default_css = [("leaflet_css", ASSETS["leaflet_css"].cdn)]  # noqa: RUF012

    def __init__(self, *args: Any, self_contained: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_js = list(type(self).default_js)
        self.default_css = list(type(self).default_css)
        self.self_contained = self_contained
        self.embedded = False
        Figure().add_child(self)

    def use_asset(self, name: str) -> None:
        """Add a bundled JS or CSS asset (a key of ``geomap._assets.ASSETS``) to the page."""
        asset = ASSETS[name]
        target = self.default_js if asset.kind == "js" else self.default_css
        if all(n != name for n, _ in target):
            target.append((name, asset.cdn))

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render into the parent figure, then inline linked assets if self-contained."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(_Raw(style_tag(asset_text("geomap.css"))), name="geomap_css")
        super().render(**kwargs)
        figure.header.add_child(_Raw(script_tag(asset_text("geomap.js"))), name="geomap_js")
        if self.embedded:
            # No page-wide styles (folium sets html/body/#map to fill the window).
            figure.header._children[self.get_name()] = _Raw(
                f"<style>#{self.get_name()} "
                "{position:absolute;inset:0;width:100%;height:100%;}</style>"
            )
        if self.self_contained:
            _inline_links(figure, guard=self.embedded)

    def render_parts(self) -> tuple[str, str, str]:
        """Return the page's head, body and script, as :mod:`geomap.embed` needs them."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.render()
        return figure.header.render(), figure.html.render(), figure.script.render()


def _inline_links(figure: Figure, *, guard: bool = False) -> None:
    """Swap CDN ``<script src>``/``<link>`` elements in the header for inline copies.

    With ``guard``, each script runs only once per page (for maps embedded side by side).
    """
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
            if asset.kind == "js":
                if guard:
                    text = (
                        f"if (!(window.__geomapAssets = window.__geomapAssets || {{}})"
                        f"[{_encode.safe_json(asset.name)}]) {{\n"
                        f"window.__geomapAssets[{_encode.safe_json(asset.name)}] = true;\n"
                        f"{text}\n}}"
                    )
                children[name] = _Raw(script_tag(text))
            else:
                children[name] = _Raw(style_tag(text))


class _App(MacroElement):
    """The whole map's data and configuration, built into Leaflet layers by geomap.js.

    Its script goes into the page as is: branca would otherwise parse it as a Jinja
    template, so a ``{{ ... }}`` in the data would be evaluated (and a large map's
    data tokenised, slowly).
    """

    #: Stands for the data while a large page is written piece by piece (see save_map).
    PLACEHOLDER = "\x00geomap-data\x00"

    def __init__(self, config: str) -> None:
        super().__init__()
        self._name = "GeomapApp"
        self.config = config
        self.deferred = False

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the map's data (a JSON data block) and script to the figure, untouched."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        # A JSON data block parses much faster than a script of the same size, and the
        # HTML parser never runs it. safe_json leaves no "<" in it to end it early.
        data = self.PLACEHOLDER if self.deferred else self.config
        block = f'<script type="application/json" id="{self.get_name()}">{data}</script>'
        figure.html.add_child(_Raw(block), name=self.get_name())
        parent = self._parent
        assert parent is not None
        script = (
            f"geomap.app({parent.get_name()}, "
            f'JSON.parse(document.getElementById("{self.get_name()}").textContent));'
        )
        figure.script.add_child(_Raw(script), name=self.get_name())


# ---------------------------------------------------------------- helpers


def _as_layer(
    data: ValidationResult | gpd.GeoDataFrame | None, what: str
) -> gpd.GeoDataFrame | None:
    if data is None:
        return None
    gdf = as_layer(data, what)
    return gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)].reset_index(drop=True)


def _fields(
    gdf: gpd.GeoDataFrame, asked: Sequence[str] | None, default: Sequence[str], what: str, kind: str
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


_Ragged = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _ragged_arrays(geoms: np.ndarray) -> _Ragged:
    """Integer microdegree coordinates and ring, part and geometry offsets of polygons."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        zero = np.zeros(1, dtype=np.int64)
        return np.zeros((0, 2), dtype=np.int64), zero, zero, zero
    if (shapely.get_type_id(geoms) == 3).all():  # plain polygons: one part each
        _, xy, (ring, part) = shapely.to_ragged_array(geoms)
        geom = np.arange(len(part), dtype=np.int64)
    else:
        parts, index = shapely.get_parts(geoms, return_index=True)
        multi = shapely.multipolygons(parts, indices=index)
        _, xy, (ring, part, geom) = shapely.to_ragged_array(multi)
    ints = np.round(xy * _encode.COORD_SCALE).astype(np.int64)
    return ints, ring.astype(np.int64), part.astype(np.int64), geom.astype(np.int64)


def _pack_ragged(chunks: Sequence[_Ragged]) -> dict[str, Any]:
    """Join chunks of :func:`_ragged_arrays` and encode them for the page.

    Within a ring, each vertex after the first travels as an int16 step from the
    one before when every step fits (about 3.6 km at most), which halves the bytes
    of typical hazard polygons; otherwise coordinates are int32.
    """
    xys, rings, parts, geoms = [], [], [], []
    n_xy = n_ring = n_part = 0
    for k, (xy, ring, part, geom) in enumerate(chunks):
        xys.append(xy)
        rings.append(ring[(0 if k == 0 else 1) :] + n_xy)
        parts.append(part[(0 if k == 0 else 1) :] + n_ring)
        geoms.append(geom[(0 if k == 0 else 1) :] + n_part)
        n_xy += len(xy)
        n_ring += len(ring) - 1
        n_part += len(part) - 1
    ints = np.concatenate(xys) if xys else np.zeros((0, 2), dtype=np.int64)
    ring = np.concatenate(rings) if rings else np.zeros(1, dtype=np.int64)
    out: dict[str, Any] = {
        "ring": _encode.binary(ring, "i4"),
        "part": _encode.binary(np.concatenate(parts) if parts else ring[:1], "i4"),
        "geom": _encode.binary(np.concatenate(geoms) if geoms else ring[:1], "i4"),
        "scale": _encode.COORD_SCALE,
    }
    starts = ring[:-1]
    steps = np.diff(ints, axis=0, prepend=ints[:1])
    steps[starts] = 0  # a ring's first vertex is absolute, in `starts`
    if len(ints) and np.abs(steps).max() < 32767:
        out["steps"] = _encode.binary(steps.ravel(), "i2")
        out["starts"] = _encode.binary(ints[starts].ravel(), "i4")
    else:
        out["xy"] = _encode.binary(ints.ravel(), "i4")
    return out


def _ragged_polygons(geoms: np.ndarray) -> dict[str, Any]:
    """Polygons as one binary ragged array for the page (see :func:`_pack_ragged`)."""
    return _pack_ragged([_ragged_arrays(geoms)])


def _simplify_metric(
    metric: np.ndarray, original: np.ndarray, tolerance_m: float, *, topology: bool = True
) -> np.ndarray:
    """Simplify geometries already in a metric CRS; where one would vanish, keep ``original``."""
    out = shapely.simplify(metric, tolerance_m, preserve_topology=topology)
    lost = shapely.is_empty(out) | ~np.isin(shapely.get_type_id(out), (3, 6))
    out[lost] = original[lost]
    return out


def _simplify(geoms: np.ndarray, crs: Any, tolerance_m: float) -> np.ndarray:
    """Simplify polygons for display in a metric CRS, keeping topology; never to nothing."""
    geoms = np.asarray(geoms, dtype=object)
    if tolerance_m <= 0 or len(geoms) == 0:
        return geoms
    metric = project(geoms, crs)
    return project(_simplify_metric(metric, metric, tolerance_m), DISPLAY_CRS, src=crs)


#: Polygons are simplified and encoded this many at a time, to bound memory.
POLYGON_CHUNK = 5000


def _display_polygons(gdf: gpd.GeoDataFrame, simplify_m: float) -> dict[str, Any]:
    """Display geometry at two levels: coarse for the overview, fine from ``detailZoom`` on.

    The coarse level is simplified to about a pixel at the zoom that shows all the
    data, so the first draw of thousands of polygons stays fast; the fine level
    (``simplify_m``, topology kept) replaces it polygon by polygon when the user
    zooms in. Polygons go through in chunks, each projected to the metric CRS and
    back once, so memory stays bounded on large layers.
    """
    from pyproj import Transformer

    geoms = gdf.geometry.to_numpy()
    if len(gdf) == 0:
        return {"g": _ragged_polygons(geoms)}
    crs = metric_crs(gdf)
    to_metric = Transformer.from_crs(DISPLAY_CRS, crs, always_xy=True)
    minx, miny, maxx, maxy = to_metric.transform_bounds(*gdf.total_bounds)
    extent = max(maxx - minx, maxy - miny, 1.0)
    coarse_m = extent / 1000  # about one pixel of a 1000-pixel-wide view of everything
    two_levels = coarse_m > 4 * simplify_m and len(gdf) >= 500
    fine_chunks: list[_Ragged] = []
    coarse_chunks: list[_Ragged] = []
    for start in range(0, len(geoms), POLYGON_CHUNK):
        metric = project(geoms[start : start + POLYGON_CHUNK], crs)
        fine = _simplify_metric(metric, metric, simplify_m) if simplify_m > 0 else metric
        if two_levels:
            # A pixel-sized overview need not keep topology: much faster, and a polygon
            # that would collapse keeps its fine shape.
            coarse = _simplify_metric(fine, fine, coarse_m, topology=False)
            coarse_chunks.append(_ragged_arrays(project(coarse, DISPLAY_CRS, src=crs)))
        fine_chunks.append(_ragged_arrays(project(fine, DISPLAY_CRS, src=crs)))
    if not two_levels:
        return {"g": _pack_ragged(fine_chunks)}
    lat = float(np.radians(gdf.total_bounds[[1, 3]].mean()))
    # Ground resolution is 156543 m/px * cos(lat) / 2**zoom; go fine from the zoom at
    # which the coarse level's error would exceed a pixel.
    detail_zoom = int(np.ceil(np.log2(156543.03 * np.cos(lat) / coarse_m)))
    return {
        "g": _pack_ragged(coarse_chunks),
        "gFine": _pack_ragged(fine_chunks),
        "detailZoom": detail_zoom,
    }


def _time_column(gdf: gpd.GeoDataFrame, name: str, cols: Sequence[str]) -> Any:
    """Dates for the time slider: the name of a date column the page already has, or days."""
    if name in cols and pd.api.types.is_datetime64_any_dtype(gdf[name]):
        return name  # sent once, as days, in the layer's columns
    if name in gdf.columns:
        return _encode.days(gdf[name])
    return _encode.days(pd.Series(pd.NaT, index=gdf.index))


def _labels(fields: Sequence[str], public: bool, spec: Any) -> dict[str, str]:
    known = {f.name: f.label for f in spec.fields}
    if public:
        known.update(_PUBLIC_LABELS)
    return {f: known.get(f, f) for f in fields}


def _months(dates: Sequence[pd.Series | None]) -> pd.PeriodIndex | None:
    present = [pd.to_datetime(d) for d in dates if d is not None and len(d)]
    if not present:
        return None
    values = pd.concat(present, ignore_index=True).dropna()
    if values.empty:
        return None
    return pd.period_range(values.min().to_period("M"), values.max().to_period("M"), freq="M")


def _month_end_days(months: pd.PeriodIndex) -> list[int]:
    ends = months.to_timestamp(how="end").normalize()
    return [int(v) for v in ends.to_numpy(dtype="datetime64[D]").astype(np.int64)]


def _suppress(value: float | int | None, k: int | None) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if k is not None and 0 < value < k:
        return f"fewer than {k}"
    return value


def _count_text(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _summary(
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    months: pd.PeriodIndex,
    k: int | None,
) -> dict[str, Any]:
    """Cumulative totals at the end of each month, for the summary panel."""
    ends = months.to_timestamp(how="end").normalize()
    rows: list[dict[str, Any]] = []

    def cumulative(dates: pd.Series, weights: pd.Series | None = None) -> list[Any]:
        d = pd.to_datetime(dates)
        if weights is not None and len(weights) and weights.isna().all():
            return [None] * len(months)  # unknown throughout: shown as a dash, not 0
        w = pd.Series(1, index=d.index) if weights is None else weights.fillna(0)
        undated = float(w[d.isna()].sum())
        by_month = w[d.notna()].groupby(d[d.notna()].dt.to_period("M")).sum()
        series = by_month.reindex(months, fill_value=0).cumsum() + undated
        return [_suppress(int(v), k) for v in series.to_numpy()]

    if incidents is not None and len(incidents):
        dates = (
            incidents["date"]
            if "date" in incidents.columns
            else pd.Series(pd.NaT, index=incidents.index)
        )
        rows.append({"key": "incidents", "label": "Incidents", "values": cumulative(dates)})
        for col in ("killed", "injured"):
            if col in incidents.columns:
                rows.append(
                    {
                        "key": col,
                        "label": col.capitalize(),
                        "values": cumulative(dates, incidents[col].astype(float)),
                    }
                )
        if "victim_category" in incidents.columns and {"killed", "injured"} <= set(
            incidents.columns
        ):
            cats = incidents["victim_category"].astype(object)
            for cat in VICTIM_CATEGORY.codes:
                sel = cats == cat
                if not sel.any():
                    continue
                killed = cumulative(dates[sel], incidents.loc[sel, "killed"].astype(float))
                injured = cumulative(dates[sel], incidents.loc[sel, "injured"].astype(float))
                rows.append(
                    {
                        "key": f"victims-{cat}",
                        "label": f"{cat}: killed / injured",
                        "indent": True,
                        "values": [
                            f"{_count_text(a)} / {_count_text(b)}"
                            for a, b in zip(killed, injured, strict=True)
                        ],
                    }
                )
    if hazards is not None and len(hazards) and "status" in hazards.columns:
        from geomap.analysis import area_over_time

        dissolve = len(hazards) <= DISSOLVE_SUMMARY_MAX
        areas = area_over_time(hazards, list(ends), dissolve=dissolve)
        active = [round(float(v), 2) for v in areas["active_km2"]]
        released = [round(float(v), 2) for v in areas["released_km2"]]
        rows.append({"key": "active_km2", "label": "Active hazard area (km²)", "values": active})
        rows.append({"key": "released_km2", "label": "Land released (km²)", "values": released})
    return {
        "title": "Summary",
        "months": [str(m) for m in months],
        "rows": rows,
        "note": (
            ""
            if hazards is None or not len(hazards)
            else "Where hazard areas overlap, land counts once."
            if len(hazards) <= DISSOLVE_SUMMARY_MAX
            else "Areas are sums of recorded areas: where polygons overlap, the overlap "
            "counts for each (see geomap stats for dissolved areas)."
        )
        + (f" Counts below {k} are suppressed." if k else ""),
    }


def _basemaps(tiles: str | Sequence[str] | None) -> list[dict[str, Any]]:
    import xyzservices

    if tiles is None:
        return []
    names = [tiles] if isinstance(tiles, str) else list(tiles)
    out = []
    for name in names:
        if name.lower() == "none":
            continue
        query = _BASEMAP_ALIASES.get(name.lower(), name)
        try:
            provider = xyzservices.providers.query_name(query)
        except ValueError:
            raise GeomapError(
                f"basemap {name!r} is not an xyzservices provider name "
                f"(e.g. {', '.join(DEFAULT_BASEMAPS)}, "
                "or 'none')"
            ) from None
        if provider.requires_token():
            raise GeomapError(
                f"basemap {name!r} needs an API key; choose another (e.g. OpenStreetMap.Mapnik)"
            )
        out.append(
            {
                "name": provider.name,
                "url": provider.build_url(),
                "attribution": provider.html_attribution,
                "maxZoom": int(provider.get("max_zoom", 19)),
                "subdomains": provider.get("subdomains", "abc"),
            }
        )
    return out


def _hazard_legends(gdf: gpd.GeoDataFrame) -> dict[str, list[dict[str, Any]]]:
    klass = set(gdf["hazard_class"].astype(object)) if "hazard_class" in gdf.columns else set()
    status = set(gdf["status"].astype(object)) if "status" in gdf.columns else set()
    active = [
        {
            "label": HAZARD_LABELS[f"active {c}"],
            "fill": HAZARD_FILL[f"active {c}"],
            "stroke": HAZARD_OUTLINE[c],
            "dash": c == "SHA",
        }
        for c in ("CHA", "SHA")
        if c in klass
    ]
    released = [
        {"label": HAZARD_LABELS[s], "fill": HAZARD_FILL[s], "stroke": HAZARD_FILL[s]}
        for s in RELEASED_STATUSES
        if s in status
    ]
    return {"active": active, "released": released}


def _color_by(gdf: gpd.GeoDataFrame) -> tuple[str, dict[str, str]]:
    """Colour incidents by victim category, or by type where every victim is unknown."""
    victims = (
        set(gdf["victim_category"].astype(object).dropna()) if "victim_category" in gdf else set()
    )
    if victims - {"unknown"} or "incident_type" not in gdf.columns:
        return "victim_category", VICTIM_COLORS
    return "incident_type", TYPE_COLORS


def _incident_legend(gdf: gpd.GeoDataFrame, public_k: int | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    field, palette = _color_by(gdf)
    if field in gdf.columns:
        present = set(gdf[field].astype(object).dropna())
        word = "victim category" if field == "victim_category" else "type"
        items.append({"heading": f"Most common {word}" if public_k else f"Colour: {word}"})
        codes = VICTIM_CATEGORY.codes if field == "victim_category" else INCIDENT_TYPE.codes
        items += [
            {"label": cat, "fill": palette[cat], "stroke": "#222", "shape": "circle"}
            for cat in codes
            if cat in present
        ]
    if public_k:
        items.append(
            {
                "label": f"fewer than {public_k} incidents (counts suppressed)",
                "fill": "#ffffff",
                "stroke": "#222",
                "shape": "circle",
            }
        )
    size_cols = [c for c in ("killed", "injured") if c in gdf.columns]
    if size_cols:
        total = gdf[size_cols].astype(float).sum(axis=1, min_count=1)
        if total.notna().any():
            top = int(total.max())
            steps = [v for v in (1, 2, 5, 10, 25, 50, 100) if v < top] + [max(top, 1)]
            items.append({"heading": "Casualties (killed + injured)"})
            items += [
                {
                    "label": str(v),
                    "fill": "#bbbbbb",
                    "stroke": "#222",
                    "shape": "circle",
                    "size": CASUALTY_BASE + CASUALTY_SCALE * float(np.sqrt(v)),
                }
                for v in steps
            ]
    return items


def _breaks(values: pd.Series, n: int = 5) -> list[float]:
    v = values.dropna().astype(float)
    if v.empty:
        return [0.0]
    qs = np.unique(np.round(np.quantile(v, np.linspace(0, 1, n + 1)[1:]), 2))
    return [float(q) for q in qs]


def _choropleth_legend(breaks: list[float], colors: list[str], unit: str) -> list[dict[str, Any]]:
    items, lo = [], None
    for b, c in zip(breaks, colors, strict=False):
        label = f"≤ {b:g} {unit}" if lo is None else f"{lo:g} – {b:g} {unit}"
        items.append({"label": label, "fill": c, "stroke": "#555"})
        lo = b
    return items


def _district_layers(
    districts: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    k: int | None,
    simplify_m: float,
) -> list[dict[str, Any]]:
    from geomap.analysis import district_summary

    d = districts.to_crs(DISPLAY_CRS).reset_index(drop=True)
    # One row per district in input order (joined on geometry), then an "outside" row.
    table = district_summary(incidents, hazards, d).iloc[: len(d)]
    names = table["name"].astype(str).reset_index(drop=True)
    casualties = table["casualties"].astype(float).to_numpy()
    active = table["active_km2"].astype(float).round(2).to_numpy()
    geoms = _simplify(d.geometry.to_numpy(), metric_crs(d), simplify_m)
    layers = []
    for key, name, values, unit in (
        ("districts-casualties", "Casualties by district", casualties, "casualties"),
        ("districts-active", "Active hazard area by district (km²)", active, "km²"),
    ):
        series = pd.Series(values, dtype=float)
        shown = series.copy()
        if k:  # small counts are suppressed: shown without a number, coloured as no data
            shown = shown.mask((shown > 0) & (shown < k)) if unit == "casualties" else shown
        colors = CHORO_COLORS["casualties" if unit == "casualties" else "active_km2"]
        breaks = _breaks(shown)
        cols = {"district": _encode.column(names), "value": _encode.column(shown.round(2))}
        layers.append(
            {
                "kind": "polygons",
                "key": key,
                "group": "Districts",
                "name": name,
                "show": False,
                "n": len(d),
                "g": _ragged_polygons(geoms),
                "cols": cols,
                "labels": {"district": "District", "value": name},
                "popup": ["district", "value"],
                "tooltip": ["district", "value"],
                "style": {"className": "geomap-district"},
                "pane": "geomap-below",
                "choropleth": {
                    "field": "value",
                    "breaks": breaks,
                    "colors": colors[: len(breaks)],
                    "nodata": "#eeeeee",
                    "stroke": "#555",
                    "weight": 1,
                    "fillOpacity": 0.7,
                },
                "legend": [
                    *_choropleth_legend(breaks, colors, unit),
                    {
                        "label": "no data" + (f" or fewer than {k}" if k else ""),
                        "fill": "#eeeeee",
                        "stroke": "#555",
                    },
                ],
            }
        )
    return layers


def _context_points(places: gpd.GeoDataFrame, label: str) -> dict[str, Any]:
    pts = places.geometry.representative_point()
    return {
        "kind": "points",
        "key": "places",
        "group": "Context",
        "name": "Towns and villages",
        "show": True,
        "n": len(places),
        "x": _encode.coords(pts.x.to_numpy()),
        "y": _encode.coords(pts.y.to_numpy()),
        "scale": _encode.COORD_SCALE,
        "cols": {"name": _encode.column(places[label].astype(str))},
        "labels": {"name": "Place"},
        "popup": [],
        "tooltip": ["name"],
        "style": {
            "radius": 3,
            "color": "#111",
            "weight": 1,
            "fillColor": "#fff",
            "fillOpacity": 1,
            "className": "geomap-place",
        },
        "legend": [
            {"label": "town or village", "fill": "#ffffff", "stroke": "#111", "shape": "circle"}
        ],
    }


def _context_lines(roads: gpd.GeoDataFrame) -> dict[str, Any]:
    geoms = shapely.transform(roads.geometry.to_numpy(), lambda c: np.round(c, 6))
    lines = [shapely.geometry.mapping(g)["coordinates"] for g in geoms]
    label = next((c for c in ("name", "road_class") if c in roads.columns), None)
    cols = {"name": _encode.column(roads[label].astype(str))} if label else {}
    return {
        "kind": "lines",
        "key": "roads",
        "group": "Context",
        "name": "Roads",
        "show": False,
        "n": len(roads),
        "lines": lines,
        "cols": cols,
        "labels": {"name": "Road"},
        "popup": [],
        "tooltip": ["name"] if cols else [],
        "style": {"color": "#555", "weight": 2, "opacity": 0.8, "className": "geomap-road"},
        "legend": [{"label": "road", "fill": "#555555", "stroke": "#555555"}],
    }


def _assets_available(names: Sequence[str]) -> bool:
    try:
        for n in names:
            asset_text(n)
    except AssetError as exc:
        log.warning("%s", exc)
        return False
    return True


# ---------------------------------------------------------------- the map


def render_map(
    incidents: ValidationResult | gpd.GeoDataFrame | None = None,
    hazards: ValidationResult | gpd.GeoDataFrame | None = None,
    *,
    districts: gpd.GeoDataFrame | None = None,
    proposed: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    title: str = "Explosive ordnance contamination",
    subtitle: str | None = None,
    popup_fields: Mapping[str, Sequence[str]] | None = None,
    tooltip_fields: Mapping[str, Sequence[str]] | None = None,
    tiles: str | Sequence[str] | None = DEFAULT_BASEMAPS,
    controls: Sequence[str] = DEFAULT_CONTROLS,
    cluster: bool | None = None,
    heatmap: bool = True,
    time_slider: bool = True,
    public: bool = False,
    generalise: str = "grid",
    cell_m: float = 2000.0,
    k: int = 3,
    simplify_m: float = 3.0,
    cdn: bool = False,
    canvas: bool | None = None,
) -> GeomapMap:
    """Draw incidents and hazard areas on an interactive, offline-ready Leaflet map.

    Parameters
    ----------
    incidents, hazards : ValidationResult or GeoDataFrame, optional
        Validated layers (a result's ``kept`` rows are drawn).
    districts : GeoDataFrame, optional
        Boundaries for the district choropleths (casualties; active hazard km²),
        joined on geometry, never on names.
    proposed : GeoDataFrame, optional
        Proposed suspected hazard areas (from :func:`geomap.analysis.propose_hazard_areas`).
    places, roads : GeoDataFrame, optional
        Towns/villages (points with a ``name``) and roads (lines): context layers,
        and places for the search box.
    title, subtitle : str
        Shown at the top left.
    popup_fields, tooltip_fields : dict, optional
        Per layer (``"incidents"``, ``"hazards"``), the columns shown on click and on
        hover, in order (defaults: :data:`DEFAULT_POPUP_FIELDS`, :data:`DEFAULT_TOOLTIP_FIELDS`).
    tiles : str or list of str or None
        Basemaps by xyzservices name, the first shown; None or ``"none"`` for none.
    controls : list of str
        Any of ``search``, ``fullscreen``, ``measure``, ``minimap``, ``locate``, ``scale``.
    cluster : bool, optional
        Cluster incidents (default: above :data:`CLUSTER_THRESHOLD` points).
    heatmap : bool, default True
        Add a heat map of incidents weighted by casualties (off until ticked).
    time_slider : bool, default True
        Add a month slider over incident and land-release dates, and a summary panel.
    public : bool, default False
        Make a version safe to publish: allow-listed fields only, incidents generalised
        (``generalise``, ``cell_m``) and counts below ``k`` suppressed. See :mod:`geomap.publish`.
    generalise : {"grid", "hex", "district"}
        How public incident locations are generalised.
    cell_m : float
        Public grid cell side or hexagon radius, in metres.
    k : int
        Public counts below ``k`` are suppressed.
    simplify_m : float
        Polygons are simplified for display to this tolerance in metres (topology kept).
    cdn : bool, default False
        Link scripts from CDNs instead of inlining them (smaller file, needs network).
    canvas : bool, optional
        Force Leaflet's canvas renderer (default: above 3,000 features in a layer).

    Returns
    -------
    GeomapMap
        A ``folium.Map``: display it in a notebook, :func:`save_map` it, or
        ``.get_root().render()`` it to a string.

    Raises
    ------
    GeomapError
        Nothing to draw, an unknown popup field or basemap, or a non-public field
        asked for in a public map.

    Examples
    --------
    >>> import geomap
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> m = geomap.render_map(layers["incidents"], layers["hazards"])  # doctest: +SKIP
    >>> geomap.save_map(m, "karabakh.html")  # doctest: +SKIP
    """
    inc = _as_layer(incidents, "incidents")
    haz = _as_layer(hazards, "hazards")
    if not any(g is not None and len(g) for g in (inc, haz)):
        raise GeomapError(
            "nothing to draw: no incidents or hazard areas were given (or all were empty)"
        )
    unknown = set(controls) - set(DEFAULT_CONTROLS)
    if unknown:
        raise GeomapError(
            f"unknown controls {sorted(unknown)}; expected some of {list(DEFAULT_CONTROLS)}"
        )
    popup_fields = dict(popup_fields or {})
    tooltip_fields = dict(tooltip_fields or {})
    public_k = k if public else None
    true_inc = inc
    if public:
        for layer, fields in (*popup_fields.items(), *tooltip_fields.items()):
            bad = [f for f in fields if f not in PUBLIC_FIELDS.get(layer, ())]
            if bad:
                raise GeomapError(
                    f"{layer} fields {bad} may not be published; public {layer} fields are "
                    f"{list(PUBLIC_FIELDS.get(layer, ()))}"
                )
        if inc is not None and len(inc):
            inc = public_incidents(
                inc, generalise=generalise, cell_m=cell_m, k=k, districts=districts
            )
        if haz is not None and len(haz):
            haz = public_hazards(haz)
        if proposed is not None:
            log.warning(
                "proposed suspected areas are left out of a public map (they trace incidents)"
            )
            proposed = None
    default_popup = PUBLIC_POPUP_FIELDS if public else DEFAULT_POPUP_FIELDS
    default_tooltip = PUBLIC_TOOLTIP_FIELDS if public else DEFAULT_TOOLTIP_FIELDS

    m = GeomapMap(tiles=None, control_scale=False, self_contained=not cdn, zoom_control=True)
    # Long text columns are deflated when pako (the page's inflater) can be inlined.
    compress = cdn or _assets_available(["pako"])
    if compress:
        m.use_asset("pako")
    layers_cfg: list[dict[str, Any]] = []
    bounds = [g.total_bounds for g in (inc, haz) if g is not None and len(g)]
    minx, miny, maxx, maxy = np.array(bounds).T
    m.fit_bounds([[float(miny.min()), float(minx.min())], [float(maxy.max()), float(maxx.max())]])

    months = (
        _months(
            [
                # The true dates (also for a public map: months are aggregate information).
                true_inc["date"] if true_inc is not None and "date" in true_inc.columns else None,
                haz["date_recorded"]
                if haz is not None and "date_recorded" in haz.columns
                else None,
                haz["status_date"] if haz is not None and "status_date" in haz.columns else None,
            ]
        )
        if time_slider
        else None
    )

    if haz is not None and len(haz):
        pop = _fields(
            haz, popup_fields.get("hazards"), default_popup["hazards"], "hazards", "popup"
        )
        tip = _fields(
            haz, tooltip_fields.get("hazards"), default_tooltip["hazards"], "hazards", "tooltip"
        )
        style_cols = [c for c in ("status", "hazard_class", "id") if c in haz.columns]
        cols = list(dict.fromkeys([*pop, *tip, *style_cols]))
        shown = haz.assign(area_m2=haz["area_m2"].round(0)) if "area_m2" in haz.columns else haz
        status = (
            shown["status"].astype(object)
            if "status" in shown.columns
            else pd.Series(None, index=shown.index)
        )
        spec: dict[str, Any] = {
            "kind": "hazards",
            "key": "hazards",
            "group": "Hazard areas",
            "names": {"active": "Active hazard areas", "released": "Released land"},
            "show": True,
            "n": len(shown),
            **_display_polygons(shown, simplify_m),
            "cols": {c: _encode.column(shown[c], compress=compress) for c in cols},
            "labels": _labels(cols, public, HAZARDS),
            "popup": pop,
            "tooltip": tip,
            "released": _encode.binary(
                status.isin(RELEASED_STATUSES).to_numpy().astype(np.uint8), "u1"
            ),
            "canvas": len(shown) > CANVAS_THRESHOLD if canvas is None else canvas,
            "style": {
                "statusField": "status",
                "classField": "hazard_class",
                "palette": HAZARD_FILL,
                "outline": HAZARD_OUTLINE,
                "dash": {"SHA": "6 4"},
                "fallback": "#999999",
                "className": "geomap-hazard",
                "weight": {"CHA": 2.5, "SHA": 1.5},
                "fillOpacity": {"active": 0.45, "released": 0.3},
                "opacity": 0.9,
            },
            "legends": _hazard_legends(shown),
        }
        if months is not None:
            spec["time"] = {
                "t0": _time_column(shown, "date_recorded", cols),
                "t1": _time_column(shown, "status_date", cols),
            }
        layers_cfg.append(spec)

    if proposed is not None and len(proposed):
        prop = _as_layer(proposed, "proposed")
        assert prop is not None
        fields = [c for c in prop.columns if c != prop.geometry.name]
        layers_cfg.append(
            {
                "kind": "polygons",
                "key": "proposed",
                "group": "Hazard areas",
                "name": "Proposed suspected areas",
                "show": True,
                "n": len(prop),
                "g": _ragged_polygons(prop.geometry.to_numpy()),
                "cols": {
                    c: _encode.column(
                        prop[c]
                        .astype(object)
                        .map(
                            lambda v: (
                                v if not isinstance(v, list | tuple) else ", ".join(map(str, v))
                            )
                        )
                    )
                    for c in fields
                },
                "labels": {c: c.replace("_", " ") for c in fields},
                "popup": fields,
                "tooltip": fields[:2],
                "style": {
                    "color": "#6a3d9a",
                    "weight": 2,
                    "dashArray": "2 6",
                    "fillColor": "#cab2d6",
                    "fillOpacity": 0.35,
                    "className": "geomap-proposed",
                },
                "legend": [
                    {
                        "label": "proposed from clusters of unlinked incidents",
                        "fill": "#cab2d6",
                        "stroke": "#6a3d9a",
                        "dash": True,
                    }
                ],
            }
        )

    if inc is not None and len(inc):
        if not (shapely.get_type_id(inc.geometry.to_numpy()) == 0).all():
            raise GeomapError("incidents: every geometry must be a Point; validate the layer first")
        pop = _fields(
            inc, popup_fields.get("incidents"), default_popup["incidents"], "incidents", "popup"
        )
        tip = _fields(
            inc,
            tooltip_fields.get("incidents"),
            default_tooltip["incidents"],
            "incidents",
            "tooltip",
        )
        size_by = [c for c in ("killed", "injured") if c in inc.columns]
        style_cols = [
            c for c in (_color_by(inc)[0], *size_by, "suppressed", "id") if c in inc.columns
        ]
        cols = list(dict.fromkeys([*pop, *tip, *style_cols]))
        n = len(inc)
        use_cluster = n > CLUSTER_THRESHOLD if cluster is None else cluster
        if use_cluster and not cdn and not _assets_available(["supercluster"]):
            use_cluster = False
        geoms = inc.geometry.to_numpy()
        ispec: dict[str, Any] = {
            "kind": "incidents",
            "key": "incidents",
            "group": "Incidents",
            "name": "Incidents" if not public else f"Incidents (generalised to {generalise} cells)",
            "show": True,
            "n": n,
            "x": _encode.coords(shapely.get_x(geoms)),
            "y": _encode.coords(shapely.get_y(geoms)),
            "scale": _encode.COORD_SCALE,
            "cols": {c: _encode.column(inc[c], compress=compress) for c in cols},
            "labels": _labels(cols, public, INCIDENTS),
            "popup": pop,
            "tooltip": tip,
            "mode": "cluster" if use_cluster else "markers",
            "canvas": n > CANVAS_THRESHOLD if canvas is None else canvas,
            "searchable": not public and "id" in inc.columns,
            "style": {
                "colorBy": _color_by(inc)[0],
                "palette": _color_by(inc)[1],
                "fallback": VICTIM_COLORS["unknown"],
                "sizeBy": size_by,
                "base": CASUALTY_BASE,
                "scale": CASUALTY_SCALE,
                "suppressedField": "suppressed" if public else None,
                "className": "geomap-incident",
                "stroke": "#222",
                "weight": 1,
                "fillOpacity": 0.85,
                "suppressedFill": "#ffffff",
                "suppressedOpacity": 0.6,
            },
            "cluster": {"radius": 70, "maxZoom": 12},
            "legend": _incident_legend(inc, public_k),
        }
        date_col = "first_date" if public else "date"
        if months is not None and date_col in inc.columns:
            ispec["time"] = {"t": _time_column(inc, date_col, cols)}
        if use_cluster:
            m.use_asset("supercluster")
        layers_cfg.append(ispec)
        if heatmap and (cdn or _assets_available(["leaflet_heat"])):
            m.use_asset("leaflet_heat")
            layers_cfg.append(
                {
                    "kind": "heat",
                    "key": "heat",
                    "group": "Incidents",
                    "name": "Heat map (weighted by casualties)",
                    "show": False,
                    "weight": size_by,
                    "radius": 18,
                    "blur": 15,
                    "maxZoom": 12,
                    "minOpacity": 0.3,
                    "legend": [
                        {"label": "more casualties", "fill": "#ff0000", "stroke": "#ff0000"},
                        {"label": "fewer", "fill": "#0000ff", "stroke": "#0000ff"},
                    ],
                }
            )

    if districts is not None and len(districts):
        layers_cfg.extend(_district_layers(districts, true_inc, haz, public_k, simplify_m))
    search_places: list[dict[str, Any]] = []
    if places is not None and len(places):
        p4326 = places.to_crs(DISPLAY_CRS)
        label = next((c for c in ("name", "NAME", "shapeName") if c in p4326.columns), None)
        if label:
            layers_cfg.append(_context_points(p4326, label))
            pts = p4326.geometry.representative_point()
            kind = (
                p4326["kind"].astype(str)
                if "kind" in p4326.columns
                else pd.Series("place", index=p4326.index)
            )
            search_places += [
                {"label": str(n), "x": round(float(x), 6), "y": round(float(y), 6), "kind": str(kd)}
                for n, x, y, kd in zip(p4326[label], pts.x, pts.y, kind, strict=True)
            ]
    if roads is not None and len(roads):
        layers_cfg.append(_context_lines(roads.to_crs(DISPLAY_CRS)))
    if districts is not None and len(districts):
        d4326 = districts.to_crs(DISPLAY_CRS)
        label = next((c for c in ("name", "district", "shapeName") if c in d4326.columns), None)
        if label:
            search_places += [
                {
                    "label": str(n),
                    "bounds": [round(float(v), 6) for v in g.bounds],
                    "kind": "district",
                }
                for n, g in zip(d4326[label], d4326.geometry, strict=True)
            ]
    elif inc is not None and "district" in inc.columns and not public:
        for name, grp in inc.groupby(inc["district"].astype(object), sort=True):
            search_places.append(
                {
                    "label": str(name),
                    "bounds": [round(float(v), 6) for v in grp.total_bounds],
                    "kind": "district",
                }
            )

    wanted = set(controls)
    plugin_assets = {
        "fullscreen": ["leaflet_fullscreen", "leaflet_fullscreen_css"],
        "measure": ["leaflet_measure", "leaflet_measure_css"],
        "minimap": ["leaflet_minimap", "leaflet_minimap_css"],
        "locate": ["leaflet_locate", "leaflet_locate_css"],
    }
    enabled: dict[str, bool] = {}
    for name, assets in plugin_assets.items():
        on = name in wanted and (cdn or _assets_available(assets))
        enabled[name] = on
        if on:
            for a in assets:
                m.use_asset(a)
    enabled["scale"] = "scale" in wanted
    summary = _summary(true_inc, haz, months, public_k) if months is not None else None
    config = {
        "version": 1,
        "id": f"geomap-{uuid.uuid4().hex[:10]}",
        "title": title,
        "subtitle": subtitle,
        "basemaps": _basemaps(tiles),
        "layers": layers_cfg,
        "controls": enabled,
        "search": {"places": search_places} if "search" in wanted else None,
        "timeline": {"months": [str(p) for p in months], "days": _month_end_days(months)}
        if months is not None
        else None,
        "summary": summary,
        "public": {"k": k, "generalise": generalise, "cell_m": cell_m} if public else None,
        "icons": leaflet_icons(cdn),
    }
    _App(_encode.safe_json(config)).add_to(m)
    log.info(
        "rendered map: %d hazard areas, %d incidents%s",
        0 if haz is None else len(haz),
        0 if inc is None else len(inc),
        " (public)" if public else "",
    )
    return m


def save_map(m: folium.Map, path: str | Path) -> Path:
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

    apps = [c for c in m._children.values() if isinstance(c, _App)]
    for app in apps:  # render the page around the data, then stream the data in
        app.deferred = True
    try:
        text = m.get_root().render()
    finally:
        for app in apps:
            app.deferred = False
    pieces = text.split(_App.PLACEHOLDER)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.write(pieces[0])
        for app, rest in zip(apps, pieces[1:], strict=True):
            fh.write(app.config)
            fh.write(rest)
    return Path(path)
