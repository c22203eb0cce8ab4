"""``geomap validate``: check files and report rows read = kept + rejected, per file."""

from __future__ import annotations

import argparse

from geomap._errors import GeomapError
from geomap.cli._common import EXIT_OK
from geomap.cli._common import EXIT_USAGE
from geomap.cli._common import Command
from geomap.cli._common import add_input_options
from geomap.cli._common import check_outputs
from geomap.cli._common import error
from geomap.cli._common import load_file
from geomap.cli._common import rejects
from geomap.cli._common import say
from geomap.io import load_mapping
from geomap.validate import ValidationResult


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE")
    add_input_options(p, files=False)


def run(args: argparse.Namespace) -> int:
    """Check each file; exit 2 if any cannot be read or any row is rejected."""
    rejects_path = args.rejects or "geomap-rejects.csv"
    check_outputs(args, {"--rejects": rejects_path})
    # Read once for every file: a broken mapping is one error, before any file is read.
    mappings = [load_mapping(m) for m in args.mapping]
    status = EXIT_OK
    results: list[ValidationResult] = []
    for f in args.files:
        try:
            found = load_file(args, f, mappings)
        except GeomapError as exc:
            error(str(exc))
            status = EXIT_USAGE
            continue
        for res in found.values():
            say(args, res.summary())
            results.append(res)
            if len(res.rejected):
                status = EXIT_USAGE
    rejects(args, results, rejects_path)
    return status


COMMANDS = (
    Command(
        "validate",
        help="check files; print a summary per file; write rejected rows with reasons",
        description="Check files and report, per file, rows read = kept + rejected. "
        "Rejected rows go to --rejects (default geomap-rejects.csv). Exit 2 if any row "
        "is rejected or a file cannot be read.",
        options=_options,
        run=run,
    ),
)
