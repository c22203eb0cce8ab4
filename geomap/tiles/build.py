"""``build_tiles``: a PMTiles archive from vector layers or a GeoTIFF, written atomically."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap.io import atomic_path
from geomap.tiles.raster import RASTER_SUFFIXES
from geomap.tiles.raster import write_raster_tiles
from geomap.tiles.vector import VECTOR_SUFFIXES
from geomap.tiles.vector import read_vector_layers
from geomap.tiles.vector import write_vector_tiles

__all__ = ["MAX_TILES", "VECTOR_MAX_ZOOM", "TilesResult", "build_tiles"]

log = logging.getLogger(__name__)

#: Vector tiles are cut up to this zoom by default (the map draws them larger beyond it).
VECTOR_MAX_ZOOM = 12
#: A raster archive of more tiles than this is refused (choose a lower max zoom).
MAX_TILES = 200_000


@dataclass(frozen=True)
class TilesResult:
    """What :func:`build_tiles` wrote."""

    path: Path
    kind: str  # "vector" or "raster"
    tiles: int
    min_zoom: int
    max_zoom: int
    layers: tuple[str, ...]

    def summary(self) -> str:
        """One line for the user, e.g. ``wrote area.pmtiles (vector tiles of ...)``."""
        size = self.path.stat().st_size / 1e6
        what = f"vector tiles of {', '.join(self.layers)}" if self.kind == "vector" else (
            f"PNG tiles of {self.layers[0]}")  # fmt: skip
        return (
            f"wrote {self.path} ({what}; {self.tiles} tiles, zoom {self.min_zoom}-"
            f"{self.max_zoom}; {size:.2f} MB)"
        )


def _check_paths(paths: Sequence[Path], output: Path) -> str:
    """Say whether the inputs are vector files or one GeoTIFF; refuse anything else."""
    if not paths:
        raise GeomapError("give input files: vector layers (.gpkg, .geojson, ...) or a GeoTIFF")
    if output.suffix.lower() != ".pmtiles":
        raise GeomapError(
            f"-o/--output {output}: expected a .pmtiles file "
            f"(found {output.suffix or 'no extension'!r})"
        )
    kinds = set()
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file", path)
        suffix = path.suffix.lower()
        if suffix in RASTER_SUFFIXES:
            kinds.add("raster")
        elif suffix in VECTOR_SUFFIXES:
            kinds.add("vector")
        else:
            raise InputError(
                f"{path}: unsupported format {suffix or '(no extension)'}; expected "
                f"vector layers ({', '.join(VECTOR_SUFFIXES)}) or a GeoTIFF (.tif)",
                path,
            )
        if path.exists() and output.exists() and os.path.samefile(path, output):
            raise GeomapError(
                f"-o/--output {output} is the input file {path}: geomap never writes over "
                "its inputs; choose another output"
            )
    if kinds == {"raster", "vector"} or (kinds == {"raster"} and len(paths) > 1):
        raise GeomapError("give either vector files or one GeoTIFF, not both or several")
    return kinds.pop()


def build_tiles(
    paths: Sequence[str | Path],
    output: str | Path,
    *,
    min_zoom: int = 0,
    max_zoom: int | None = None,
    layers: Sequence[str] | None = None,
    attribution: str | None = None,
) -> TilesResult:
    """Build a PMTiles basemap from vector layers (vector tiles) or a GeoTIFF (PNG tiles).

    Parameters
    ----------
    paths : list of str or Path
        Vector files (every layer of each, or those ``layers`` names), or one GeoTIFF.
    output : str or Path
        The ``.pmtiles`` file to write, atomically; never one of the inputs.
    min_zoom, max_zoom : int
        The zoom range. ``max_zoom`` defaults to :data:`VECTOR_MAX_ZOOM` for vector
        tiles and to the raster's own resolution for a GeoTIFF.
    layers : list of str, optional
        Vector input: only these layers.
    attribution : str, optional
        Stored in the archive and shown on the map (default: the input files' names).

    Returns
    -------
    TilesResult

    Raises
    ------
    InputError
        A file is missing, unreadable or of an unsupported format; a layer is not found.
    GeomapError
        A bad zoom range or output, or nothing to tile.

    Examples
    --------
    >>> build_tiles(["data/karabakh-sample.gpkg"], "area.pmtiles",
    ...             layers=["districts", "roads", "towns"])  # doctest: +SKIP
    """
    files = [Path(p) for p in paths]
    out = Path(output)
    if not 0 <= min_zoom <= (max_zoom if max_zoom is not None else 24) <= 24:
        raise GeomapError(
            f"zoom range {min_zoom}-{max_zoom}: expected 0 <= --min-zoom <= --max-zoom <= 24"
        )
    kind = _check_paths(files, out)
    credit = attribution or ", ".join(p.name for p in files)
    if kind == "raster":
        with atomic_path(out) as tmp:
            n, (low, top) = write_raster_tiles(
                files[0], tmp, zooms=(min_zoom, max_zoom), attribution=credit,
                max_tiles=MAX_TILES,
            )  # fmt: skip
        return TilesResult(out, "raster", n, low, top, (files[0].name,))
    gdfs = read_vector_layers(files, layers)
    if not gdfs:
        raise GeomapError(f"{', '.join(map(str, files))}: no layer holds any geometry to tile")
    top = VECTOR_MAX_ZOOM if max_zoom is None else max_zoom
    with atomic_path(out) as tmp:
        n = write_vector_tiles(gdfs, tmp, zooms=(min_zoom, top), attribution=credit)
    return TilesResult(out, "vector", n, min_zoom, top, tuple(gdfs))
