"""Printing the benchmarks' results: tables, explore/geomap ratios, targets, notes.

Only the standard library: the render benchmark's parent process imports this without
geopandas or geomap.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

# Targets from the rendering issue.
TARGET_MID = (100_000, 5_000)
TARGET_BIG = (1_000_000, 50_000)
MIN_BUILD_RATIO = 5.0  # explore/geomap build seconds
MIN_SIZE_RATIO = 5.0  # explore/geomap HTML bytes
MAX_READY_S = 3.0
MAX_BIG_BUILD_S = 30.0
MAX_BIG_PEAK_MB = 2000.0  # 2 GB = 2e9 bytes; MB here are 1e6 bytes throughout
BUSY_CORES = 0.25  # other processes' CPU use above which a note says times may be disturbed

RENDER_COLUMNS = (
    ("size", 15, "<"),
    ("tool", 8, "<"),
    ("validate s", 10, ">"),
    ("build s", 9, ">"),
    ("HTML MB", 9, ">"),
    ("peak MB", 9, ">"),
    ("ready s", 9, ">"),
    ("pans", 8, "<"),
)

Result = dict[str, Any]


def log(msg: str) -> None:
    """A progress line on stderr (stdout carries the report)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def size_label(n_inc: int, n_haz: int) -> str:
    return f"{n_inc}:{n_haz}"


def fmt(v: Any, spec: str = ".2f") -> str:
    """A number formatted with ``spec``; ``-`` for None; strings as they are."""
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return format(v, spec)


def ratio(a: Any, b: Any) -> float | None:
    """``a / b`` when both are numbers and ``b > 0``, else None."""
    if isinstance(a, int | float) and isinstance(b, int | float) and b > 0:
        return a / b
    return None


def fixed_table(cols: Sequence[tuple[str, int, str]], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a fixed-width table: a header, a rule, then one line per row.

    A row shorter than the columns (e.g. a status message) fills its last cell freely.
    """
    head = "  ".join(f"{name:{align}{w}}" for name, w, align in cols)
    lines = [head, "-" * len(head)]
    for row in rows:
        if len(row) < len(cols):
            first = [f"{c:{a}{w}}" for c, (_n, w, a) in zip(row[:-1], cols, strict=False)]
            lines.append("  ".join([*first, row[-1]]))
        else:
            lines.append("  ".join(f"{c:{a}{w}}" for c, (_n, w, a) in zip(row, cols, strict=True)))
    return lines


def markdown_table(head: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a Markdown table; ``align`` has one ``<`` or ``>`` per column."""
    rule = ["---" if a == "<" else "---:" for a in align]
    return [f"| {' | '.join(r)} |" for r in (head, rule, *rows)]


def find(results: list[Result], tool: str, n_inc: int, n_haz: int) -> Result | None:
    for r in results:
        if r["tool"] == tool and r["incidents"] == n_inc and r["hazards"] == n_haz:
            return r
    return None


# --------------------------------------------------------------------------- render


def _row(r: Result, browser: bool) -> list[str]:
    size = size_label(r["incidents"], r["hazards"])
    if r["status"] != "ok":
        return [size, r["tool"], r["status"]]
    if not browser:
        ready, pans = "-", "-"
    elif r.get("ready") == "ok":
        ready, pans = fmt(r.get("ready_s")), r.get("pan", "-")
    else:
        ready, pans = r.get("ready", "-"), r.get("pan", "-")
    return [
        size,
        r["tool"],
        fmt(r.get("validate_s")),
        fmt(r.get("build_s")),
        fmt(r["html_bytes"] / 1e6, ".1f"),
        fmt(r.get("peak_mb"), ".0f"),
        ready,
        pans,
    ]


def _notes(r: Result) -> list[str]:
    """Why a row's figures may mislead: a busy machine, rejects, stubbed assets, JS errors."""
    size = size_label(r["incidents"], r["hazards"])
    notes = []
    busy = max(
        [r.get("busy_cores_before") or 0.0]
        + [x.get("busy_cores_before") or 0.0 for x in r.get("page_runs", [])]
    )
    if busy > BUSY_CORES:
        notes.append(
            f"note: {size} {r['tool']}: other processes kept {busy:.1f} of {os.cpu_count()} "
            "cores busy just before a measurement: its times may be inflated (--repeat N)"
        )
    if sum(r.get("rejected", {}).values()):
        notes.append(f"note: {size} {r['tool']}: validation rejected {r['rejected']}")
    if r.get("assets_stubbed"):
        notes.append(
            f"note: {size} {r['tool']}: {len(r['assets_stubbed'])} unknown asset URL(s) "
            f"answered with an empty 200: {', '.join(r['assets_stubbed'])}"
        )
    if r.get("js_errors"):
        notes.append(
            f"note: {size} {r['tool']}: {len(r['js_errors'])} JS error(s), first: "
            f"{r['js_errors'][0]}"
        )
    return notes


def print_ratios(results: list[Result], sizes: list[tuple[int, int]]) -> list[Result]:
    """One line of explore/geomap ratios per size; return them as rows."""
    ratios = []
    for n_inc, n_haz in sizes:
        g = find(results, "geomap", n_inc, n_haz)
        e = find(results, "explore", n_inc, n_haz)
        label = size_label(n_inc, n_haz)
        if not g or not e or g["status"] != "ok" or e["status"] != "ok":
            why = e["status"] if e else "not run"
            print(f"ratios {label:<15} explore/geomap: n/a (explore: {why})")
            continue
        row = {
            "size": label,
            "build": ratio(e.get("build_s"), g.get("build_s")),
            "html": ratio(e.get("html_bytes"), g.get("html_bytes")),
            "peak": ratio(e.get("peak_mb"), g.get("peak_mb")),
            "ready": ratio(e.get("ready_s"), g.get("ready_s")),
        }
        ratios.append(row)
        print(
            f"ratios {label:<15} explore/geomap: build {fmt(row['build'], '.1f')}x, "
            f"HTML size {fmt(row['html'], '.1f')}x, peak memory {fmt(row['peak'], '.1f')}x, "
            f"browser ready {fmt(row['ready'], '.1f')}x"
        )
    return ratios


def print_report(
    results: list[Result], sizes: list[tuple[int, int]], browser: bool
) -> list[Result]:
    """The results table, the ratios per size, then the notes; return the ratios."""
    print("\n".join(fixed_table(RENDER_COLUMNS, [_row(r, browser) for r in results])))
    print()
    ratios = print_ratios(results, sizes)
    notes = [n for r in results if r["status"] == "ok" for n in _notes(r)]
    if notes:
        print()
        print("\n".join(notes))
    return ratios


def _verdict(name: str, value: Any, passed: bool | None, why: str = "") -> Result:
    verdict = "n/a" if passed is None else ("PASS" if passed else "FAIL")
    return {"target": name, "value": value, "verdict": verdict, "why": why}


def _mid_targets(results: list[Result], browser: bool) -> list[Result]:
    """Build and size ratios against explore(), and the ready time, at the mid size."""
    mid = size_label(*TARGET_MID)
    g, e = (find(results, tool, *TARGET_MID) for tool in ("geomap", "explore"))
    g = g if g and g["status"] == "ok" else None
    e = e if e and e["status"] == "ok" else None
    why = "" if g and e else f"{mid} not run with both tools"
    b = ratio(e["build_s"], g["build_s"]) if g and e else None
    z = ratio(e["html_bytes"], g["html_bytes"]) if g and e else None
    out = [
        _verdict(
            f"{mid}: geomap build >= {MIN_BUILD_RATIO:g}x faster than explore()",
            b,
            None if b is None else b >= MIN_BUILD_RATIO,
            why,
        ),
        _verdict(
            f"{mid}: geomap HTML <= 1/{MIN_SIZE_RATIO:g} of explore()'s (ratio shown)",
            z,
            None if z is None else z >= MIN_SIZE_RATIO,
            why,
        ),
    ]
    name = f"{mid}: geomap ready in the browser in < {MAX_READY_S:g} s"
    if not browser or g is None:
        out.append(
            _verdict(name, None, None, "no browser run" if not browser else f"{mid} geomap not run")
        )
    else:
        v = g.get("ready_s") if g.get("ready") == "ok" else None
        out.append(
            _verdict(
                name, v if v is not None else g.get("ready"), v is not None and v < MAX_READY_S
            )
        )
    return out


def _big_targets(results: list[Result], browser: bool) -> list[Result]:
    """Build time, peak memory, and opening and panning, at the big size."""
    big = size_label(*TARGET_BIG)
    g = find(results, "geomap", *TARGET_BIG)
    g = g if g and g["status"] == "ok" else None
    why = "" if g else f"{big} geomap not run"
    out = [
        _verdict(
            f"{big}: geomap build < {MAX_BIG_BUILD_S:g} s",
            g and g["build_s"],
            g["build_s"] < MAX_BIG_BUILD_S if g else None,
            why,
        ),
        _verdict(
            f"{big}: geomap build peak memory < {MAX_BIG_PEAK_MB:g} MB",
            g and g["peak_mb"],
            g["peak_mb"] < MAX_BIG_PEAK_MB if g else None,
            why,
        ),
    ]
    name = f"{big}: geomap map opens and pans in the browser"
    if not browser or g is None:
        out.append(_verdict(name, None, None, "no browser run" if not browser else why))
    else:
        value = f"ready {g.get('ready')}, pan {g.get('pan')}"
        out.append(_verdict(name, value, g.get("ready") == "ok" and g.get("pan") == "ok"))
    return out


def evaluate_targets(results: list[Result], browser: bool) -> list[Result]:
    """One verdict per target of the issue: PASS, FAIL, or n/a (not measured in this run)."""
    return _mid_targets(results, browser) + _big_targets(results, browser)


def print_targets(targets: list[Result]) -> None:
    print()
    for t in targets:
        v = t["value"]
        shown = f"{v:.2f}" if isinstance(v, float) else ("-" if v is None else str(v))
        why = f" ({t['why']})" if t["why"] else ""
        print(f"{t['verdict']:<5} {t['target']}: {shown}{why}")


def print_breakdown(results: list[Result]) -> None:
    """Where geomap's HTML bytes go, per size: data layers, inlined assets, the rest."""
    for r in results:
        bd = r.get("breakdown")
        if r["tool"] != "geomap" or not bd:
            continue
        total = r["html_bytes"]

        def pct(v: float, total: int = total) -> str:
            return f"{v / 1e6:.2f} MB ({100 * v / total:.0f}%)"

        parts = [f"{k} {pct(v['bytes'])}" for k, v in bd["layers"].items()]
        assets = sum(bd["assets"].values())
        rest = bd.get("config_other", 0) + bd["other"]
        print(
            f"geomap HTML {size_label(r['incidents'], r['hazards'])}: {total / 1e6:.2f} MB = "
            + ", ".join(parts)
            + f", inlined JS/CSS {pct(assets)}, other {pct(rest)}"
        )
