"""What every ``geomap`` command shares: exit codes, input options, loading, output lines.

The input options (files, layer kinds, mappings, CRS, CSV columns, engine, rejects,
context layers) are declared here once and added to every command that reads data.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import logging
import math
import os
import re
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj

from geomap._errors import GeomapError
from geomap.io import ColumnMapping
from geomap.io import DatabaseSource
from geomap.io import is_database
from geomap.io import write_rejects
from geomap.io.write import REJECTS_FORMATS
from geomap.load import load_context
from geomap.load import load_inputs
from geomap.load import load_layers
from geomap.load import partitioned_layers
from geomap.validate import ValidationResult

log = logging.getLogger("geomap")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, its help texts, its options and the function it runs."""

    name: str
    help: str
    description: str
    options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --------------------------------------------------------------------------- option types


def distance(text: str) -> float:
    """Parse a distance in metres, ≥ 0 (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of metres") from None
    if value < 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a finite distance ≥ 0 (metres)")
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


def crs(text: str) -> str:
    """Check that pyproj knows a CRS such as ``EPSG:32638`` (an argparse type)."""
    try:
        pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a CRS pyproj knows (expected e.g. EPSG:4326 or EPSG:32638)"
        ) from None
    return text


def encoding(text: str) -> str:
    """Check that Python knows a text encoding such as ``cp1251`` (an argparse type)."""
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a text encoding Python knows (expected e.g. utf-8, cp1251, latin1)"
        ) from None
    return text


def add_max_distance(g: argparse._ArgumentGroup | argparse.ArgumentParser) -> None:
    """Add ``--max-distance M``, the linking distance of incidents to hazard areas."""
    g.add_argument(
        "--max-distance",
        type=distance,
        default=500.0,
        metavar="M",
        help="link an incident outside every hazard area to the nearest within M metres "
        "(default 500)",
    )


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
        "--crs",
        type=crs,
        help="CRS of input that declares none (default: EPSG:4326, with a warning)",
    )
    g.add_argument(
        "--encoding",
        type=encoding,
        help="text encoding of files that declare none, e.g. cp1251 for a Shapefile "
        "without .cpg (default: the file's own, else UTF-8 / Latin-1)",
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
        "encoding": args.encoding,
    }


def load_file(
    args: argparse.Namespace, path: str, mappings: Sequence[ColumnMapping]
) -> dict[str, ValidationResult]:
    """Read and check one file with the command's input options and loaded ``mappings``."""
    return load_layers([path], kind=args.kind, **{**_load_options(args), "mappings": mappings})


def load(args: argparse.Namespace) -> dict[str, ValidationResult]:
    """Read and check the command's input files; print their summaries."""
    if not (args.files or args.incidents or args.hazards):
        raise GeomapError(f"{args.command}: give input files (FILE..., --incidents or --hazards)")
    for f in [*args.files, *args.incidents, *args.hazards]:
        if partitioned_layers(f):
            raise GeomapError(
                f"{f}: partitioned GeoParquet (as geomap convert writes) is read by geomap "
                f"stats only (the dask path), not by geomap {args.command}"
            )
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


#: What each context layer must hold, and how to say it.
_CONTEXT_GEOMETRY = {"districts": (("Polygon", "MultiPolygon"), "polygons (district boundaries)")}


def context(args: argparse.Namespace, name: str) -> gpd.GeoDataFrame | None:
    """Read a context layer: the file its option names, else a same-named .gpkg layer."""
    search = () if args.no_context else [*args.files, *args.incidents, *args.hazards]
    gdf = load_context(name, getattr(args, name), search=search, engine=args.engine)
    if gdf is not None and name in _CONTEXT_GEOMETRY:
        allowed, expected = _CONTEXT_GEOMETRY[name]
        found = gdf.geometry.dropna()
        found = found[~found.is_empty].geom_type
        wrong = sorted(set(found) - set(allowed))
        if wrong or not len(found):
            given = getattr(args, name)
            given = DatabaseSource.parse(given).name if is_database(given) else given
            where = given or f"the {name!r} layer of an input GeoPackage"
            held = ", ".join(wrong) if wrong else "no geometry"
            raise GeomapError(f"--{name} {where}: holds {held}; expected {expected}")
    return gdf


def rejects(args: argparse.Namespace, results: Sequence[ValidationResult], path: str) -> int:
    """Write every rejected row, with its reason, to ``path``; say so. Return how many."""
    n = write_rejects(results, path)
    if n:
        say(args, [f"{n} rejected rows, with their reasons, written to {path}"])
    return n


# --------------------------------------------------------------------------- output safety

#: A Shapefile's other files, which are inputs too.
_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


def _input_paths(args: argparse.Namespace) -> dict[Path, str]:
    """Every file (or folder) the command reads, with the option that names it."""
    named: list[tuple[str, str]] = [("input", f) for f in getattr(args, "files", [])]
    for option in ("incidents", "hazards", "mapping"):
        named += [(f"--{option}", f) for f in getattr(args, option, None) or []]
    for option in ("districts", "towns", "roads", "risk", "basemap"):
        if getattr(args, option, None):
            named.append((f"--{option}", getattr(args, option)))
    out: dict[Path, str] = {}
    for label, name in named:
        path = Path(name)
        out[path] = label
        if path.suffix.lower() == ".shp":
            out.update({path.with_suffix(s): label for s in _SIDECARS})
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:  # e.g. a path too long or a loop of links: compare as written
        return os.path.abspath(a) == os.path.abspath(b)


def check_outputs(args: argparse.Namespace, outputs: Mapping[str, str | Path]) -> None:
    """Refuse, before anything is read or written, an output that is an input or another output.

    Parameters
    ----------
    args : argparse.Namespace
        The command's options (its input files, mappings and context layers).
    outputs : dict
        What each output is (``"-o/--output"``, ``"--rejects"``) → its path. A folder
        output (``geomap report``) is given with each file it will hold.

    Raises
    ------
    GeomapError
        An output resolves to the same file as an input or another output, or the
        rejects file is neither ``.csv`` nor ``.gpkg``.
    """
    rejects_path = getattr(args, "rejects", None)
    if rejects_path and Path(rejects_path).suffix.lower() not in REJECTS_FORMATS:
        raise GeomapError(
            f"--rejects {rejects_path}: expected a .csv or .gpkg file "
            f"(found {Path(rejects_path).suffix or 'no extension'!r})"
        )
    inputs = _input_paths(args)
    seen: list[tuple[str, Path]] = []
    for label, raw in outputs.items():
        out = Path(raw)
        for path, what in inputs.items():
            if _same_file(out, path):
                raise GeomapError(
                    f"{label} {out} is the {what} file {path}: geomap never writes over "
                    f"its inputs; choose another {label.split('/')[-1]}"
                )
        for other_label, other in seen:
            if _same_file(out, other):
                raise GeomapError(
                    f"{label} {out} is also {other_label}: choose different files for them"
                )
        seen.append((label, out))


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Name ``path`` in an OSError (a full disk, a folder not writable) that names no file."""
    try:
        yield
    except OSError as exc:
        if exc.filename or isinstance(exc, GeomapError):
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None


def folder_outputs(label: str, folder: str | Path, names: Iterable[str]) -> dict[str, Path]:
    """Return the outputs of a folder: the folder and each file it will hold."""
    out = {label: Path(folder)}
    out.update({f"{label} file {name}": Path(folder) / name for name in names})
    return out


# --------------------------------------------------------------------------- output

#: Characters never printed as they are: control characters (ANSI escapes, carriage
#: returns, ...) and the bidirectional overrides that reorder a line.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    r"""Show control characters in ``text`` as escapes (``\x1b``), so they cannot act.

    Examples
    --------
    >>> clean("Shusha\x1b[2J")
    'Shusha\\x1b[2J'
    """

    def escape(m: re.Match[str]) -> str:
        code = ord(m[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, text)


def say(args: argparse.Namespace, lines: Sequence[str]) -> None:
    """Print result lines (control characters escaped); with --quiet, only the errors."""
    for line in lines:
        if not getattr(args, "quiet", False) or ": error: " in line:
            print(clean(line))


def one_line(message: str) -> str:
    """``message`` on one line, its control characters escaped."""
    return clean(re.sub(r"\s*[\r\n]+\s*", " ", message.strip()))


def error(message: str) -> None:
    """Print one error line for the user."""
    print(f"geomap: error: {one_line(message)}", file=sys.stderr)
