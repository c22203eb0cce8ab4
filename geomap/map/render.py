"""Rendering layers into a Folium (Leaflet) map: :func:`render_map`, :func:`save_map`.

:func:`render_map` returns a :class:`~geomap.map._folium.GeomapMap`, a
``folium.Map`` that shows itself in Jupyter, saves to a file and renders to a
string. By default the map is **self-contained**: Leaflet, its plugins and
geomap's own script and style are inlined, so the file draws with no network
(basemap tiles may then be missing; the data are not). ``cdn=True`` links them
from a CDN instead.

What the map holds, each in a grouped layer panel with its own legend:

* hazard areas active at the time-slider's date (CHA solid, SHA dashed), and
  the land released from them (cancelled, reduced, cleared, handed over);
* incidents coloured by victim category and sized by casualties, clustered by
  themselves above :data:`~geomap.map.options.CLUSTER_THRESHOLD` points, and a
  heat map weighted by casualties;
* optional: district choropleths (casualties; active hazard km²), proposed
  suspected hazard areas, towns and roads;
* a time slider over incident and land-release dates, a summary panel that
  follows it, search by id, district or place, full screen, measure, mini-map,
  scale bar and locate-me.

Data reach the page as compact columns (only the fields used; codes and
coordinates as base64 typed arrays) in the typed page contract of
:mod:`geomap.map.contract`, and are drawn by ``geomap.js``, which writes every
value with ``textContent``: a ``<script>`` in a field name or value is shown,
never run. With ``public=True`` only allow-listed fields reach the page and
incident locations are generalised (see :mod:`geomap.map.public`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd

from geomap.io import atomic_path
from geomap.map._folium import GeomapMap
from geomap.map._folium import add_app
from geomap.map._folium import assets_available
from geomap.map._folium import write_page
from geomap.map._inputs import Layer
from geomap.map._inputs import MapInputs
from geomap.map.layers._common import Build
from geomap.map.layers.summary import slider_months
from geomap.map.layers.userbasemap import save_basemap
from geomap.map.notices import page_notices
from geomap.map.options import MapOptions
from geomap.map.page import page_config
from geomap.map.public import prepare
from geomap.tiles import open_basemap

__all__ = ["render_map", "save_map"]

log = logging.getLogger(__name__)


def render_map(
    incidents: Layer | None = None,
    hazards: Layer | None = None,
    *,
    districts: gpd.GeoDataFrame | None = None,
    proposed: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    risk: Layer | None = None,
    options: MapOptions | None = None,
    **overrides: Any,
) -> GeomapMap:
    """Draw incidents and hazard areas on an interactive, offline-ready Leaflet map.

    Parameters
    ----------
    incidents, hazards, risk : ValidationResult or GeoDataFrame, optional
        Validated layers (``kept`` rows drawn); ``risk`` in classes of ``risk_field``.
    districts, proposed, places, roads : GeoDataFrame, optional
        District boundaries (choropleths, joined on geometry), proposed suspected
        areas (:func:`geomap.analysis.propose_hazard_areas`), towns (points with a
        ``name``) and roads (lines).
    options : MapOptions, optional
        The map's options (default: :class:`~geomap.map.options.MapOptions`'s defaults).
    **overrides
        Any option by name (``title=``, ``public=``, ``tiles=``, ...), replacing ``options``'s.

    Returns
    -------
    GeomapMap
        A ``folium.Map``: display it, :func:`save_map` it, or render it to a string.

    Raises
    ------
    TypeError
        A keyword that is not an option (the message lists the valid ones).
    GeomapError
        Nothing to draw, an unknown popup field, control or basemap, or a
        non-public field asked for in a public map.

    Examples
    --------
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> m = geomap.render_map(layers["incidents"], title="Karabakh")  # doctest: +SKIP
    """
    opts = MapOptions.build(options, **overrides)
    context = {"districts": districts, "proposed": proposed, "places": places, "roads": roads}
    data, view = prepare(MapInputs.of(incidents, hazards, risk=risk, **context), opts)
    archive = open_basemap(opts.basemap) if opts.basemap is not None else None
    m = GeomapMap(tiles=None, self_contained=not opts.cdn, basemap=archive, zoom_control=True)
    months = slider_months(data, view.period) if opts.time_slider else None
    build = Build(opts, view, months, bundled=assets_available, basemap=archive)
    m.fit_bounds(data.bounds())
    add_app(m, {**page_config(data, build), "notices": page_notices(incidents, hazards, opts)})
    for name in build.assets:
        m.use_asset(name)
    n_haz, n_inc = (len(g) if g is not None else 0 for g in (data.hazards, data.incidents))
    public = " (public)" if view.public else ""
    log.info("rendered map: %d hazard areas, %d incidents%s", n_haz, n_inc, public)
    return m


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Write a map to an HTML file atomically (never half a file).

    A basemap too large to embed (``basemap=``) is written beside it first.

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
    save_basemap(m, path)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        write_page(m, fh)
    return Path(path)
