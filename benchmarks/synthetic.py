"""Synthetic Karabakh data of any size: the one generator the benchmarks share.

Everything here is invented (see ``data/README.md``): incidents and hazard areas with
every field of geomap's model, their codes taken from geomap's own vocabularies
(``geomap.HAZARDS``/``geomap.INCIDENTS``), never copied. The region box, the metric CRS
and the district seeds are defined here once; ``data/make_sample.py`` uses them too.

* :func:`make_incidents`: points clustered around the district towns plus a uniform
  background (or, with ``near=``, partly around given hazard areas); free-text
  descriptions; codes as read from a file (text).
* :func:`make_hazards`: star-shaped polygons built in UTM 38N, valid by construction;
  their sizes and vertex counts come from a *sizes* function: :func:`wide_sizes`
  (50 m-1.5 km radius, 20-200 vertices; the render benchmark) or :func:`sample_sizes`
  (log-normal areas, median 6 ha, 0.5 ha-3 km², 8-40 vertices, as in the sample).
* :func:`make_districts`: Voronoi cells of random seeds, edges densified every ~500 m.

Each call draws from its own numpy generator seeded with ``[seed, stream, n]``, so a
size always gives the same rows, whatever else was generated before.

Run as ``python -m benchmarks.synthetic --out DIR --sizes 10000:1000`` to write the
GeoParquet cache the render benchmark reads (see :func:`data_paths`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from benchmarks.report import log
from geomap import HAZARDS
from geomap import INCIDENTS
from geomap.model import DISPLAY_CRS
from geomap.model import LayerSpec

SEED = 20201110
DATA_VERSION = 1  # bump when the generator's output changes, so cached data are remade

REGION_BOUNDS = (45.9, 38.95, 47.5, 40.45)  # lon min, lat min, lon max, lat max
REGION_MID_LAT = (REGION_BOUNDS[1] + REGION_BOUNDS[3]) / 2  # 39.7
METRIC_CRS = "EPSG:32638"  # UTM zone 38N
# District seeds (district, town, lat, lon): approximate town coordinates from the
# DOMAIN notes. Khojaly district is seeded with Khankendi.
DISTRICT_SEEDS: tuple[tuple[str, str, float, float], ...] = (
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


def codes(layer: LayerSpec, field: str) -> tuple[str, ...]:
    """The controlled codes of ``layer``'s field ``field``, from geomap's model."""
    vocabulary = layer.field(field).vocabulary
    if vocabulary is None:
        raise ValueError(f"{layer.name}.{field} has no vocabulary")
    return vocabulary.codes


HAZARD_CLASSES = codes(HAZARDS, "hazard_class")
EVIDENCE = codes(HAZARDS, "evidence")
DEVICES = codes(HAZARDS, "device_category")
STATUSES = codes(HAZARDS, "status")
INCIDENT_TYPES = codes(INCIDENTS, "incident_type")
VICTIM_CATEGORIES = codes(INCIDENTS, "victim_category")
OPERATORS = ("ANAMA", "Synthetic operator A", "Synthetic operator B", "Synthetic operator C")

ACTIVITIES = (
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
)
DIRECTIONS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


# --------------------------------------------------------------------------- helpers


def district_names(lon: Any, lat: Any) -> Any:
    """Name of the nearest district seed (distance with lon scaled by cos(39.7°)).

    That is the district cell of ``data/make_sample.py``'s schematic districts.
    """
    seeds = np.array([(d[3], d[2]) for d in DISTRICT_SEEDS])
    k = np.cos(np.radians(REGION_MID_LAT))
    best = np.zeros(len(lon), dtype=np.int64)
    best_d = np.full(len(lon), np.inf)
    for i, (sx, sy) in enumerate(seeds):
        d = ((lon - sx) * k) ** 2 + (lat - sy) ** 2
        closer = d < best_d
        best[closer] = i
        best_d[closer] = d[closer]
    return np.array([d[0] for d in DISTRICT_SEEDS], dtype=object)[best]


def positions(rng: Any, n: int, spread: float, uniform_share: float, margin: float) -> Any:
    """Lon/lat: clusters around the district towns plus a uniform background."""
    lon0, lat0, lon1, lat1 = REGION_BOUNDS
    seeds = np.array([(d[3], d[2]) for d in DISTRICT_SEEDS])
    uniform = rng.random(n) < uniform_share
    which = rng.integers(0, len(seeds), n)
    lon = seeds[which, 0] + rng.normal(0, spread / np.cos(np.radians(REGION_MID_LAT)), n)
    lat = seeds[which, 1] + rng.normal(0, spread, n)
    lon[uniform] = rng.uniform(lon0, lon1, uniform.sum())
    lat[uniform] = rng.uniform(lat0, lat1, uniform.sum())
    lon = np.clip(lon, lon0 + margin, lon1 - margin)
    lat = np.clip(lat, lat0 + margin, lat1 - margin)
    return lon, lat


def dates(rng: Any, n: int, first: str = FIRST_DAY, last: str = LAST_DAY) -> Any:
    """``n`` dates between ``first`` and ``last``, early ones likelier (beta(1, 1.6))."""
    d0, d1 = np.datetime64(first), np.datetime64(last)
    span = int((d1 - d0).astype(int))
    days = (rng.beta(1.0, 1.6, n) * span).round().astype("timedelta64[D]")
    return d0 + days


def _iso(days: Any) -> Any:
    return np.datetime_as_string(days, unit="D").astype(object)


def _picker(rng: Any, n: int) -> Callable[[tuple[str, ...], tuple[float, ...]], Any]:
    def pick(values: tuple[str, ...], p: tuple[float, ...]) -> Any:
        return np.array(values, dtype=object)[rng.choice(len(values), n, p=p)]

    return pick


# --------------------------------------------------------------------------- incidents


def _descriptions(rng: Any, n: int, district: Any) -> list[str]:
    towns = {d[0]: d[1] for d in DISTRICT_SEEDS}
    town = np.array([towns[d] for d in district], dtype=object)
    km = rng.integers(1, 150, n) / 10
    plot = rng.integers(1, 2000, n)
    act = np.array(ACTIVITIES, dtype=object)[rng.integers(0, len(ACTIVITIES), n)]
    way = np.array(DIRECTIONS, dtype=object)[rng.integers(0, len(DIRECTIONS), n)]
    return [
        f"{a} {k:.1f} km {w} of {t} (plot {p})"
        for a, k, w, t, p in zip(act, km, way, town, plot, strict=True)
    ]


def _near(near: gpd.GeoDataFrame, share: float, seed: int, lon: Any, lat: Any) -> None:
    """Move the first ``share`` of the points to within about a km of a hazard area."""
    rng = np.random.default_rng([seed, 3, len(lon)])
    k = int(len(lon) * share)
    centres = shapely.centroid(near.geometry.to_numpy()[rng.integers(0, len(near), k)])
    lon[:k] = shapely.get_x(centres) + rng.normal(0, 0.006, k)
    lat[:k] = shapely.get_y(centres) + rng.normal(0, 0.005, k)


def make_incidents(
    n: int,
    *,
    seed: int = SEED,
    uniform_share: float = 0.3,
    near: gpd.GeoDataFrame | None = None,
    near_share: float = 0.3,
) -> gpd.GeoDataFrame:
    """Synthetic incident points with the model's fields, as read from a file (text codes).

    ``uniform_share`` of the points are spread over the whole box, the rest cluster
    around the district towns; with ``near`` (hazard polygons), ``near_share`` of them
    are then moved to within about a kilometre of one of those areas.
    """
    rng = np.random.default_rng([seed, 1, n])
    lon, lat = positions(rng, n, spread=0.07, uniform_share=uniform_share, margin=0.001)
    if near is not None:
        _near(near, near_share, seed, lon, lat)
    district = district_names(lon, lat)
    date = _iso(dates(rng, n))
    pick = _picker(rng, n)
    incident_type = pick(INCIDENT_TYPES, (0.62, 0.12, 0.12, 0.1, 0.04))
    victim = pick(VICTIM_CATEGORIES, (0.55, 0.12, 0.25, 0.01, 0.07))
    device = pick(DEVICES, (0.35, 0.2, 0.05, 0.08, 0.2, 0.04, 0.08))
    killed = rng.choice(4, n, p=(0.62, 0.3, 0.06, 0.02))
    injured = rng.choice(5, n, p=(0.3, 0.5, 0.12, 0.06, 0.02))
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
            "description": _descriptions(rng, n, district),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=DISPLAY_CRS,
    )


# --------------------------------------------------------------------------- hazards

Sizes = Callable[[Any, int], tuple[Any, Any]]


def wide_sizes(rng: Any, n: int) -> tuple[Any, Any]:
    """Radii log-uniform in 50 m-1.5 km; 20-200 vertices, more on larger polygons."""
    log_r = rng.uniform(np.log(50.0), np.log(1500.0), n)
    frac = (log_r - np.log(50.0)) / (np.log(1500.0) - np.log(50.0))
    nv = np.clip(np.round(20 + 180 * frac + rng.normal(0, 25, n)), 20, 200).astype(np.int64)
    return np.exp(log_r), nv


def sample_sizes(rng: Any, n: int) -> tuple[Any, Any]:
    """Areas log-normal (median 6 ha) in 0.5 ha-3 km², as in the sample; 8-40 vertices."""
    area = np.clip(rng.lognormal(np.log(6e4), 1.0, n), 5e3, 3e6)
    return np.sqrt(area / np.pi), rng.integers(8, 41, n)


def star_polygons(rng: Any, x: Any, y: Any, radius: Any, nv: Any) -> Any:
    """Star-shaped rings around (x, y) (metric): simple, hence valid, by construction.

    Vertices sit at strictly increasing angles around the centre (each jittered by
    less than half a step) with radii jittered by +/-25%.
    """
    n = len(x)
    poly_of = np.repeat(np.arange(n), nv)
    starts = np.concatenate([[0], np.cumsum(nv)[:-1]])
    k = np.arange(nv.sum()) - np.repeat(starts, nv)
    step = 2 * np.pi / nv[poly_of]
    theta = (k + rng.uniform(-0.4, 0.4, len(k))) * step + rng.uniform(0, 2 * np.pi, n)[poly_of]
    r = radius[poly_of] * rng.uniform(0.75, 1.25, len(k))
    coords = np.column_stack([x[poly_of] + r * np.cos(theta), y[poly_of] + r * np.sin(theta)])
    return shapely.polygons(shapely.linearrings(coords, indices=poly_of))


def make_hazards(
    n: int, *, seed: int = SEED, sizes: Sizes = wide_sizes, uniform_share: float = 0.15
) -> gpd.GeoDataFrame:
    """Synthetic hazard polygons with the model's fields, as read from a file (text codes).

    Centres cluster around the district towns (``uniform_share`` spread over the box);
    the polygons are built in UTM 38N by :func:`star_polygons` with ``sizes``.
    """
    rng = np.random.default_rng([seed, 2, n])
    lon, lat = positions(rng, n, spread=0.09, uniform_share=uniform_share, margin=0.03)
    x, y = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True).transform(lon, lat)
    radius, nv = sizes(rng, n)
    polys = star_polygons(rng, x, y, radius, nv)
    geoms = gpd.GeoSeries(polys, crs=METRIC_CRS).to_crs(DISPLAY_CRS)
    assert bool(geoms.is_valid.all()), "generator made an invalid polygon"

    pick = _picker(rng, n)
    recorded = dates(rng, n, last="2024-06-30")
    changed = recorded + rng.integers(0, 400, n).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "id": [f"HA-{i:06d}" for i in range(1, n + 1)],
            "hazard_class": pick(HAZARD_CLASSES, (0.6, 0.4)),
            "evidence": pick(EVIDENCE, (0.4, 0.4, 0.1, 0.1)),
            "device_category": pick(DEVICES[:5], (0.35, 0.25, 0.05, 0.15, 0.2)),
            "status": pick(STATUSES, (0.55, 0.12, 0.1, 0.15, 0.08)),
            "status_date": _iso(changed),
            "date_recorded": _iso(recorded),
            "district": district_names(lon, lat),
            "operator": pick(OPERATORS, (0.5, 0.2, 0.2, 0.1)),
            "source": pick(
                ("non-technical survey", "technical survey", "accident report", "community"),
                (0.5, 0.3, 0.1, 0.1),
            ),
        },
        geometry=geoms.to_numpy(),
        crs=DISPLAY_CRS,
    )


# --------------------------------------------------------------------------- districts


def make_districts(n: int, *, seed: int = SEED) -> gpd.GeoDataFrame:
    """Voronoi cells of ``n`` random seeds over the box, edges densified every ~500 m."""
    rng = np.random.default_rng([seed, 4, n])
    x0, y0, x1, y1 = REGION_BOUNDS
    seeds = shapely.multipoints(np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)]))
    frame = shapely.box(*REGION_BOUNDS)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    cells = shapely.segmentize(shapely.intersection(cells, frame), 0.005)
    return gpd.GeoDataFrame(
        {"district_id": [f"D{i:03d}" for i in range(len(cells))]},
        geometry=cells,
        crs=DISPLAY_CRS,
    )


# --------------------------------------------------------------------------- cache


def data_paths(out: Path, n_inc: int, n_haz: int) -> tuple[Path, Path]:
    """Where the cached incidents and hazards of one size live under ``out``."""
    d = out / "data"
    tag = f"s{SEED}-v{DATA_VERSION}"
    return d / f"incidents-{n_inc}-{tag}.parquet", d / f"hazards-{n_haz}-{tag}.parquet"


def write_cached(out: Path, n_inc: int, n_haz: int) -> list[str]:
    """Write the layers of one size as GeoParquet (unless cached); say what was made."""
    inc_path, haz_path = data_paths(out, n_inc, n_haz)
    inc_path.parent.mkdir(parents=True, exist_ok=True)
    made = []
    for path, make, n in ((inc_path, make_incidents, n_inc), (haz_path, make_hazards, n_haz)):
        if path.exists():
            continue
        t0 = time.perf_counter()
        gdf = make(n)
        tmp = path.with_suffix(".tmp")
        gdf.to_parquet(tmp)
        tmp.replace(path)
        made.append(f"generated {path.name} in {time.perf_counter() - t0:.1f} s")
    return made


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.synthetic --out DIR --size INCIDENTS:HAZARDS``."""
    p = argparse.ArgumentParser(description="Write cached synthetic layers of one size.")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--size", required=True, metavar="INCIDENTS:HAZARDS")
    args = p.parse_args(argv)
    n_inc, n_haz = (int(v) for v in args.size.split(":"))
    for line in write_cached(args.out.resolve(), n_inc, n_haz):
        log(line)


if __name__ == "__main__":
    main()
