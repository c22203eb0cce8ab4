"""Embedding maps in other web pages, safely.

Two forms, both self-contained (every script inlined) and responsive (full
width, a height you choose):

* ``"iframe"``: an ``<iframe srcdoc=...>`` holding the whole map page,
  sandboxed (``allow-scripts`` without ``allow-same-origin``), so the map cannot
  touch the host page and the host page cannot break the map. The safest choice
  for a newsroom CMS.
* ``"fragment"``: a ``<div>`` and its scripts to paste into the host page's
  body. The map's styles are scoped to its own box (none of folium's page-wide
  ``html, body`` rules), each bundled library runs once however many maps the
  page holds, and the map's own script runs in a function (folium's
  ``map_<id>`` and ``tile_layer_<id>`` are not globals). The globals a fragment
  adds are :data:`FRAGMENT_GLOBALS`: geomap's ``__geomap`` (also ``geomap``,
  unless the page has its own) and ``__geomapAssets``, and those of the bundled
  libraries (Leaflet's ``L``, ``leaflet`` and ``_leaflet_events``; ``pako``,
  ``supercluster``, ``simpleheat``, ``htmlToImage``). The host page must
  not load another, different Leaflet as ``window.L``.
"""

from __future__ import annotations

import html
import re

from geomap._errors import GeomapError
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._folium import GeomapMap

__all__ = ["FRAGMENT_GLOBALS", "embed_html"]

#: Every global variable a fragment may add to the host page (``geomap`` only when the
#: page has none of its own); the libraries' are those of the map's layers and controls.
FRAGMENT_GLOBALS = (
    "__geomap",
    "geomap",
    "__geomapAssets",
    "L",
    "leaflet",
    "_leaflet_events",
    "pako",
    "supercluster",
    "simpleheat",
    "htmlToImage",
)


def _css_size(value: str | int) -> str:
    if isinstance(value, int):
        return f"{value}px"
    if not re.fullmatch(r"\d+(\.\d+)?(px|vh|em|rem|%)", value.strip()):
        raise GeomapError(
            f"`height` was {value!r} but is expected to be a CSS length like '480px' or '70vh'"
        )
    return value.strip()


def embed_html(
    m: GeomapMap,
    kind: str = "iframe",
    *,
    height: str | int = "480px",
    title: str = N_("Map of explosive ordnance contamination"),
) -> str:
    """Return HTML that embeds a map in another page.

    Parameters
    ----------
    m : GeomapMap
        A map from :func:`geomap.render_map`.
    kind : {"iframe", "fragment"}
        A sandboxed ``<iframe srcdoc>``, or a ``<div>`` with its scripts for the
        host page's body (see the module docs).
    height : str or int
        The map's height as a CSS length (``"480px"``, ``"70vh"``) or pixels; it is
        always as wide as its container.
    title : str
        Accessible title of the iframe or region (the default, and the map's default
        title, in the map's language). A fragment's box is in the map's language and
        direction (``lang``, ``dir``).

    Returns
    -------
    str

    Raises
    ------
    GeomapError
        An unknown ``kind`` or a ``height`` that is not a CSS length.

    Examples
    --------
    >>> m = geomap.render_map(incidents)  # doctest: +SKIP
    >>> snippet = embed_html(m, "iframe", height="60vh")  # doctest: +SKIP
    """
    size = _css_size(height)
    if not isinstance(m, GeomapMap):
        raise GeomapError("embed_html needs a map made by geomap.render_map")
    page = m.get_root()
    lang, direction = getattr(page, "lang", "en"), getattr(page, "dir", "ltr")
    title = translator(lang)(title)
    if kind == "iframe":
        doc = page.render()
        return (
            f'<iframe class="geomap-embed-frame" title="{html.escape(title)}" '
            f'style="width:100%;height:{size};border:0;display:block" loading="lazy" '
            'sandbox="allow-scripts allow-popups" allow="fullscreen; geolocation" allowfullscreen '
            f'srcdoc="{html.escape(doc, quote=True)}"></iframe>'
        )
    if kind == "fragment":
        m.embedded = True
        try:
            head, body, script = m.render_parts()
        finally:
            m.embedded = False
        # In a function, folium's `var map_<id> = ...` are not globals of the host page.
        return (
            f'<div class="geomap-embed" role="region" aria-label="{html.escape(title)}" '
            f'lang="{html.escape(lang)}" dir="{html.escape(direction)}" '
            f'style="position:relative;width:100%;height:{size}">\n{head}\n{body}\n'
            f"<script>\n(function () {{\n{script}\n}})();\n</script>\n</div>"
        )
    raise GeomapError(f"`kind` was {kind!r} but is expected to be in ['iframe', 'fragment']")
