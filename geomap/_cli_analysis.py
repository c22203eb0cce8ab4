"""``geomap stats`` and ``geomap report``: the analysis commands, for :mod:`geomap.cli`.

:func:`add_commands` adds both subcommands to the ``geomap`` parser; each sets
``func`` to its handler, which returns the exit status and raises
:class:`~geomap.GeomapError` for a user error (``geomap.cli.main`` prints it and
exits 2). Input is read as ``geomap render`` reads it; the districts, towns and
roads default to same-named layers of an input GeoPackage (as in the sample).

Long steps show progress on stderr: a tqdm bar on a terminal when tqdm is
installed, else (in logs, pipes, CI) one line per step; nothing with ``-q``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geomap import analysis
from geomap._errors import GeomapError
from geomap.analysis import ANALYSIS_STEPS, AnalysisOptions, run_analysis
from geomap.report import write_report
from geomap.validate import ValidationResult

__all__ = ["add_commands"]

log = logging.getLogger("geomap")


# --------------------------------------------------------------------------- options


def _distance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of metres") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a distance ≥ 0 (metres)")
    return value


def _positive(text: str) -> float:
    value = _distance(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a distance > 0 (metres)")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number ≥ 1")
    return value


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


def _date(text: str) -> str:
    stamp = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
    if pd.isna(stamp):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)")
    return text


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="input files (layers found by name or geometry)"
    )
    p.add_argument("--incidents", action="append", default=[], metavar="FILE", help="incident file")
    p.add_argument(
        "--hazards", action="append", default=[], metavar="FILE", help="hazard-area file"
    )
    c = p.add_argument_group("context layers (default: same-named layers of an input .gpkg)")
    c.add_argument("--districts", metavar="FILE", help="district boundaries (polygons)")
    c.add_argument(
        "--district-id",
        metavar="FIELD",
        help="column that identifies each district (default: found, else the row number)",
    )
    c.add_argument("--towns", metavar="FILE", help="towns and villages (points)")
    c.add_argument("--roads", metavar="FILE", help="roads (lines)")
    c.add_argument(
        "--no-context", action="store_true", help="do not look for context layers in the input"
    )
    a = p.add_argument_group("analysis")
    a.add_argument(
        "--max-distance",
        type=_distance,
        default=500.0,
        metavar="M",
        help="link an incident outside every hazard area to the nearest within M metres "
        "(default 500)",
    )
    a.add_argument(
        "--eps",
        type=_positive,
        default=1000.0,
        metavar="M",
        help="cluster unlinked incidents within M metres of each other (DBSCAN; default 1000)",
    )
    a.add_argument(
        "--min-incidents",
        type=_count,
        default=2,
        metavar="N",
        help="incidents that make a cluster (default 2; 1 proposes an area around every "
        "lone incident)",
    )
    a.add_argument(
        "--buffer",
        type=_positive,
        default=250.0,
        metavar="M",
        help="margin around a cluster's incidents, metres (default 250)",
    )
    a.add_argument(
        "--radius",
        type=_positive,
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
        type=_date,
        default="1900-01-01",
        metavar="DATE",
        help="first date of the record: earlier incidents are flagged (default 1900-01-01)",
    )
    a.add_argument("--strict", action="store_true", help="fail if any row is rejected")


def add_commands(sub: Any, parents: Sequence[argparse.ArgumentParser] = ()) -> None:
    """Add the ``stats`` and ``report`` subcommands to the ``geomap`` parser.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        What ``parser.add_subparsers()`` returned.
    parents : sequence of ArgumentParser
        Parents of each subparser (the ``-v``/``-q`` options after the command).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="geomap")
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["stats", "data/karabakh-sample.gpkg", "--eps", "800"])
    >>> args.func.__name__, args.eps
    ('_cmd_stats', 800.0)
    """
    from geomap.cli import _add_input_options  # here: geomap.cli imports this module

    s = sub.add_parser(
        "stats",
        parents=list(parents),
        help="print a summary: links, casualties, hazard km², districts, priorities",
        description="Read and check the layers, link incidents to hazard areas, and print "
        "a summary table (districts and top priority areas too, when given).",
    )
    _add_analysis_options(s)
    s.add_argument(
        "--top", type=_count, default=10, metavar="N", help="priority areas to print (10)"
    )
    _add_input_options(s)
    s.set_defaults(func=_cmd_stats)

    r = sub.add_parser(
        "report",
        parents=list(parents),
        help="write a report folder: map, statistics (CSV), charts (PNG), GeoPackages, HTML",
        description="Run the whole analysis and write a folder with map.html, report.html "
        "(map, charts and tables on one page; opens offline), the statistics as CSV, the "
        "charts as PNG, and the proposed suspected areas and priorities as GeoPackage.",
    )
    _add_analysis_options(r)
    r.add_argument(
        "-o", "--output", default="geomap-report", metavar="FOLDER", help="folder to write"
    )
    r.add_argument(
        "--title", default="Explosive ordnance contamination: analysis", help="report title"
    )
    r.add_argument("--subtitle", help="second line under the title, e.g. the data source")
    r.add_argument("--top", type=_count, default=20, metavar="N", help="priority areas shown (20)")
    _add_input_options(r)
    r.set_defaults(func=_cmd_report)


# --------------------------------------------------------------------------- running


class _Progress:
    """Progress of numbered steps on stderr: a tqdm bar, plain lines, or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.tqdm: Any = None
        if enabled and sys.stderr.isatty():  # a bar's redraws only make sense on a terminal
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            self.tqdm = tqdm

    def __call__(self, step: str, number: int, total: int) -> None:
        if not self.enabled:
            return
        if self.tqdm is None:
            sys.stderr.write(f"[{number}/{total}] {step}\n")
            sys.stderr.flush()
            return
        if self.bar is None:
            self.bar = self.tqdm(total=total, unit="step", file=sys.stderr, leave=False)
        self.bar.set_description(step)
        self.bar.update(number - self.bar.n - 1 if number > 1 else 0)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()
            self.bar = None


def _say(args: argparse.Namespace, lines: Sequence[str]) -> None:
    from geomap.cli import _report

    _report(args, lines)


def _load(args: argparse.Namespace) -> dict[str, ValidationResult]:
    from geomap.cli import _load_inputs, _write_rejects

    results = _load_inputs(args)
    missing = [k for k in ("incidents", "hazards") if k not in results]
    if missing:
        raise GeomapError(
            f"{args.command}: no {' and no '.join(missing)} found in the input; give "
            f"them (--{missing[0]} FILE), or name the layer (--kind/--layer)"
        )
    if args.rejects:
        n = _write_rejects(list(results.values()), Path(args.rejects))
        if n:
            _say(args, [f"{n} rejected rows, with their reasons, written to {args.rejects}"])
    return results


def _context(args: argparse.Namespace, name: str, option: str | None) -> gpd.GeoDataFrame | None:
    from geomap.cli import _context as context

    return context(args, name, option)


def _table(df: pd.DataFrame) -> list[str]:
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        return df.to_string(
            index=False, float_format=lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
        ).splitlines()


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


def _cmd_stats(args: argparse.Namespace) -> int:
    """Print the summary table of ``geomap stats``."""
    from geomap.cli import EXIT_OK

    progress = _Progress(enabled=not getattr(args, "quiet", False))
    try:
        progress("reading", 1, len(ANALYSIS_STEPS) + 1)
        results = _load(args)
        result = run_analysis(
            results["incidents"].kept,
            results["hazards"].kept,
            districts=_context(args, "districts", args.districts),
            towns=_context(args, "towns", args.towns),
            roads=_context(args, "roads", args.roads),
            options=_options(args),
            progress=lambda step, i, total: progress(step, i + 1, total + 1),
        )
    finally:
        progress.close()
    _say(args, result.summary_lines())
    return int(EXIT_OK)


def _cmd_report(args: argparse.Namespace) -> int:
    """Write the report folder of ``geomap report``."""
    from geomap.cli import EXIT_OK

    progress = _Progress(enabled=not getattr(args, "quiet", False))
    try:
        progress("reading", 1, 11)
        results = _load(args)
        files = write_report(
            args.output,
            results["incidents"],
            results["hazards"],
            _context(args, "districts", args.districts),
            _context(args, "towns", args.towns),
            _context(args, "roads", args.roads),
            options=_options(args),
            title=args.title,
            subtitle=args.subtitle,
            progress=lambda step, i, total: progress(step, i + 1, total + 1),
        )
    finally:
        progress.close()
    out = Path(args.output)
    _say(
        args,
        [
            f"wrote {out}/: {len(files)} files ({', '.join(sorted(files))})",
            f"open {out / 'report.html'} (works offline)",
        ],
    )
    return int(EXIT_OK)
