"""Geometry helpers shared by every stage: metric CRSs, one projection, one repair.

Display is in EPSG:4326 (:data:`geomap.model.DISPLAY_CRS`). Areas are measured in a
Lambert azimuthal equal-area projection centred on the data (:func:`equal_area_crs`)
and distances in the data's UTM zone (:func:`metric_crs`), never in degrees.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj import Transformer

from geomap._parallel import chunked
from geomap.model import DISPLAY_CRS

__all__ = [
    "ObjectCache",
    "equal_area_crs",
    "metric_crs",
    "note_valid",
    "project",
    "project_xy",
    "repair",
    "usable",
]


def metric_crs(gdf: gpd.GeoDataFrame) -> CRS:
    """Return a metric CRS for distances over ``gdf``: its UTM zone.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with a CRS and at least one non-empty geometry.

    Returns
    -------
    pyproj.CRS
        The UTM zone that holds the layer's centre (EPSG:32638 for Karabakh).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> metric_crs(gpd.GeoDataFrame(geometry=[Point(46.9, 39.9)], crs=4326)).to_epsg()
    32638
    """
    return gdf.estimate_utm_crs()


def equal_area_crs(gdf: gpd.GeoDataFrame) -> CRS:
    """Return an equal-area CRS centred on ``gdf`` for measuring areas.

    A Lambert azimuthal equal-area projection keeps areas exact wherever the data
    lie (a UTM zone is off by up to a few tenths of a percent at its edges and more
    outside it), so areas agree with geodesic areas.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer with a CRS and some non-empty geometry; its bounds give the centre.

    Returns
    -------
    pyproj.CRS
        A ``+proj=laea`` CRS in metres.

    Examples
    --------
    >>> from geopandas import GeoDataFrame
    >>> from shapely import box
    >>> equal_area_crs(GeoDataFrame(geometry=[box(46, 39, 47, 40)], crs=4326)).is_projected
    True
    """
    minx, miny, maxx, maxy = gdf.to_crs(DISPLAY_CRS).total_bounds
    lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    )


def project(
    geoms: np.ndarray, dst: Any, src: Any = DISPLAY_CRS, *, reuse: bool = False
) -> np.ndarray:
    """Project an array of shapely geometries from ``src`` to ``dst`` (vectorised).

    Missing and empty geometries stay so.

    Parameters
    ----------
    geoms : numpy.ndarray
        Shapely geometries.
    dst, src : CRS-like
        Target and source CRS (anything :class:`pyproj.CRS` accepts); the source
        defaults to EPSG:4326.
    reuse : bool, default False
        Keep the result, and hand it back when the same geometry objects are projected
        the same way again with ``reuse`` (the hazard polygons: validation measures
        their areas, the area summary then dissolves them, in the same projection).

    Returns
    -------
    numpy.ndarray
        The projected geometries.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import Point
    >>> p = project(np.array([Point(45.0, 0.0)]), "EPSG:32638")[0]
    >>> round(p.x), round(p.y)
    (500000, 0)
    """
    geoms = np.asarray(geoms, dtype=object)
    way = (CRS(dst).srs, CRS(src).srs)
    kept = _PROJECTED.get(geoms, way) if reuse else None
    if kept is not None:
        return kept.copy()
    tr = Transformer.from_crs(src, dst, always_xy=True)  # thread-safe (pyproj >= 3.1)

    def one(part: np.ndarray) -> np.ndarray:
        return shapely.transform(part, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    # Threads pay off from a few hundred thousand vertices (a few thousand polygons).
    many = int(shapely.get_num_coordinates(geoms).sum()) >= 200_000
    out = chunked(one, geoms, min_size=2 if many else len(geoms) + 1)
    if reuse:
        _PROJECTED.put(geoms, out, way)
        return out.copy()
    return out


class ObjectCache:
    """Results kept for arrays of geometry objects, found again from the same objects.

    Shapely geometries are immutable, so the same objects (the same ids, in the same
    order) are the same shapes. Each entry holds a copy of its array: its objects stay
    alive, so their ids cannot pass to new shapes even if the caller changes its own
    array in place. The last ``size`` entries are kept, newest first.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import box
    >>> cache, squares = ObjectCache(2), np.array([box(0, 0, 1, 1)])
    >>> cache.put(squares, "measured", tag="m")
    >>> cache.get(squares, tag="m"), cache.get(squares.copy(), tag="m"), cache.get(squares)
    ('measured', 'measured', None)
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: list[tuple[np.ndarray, Hashable, np.ndarray, Any]] = []

    def get(self, geoms: np.ndarray, tag: Hashable = None) -> Any:
        """Return what was kept for these objects with this ``tag``, or None."""
        ids = _ids(geoms)
        for known, kept_tag, _held, value in self._entries:
            if kept_tag == tag and np.array_equal(known, ids):
                return value
        return None

    def put(self, geoms: np.ndarray, value: Any, tag: Hashable = None) -> None:
        """Keep ``value`` for these objects and ``tag``."""
        held = np.array(geoms, dtype=object)
        self._entries.insert(0, (_ids(held), tag, held, value))
        del self._entries[self.size :]


#: The last projections made with ``reuse`` (by the source and target CRS).
_PROJECTED = ObjectCache(2)


def project_xy(
    points: np.ndarray, dst: Any, src: Any = DISPLAY_CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Return the x and y of points projected from ``src`` to ``dst``, as float arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import Point
    >>> x, y = project_xy(np.array([Point(45.0, 0.0)]), "EPSG:32638")
    >>> round(float(x[0]))
    500000
    """
    tr = Transformer.from_crs(src, dst, always_xy=True)
    x, y = tr.transform(shapely.get_x(points), shapely.get_y(points))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def usable(geoms: np.ndarray) -> np.ndarray:
    """Return a boolean mask of the geometries that are neither missing nor empty."""
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def repair(geoms: np.ndarray) -> np.ndarray:
    """Return ``geoms`` with invalid geometries made valid (``make_valid``); others unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> bool(repair(np.array([bowtie]))[0].is_valid)
    True
    """
    geoms = np.asarray(geoms, dtype=object)
    if _known_valid(geoms):
        return geoms
    bad = usable(geoms) & ~chunked(shapely.is_valid, geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


#: Geometry arrays known to be valid (a validated layer's kept polygons), by the ids of
#: their objects, sorted; each array is held so that its objects' ids stay theirs
#: (shapely geometries are immutable). The last few, most recent first.
_VALID: list[tuple[np.ndarray, np.ndarray]] = []
_VALID_KEPT = 2


def _ids(geoms: np.ndarray) -> np.ndarray:
    return np.fromiter(map(id, geoms), dtype=np.int64, count=len(geoms))


def note_valid(geoms: np.ndarray) -> None:
    """Note that these geometries are valid, so that :func:`repair` need not check them again.

    Validation calls it on the polygons it keeps (checked, and repaired where needed);
    the area summary, the trends and the map then repair the same objects, or some of
    them, for free.

    Examples
    --------
    >>> import numpy as np
    >>> from shapely.geometry import box
    >>> squares = np.array([box(0, 0, 1, 1), box(2, 2, 3, 3)])
    >>> note_valid(squares)
    >>> repair(squares[1:])[0] is squares[1]
    True
    """
    geoms = np.array(geoms, dtype=object)  # a copy: its objects, and so their ids, stay alive
    if not len(geoms):
        return
    _VALID.insert(0, (np.sort(_ids(geoms)), geoms))
    del _VALID[_VALID_KEPT:]


def _known_valid(geoms: np.ndarray) -> bool:
    """Whether every one of ``geoms`` is among the objects of an array noted valid."""
    if not _VALID or not len(geoms):
        return False
    ids = _ids(geoms)
    for known, _held in _VALID:  # never empty (note_valid skips empty arrays)
        at = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        if (known[at] == ids).all():
            return True
    return False
