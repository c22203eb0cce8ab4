"""``python -m benchmarks [render|analysis|stats|tenm] [options]``: run the benchmarks.

With no benchmark named (``make bench``), measures every row of the speed issue's table
in one run (:mod:`benchmarks.table`): the render benchmark at 100k/5k and 1M/50k, then
``geomap stats`` at 1M × 50k, and prints the table with its goals; ``--tenm`` adds the
10M out-of-core row (slow, opt-in), ``--quick`` runs the small sizes only.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks import analysis
from benchmarks import render
from benchmarks import stats
from benchmarks import table
from benchmarks import tenm

BENCHMARKS = {
    "render": render.main,
    "analysis": analysis.main,
    "stats": stats.main,
    "tenm": tenm.main,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in BENCHMARKS:
        return BENCHMARKS[argv[0]](argv[1:])
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure every row of the speed table in one run (render vs explore(), "
        "the 1M map in Chromium, geomap stats at 1M × 50k); or name one benchmark "
        f"({', '.join(BENCHMARKS)}) to pass it options (see its --help).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes only (100k/5k)")
    p.add_argument("--tenm", action="store_true", help="also the 10M out-of-core row (slow)")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="build (and open) each map N times, both tools, and keep the fastest (default 3: "
        "the first process after a pause runs slower on this kind of machine)",
    )
    args = p.parse_args(argv)
    sizes = "100000:5000" if args.quick else "100000:5000,1000000:50000"
    print("\n=== benchmarks: render ===", flush=True)
    render_args = ["--sizes", sizes, "--repeat", str(args.repeat)]
    render_args += ["--no-browser"] if args.no_browser else []
    results = render.run_all(render_args)
    print("\n=== benchmarks: geomap stats ===", flush=True)
    size = stats.QUICK if args.quick else (1_000_000, 50_000)
    stats_res = stats.run(*size)
    stats.print_result(stats_res)
    tenm_res = _tenm() if args.tenm else {"status": "not measured", "why": "opt-in: --tenm"}
    busy = max(
        [float(r.get("busy_cores") or 0) for r in results] + [stats_res.get("busy_cores", 0)]
    )
    print("\n=== benchmarks: the speed table (issue 11) ===", flush=True)
    rows = table.print_table(results, stats_res, tenm_res, busy)
    print(
        f"\nall figures: {table.write_json(stats.DEFAULT_OUT, results, stats_res, tenm_res, rows)}"
    )
    return 0 if stats_res["status"] == "ok" else 1


def _tenm() -> dict[str, object]:
    """Run the 10M benchmark (:mod:`benchmarks.tenm`); its row from ``out/tenm.json``."""
    print("\n=== benchmarks: 10M out of core ===", flush=True)
    if tenm.main([]) != 0:
        return {"status": "failed", "why": "python -m benchmarks tenm failed"}
    rows = json.loads((stats.DEFAULT_OUT / "tenm.json").read_text())["rows"]
    total = next(float(r[1]) for r in rows if r[0] == "total")
    return {"status": "ok", "wall_s": total}


if __name__ == "__main__":
    sys.exit(main())
