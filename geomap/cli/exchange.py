"""``geomap export-data``: the layers for other systems (IMSMA Core, HDX, analysts' Parquet).

Input is read and checked as ``geomap render`` reads it; ``--profile`` says what is
written (:mod:`geomap.exchange`): ``imsma-core`` a GeoPackage or File Geodatabase,
``hxl`` the public incidents as an HXL-tagged CSV, ``geoparquet`` a folder of
GeoParquet layers and Parquet analysis tables. Rejected rows are written only where
``--rejects`` says (an HXL file is public; its rejects are not).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geomap._errors import GeomapError
from geomap.analysis import AnalysisOptions
from geomap.analysis import run_analysis
from geomap.cli._common import EXIT_OK
from geomap.cli._common import Command
from geomap.cli._common import add_context_options
from geomap.cli._common import add_input_options
from geomap.cli._common import add_max_distance
from geomap.cli._common import check_outputs
from geomap.cli._common import context
from geomap.cli._common import folder_outputs
from geomap.cli._common import load
from geomap.cli._common import positive
from geomap.cli._common import rejects
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.exchange import GEOPARQUET_FILES
from geomap.exchange import PROFILES
from geomap.exchange import check_output
from geomap.exchange import write_geoparquet
from geomap.exchange import write_hxl
from geomap.exchange import write_imsma
from geomap.map import PublicPolicy
from geomap.map.options import GENERALISE
from geomap.validate import ValidationResult


def _options(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    add_context_options(p)
    p.add_argument(
        "--profile",
        required=True,
        choices=PROFILES,
        help="imsma-core: GeoPackage (.gpkg) or File Geodatabase (.gdb) for IMSMA Core; "
        "hxl: public incidents as an HXL-tagged CSV for HDX; geoparquet: a folder of "
        "GeoParquet layers and Parquet analysis tables",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="file (or, for geoparquet, folder)"
    )
    add_max_distance(p)
    g = p.add_argument_group("publishing safely (hxl)")
    g.add_argument(
        "--generalise",
        choices=list(GENERALISE),
        default=PublicPolicy.generalise,
        help=f"how incident locations are generalised (default: {PublicPolicy.generalise})",
    )
    g.add_argument(
        "--cell",
        type=positive,
        default=PublicPolicy.cell_m,
        metavar="METRES",
        help=f"grid cell side or hexagon radius in metres (default: {PublicPolicy.cell_m:g})",
    )
    g.add_argument(
        "-k",
        type=int,
        default=PublicPolicy.k,
        help=f"counts below k are suppressed (default: {PublicPolicy.k})",
    )
    g.add_argument(
        "--unsafe-allow-small-cells",
        dest="allow_unsafe",
        action="store_true",
        help="allow cells under 250 m and k under 2 (the file is then not safe to publish)",
    )


def _outputs(args: argparse.Namespace) -> dict[str, Any]:
    """Every path the command writes, for :func:`check_outputs`."""
    out = Path(args.output)
    if args.profile == "geoparquet":
        outputs: dict[str, Any] = folder_outputs("-o/--output", out, GEOPARQUET_FILES)
    else:
        outputs = {"-o/--output": out}
    if args.rejects:
        outputs["--rejects"] = args.rejects
    return outputs


def _kept(results: dict[str, ValidationResult], name: str) -> Any:
    return results[name].kept if name in results else None


def _rejects(args: argparse.Namespace, results: list[ValidationResult]) -> None:
    """Write the rejected rows where --rejects says; else say how many were left out."""
    if args.rejects:
        n = rejects(args, results, args.rejects)
        if n and args.profile == "hxl":
            say(args, [f"{args.rejects} holds the rejected rows in full: it is NOT public"])
        return
    n = sum(len(r.rejected) for r in results)
    if n:
        say(args, [f"{n} rejected rows not written (name a file with --rejects to keep them)"])


def run_export(args: argparse.Namespace) -> int:
    """Write the export of ``geomap export-data``."""
    check_outputs(args, _outputs(args))
    check_output(args.profile, args.output)
    policy = None
    if args.profile == "hxl":  # a bad cell or k is refused before anything is read
        policy = PublicPolicy(args.generalise, args.cell, args.k, args.allow_unsafe)
    results = load(args)
    _rejects(args, list(results.values()))
    inc, haz = _kept(results, "incidents"), _kept(results, "hazards")
    with writing(args.output):
        if args.profile == "imsma-core":
            write_imsma(args.output, inc, haz, max_distance_m=args.max_distance)
            held = " and ".join(
                f"{len(v)} {k}" for k, v in (("incidents", inc), ("hazards", haz)) if v is not None
            )
            line = f"wrote {args.output} (IMSMA Core: {held}, with imsma_id and imsma_links)"
        elif args.profile == "hxl":
            line = _hxl(args, inc, policy)
        else:
            line = _geoparquet(args, inc, haz)
    say(args, [line])
    return int(EXIT_OK)


def _hxl(args: argparse.Namespace, inc: Any, policy: Any) -> str:
    if inc is None or not len(inc):
        raise GeomapError("export-data --profile hxl: no incidents in the input to publish")
    n = write_hxl(args.output, inc, policy=policy, districts=context(args, "districts"))
    safe = "generalised, small counts suppressed" if policy.safe else "NOT safe to publish"
    return f"wrote {args.output} (HXL: {n} public cells; {safe})"


def _geoparquet(args: argparse.Namespace, inc: Any, haz: Any) -> str:
    result = None
    if inc is not None and haz is not None:
        result = run_analysis(
            inc,
            haz,
            districts=context(args, "districts"),
            towns=context(args, "towns"),
            roads=context(args, "roads"),
            options=AnalysisOptions(max_distance_m=args.max_distance),
        )
    files = write_geoparquet(args.output, inc, haz, result=result)
    return f"wrote {args.output}/: {len(files)} files ({', '.join(sorted(files))})"


COMMANDS = (
    Command(
        "export-data",
        help="write the layers for IMSMA Core (.gpkg/.gdb), HDX (HXL CSV) or analysts (GeoParquet)",
        description="Read and check the layers, then write them for another system: "
        "--profile imsma-core (IMSMA Core ids, links and codes, WGS84), hxl (the public, "
        "generalised incidents with HXL hashtags) or geoparquet (layers and analysis tables).",
        options=_options,
        run=run_export,
    ),
)
