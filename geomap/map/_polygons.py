"""Polygons for the page: simplified for display, packed into one binary ragged array.

Coordinates travel as integer microdegrees (or on the compact format's coarser grid);
within a ring each vertex after the first as an int16 step from the one before when
every step fits. One level of detail travels; for large layers the page makes the
overview from it (see :func:`display_polygons`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geomap._parallel import each
from geomap._parallel import threads
from geomap.geo import project
from geomap.map._encode import COMPACT_SCALE
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import binary
from geomap.map._encode import varying
from geomap.map.contract import Ragged
from geomap.model import DISPLAY_CRS

__all__ = [
    "POLYGON_CHUNK",
    "display_polygons",
    "outline_scale",
    "ragged_polygons",
    "simplify",
    "simplify_rings",
]

#: Polygons are simplified and encoded this many at a time, to bound memory.
POLYGON_CHUNK = 5000

_Ragged = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _ragged_xy(geoms: np.ndarray) -> _Ragged:
    """2D coordinates (degrees, float) and ring, part and geometry offsets of polygons."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        zero = np.zeros(1, dtype=np.int64)
        return np.zeros((0, 2), dtype=float), zero, zero, zero
    if (shapely.get_type_id(geoms) == 3).all():  # plain polygons: one part each
        _, xy, (ring, part) = shapely.to_ragged_array(geoms, include_z=False)
        geom = np.arange(len(part), dtype=np.int64)
    else:
        parts, index = shapely.get_parts(geoms, return_index=True)
        multi = shapely.multipolygons(parts, indices=index)
        _, xy, (ring, part, geom) = shapely.to_ragged_array(multi, include_z=False)
    return xy, ring.astype(np.int64), part.astype(np.int64), geom.astype(np.int64)


def _on_grid(xy: np.ndarray, scale: int) -> np.ndarray:
    """Coordinates as integers on a ``1 / scale`` degree grid."""
    return np.round(xy * scale).astype(np.int32)  # 180 degrees at 1e-6: well inside int32


def _ragged_arrays(geoms: np.ndarray, scale: int = COORD_SCALE) -> _Ragged:
    """Integer coordinates (``1 / scale`` degree) and ring, part and geometry offsets."""
    xy, ring, part, geom = _ragged_xy(geoms)
    return _on_grid(xy, scale), ring, part, geom


def _ring_ids(ring: np.ndarray) -> np.ndarray:
    """Return the ring of each vertex, from the rings' offsets."""
    return np.repeat(np.arange(len(ring) - 1), np.diff(ring))


def _swap_rings(
    xy: np.ndarray, ring: np.ndarray, other_xy: np.ndarray, other_ring: np.ndarray, swap: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rings in order, each from ``xy``, or from ``other_xy`` where ``swap`` says.

    ``other_xy`` and ``other_ring`` hold only the swapped rings, in order.
    """
    if len(other_ring) - 1 != swap.sum():  # not the same rings: keep what we have
        return xy, ring
    ids = _ring_ids(ring)
    keep = ~swap[ids]
    other_ids = np.flatnonzero(swap)[_ring_ids(other_ring)]
    order = np.argsort(np.concatenate([ids[keep], other_ids]), kind="stable")
    counts = np.diff(ring)
    counts[swap] = np.diff(other_ring)
    return (
        np.concatenate([xy[keep], other_xy])[order],
        np.concatenate([[0], np.cumsum(counts)]),
    )


def simplify_rings(
    xy: np.ndarray, ring: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """Simplify every ring on its own (Douglas-Peucker), never to less than a ring.

    ``xy`` are metric coordinates and ``ring`` the offsets of the rings in them (as
    :func:`shapely.to_ragged_array` gives). Each ring is simplified as a closed line,
    so no part and no hole is ever dropped, and the offsets of parts and geometries do
    not change. A ring that would collapse (smaller than about twice the tolerance) is
    simplified as a ring instead, which GEOS keeps at 4 vertices at least. This does
    not check how rings lie against each other (:func:`_level` does, for polygons of
    several rings), which makes it a third to a sixth of the cost of GEOS's polygon
    simplifiers.

    Examples
    --------
    >>> import numpy as np
    >>> square = [[0, 0], [5, 0.1], [10, 0], [10, 10], [0, 10], [0, 0]]
    >>> dot = [[0, 20], [1, 20], [1, 20.5], [0.5, 20.6], [0, 20.5], [0, 20]]
    >>> xy, ring = simplify_rings(np.array(square + dot, float), np.array([0, 6, 12]), 1.0)
    >>> ring.tolist(), xy[:5].tolist()
    ([0, 5, 9], [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]])
    """
    n = len(ring) - 1
    if n == 0 or tolerance <= 0:
        return xy, ring
    ids = _ring_ids(ring)
    lines = shapely.simplify(
        shapely.linestrings(xy, indices=ids), tolerance, preserve_topology=False
    )
    simple, simple_ids = shapely.get_coordinates(lines, return_index=True)
    simple_ring = np.concatenate([[0], np.cumsum(np.bincount(simple_ids, minlength=n))])
    collapsed = np.diff(simple_ring) < 4
    if not collapsed.any():
        return simple, simple_ring
    own, own_ring = xy[collapsed[ids]], np.cumsum([0, *np.diff(ring)[collapsed]])
    rings = shapely.linearrings(own, indices=_ring_ids(own_ring))
    kept, kept_ids = shapely.get_coordinates(
        shapely.simplify(rings, tolerance, preserve_topology=True), return_index=True
    )
    kept_ring = np.concatenate([[0], np.cumsum(np.bincount(kept_ids, minlength=len(rings)))])
    if (np.diff(kept_ring) < 4).any():  # not expected of GEOS: then those rings stay whole
        kept, kept_ring = own, own_ring
    return _swap_rings(simple, simple_ring, kept, kept_ring, collapsed)


def _crossed(xy: np.ndarray, ring: np.ndarray, part: np.ndarray, geom: np.ndarray) -> np.ndarray:
    """Which polygons of several rings are not valid (a part or hole moved across another)."""
    several = np.diff(part[geom]) > 1  # rings per geometry
    out = np.zeros(len(geom) - 1, dtype=bool)
    if several.any():
        polygons = shapely.from_ragged_array(
            shapely.GeometryType.MULTIPOLYGON, xy, (ring, part, geom)
        )
        out[several] = ~shapely.is_valid(polygons[several])
    return out


def _pack_ragged(
    chunks: Sequence[_Ragged], scale: int = COORD_SCALE, *, deflate: bool = False
) -> Ragged:
    """Join chunks of :func:`_ragged_arrays` and encode them for the page.

    Within a ring, each vertex after the first travels as an int16 step from the
    one before when every step fits (about 3.6 km at most at microdegrees, 36 km at
    the compact format's 1e-5 degree), which halves the bytes of typical hazard
    polygons; otherwise coordinates are int32. ``deflate``: see
    :func:`geomap.map._encode.binary`.
    """
    xys, rings, parts, geoms = [], [], [], []
    n_xy = n_ring = n_part = 0
    for k, (xy, ring, part, geom) in enumerate(chunks):
        xys.append(xy)
        rings.append(ring[(0 if k == 0 else 1) :] + n_xy)
        parts.append(part[(0 if k == 0 else 1) :] + n_ring)
        geoms.append(geom[(0 if k == 0 else 1) :] + n_part)
        n_xy += len(xy)
        n_ring += len(ring) - 1
        n_part += len(part) - 1
    ints = np.concatenate(xys) if xys else np.zeros((0, 2), dtype=np.int32)
    ring = np.concatenate(rings) if rings else np.zeros(1, dtype=np.int64)
    out: Ragged = {
        "ring": binary(ring, "i4", deflate=deflate),
        "part": binary(np.concatenate(parts) if parts else ring[:1], "i4", deflate=deflate),
        "geom": binary(np.concatenate(geoms) if geoms else ring[:1], "i4", deflate=deflate),
        "scale": scale,
    }
    starts = ring[:-1]
    steps = np.diff(ints, axis=0, prepend=ints[:1])
    steps[starts] = 0  # a ring's first vertex is absolute, in `starts`
    if len(ints) and np.abs(steps).max() < 32767:
        flat = steps.ravel()
        out["steps"] = varying(flat, "i2") if deflate else binary(flat, "i2")
        out["starts"] = binary(ints[starts].ravel(), "i4", deflate=deflate)
    else:
        out["xy"] = binary(ints.ravel(), "i4", deflate=deflate)
    return out


def ragged_polygons(geoms: np.ndarray) -> Ragged:
    """Polygons as one binary ragged array for the page (see :func:`_pack_ragged`)."""
    return _pack_ragged([_ragged_arrays(geoms)])


def simplify(geoms: np.ndarray, crs: Any, tolerance_m: float) -> np.ndarray:
    """Simplify polygons for display in a metric CRS, keeping topology; never to nothing."""
    geoms = np.asarray(geoms, dtype=object)
    if tolerance_m <= 0 or len(geoms) == 0:
        return geoms
    metric = project(geoms, crs)
    out = shapely.simplify(metric, tolerance_m, preserve_topology=True)
    lost = shapely.is_empty(out) | ~np.isin(shapely.get_type_id(out), (3, 6))
    out[lost] = metric[lost]  # one that would vanish stays as it was
    return project(out, DISPLAY_CRS, src=crs)


def display_polygons(
    gdf: gpd.GeoDataFrame, simplify_m: float, *, compact: bool = False
) -> dict[str, Any]:
    """Display geometry: one level, from which the page makes the overview of large layers.

    The level (``g``) is simplified to ``simplify_m``, ring by ring, every part and
    hole kept (:func:`simplify_rings`). A layer of 500 polygons or more whose extent
    makes a pixel of the overview worth more than four times that also gets ``coarse``
    (``tol`` in the level's integer units, ``kx`` the cosine of its latitude): the page
    simplifies the level to about a pixel of the view of everything for the first draw
    (js/src/simplify.js) and gives the polygons in view their full detail from
    ``detailZoom`` on. Polygons go through in chunks on the cores, each projected to a
    local metric projection and back once. ``compact``: coordinates on a grid of 1e-5
    degree or coarser (:func:`outline_scale`), arrays deflated (the compact format of
    large layers).
    """
    geoms = gdf.geometry.to_numpy()
    if len(gdf) == 0:
        return {"g": ragged_polygons(geoms)}
    forward, inverse = _sinusoidal(geoms)
    w, south, e, north = gdf.total_bounds
    corners = forward(np.array([[w, south], [e, south], [w, north], [e, north]], dtype=float))
    extent = max(float(np.ptp(corners[:, 0])), float(np.ptp(corners[:, 1])), 1.0)
    coarse_m = extent / 1000  # about one pixel of a 1000-pixel-wide view of everything
    two_levels = coarse_m > 4 * simplify_m and len(gdf) >= 500
    lat = float(np.radians(gdf.total_bounds[[1, 3]].mean()))
    scale = outline_scale(simplify_m, lat, gdf) if compact else COORD_SCALE
    level = _level(geoms, simplify_m, (forward, inverse), scale, compact=compact)
    if not two_levels:
        return {"g": level}
    # Ground resolution is 156543 m/px * cos(lat) / 2**zoom; go fine from the zoom at
    # which the overview's error would exceed a pixel.
    detail_zoom = int(np.ceil(np.log2(156543.03 * np.cos(lat) / coarse_m)))
    tol = coarse_m / (np.radians(1) * _EARTH_M / level["scale"])
    return {
        "g": level,
        "coarse": {"tol": round(float(tol), 3), "kx": round(float(np.cos(lat)), 6)},
        "detailZoom": detail_zoom,
    }


def _chunk_size(n: int) -> int:
    """Polygons per chunk: at most :data:`POLYGON_CHUNK`, and a chunk for every core."""
    return max(1, min(POLYGON_CHUNK, -(-n // threads())))


#: The mean Earth radius (m) of the local projection of :func:`_sinusoidal`.
_EARTH_M = 6_371_008.8


#: Grids (vertices per degree) the compact format's outlines may snap to, finest first.
OUTLINE_SCALES = (COMPACT_SCALE, 50_000, 20_000, 10_000)
#: A layer's outlines snap to a grid only if its narrowest polygon spans this many cells.
MIN_CELLS = 8


def outline_scale(simplify_m: float, lat: float, gdf: gpd.GeoDataFrame) -> int:
    """Return the coarsest grid (vertices per degree) the outlines of a large layer may use.

    Outlines already simplified to ``simplify_m`` need no vertex finer than that: on a
    grid whose cells' half-diagonal is at most half the tolerance (at latitude ``lat``,
    radians), a vertex moves by under half of what the simplification allows, and
    each step between vertices takes fewer bits. The grid stays at 1e-5 degree when
    the layer's narrowest polygon would span fewer than :data:`MIN_CELLS` cells, so
    that no feature shrinks to a dot or a line.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame(geometry=[shapely.box(44, 33, 44.01, 33.01)], crs=4326)
    >>> outline_scale(3.0, 0.58, gdf), outline_scale(0.0, 0.58, gdf)
    (50000, 100000)
    """
    m_per_degree = np.radians(1) * _EARTH_M
    bounds = shapely.bounds(gdf.geometry.to_numpy())
    narrowest = float(
        np.nanmin(np.minimum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]))
    )
    best = COMPACT_SCALE
    for scale in OUTLINE_SCALES:
        cell_m = m_per_degree / scale
        half_diagonal = cell_m / 2 * float(np.hypot(1.0, np.cos(lat)))
        if half_diagonal <= simplify_m / 2 and narrowest * scale >= MIN_CELLS:
            best = scale
    return best


Projection = Callable[[np.ndarray], np.ndarray]


def _sinusoidal(geoms: np.ndarray) -> tuple[Projection, Projection]:
    """Return a sinusoidal projection about the data's central meridian and its inverse (numpy).

    Exact along parallels and off by under 0.2 % a few degrees from that meridian:
    plenty for a display tolerance, and several times faster than a round trip through
    PROJ.
    """
    lon0 = float(np.nanmean(shapely.bounds(geoms)[:, [0, 2]]))

    def forward(xy: np.ndarray) -> np.ndarray:
        lat = np.radians(xy[:, 1])
        return np.column_stack(
            [_EARTH_M * np.radians(xy[:, 0] - lon0) * np.cos(lat), _EARTH_M * lat]
        )

    def inverse(xy: np.ndarray) -> np.ndarray:
        lat = xy[:, 1] / _EARTH_M
        return np.column_stack(
            [lon0 + np.degrees(xy[:, 0] / (_EARTH_M * np.cos(lat))), np.degrees(lat)]
        )

    return forward, inverse


def _level(
    geoms: np.ndarray,
    simplify_m: float,
    local: tuple[Projection, Projection],
    scale: int,
    *,
    compact: bool,
) -> Ragged:
    """Return the display level: polygons simplified to ``simplify_m`` on a ``1 / scale`` grid.

    Simplified ring by ring (:func:`simplify_rings`) in ``local`` (:func:`_sinusoidal`,
    forward and back), so every part and hole travels; a polygon of several rings that
    this leaves invalid (a hole moved across its shell) is simplified by GEOS keeping
    its topology instead. In the compact format deflated too (see
    :func:`geomap.map._encode.binary`). Unsimplified (``simplify_m`` 0), a
    polygon travels exactly as given.
    """
    forward, inverse = local

    def level(start: int) -> _Ragged:
        chunk = geoms[start : start + size]
        xy, ring, part, geom = _ragged_xy(chunk)
        if simplify_m > 0 and len(xy):
            simple, ring = simplify_rings(forward(xy), ring, simplify_m)
            crossed = _crossed(simple, ring, part, geom)
            if crossed.any():  # those polygons as GEOS simplifies them, topology kept
                metric = shapely.transform(chunk[crossed], forward)
                kept = _ragged_xy(shapely.simplify(metric, simplify_m, preserve_topology=True))
                in_crossed = np.repeat(crossed, np.diff(part[geom]))  # per ring
                simple, ring = _swap_rings(simple, ring, kept[0], kept[1], in_crossed)
            xy = inverse(simple)
        return _on_grid(xy, scale), ring, part, geom

    # Chunk by chunk, shared out over the cores (shapely and numpy release the GIL).
    size = _chunk_size(len(geoms))
    return _pack_ragged(each(level, range(0, len(geoms), size)), scale, deflate=compact)
