"""The 10M row: link + district summary + areas on 10M incidents × 50k areas, out of core.

    python -m benchmarks tenm          # opt-in; also `python -m benchmarks --tenm`

This is the slot the side-by-side table (:mod:`benchmarks.table`) reads its 10M row
from. The measurement itself belongs to the dask-geopandas path (issue 11, part S2:
``geomap convert`` to Hilbert-sorted partitioned GeoParquet, then the analysis on
dask): replace :func:`run` with it, returning the same keys. Until then the row
says "not measured".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
TARGET_S = 600.0  # < 10 min within the machine's memory, equal results
SIZE = (10_000_000, 50_000)


def run(out: Path = DEFAULT_OUT) -> dict[str, Any]:
    """Measure the 10M row; return ``status`` ("ok", "not measured" or "failed"), and when
    ok ``wall_s`` (link + district summary + areas), ``peak_mb`` and ``equal`` (the dask
    results equal the in-memory ones at a size both can run)."""
    return {
        "status": "not measured",
        "size": SIZE,
        "why": "the out-of-core (dask) benchmark is not in this tree yet (issue 11, part S2)",
    }


def main(argv: list[str] | None = None) -> int:
    """Run the 10M benchmark; print and save its row (``out/tenm.json``)."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks tenm", description=__doc__.splitlines()[0]
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = p.parse_args(argv)
    res = run(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "tenm.json").write_text(json.dumps(res, indent=2, default=str))
    print(json.dumps(res, default=str))
    return 0 if res["status"] != "failed" else 1


if __name__ == "__main__":
    sys.exit(main())
