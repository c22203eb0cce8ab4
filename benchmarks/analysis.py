"""Time linking and district aggregation on synthetic data at scale.

    python -m benchmarks analysis                          # 1,000,000 × 50,000
    python -m benchmarks analysis --quick                  # 100,000 × 5,000
    python -m benchmarks analysis --incidents 100000 --hazards 5000

Generates (:mod:`benchmarks.synthetic`), over the Karabakh sample's box:

* hazard polygons spread uniformly: irregular star shapes with 8–40 vertices and
  log-normal areas (median 6 ha, 0.5 ha–3 km², as in data/README.md), every model field
  (55 % active);
* incidents: 30 % within about a kilometre of a hazard area, the rest anywhere;
* districts: Voronoi cells of 80 seeds with edges densified every ~500 m (about 11,000
  vertices in all, like geoBoundaries' 79 Azerbaijan rayons).

Then times :func:`geomap.analysis.link_incidents` and
:func:`geomap.analysis.district_summary` and prints a table. Nothing is written.
"""

from __future__ import annotations

import argparse
import time

import shapely

from benchmarks import synthetic
from benchmarks.report import markdown_table
from geomap import analysis

QUICK = (100_000, 5_000)
TARGET_S = 30.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks analysis", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--hazards", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="{:,} × {:,}".format(*QUICK))
    parser.add_argument("--districts", type=int, default=80)
    parser.add_argument("--max-distance", type=float, default=500.0)
    parser.add_argument("--seed", type=int, default=synthetic.SEED)
    args = parser.parse_args(argv)
    if args.quick:
        args.incidents, args.hazards = QUICK
    return args


def generate(args: argparse.Namespace) -> tuple:
    """The hazards, incidents and districts to time; print what they are."""
    t = time.perf_counter()
    haz = synthetic.make_hazards(
        args.hazards, seed=args.seed, sizes=synthetic.sample_sizes, uniform_share=1.0
    )
    inc = synthetic.make_incidents(args.incidents, seed=args.seed, uniform_share=1.0, near=haz)
    dist = synthetic.make_districts(args.districts, seed=args.seed)
    made = time.perf_counter() - t
    n_vertices = int(shapely.get_num_coordinates(haz.geometry.to_numpy()).sum())
    n_dist_vertices = int(shapely.get_num_coordinates(dist.geometry.to_numpy()).sum())
    print(
        f"data: {len(inc):,} incidents, {len(haz):,} hazard polygons ({n_vertices:,} vertices), "
        f"{len(dist)} districts ({n_dist_vertices:,} vertices); generated in {made:.1f} s"
    )
    return inc, haz, dist


def main(argv: list[str] | None = None) -> int:
    """Run the analysis benchmark and print its table."""
    args = parse_args(argv)
    inc, haz, dist = generate(args)

    timings = []
    t = time.perf_counter()
    linked = analysis.link_incidents(inc, haz, max_distance_m=args.max_distance)
    timings.append(("link_incidents", time.perf_counter() - t))
    t = time.perf_counter()
    table = analysis.district_summary(linked, haz, dist)
    timings.append(("district_summary", time.perf_counter() - t))
    total = sum(s for _, s in timings)
    timings.append(("link + districts", total))

    counts = linked["link"].value_counts()
    assert counts.sum() == len(inc)
    assert table["incidents"].sum() == len(inc)
    print(
        f"links: {counts.get('inside', 0):,} inside, {counts.get('nearby', 0):,} within "
        f"{args.max_distance:g} m, {counts.get('unlinked', 0):,} unlinked; district totals add up"
    )
    print()
    rows = [[name, f"{s:.1f}", f"{len(inc) / s:,.0f}"] for name, s in timings]
    print("\n".join(markdown_table(("step", "seconds", "incidents/s"), "<>>", rows)))
    verdict = "under" if total < TARGET_S else "OVER"
    print(f"\n{args.incidents:,} × {args.hazards:,}: {total:.1f} s ({verdict} the 30 s target)")
    return 0
