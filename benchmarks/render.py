"""Benchmark geomap's map rendering against ``GeoDataFrame.explore()`` on the same data.

For each size (incidents:hazard polygons) the benchmark

1. generates synthetic Karabakh data (:mod:`benchmarks.synthetic`; seeded, reproducible;
   cached as GeoParquet under ``--out``/data);
2. in a **separate subprocess per (tool, size)** (:mod:`benchmarks.build_one`), reads
   the data, validates it with ``geomap.validate_incidents``/``validate_hazards``
   (timed and reported apart), then builds the map (timed: "build" = render + save to
   HTML, for both tools) and reports the process's peak resident memory *during the
   build* (Linux ``VmHWM``, reset with ``/proc/self/clear_refs`` just before the build;
   it includes the interpreter, the libraries and the validated data already in memory);
3. opens every HTML file with ``file://`` in headless Chromium with the network
   blocked (:mod:`benchmarks.browser`) and times how long the map takes to be ready,
   then pans it;
4. prints a table, the explore/geomap ratios and a PASS/FAIL line per target
   (:mod:`benchmarks.report`), and writes everything as JSON to ``--out``/results.json.

What each tool builds
---------------------
geomap
    ``geomap.save_map(geomap.render_map(incidents_result, hazards_result), path)``
    (self-contained: Leaflet inlined; default popups/tooltips/legend/title).
explore()
    ``m = incidents.explore(); hazards.explore(m=m); m.save(path)`` on the validated
    layers (``result.kept``) with explore's defaults (tooltip with every column, no
    popup, circle markers). The two bookkeeping columns ``source_file``/``source_row``
    that validation adds are dropped first, so explore() carries only the model's
    columns, as geomap does (this makes explore's files slightly smaller, i.e. the
    ratios conservative).

explore() needs ``mapclassify``; if the venv lacks it, it is installed with
``pip install --target <out>/pydeps --no-deps mapclassify networkx`` (once) and put on
the explore subprocess's ``PYTHONPATH`` only. The venv is never changed.

Ready and pans
--------------
"Ready" is the wall time from the start of ``page.goto`` (in a fresh browser, so it
includes starting the page's renderer process) until **all** of:

* a global ``L.Map`` instance exists (folium's ``var map_<id>``);
* the data layers are built:

  - geomap: ``window.geomap && Object.keys(geomap.maps).length > 0`` (the test
    suite's condition; the map app registers a map's handle once the whole map is built);
  - explore(): as many global ``L.GeoJSON`` instances as layers drawn (folium's
    ``var geo_json_<id>``, 2) and each on the map (``map.hasLayer``);

* something is drawn: ``document.querySelector(".leaflet-overlay-pane canvas,
  .leaflet-overlay-pane .leaflet-interactive, .leaflet-marker-pane .leaflet-marker-icon")``
  is not null (SVG paths, a canvas renderer, or geomap's cluster markers);

polled on every animation frame (Playwright ``wait_for_function(polling="raf")``),
then two nested ``requestAnimationFrame`` callbacks, so that the first frame with the
layers has been painted. The in-page ``performance.now()`` at that moment (time since
navigation start) is recorded too (``ready_page_s``).

"Pans": on the ready map, ``map.panBy([200, 100])`` on the global ``L.Map`` and wait
(up to 60 s) for its ``moveend`` event (Leaflet's renderers redraw on ``moveend``
before our listener runs, since they registered first), then two frames; "ok" if
the event fired and the centre moved. Done for every map; the 1M target uses it.

Noise
-----
The machine may be shared: before each measurement the benchmark samples for 1 s how
many cores other processes keep busy (``/proc/stat``), stores it, and prints a note
when it was above 0.25. ``--repeat N`` builds and opens every map N times and reports
the fastest run (the least disturbed) and the largest peak memory; every sample is in
the JSON.

Usage::

    python -m benchmarks render                       # 10k:1k, 100k:5k, 1M:50k
    python -m benchmarks render --quick               # 10k:1k only
    python -m benchmarks render --sizes 10000:1000 --no-browser
    python -m benchmarks render --force-explore       # also explore() at 1M
    python -m benchmarks render --profile             # + cProfile of geomap builds
    python -m benchmarks render --repeat 3            # fastest of 3 runs each
    python -m benchmarks render --geomap-src /tmp/g   # another copy of the package

Outputs go to ``benchmarks/out/`` (data/, html/, assets/, pydeps/, results.json,
profile-*.txt); the benchmark writes a ``.gitignore`` of ``*`` there so none of it is
committed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import browser
from benchmarks import report
from benchmarks.machine import REPO
from benchmarks.machine import busy_cores
from benchmarks.machine import git_state
from benchmarks.machine import run
from benchmarks.machine import tree_hash
from benchmarks.machine import versions
from benchmarks.report import fmt
from benchmarks.report import log
from benchmarks.report import size_label
from benchmarks.synthetic import DATA_VERSION
from benchmarks.synthetic import SEED
from benchmarks.synthetic import data_paths

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
DEFAULT_SIZES = "10000:1000,100000:5000,1000000:50000"
QUICK_SIZES = "10000:1000"
RESULT_TAG = "BENCH_RESULT "  # the line build_one.py prints its result on
PYDEPS = ("mapclassify", "networkx")
TOOLS = ("geomap", "explore")

Result = dict[str, Any]


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"10000:1000,100000:5000"`` as ``[(10000, 1000), (100000, 5000)]``."""
    out = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        inc, sep, haz = part.partition(":")
        if not sep:
            raise argparse.ArgumentTypeError(f"size {part!r} is not INCIDENTS:HAZARDS")
        try:
            pair = (int(float(inc)), int(float(haz)))
        except ValueError:
            raise argparse.ArgumentTypeError(f"size {part!r} is not two numbers") from None
        if pair[0] < 1 or pair[1] < 1:
            raise argparse.ArgumentTypeError(f"size {part!r}: both counts must be >= 1")
        out.append(pair)
    if not out:
        raise argparse.ArgumentTypeError("no sizes given")
    return out


# --------------------------------------------------------------------------- builds


def ensure_data(out: Path, n_inc: int, n_haz: int, timeout: float) -> None:
    """Generate the layers of one size in a subprocess, unless they are cached."""
    inc_path, haz_path = data_paths(out, n_inc, n_haz)
    if inc_path.exists() and haz_path.exists():
        return
    log(f"generating synthetic data {size_label(n_inc, n_haz)} ...")
    cmd = [sys.executable, "-m", "benchmarks.synthetic", "--out", str(out)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    run([*cmd, "--size", f"{n_inc}:{n_haz}"], timeout, env)


def ensure_pydeps(out: Path) -> str | None:
    """A folder to put on explore's PYTHONPATH for mapclassify, or None if the venv has it."""
    try:
        import mapclassify  # noqa: F401
    except ImportError:
        pass
    else:
        return None
    target = out / "pydeps"
    if not (target / "mapclassify").is_dir():
        log(f"mapclassify is missing (explore() needs it): pip install --target {target}")
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        run([*cmd, "--no-deps", "--target", str(target), *PYDEPS], 600)
    return str(target)


def build(
    args: argparse.Namespace, tool: str, n_inc: int, n_haz: int, pydeps: str | None, profile: bool
) -> Result:
    """Validate and build one map in a subprocess (build_one.py); its result, or a status."""
    inc_path, haz_path = data_paths(args.out, n_inc, n_haz)
    cmd = [sys.executable, str(HERE / "build_one.py"), tool, "--size", str(n_inc), str(n_haz)]
    cmd += ["--incidents", str(inc_path), "--hazards", str(haz_path)]
    cmd += ["--html", str(args.out / "html" / f"{tool}-{n_inc}-{n_haz}.html")]
    if profile:
        cmd += ["--profile", str(args.out / f"profile-{tool}-{n_inc}-{n_haz}.txt")]
    env = dict(os.environ)
    paths = [str(args.geomap_src)] if args.geomap_src else []
    if tool == "explore" and pydeps:
        paths.append(pydeps)
    if paths:
        env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [env.get("PYTHONPATH")])])
    t0 = time.perf_counter()
    try:
        stdout = run(cmd, args.build_timeout, env)
    except subprocess.TimeoutExpired:
        return {"status": f"build timeout ({args.build_timeout:.0f} s)"}
    except RuntimeError as exc:
        return {"status": f"build failed: {exc}"}
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if not lines:
        return {"status": "build failed: no result line"}
    res = json.loads(lines[-1][len(RESULT_TAG) :])
    res["child_wall_s"] = time.perf_counter() - t0
    res["status"] = "ok"
    return res


def repeat_build(
    args: argparse.Namespace, tool: str, n_inc: int, n_haz: int, pydeps: str | None
) -> Result:
    """Build ``--repeat`` times; keep the fastest run, the largest peak, and every sample."""
    label = size_label(n_inc, n_haz)
    samples = []
    for k in range(args.repeat):
        busy = busy_cores()
        more = f" (run {k + 1}/{args.repeat})" if args.repeat > 1 else ""
        log(f"{label} {tool}: validate + build in a subprocess{more}; others busy {busy:.1f} cores")
        res = build(args, tool, n_inc, n_haz, pydeps, profile=False)
        res["busy_cores_before"] = busy
        if res["status"] != "ok":
            return res
        samples.append(res)
    best = dict(min(samples, key=lambda r: r["build_s"]))
    best["peak_mb"] = max(r["peak_mb"] for r in samples)
    best["build_samples_s"] = [r["build_s"] for r in samples]
    best["validate_samples_s"] = [r["validate_s"] for r in samples]
    best["load_samples_s"] = [r.get("load_s", 0.0) for r in samples]
    best["peak_samples_mb"] = [r["peak_mb"] for r in samples]
    return best


def _skip_explore(args: argparse.Namespace, n_inc: int, explore_ok: bool) -> str | None:
    """Why explore() is not run at this size, or None."""
    limit = args.skip_explore_above
    if not args.force_explore and 0 <= limit < n_inc:
        return (
            f"skipped: {n_inc:,} incidents > --skip-explore-above {limit} (explore() "
            "at 1M points takes minutes and GBs; --force-explore runs it)"
        )
    return None if explore_ok else "skipped: mapclassify not installable"


def _build_size(
    args: argparse.Namespace, n_inc: int, n_haz: int, pydeps: str | None, explore_ok: bool
) -> list[Result]:
    """Both tools' builds at one size (explore() may be skipped), profiled if asked."""
    label = size_label(n_inc, n_haz)
    results = []
    for tool in TOOLS:
        base = {"tool": tool, "incidents": n_inc, "hazards": n_haz}
        skip = _skip_explore(args, n_inc, explore_ok) if tool == "explore" else None
        if skip:
            log(f"{label} explore: {skip}")
            results.append({**base, "status": skip})
            continue
        res = {**base, **repeat_build(args, tool, n_inc, n_haz, pydeps)}
        results.append(res)
        if res["status"] != "ok":
            log(f"{label} {tool}: {res['status']}")
            continue
        log(
            f"{label} {tool}: validate {res['validate_s']:.2f} s, build "
            f"{res['build_s']:.2f} s, HTML {res['html_bytes'] / 1e6:.1f} MB, "
            f"peak {res['peak_mb']:.0f} MB"
        )
        if args.profile and tool == "geomap":
            log(f"{label} geomap: profiling another build under cProfile ...")
            prof = build(args, tool, n_inc, n_haz, pydeps, profile=True)
            res["profile"] = prof.get("profile")
            res["profile_top"] = prof.get("profile_top")
            res["profiled_build_s"] = prof.get("build_s")
    return results


def build_all(args: argparse.Namespace) -> list[Result]:
    """Generate the data and build every map, size by size."""
    pydeps: str | None = None
    explore_ok = True
    try:
        pydeps = ensure_pydeps(args.out)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        log(f"cannot install mapclassify for explore(): {exc}")
        explore_ok = False
    results: list[Result] = []
    for n_inc, n_haz in args.sizes:
        ensure_data(args.out, n_inc, n_haz, args.build_timeout)
        results += _build_size(args, n_inc, n_haz, pydeps, explore_ok)
    return results


# --------------------------------------------------------------------------- browser


def _open_one(pw: Any, args: argparse.Namespace, r: Result, assets: browser.Assets) -> None:
    """Open one built map ``--repeat`` times; add the combined page figures to ``r``."""
    label = size_label(r["incidents"], r["hazards"])
    log(f"{label} {r['tool']}: opening in Chromium (timeout {args.timeout:.0f} s)")
    html = Path(r["html"])
    shot = html.with_suffix(".png") if args.screenshots else None
    reps = []
    for _ in range(args.repeat):
        time.sleep(1.0)  # let the previous browser finish exiting
        busy = busy_cores()
        rep = browser.measure_page(pw, html, r["tool"], r["layers"], assets, args.timeout, shot)
        rep["busy_cores_before"] = busy
        reps.append(rep)
        shot = None
        if rep["ready"] != "ok":
            break
    rep = browser.combine_pages(reps)
    r.update(rep)
    log(
        f"{label} {r['tool']}: others busy {rep.get('busy_cores_before', 0):.1f} cores"
        f" before; ready {rep['ready']} "
        f"{fmt(rep.get('ready_s'))} s, pan {rep.get('pan')} "
        f"{fmt(rep.get('pan_s'))} s, tiles aborted {rep['tiles_aborted']}, "
        f"local assets {len(rep['assets_local'])}, "
        f"stubbed {len(rep['assets_stubbed'])}"
    )


def open_all(args: argparse.Namespace, results: list[Result]) -> None:
    """Open every built map in headless Chromium; the page figures go into its result."""
    from playwright.sync_api import sync_playwright

    built = [r for r in results if r["status"] == "ok"]
    explore_built = [r for r in built if r["tool"] == "explore"]
    assets = browser.ensure_assets(args.out) if explore_built else browser.Assets()
    if explore_built:
        for url in browser.linked_urls(Path(explore_built[0]["html"])):
            where = assets.lookup(url)
            log(f"explore links {url} -> {where if where else 'EMPTY 200 (stub)'}")
    with sync_playwright() as pw:
        for r in built:
            _open_one(pw, args, r, assets)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks render",
        description="Compare geomap.render_map with GeoDataFrame.explore() on synthetic data.",
    )
    p.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated INCIDENTS:HAZARDS pairs (default {DEFAULT_SIZES})",
    )
    p.add_argument("--quick", action="store_true", help=f"only the size {QUICK_SIZES}")
    p.add_argument(
        "--skip-explore-above",
        type=int,
        default=100_000,
        metavar="N",
        help="skip explore() when there are more than N incidents (default 100000; "
        "explore() at 1M points takes minutes and GBs); a negative N never skips",
    )
    p.add_argument("--force-explore", action="store_true", help="run explore() at every size")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder ({DEFAULT_OUT})")
    p.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="per-page browser timeout"
    )
    p.add_argument(
        "--build-timeout", type=float, default=3600.0, metavar="S", help="per-build timeout"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="build and open each map N times; report the fastest (least disturbed) run and "
        "the largest peak memory; all samples go to the JSON (default 1)",
    )
    p.add_argument(
        "--screenshots", action="store_true", help="save a PNG of each map when it is ready"
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="also run each geomap build once more under cProfile (profile-*.txt in --out)",
    )
    p.add_argument(
        "--geomap-src",
        type=Path,
        metavar="DIR",
        help="benchmark the geomap package in DIR (put first on the subprocesses' PYTHONPATH), "
        "e.g. a commit exported with `git archive <commit> geomap | tar -x -C DIR`; "
        "default: the installed geomap",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = parse_sizes(QUICK_SIZES)
    args.out = args.out.resolve()
    return args


def print_all(args: argparse.Namespace, results: list[Result]) -> tuple[list, list]:
    """The report on stdout: header, table, ratios, notes, byte breakdown, targets."""
    browser_run = not args.no_browser
    print()
    print(
        f"geomap vs GeoDataFrame.explore() - {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; MB = 1e6 bytes; peak = process RSS high-water "
        f"mark during the build; runs per measurement: {args.repeat}"
        + (" (fastest shown)" if args.repeat > 1 else "")
    )
    print()
    ratios = report.print_report(results, args.sizes, browser_run)
    print()
    report.print_breakdown(results)
    targets = report.evaluate_targets(results, browser_run)
    report.print_targets(targets)
    return ratios, targets


def write_results(args: argparse.Namespace, results: list[Result]) -> Path:
    """Print the report, after writing it and every figure to ``--out``/results.json."""
    text = io.StringIO()  # written to JSON first, so a closed stdout loses nothing
    with contextlib.redirect_stdout(text):
        ratios, targets = print_all(args, results)
    geomap_file = next((r["geomap_file"] for r in results if r.get("geomap_file")), None)
    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seed": SEED,
        "data_version": DATA_VERSION,
        "versions": versions(),
        "args": {k: str(v) for k, v in vars(args).items() if not k.startswith("_")},
        "chromium": browser.CHROMIUM,
        "geomap_file": geomap_file,
        "geomap_src": str(args.geomap_src) if args.geomap_src else None,
        "git": git_state() if not args.geomap_src else "n/a: geomap came from --geomap-src",
        "geomap_tree_sha256": tree_hash(results),
    }
    out_json = args.out / "results.json"
    payload = {
        "meta": meta,
        "results": results,
        "ratios": ratios,
        "targets": targets,
        "table": text.getvalue(),
    }
    out_json.write_text(json.dumps(payload, indent=2, default=str))
    print(text.getvalue(), end="")
    return out_json


def main(argv: list[str] | None = None) -> int:
    """Run the render benchmark; print the report; write ``--out``/results.json."""
    run_all(argv)
    return 0


def run_all(argv: list[str] | None = None) -> list[Result]:
    """Run the render benchmark with these options; print the report; return the results."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    ignore = args.out / ".gitignore"
    if not ignore.exists():  # keep data, HTML and installed assets out of git
        ignore.write_text("# written by benchmarks/render.py: nothing here belongs in git\n*\n")
    results = build_all(args)
    if not args.no_browser:
        open_all(args, results)
    out_json = write_results(args, results)
    print(f"\nresults: {out_json}")
    return results
