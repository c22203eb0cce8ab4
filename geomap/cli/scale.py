"""Beyond one machine's memory: ``geomap convert``, and the dask path of ``geomap stats``.

``geomap convert INPUT... OUT_DIR`` reads and checks layers and writes them as
Hilbert-sorted, partitioned GeoParquet (:mod:`geomap.exchange.convert`). ``geomap stats``
given such a folder (or a folder or glob of part files) reads the incidents with
dask-geopandas, validates, links, counts by district and computes the casualty trends
partition by partition; ``--scheduler`` says where (this machine, or a dask cluster).
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

from geomap._errors import GeomapError
from geomap.cli._common import EXIT_OK
from geomap.cli._common import Command
from geomap.cli._common import add_input_options
from geomap.cli._common import check_outputs
from geomap.cli._common import context
from geomap.cli._common import count
from geomap.cli._common import load
from geomap.cli._common import rejects
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.exchange.convert import DEFAULT_ROWS_PER_PART
from geomap.exchange.convert import write_partitioned
from geomap.io.partitioned import LOCAL_SCHEDULERS
from geomap.load import CONTEXT_LAYERS
from geomap.load import load_partitioned
from geomap.load import partitioned_layers
from geomap.validate import ValidationResult
from geomap.validate.result import raise_if_strict


def add_scheduler(p: argparse.ArgumentParser) -> None:
    """Add ``--scheduler ADDRESS``: where partitioned (dask) inputs are computed."""
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="where partitioned input (a folder from geomap convert) is computed: "
        f"{', '.join(LOCAL_SCHEDULERS)} (this machine; default threads) or a dask "
        "distributed scheduler, e.g. tcp://10.0.0.5:8786 (pip install 'geomap[dask]')",
    )


def partitioned_inputs(args: argparse.Namespace) -> dict[str, Path]:
    """Return the partitioned layers among the command's inputs, by kind."""
    found: dict[str, Path] = {}
    for paths, kind in ((args.files, args.kind), (args.incidents, "incidents")):
        for f in paths:
            found.update(partitioned_layers(f, kind))
    for f in args.hazards:
        found.update(partitioned_layers(f, "hazards"))
    return found


def load_for_analysis(args: argparse.Namespace) -> tuple[dict[str, Any], list[ValidationResult]]:
    """Read and check the inputs: partitioned layers lazily (dask), the rest in memory.

    Returns the layers to analyse by kind (the incidents a dask GeoDataFrame when
    partitioned; hazard areas always in memory) and each layer's validation report.
    """
    parts = partitioned_inputs(args)
    rest = copy.copy(args)
    rest.files = [f for f in args.files if not partitioned_layers(f, args.kind)]
    rest.incidents = [f for f in args.incidents if not partitioned_layers(f, "incidents")]
    rest.hazards = [f for f in args.hazards if not partitioned_layers(f, "hazards")]
    results = load(rest) if (rest.files or rest.incidents or rest.hazards) else {}
    layers: dict[str, Any] = {k: r.kept for k, r in results.items()}
    reports = list(results.values())
    for kind, path in sorted(parts.items(), key=lambda kv: kv[0] != "incidents"):
        if kind in layers:
            raise GeomapError(f"{kind} were given twice (a partitioned folder and a file)")
        checked = load_partitioned(path, kind).persist()
        report = checked.report()
        say(args, report.summary())
        raise_if_strict(report, int(report.files["read"].sum()), args.strict)
        reports.append(report)
        layers[kind] = checked.kept if kind == "incidents" else checked.compute().kept
    return layers, reports


# --------------------------------------------------------------------------- convert


def _convert_options(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    p.add_argument(
        "--rows-per-part",
        type=count,
        default=DEFAULT_ROWS_PER_PART,
        metavar="N",
        help=f"rows per part file (default {DEFAULT_ROWS_PER_PART:,})",
    )
    p.add_argument(
        "--no-context",
        action="store_true",
        help="do not copy districts/towns/roads layers of an input GeoPackage",
    )


def run_convert(args: argparse.Namespace) -> int:
    """Write the folder of ``geomap convert``."""
    if not args.files or (len(args.files) < 2 and not (args.incidents or args.hazards)):
        raise GeomapError("convert: give the input files, then the output folder (OUT_DIR)")
    *inputs, out = args.files
    args.files = inputs
    check_outputs(args, {"OUT_DIR": out, **({"--rejects": args.rejects} if args.rejects else {})})
    if Path(out).exists() and (not Path(out).is_dir() or any(Path(out).iterdir())):
        raise GeomapError(f"{out} already exists and is not an empty folder; choose another")
    args.districts = args.towns = args.roads = None
    results = load(args)
    layers = {name: context(args, name) for name in CONTEXT_LAYERS}
    with writing(out):
        done = write_partitioned(out, results, context=layers, rows_per_part=args.rows_per_part)
    if args.rejects:
        rejects(args, list(results.values()), args.rejects)
    say(args, done.lines())
    return int(EXIT_OK)


COMMANDS = (
    Command(
        "convert",
        help="write validated layers as Hilbert-sorted, partitioned GeoParquet (for dask)",
        description="Read and check the layers, then write OUT_DIR: a folder per layer of "
        "GeoParquet part files, rows ordered by Hilbert distance (incidents/, hazards/), the "
        "context layers of an input GeoPackage (context/), the per-file counts (files.csv) "
        "and every rejected row with its reason (rejected.csv). The folder appears whole or "
        "not at all. geomap stats OUT_DIR then runs the analysis partition by partition.",
        options=_convert_options,
        run=run_convert,
    ),
)
