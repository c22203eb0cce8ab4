"""Time linking and district aggregation on synthetic data at scale.

    python benchmarks/bench_analysis.py                       # 1,000,000 × 50,000
    python benchmarks/bench_analysis.py --incidents 100000 --hazards 5000

Generates, over the Karabakh sample's box (lon 45.9–47.5, lat 38.95–40.45):

* hazard polygons: irregular star shapes with 8–40 vertices and log-normal areas
  (median 6 ha, 0.5 ha–3 km², as in data/README.md), 60 % active;
* incidents: 30 % within about a kilometre of a hazard area, the rest anywhere;
* districts: Voronoi cells of 80 seeds with edges densified every ~500 m (about 11,000
  vertices in all, like geoBoundaries' 79 Azerbaijan rayons).

Then times :func:`geomap.analysis.link_incidents` and
:func:`geomap.analysis.district_summary` and prints a table. Nothing is written.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap import analysis

BOX = (45.9, 38.95, 47.5, 40.45)


def hazards(n: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = BOX
    cx = rng.uniform(x0 + 0.02, x1 - 0.02, n)
    cy = rng.uniform(y0 + 0.02, y1 - 0.02, n)
    nv = rng.integers(8, 41, n)
    area = np.clip(rng.lognormal(np.log(6e4), 1.0, n), 5e3, 3e6)
    radius = np.sqrt(area / np.pi)
    owner = np.repeat(np.arange(n), nv)
    k = np.arange(owner.size) - np.repeat(np.cumsum(nv) - nv, nv)
    angle = 2 * np.pi * k / np.repeat(nv, nv)
    r = np.repeat(radius, nv) * rng.uniform(0.6, 1.3, owner.size)
    coslat = np.cos(np.radians(np.repeat(cy, nv)))
    x = np.repeat(cx, nv) + r * np.cos(angle) / (111_320 * coslat)
    y = np.repeat(cy, nv) + r * np.sin(angle) / 110_540
    polys = shapely.polygons(shapely.linearrings(np.column_stack([x, y]), indices=owner))
    status = np.where(
        rng.random(n) < 0.6,
        "active",
        rng.choice(["cancelled", "reduced", "cleared", "handed over"], n),
    )
    return gpd.GeoDataFrame(
        {"id": [f"HA-{i:06d}" for i in range(n)], "status": status},
        geometry=polys,
        crs=4326,
    )


def incidents(n: int, haz: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = BOX
    near = int(n * 0.3)
    centres = shapely.centroid(haz.geometry.to_numpy()[rng.integers(0, len(haz), near)])
    x = np.concatenate(
        [shapely.get_x(centres) + rng.normal(0, 0.006, near), rng.uniform(x0, x1, n - near)]
    )
    y = np.concatenate(
        [shapely.get_y(centres) + rng.normal(0, 0.005, near), rng.uniform(y0, y1, n - near)]
    )
    killed = rng.poisson(0.4, n)
    return gpd.GeoDataFrame(
        {
            "id": np.char.add("INC-", np.arange(n).astype(str)),
            "date": pd.Timestamp("2020-11-10") + pd.to_timedelta(rng.integers(0, 1500, n), "D"),
            "killed": killed,
            "injured": rng.poisson(1.0, n) + (killed == 0),
            "victim_category": rng.choice(
                ["civilian", "deminer", "military/security", "journalist"],
                n,
                p=[0.7, 0.1, 0.19, 0.01],
            ),
        },
        geometry=shapely.points(x, y),
        crs=4326,
    )


def districts(n: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = BOX
    seeds = shapely.multipoints(np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)]))
    frame = shapely.box(*BOX)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    cells = shapely.segmentize(shapely.intersection(cells, frame), 0.005)
    return gpd.GeoDataFrame(
        {"district_id": [f"D{i:03d}" for i in range(len(cells))]}, geometry=cells, crs=4326
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--hazards", type=int, default=50_000)
    parser.add_argument("--districts", type=int, default=80)
    parser.add_argument("--max-distance", type=float, default=500.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    t = time.perf_counter()
    haz = hazards(args.hazards, rng)
    inc = incidents(args.incidents, haz, rng)
    dist = districts(args.districts, rng)
    made = time.perf_counter() - t
    n_vertices = int(shapely.get_num_coordinates(haz.geometry.to_numpy()).sum())
    n_dist_vertices = int(shapely.get_num_coordinates(dist.geometry.to_numpy()).sum())
    print(
        f"data: {len(inc):,} incidents, {len(haz):,} hazard polygons ({n_vertices:,} vertices), "
        f"{len(dist)} districts ({n_dist_vertices:,} vertices); generated in {made:.1f} s"
    )

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
    print("| step | seconds | incidents/s |")
    print("| --- | ---: | ---: |")
    for name, seconds in timings:
        print(f"| {name} | {seconds:.1f} | {len(inc) / seconds:,.0f} |")
    verdict = "under" if total < 30 else "OVER"
    print(f"\n{args.incidents:,} × {args.hazards:,}: {total:.1f} s ({verdict} the 30 s target)")


if __name__ == "__main__":
    main()
