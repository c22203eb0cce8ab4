"""Tile archives as a map reads them: a PMTiles file, or an MBTiles file converted to one.

:func:`open_basemap` checks the file (a PMTiles or MBTiles archive of PNG, JPEG, WebP or
Mapbox Vector Tiles) and returns a :class:`BasemapArchive`: what the page needs to draw
it (tile type, zoom range, bounds, name, attribution, vector layers) and the PMTiles file
itself, to embed or to copy beside the map.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from pmtiles.convert import mbtiles_to_pmtiles
from pmtiles.reader import MmapSource
from pmtiles.reader import Reader
from pmtiles.tile import MagicNumberNotFound
from pmtiles.tile import SpecVersionUnsupported
from pmtiles.tile import TileType

from geomap._errors import InputError

__all__ = ["TILE_TYPES", "BasemapArchive", "open_basemap", "read_header"]

log = logging.getLogger(__name__)

#: The tile types a map can draw, by PMTiles tile type, as the page names them.
TILE_TYPES = {TileType.MVT: "mvt", TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
#: A Protomaps basemap (the planet extract of OpenStreetMap) has these layers; it is drawn
#: in its own style rather than geomap's generic one.
PROTOMAPS_LAYERS = frozenset({"earth", "water", "roads", "places", "landuse"})


@dataclass(frozen=True)
class BasemapArchive:
    """A PMTiles archive a map can draw, and what the page needs to know of it.

    Attributes
    ----------
    source : Path
        The file the user named (PMTiles or MBTiles).
    path : Path
        The PMTiles file: ``source`` itself, or an MBTiles converted into a temporary folder.
    name : str
        Shown in the layer panel: the file's name.
    attribution : str
        From the archive's metadata, else the file's name.
    tile_type : str
        ``"mvt"``, ``"png"``, ``"jpg"`` or ``"webp"``.
    min_zoom, max_zoom : int
        The zoom levels the archive holds.
    bounds : tuple of float
        West, south, east, north in degrees.
    layers : list of dict
        Vector archives: each layer's ``name`` and geometry (``"polygon"``, ``"line"``,
        ``"point"`` or ``""`` when unknown).
    """

    source: Path
    path: Path
    name: str
    attribution: str
    tile_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    layers: list[dict[str, str]]
    _tmp: Any = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        """The PMTiles file's size in bytes."""
        return self.path.stat().st_size

    @property
    def file_name(self) -> str:
        """The name the PMTiles file has beside a map: the source's, as ``.pmtiles``."""
        return self.source.with_suffix(".pmtiles").name

    @property
    def protomaps(self) -> bool:
        """Whether this is a Protomaps basemap (drawn in Protomaps' own light style)."""
        return self.tile_type == "mvt" and {x["name"] for x in self.layers} >= PROTOMAPS_LAYERS

    def read(self) -> bytes:
        """Return the PMTiles file's bytes."""
        return self.path.read_bytes()


def read_header(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a PMTiles file's header and metadata.

    Parameters
    ----------
    path : str or Path
        A PMTiles (version 3) file.

    Returns
    -------
    header, metadata : dict
        The header as PyPI ``pmtiles`` reads it (``tile_type``, ``min_zoom``, ...), and
        the metadata (JSON) object.

    Raises
    ------
    InputError
        The file is missing or not a PMTiles version 3 archive.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            if p.stat().st_size < 127:
                raise MagicNumberNotFound
            reader = Reader(MmapSource(fh))
            header = reader.header()
            metadata = reader.metadata()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", p) from None
    except (MagicNumberNotFound, SpecVersionUnsupported, ValueError, OSError, EOFError):
        raise InputError(
            f"{p}: not a PMTiles version 3 archive (expected a .pmtiles or .mbtiles file)", p
        ) from None
    return dict(header), metadata if isinstance(metadata, dict) else {}


def _mbtiles_to_pmtiles(path: Path, folder: str) -> Path:
    """Convert an MBTiles file to a PMTiles file in ``folder`` (a clear error if it is not one)."""
    out = Path(folder) / path.with_suffix(".pmtiles").name
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
        missing = [k for k in ("format", "minzoom", "maxzoom") if k not in meta]
        if missing:
            raise InputError(
                f"{path}: the MBTiles metadata lacks {', '.join(missing)} (expected the "
                "tile format and zoom range, as the MBTiles specification asks)",
                path,
            )
        mbtiles_to_pmtiles(str(path), str(out), None)
    except sqlite3.DatabaseError:
        raise InputError(
            f"{path}: not an MBTiles file (expected an SQLite database with metadata and "
            "tiles tables)",
            path,
        ) from None
    except IndexError:
        raise InputError(f"{path}: the MBTiles file holds no tiles", path) from None
    log.info("converted %s to PMTiles (%d bytes)", path, out.stat().st_size)
    return out


def _layers(metadata: dict[str, Any]) -> list[dict[str, str]]:
    """Each vector layer's name and geometry, from the metadata's vector_layers and tilestats."""
    kinds = {"Polygon": "polygon", "LineString": "line", "Point": "point"}
    stats = metadata.get("tilestats", {})
    geometry = {
        s.get("layer"): kinds.get(str(s.get("geometry", "")).removeprefix("Multi"), "")
        for s in (stats.get("layers", []) if isinstance(stats, dict) else [])
        if isinstance(s, dict)
    }
    layers = metadata.get("vector_layers", [])
    return [
        {"name": str(v["id"]), "geometry": geometry.get(v["id"], "")}
        for v in (layers if isinstance(layers, list) else [])
        if isinstance(v, dict) and "id" in v
    ]


def open_basemap(path: str | Path) -> BasemapArchive:
    """Open a PMTiles or MBTiles file as a map's basemap.

    Parameters
    ----------
    path : str or Path
        A ``.pmtiles`` or ``.mbtiles`` file of PNG, JPEG, WebP or vector (MVT) tiles.
        An MBTiles file is converted to PMTiles (in a temporary folder, removed with the
        returned object).

    Returns
    -------
    BasemapArchive

    Raises
    ------
    InputError
        The file is missing, not a PMTiles/MBTiles archive, or holds tiles a map cannot
        draw (e.g. AVIF).

    Examples
    --------
    >>> open_basemap("karabakh.pmtiles").tile_type  # doctest: +SKIP
    'mvt'
    """
    source = Path(path)
    if not source.is_file():
        raise InputError(f"basemap {source}: no such file", source)
    suffix = source.suffix.lower()
    if suffix not in (".pmtiles", ".mbtiles"):
        raise InputError(
            f"basemap {source}: expected a .pmtiles or .mbtiles file (found "
            f"{suffix or 'no extension'!r})",
            source,
        )
    tmp = tempfile.TemporaryDirectory(prefix="geomap-basemap-") if suffix == ".mbtiles" else None
    pm = _mbtiles_to_pmtiles(source, tmp.name) if tmp else source
    header, metadata = read_header(pm)
    kind = TILE_TYPES.get(header["tile_type"])
    if kind is None:
        raise InputError(
            f"basemap {source}: holds {header['tile_type'].name} tiles; expected PNG, "
            "JPEG, WebP or vector (MVT) tiles",
            source,
        )
    e7 = [header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")]
    attribution = str(metadata.get("attribution") or "").strip() or source.name
    return BasemapArchive(
        source=source,
        path=pm,
        name=source.name,
        attribution=attribution,
        tile_type=kind,
        min_zoom=int(header["min_zoom"]),
        max_zoom=int(header["max_zoom"]),
        bounds=(e7[0], e7[1], e7[2], e7[3]),
        layers=_layers(metadata) if kind == "mvt" else [],
        _tmp=tmp,
    )
