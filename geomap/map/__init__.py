"""The map: layers drawn on an interactive, offline-ready Leaflet page.

* :mod:`~geomap.map.options`: :class:`MapOptions`, every option and its default;
* :mod:`~geomap.map.public`: :class:`PublicPolicy`, what a public map may show;
* :mod:`~geomap.map.layers`: one builder per layer (hazards, incidents, heat,
  districts, context, proposed, ...), each returning a spec of the typed page
  contract (:mod:`~geomap.map.contract`);
* :mod:`~geomap.map.render`: :func:`render_map`, which wires them, and :func:`save_map`;
* :mod:`~geomap.map.embed`: snippets that embed a map in another page.

>>> import geomap
>>> m = geomap.render_map(incidents, hazards, public=True)  # doctest: +SKIP
>>> geomap.save_map(m, "public.html")  # doctest: +SKIP
"""

from geomap.map._folium import GeomapMap
from geomap.map.contract import PAGE_VERSION
from geomap.map.embed import embed_html
from geomap.map.options import CLUSTER_THRESHOLD
from geomap.map.options import DEFAULT_BASEMAPS
from geomap.map.options import DEFAULT_CONTROLS
from geomap.map.options import DEFAULT_POPUP_FIELDS
from geomap.map.options import DEFAULT_TOOLTIP_FIELDS
from geomap.map.options import MapOptions
from geomap.map.public import PUBLIC_FIELDS
from geomap.map.public import PublicPolicy
from geomap.map.public import public_hazards
from geomap.map.public import public_incidents
from geomap.map.render import render_map
from geomap.map.render import save_map

__all__ = [
    "CLUSTER_THRESHOLD",
    "DEFAULT_BASEMAPS",
    "DEFAULT_CONTROLS",
    "DEFAULT_POPUP_FIELDS",
    "DEFAULT_TOOLTIP_FIELDS",
    "PAGE_VERSION",
    "PUBLIC_FIELDS",
    "GeomapMap",
    "MapOptions",
    "PublicPolicy",
    "embed_html",
    "public_hazards",
    "public_incidents",
    "render_map",
    "save_map",
]
