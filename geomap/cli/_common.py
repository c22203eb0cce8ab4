"""What every ``geomap`` command shares: exit codes, input options, loading, output lines.

The input options (files, layer kinds, mappings, CRS, CSV columns, engine, rejects,
context layers) are declared here once and added to every command that reads data.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap.io import write_rejects
from geomap.load import load_context, load_inputs, load_layers
from geomap.validate import ValidationResult

log = logging.getLogger("geomap")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------- option types


def distance(text: str) -> float:
    """Parse a distance in metres, ≥ 0 (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of metres") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a distance ≥ 0 (metres)")
    return value


def positive(text: str) -> float:
    """Parse a distance in metres, > 0 (an argparse type)."""
    value = distance(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a distance > 0 (metres)")
    return value


def count(text: str) -> int:
    """Parse a whole number ≥ 1 (an argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number ≥ 1")
    return value


def date(text: str) -> str:
    """Parse a date as YYYY-MM-DD (an argparse type)."""
    stamp = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
    if pd.isna(stamp):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)")
    return text


# --------------------------------------------------------------------------- input options


def add_input_options(p: argparse.ArgumentParser, *, files: bool = True) -> None:
    """Add the options of every command that reads data (files, mappings, CRS, ...)."""
    if files:
        p.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="input files (layers found by name or geometry)",
        )
        p.add_argument(
            "--incidents", action="append", default=[], metavar="FILE", help="incident file"
        )
        p.add_argument(
            "--hazards", action="append", default=[], metavar="FILE", help="hazard-area file"
        )
    g = p.add_argument_group("input")
    g.add_argument(
        "--kind", choices=["incidents", "hazards"], help="treat every FILE as this layer"
    )
    g.add_argument("--layer", help="layer to read from a GeoPackage or KML with several")
    g.add_argument(
        "--mapping",
        action="append",
        default=[],
        metavar="FILE",
        help="column mapping (YAML or TOML) from your fields and codes to geomap's; repeatable",
    )
    g.add_argument(
        "--crs", help="CRS of input that declares none (default: EPSG:4326, with a warning)"
    )
    g.add_argument("--lat", dest="latitude", help="CSV latitude column, if not a usual name")
    g.add_argument("--lon", dest="longitude", help="CSV longitude column, if not a usual name")
    g.add_argument("--wkt", help="CSV column with WKT geometry")
    g.add_argument(
        "--engine", choices=["pyogrio", "fiona"], help="file engine (geopandas' default)"
    )
    g.add_argument("--rejects", metavar="FILE", help="where to write rejected rows (.csv or .gpkg)")
    g.add_argument("--strict", action="store_true", help="fail if any row is rejected")


def add_context_options(p: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """Add ``--districts``, ``--towns``, ``--roads`` and ``--no-context``; return the group."""
    c = p.add_argument_group("context layers (default: same-named layers of an input .gpkg)")
    c.add_argument("--districts", metavar="FILE", help="district boundaries (polygons)")
    c.add_argument(
        "--towns", "--places", dest="towns", metavar="FILE", help="towns and villages (points)"
    )
    c.add_argument("--roads", metavar="FILE", help="roads (lines)")
    c.add_argument(
        "--no-context",
        action="store_true",
        help="do not take districts/towns/roads layers from an input GeoPackage",
    )
    return c


# --------------------------------------------------------------------------- loading


def _load_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "layer": args.layer,
        "mappings": args.mapping,
        "engine": args.engine,
        "crs": args.crs,
        "latitude": args.latitude,
        "longitude": args.longitude,
        "wkt": args.wkt,
    }


def load_file(args: argparse.Namespace, path: str) -> dict[str, ValidationResult]:
    """Read and check one file with the command's input options."""
    return load_layers([path], kind=args.kind, **_load_options(args))


def load(args: argparse.Namespace) -> dict[str, ValidationResult]:
    """Read and check the command's input files; print their summaries."""
    if not (args.files or args.incidents or args.hazards):
        raise GeomapError(f"{args.command}: give input files (FILE..., --incidents or --hazards)")
    results = load_inputs(
        args.files,
        incidents=args.incidents,
        hazards=args.hazards,
        kind=args.kind,
        strict=args.strict,
        **_load_options(args),
    )
    for res in results.values():
        say(args, res.summary())
    return results


def context(args: argparse.Namespace, name: str) -> gpd.GeoDataFrame | None:
    """Read a context layer: the file its option names, else a same-named .gpkg layer."""
    search = () if args.no_context else [*args.files, *args.incidents, *args.hazards]
    return load_context(name, getattr(args, name), search=search, engine=args.engine)


def rejects(args: argparse.Namespace, results: Sequence[ValidationResult], path: str) -> int:
    """Write every rejected row, with its reason, to ``path``; say so. Return how many."""
    n = write_rejects(results, path)
    if n:
        say(args, [f"{n} rejected rows, with their reasons, written to {path}"])
    return n


# --------------------------------------------------------------------------- output


def say(args: argparse.Namespace, lines: Sequence[str]) -> None:
    """Print result lines; with --quiet, only the errors among them."""
    for line in lines:
        if not getattr(args, "quiet", False) or ": error: " in line:
            print(line)


def error(message: str) -> None:
    """Print one error line for the user."""
    print(f"geomap: error: {message}", file=sys.stderr)
