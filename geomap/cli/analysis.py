"""``geomap stats`` and ``geomap report``: the analysis, printed or written as a folder.

Input is read as ``geomap render`` reads it; the districts, towns and roads default to
same-named layers of an input GeoPackage (as in the sample). Long steps show progress
bars on stderr when it is a terminal (:mod:`geomap._progress`); nothing with ``-q`` or
in pipes, logs and CI.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geomap import analysis
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
from geomap.cli._common import count
from geomap.cli._common import date
from geomap.cli._common import folder_outputs
from geomap.cli._common import load
from geomap.cli._common import positive
from geomap.cli._common import rejects
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.cli.scale import add_scheduler
from geomap.cli.scale import load_for_analysis
from geomap.cli.scale import partitioned_inputs
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import LANGUAGES
from geomap.io import DatabaseSource
from geomap.io import is_database
from geomap.io.partitioned import using_scheduler
from geomap.io.postgis import check_database
from geomap.io.postgis import write_tables
from geomap.load import CONTEXT_LAYERS
from geomap.report import REPORT_FILES
from geomap.report import write_report
from geomap.validate import ValidationResult


def _stats_options(p: argparse.ArgumentParser) -> None:
    _add_analysis_options(p)
    add_scheduler(p)
    p.add_argument(
        "--top", type=count, default=10, metavar="N", help="priority areas to print (10)"
    )
    db = p.add_argument_group("write the results to a database (pip install 'geomap[postgis]')")
    db.add_argument(
        "--to-db",
        metavar="URL",
        help="write the result tables (links, proposed areas, priorities, quality, ...) to "
        "PostgreSQL/PostGIS, e.g. postgresql://user@host/db, in one transaction: all or none",
    )
    db.add_argument(
        "--schema",
        default="geomap",
        metavar="NAME",
        help="schema of the tables written with --to-db (default geomap; created if missing)",
    )
    db.add_argument(
        "--replace",
        action="store_true",
        help="with --to-db, replace tables that exist (default: fail, writing nothing)",
    )


def _report_options(p: argparse.ArgumentParser) -> None:
    _add_analysis_options(p)
    p.add_argument(
        "-o", "--output", default="geomap-report", metavar="FOLDER", help="folder to write"
    )
    p.add_argument(
        "--title",
        help="report title (default: Explosive ordnance contamination: analysis, in --lang)",
    )
    p.add_argument("--subtitle", help="second line under the title, e.g. the data source")
    p.add_argument("--top", type=count, default=20, metavar="N", help="priority areas shown (20)")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANG,
        help="language of report.html, the charts and the map (default en; ar is right to "
        "left); the CSV files and GeoPackages keep their column names and codes",
    )


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    c = add_context_options(p)
    c.add_argument(
        "--district-id",
        metavar="FIELD",
        help="column that identifies each district (default: found, else the row number)",
    )
    a = p.add_argument_group("analysis")
    add_max_distance(a)
    a.add_argument(
        "--eps",
        type=positive,
        default=1000.0,
        metavar="M",
        help="cluster unlinked incidents within M metres of each other (DBSCAN; default 1000)",
    )
    a.add_argument(
        "--min-incidents",
        type=count,
        default=2,
        metavar="N",
        help="incidents that make a cluster (default 2; 1 proposes an area around every "
        "lone incident)",
    )
    a.add_argument(
        "--buffer",
        type=positive,
        default=250.0,
        metavar="M",
        help="margin around a cluster's incidents, metres (default 250)",
    )
    a.add_argument(
        "--radius",
        type=positive,
        default=5000.0,
        metavar="M",
        help="priority radius: towns within it, distance scale (default 5000)",
    )
    a.add_argument(
        "--weight",
        type=_weight,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="priority weight, repeatable; NAME one of "
        + ", ".join(f"{k} (default {v:g})" for k, v in analysis.DEFAULT_WEIGHTS.items()),
    )
    a.add_argument(
        "--record-start",
        type=date,
        default="1900-01-01",
        metavar="DATE",
        help="first date of the record: earlier incidents are flagged (default 1900-01-01)",
    )


def _weight(text: str) -> tuple[str, float]:
    name, sep, raw = text.partition("=")
    known = list(analysis.DEFAULT_WEIGHTS)
    if not sep or name.strip() not in known:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME=VALUE with NAME one of {', '.join(known)}"
        )
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {raw!r} is not a number") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"{text!r}: a weight must be ≥ 0")
    return name.strip(), value


def _load(args: argparse.Namespace) -> dict[str, ValidationResult]:
    results = load(args)
    _require_both(args, results)
    if args.rejects:
        rejects(args, list(results.values()), args.rejects)
    return results


def _require_both(args: argparse.Namespace, results: Mapping[str, Any]) -> None:
    missing = [k for k in ("incidents", "hazards") if k not in results]
    if missing:
        raise GeomapError(
            f"{args.command}: no {' and no '.join(missing)} found in the input; give "
            f"them (--{missing[0]} FILE), or name the layer (--kind/--layer)"
        )


def _load_layers(args: argparse.Namespace) -> dict[str, Any]:
    """Return the layers of ``geomap stats``: partitioned ones (dask), else the kept rows."""
    if not partitioned_inputs(args):
        return {k: r.kept for k, r in _load(args).items()}
    layers, reports = load_for_analysis(args)
    _require_both(args, layers)
    if args.rejects:
        rejects(args, reports, args.rejects)
    return layers


def _options(args: argparse.Namespace) -> AnalysisOptions:
    """Return the analysis options of ``geomap stats`` and ``geomap report``."""
    return AnalysisOptions(
        max_distance_m=args.max_distance,
        eps_m=args.eps,
        min_incidents=args.min_incidents,
        buffer_m=args.buffer,
        weights=dict(args.weight),
        radius_m=args.radius,
        record_start=args.record_start,
        top=args.top,
        district_id=args.district_id,
    )


def run_stats(args: argparse.Namespace) -> int:
    """Print the summary table of ``geomap stats``."""
    check_outputs(args, {"--rejects": args.rejects} if args.rejects else {})
    if args.to_db:
        check_database(args.to_db)
    with using_scheduler(args.scheduler):
        layers = _load_layers(args)
        result = run_analysis(
            layers["incidents"],
            layers["hazards"],
            districts=context(args, "districts"),
            towns=context(args, "towns"),
            roads=context(args, "roads"),
            options=_options(args),
        )
    say(args, result.summary_lines())
    if args.to_db:
        _to_db(args, result)
    return int(EXIT_OK)


def _qualified(table: str) -> str:
    return table if "." in table else f"public.{table}"


def _check_not_inputs(args: argparse.Namespace, target: DatabaseSource, names: list[str]) -> None:
    """Refuse, before anything is written, to replace a table the command read."""
    given = [*args.files, *args.incidents, *args.hazards]
    given += [getattr(args, n) for n in CONTEXT_LAYERS if getattr(args, n, None)]
    for src in (DatabaseSource.parse(f) for f in given if is_database(f)):
        if src.database != target.database or src.sql:
            continue
        read = [src.table] if src.table else [args.layer or "incidents", "hazards"]
        read += [] if src.table else list(CONTEXT_LAYERS)
        hit = sorted({_qualified(t) for t in read if t} & {_qualified(n) for n in names})
        if hit:
            raise GeomapError(
                f"--to-db {target.database}: would replace the input table {hit[0]!r}; "
                "choose another --schema"
            )


def _to_db(args: argparse.Namespace, result: analysis.AnalysisResult) -> None:
    """Write the result tables with ``--to-db``: one line per table, nothing on failure."""
    tables = result.tables()
    target = DatabaseSource.parse(args.to_db)
    _check_not_inputs(args, target, [f"{args.schema}.{n}" for n in tables])
    written = write_tables(
        args.to_db, tables, schema=args.schema, if_exists="replace" if args.replace else "fail"
    )
    say(
        args,
        [
            f"wrote table {name} ({rows:,} rows) to {target.database}"
            for name, rows in written.items()
        ],
    )


def run_report(args: argparse.Namespace) -> int:
    """Write the report folder of ``geomap report``."""
    outputs = folder_outputs("-o/--output", args.output, REPORT_FILES)
    check_outputs(args, {**outputs, **({"--rejects": args.rejects} if args.rejects else {})})
    results = _load(args)
    with writing(args.output):
        files = write_report(
            args.output,
            results["incidents"],
            results["hazards"],
            context(args, "districts"),
            context(args, "towns"),
            context(args, "roads"),
            options=_options(args),
            title=args.title,
            subtitle=args.subtitle,
            lang=args.lang,
        )
    out = Path(args.output)
    say(
        args,
        [
            f"wrote {out}/: {len(files)} files ({', '.join(sorted(files))})",
            f"open {out / 'report.html'} (works offline)",
        ],
    )
    return int(EXIT_OK)


COMMANDS = (
    Command(
        "stats",
        help="print a summary: links, casualties, hazard km², districts, priorities",
        description="Read and check the layers, link incidents to hazard areas, and print "
        "a summary table (districts and top priority areas too, when given). Inputs may be "
        "files or PostGIS tables (postgresql://user@host/db?table=NAME); --to-db writes the "
        "result tables back to a database. A folder from geomap convert (partitioned "
        "GeoParquet) is read, checked, linked and counted partition by partition with dask "
        "(--scheduler: this machine or a dask cluster).",
        options=_stats_options,
        run=run_stats,
    ),
    Command(
        "report",
        help="write a report folder: map, statistics (CSV), charts (PNG), GeoPackages, HTML",
        description="Run the whole analysis and write a folder with map.html, report.html "
        "(map, charts and tables on one page; opens offline), the statistics as CSV, the "
        "charts as PNG, and the proposed suspected areas and priorities as GeoPackage.",
        options=_report_options,
        run=run_report,
    ),
)
