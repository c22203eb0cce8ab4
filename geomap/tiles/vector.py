"""Vector tiles (MVT) from the user's own layers, in one PMTiles archive.

GDAL (as pyogrio ships it) cuts each layer into Mapbox Vector Tiles, one temporary
PMTiles archive per layer (GDAL's PMTiles writer takes one layer per dataset); the
tiles of each position are then joined into one tile (an MVT tile is a protobuf message
whose layers are a repeated field, so two tiles' bytes one after the other are one tile
holding both) and written with PyPI ``pmtiles``.
"""

from __future__ import annotations

import gzip
import logging
import math
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
from pmtiles.reader import MmapSource
from pmtiles.reader import all_tiles
from pmtiles.tile import Compression
from pmtiles.tile import TileType
from pmtiles.tile import zxy_to_tileid
from pmtiles.writer import Writer

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap.io import read_context_layer
from geomap.tiles.archive import read_header

__all__ = ["VECTOR_SUFFIXES", "read_vector_layers", "write_vector_tiles"]

log = logging.getLogger(__name__)

#: The vector formats ``geomap tiles`` reads (GDAL's, through pyogrio).
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml", ".kmz", ".gml")


def read_vector_layers(
    paths: Sequence[str | Path], layers: Sequence[str] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of the files (or only those named), in EPSG:4326, by layer name.

    Parameters
    ----------
    paths : list of str or Path
        Vector files (GeoPackage, GeoJSON, Shapefile, FlatGeobuf, KML, GML).
    layers : list of str, optional
        Only these layers (default: every layer of every file).

    Returns
    -------
    dict of str to GeoDataFrame
        Each layer with features, by its name (a file's stem for a one-layer file; a
        name met twice gets the file's stem before it).

    Raises
    ------
    InputError
        A file is missing or unreadable, or a named layer is in none of the files.
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        try:
            names = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception as exc:  # pyogrio's DataSourceError and GDAL's own errors
            raise InputError(f"{path}: cannot be read as a vector file ({exc})", path) from None
        for name in names:
            if layers and name not in layers:
                continue
            found.add(name)
            gdf = read_context_layer(path, name)
            if gdf is None:
                continue
            gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
            key = name if len(names) > 1 else path.stem
            key = f"{path.stem}-{key}" if key in out else key
            if len(gdf):
                out[key] = gdf
            else:
                log.info("%s: layer %s has no geometry; left out of the tiles", path, name)
    missing = [n for n in layers or () if n not in found]
    if missing:
        raise InputError(
            f"layer {', '.join(map(repr, missing))} is in none of {', '.join(map(str, paths))}"
        )
    return out


def _layer_tiles(
    name: str, gdf: gpd.GeoDataFrame, folder: Path, zooms: tuple[int, int]
) -> tuple[dict[int, bytes], dict[str, Any]]:
    """Cut one layer into MVT tiles with GDAL; return them (by tile id, unzipped) and metadata."""
    path = folder / f"{len(list(folder.iterdir()))}.pmtiles"
    # Numbers stay numbers; anything else (dates, lists) goes as text, which MVT can hold.
    columns = {
        c: gdf[c] if gdf[c].dtype.kind in "biuf" else gdf[c].astype("string")
        for c in gdf.columns
        if c != gdf.geometry.name
    }
    flat = gpd.GeoDataFrame(columns, geometry=gdf.geometry.values, crs=gdf.crs)
    pyogrio.write_dataframe(
        flat,
        path,
        layer=name,
        driver="PMTiles",
        dataset_options={"MINZOOM": str(zooms[0]), "MAXZOOM": str(zooms[1])},
    )
    _, metadata = read_header(path)
    with path.open("rb") as fh:
        tiles = {tid: gzip.decompress(data) for tid, data in _tiles(fh)}
    return tiles, metadata


def _tiles(fh: Any) -> list[tuple[int, bytes]]:
    """Every tile of an open PMTiles file, as (tile id, bytes), in tile-id order."""
    return [(zxy_to_tileid(*zxy), bytes(data)) for zxy, data in all_tiles(MmapSource(fh))]


def write_vector_tiles(
    gdfs: dict[str, gpd.GeoDataFrame],
    output: Path,
    *,
    zooms: tuple[int, int],
    attribution: str,
) -> int:
    """Write the layers as one vector PMTiles archive at ``output``; return the tile count.

    Parameters
    ----------
    gdfs : dict of str to GeoDataFrame
        The layers, by the name their tiles carry.
    output : Path
        The file to write (the caller makes the write atomic).
    zooms : (int, int)
        The lowest and highest zoom level.
    attribution : str
        Stored in the archive's metadata (the map shows it).

    Returns
    -------
    int
        How many tiles were written.

    Raises
    ------
    GeomapError
        No layer gave any tile.
    """
    merged: dict[int, list[bytes]] = defaultdict(list)
    vector_layers: list[Any] = []
    stats: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="geomap-tiles-") as tmp:
        for name, gdf in gdfs.items():
            tiles, meta = _layer_tiles(name, gdf, Path(tmp), zooms)
            for tid, data in tiles.items():
                merged[tid].append(data)
            vector_layers += meta.get("vector_layers", [])
            stats += meta.get("tilestats", {}).get("layers", [])
            log.info("layer %s: %d features in %d tiles", name, len(gdf), len(tiles))
    if not merged:
        raise GeomapError(f"{output}: no tiles made (the layers hold no geometry in range)")
    bounds = gpd.GeoSeries(
        [g.union_all().envelope for g in gdfs.values()], crs="EPSG:4326"
    ).total_bounds
    metadata = {
        "name": output.stem,
        "attribution": attribution,
        "description": f"vector tiles of {', '.join(gdfs)} (made by geomap tiles)",
        "format": "pbf",
        "type": "overlay",
        "vector_layers": vector_layers,
        "tilestats": {"layerCount": len(stats), "layers": stats},
    }
    with output.open("wb") as fh:
        writer = Writer(fh)
        for tid in sorted(merged):
            writer.write_tile(tid, gzip.compress(b"".join(merged[tid]), mtime=0))
        writer.finalize(pmtiles_header(TileType.MVT, Compression.GZIP, zooms, bounds), metadata)
    return len(merged)


def pmtiles_header(
    tile_type: TileType, compression: Compression, zooms: tuple[int, int], bounds: Any
) -> dict[str, Any]:
    """Return the PMTiles header fields a writer needs (it fills in offsets and counts)."""
    w, s, e, n = (float(b) for b in bounds)
    return {
        "tile_type": tile_type,
        "tile_compression": compression,
        "min_zoom": zooms[0],
        "max_zoom": zooms[1],
        # Rounded outwards: the bounds cover every feature.
        "min_lon_e7": math.floor(w * 1e7),
        "min_lat_e7": math.floor(s * 1e7),
        "max_lon_e7": math.ceil(e * 1e7),
        "max_lat_e7": math.ceil(n * 1e7),
        "center_zoom": zooms[0],
        "center_lon_e7": int((w + e) / 2 * 1e7),
        "center_lat_e7": int((s + n) / 2 * 1e7),
    }
