"""The ``geomap`` command: a thin shell over the Python API.

One parser, one dispatch: every subcommand sets the function that runs it
(``validate``, ``render``, ``embed``, ``export``, ``stats``, ``report``, ``tiles``,
``export-data``, ``convert``).
Exit status: 0 on success; 2 for a user error (a file that cannot be read, a bad
option, an output that would overwrite an input, and for ``validate`` any rejected
row); 1 for an unexpected failure. User errors print one line each, never a traceback. Warnings
(an assumed CRS, a missing map plugin, text that looks mis-decoded) show by default;
``-q`` shows errors only, ``-v``/``-vv`` more. Everything printed has its control
characters escaped.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version
from typing import Any

from geomap._errors import GeomapError
from geomap._progress import showing
from geomap._progress import terminal_bars
from geomap.cli import analysis
from geomap.cli import exchange
from geomap.cli import export
from geomap.cli import maps
from geomap.cli import scale
from geomap.cli import tiles
from geomap.cli import validate
from geomap.cli._common import EXIT_USAGE
from geomap.cli._common import error
from geomap.cli._common import one_line

__all__ = ["main"]


def _version() -> str:
    try:
        return version("geomap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (``geomap: error: ...``) and exit status 2."""

    def error(self, message: str) -> Any:  # argparse's signature: it never returns
        self.exit(2, f"geomap: error: {one_line(message)} (see {self.prog} --help)\n")


class _Console(logging.Handler):
    """Log records as ``geomap: warning: ...`` lines on stderr, control characters escaped."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "noted", False):  # also in the file's summary, printed anyway
            return
        try:
            text = one_line(record.getMessage())
            sys.stderr.write(f"geomap: {record.levelname.lower()}: {text}\n")
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


@contextlib.contextmanager
def _logging(level: int) -> Iterator[None]:
    """Show geomap's log records of ``level`` and above on stderr while a command runs."""
    logger = logging.getLogger("geomap")
    handler = _Console(level)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, old_level) if old_level else level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geomap",
        description="Check and map landmine/ERW incidents and hazard areas.",
    )
    parser.add_argument("--version", action="version", version=f"geomap {_version()}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    # The same options after the command name (`geomap render -q ...`).
    common = _Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for cmd in (
        *validate.COMMANDS,
        *maps.COMMANDS,
        *export.COMMANDS,
        *analysis.COMMANDS,
        *tiles.COMMANDS,
        *exchange.COMMANDS,
        *scale.COMMANDS,
    ):
        p = sub.add_parser(cmd.name, parents=[common], help=cmd.help, description=cmd.description)
        cmd.options(p)
        p.set_defaults(func=cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geomap`` command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    geomap 0.3.0
    """
    args = _parser().parse_args(argv)
    levels = [logging.WARNING, logging.INFO, logging.DEBUG]
    level = logging.ERROR if args.quiet else levels[min(args.verbose, 2)]
    with _logging(level), showing(terminal_bars(args.quiet)):  # bars: a terminal, no -q
        try:
            return int(args.func(args))
        except GeomapError as exc:
            error(str(exc))
            return EXIT_USAGE
        except OSError as exc:  # e.g. the output folder is not writable, the disk full
            error(_os_message(exc))
            return EXIT_USAGE
        except KeyboardInterrupt:
            error("interrupted; nothing half-written was left behind")
            return 130


def _os_message(exc: OSError) -> str:
    """``path: reason`` for an OSError, e.g. ``out/map.html: No space left on device``."""
    if exc.strerror and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return exc.strerror or str(exc)
