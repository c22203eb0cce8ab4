"""Validate, then build one map with one tool, in a process of its own; print the result.

Run by ``benchmarks/render.py`` as a script (``python benchmarks/build_one.py ...``),
never imported, so that it sees exactly the ``geomap`` its ``PYTHONPATH`` gives
(``--geomap-src``) and imports nothing from the benchmarks package. It prints one line
``BENCH_RESULT <json>``.

The build is timed as render + save to HTML, for both tools:

geomap
    ``geomap.save_map(geomap.render_map(incidents_result, hazards_result), path)``.
explore()
    ``m = incidents.explore(); hazards.explore(m=m); m.save(path)`` on the validated
    layers (``result.kept``) less the bookkeeping columns ``source_file``/``source_row``.

*peak* is the process's resident-memory high-water mark during the build (Linux
``VmHWM``, reset with ``/proc/self/clear_refs`` just before it).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd

import geomap

RESULT_TAG = "BENCH_RESULT "
BOOKKEEPING = ["source_file", "source_row"]


def _status_kb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        return None
    return None


def _trim_heap() -> None:
    """Give freed heap back to the OS (glibc), so the build's peak starts from live data."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _json_size(obj: Any) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())


def _layer_parts(spec: dict[str, Any]) -> dict[str, int]:
    parts = {k: _json_size(v) for k, v in spec.items() if k != "cols"}
    parts.update({f"cols.{c}": _json_size(v) for c, v in spec.get("cols", {}).items()})
    return dict(sorted(parts.items(), key=lambda kv: -kv[1]))


def _layer_sizes(m: Any) -> tuple[dict[str, Any], int]:
    """Bytes per data layer, and of the rest of the page config, from the map's elements.

    Reads a JSON string attribute ``payload`` (one element per layer) or ``config``
    (one app config with a ``layers`` list), whichever this geomap has; sizes are of
    the JSON as geomap writes it (about the bytes in the file).
    """
    layers: dict[str, Any] = {}
    config_rest = 0
    for child in m._children.values():
        for attr in ("payload", "config"):
            text = getattr(child, attr, None)
            if not isinstance(text, str) or not text.startswith("{"):
                continue
            data = json.loads(text)
            if isinstance(data.get("layers"), list):  # one app config holding every layer
                for spec in data["layers"]:
                    key = str(spec.get("key", spec.get("kind", "?")))
                    layers[key] = {"bytes": _json_size(spec), "parts": _layer_parts(spec)}
                rest = {k: v for k, v in data.items() if k != "layers"}
                config_rest += _json_size(rest)
            else:
                key_json = getattr(child, "key_json", None)
                key = json.loads(key_json) if key_json else str(data.get("kind", "?"))
                layers[key] = {"bytes": len(text.encode()), "parts": _layer_parts(data)}
    return layers, config_rest


def _asset_sizes(m: Any) -> dict[str, int]:
    """Bytes of each JS/CSS asset geomap inlines (read through its asset module)."""
    from geomap.map import _assets  # not public: the one place the benchmarks reach inside

    assets: dict[str, int] = {}
    names = [n for n, _ in [*getattr(m, "default_js", []), *getattr(m, "default_css", [])]]
    for name in [*names, "geomap.js", "geomap.css"]:
        try:
            assets[name] = len(_assets.asset_text(name).encode())
        except Exception:  # not a bundled asset (then it is linked, not inlined)
            continue
    return assets


def payload_breakdown(m: Any, html_bytes: int) -> dict[str, Any]:
    """Where geomap's HTML bytes go: each data layer (per key), the assets, the rest."""
    layers, config_rest = _layer_sizes(m)
    assets = _asset_sizes(m)
    known = sum(v["bytes"] for v in layers.values()) + sum(assets.values()) + config_rest
    return {
        "layers": layers,
        "config_other": config_rest,
        "assets": assets,
        "other": html_bytes - known,
    }


def top_cumulative(prof: cProfile.Profile, n: int) -> list[dict[str, Any]]:
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "ncalls": ncalls,
                "tottime": round(tottime, 3),
                "cumtime": round(cumtime, 3),
            }
        )
    rows.sort(key=lambda r: -r["cumtime"])
    return rows[:n]


def load_and_validate(args: argparse.Namespace, res: dict[str, Any]) -> tuple[Any, Any]:
    """Read the cached layers, validate them (timed apart); the layers each tool maps."""
    t0 = time.perf_counter()
    raw_inc = gpd.read_parquet(args.incidents)
    raw_haz = gpd.read_parquet(args.hazards)
    res["load_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    inc = geomap.validate_incidents(raw_inc)
    res["validate_incidents_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    haz = geomap.validate_hazards(raw_haz)
    res["validate_hazards_s"] = time.perf_counter() - t0
    res["validate_s"] = res["validate_incidents_s"] + res["validate_hazards_s"]
    res["kept"] = {"incidents": len(inc.kept), "hazards": len(haz.kept)}
    res["rejected"] = {"incidents": len(inc.rejected), "hazards": len(haz.rejected)}
    res["validate_peak_mb"] = (_status_kb("VmHWM") or 0) * 1024 / 1e6
    del raw_inc, raw_haz
    if args.tool == "geomap":
        return inc, haz
    # explore() imports mapclassify lazily; import it now so it is not timed.
    import folium  # noqa: F401
    import mapclassify  # noqa: F401

    return (
        inc.kept.drop(columns=BOOKKEEPING, errors="ignore"),
        haz.kept.drop(columns=BOOKKEEPING, errors="ignore"),
    )


def timed_build(
    tool: str, inc: Any, haz: Any, html: Path, res: dict[str, Any], prof: cProfile.Profile | None
) -> Any:
    """Render and save one map; record render, save and build seconds and the peak."""
    gc.collect()
    _trim_heap()
    res["rss_before_build_mb"] = (_status_kb("VmRSS") or 0) * 1024 / 1e6
    res["peak_scope"] = "build" if _reset_peak() else "process"
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    if tool == "geomap":
        m = geomap.render_map(inc, haz)
        t_render = time.perf_counter()
        geomap.save_map(m, html)
    else:
        m = inc.explore()
        haz.explore(m=m)
        t_render = time.perf_counter()
        m.save(str(html))
    t1 = time.perf_counter()
    if prof:
        prof.disable()
    hwm = _status_kb("VmHWM")
    if hwm is None:  # not Linux: whole-process peak, in kB on Linux, bytes on macOS
        ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        hwm = ru / 1024 if sys.platform == "darwin" else ru
        res["peak_scope"] = "process"
    res["render_s"] = t_render - t0
    res["save_s"] = t1 - t_render
    res["build_s"] = t1 - t0
    res["peak_mb"] = hwm * 1024 / 1e6
    res["process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    return m


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tool", choices=("geomap", "explore"))
    p.add_argument("--size", nargs=2, type=int, required=True, metavar=("INCIDENTS", "HAZARDS"))
    p.add_argument("--incidents", type=Path, required=True, help="GeoParquet file")
    p.add_argument("--hazards", type=Path, required=True, help="GeoParquet file")
    p.add_argument("--html", type=Path, required=True, help="the map to write")
    p.add_argument("--profile", type=Path, help="build under cProfile; write its top here")
    args = p.parse_args(argv)
    res: dict[str, Any] = {"tool": args.tool, "incidents": args.size[0], "hazards": args.size[1]}
    res["geomap_file"] = geomap.__file__
    inc, haz = load_and_validate(args, res)
    args.html.parent.mkdir(parents=True, exist_ok=True)
    prof = cProfile.Profile() if args.profile else None
    m = timed_build(args.tool, inc, haz, args.html, res, prof)
    res["html"] = str(args.html)
    res["html_bytes"] = args.html.stat().st_size
    res["layers"] = 2
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
        args.profile.write_text(buf.getvalue())
        res["profile"] = str(args.profile)
        res["profile_top"] = top_cumulative(prof, 12)
    if args.tool == "geomap":
        try:
            res["breakdown"] = payload_breakdown(m, res["html_bytes"])
        except Exception as exc:  # the breakdown reads geomap internals; never fail on it
            res["breakdown_error"] = repr(exc)
    print(RESULT_TAG + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
