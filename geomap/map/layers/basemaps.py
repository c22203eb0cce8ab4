"""Basemaps (tile layers) by xyzservices provider name."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import xyzservices

from geomap._errors import GeomapError
from geomap.map.contract import Basemap
from geomap.map.options import DEFAULT_BASEMAPS

__all__ = ["basemaps"]

_ALIASES = {"openstreetmap": "OpenStreetMap.Mapnik", "osm": "OpenStreetMap.Mapnik"}


@functools.cache
def _provider(query: str) -> xyzservices.TileProvider:
    """Return the provider of a name: its exact dotted path, else xyzservices' lookup.

    ``query_name`` scans ~3,000 names (5 ms a name, more the first time); the usual
    names (``OpenStreetMap.Mapnik``) are their path in the provider tree.
    """
    node: object = xyzservices.providers
    for part in query.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, xyzservices.TileProvider):
        return node
    return xyzservices.providers.query_name(query)


def _basemap(name: str) -> Basemap:
    query = _ALIASES.get(name.lower(), name)
    try:
        provider = _provider(query)
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
    return {
        "name": provider.name,
        "url": provider.build_url(),
        "attribution": provider.html_attribution,
        "maxZoom": int(provider.get("max_zoom", 19)),
        "subdomains": provider.get("subdomains", "abc"),
    }


def basemaps(tiles: str | Sequence[str] | None) -> list[Basemap]:
    """Return the basemaps' specs, the first shown; ``None`` or ``"none"`` for none.

    Parameters
    ----------
    tiles : str or list of str or None
        xyzservices provider names (``"OpenStreetMap.Mapnik"``, ``"osm"``, ...).

    Returns
    -------
    list of Basemap

    Raises
    ------
    GeomapError
        An unknown name, or a provider that needs an API key.

    Examples
    --------
    >>> [b["name"] for b in basemaps(["osm", "OpenTopoMap"])]
    ['OpenStreetMap.Mapnik', 'OpenTopoMap']
    """
    if tiles is None:
        return []
    names = [tiles] if isinstance(tiles, str) else list(tiles)
    return [_basemap(name) for name in names if name.lower() != "none"]
