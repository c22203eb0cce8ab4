"""10M incidents × 50k hazard areas, out of core: the dask path of geomap (opt-in).

    python -m benchmarks tenm                                # 10,000,000 × 50,000
    python -m benchmarks tenm --incidents 1000000 --parts-of 250000
    python -m benchmarks tenm --scheduler tcp://HOST:8786    # on a dask cluster

1. **Generates** (:mod:`benchmarks.synthetic`, cached under ``--out``) the incidents in
   chunks of ``--parts-of`` rows, each written straight to its own GeoParquet part
   (raw, as read from a file: codes as text), so the 10M never sit in memory at once;
   hazard areas (log-normal areas, as in the sample; 30 % of the incidents within a
   kilometre of one) and 80 Voronoi districts are small and stay in memory.
2. **Runs out of core**, timing each pass with the peak resident memory of the
   process (sampled every 0.2 s): *validate + link* reads the parts with
   dask-geopandas, validates each (:func:`geomap.load.load_partitioned`), links it
   (:func:`geomap.analysis.link_incidents`) and writes the links as partitioned
   GeoParquet, the rejected rows and per-file counts in the same pass; *district
   summary* and *casualty trend* read those links partition by partition; *areas*
   is :func:`geomap.analysis.area_summary` of the hazard areas (in memory).
3. **Checks equality** at a size memory holds (``--check`` rows, the first parts):
   the same steps in memory give the same link counts, district table and trend.

Prints a table and writes ``out/tenm.json``. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pyarrow.parquet as pq

from benchmarks import synthetic
from benchmarks.report import markdown_table
from geomap import analysis
from geomap import validate_hazards
from geomap import validate_incidents
from geomap.io.partitioned import read_partitioned
from geomap.io.partitioned import using_scheduler
from geomap.load import load_partitioned

TARGET_S = 600.0
TARGET_GB = 24.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks tenm", description=__doc__.split("\n")[0]
    )
    p.add_argument("--incidents", type=int, default=10_000_000)
    p.add_argument("--hazards", type=int, default=50_000)
    p.add_argument("--districts", type=int, default=80)
    p.add_argument("--parts-of", type=int, default=500_000, metavar="ROWS")
    p.add_argument("--check", type=int, default=500_000, metavar="ROWS")
    p.add_argument("--scheduler", default="threads")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    p.add_argument("--generate-only", action="store_true", help="write the cached parts, stop")
    return p.parse_args(argv)


class Peak:
    """The peak resident memory of this process and its children, sampled in a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        me = psutil.Process(os.getpid())
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.2)

    def __enter__(self) -> Peak:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(rows: list[list[str]], name: str, run: Callable[[], Any]) -> Any:
    """Run one pass; add its seconds and peak memory to ``rows``; return its result."""
    t = time.perf_counter()
    with Peak() as peak:
        result = run()
    seconds = time.perf_counter() - t
    rows.append([name, f"{seconds:.1f}", f"{peak.peak / 1e9:.2f}"])
    print(f"  {name}: {seconds:.1f} s, peak {peak.peak / 1e9:.2f} GB", flush=True)
    return result


# --------------------------------------------------------------------------- data


def generate(args: argparse.Namespace) -> tuple[Path, Any, Any]:
    """The incident parts (cached), the validated hazard areas and the districts."""
    haz = synthetic.make_hazards(args.hazards, sizes=synthetic.sample_sizes, uniform_share=1.0)
    districts = synthetic.make_districts(args.districts)
    size = f"{args.incidents}-{args.hazards}-{args.parts_of}"
    tag = f"tenm-{size}-s{synthetic.SEED}-v{synthetic.DATA_VERSION}"
    folder = args.out / "data" / tag
    done = folder / "COMPLETE"
    if not done.exists():
        t = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        for i, start in enumerate(range(0, args.incidents, args.parts_of)):
            n = min(args.parts_of, args.incidents - start)
            path = folder / f"part-{i:05d}.parquet"
            if path.exists():  # written whole by an earlier, interrupted run
                continue
            chunk = synthetic.make_incidents(
                n, seed=synthetic.SEED + i, uniform_share=1.0, near=haz
            )
            chunk["id"] = [f"INC-{k:08d}" for k in range(start + 1, start + n + 1)]
            chunk["source_file"] = tag
            chunk["source_row"] = np.arange(start + 1, start + n + 1)
            chunk.to_parquet(path.with_suffix(".tmp"))
            path.with_suffix(".tmp").replace(path)
            print(f"  generated part {i} ({start + n:,} of {args.incidents:,})", flush=True)
        done.write_text("ok\n")
        print(f"generated {args.incidents:,} incidents in {time.perf_counter() - t:.0f} s")
    return folder, validate_hazards(haz).kept, districts


# --------------------------------------------------------------------------- runs


def out_of_core(folder: Path, haz: Any, districts: Any, out: Path) -> tuple[dict, list]:
    """The dask path, pass by pass; return its results and the timing rows."""
    import dask

    rows: list[list[str]] = []
    links = out / "links"
    if links.exists():
        for f in links.iterdir():
            f.unlink()

    def validate_and_link() -> tuple[Any, Any]:
        checked = load_partitioned(folder)
        linked = analysis.link_incidents(checked.kept, haz)
        # hazard_id holds text or None (object): give Parquet its type.
        linked = linked.astype({"hazard_id": "string"})
        write = linked.to_parquet(str(links), compute=False)
        _, counts, rejected = dask.compute(write, checked.counts, checked.rejected)
        return counts, rejected

    counts, rejected = timed(rows, "read + validate + link (write links)", validate_and_link)
    # The columns the district summary and the trend read (Parquet reads only those).
    linked = read_partitioned(links)[
        ["date", "killed", "injured", "victim_category", "link", "hazard_id", "geometry"]
    ]
    res: dict[str, Any] = {"counts": counts, "rejected": len(rejected)}
    res["districts"] = timed(
        rows, "district summary", lambda: analysis.district_summary(linked, haz, districts)
    )
    res["trend"] = timed(rows, "casualty trend (monthly)", lambda: analysis.casualty_trend(linked))
    res["links"] = timed(rows, "link counts", lambda: _link_counts(linked))
    res["areas"] = timed(rows, "areas (hazards, in memory)", lambda: analysis.area_summary(haz))
    return res, rows


def _link_counts(linked: Any) -> pd.Series:
    """Incidents per link kind and per hazard area, computed partition by partition."""
    by_kind = linked["link"].astype(str).value_counts().compute().sort_index()
    by_hazard = linked["hazard_id"].dropna().astype(str).value_counts().compute()
    return pd.concat([by_kind, by_hazard.sort_index()])


def check_equal(folder: Path, n_check: int, haz: Any, districts: Any) -> list[str]:
    """The first ``n_check`` rows both ways: in memory and on dask; say what is equal."""
    import geopandas as gpd

    parts = sorted(folder.glob("part-*.parquet"))
    chosen, rows = [], 0
    for p in parts:
        if rows >= n_check:
            break
        chosen.append(p)
        rows += pq.ParquetFile(p).metadata.num_rows
    raw = pd.concat([gpd.read_parquet(p) for p in chosen], ignore_index=True)
    mem = validate_incidents(raw)
    mem_linked = analysis.link_incidents(mem.kept, haz)
    checked = load_partitioned_of(chosen)
    dask_linked = analysis.link_incidents(checked.kept, haz)
    said = []
    pd.testing.assert_frame_equal(checked.files(), mem.files, check_dtype=False)
    said.append(f"validation counts equal ({len(mem.kept):,} kept, {len(mem.rejected):,} rejected)")
    pd.testing.assert_series_equal(
        _link_counts(dask_linked),
        _link_counts_mem(mem_linked),
        check_names=False,
        check_dtype=False,
    )
    said.append("links equal (per kind and per hazard area)")
    pd.testing.assert_frame_equal(
        analysis.district_summary(dask_linked, haz, districts),
        analysis.district_summary(mem_linked, haz, districts),
    )
    said.append("district tables equal")
    pd.testing.assert_frame_equal(
        analysis.casualty_trend(dask_linked), analysis.casualty_trend(mem_linked)
    )
    said.append("monthly casualty trends equal")
    return [f"{len(raw):,} incidents ({len(chosen)} parts): " + "; ".join(said)]


def load_partitioned_of(files: list[Path]) -> Any:
    """:func:`load_partitioned` of some part files (a folder linking to exactly those)."""
    folder = files[0].parent
    tmp = folder.parent / (folder.name + f"-first{len(files)}")
    tmp.mkdir(exist_ok=True)
    for f in files:
        link = tmp / f.name
        if not link.exists():
            link.symlink_to(f)
    return load_partitioned(tmp)


def _link_counts_mem(linked: Any) -> pd.Series:
    by_kind = linked["link"].astype(str).value_counts().sort_index()
    by_hazard = linked["hazard_id"].dropna().astype(str).value_counts()
    return pd.concat([by_kind, by_hazard.sort_index()])


def main(argv: list[str] | None = None) -> int:
    """Run the 10M benchmark and print its table."""
    args = parse_args(argv)
    args.out = args.out.resolve()
    folder, haz, districts = generate(args)
    if args.generate_only:
        return 0
    run_dir = args.out / "tenm-run"
    run_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"{args.incidents:,} incidents × {len(haz):,} hazard areas; scheduler {args.scheduler}")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with using_scheduler(args.scheduler):
        t = time.perf_counter()
        res, rows = out_of_core(folder, haz, districts, run_dir)
        total = time.perf_counter() - t
        equal = check_equal(folder, args.check, haz, districts) if args.check else []
    peak = max(float(r[2]) for r in rows)
    rows.append(["total", f"{total:.1f}", f"{peak:.2f}"])
    counts = res["counts"].groupby("file").sum()
    kept = int(counts["kept"].sum())
    assert int(counts["read"].sum()) == args.incidents
    assert int(res["districts"]["incidents"].sum()) == kept
    print()
    print("\n".join(markdown_table(("step", "seconds", "peak GB"), "<>>", rows)))
    print(
        f"\nread {args.incidents:,} = {kept:,} kept + {res['rejected']:,} rejected; "
        f"district totals add up to the kept incidents"
    )
    for line in equal:
        print(f"equal to in memory: {line}")
    verdict = "under" if total < TARGET_S and peak < TARGET_GB else "OVER"
    print(
        f"{args.incidents:,} × {args.hazards:,}: {total:.0f} s, peak {peak:.1f} GB "
        f"({verdict} the 10 min / 24 GB target); load average after: "
        + " ".join(f"{v:.2f}" for v in os.getloadavg())
    )
    (args.out / "tenm.json").write_text(
        json.dumps(
            {
                "incidents": args.incidents,
                "hazards": args.hazards,
                "scheduler": args.scheduler,
                "rows": rows,
                "equal": equal,
                "load_before": load,
                "load_after": os.getloadavg(),
            },
            indent=2,
        )
    )
    return 0
