"""Tile archives: read a user's basemap for a map; build one with ``geomap tiles``.

:func:`open_basemap` opens a PMTiles or MBTiles file (raster or vector tiles) for
:func:`geomap.render_map`'s ``basemap=``; :func:`build_tiles` makes a PMTiles archive
of a team's own area, from its vector layers (vector tiles, cut by the GDAL that
pyogrio ships) or from a GeoTIFF (raster tiles, warped by rasterio's GDAL), so an
offline basemap can be prepared on one laptop.
"""

from geomap.tiles.archive import BasemapArchive
from geomap.tiles.archive import open_basemap
from geomap.tiles.archive import read_header
from geomap.tiles.build import build_tiles

__all__ = ["BasemapArchive", "build_tiles", "open_basemap", "read_header"]
