"""``geomap tiles``: an offline basemap (PMTiles) of a team's area, from its own files.

Vector layers (a GeoPackage's layers, districts, roads, places ...) become vector
tiles; a GeoTIFF (a scanned map, imagery) becomes PNG tiles. The result is what
``geomap render --basemap`` draws.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geomap._progress import step as progress_step
from geomap.cli._common import EXIT_OK
from geomap.cli._common import Command
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.tiles import build_tiles
from geomap.tiles.build import VECTOR_MAX_ZOOM


def zoom(text: str) -> int:
    """Parse a zoom level, 0 to 24 (an argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a zoom level (0 to 24)") from None
    if not 0 <= value <= 24:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a zoom level from 0 to 24")
    return value


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="vector files (.gpkg, .geojson, .shp, .fgb, .kml, ...) or one GeoTIFF (.tif)",
    )
    p.add_argument("-o", "--output", default="basemap.pmtiles", help="PMTiles file to write")
    p.add_argument(
        "--layer",
        dest="layers",
        action="append",
        metavar="NAME",
        help="only this layer of the vector files (repeatable; default: every layer)",
    )
    p.add_argument("--min-zoom", type=zoom, default=0, help="lowest zoom level (default: 0)")
    p.add_argument(
        "--max-zoom",
        type=zoom,
        help=f"highest zoom level (default: {VECTOR_MAX_ZOOM} for vector files, "
        "the GeoTIFF's own resolution for a GeoTIFF)",
    )
    p.add_argument(
        "--attribution", help="credit shown on the map (default: the input files' names)"
    )


def run_tiles(args: argparse.Namespace) -> int:
    """Build the PMTiles file."""
    with writing(args.output), progress_step(f"cutting tiles into {Path(args.output).name}"):
        result = build_tiles(
            args.files,
            args.output,
            min_zoom=args.min_zoom,
            max_zoom=args.max_zoom,
            layers=args.layers,
            attribution=args.attribution,
        )
    say(args, [result.summary()])
    return EXIT_OK


COMMANDS = (
    Command(
        "tiles",
        help="build an offline basemap (PMTiles) from your own layers or a GeoTIFF",
        description="Cut vector layers into vector tiles, or a GeoTIFF into PNG tiles, in one "
        "PMTiles file that geomap render --basemap draws with no network.",
        options=_options,
        run=run_tiles,
    ),
)
