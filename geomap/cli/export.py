"""``geomap export``: a map as a PDF page or a PNG image, in its print layout.

It takes what ``geomap render`` takes (files, input options and map options) and
prints the map it draws; or, given one map ``.html`` file, prints that map.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geomap._progress import step as progress_step
from geomap.cli._common import EXIT_OK
from geomap.cli._common import Command
from geomap.cli._common import check_outputs
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.cli.maps import _add_map_options
from geomap.cli.maps import _build_map
from geomap.export import DPI_RANGE
from geomap.export import ORIENTATIONS
from geomap.export import PAPERS
from geomap.export import export_map
from geomap.export import find_chromium


def _dpi(text: str) -> float:
    """Parse a PNG resolution in dots per inch (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of dots per inch") from None
    if not DPI_RANGE[0] <= value <= DPI_RANGE[1]:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected {DPI_RANGE[0]:g} to {DPI_RANGE[1]:g} dots per inch"
        )
    return value


def _export_options(p: argparse.ArgumentParser) -> None:
    _add_map_options(p)
    g = p.add_argument_group("print")
    g.add_argument("--paper", choices=list(PAPERS), default="A4", help="paper size (default: A4)")
    g.add_argument(
        "--orientation",
        choices=list(ORIENTATIONS),
        default="landscape",
        help="page orientation (default: landscape)",
    )
    g.add_argument("--dpi", type=_dpi, default=150, help="resolution of a PNG (default: 150)")
    g.add_argument("--chromium", metavar="PATH", help="Chromium to print with "
                   "(default: $GEOMAP_CHROMIUM, else /usr/bin/chromium)")  # fmt: skip
    p.add_argument("-o", "--output", default="geomap-map.pdf", help="file to write: .pdf or .png")


def _is_map_file(args: argparse.Namespace) -> bool:
    """Say whether the one input is a map's HTML file (printed as it is)."""
    files = [*args.files, *args.incidents, *args.hazards]
    return len(files) == 1 and Path(files[0]).suffix.lower() in (".html", ".htm")


def run_export(args: argparse.Namespace) -> int:
    """Print the map to a PDF or PNG."""
    find_chromium(args.chromium)  # a missing Chromium fails before the data are read
    if _is_map_file(args):
        check_outputs(args, {"-o/--output": args.output})
        source = Path([*args.files, *args.incidents, *args.hazards][0])
        what = f"{source}"
        m = None
    else:
        m, results = _build_map(args)
        what = ", ".join(f"{len(r.kept)} {k}" for k, r in results.items())
    with writing(args.output), progress_step(f"printing {Path(args.output).name} in Chromium"):
        output = export_map(
            m if m is not None else source,
            args.output,
            paper=args.paper,
            orientation=args.orientation,
            dpi=args.dpi,
            chromium=args.chromium,
        )
    size = output.stat().st_size / 1e6
    page = f"{args.paper} {args.orientation}"
    say(args, [f"wrote {output} ({what}; {page}; {size:.2f} MB)"])
    return EXIT_OK


COMMANDS = (
    Command(
        "export",
        help="print a map to PDF or PNG (A4/A3, portrait/landscape)",
        description="Like render, then print the map in its print layout (title, legend, "
        "scale bar, north arrow, date, source, notices) to a PDF page or a PNG image, "
        "through headless Chromium (pip install 'geomap[export]'; apt-get install "
        "chromium). Given one map .html file, print that map.",
        options=_export_options,
        run=run_export,
    ),
)
