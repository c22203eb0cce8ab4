"""The compact format's encodings read back exactly (base85, byte planes, varying steps), and
large layers' outlines on their coarser grid stay where the display tolerance allows."""

from __future__ import annotations

import base64
import zlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geomap.map._encode import BASE85
from geomap.map._encode import base85
from geomap.map._encode import binary
from geomap.map._encode import numbered
from geomap.map._encode import safe_json
from geomap.map._encode import varying
from geomap.map._polygons import _level
from geomap.map._polygons import _sinusoidal
from geomap.map._polygons import display_polygons
from geomap.map._polygons import outline_scale

ASCII85 = "".join(chr(c) for c in range(33, 33 + 85))


def _unbase85(text: str) -> bytes:
    """Bytes of base85 text, through the standard library's Ascii85 (same digits' order)."""
    return base64.a85decode(text.translate(str.maketrans(BASE85, ASCII85)))


def _decode(col: dict) -> np.ndarray:
    """Values of a compact binary array, decoded as the page does."""
    dtype = np.dtype(col["t"]).newbyteorder("<")
    if "b64" in col:  # small arrays travel as they are
        return np.frombuffer(base64.b64decode(col["b64"]), dtype)
    raw = zlib.decompress(_unbase85(col["z85"]), -15)
    if "vb" not in col:  # byte planes
        return np.frombuffer(raw, np.uint8).reshape(dtype.itemsize, -1).T.copy().view(dtype).ravel()
    vb, out, i = col["vb"], [], 0
    while len(out) < col["n"]:
        z = raw[i]
        i += 1
        if vb <= z < 255:
            z, i = vb + ((z - vb) << 8) + raw[i], i + 1
        elif z == 255:
            z, i = int.from_bytes(raw[i : i + 4], "little"), i + 4
        out.append((z >> 1) ^ -(z & 1))
    assert i == len(raw)
    return np.array(out)


@pytest.mark.parametrize("n", [*range(13), 4097])
def test_base85_reads_back_every_length_and_needs_no_escape(n):
    data = np.random.default_rng(n).integers(1, 256, n, dtype=np.uint8).tobytes()
    text = base85(data)
    assert len(text) == n // 4 * 5 + (n % 4 + 1 if n % 4 else 0)
    assert _unbase85(text) == data
    assert safe_json(text) == f'"{text}"'  # nothing for JSON or a <script> to escape


def test_base85_digits_are_printable_and_safe():
    assert len(set(BASE85)) == 85
    assert not set(BASE85) & set("\"'&<>\\ ")
    assert base85(bytes([0, 0, 0, 0, 255])) == "!!!!!xx"  # js/test/codec.test.js reads the same


@pytest.mark.parametrize("dtype", ["u1", "u2", "i2", "i4"])
def test_compact_binary_arrays_read_back(dtype):
    info = np.iinfo(np.dtype(dtype))
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.integers(info.min, info.max, 50_000), [info.min, info.max]])
    col = binary(values, dtype, deflate=True)
    assert set(col) == {"z85", "t"}
    assert _decode(col).tolist() == values.tolist()


def test_small_integers_take_a_byte_or_two_and_read_back():
    rng = np.random.default_rng(3)
    steps = rng.laplace(0, 40, 100_000).round().astype(np.int64)
    col = varying(steps, "i2")
    assert _decode(col).tolist() == steps.tolist()
    assert len(col["z85"]) < len(binary(steps, "i2", deflate=True)["z85"])
    wide = np.array([0, -1, 1, 123, -124, 1147, -1148, 2000, -32768, 32767, 2**31 - 1, -(2**31)])
    assert _decode(varying(wide, "i4")).tolist() == wide.tolist()


@pytest.mark.parametrize(
    "ids",
    [
        ["HA-007", "HA-008", "HA-1000", "HA-010"],
        ["0007", "0003", "12345"],
        ["INC-1", "INC-2", "INC-30"],
        ["ÄÖ-01", "ÄÖ-02"],
    ],
)
def test_numbered_ids_read_back_exactly(ids):
    spec = numbered(pd.Series(ids, dtype=object))
    assert spec is not None
    nums = np.cumsum(_decode(spec["num"]))
    assert [spec["pre"] + str(n).zfill(spec["w"]) for n in nums] == ids


@pytest.mark.parametrize(
    "ids",
    [
        ["HA-007", "HA-0100"],  # a longer number with a zero that is not padding
        ["HA-7", "HA-08"],
        ["HA-1", "HB-2"],
        ["HA-1", "HA-1b"],
        ["HA-1", None],
        ["HA-1", 2],
        ["HA-1234567890", "HA-1"],  # beyond 9 digits
        ["A١٢", "A3"],  # digits other than 0-9
        ["HA-", "HA-1"],
    ],
)
def test_text_that_is_not_numbered_ids_is_not_taken_for_them(ids):
    assert numbered(pd.Series(ids, dtype=object)) is None


def _stars(n: int, radius_m: float, seed: int = 5) -> gpd.GeoDataFrame:
    """Irregular polygons of about ``radius_m`` (many vertices) near 33.3 N, 44.4 E."""
    rng = np.random.default_rng(seed)
    polys = []
    for k in range(n):
        angles = np.linspace(0, 2 * np.pi, 60, endpoint=False) + rng.uniform(0, 0.1, 60)
        r = radius_m * rng.uniform(0.7, 1.0, 60) / 111_195
        cx, cy = 44.4 + (k % 30) * 0.02, 33.3 + (k // 30) * 0.02
        polys.append(
            shapely.Polygon(
                np.column_stack([cx + r * np.cos(angles) / 0.836, cy + r * np.sin(angles)])
            )
        )
    return gpd.GeoDataFrame(geometry=polys, crs=4326)


def _outlines(level: dict) -> list[shapely.Polygon]:
    ring, xy = _decode(level["ring"]), _decode(level["steps"]).reshape(-1, 2)
    starts = _decode(level["starts"]).reshape(-1, 2)
    out = []
    for r in range(len(ring) - 1):
        pts = np.cumsum(xy[ring[r] : ring[r + 1]], axis=0) + starts[r]
        out.append(shapely.Polygon(pts / level["scale"]))
    return out


def _shapes(level: dict) -> list[shapely.Geometry]:
    """Polygons and multipolygons of a display level (either format), as the page reads them."""
    ring, part, geom = (_decode(level[k]) for k in ("ring", "part", "geom"))
    xy, starts = _decode(level["steps"]).reshape(-1, 2), _decode(level["starts"]).reshape(-1, 2)
    rings = [
        (np.cumsum(xy[ring[r] : ring[r + 1]], axis=0) + starts[r]) / level["scale"]
        for r in range(len(ring) - 1)
    ]
    polys = [
        shapely.Polygon(rings[part[p]], rings[part[p] + 1 : part[p + 1]])
        for p in range(len(part) - 1)
    ]
    return [
        polys[geom[g]]
        if geom[g + 1] - geom[g] == 1
        else shapely.MultiPolygon(polys[geom[g] : geom[g + 1]])
        for g in range(len(geom) - 1)
    ]


@pytest.mark.parametrize("compact", [False, True])
def test_simplified_outlines_keep_every_part_and_hole_within_the_tolerance(compact):
    """Display simplification (3 m) drops vertices, never a part or a hole, however small."""
    # A field of 800 x 600 m whose edge wobbles by 1 m (vertices to drop), with a hole
    # of 3 x 3 m and a second part 2.5 m wide: both narrower than twice the tolerance.
    lon0, lat0, m = 46.9, 39.9, 1 / 111_195  # about a metre in degrees of latitude
    t = np.linspace(0, 1, 200)
    edge = [(lon0 + 800 * m * x, lat0 + m * np.sin(40 * x)) for x in t]
    shell = [*edge, (lon0 + 800 * m, lat0 + 600 * m), (lon0, lat0 + 600 * m)]
    hole = shapely.box(lon0 + 100 * m, lat0 + 100 * m, lon0 + 103 * m, lat0 + 103 * m)
    field = shapely.Polygon(shell, [hole.exterior.coords])
    strip = shapely.box(lon0, lat0 + 700 * m, lon0 + 300 * m, lat0 + 702.5 * m)
    given = shapely.MultiPolygon([field, strip])
    gdf = gpd.GeoDataFrame(geometry=[given] * 3, crs=4326)
    got = _shapes(display_polygons(gdf, 3.0, compact=compact)["g"])
    assert len(got) == 3
    for shown in got:
        assert shapely.get_num_geometries(shown) == 2
        assert [len(p.interiors) for p in shown.geoms] == [1, 0]
        assert shapely.get_num_coordinates(shown) < shapely.get_num_coordinates(given) / 10
        assert shown.is_valid
        # Within the tolerance and the grid's rounding (1e-6 or 1e-5 degree), in metres.
        utm = gpd.GeoSeries([shown, given], crs=4326).to_crs(32638)
        assert utm[0].hausdorff_distance(utm[1]) < (3.2 if not compact else 3.9)


@pytest.mark.parametrize("compact", [False, True])
def test_a_ring_smaller_than_the_tolerance_shrinks_to_a_small_ring(compact):
    """A 2 m circle (64 vertices) at 3 m: a ring of 4 vertices, not its 65 nor nothing."""
    centres = gpd.GeoSeries(gpd.points_from_xy([500_000, 500_100], [4_400_000] * 2), crs=32638)
    circles = gpd.GeoDataFrame(geometry=centres.buffer(2.0).to_crs(4326))
    got = _shapes(display_polygons(circles, 3.0, compact=compact)["g"])
    assert [shapely.get_num_coordinates(g) for g in got] == [4, 4]


def test_a_hole_near_the_shell_stays_inside_it():
    """Rings simplified one by one could cross; polygons of several rings are checked."""
    shell = [(0, 0), (20, -2.5), (40, 0), (40, 40), (0, 40)]  # metres: a shallow notch
    hole = [(19, -1.8), (21, -1.8), (20, -1.0)]  # inside the notch, 0.7 m from its tip
    given = shapely.affinity.translate(shapely.Polygon(shell, [hole]), 500_000, 4_400_000)
    gdf = gpd.GeoDataFrame(geometry=gpd.GeoSeries([given] * 2, crs=32638).to_crs(4326))
    for shown in _shapes(display_polygons(gdf, 3.0)["g"]):
        assert shapely.is_valid(shown), shapely.is_valid_reason(shown)
        assert len(shown.interiors) == 1


def _local_m(geom: shapely.Geometry) -> shapely.Geometry:
    """The geometry in metres east and north (equirectangular about 33.4 N)."""
    return shapely.transform(geom, lambda xy: xy * [111_195 * np.cos(np.radians(33.4)), 111_195])


def test_large_layers_outlines_snap_to_a_grid_within_the_tolerance():
    gdf = _stars(600, 80.0)
    lat = float(np.radians(33.4))
    assert outline_scale(3.0, lat, gdf) == 50_000
    assert outline_scale(0.0, lat, gdf) == 100_000
    assert outline_scale(1.0, lat, gdf) == 100_000
    # Polygons a few metres across keep the finer grid (none shrinks to a dot).
    assert outline_scale(3.0, lat, _stars(600, 4.0)) == 100_000
    level = display_polygons(gdf, 3.0, compact=True)["g"]
    assert level["scale"] == 50_000
    drawn = _outlines(level)
    assert len(drawn) == len(gdf)
    # The same simplified outlines on the 1e-5 degree grid, vertex for vertex.
    geoms = gdf.geometry.to_numpy()
    finer = _outlines(_level(geoms, 3.0, _sinusoidal(geoms), 100_000, compact=True))
    geod = Geod(ellps="WGS84")
    for original, fine, shown in zip(gdf.geometry, finer, drawn, strict=True):
        assert shown.is_valid
        # Each vertex within half the tolerance (and the finer grid's own rounding).
        moved = shapely.get_coordinates(_local_m(shown)) - shapely.get_coordinates(_local_m(fine))
        assert np.hypot(*moved.T).max() < 1.5 + 0.7
        a0, a1 = (abs(geod.geometry_area_perimeter(g)[0]) for g in (original, shown))
        assert abs(a1 - a0) / a0 < 0.05


def test_outlines_are_the_same_on_one_thread_or_several(monkeypatch):
    gdf = _stars(12_000, 60.0)
    monkeypatch.setenv("GEOMAP_THREADS", "1")
    one = display_polygons(gdf, 3.0, compact=True)
    monkeypatch.setenv("GEOMAP_THREADS", "2")
    assert display_polygons(gdf, 3.0, compact=True) == one
