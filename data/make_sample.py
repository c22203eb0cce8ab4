"""Generate geomap's synthetic Karabakh sample data.

Writes two files next to this script:

* ``karabakh-sample.gpkg`` with the layers ``districts``, ``towns``, ``roads``,
  ``hazards`` and ``incidents`` (all EPSG:4326);
* ``karabakh-incidents.csv``, the incidents as a table with latitude/longitude.

Everything is SYNTHETIC: district shapes are schematic Voronoi cells of
approximate town coordinates, and every hazard area, incident, id, date, operator
(except the name ANAMA) and description is invented. The incident table is built
to reproduce a few published aggregate figures (see ``data/README.md``):
177 casualties since November 2020, 35 civilians and 3 journalists killed, and
more than half of the incidents outside every mapped hazard area.

The script is deterministic (one seeded numpy generator, no network) and can be
run from any working directory::

    python data/make_sample.py
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
import sys
from datetime import date
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.geometry import Point
from shapely.geometry import Polygon
from shapely.geometry import box

HERE = Path(__file__).resolve().parent


def checkout() -> Path:
    """Find the geomap checkout whose ``benchmarks/synthetic.py`` this script uses.

    The region box, the district seeds and the vocabularies are those of the benchmarks'
    synthetic-data generator (defined once, there). This script's own checkout; for a
    copy run elsewhere (the tests run one), the checkout of the ``geomap`` Python finds.

    Returns
    -------
    pathlib.Path
        The repository root.
    """
    if (HERE.parent / "benchmarks" / "synthetic.py").is_file():
        return HERE.parent
    spec = importlib.util.find_spec("geomap")
    if spec is None or spec.origin is None:
        raise SystemExit("make_sample.py needs geomap's checkout (benchmarks/synthetic.py)")
    return Path(spec.origin).resolve().parent.parent


sys.path.insert(0, str(checkout()))

from benchmarks.synthetic import DEVICES  # noqa: E402
from benchmarks.synthetic import DISTRICT_SEEDS  # noqa: E402
from benchmarks.synthetic import METRIC_CRS  # noqa: E402
from benchmarks.synthetic import OPERATORS  # noqa: E402
from benchmarks.synthetic import REGION_BOUNDS  # noqa: E402
from benchmarks.synthetic import REGION_MID_LAT  # noqa: E402
from benchmarks.synthetic import SEED  # noqa: E402
from benchmarks.synthetic import STATUSES  # noqa: E402
from geomap.io import NOTICE_KEY  # noqa: E402
from geomap.model import DISPLAY_CRS  # noqa: E402

GPKG_PATH = HERE / "karabakh-sample.gpkg"
#: What every map of the sample says about it (the GeoPackage's GEOMAP_NOTICE metadata).
NOTICE = "SYNTHETIC DATA: invented for demonstration, not real contamination"
CSV_PATH = HERE / "karabakh-incidents.csv"

ROADS: tuple[tuple[str, ...], ...] = (
    ("Fuzuli", "Shusha"),
    ("Aghdam", "Khankendi"),
    ("Fuzuli", "Jabrayil", "Zangilan"),
    ("Zangilan", "Gubadli", "Lachin"),
    ("Lachin", "Shusha"),
    ("Tartar", "Kalbajar"),
    ("Aghdam", "Fuzuli"),
    ("Khojavend", "Fuzuli"),
)

# Schematic former front line (lat, lon), north to south, ending at the Araz river.
FRONT_LINE: tuple[tuple[float, float], ...] = (
    (40.34, 46.93),
    (40.16, 46.95),
    (39.99, 46.93),
    (39.80, 47.05),
    (39.60, 47.14),
    (39.40, 47.03),
    (39.20, 47.00),
)

LAND_USES = ("farmland", "road", "housing", "pasture", "forest")

N_HAZARDS = 400
N_FRONT_LINE_HAZARDS = 280
N_OVERLAP_PAIRS = 15
# Hazard sizes (m², in UTM): 0.5 ha to 3 km², with a margin for other projections.
MIN_AREA = 5_500.0
MAX_AREA = 2_950_000.0
# Exact class/status quotas: class -> counts per status, in STATUSES order.
STATUS_QUOTAS = {"SHA": (130, 45, 20, 15, 10), "CHA": (105, 0, 20, 37, 18)}
DEVICE_QUOTAS = (110, 95, 20, 40, 70, 25, 40)

N_INCIDENTS = 125
N_INSIDE = 55  # incidents inside a hazard polygon; the other 70 lie outside every one
N_DEMINER = 14
N_MILITARY = 22
TOTAL_CASUALTIES = 177
CIVILIANS_KILLED = 35
JOURNALISTS_KILLED = 3
JOURNALIST_DATE = date(2021, 6, 4)

HAZARD_FIRST_DATE = date(2020, 11, 10)
HAZARD_LAST_DATE = date(2024, 6, 30)
INCIDENT_LAST_DATE = date(2024, 12, 31)


def project(geoms: list, src: str, dst: str) -> list:
    """Reproject shapely geometries between two CRSs.

    Parameters
    ----------
    geoms : list of shapely geometries
        Geometries in ``src``.
    src, dst : str
        Source and target CRS.

    Returns
    -------
    list of shapely geometries
        The geometries in ``dst``.
    """
    return list(gpd.GeoSeries(geoms, crs=src).to_crs(dst))


def random_date(rng: np.random.Generator, first: date, last: date, skew: float = 1.0) -> date:
    """Draw a date between ``first`` and ``last`` (inclusive).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    first, last : datetime.date
        Bounds of the range.
    skew : float
        Beta-distribution parameter ``b`` (with ``a=1``); values above 1 favour
        early dates.

    Returns
    -------
    datetime.date
        The drawn date.
    """
    span = (last - first).days
    return first + timedelta(days=round(rng.beta(1.0, skew) * span))


#: The districts' and towns' names in Azerbaijani, Russian and Ukrainian (their usual
#: spellings; geomap shows ``name_<lang>`` in a map or report of that language).
LOCAL_NAMES: dict[str, tuple[str, str, str]] = {
    "Aghdam": ("Ağdam", "Агдам", "Агдам"),
    "Fuzuli": ("Füzuli", "Физули", "Фізулі"),
    "Jabrayil": ("Cəbrayıl", "Джебраил", "Джебраїл"),
    "Zangilan": ("Zəngilan", "Зангелан", "Зангелан"),
    "Gubadli": ("Qubadlı", "Кубатлы", "Кубатли"),
    "Lachin": ("Laçın", "Лачин", "Лачин"),
    "Kalbajar": ("Kəlbəcər", "Кельбаджар", "Кельбаджар"),
    "Shusha": ("Şuşa", "Шуша", "Шуша"),
    "Khojaly": ("Xocalı", "Ходжалы", "Ходжали"),
    "Khankendi": ("Xankəndi", "Ханкенди", "Ханкенді"),
    "Khojavend": ("Xocavənd", "Ходжавенд", "Ходжавенд"),
    "Tartar": ("Tərtər", "Тертер", "Тертер"),
}


def with_local_names(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``layer`` with ``name_az``, ``name_ru`` and ``name_uk`` (empty where unknown)."""
    out = layer.copy()
    for i, lang in enumerate(("az", "ru", "uk")):
        out.insert(
            out.columns.get_loc("name") + 1 + i,
            f"name_{lang}",
            [LOCAL_NAMES[n][i] if n in LOCAL_NAMES else None for n in layer["name"]],
        )
    return out


def make_districts() -> gpd.GeoDataFrame:
    """Build schematic district polygons as Voronoi cells of the district seeds.

    The tessellation is computed with longitudes scaled by cos(latitude), so the
    cells are roughly those of metric distance, then clipped to the region box.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``district_id``, ``name`` and polygon geometry (EPSG:4326).
    """
    k = math.cos(math.radians(REGION_MID_LAT))
    seeds = shapely.MultiPoint([(lon * k, lat) for _, _, lat, lon in DISTRICT_SEEDS])
    minx, miny, maxx, maxy = REGION_BOUNDS
    frame = box(minx * k, miny, maxx * k, maxy)
    cells = shapely.voronoi_polygons(seeds, extend_to=frame, ordered=True)
    polygons = []
    for cell in cells.geoms:
        clipped = shapely.intersection(cell, frame)
        coords = [(x / k, y) for x, y in clipped.exterior.coords]
        polygons.append(shapely.normalize(Polygon(coords)))
    names = [name for name, _, _, _ in DISTRICT_SEEDS]
    for name, (_, _, lat, lon), poly in zip(names, DISTRICT_SEEDS, polygons, strict=True):
        assert poly.contains(Point(lon, lat)), name
    return gpd.GeoDataFrame(
        {
            "district_id": [f"AZ-KB-{i:02d}" for i in range(1, len(names) + 1)],
            "name": names,
        },
        geometry=polygons,
        crs=DISPLAY_CRS,
    )


def district_of(points: list, districts: gpd.GeoDataFrame) -> list[str]:
    """Name the district that contains each geometry (EPSG:4326).

    Parameters
    ----------
    points : list of shapely geometries
        Points (or centroids) in EPSG:4326.
    districts : geopandas.GeoDataFrame
        The district polygons.

    Returns
    -------
    list of str
        One district name per geometry.
    """
    out = []
    for pt in points:
        hits = [
            n for n, g in zip(districts["name"], districts.geometry, strict=True) if g.covers(pt)
        ]
        assert hits, f"{pt} lies outside every district"
        out.append(hits[0])
    return out


def make_towns(
    rng: np.random.Generator, districts: gpd.GeoDataFrame, districts_m: list
) -> gpd.GeoDataFrame:
    """Build the 11 towns and 15 synthetic villages.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the villages' places and populations.
    districts, districts_m : geopandas.GeoDataFrame, list of shapely.Polygon
        The districts that hold them, in EPSG:4326 and in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name``, ``kind``, ``district``, ``population``.
    """
    names = [town for _, town, _, _ in DISTRICT_SEEDS]
    kinds = ["town"] * len(names)
    pops = [int(rng.integers(2_000, 30_000)) for _ in names]
    points = project(
        [Point(lon, lat) for _, _, lat, lon in DISTRICT_SEEDS], DISPLAY_CRS, METRIC_CRS
    )
    # One village per district, plus extra ones in the front-line districts.
    district_names = list(districts["name"])
    plan = [*district_names, "Aghdam", "Fuzuli", "Jabrayil", "Tartar"]
    counter: dict[str, int] = {}
    for dname in plan:
        cell = districts_m[district_names.index(dname)].buffer(-2_000)
        minx, miny, maxx, maxy = cell.bounds
        while True:
            pt = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if cell.contains(pt) and min(pt.distance(p) for p in points) > 5_000:
                break
        counter[dname] = counter.get(dname, 0) + 1
        names.append(f"{dname} village {counter[dname]}")
        kinds.append("village")
        pops.append(int(rng.integers(40, 1_500)))
        points.append(pt)
    geoms = project(points, METRIC_CRS, DISPLAY_CRS)
    return gpd.GeoDataFrame(
        {
            "name": names,
            "kind": kinds,
            "district": district_of(geoms, districts),
            "population": np.array(pops, dtype="int64"),
        },
        geometry=geoms,
        crs=DISPLAY_CRS,
    )


def make_roads(rng: np.random.Generator, towns_m: dict[str, Point]) -> tuple[list[str], list]:
    """Build schematic main roads between towns, with jittered intermediate vertices.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    towns_m : dict
        Town name to point in the metric CRS.

    Returns
    -------
    names : list of str
        Road names, e.g. ``"Fuzuli-Shusha road"``.
    lines : list of shapely.LineString
        Road geometries in the metric CRS.
    """
    names, lines = [], []
    for stops in ROADS:
        coords: list[tuple[float, float]] = []
        for a, b in itertools.pairwise(stops):
            pa, pb = np.array(towns_m[a].coords[0]), np.array(towns_m[b].coords[0])
            d = pb - pa
            normal = np.array([-d[1], d[0]]) / np.hypot(*d)
            if not coords:
                coords.append(tuple(pa))
            for t in (0.25, 0.5, 0.75):
                p = pa + t * d + normal * rng.normal(0, 1_500)
                coords.append((float(p[0]), float(p[1])))
            coords.append(tuple(pb))
        names.append("-".join(stops) + " road")
        lines.append(LineString(coords))
    return names, lines


def jittered_polygon(rng: np.random.Generator, centre: Point, area: float) -> Polygon:
    """Draw an irregular star-shaped polygon of a given area around ``centre``.

    Vertices sit at increasing angles with jittered radii, so the ring never
    self-intersects; the polygon is then scaled to the exact requested area.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    centre : shapely.Point
        Centre in the metric CRS.
    area : float
        Target area in square metres.

    Returns
    -------
    shapely.Polygon
        A valid polygon with 8 to 40 vertices.
    """
    n = int(rng.integers(8, 41))
    step = 2 * np.pi / n
    # Strictly increasing angles spanning less than a full turn: a simple ring.
    angles = rng.uniform(0, 2 * np.pi) + step * (np.arange(n) + rng.uniform(-0.4, 0.4, n))
    elong = rng.uniform(1.0, 2.2)
    tilt = rng.uniform(0, np.pi)
    radii = rng.uniform(0.65, 1.0, n) * np.sqrt(
        1.0 / ((np.cos(angles - tilt) / elong) ** 2 + (np.sin(angles - tilt) * elong) ** 2)
    )
    ring = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    poly = Polygon(ring)
    scale = math.sqrt(area / poly.area)
    ring = ring * scale + np.array(centre.coords[0])
    return Polygon(ring)


def front_line_point(rng: np.random.Generator, line: LineString) -> Point:
    """Draw a point near the schematic front ``line`` (metric CRS) with ``rng``."""
    s = rng.uniform(0, line.length)
    p0 = line.interpolate(max(s - 50, 0))
    p1 = line.interpolate(min(s + 50, line.length))
    dx, dy = p1.x - p0.x, p1.y - p0.y
    norm = math.hypot(dx, dy)
    off = rng.normal(0, 3_500)
    base = line.interpolate(s)
    return Point(base.x - dy / norm * off, base.y + dx / norm * off)


def add_overlaps(rng: np.random.Generator, polys: list, front: list[bool], inner: list) -> None:
    """Append the deliberate overlaps: each new polygon overlaps exactly one untouched one.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    polys : list of shapely.Polygon
        The hazard polygons placed so far (metric CRS); extended in place.
    front : list of bool
        Whether each polygon lies along the front line; extended in place.
    inner : list of shapely.Polygon
        The districts shrunk by 100 m: every polygon lies inside one.
    """
    targets = rng.permutation(len(polys))
    used = 0
    for t in targets:
        if used == N_OVERLAP_PAIRS:
            break
        target = polys[t]
        others = [p for i, p in enumerate(polys) if i != t]
        for _ in range(50):
            c = target.centroid
            a = rng.uniform(0, 2 * np.pi)
            r = math.sqrt(target.area / math.pi) * rng.uniform(0.5, 1.1)
            centre = Point(c.x + r * math.cos(a), c.y + r * math.sin(a))
            size = max(target.area * rng.uniform(0.3, 1.0), MIN_AREA)
            poly = jittered_polygon(rng, centre, size)
            if (
                any(g.contains(poly) for g in inner)
                and poly.intersection(target).area > 0.05 * poly.area
                and not shapely.intersects(poly, np.array(others)).any()
            ):
                polys.append(poly)
                front.append(front[t])
                used += 1
                break
    assert used == N_OVERLAP_PAIRS


def place_hazards(
    rng: np.random.Generator,
    districts_m: list,
    front_m: LineString,
    anchors_m: list,
) -> tuple[list, list[bool]]:
    """Place 400 hazard polygons: front-line ones, others, and deliberate overlaps.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    districts_m : list of shapely.Polygon
        District polygons in the metric CRS.
    front_m : shapely.LineString
        The schematic front line in the metric CRS.
    anchors_m : list of shapely.Point
        Towns and villages (metric CRS), around which some hazards cluster.

    Returns
    -------
    polys : list of shapely.Polygon
        Hazard polygons in the metric CRS, in random order.
    front : list of bool
        Whether each polygon was placed along the front line.
    """
    inner = [d.buffer(-100) for d in districts_m]
    for g in inner:
        shapely.prepare(g)
    minx, miny, maxx, maxy = shapely.union_all(districts_m).bounds
    polys: list = []
    front: list[bool] = []

    def area() -> float:
        # Log-normal (median 6 ha), truncated to [MIN_AREA, MAX_AREA] by redrawing.
        while not MIN_AREA <= (a := float(rng.lognormal(math.log(60_000), 1.4))) <= MAX_AREA:
            pass
        return a

    def fits(poly: Polygon, others: list) -> bool:
        if not any(g.contains(poly) for g in inner):
            return False
        return not (others and shapely.intersects(poly, np.array(others)).any())

    n_single = N_HAZARDS - N_OVERLAP_PAIRS
    while len(polys) < n_single:
        k = len(polys)
        if k < N_FRONT_LINE_HAZARDS:
            centre = front_line_point(rng, front_m)
        elif k < N_FRONT_LINE_HAZARDS + 50:
            anchor = anchors_m[int(rng.integers(len(anchors_m)))]
            r, a = rng.uniform(800, 4_000), rng.uniform(0, 2 * np.pi)
            centre = Point(anchor.x + r * math.cos(a), anchor.y + r * math.sin(a))
        else:
            centre = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        poly = jittered_polygon(rng, centre, area())
        if fits(poly, polys):
            polys.append(poly)
            front.append(k < N_FRONT_LINE_HAZARDS)

    add_overlaps(rng, polys, front, inner)
    order = rng.permutation(len(polys))
    return [polys[i] for i in order], [front[i] for i in order]


def evidence_and_sources(
    rng: np.random.Generator, classes: list[str], front: list[bool]
) -> tuple[list[str], list[str]]:
    """Draw each hazard's evidence (by class) and source (by class and place).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    classes : list of str
        ``SHA`` or ``CHA`` per hazard.
    front : list of bool
        Whether each polygon lies along the front line.

    Returns
    -------
    evidence, sources : list of str
        One value per hazard.
    """
    evidence = []
    for cls in classes:
        if cls == "CHA":
            evidence.append(
                str(rng.choice(["direct", "indirect", "unknown"], p=[0.88, 0.04, 0.08]))
            )
        else:
            evidence.append(
                str(
                    rng.choice(["indirect", "direct", "none", "unknown"], p=[0.78, 0.04, 0.08, 0.1])
                )
            )

    sources = []
    for cls, fl in zip(classes, front, strict=True):
        if cls == "CHA":
            opts = [
                "technical survey",
                "non-technical survey",
                "accident report",
                "former front line record",
            ]
            p = [0.35, 0.35, 0.2, 0.1]
        elif fl:
            opts = ["former front line record", "non-technical survey", "accident report"]
            p = [0.6, 0.3, 0.1]
        else:
            opts = ["non-technical survey", "accident report", "former front line record"]
            p = [0.7, 0.2, 0.1]
        sources.append(str(rng.choice(opts, p=p)))
    return evidence, sources


def hazard_codes(rng: np.random.Generator, front: list[bool]) -> dict[str, list]:
    """Draw the hazards' attributes (all but district and land use), meeting the quotas.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    front : list of bool
        Whether each polygon lies along the front line.

    Returns
    -------
    dict
        One list per column: ``hazard_class``, ``evidence``, ``device_category``,
        ``status``, ``status_date``, ``date_recorded`` (ISO dates), ``operator``,
        ``source``.
    """
    n = len(front)
    classes: list[str] = []
    statuses: list[str] = []
    for cls, counts in STATUS_QUOTAS.items():
        for status, count in zip(STATUSES, counts, strict=True):
            classes += [cls] * count
            statuses += [status] * count
    perm = rng.permutation(n)
    classes = [classes[i] for i in perm]
    statuses = [statuses[i] for i in perm]
    devices = [d for d, c in zip(DEVICES, DEVICE_QUOTAS, strict=True) for _ in range(c)]
    devices = [devices[i] for i in rng.permutation(n)]

    evidence, sources = evidence_and_sources(rng, classes, front)
    operators = [str(rng.choice(OPERATORS, p=[0.5, 0.2, 0.15, 0.15])) for _ in range(n)]

    recorded, changed = [], []
    for status in statuses:
        d0 = random_date(rng, HAZARD_FIRST_DATE, HAZARD_LAST_DATE, skew=1.6)
        if status == "active":
            d1 = d0
        else:
            d1 = min(d0 + timedelta(days=int(rng.integers(20, 720))), INCIDENT_LAST_DATE)
        recorded.append(d0)
        changed.append(d1)

    return {
        "hazard_class": classes,
        "evidence": evidence,
        "device_category": devices,
        "status": statuses,
        "status_date": [d.isoformat() for d in changed],
        "date_recorded": [d.isoformat() for d in recorded],
        "operator": operators,
        "source": sources,
    }


def blocked_land_use(
    rng: np.random.Generator,
    polys_m: list,
    district: list[str],
    roads_m: list,
    anchors_m: list,
) -> list[str]:
    """Draw the land use each hazard blocks: road, housing, else by district.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    polys_m : list of shapely.Polygon
        Hazard polygons in the metric CRS.
    district : list of str
        The district of each polygon.
    roads_m, anchors_m : list
        Roads and towns/villages in the metric CRS.

    Returns
    -------
    list of str
        One of ``LAND_USES`` per hazard.
    """
    road_zone = shapely.union_all([r.buffer(300) for r in roads_m])
    settled = shapely.union_all([a.buffer(1_500) for a in anchors_m])
    upland = {"Kalbajar", "Lachin", "Shusha", "Gubadli", "Khojaly"}
    land_use = []
    for poly, dname in zip(polys_m, district, strict=True):
        if poly.intersects(road_zone):
            land_use.append("road")
        elif poly.intersects(settled) and rng.random() < 0.7:
            land_use.append("housing")
        elif dname in upland:
            land_use.append(str(rng.choice(["pasture", "forest", "farmland"], p=[0.45, 0.4, 0.15])))
        else:
            land_use.append(str(rng.choice(["farmland", "pasture", "forest"], p=[0.7, 0.2, 0.1])))
    return land_use


def make_hazards(
    rng: np.random.Generator,
    districts: gpd.GeoDataFrame,
    districts_m: list,
    roads_m: list,
    anchors_m: list,
) -> gpd.GeoDataFrame:
    """Build the 400 synthetic hazard areas with their attributes.

    Parameters
    ----------
    rng : numpy.random.Generator
        The sample's one generator (the order of its draws fixes the output).
    districts, districts_m : geopandas.GeoDataFrame, list of shapely.Polygon
        The districts, in EPSG:4326 and in the metric CRS.
    roads_m : list of shapely.LineString
        Roads in the metric CRS.
    anchors_m : list of shapely.Point
        Towns and villages in the metric CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        The ``hazards`` layer (EPSG:4326), ordered by id.
    """
    front_m = project(
        [LineString([(lon, lat) for lat, lon in FRONT_LINE]).segmentize(0.01)],
        DISPLAY_CRS,
        METRIC_CRS,
    )[0]
    polys_m, front = place_hazards(rng, districts_m, front_m, anchors_m)
    n = len(polys_m)

    codes = hazard_codes(rng, front)
    polys = project(polys_m, METRIC_CRS, DISPLAY_CRS)
    district = district_of([p.centroid for p in polys], districts)
    land_use = blocked_land_use(rng, polys_m, district, roads_m, anchors_m)
    coded = ("hazard_class", "evidence", "device_category", "status")
    gdf = gpd.GeoDataFrame(
        {
            **{k: codes[k] for k in (*coded, "status_date", "date_recorded")},
            "district": district,
            "operator": codes["operator"],
            "source": codes["source"],
            "blocked_land_use": land_use,
        },
        geometry=polys,
        crs=DISPLAY_CRS,
    )
    gdf = gdf.sort_values(["date_recorded", "district"], kind="stable").reset_index(drop=True)
    gdf.insert(0, "id", [f"HA-{i:04d}" for i in range(1, n + 1)])
    return gdf


def split_casualties(rng: np.random.Generator, categories: list[str]) -> tuple[list, list]:
    """Draw killed/injured counts per incident that meet the published totals exactly.

    ``categories`` holds each incident's victim category (exactly one is
    ``"journalist"``); ``rng`` draws the counts. Every incident gets at least one casualty.
    """
    n = len(categories)
    j = categories.index("journalist")
    total = np.ones(n, dtype=int)
    total[j] = JOURNALISTS_KILLED
    others = [i for i in range(n) if i != j]
    extra = TOTAL_CASUALTIES - int(total.sum())
    weights = np.array([3.0 if categories[i] == "military/security" else 1.0 for i in others])
    for i in rng.choice(others, size=extra, p=weights / weights.sum()):
        total[i] += 1
    p_kill = {"civilian": 0.3, "military/security": 0.35, "deminer": 0.2}
    killed = np.zeros(n, dtype=int)
    for i in others:
        killed[i] = rng.binomial(total[i], p_kill[categories[i]])
    killed[j] = JOURNALISTS_KILLED
    civ = [i for i in others if categories[i] == "civilian"]
    while (s := int(killed[civ].sum())) != CIVILIANS_KILLED:
        if s > CIVILIANS_KILLED:
            pool = [i for i in civ if killed[i] > 0]
            killed[pool[int(rng.integers(len(pool)))]] -= 1
        else:
            pool = [i for i in civ if killed[i] < total[i]]
            killed[pool[int(rng.integers(len(pool)))]] += 1
    injured = total - killed
    return [int(k) for k in killed], [int(v) for v in injured]


TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "civilian": {
        "AP mine": (
            "Shepherd stepped on an AP mine while grazing livestock",
            "Resident stepped on an AP mine while collecting firewood",
            "Farmer stepped on an AP mine while cutting hay",
        ),
        "AT mine": (
            "Tractor struck an AT mine while ploughing",
            "Car struck an AT mine on a field track",
            "Truck struck an AT mine on a dirt road",
        ),
        "improvised mine / IED": (
            "Improvised device exploded in an abandoned house",
            "Booby-trapped object exploded while a resident inspected a ruined building",
        ),
        "cluster munition remnant": (
            "Cluster submunition exploded when picked up by a resident",
            "Cluster submunition detonated during farm work",
        ),
        "UXO": (
            "Unexploded shell detonated while a resident was clearing rubble",
            "Unexploded mortar round exploded in a garden",
        ),
        "AXO": (
            "Abandoned ordnance exploded while scrap metal was being collected",
            "Abandoned ammunition exploded during a field fire",
        ),
        "other/unknown": (
            "Unidentified explosive device detonated during field work",
            "Explosion of unknown origin on a footpath",
        ),
    },
    "military/security": {
        "AP mine": ("Serviceman stepped on an AP mine while on patrol",),
        "AT mine": ("Military vehicle struck an AT mine", "Police vehicle struck an AT mine"),
        "improvised mine / IED": ("Improvised device detonated during a patrol",),
        "cluster munition remnant": ("Cluster submunition detonated during a patrol",),
        "UXO": ("Unexploded shell detonated during an engineering task",),
        "AXO": ("Abandoned ordnance exploded while a post was being set up",),
        "other/unknown": ("Unidentified device exploded during a patrol",),
    },
    "deminer": {
        "AP mine": ("AP mine detonated during manual clearance",),
        "AT mine": ("AT mine detonated during mechanical clearance",),
        "improvised mine / IED": ("Improvised device detonated during clearance",),
        "cluster munition remnant": ("Cluster submunition detonated during clearance",),
        "UXO": ("Unexploded shell detonated during clearance",),
        "AXO": ("Abandoned ordnance detonated during a technical survey",),
        "other/unknown": ("Unidentified device detonated during clearance",),
    },
}

CIVILIAN_DEVICES = (0.35, 0.25, 0.05, 0.08, 0.15, 0.07, 0.05)
MILITARY_DEVICES = (0.35, 0.45, 0.08, 0.03, 0.06, 0.02, 0.01)


def outside_point(
    rng: np.random.Generator,
    kind: str,
    hazards_m: list,
    tree: shapely.STRtree,
    roads_m: list,
    anchors_m: list,
    region_m: Polygon,
) -> Point:
    """Draw a plausible incident point outside every hazard polygon (metric CRS).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    kind : {"road", "village", "hazard"}
        Near a road, near a town or village, or just outside a hazard area.
    hazards_m : list of shapely.Polygon
        Hazard polygons in the metric CRS.
    tree : shapely.STRtree
        Spatial index over ``hazards_m``.
    roads_m, anchors_m : list
        Roads and towns/villages in the metric CRS.
    region_m : shapely.Polygon
        The districts' region, shrunk by a margin.

    Returns
    -------
    shapely.Point
        A point at least 30 m from every hazard polygon.
    """
    while True:
        a = rng.uniform(0, 2 * np.pi)
        if kind == "road":
            road = roads_m[int(rng.integers(len(roads_m)))]
            base = road.interpolate(rng.uniform(0, road.length))
            r = rng.uniform(20, 600)
        elif kind == "village":
            base = anchors_m[int(rng.integers(len(anchors_m)))]
            r = rng.uniform(400, 3_000)
        else:
            h = hazards_m[int(rng.integers(len(hazards_m)))]
            base = h.centroid
            r = math.sqrt(h.area / math.pi) * 1.6 + rng.uniform(50, 1_500)
        pt = Point(base.x + r * math.cos(a), base.y + r * math.sin(a))
        if region_m.contains(pt) and not len(tree.query(pt, predicate="dwithin", distance=30)):
            return pt


def inside_point(rng: np.random.Generator, poly: Polygon) -> Point:
    """Draw a point at least 10 m inside the hazard polygon ``poly`` (metric CRS) with ``rng``."""
    core = poly.buffer(-10)
    minx, miny, maxx, maxy = core.bounds
    while True:
        pt = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if core.contains(pt):
            return pt


def incident_plan(rng: np.random.Generator) -> tuple[list[str], list[bool]]:
    """Plan every incident's victim category, and whether it lies inside a hazard area.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.

    Returns
    -------
    categories : list of str
        The journalists' incident first, then deminers, military/security, civilians.
    inside : list of bool
        Inside a hazard polygon (every deminer, and enough others for ``N_INSIDE``).
    """
    n_civ = N_INCIDENTS - N_DEMINER - N_MILITARY - 1
    cats = ["journalist"] + ["deminer"] * N_DEMINER + ["military/security"] * N_MILITARY
    cats += ["civilian"] * n_civ
    # Deminers are hurt at worksites (inside hazards); fill the rest of the inside quota.
    inside = [False] + [True] * N_DEMINER
    n_more = N_INSIDE - N_DEMINER
    rest = np.zeros(N_INCIDENTS - 1 - N_DEMINER, dtype=bool)
    rest[rng.choice(len(rest), size=n_more, replace=False)] = True
    inside += [bool(x) for x in rest]
    return cats, inside


def journalist_point(
    rng: np.random.Generator, roads_m: list, districts: gpd.GeoDataFrame, tree: shapely.STRtree
) -> Point:
    """Draw the journalists' incident: on the Tartar-Kalbajar road, in Kalbajar district.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    roads_m : list of shapely.LineString
        Roads in the metric CRS, in ``ROADS`` order.
    districts : geopandas.GeoDataFrame
        District polygons in EPSG:4326.
    tree : shapely.STRtree
        Spatial index over the hazard polygons (metric CRS).

    Returns
    -------
    shapely.Point
        A point near the road, at least 30 m from every hazard polygon.
    """
    road = roads_m[ROADS.index(("Tartar", "Kalbajar"))]
    kalbajar_m = project(
        [districts.geometry[list(districts["name"]).index("Kalbajar")]], DISPLAY_CRS, METRIC_CRS
    )[0].buffer(-300)
    while True:
        base = road.interpolate(rng.uniform(0, road.length))
        pt = Point(base.x + rng.normal(0, 80), base.y + rng.normal(0, 80))
        near = tree.query(pt, predicate="dwithin", distance=30)
        if kalbajar_m.contains(pt) and not len(near):
            return pt


def inside_date(rng: np.random.Generator, category: str, hazard: pd.Series) -> date:
    """Draw the date of an incident inside a hazard area, consistent with its history.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    category : str
        The victim category: deminers are hurt while the area is worked.
    hazard : pandas.Series
        The hazard's row (``date_recorded``, ``status_date``, ``status``).

    Returns
    -------
    datetime.date
        The drawn date.
    """
    d0 = date.fromisoformat(hazard["date_recorded"])
    d1 = date.fromisoformat(hazard["status_date"])
    if category == "deminer":
        last = d1 if d1 > d0 else INCIDENT_LAST_DATE
        return random_date(rng, d0, last)
    last = d1 if hazard["status"] != "active" else INCIDENT_LAST_DATE
    return random_date(rng, HAZARD_FIRST_DATE, last, skew=1.8)


def describe(
    rng: np.random.Generator,
    cats: list[str],
    devices: list[str],
    points_m: list,
    district: list[str],
    towns: gpd.GeoDataFrame,
) -> list[str]:
    """Write each incident's description: what happened, and near which place.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    cats, devices : list of str
        Victim and device category per incident.
    points_m : list of shapely.Point
        The incidents in the metric CRS.
    district : list of str
        The district of each incident.
    towns : geopandas.GeoDataFrame
        Towns and villages in EPSG:4326.

    Returns
    -------
    list of str
        One sentence per incident.
    """
    anchors_m = list(towns.to_crs(METRIC_CRS).geometry)
    descriptions = []
    for cat, dev, pm, dname in zip(cats, devices, points_m, district, strict=True):
        if cat == "journalist":
            descriptions.append(
                "Vehicle carrying a press group struck an AT mine in Kalbajar district"
            )
            continue
        options = TEMPLATES[cat][dev]
        text = options[int(rng.integers(len(options)))]
        dists = [pm.distance(a) for a in anchors_m]
        k = int(np.argmin(dists))
        place = towns["name"][k]
        where = f"near {place}" if dists[k] < 8_000 else f"in {dname} district"
        descriptions.append(f"{text} {where}")
    return descriptions


def make_incidents(
    rng: np.random.Generator,
    districts: gpd.GeoDataFrame,
    hazards: gpd.GeoDataFrame,
    roads_m: list,
    towns: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Build the synthetic incidents, meeting the published casualty figures.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random generator.
    districts : geopandas.GeoDataFrame
        District polygons in EPSG:4326.
    hazards : geopandas.GeoDataFrame
        The hazards layer in EPSG:4326.
    roads_m : list of shapely.LineString
        Roads in the metric CRS.
    towns : geopandas.GeoDataFrame
        Towns and villages in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        The ``incidents`` layer (EPSG:4326), ordered by date.
    """
    hazards_m = list(hazards.to_crs(METRIC_CRS).geometry)
    tree = shapely.STRtree(hazards_m)
    anchors_m = list(towns.to_crs(METRIC_CRS).geometry)
    region_m = project([shapely.union_all(districts.geometry)], DISPLAY_CRS, METRIC_CRS)[0]
    region_m = region_m.buffer(-300)
    cats, inside = incident_plan(rng)

    points_m, devices, dates = [], [], []
    worked = [i for i, s in enumerate(hazards["status"]) if s != "cancelled"]
    for cat, ins in zip(cats, inside, strict=True):
        if cat == "journalist":
            points_m.append(journalist_point(rng, roads_m, districts, tree))
            devices.append("AT mine")
            dates.append(JOURNALIST_DATE)
            continue
        if ins:
            pool = worked if cat == "deminer" else range(len(hazards_m))
            h = list(pool)[int(rng.integers(len(pool)))]
            points_m.append(inside_point(rng, hazards_m[h]))
            devices.append(hazards["device_category"][h])
            dates.append(inside_date(rng, cat, hazards.iloc[h]))
            continue
        kind = str(rng.choice(["road", "village", "hazard"], p=[0.35, 0.3, 0.35]))
        points_m.append(outside_point(rng, kind, hazards_m, tree, roads_m, anchors_m, region_m))
        p = CIVILIAN_DEVICES if cat == "civilian" else MILITARY_DEVICES
        devices.append(str(rng.choice(DEVICES, p=p)))
        dates.append(random_date(rng, HAZARD_FIRST_DATE, INCIDENT_LAST_DATE, skew=1.8))

    killed, injured = split_casualties(rng, cats)
    points = project(points_m, METRIC_CRS, DISPLAY_CRS)
    district = district_of(points, districts)

    gdf = gpd.GeoDataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "incident_type": [
                "demining accident" if c == "deminer" else "mine/ERW accident" for c in cats
            ],
            "killed": np.array(killed, dtype="int64"),
            "injured": np.array(injured, dtype="int64"),
            "victim_category": cats,
            "device_category": devices,
            "district": district,
            "description": describe(rng, cats, devices, points_m, district, towns),
        },
        geometry=points,
        crs=DISPLAY_CRS,
    )
    gdf = gdf.sort_values(["date", "district"], kind="stable").reset_index(drop=True)
    gdf.insert(0, "id", [f"INC-{i:04d}" for i in range(1, len(gdf) + 1)])
    return gdf


def laea_areas(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Measure polygon areas in square metres in an equal-area projection.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Polygons in EPSG:4326.

    Returns
    -------
    pandas.Series
        Areas in m², from a Lambert azimuthal equal-area projection on the region.
    """
    lon0 = (REGION_BOUNDS[0] + REGION_BOUNDS[2]) / 2
    lat0 = REGION_MID_LAT
    laea = f"+proj=laea +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    return gdf.to_crs(laea).area


def check(
    districts: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame
) -> int:
    """Assert the invariants the sample data promise.

    Parameters
    ----------
    districts, hazards, incidents : geopandas.GeoDataFrame
        The generated layers (EPSG:4326).

    Returns
    -------
    int
        Number of incidents outside every hazard polygon.
    """
    region = box(*REGION_BOUNDS)
    union = shapely.union_all(districts.geometry)
    assert abs(union.area - region.area) < 1e-9
    dg = list(districts.geometry)
    for i in range(len(dg)):
        for j in range(i + 1, len(dg)):
            assert dg[i].intersection(dg[j]).area < 1e-12

    assert len(hazards) == N_HAZARDS
    assert hazards.geometry.is_valid.all()
    cells = dict(zip(districts["name"], districts.geometry, strict=True))
    for g, dname in zip(hazards.geometry, hazards["district"], strict=True):
        assert cells[dname].contains(g)  # so any centroid method names the same district
    assert set(hazards["blocked_land_use"]) <= set(LAND_USES)
    assert set(hazards["device_category"]) <= set(DEVICES)
    assert set(incidents["device_category"]) <= set(DEVICES)
    areas = laea_areas(hazards)
    assert areas.min() >= 5_000
    assert areas.max() <= 3_000_000
    nverts = [len(g.exterior.coords) - 1 for g in hazards.geometry]
    assert min(nverts) >= 8
    assert max(nverts) <= 40
    for cls in ("SHA", "CHA"):
        assert (hazards["hazard_class"] == cls).sum() >= 100
    for dev in DEVICES:
        assert (hazards["device_category"] == dev).sum() >= 5
    for status in STATUSES:
        assert (hazards["status"] == status).sum() >= 15
    assert (hazards["status"] == "active").sum() > N_HAZARDS / 2
    assert (hazards["status_date"] >= hazards["date_recorded"]).all()
    assert hazards["date_recorded"].between("2020-11-10", "2024-06-30").all()
    hz = list(hazards.geometry)
    tree = shapely.STRtree(hz)
    overlapping = set()
    for i, g in enumerate(hz):
        for j in tree.query(g, predicate="intersects"):
            if j != i and g.intersection(hz[j]).area > 0:
                overlapping.add(i)
    assert len(overlapping) == 2 * N_OVERLAP_PAIRS

    assert (incidents["killed"] + incidents["injured"]).sum() == TOTAL_CASUALTIES
    assert (incidents["killed"] + incidents["injured"] >= 1).all()
    civ = incidents["victim_category"] == "civilian"
    assert incidents.loc[civ, "killed"].sum() == CIVILIANS_KILLED
    jour = incidents[incidents["victim_category"] == "journalist"]
    assert len(jour) == 1
    assert jour["killed"].sum() == JOURNALISTS_KILLED
    assert jour["date"].iloc[0] == JOURNALIST_DATE.isoformat()
    assert jour["district"].iloc[0] == "Kalbajar"
    assert incidents["date"].between("2020-11-10", "2024-12-31").all()
    hit = incidents.geometry.apply(lambda p: len(tree.query(p, predicate="intersects")) > 0)
    within = incidents.geometry.apply(lambda p: len(tree.query(p, predicate="within")) > 0)
    assert (hit == within).all()  # no incident on a hazard's boundary
    outside = int((~hit).sum())
    assert outside > len(incidents) / 2
    return outside


def main() -> None:
    """Generate the sample GeoPackage and CSV next to this script."""
    rng = np.random.default_rng(SEED)
    districts = make_districts()
    districts_m = list(districts.to_crs(METRIC_CRS).geometry)
    towns = make_towns(rng, districts, districts_m)
    towns_m = dict(zip(towns["name"], towns.to_crs(METRIC_CRS).geometry, strict=True))
    road_names, roads_m = make_roads(rng, towns_m)
    roads = gpd.GeoDataFrame(
        {"name": road_names, "road_class": ["main"] * len(road_names)},
        geometry=project(roads_m, METRIC_CRS, DISPLAY_CRS),
        crs=DISPLAY_CRS,
    )
    anchors_m = list(towns_m.values())
    hazards = make_hazards(rng, districts, districts_m, roads_m, anchors_m)
    incidents = make_incidents(rng, districts, hazards, roads_m, towns)
    outside = check(districts, hazards, incidents)

    GPKG_PATH.unlink(missing_ok=True)
    # A fixed timestamp in gpkg_contents keeps the file byte-identical between runs.
    # (GDAL reads the OGR_CURRENT_DATE configuration option from the environment.)
    os.environ["OGR_CURRENT_DATE"] = "2025-01-01T00:00:00Z"
    for name, layer in (
        ("districts", with_local_names(districts)),
        ("towns", with_local_names(towns)),
        ("roads", roads),
        ("hazards", hazards),
        ("incidents", incidents),
    ):
        # The notice every map of this file shows (geomap.io.read_notice reads it back).
        meta = {"dataset_metadata": {NOTICE_KEY: NOTICE}} if name == "districts" else {}
        layer.to_file(GPKG_PATH, layer=name, driver="GPKG", engine="pyogrio", **meta)

    table = pd.DataFrame(incidents.drop(columns="geometry"))
    table["latitude"] = incidents.geometry.y.round(6)
    table["longitude"] = incidents.geometry.x.round(6)
    table.to_csv(CSV_PATH, index=False, lineterminator="\n")

    print(
        f"wrote {GPKG_PATH.name} ({len(hazards)} hazards, {len(incidents)} incidents, "
        f"{outside} outside every hazard) and {CSV_PATH.name}"
    )


if __name__ == "__main__":
    main()
