"""Raster tiles (PNG) from a GeoTIFF, warped into web-mercator tiles by rasterio's GDAL.

rasterio is optional (``pip install 'geomap[tiles]'``); it is imported when a GeoTIFF
is tiled, and its absence is one clear error.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pmtiles.tile import Compression
from pmtiles.tile import TileType
from pmtiles.tile import tileid_to_zxy
from pmtiles.tile import zxy_to_tileid
from pmtiles.writer import Writer

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap.tiles.vector import pmtiles_header

__all__ = ["RASTER_SUFFIXES", "native_zoom", "write_raster_tiles"]

log = logging.getLogger(__name__)

RASTER_SUFFIXES = (".tif", ".tiff", ".geotiff")
#: Half the web-mercator world's width, in metres.
_HALF = math.pi * 6378137.0
_TILE = 256


def _rasterio() -> Any:
    try:
        import rasterio  # optional and heavy: only when a GeoTIFF is tiled
        import rasterio.warp
    except ImportError:
        raise GeomapError(
            "tiles from a GeoTIFF need rasterio: pip install 'geomap[tiles]'"
        ) from None
    return rasterio


def open_raster(path: Path) -> Any:
    """Open a GeoTIFF with rasterio; a clear error if it cannot be read or has no CRS."""
    rasterio = _rasterio()
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"{path}: cannot be read as a GeoTIFF ({exc})", path) from None
    if src.crs is None:
        src.close()
        raise InputError(f"{path}: declares no CRS (expected a georeferenced GeoTIFF)", path)
    if src.count not in (1, 3, 4):
        src.close()
        raise InputError(
            f"{path}: has {src.count} bands; expected 1 (grey), 3 (RGB) or 4 (RGBA)", path
        )
    return src


def native_zoom(src: Any) -> int:
    """Return the zoom level whose pixels are about as fine as the raster's own (0 to 18)."""
    x0, y0, x1, y1 = _rasterio().warp.transform_bounds(src.crs, "EPSG:3857", *src.bounds)
    res = min((x1 - x0) / src.width, (y1 - y0) / src.height)
    return max(0, min(18, round(math.log2(2 * _HALF / (_TILE * res)))))


def lonlat_bounds(src: Any) -> tuple[float, float, float, float]:
    """Return the raster's bounds in degrees (west, south, east, north), within web mercator's."""
    w, s, e, n = _rasterio().warp.transform_bounds(src.crs, "EPSG:4326", *src.bounds)
    return max(w, -180.0), max(s, -85.0511), min(e, 180.0), min(n, 85.0511)


def tile_range(bounds: tuple[float, float, float, float], z: int) -> Iterator[tuple[int, int]]:
    """Every (x, y) tile of zoom ``z`` that the bounds touch."""
    w, s, e, n = bounds
    count = 1 << z

    def tx(lon: float) -> int:
        return min(count - 1, max(0, int((lon + 180.0) / 360.0 * count)))

    def ty(lat: float) -> int:
        r = math.radians(lat)
        y = (1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * count
        return min(count - 1, max(0, int(y)))

    for x in range(tx(w), tx(e) + 1):
        for y in range(ty(n), ty(s) + 1):
            yield x, y


def _to_bytes(bands: np.ndarray, value_range: tuple[float, float]) -> np.ndarray:
    """Scale bands from the raster's value range to 0-255."""
    lo, hi = value_range
    scaled = (bands - lo) / ((hi - lo) or 1.0) * 255.0
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _tile(src: Any, value_range: tuple[float, float], z: int, x: int, y: int) -> bytes | None:
    """One PNG tile (RGBA), or None where the raster has no data."""
    rasterio = _rasterio()
    size = 2 * _HALF / (1 << z)
    west, north = -_HALF + x * size, _HALF - y * size
    # (The Affine itself, not rasterio's from_origin, which warns under affine 3.)
    dst_transform = rasterio.Affine(size / _TILE, 0.0, west, 0.0, -size / _TILE, north)
    bands = np.zeros((src.count + 1, _TILE, _TILE), dtype="float32")
    rasterio.warp.reproject(
        source=rasterio.band(src, list(range(1, src.count + 1))),
        destination=bands,
        dst_transform=dst_transform,
        dst_crs="EPSG:3857",
        dst_alpha=src.count + 1,
        resampling=rasterio.warp.Resampling.bilinear,
    )
    alpha = bands[-1] > 0
    if not alpha.any():
        return None
    rgb = _to_bytes(bands[:-1], value_range)
    if src.count == 1:
        rgb = np.repeat(rgb, 3, axis=0)
    elif src.count == 4:
        alpha &= rgb[3] > 0
        rgb = rgb[:3]
    rgba = np.concatenate([rgb, (alpha * 255).astype(np.uint8)[None]], axis=0)
    with warnings.catch_warnings(), rasterio.MemoryFile() as mem:
        # A tile is placed by its address, not by a geotransform (which PNG has none of).
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with mem.open(driver="PNG", width=_TILE, height=_TILE, count=4, dtype="uint8") as dst:
            dst.write(rgba)
        return bytes(mem.read())


def write_raster_tiles(
    path: Path, output: Path, *, zooms: tuple[int, int | None], attribution: str, max_tiles: int
) -> tuple[int, tuple[int, int]]:
    """Write a GeoTIFF as a PMTiles archive of PNG tiles at ``output``.

    Parameters
    ----------
    path : Path
        The GeoTIFF (1 band: grey; 3: RGB; 4: RGBA), in any CRS it declares.
    output : Path
        The file to write (the caller makes the write atomic).
    zooms : (int, int or None)
        The lowest and highest zoom level (None: the raster's own resolution).
    attribution : str
        Stored in the archive's metadata.
    max_tiles : int
        Refuse to make more tiles than this.

    Returns
    -------
    (int, (int, int))
        How many tiles were written, and the zoom range.

    Raises
    ------
    InputError
        The file cannot be read, declares no CRS, or has an unusual band count.
    GeomapError
        rasterio is missing, too many tiles are asked for, or no tile holds data.
    """
    with open_raster(path) as src:
        top = native_zoom(src) if zooms[1] is None else zooms[1]
        low = min(zooms[0], top)
        bounds = lonlat_bounds(src)
        wanted = [(z, xy) for z in range(low, top + 1) for xy in tile_range(bounds, z)]
        if len(wanted) > max_tiles:
            raise GeomapError(
                f"{path}: zoom {low}-{top} would make {len(wanted)} tiles (more than "
                f"{max_tiles}); choose a lower --max-zoom"
            )
        value_range = _range(src)
        tiles = [(zxy_to_tileid(z, x, y), _tile(src, value_range, z, x, y)) for z, (x, y) in wanted]
    kept = sorted((tid, data) for tid, data in tiles if data is not None)
    if not kept:
        raise GeomapError(f"{path}: no tiles made (the raster holds no data)")
    metadata = {
        "name": output.stem,
        "attribution": attribution,
        "description": f"raster tiles of {path.name} (made by geomap tiles)",
        "format": "png",
        "type": "baselayer",
    }
    with output.open("wb") as fh:
        writer = Writer(fh)
        for tid, data in kept:
            writer.write_tile(tid, data)
        writer.finalize(
            pmtiles_header(TileType.PNG, Compression.NONE, (low, top), bounds), metadata
        )
    low, top = tileid_to_zxy(kept[0][0])[0], tileid_to_zxy(kept[-1][0])[0]
    log.info("%s: %d PNG tiles, zoom %d-%d", path, len(kept), low, top)
    return len(kept), (low, top)


def _range(src: Any) -> tuple[float, float]:
    """Return the raster's value range (from a small overview read), to scale non-byte data."""
    if src.dtypes[0] == "uint8":
        return 0.0, 255.0
    scale = max(1, max(src.width, src.height) // 1024)
    data = src.read(out_shape=(src.count, src.height // scale or 1, src.width // scale or 1),
                    masked=True)  # fmt: skip
    return float(data.min()), float(data.max())
