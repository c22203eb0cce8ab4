"""Time ``geomap stats`` at 1M incidents × 50k hazard areas, step by step.

    python -m benchmarks stats                     # 1,000,000 × 50,000 (80 districts)
    python -m benchmarks stats --quick             # 100,000 × 5,000
    python -m benchmarks stats --incidents 200000 --hazards 10000

The data are the analysis benchmark's (:mod:`benchmarks.analysis`: hazard polygons
spread over the box with the sample's log-normal sizes, 30 % of the incidents within
about a kilometre of one, 80 Voronoi districts), written once as GeoParquet under
``out/data/`` and reused. A fresh subprocess then does what ``geomap stats --incidents
I --hazards H --districts D`` does (read and check the files, :func:`run_analysis`, the
summary text) with the steps timed by :class:`geomap._progress.Timings`: wall-clock and
CPU seconds of read+check, link, propose, areas, trends, districts, priorities and
quality. CPU seconds say what the work costs when other processes share the cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.machine import REPO
from benchmarks.machine import busy_cores
from benchmarks.report import log
from benchmarks.report import markdown_table

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
QUICK = (100_000, 5_000)
TARGET_S = 30.0
RESULT_TAG = "STATS_RESULT "

#: The columns of the breakdown: the issue's steps, from the names geomap reports.
STEPS = (
    ("read+check", ("reading ", "checking ")),
    ("link", ("linking",)),
    ("propose", ("clustering",)),
    ("areas", ("measuring areas",)),
    ("trends", ("computing trends",)),
    ("districts", ("aggregating by district",)),
    ("priorities", ("ranking",)),
    ("quality", ("checking data quality",)),
)


def data_paths(out: Path, n_inc: int, n_haz: int, n_dist: int, seed: int) -> dict[str, Path]:
    """Where the cached layers of one size live under ``out``."""
    d = out / "data"
    tag = f"s{seed}-analysis-v1"
    return {
        "incidents": d / f"incidents-{n_inc}-near-{n_haz}-{tag}.parquet",
        "hazards": d / f"hazards-{n_haz}-{tag}.parquet",
        "districts": d / f"districts-{n_dist}-{tag}.parquet",
    }


def ensure_data(paths: dict[str, Path], n_inc: int, n_haz: int, n_dist: int, seed: int) -> None:
    """Generate and write the layers unless cached (as the analysis benchmark makes them)."""
    if all(p.exists() for p in paths.values()):
        return
    from benchmarks import synthetic  # geopandas: only when data must be made

    t = time.perf_counter()
    haz = synthetic.make_hazards(n_haz, seed=seed, sizes=synthetic.sample_sizes, uniform_share=1.0)
    inc = synthetic.make_incidents(n_inc, seed=seed, uniform_share=1.0, near=haz)
    dist = synthetic.make_districts(n_dist, seed=seed)
    paths["incidents"].parent.mkdir(parents=True, exist_ok=True)
    for name, gdf in (("incidents", inc), ("hazards", haz), ("districts", dist)):
        tmp = paths[name].with_suffix(".tmp")
        gdf.to_parquet(tmp)
        tmp.replace(paths[name])
    log(f"generated the stats data ({n_inc:,} × {n_haz:,}) in {time.perf_counter() - t:.1f} s")


def measure(paths: dict[str, Path]) -> dict[str, Any]:
    """In this process: ``geomap stats`` on the files, every step timed; return the figures."""
    import geomap
    from geomap._progress import Timings
    from geomap._progress import showing
    from geomap.analysis import run_analysis
    from geomap.load import load_inputs

    timings = Timings()
    wall, cpu = time.perf_counter(), time.process_time()
    with showing(timings):
        results = load_inputs(incidents=[paths["incidents"]], hazards=[paths["hazards"]])
        districts = geomap.read_layer(paths["districts"])
        result = run_analysis(
            results["incidents"].kept, results["hazards"].kept, districts=districts
        )
        lines = result.summary_lines()
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "steps": [list(s) for s in timings.steps],
        "incidents": len(results["incidents"].kept),
        "hazards": len(results["hazards"].kept),
        "quality_flags": result.figures.quality_flags,
        "summary_lines": len(lines),
    }


def breakdown(res: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds per column of :data:`STEPS` (top-level steps only)."""
    out = {name: (0.0, 0.0) for name, _ in STEPS}
    for name, depth, wall, cpu in res["steps"]:
        if depth:
            continue
        analysis = name.startswith("[")  # "[3/7] measuring areas"; else reading/checking
        bare = name.split("] ", 1)[-1]
        for col, prefixes in STEPS[1:] if analysis else STEPS[:1]:
            if bare.startswith(prefixes):
                w, c = out[col]
                out[col] = (w + wall, c + cpu)
                break
    return out


def run(
    n_inc: int, n_haz: int, *, n_dist: int = 80, out: Path = DEFAULT_OUT, seed: int | None = None
) -> dict[str, Any]:
    """Make (or reuse) the data, then time ``geomap stats`` in a fresh subprocess."""
    from benchmarks.synthetic import SEED

    seed = SEED if seed is None else seed
    paths = data_paths(out.resolve(), n_inc, n_haz, n_dist, seed)
    ensure_data(paths, n_inc, n_haz, n_dist, seed)
    busy = busy_cores()
    log(f"geomap stats {n_inc:,} × {n_haz:,} (other processes busy: {busy:.2f} cores)")
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.stats",
        "--measure",
        json.dumps({k: str(v) for k, v in paths.items()}),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith(RESULT_TAG)), None)
    if proc.returncode or line is None:
        return {
            "status": "failed",
            "error": proc.stderr.strip().splitlines()[-3:],
            "incidents": n_inc,
            "hazards": n_haz,
        }
    res = json.loads(line[len(RESULT_TAG) :])
    res.update(status="ok", size=(n_inc, n_haz), busy_cores=busy)
    res["breakdown"] = breakdown(res)
    return res


def print_result(res: dict[str, Any]) -> None:
    """The breakdown as a table, and the verdict."""
    if res["status"] != "ok":
        print(f"geomap stats failed: {res['error']}")
        return
    rows = [[name, f"{w:.1f}", f"{c:.1f}"] for name, (w, c) in res["breakdown"].items()]
    rows.append(["total", f"{res['wall_s']:.1f}", f"{res['cpu_s']:.1f}"])
    print("\n".join(markdown_table(("geomap stats step", "wall s", "CPU s"), "<>>", rows)))
    n_inc, n_haz = res["size"]
    verdict = "under" if res["wall_s"] < TARGET_S else "OVER"
    print(
        f"\n{n_inc:,} × {n_haz:,}: {res['wall_s']:.1f} s ({verdict} the {TARGET_S:g} s target; "
        f"{res['quality_flags']:,} quality flags; other processes kept "
        f"{res['busy_cores']:.2f} cores busy)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks stats", description=__doc__.splitlines()[0]
    )
    p.add_argument("--incidents", type=int, default=1_000_000)
    p.add_argument("--hazards", type=int, default=50_000)
    p.add_argument("--districts", type=int, default=80)
    p.add_argument("--quick", action="store_true", help="{:,} × {:,}".format(*QUICK))
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--measure", help=argparse.SUPPRESS)  # the subprocess: JSON of the paths
    args = p.parse_args(argv)
    if args.quick:
        args.incidents, args.hazards = QUICK
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the stats benchmark and print its breakdown."""
    args = parse_args(argv)
    if args.measure:
        paths = {k: Path(v) for k, v in json.loads(args.measure).items()}
        print(RESULT_TAG + json.dumps(measure(paths)), flush=True)
        return 0
    res = run(args.incidents, args.hazards, n_dist=args.districts, out=args.out)
    print_result(res)
    (args.out / "stats.json").write_text(json.dumps(res, indent=2, default=str))
    return 0 if res["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
