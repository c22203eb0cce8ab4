"""The speed issue's table (issue 11), every row measured in one run, with goals and ratios.

    python -m benchmarks                 # `make bench`: render 100k/5k and 1M/50k (geomap and
                                         # explore(), Chromium), geomap stats 1M × 50k, the table
    python -m benchmarks --tenm          # + the 10M out-of-core row (opt-in, slow)
    python -m benchmarks --quick         # render 100k/5k only, stats at 100k × 5k

Rows: *build* is read + check + render (geomap: read the GeoParquet, validate, render
and save; explore(): read, ``explore()`` and save, no checks); *HTML* the file's
bytes; *ready* the time until the map is drawn in headless Chromium with the network
cut (:mod:`benchmarks.browser`); *stats* the whole ``geomap stats`` with districts
(:mod:`benchmarks.stats`), with its steps. Everything is also written to
``out/bench.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from benchmarks.report import find
from benchmarks.report import fmt
from benchmarks.report import markdown_table

MID = (100_000, 5_000)
BIG = (1_000_000, 50_000)

#: case, the figure the issue measured before, the goal (text), and its test on a value.
GOALS = {
    "build_ratio": ("100k/5k: build (read, check, render) vs explore()", "5.2× faster", "≥ 10×"),
    "html_ratio": ("100k/5k: HTML vs explore()", "9.3× smaller", "≥ 12×"),
    "big_build": ("1M/50k render: build (read, check, render)", "19.8 s", "< 12 s"),
    "big_html": ("1M/50k render: HTML", "50.3 MB", "≤ 25 MB"),
    "big_ready": ("1M/50k: ready in Chromium (network cut)", "22 s", "< 6 s"),
    "stats": ("`geomap stats` 1M × 50k (read … quality)", "76 s", "< 30 s"),
    "tenm": ("10M × 50k: link + districts + areas (out of core)", "not possible", "< 10 min"),
}
PASSES = {
    "build_ratio": lambda v: v >= 10,
    "html_ratio": lambda v: v >= 12,
    "big_build": lambda v: v < 12,
    "big_html": lambda v: v <= 25,
    "big_ready": lambda v: v < 6,
    "stats": lambda v: v < 30,
    "tenm": lambda v: v < 600,
}


def _ok(r: dict[str, Any] | None) -> dict[str, Any] | None:
    return r if r and r.get("status") == "ok" else None


def _build_s(r: dict[str, Any], check: bool = True) -> float:
    """Read (+ check) + render-and-save seconds of a render result: its fastest run as a whole.

    With ``--repeat``, each run's read, check and build are added up and the fastest total
    is kept (one disturbed read must not count against an undisturbed build).
    """
    builds = r.get("build_samples_s") or [r["build_s"]]
    loads = r.get("load_samples_s") or [r.get("load_s", 0.0)] * len(builds)
    checks = r.get("validate_samples_s") if check else None
    checks = checks or [r.get("validate_s", 0.0) if check else 0.0] * len(builds)
    runs = zip(loads, checks, builds, strict=True)
    return min(float(a) + float(b) + float(c) for a, b, c in runs)


def values(
    render: list[dict[str, Any]], stats: dict[str, Any] | None, tenm: dict[str, Any] | None
) -> dict[str, Any]:
    """The measured value of each row (None where not measured), with the text shown."""
    g_mid, e_mid = (_ok(find(render, t, *MID)) for t in ("geomap", "explore"))
    g_big = _ok(find(render, "geomap", *BIG))
    out: dict[str, Any] = dict.fromkeys(GOALS)
    if g_mid and e_mid:
        explore_s = _build_s(e_mid, check=False)
        out["build_ratio"] = (
            explore_s / _build_s(g_mid),
            f"{explore_s / _build_s(g_mid):.1f}× ({explore_s:.1f} s vs {_build_s(g_mid):.1f} s)",
        )
        ratio = e_mid["html_bytes"] / g_mid["html_bytes"]
        out["html_ratio"] = (
            ratio,
            f"{ratio:.1f}× ({e_mid['html_bytes'] / 1e6:.1f} MB vs "
            f"{g_mid['html_bytes'] / 1e6:.1f} MB)",
        )
    if g_big:
        out["big_build"] = (
            _build_s(g_big),
            f"{_build_s(g_big):.1f} s (render + save {g_big['build_s']:.1f} s)",
        )
        mb = g_big["html_bytes"] / 1e6
        out["big_html"] = (mb, f"{mb:.1f} MB")
        if g_big.get("ready") == "ok" and g_big.get("ready_s") is not None:
            out["big_ready"] = (g_big["ready_s"], f"{g_big['ready_s']:.1f} s")
    if _ok(stats):
        assert stats is not None
        steps = ", ".join(f"{k} {w:.1f}" for k, (w, _) in stats["breakdown"].items())
        out["stats"] = (
            stats["wall_s"],
            f"{stats['wall_s']:.1f} s (CPU {stats['cpu_s']:.1f} s; {steps})",
        )
    if _ok(tenm):
        assert tenm is not None
        out["tenm"] = (tenm["wall_s"], f"{tenm['wall_s'] / 60:.1f} min")
    return out


def print_table(
    render: list[dict[str, Any]],
    stats: dict[str, Any] | None,
    tenm: dict[str, Any] | None,
    busy: float,
) -> list[list[str]]:
    """Print the issue's table: case, before, now, goal, verdict; return its rows."""
    measured = values(render, stats, tenm)
    rows = []
    for key, (case, before, goal) in GOALS.items():
        got = measured[key]
        if got is None:
            why = (
                (tenm or {}).get("why", "not run") if key == "tenm" else "not measured in this run"
            )
            rows.append([case, before, f"n/a ({why})", goal, "n/a"])
        else:
            rows.append([case, before, got[1], goal, "PASS" if PASSES[key](got[0]) else "FAIL"])
    print()
    print("\n".join(markdown_table(("case", "before (issue)", "now", "goal", ""), "<>><<", rows)))
    if busy > 0.25:
        print(
            f"\nnote: other processes kept about {busy:.1f} of the cores busy: times are under load"
        )
    return rows


def write_json(
    out: Path,
    render: list[dict[str, Any]],
    stats: dict[str, Any] | None,
    tenm: dict[str, Any] | None,
    rows: list[list[str]],
) -> Path:
    """Save every figure of the run to ``out/bench.json``."""
    path = out / "bench.json"
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "table": rows,
        "render": render,
        "stats": stats,
        "tenm": tenm,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


__all__ = ["GOALS", "fmt", "print_table", "values", "write_json"]
