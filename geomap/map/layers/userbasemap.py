"""The user's own basemap (``basemap=``): a PMTiles archive, in the page or beside it.

An archive up to :data:`~geomap.map.options.BASEMAP_EMBED_MB` MB travels in the page
(base64), so the one HTML file is the whole map. A larger one is written beside the
map (:func:`save_basemap`), and the page asks for it with an "Open basemap file…"
button: a page opened from ``file://`` may not read a neighbouring file by itself, but
may read one the user picks.
"""

from __future__ import annotations

import base64
import html
import logging
import os
import shutil
from pathlib import Path

import folium

from geomap._errors import GeomapError
from geomap.io import atomic_path
from geomap.map.contract import PMTilesBasemap
from geomap.map.layers._common import Build
from geomap.map.options import BASEMAP_EMBED_MB
from geomap.style import BASEMAP_STYLE
from geomap.tiles import BasemapArchive

__all__ = ["EMBED_LIMIT", "embeds", "save_basemap", "user_basemap", "user_basemaps"]

log = logging.getLogger(__name__)

#: Archives up to this many bytes are embedded in the page.
EMBED_LIMIT = BASEMAP_EMBED_MB * 2**20


def embeds(archive: BasemapArchive) -> bool:
    """Whether the archive travels in the page (else in a file beside it)."""
    return archive.size <= EMBED_LIMIT


def user_basemap(archive: BasemapArchive, build: Build) -> PMTilesBasemap:
    """Return the spec of the user's basemap, and note the scripts the page needs.

    Parameters
    ----------
    archive : BasemapArchive
        From :func:`geomap.tiles.open_basemap`.
    build : Build
        The map's build context (its assets: ``pmtiles``, and ``protomaps_leaflet`` for
        vector tiles).

    Returns
    -------
    PMTilesBasemap
        Named after the file, with the archive's attribution (as text, escaped).

    Raises
    ------
    GeomapError
        The scripts that draw PMTiles are not installed, or a public map's basemap has
        an incidents or hazards layer (published as it is, it would undo the
        generalisation).
    """
    if build.view.public:
        _check_public(archive)
    assets = ["pmtiles"] + (["protomaps_leaflet"] if archive.tile_type == "mvt" else [])
    if not build.can_load(assets):
        raise GeomapError(
            "basemap: the scripts that draw PMTiles are missing from the installed geomap; "
            "reinstall geomap"
        )
    build.need(*assets)
    inline = embeds(archive)
    return {
        "name": archive.name,
        "url": "",
        "attribution": html.escape(archive.attribution),
        "maxZoom": archive.max_zoom,
        "subdomains": "",
        "pmtiles": {
            "tileType": archive.tile_type,  # type: ignore[typeddict-item]
            "minZoom": archive.min_zoom,
            "bounds": list(archive.bounds),
            "data": base64.b64encode(archive.read()).decode("ascii") if inline else None,
            "file": archive.file_name,
            "size": archive.size,
            "layers": archive.layers,
            "flavor": "light" if archive.protomaps else None,
            "style": BASEMAP_STYLE if archive.tile_type == "mvt" else None,
        },
    }


def _check_public(archive: BasemapArchive) -> None:
    """Refuse a public map's basemap with data layers; warn that it is published as is."""
    held = sorted({x["name"] for x in archive.layers} & {"incidents", "hazards"})
    if held:
        raise GeomapError(
            f"basemap {archive.source} holds the layer {', '.join(map(repr, held))}: a public "
            "map never carries exact locations; make the basemap without it "
            "(geomap tiles --layer districts --layer roads ...)"
        )
    log.warning(
        "basemap %s is published as it is (not generalised): check it holds no incident or "
        "hazard locations",
        archive.source,
    )


def user_basemaps(build: Build) -> list[PMTilesBasemap]:
    """Return the user's basemap as the list of basemaps it heads (empty without one)."""
    return [user_basemap(build.basemap, build)] if build.basemap is not None else []


def save_basemap(m: folium.Map, path: str | Path) -> Path | None:
    """Write the map's basemap beside ``path`` when it is too large to embed.

    The file is written atomically under its own name (``.pmtiles``); nothing is
    written when it is already there (the map is saved beside the user's own file).

    Parameters
    ----------
    m : folium.Map
        A map from :func:`geomap.render_map`.
    path : str or Path
        Where the map (or snippet) is saved.

    Returns
    -------
    Path or None
        The basemap file beside the map, or None when the map needs none.
    """
    archive = getattr(m, "basemap", None)
    if not isinstance(archive, BasemapArchive) or embeds(archive):
        return None
    dest = Path(path).parent / archive.file_name
    if dest.exists() and os.path.samefile(dest, archive.source):
        log.info("basemap %s is already beside the map", dest)
        return dest
    with atomic_path(dest) as tmp:
        shutil.copyfile(archive.path, tmp)
    log.info("wrote the basemap beside the map: %s (%d bytes)", dest, archive.size)
    return dest
