"""``python -m benchmarks [render|analysis|tenm] [options]``: run the benchmarks.

With no benchmark named, runs both (render, then analysis) with their default sizes,
or with ``--quick`` their small ones; ``tenm`` (10M incidents out of core) runs only
when named.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import analysis
from benchmarks import render
from benchmarks import tenm

BENCHMARKS = {"render": render.main, "analysis": analysis.main}
#: Run only when named (minutes, GBs): ``python -m benchmarks tenm``.
OPT_IN = {"tenm": tenm.main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in {**BENCHMARKS, **OPT_IN}:
        return {**BENCHMARKS, **OPT_IN}[argv[0]](argv[1:])
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run geomap's benchmarks: 'render' (geomap vs explore()) and 'analysis' "
        "(linking and district aggregation); name one to pass it options (see its --help).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes only")
    args = p.parse_args(argv)
    extra = ["--quick"] if args.quick else []
    status = 0
    for name, run in BENCHMARKS.items():
        print(f"\n=== benchmarks: {name} ===", flush=True)
        status = max(status, run(extra))
    return status


if __name__ == "__main__":
    sys.exit(main())
