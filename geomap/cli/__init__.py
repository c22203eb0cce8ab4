"""The ``geomap`` command: a thin shell over the Python API.

One parser, one dispatch: every subcommand sets the function that runs it
(``validate``, ``render``, ``embed``, ``stats``, ``report``). Exit status: 0 on
success; 2 for a user error (a file that cannot be read, a bad option, and for
``validate`` any rejected row); 1 for an unexpected failure. User errors print one
line each, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from geomap._errors import GeomapError
from geomap.cli import analysis, maps, validate
from geomap.cli._common import EXIT_USAGE, error

__all__ = ["main"]


def _version() -> str:
    try:
        return version("geomap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Check and map landmine/ERW incidents and hazard areas.",
    )
    parser.add_argument("--version", action="version", version=f"geomap {_version()}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    # The same options after the command name (`geomap render -q ...`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate.add_command(sub, [common])
    maps.add_commands(sub, [common])
    analysis.add_commands(sub, [common])
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
    geomap 0.1.0
    """
    args = _parser().parse_args(argv)
    levels = [logging.ERROR, logging.INFO, logging.DEBUG]
    level = logging.ERROR if args.quiet else levels[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except (GeomapError, OSError) as exc:  # OSError: e.g. the output folder is not writable
        error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
