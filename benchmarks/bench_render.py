#!/usr/bin/env python
"""Benchmark geomap's map rendering against ``GeoDataFrame.explore()`` on the same data.

For each size (incidents:hazard polygons) the script

1. generates synthetic Karabakh data (seeded, reproducible; cached as GeoParquet under
   ``--out``/data);
2. in a **separate subprocess per (tool, size)**, reads the data, validates it with
   ``geomap.validate_incidents``/``validate_hazards`` (timed and reported apart), then
   builds the map (timed: "build" = render + save to HTML, for both tools) and reports
   the process's peak resident memory *during the build* (Linux ``VmHWM``, reset with
   ``/proc/self/clear_refs`` just before the build; it includes the interpreter, the
   libraries and the validated data already in memory);
3. opens every HTML file with ``file://`` in headless Chromium with the network
   blocked and times how long the map takes to be ready, then pans it;
4. prints a table, the explore/geomap ratios and a PASS/FAIL line per target, and
   writes everything as JSON to ``--out``/results.json.

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

Browser measurement
-------------------
Debian's Chromium (``/usr/bin/chromium``) through Playwright, one fresh browser per
page, 1200x800 viewport. Every request is intercepted with ``page.route``:

* ``file:``/``data:``/``blob:``/``about:`` pass;
* basemap tile requests are aborted (and counted);
* the CDN assets folium links (Leaflet, jQuery, Bootstrap, Leaflet.awesome-markers,
  Font Awesome, ...) are fulfilled from local copies installed from the registries at
  benchmark time, once, into ``<out>/assets``: Leaflet 1.9.3 from the venv's
  ``xstatic-leaflet``, jQuery 3.7.1 from PyPI's ``xstatic-jquery`` (``pip install
  --target``), Bootstrap 5.2.2, Leaflet.awesome-markers 2.0.5 (folium links 2.0.2, which
  npm does not have) and Font Awesome Free 6.2.0 from npm (``npm install --prefix``);
* any other URL (e.g. the glyphicons CSS of Bootstrap 3.0.0 and folium's
  ``leaflet.awesome.rotate.min.css``, which no registry package carries) gets an empty
  ``200`` of the right content type, and is counted and listed ("stubbed").

No request ever reaches the network; Chromium additionally runs with
``--host-resolver-rules=MAP * ~NOTFOUND`` so that nothing could resolve a host anyway.

"Ready" is the wall time from the start of ``page.goto`` (in a fresh browser, so it
includes starting the page's renderer process) until **all** of:

* a global ``L.Map`` instance exists (folium's ``var map_<id>``);
* the data layers are built:

  - geomap: ``window.geomap && Object.keys(geomap.layers).length > 0`` (the test
    suite's condition; geomap.js fills ``geomap.layers`` once the whole map is built);
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
The machine may be shared: before each measurement the script samples for 1 s how
many cores other processes keep busy (``/proc/stat``), stores it, and prints a note
when it was above 0.25. ``--repeat N`` builds and opens every map N times and reports
the fastest run (the least disturbed) and the largest peak memory; every sample is in
the JSON.

Usage::

    python benchmarks/bench_render.py                       # 10k:1k, 100k:5k, 1M:50k
    python benchmarks/bench_render.py --sizes 10000:1000 --no-browser
    python benchmarks/bench_render.py --force-explore       # also explore() at 1M
    python benchmarks/bench_render.py --profile             # + cProfile of geomap builds
    python benchmarks/bench_render.py --repeat 3            # fastest of 3 runs each
    python benchmarks/bench_render.py --geomap-src /tmp/g   # another copy of the package

Outputs go to ``benchmarks/out/`` (data/, html/, assets/, pydeps/, results.json,
profile-*.txt); the script writes a ``.gitignore`` of ``*`` there so none of it is
committed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import mimetypes
import os
import platform
import pstats
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
DEFAULT_SIZES = "10000:1000,100000:5000,1000000:50000"
SEED = 20201110
DATA_VERSION = 1  # bump when the generator changes, so cached data are remade
CHROMIUM = os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
VIEWPORT = {"width": 1200, "height": 800}
RESULT_TAG = "BENCH_RESULT "

REGION_BOUNDS = (45.9, 38.95, 47.5, 40.45)  # lon min, lat min, lon max, lat max
METRIC_CRS = "EPSG:32638"  # UTM 38N
# District seeds (name, town, lat, lon), as in data/make_sample.py.
DISTRICTS = (
    ("Aghdam", "Aghdam", 39.99, 46.93),
    ("Fuzuli", "Fuzuli", 39.60, 47.14),
    ("Jabrayil", "Jabrayil", 39.40, 47.03),
    ("Zangilan", "Zangilan", 39.09, 46.65),
    ("Gubadli", "Gubadli", 39.34, 46.58),
    ("Lachin", "Lachin", 39.64, 46.55),
    ("Kalbajar", "Kalbajar", 40.10, 46.04),
    ("Shusha", "Shusha", 39.76, 46.75),
    ("Khojaly", "Khankendi", 39.82, 46.76),
    ("Khojavend", "Khojavend", 39.79, 47.11),
    ("Tartar", "Tartar", 40.34, 46.93),
)
FIRST_DAY, LAST_DAY = "2020-11-10", "2025-12-31"

# Targets from the issue.
TARGET_MID = (100_000, 5_000)
TARGET_BIG = (1_000_000, 50_000)
MIN_BUILD_RATIO = 5.0  # explore/geomap build seconds
MIN_SIZE_RATIO = 5.0  # explore/geomap HTML bytes
MAX_READY_S = 3.0
MAX_BIG_BUILD_S = 30.0
MAX_BIG_PEAK_MB = 2000.0  # 2 GB = 2e9 bytes; MB here are 1e6 bytes throughout
BUSY_CORES = 0.25  # other processes' CPU use above which a note says times may be disturbed

TILE_HOSTS = (
    "tile.openstreetmap.org",
    "basemaps.cartocdn.com",
    "arcgisonline.com",
    "opentopomap.org",
    "tile.thunderforest.com",
    "stadiamaps.com",
)
TILE_PATH = re.compile(r"/\d+/\d+/\d+(@\dx)?\.(png|jpe?g|webp|pbf)(\?|$)")
NPM_PACKAGES = (
    "bootstrap@5.2.2",
    "leaflet.awesome-markers@2.0.5",
    "@fortawesome/fontawesome-free@6.2.0",
)
PIP_ASSETS = ("xstatic-jquery==3.7.1.1",)
PYDEPS = ("mapclassify", "networkx")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def size_label(n_inc: int, n_haz: int) -> str:
    return f"{n_inc}:{n_haz}"


def parse_sizes(text: str) -> list[tuple[int, int]]:
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


# --------------------------------------------------------------------------- data


def _district_names(lon: Any, lat: Any) -> Any:
    """Name of the nearest district seed (distance with lon scaled by cos(lat))."""
    import numpy as np

    seeds = np.array([(d[3], d[2]) for d in DISTRICTS])
    k = np.cos(np.radians(39.7))
    best = np.zeros(len(lon), dtype=np.int64)
    best_d = np.full(len(lon), np.inf)
    for i, (sx, sy) in enumerate(seeds):
        d = ((lon - sx) * k) ** 2 + (lat - sy) ** 2
        closer = d < best_d
        best[closer] = i
        best_d[closer] = d[closer]
    return np.array([d[0] for d in DISTRICTS], dtype=object)[best]


def _positions(rng: Any, n: int, spread: float, uniform_share: float, margin: float) -> Any:
    """Lon/lat: clusters around the district towns plus a uniform background."""
    import numpy as np

    lon0, lat0, lon1, lat1 = REGION_BOUNDS
    seeds = np.array([(d[3], d[2]) for d in DISTRICTS])
    uniform = rng.random(n) < uniform_share
    which = rng.integers(0, len(seeds), n)
    lon = seeds[which, 0] + rng.normal(0, spread / np.cos(np.radians(39.7)), n)
    lat = seeds[which, 1] + rng.normal(0, spread, n)
    lon[uniform] = rng.uniform(lon0, lon1, uniform.sum())
    lat[uniform] = rng.uniform(lat0, lat1, uniform.sum())
    lon = np.clip(lon, lon0 + margin, lon1 - margin)
    lat = np.clip(lat, lat0 + margin, lat1 - margin)
    return lon, lat


def _dates(rng: Any, n: int, first: str = FIRST_DAY, last: str = LAST_DAY) -> Any:
    import numpy as np

    d0, d1 = np.datetime64(first), np.datetime64(last)
    span = int((d1 - d0).astype(int))
    days = (rng.beta(1.0, 1.6, n) * span).round().astype("timedelta64[D]")
    return days, d0


def make_incidents(n: int) -> Any:
    """Synthetic incident points with the model's fields, as read from a file (text codes)."""
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng([SEED, 1, n])
    lon, lat = _positions(rng, n, spread=0.07, uniform_share=0.3, margin=0.001)
    district = _district_names(lon, lat)
    days, d0 = _dates(rng, n)
    date = np.datetime_as_string(d0 + days, unit="D").astype(object)

    def pick(values: tuple[str, ...], p: tuple[float, ...]) -> Any:
        return np.array(values, dtype=object)[rng.choice(len(values), n, p=p)]

    incident_type = pick(
        ("mine/ERW accident", "demining accident", "incident", "EO find", "other"),
        (0.62, 0.12, 0.12, 0.1, 0.04),
    )
    victim = pick(
        ("civilian", "deminer", "military/security", "journalist", "unknown"),
        (0.55, 0.12, 0.25, 0.01, 0.07),
    )
    device = pick(
        (
            "AP mine",
            "AT mine",
            "improvised mine / IED",
            "cluster munition remnant",
            "UXO",
            "AXO",
            "other/unknown",
        ),
        (0.35, 0.2, 0.05, 0.08, 0.2, 0.04, 0.08),
    )
    killed = rng.choice(4, n, p=(0.62, 0.3, 0.06, 0.02))
    injured = rng.choice(5, n, p=(0.3, 0.5, 0.12, 0.06, 0.02))
    activities = np.array(
        [
            "Tractor struck a mine while ploughing",
            "Shepherd stepped on a mine while grazing sheep",
            "Vehicle detonated an AT mine on a dirt road",
            "Deminer injured during manual clearance",
            "Children found and handled unexploded ordnance",
            "Farmer triggered a device while cutting hay",
            "Patrol vehicle hit a mine on a track",
            "Resident injured while collecting scrap metal",
            "Construction worker struck a device while digging",
            "Cluster submunition detonated during farm work",
        ],
        dtype=object,
    )
    dirs = np.array(["N", "NE", "E", "SE", "S", "SW", "W", "NW"], dtype=object)
    towns = {d[0]: d[1] for d in DISTRICTS}
    town = np.array([towns[d] for d in district], dtype=object)
    km = rng.integers(1, 150, n) / 10
    plot = rng.integers(1, 2000, n)
    act = activities[rng.integers(0, len(activities), n)]
    way = dirs[rng.integers(0, len(dirs), n)]
    description = [
        f"{a} {k:.1f} km {w} of {t} (plot {p})"
        for a, k, w, t, p in zip(act, km, way, town, plot, strict=True)
    ]
    return gpd.GeoDataFrame(
        {
            "id": [f"INC-{i:07d}" for i in range(1, n + 1)],
            "date": date,
            "incident_type": incident_type,
            "killed": killed,
            "injured": injured,
            "victim_category": victim,
            "device_category": device,
            "district": district,
            "description": description,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def make_hazards(n: int) -> Any:
    """Synthetic hazard polygons: jittered star-shaped circles, 50 m-1.5 km, 20-200 vertices.

    Built in UTM 38N: each polygon has vertices at strictly increasing angles around
    its centre with radii jittered by +/-25%, so it is simple (valid) by construction.
    """
    import geopandas as gpd
    import numpy as np
    import shapely
    from pyproj import Transformer

    rng = np.random.default_rng([SEED, 2, n])
    lon, lat = _positions(rng, n, spread=0.09, uniform_share=0.15, margin=0.03)
    x, y = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True).transform(lon, lat)
    log_r = rng.uniform(np.log(50.0), np.log(1500.0), n)
    radius = np.exp(log_r)
    frac = (log_r - np.log(50.0)) / (np.log(1500.0) - np.log(50.0))
    nv = np.clip(np.round(20 + 180 * frac + rng.normal(0, 25, n)), 20, 200).astype(np.int64)
    poly_of = np.repeat(np.arange(n), nv)
    starts = np.concatenate([[0], np.cumsum(nv)[:-1]])
    k = np.arange(nv.sum()) - np.repeat(starts, nv)
    step = 2 * np.pi / nv[poly_of]
    theta = (k + rng.uniform(-0.4, 0.4, len(k))) * step + rng.uniform(0, 2 * np.pi, n)[poly_of]
    r = radius[poly_of] * rng.uniform(0.75, 1.25, len(k))
    coords = np.column_stack([x[poly_of] + r * np.cos(theta), y[poly_of] + r * np.sin(theta)])
    rings = shapely.linearrings(coords, indices=poly_of)
    polys = shapely.polygons(rings)
    geoms = gpd.GeoSeries(polys, crs=METRIC_CRS).to_crs("EPSG:4326")
    assert bool(geoms.is_valid.all()), "generator made an invalid polygon"

    def pick(values: tuple[str, ...], p: tuple[float, ...]) -> Any:
        return np.array(values, dtype=object)[rng.choice(len(values), n, p=p)]

    days, d0 = _dates(rng, n, last="2024-06-30")
    recorded = d0 + days
    changed = recorded + rng.integers(0, 400, n).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "id": [f"HA-{i:06d}" for i in range(1, n + 1)],
            "hazard_class": pick(("SHA", "CHA"), (0.6, 0.4)),
            "evidence": pick(("direct", "indirect", "none", "unknown"), (0.4, 0.4, 0.1, 0.1)),
            "device_category": pick(
                ("AP mine", "AT mine", "improvised mine / IED", "cluster munition remnant", "UXO"),
                (0.35, 0.25, 0.05, 0.15, 0.2),
            ),
            "status": pick(
                ("active", "cancelled", "reduced", "cleared", "handed over"),
                (0.55, 0.12, 0.1, 0.15, 0.08),
            ),
            "status_date": np.datetime_as_string(changed, unit="D").astype(object),
            "date_recorded": np.datetime_as_string(recorded, unit="D").astype(object),
            "district": _district_names(lon, lat),
            "operator": pick(
                ("ANAMA", "Synthetic operator A", "Synthetic operator B", "Synthetic operator C"),
                (0.5, 0.2, 0.2, 0.1),
            ),
            "source": pick(
                ("non-technical survey", "technical survey", "accident report", "community"),
                (0.5, 0.3, 0.1, 0.1),
            ),
        },
        geometry=geoms.to_numpy(),
        crs="EPSG:4326",
    )


def data_paths(out: Path, n_inc: int, n_haz: int) -> tuple[Path, Path]:
    d = out / "data"
    tag = f"s{SEED}-v{DATA_VERSION}"
    return d / f"incidents-{n_inc}-{tag}.parquet", d / f"hazards-{n_haz}-{tag}.parquet"


def gen_main(out: Path, n_inc: int, n_haz: int) -> None:
    """Child: write the synthetic layers of one size (if not cached)."""
    inc_path, haz_path = data_paths(out, n_inc, n_haz)
    inc_path.parent.mkdir(parents=True, exist_ok=True)
    for path, make, n in ((inc_path, make_incidents, n_inc), (haz_path, make_hazards, n_haz)):
        if path.exists():
            continue
        t0 = time.perf_counter()
        gdf = make(n)
        tmp = path.with_suffix(".tmp")
        gdf.to_parquet(tmp)
        tmp.replace(path)
        log(f"generated {path.name} in {time.perf_counter() - t0:.1f} s")


# --------------------------------------------------------------------------- child


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


def _payload_breakdown(m: Any, html_bytes: int) -> dict[str, Any]:
    """Where geomap's HTML bytes go: each data layer (per key), the assets, the rest.

    Reads the map's elements: a JSON string attribute ``payload`` (one element per
    layer) or ``config`` (one app config with a ``layers`` list), whichever this
    geomap has; sizes are of the JSON as geomap writes it (about the bytes in the file).
    """
    from geomap import _assets

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
    assets: dict[str, int] = {}
    names = [n for n, _ in [*getattr(m, "default_js", []), *getattr(m, "default_css", [])]]
    for name in [*names, "geomap.js", "geomap.css"]:
        try:
            assets[name] = len(_assets.asset_text(name).encode())
        except Exception:  # not a bundled asset (then it is linked, not inlined)
            continue
    known = sum(v["bytes"] for v in layers.values()) + sum(assets.values()) + config_rest
    return {
        "layers": layers,
        "config_other": config_rest,
        "assets": assets,
        "other": html_bytes - known,
    }


def child_main(args: argparse.Namespace) -> None:
    """Child: validate, then build one map with one tool; print a JSON result line."""
    import geopandas as gpd

    import geomap

    tool = args.child_tool
    n_inc, n_haz = args.child_size
    inc_path, haz_path = data_paths(args.out, n_inc, n_haz)
    res: dict[str, Any] = {"tool": tool, "incidents": n_inc, "hazards": n_haz}
    res["geomap_file"] = geomap.__file__

    t0 = time.perf_counter()
    raw_inc = gpd.read_parquet(inc_path)
    raw_haz = gpd.read_parquet(haz_path)
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

    drop = ["source_file", "source_row"]
    if tool == "explore":
        inc_in: Any = inc.kept.drop(columns=drop, errors="ignore")
        haz_in: Any = haz.kept.drop(columns=drop, errors="ignore")
        # explore() imports mapclassify lazily; import it now so it is not timed.
        import folium  # noqa: F401
        import mapclassify  # noqa: F401
    else:
        inc_in, haz_in = inc, haz

    html_path = args.out / "html" / f"{tool}-{n_inc}-{n_haz}.html"
    html_path.parent.mkdir(parents=True, exist_ok=True)
    gc.collect()
    _trim_heap()
    res["rss_before_build_mb"] = (_status_kb("VmRSS") or 0) * 1024 / 1e6
    res["peak_scope"] = "build" if _reset_peak() else "process"
    prof = cProfile.Profile() if args.child_profile else None

    t0 = time.perf_counter()
    if prof:
        prof.enable()
    if tool == "geomap":
        m = geomap.render_map(inc_in, haz_in)
        t_render = time.perf_counter()
        geomap.save_map(m, html_path)
    else:
        m = inc_in.explore()
        haz_in.explore(m=m)
        t_render = time.perf_counter()
        m.save(str(html_path))
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
    res["html"] = str(html_path)
    res["html_bytes"] = html_path.stat().st_size
    res["layers"] = 2
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(30)
        text = buf.getvalue()
        prof_path = args.out / f"profile-{tool}-{n_inc}-{n_haz}.txt"
        prof_path.write_text(text)
        res["profile"] = str(prof_path)
        res["profile_top"] = _top_cumulative(prof, 12)
    if tool == "geomap":
        try:
            res["breakdown"] = _payload_breakdown(m, res["html_bytes"])
        except Exception as exc:  # the breakdown reads geomap internals; never fail on it
            res["breakdown_error"] = repr(exc)
    print(RESULT_TAG + json.dumps(res), flush=True)


def _top_cumulative(prof: cProfile.Profile, n: int) -> list[dict[str, Any]]:
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


# --------------------------------------------------------------------------- runner


def busy_cores(seconds: float = 1.0) -> float:
    """Cores kept busy by other processes, sampled from /proc/stat while we do nothing."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields[:8]), idle

    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    total = t1 - t0
    return 0.0 if total <= 0 else (1 - (i1 - i0) / total) * (os.cpu_count() or 1)


def _run(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout, env=env, check=False
    )
    if proc.returncode != 0:
        tail = proc.stdout.strip().splitlines()[-3:]
        raise RuntimeError(f"exit code {proc.returncode}: {' | '.join(tail)}")
    return proc.stdout


def ensure_data(out: Path, n_inc: int, n_haz: int, timeout: float) -> None:
    inc_path, haz_path = data_paths(out, n_inc, n_haz)
    if inc_path.exists() and haz_path.exists():
        return
    log(f"generating synthetic data {size_label(n_inc, n_haz)} ...")
    cmd = [sys.executable, __file__, "--out", str(out), "--_gen", f"{n_inc}:{n_haz}"]
    _run(cmd, timeout)


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
        _run([*cmd, "--no-deps", "--target", str(target), *PYDEPS], 600)
    return str(target)


def build(
    args: argparse.Namespace, tool: str, n_inc: int, n_haz: int, pydeps: str | None, profile: bool
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--out", str(args.out)]
    cmd += ["--_child", tool, f"{n_inc}:{n_haz}"]
    if profile:
        cmd.append("--_profile")
    env = dict(os.environ)
    paths = [str(args.geomap_src)] if args.geomap_src else []
    if tool == "explore" and pydeps:
        paths.append(pydeps)
    if paths:
        env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [env.get("PYTHONPATH")])])
    t0 = time.perf_counter()
    try:
        stdout = _run(cmd, args.build_timeout, env)
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
) -> dict[str, Any]:
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
    best["peak_samples_mb"] = [r["peak_mb"] for r in samples]
    return best


# --------------------------------------------------------------------------- assets


class Assets:
    """Local copies of the CDN files folium links, by URL prefix."""

    def __init__(self) -> None:
        self.prefixes: list[tuple[str, Path]] = []
        self.files: dict[str, Path] = {}
        self.problems: list[str] = []

    def add_prefix(self, url: str, folder: Path) -> None:
        if folder.is_dir():
            self.prefixes.append((url, folder))
        else:
            self.problems.append(f"{folder} missing: {url}* will be stubbed")

    def add_file(self, url: str, path: Path) -> None:
        if path.is_file():
            self.files[url] = path
        else:
            self.problems.append(f"{path} missing: {url} will be stubbed")

    def lookup(self, url: str) -> Path | None:
        bare = url.split("?", 1)[0].split("#", 1)[0]
        if bare in self.files:
            return self.files[bare]
        for prefix, folder in self.prefixes:
            if bare.startswith(prefix):
                path = (folder / bare[len(prefix) :]).resolve()
                if path.is_file() and folder.resolve() in path.parents:
                    return path
        return None


def ensure_assets(out: Path) -> Assets:
    """Install folium's CDN files from PyPI/npm into ``out/assets`` (once) and map them."""
    assets = Assets()
    root = out / "assets"
    npm_dir = root / "npm"
    pip_dir = root / "pypi"
    modules = npm_dir / "node_modules"
    wanted = [modules / p.rsplit("@", 1)[0] / "package.json" for p in NPM_PACKAGES]
    if not all(p.is_file() for p in wanted):
        npm = shutil.which("npm")
        if npm is None:
            assets.problems.append("npm not found: Bootstrap/Font Awesome/awesome-markers stubbed")
        else:
            log(f"npm install {' '.join(NPM_PACKAGES)} into {npm_dir} ...")
            npm_dir.mkdir(parents=True, exist_ok=True)
            cmd = [npm, "install", "--prefix", str(npm_dir), "--no-audit", "--no-fund"]
            cmd += ["--ignore-scripts", "--no-save", "--loglevel=error", *NPM_PACKAGES]
            try:
                subprocess.run(cmd, check=True, timeout=900, stdout=sys.stderr)
            except (subprocess.SubprocessError, OSError) as exc:
                assets.problems.append(f"npm install failed: {exc}")
    jquery = pip_dir / "xstatic" / "pkg" / "jquery" / "data" / "jquery.min.js"
    if not jquery.is_file():
        log(f"pip install --target {pip_dir} {' '.join(PIP_ASSETS)} ...")
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        cmd += ["--no-deps", "--target", str(pip_dir), *PIP_ASSETS]
        try:
            _run(cmd, 600)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            assets.problems.append(f"pip install {PIP_ASSETS} failed: {exc}")
    try:
        import xstatic.pkg.leaflet as xleaflet

        leaflet_dir = Path(xleaflet.BASE_DIR)
    except ImportError:
        leaflet_dir = modules / "leaflet" / "dist"
    assets.add_prefix("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/", leaflet_dir)
    assets.add_file("https://code.jquery.com/jquery-3.7.1.min.js", jquery)
    assets.add_prefix("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/", modules / "bootstrap")
    assets.add_prefix(
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/",
        modules / "@fortawesome" / "fontawesome-free",
    )
    assets.add_prefix(
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/",
        modules / "leaflet.awesome-markers" / "dist",
    )
    for p in assets.problems:
        log(f"assets: {p}")
    return assets


def linked_urls(html_path: Path) -> list[str]:
    """The http(s) URLs a saved map links in <script src> and <link href> (from its head)."""
    with open(html_path, encoding="utf-8", errors="replace") as f:
        head = f.read(200_000)
    found = re.findall(r"<(?:script|link)\b[^>]*?(?:src|href)=[\"'](https?://[^\"']+)", head)
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- browser

INIT_JS = r"""
(() => {
  function globals(test) {
    const out = [];
    for (const k of Object.keys(window)) {
      let v;
      try { v = window[k]; } catch (e) { continue; }
      if (v && test(v)) { out.push(v); }
    }
    return out;
  }
  window.__bench = {
    map() {  // found once, then cached (walking window's keys on every frame costs)
      if (!this._map && window.L) { this._map = globals(v => v instanceof L.Map)[0] || null; }
      return this._map || null;
    },
    dataLayers() {
      return window.L ? globals(v => v instanceof L.GeoJSON) : [];
    },
    drawn() {
      return document.querySelector(
        ".leaflet-overlay-pane canvas, .leaflet-overlay-pane .leaflet-interactive, " +
        ".leaflet-marker-pane .leaflet-marker-icon") !== null;
    },
    ready(tool, n) {
      const map = this.map();
      if (!map) { return false; }
      if (tool === "geomap") {
        // geomap registers its layers when the whole map (app) has been built.
        if (!(window.geomap && geomap.layers && Object.keys(geomap.layers).length > 0)) {
          return false;
        }
      } else {
        const layers = this.dataLayers();
        if (layers.length < n || !layers.every(l => map.hasLayer(l))) { return false; }
      }
      return this.drawn();
    },
    frames(k) {
      return new Promise(resolve => {
        const step = i => (i ? requestAnimationFrame(() => step(i - 1))
                             : resolve(performance.now()));
        step(k);
      });
    },
    pan(ms) {
      const map = this.map();
      if (!map) { return Promise.resolve({ ok: false, why: "no L.Map global" }); }
      const c0 = map.getCenter();
      const t0 = performance.now();
      return new Promise(resolve => {
        const timer = setTimeout(
          () => resolve({ ok: false, why: "no moveend within " + ms + " ms" }), ms);
        map.once("moveend", () => {
          clearTimeout(timer);
          const c1 = map.getCenter();
          this.frames(2).then(() => resolve({
            ok: !c1.equals(c0), why: c1.equals(c0) ? "centre did not move" : "",
            ms: performance.now() - t0, from: [c0.lat, c0.lng], to: [c1.lat, c1.lng],
          }));
        });
        map.panBy([200, 100]);
      });
    },
  };
})();
"""


def _content_type(path_or_url: str) -> str:
    guess = mimetypes.guess_type(path_or_url.split("?", 1)[0])[0]
    return guess or "application/octet-stream"


def measure_page(
    pw: Any,
    html: Path,
    tool: str,
    n_layers: int,
    assets: Assets,
    timeout: float,
    screenshot: Path | None = None,
) -> dict[str, Any]:
    """Open one map in a fresh headless Chromium; time until ready, then pan it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    rep: dict[str, Any] = {
        "tiles_aborted": 0,
        "assets_local": [],
        "assets_stubbed": [],
        "js_errors": [],
    }
    crashed: list[bool] = []
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(INIT_JS)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                r.continue_()
                return
            host = url.split("/")[2] if "//" in url else ""
            if any(host.endswith(h) for h in TILE_HOSTS) or TILE_PATH.search(url):
                rep["tiles_aborted"] += 1
                r.abort()
                return
            cors = {"Access-Control-Allow-Origin": "*"}
            local = assets.lookup(url)
            if local is not None:
                rep["assets_local"].append(url)
                r.fulfill(path=str(local), content_type=_content_type(str(local)), headers=cors)
            else:
                rep["assets_stubbed"].append(url)
                r.fulfill(status=200, body="", content_type=_content_type(url), headers=cors)

        page.route("**/*", route)
        page.on("crash", lambda _p: crashed.append(True))
        page.on("pageerror", lambda exc: rep["js_errors"].append(str(exc)[:200]))
        page.on(
            "console",
            lambda msg: (
                rep["js_errors"].append(msg.text[:200])
                if msg.type == "error" and "net::ERR_FAILED" not in msg.text
                else None
            ),
        )
        deadline = time.perf_counter() + timeout
        t0 = time.perf_counter()
        try:
            page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout * 1000)
            left = max(1.0, deadline - time.perf_counter())
            page.wait_for_function(
                "([tool, n]) => window.__bench && __bench.ready(tool, n)",
                arg=[tool, n_layers],
                polling="raf",
                timeout=left * 1000,
            )
            page_ms = page.evaluate("() => __bench.frames(2)")
            rep["ready_s"] = time.perf_counter() - t0
            rep["ready_page_s"] = page_ms / 1000
            rep["ready"] = "ok"
        except PlaywrightTimeout:
            rep["ready"] = "timeout"
            rep["pan"] = "not tried"
            return rep
        except PlaywrightError as exc:
            rep["ready"] = "crashed" if crashed else f"error: {str(exc).splitlines()[0][:120]}"
            rep["pan"] = "not tried"
            return rep
        with contextlib.suppress(PlaywrightError):
            rep["js_heap_mb"] = page.evaluate(
                "() => performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null"
            )
        if screenshot is not None:
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(screenshot), timeout=60_000)
                rep["screenshot"] = str(screenshot)
        pan_ms = int(min(60.0, timeout) * 1000)
        try:
            pan = page.evaluate("ms => __bench.pan(ms)", pan_ms)
            rep["pan"] = "ok" if pan.get("ok") else "failed"
            rep["pan_detail"] = pan
            if pan.get("ms") is not None:
                rep["pan_s"] = pan["ms"] / 1000
        except PlaywrightError as exc:
            rep["pan"] = "crashed" if crashed else "failed"
            rep["pan_detail"] = {"why": str(exc).splitlines()[0][:120]}
        return rep
    finally:
        with contextlib.suppress(PlaywrightError):
            browser.close()


def combine_pages(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Keep the fastest ready run; pans only if every run panned; keep every sample."""
    bad = [r for r in reps if r["ready"] != "ok"]
    if bad:
        best = dict(bad[0])
    else:
        best = dict(min(reps, key=lambda r: r["ready_s"]))
        if any(r.get("pan") != "ok" for r in reps):
            best["pan"] = next(r["pan"] for r in reps if r.get("pan") != "ok")
    best["page_runs"] = [
        {k: r.get(k) for k in ("ready", "ready_s", "pan", "pan_s", "busy_cores_before")}
        for r in reps
    ]
    best["ready_samples_s"] = [r.get("ready_s") for r in reps]
    best["pan_samples_s"] = [r.get("pan_s") for r in reps]
    best["js_errors"] = sorted({e for r in reps for e in r["js_errors"]})
    return best


# --------------------------------------------------------------------------- report


def _fmt(v: Any, spec: str = ".2f") -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return format(v, spec)


def _ratio(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float) and b > 0:
        return a / b
    return None


def print_report(results: list[dict[str, Any]], sizes: list[tuple[int, int]], browser: bool):
    cols = (
        ("size", 15, "<"),
        ("tool", 8, "<"),
        ("validate s", 10, ">"),
        ("build s", 9, ">"),
        ("HTML MB", 9, ">"),
        ("peak MB", 9, ">"),
        ("ready s", 9, ">"),
        ("pans", 8, "<"),
    )
    head = "  ".join(f"{name:{align}{w}}" for name, w, align in cols)
    lines = [head, "-" * len(head)]
    notes = []
    for r in results:
        size = size_label(r["incidents"], r["hazards"])
        if r["status"] != "ok":
            lines.append(f"{size:<15}  {r['tool']:<8}  {r['status']}")
            continue
        if not browser:
            ready, pans = "-", "-"
        elif r.get("ready") == "ok":
            ready, pans = _fmt(r.get("ready_s")), r.get("pan", "-")
        else:
            ready, pans = r.get("ready", "-"), r.get("pan", "-")
        cells = (
            size,
            r["tool"],
            _fmt(r.get("validate_s")),
            _fmt(r.get("build_s")),
            _fmt(r["html_bytes"] / 1e6, ".1f"),
            _fmt(r.get("peak_mb"), ".0f"),
            ready,
            pans,
        )
        lines.append(
            "  ".join(f"{c:{align}{w}}" for c, (_n, w, align) in zip(cells, cols, strict=True))
        )
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
    print("\n".join(lines))

    ratios = []
    print()
    for n_inc, n_haz in sizes:
        g = _find(results, "geomap", n_inc, n_haz)
        e = _find(results, "explore", n_inc, n_haz)
        label = size_label(n_inc, n_haz)
        if not g or not e or g["status"] != "ok" or e["status"] != "ok":
            why = e["status"] if e else "not run"
            print(f"ratios {label:<15} explore/geomap: n/a (explore: {why})")
            continue
        row = {
            "size": label,
            "build": _ratio(e.get("build_s"), g.get("build_s")),
            "html": _ratio(e.get("html_bytes"), g.get("html_bytes")),
            "peak": _ratio(e.get("peak_mb"), g.get("peak_mb")),
            "ready": _ratio(e.get("ready_s"), g.get("ready_s")),
        }
        ratios.append(row)
        print(
            f"ratios {label:<15} explore/geomap: build {_fmt(row['build'], '.1f')}x, "
            f"HTML size {_fmt(row['html'], '.1f')}x, peak memory {_fmt(row['peak'], '.1f')}x, "
            f"browser ready {_fmt(row['ready'], '.1f')}x"
        )
    if notes:
        print()
        print("\n".join(notes))
    return ratios


def _find(results: list[dict[str, Any]], tool: str, n_inc: int, n_haz: int) -> dict | None:
    for r in results:
        if r["tool"] == tool and r["incidents"] == n_inc and r["hazards"] == n_haz:
            return r
    return None


def evaluate_targets(results: list[dict[str, Any]], browser: bool) -> list[dict[str, Any]]:
    """One verdict per target of the issue: PASS, FAIL, or n/a (not measured in this run)."""

    def ok(tool: str, size: tuple[int, int]) -> dict[str, Any] | None:
        r = _find(results, tool, *size)
        return r if r is not None and r["status"] == "ok" else None

    mid_g = ok("geomap", TARGET_MID)
    mid_e = ok("explore", TARGET_MID)
    big_g = ok("geomap", TARGET_BIG)
    mid, big = size_label(*TARGET_MID), size_label(*TARGET_BIG)
    out: list[dict[str, Any]] = []

    def add(name: str, value: Any, passed: bool | None, why: str = "") -> None:
        verdict = "n/a" if passed is None else ("PASS" if passed else "FAIL")
        out.append({"target": name, "value": value, "verdict": verdict, "why": why})

    def at_least(value: float | None, limit: float) -> bool | None:
        return None if value is None else value >= limit

    def below(value: float | None, limit: float) -> bool | None:
        return None if value is None else value < limit

    both = mid_g is not None and mid_e is not None
    why = "" if both else f"{mid} not run with both tools"
    b = _ratio(mid_e["build_s"], mid_g["build_s"]) if mid_g and mid_e else None
    z = _ratio(mid_e["html_bytes"], mid_g["html_bytes"]) if mid_g and mid_e else None
    add(
        f"{mid}: geomap build >= {MIN_BUILD_RATIO:g}x faster than explore()",
        b,
        at_least(b, MIN_BUILD_RATIO),
        why,
    )
    add(
        f"{mid}: geomap HTML <= 1/{MIN_SIZE_RATIO:g} of explore()'s (ratio shown)",
        z,
        at_least(z, MIN_SIZE_RATIO),
        why,
    )

    name = f"{mid}: geomap ready in the browser in < {MAX_READY_S:g} s"
    if not browser or mid_g is None:
        add(name, None, None, "no browser run" if not browser else f"{mid} geomap not run")
    else:
        v = mid_g.get("ready_s") if mid_g.get("ready") == "ok" else None
        add(name, v if v is not None else mid_g.get("ready"), v is not None and v < MAX_READY_S)

    why = "" if big_g else f"{big} geomap not run"
    add(
        f"{big}: geomap build < {MAX_BIG_BUILD_S:g} s",
        big_g and big_g["build_s"],
        below(big_g["build_s"], MAX_BIG_BUILD_S) if big_g else None,
        why,
    )
    add(
        f"{big}: geomap build peak memory < {MAX_BIG_PEAK_MB:g} MB",
        big_g and big_g["peak_mb"],
        below(big_g["peak_mb"], MAX_BIG_PEAK_MB) if big_g else None,
        why,
    )
    name = f"{big}: geomap map opens and pans in the browser"
    if not browser or big_g is None:
        add(name, None, None, "no browser run" if not browser else why)
    else:
        value = f"ready {big_g.get('ready')}, pan {big_g.get('pan')}"
        add(name, value, big_g.get("ready") == "ok" and big_g.get("pan") == "ok")
    return out


def print_targets(targets: list[dict[str, Any]]) -> None:
    print()
    for t in targets:
        v = t["value"]
        shown = f"{v:.2f}" if isinstance(v, float) else ("-" if v is None else str(v))
        why = f" ({t['why']})" if t["why"] else ""
        print(f"{t['verdict']:<5} {t['target']}: {shown}{why}")


def print_breakdown(results: list[dict[str, Any]]) -> None:
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


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Compare geomap.render_map with GeoDataFrame.explore() on synthetic data.",
    )
    p.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated INCIDENTS:HAZARDS pairs (default {DEFAULT_SIZES})",
    )
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
    p.add_argument("--_child", nargs=2, metavar=("TOOL", "SIZE"), help=argparse.SUPPRESS)
    p.add_argument("--_gen", metavar="SIZE", help=argparse.SUPPRESS)
    p.add_argument("--_profile", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.out = args.out.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args._gen:
        (size,) = parse_sizes(args._gen)
        gen_main(args.out, *size)
        return 0
    if args._child:
        args.child_tool = args._child[0]
        (args.child_size,) = parse_sizes(args._child[1])
        args.child_profile = args._profile
        child_main(args)
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    ignore = args.out / ".gitignore"
    if not ignore.exists():  # keep data, HTML and installed assets out of git
        ignore.write_text("# written by bench_render.py: nothing here belongs in git\n*\n")
    results: list[dict[str, Any]] = []
    pydeps: str | None = None
    explore_ok = True
    try:
        pydeps = ensure_pydeps(args.out)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        log(f"cannot install mapclassify for explore(): {exc}")
        explore_ok = False

    for n_inc, n_haz in args.sizes:
        label = size_label(n_inc, n_haz)
        ensure_data(args.out, n_inc, n_haz, args.build_timeout)
        for tool in ("geomap", "explore"):
            base = {"tool": tool, "incidents": n_inc, "hazards": n_haz}
            limit = args.skip_explore_above
            if tool == "explore" and not args.force_explore and 0 <= limit < n_inc:
                why = (
                    f"skipped: {n_inc:,} incidents > --skip-explore-above {limit} (explore() "
                    "at 1M points takes minutes and GBs; --force-explore runs it)"
                )
                log(f"{label} explore: {why}")
                results.append({**base, "status": why})
                continue
            if tool == "explore" and not explore_ok:
                results.append({**base, "status": "skipped: mapclassify not installable"})
                continue
            res = {**base, **repeat_build(args, tool, n_inc, n_haz, pydeps)}
            results.append(res)
            if res["status"] == "ok":
                log(
                    f"{label} {tool}: validate {res['validate_s']:.2f} s, build "
                    f"{res['build_s']:.2f} s, HTML {res['html_bytes'] / 1e6:.1f} MB, "
                    f"peak {res['peak_mb']:.0f} MB"
                )
            else:
                log(f"{label} {tool}: {res['status']}")
            if args.profile and tool == "geomap" and res["status"] == "ok":
                log(f"{label} geomap: profiling another build under cProfile ...")
                prof = build(args, tool, n_inc, n_haz, pydeps, profile=True)
                res["profile"] = prof.get("profile")
                res["profile_top"] = prof.get("profile_top")
                res["profiled_build_s"] = prof.get("build_s")

    browser = not args.no_browser
    if browser:
        built = [r for r in results if r["status"] == "ok"]
        explore_built = [r for r in built if r["tool"] == "explore"]
        assets = ensure_assets(args.out) if explore_built else Assets()
        if explore_built:
            urls = linked_urls(Path(explore_built[0]["html"]))
            for url in urls:
                where = assets.lookup(url)
                log(f"explore links {url} -> {where if where else 'EMPTY 200 (stub)'}")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            for r in built:
                label = size_label(r["incidents"], r["hazards"])
                log(f"{label} {r['tool']}: opening in Chromium (timeout {args.timeout:.0f} s)")
                html = Path(r["html"])
                shot = html.with_suffix(".png") if args.screenshots else None
                reps = []
                for _ in range(args.repeat):
                    time.sleep(1.0)  # let the previous browser finish exiting
                    busy = busy_cores()
                    rep = measure_page(pw, html, r["tool"], r["layers"], assets, args.timeout, shot)
                    rep["busy_cores_before"] = busy
                    reps.append(rep)
                    shot = None
                    if rep["ready"] != "ok":
                        break
                rep = combine_pages(reps)
                r.update(rep)
                log(
                    f"{label} {r['tool']}: others busy {rep.get('busy_cores_before', 0):.1f} cores"
                    f" before; ready {rep['ready']} "
                    f"{_fmt(rep.get('ready_s'))} s, pan {rep.get('pan')} "
                    f"{_fmt(rep.get('pan_s'))} s, tiles aborted {rep['tiles_aborted']}, "
                    f"local assets {len(rep['assets_local'])}, "
                    f"stubbed {len(rep['assets_stubbed'])}"
                )

    report = io.StringIO()  # written to JSON first, so a closed stdout loses nothing
    with contextlib.redirect_stdout(report):
        print()
        print(
            f"geomap vs GeoDataFrame.explore() - {platform.node()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; MB = 1e6 bytes; peak = process RSS high-water "
            f"mark during the build; runs per measurement: {args.repeat}"
            + (" (fastest shown)" if args.repeat > 1 else "")
        )
        print()
        ratios = print_report(results, args.sizes, browser)
        print()
        print_breakdown(results)
        targets = evaluate_targets(results, browser)
        print_targets(targets)

    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seed": SEED,
        "data_version": DATA_VERSION,
        "versions": _versions(),
        "args": {k: str(v) for k, v in vars(args).items() if not k.startswith("_")},
        "chromium": CHROMIUM,
        "geomap_file": next((r["geomap_file"] for r in results if r.get("geomap_file")), None),
        "geomap_src": str(args.geomap_src) if args.geomap_src else None,
        "git": _git_state() if not args.geomap_src else "n/a: geomap came from --geomap-src",
        "geomap_tree_sha256": _tree_hash(results),
    }
    out_json = args.out / "results.json"
    payload = {
        "meta": meta,
        "results": results,
        "ratios": ratios,
        "targets": targets,
        "table": report.getvalue(),
    }
    out_json.write_text(json.dumps(payload, indent=2, default=str))
    print(report.getvalue(), end="")
    print(f"\nresults: {out_json}")
    return 0


def _tree_hash(results: list[dict[str, Any]]) -> str | None:
    """A hash of the benchmarked geomap package's files, to tell versions apart."""
    import hashlib

    file = next((r["geomap_file"] for r in results if r.get("geomap_file")), None)
    if not file:
        return None
    h = hashlib.sha256()
    root = Path(file).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".css"):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _git_state() -> dict[str, str]:
    """The repository's commit and whether geomap/ has uncommitted changes (read-only git)."""
    out = {}
    for key, cmd in (
        ("commit", ["git", "rev-parse", "HEAD"]),
        ("geomap_changes", ["git", "status", "--porcelain", "--", "geomap"]),
    ):
        try:
            proc = subprocess.run(
                cmd, cwd=HERE.parent, capture_output=True, text=True, timeout=30, check=False
            )
            out[key] = proc.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out[key] = "?"
    return out


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("geomap", "geopandas", "shapely", "folium", "pandas", "numpy", "playwright"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


if __name__ == "__main__":
    sys.exit(main())
