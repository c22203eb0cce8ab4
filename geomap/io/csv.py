"""CSV files with latitude/longitude columns or a WKT column.

Coordinates that are not numbers, missing coordinates and WKT that does not
parse do not stop the read: such rows get no geometry and a note in the
``_problem_field``/``_problem`` columns, which validation turns into rejections.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import InputError
from geomap.io._open import first_line
from geomap.io._rules import PROBLEM_COLUMNS
from geomap.io.mapping import ColumnMapping

__all__ = ["PROBLEM_COLUMNS", "csv_geometry_kind", "read_csv"]

_LAT_NAMES = ("latitude", "lat", "y", "lat_dd", "latitude_dd", "ycoord", "y_coord")
_LON_NAMES = ("longitude", "lon", "long", "lng", "x", "lon_dd", "longitude_dd", "xcoord", "x_coord")
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "geometry_wkt")


def _read_table(path: Path, opts: dict[str, str], nrows: int | None = None) -> pd.DataFrame:
    """Read the CSV (its first ``nrows``) as text, every column a string, empty cells missing."""
    delimiter = opts.get("delimiter") or ("\t" if path.suffix.lower() == ".tsv" else None)
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            sep=delimiter,
            engine="python" if delimiter is None else "c",
            encoding=opts.get("encoding", "utf-8-sig"),
            nrows=nrows,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: could not be read as CSV: {first_line(exc)}", path) from None


def _find_column(
    df: pd.DataFrame, path: Path, given: str | None, names: Sequence[str]
) -> str | None:
    """Return the column named ``given`` (which must exist), else the first usual name."""
    if given:
        if given not in df.columns:
            raise InputError(
                f"{path}: has no column {given!r}; its columns are {list(df.columns)}", path
            )
        return given
    lower = {c.lower().strip(): c for c in df.columns}
    return next((lower[n] for n in names if n in lower), None)


def _points(
    df: pd.DataFrame, lat: str, lon: str, problem_field: pd.Series, problem: pd.Series
) -> tuple[pd.DataFrame, np.ndarray]:
    """Make points from the coordinate columns; note the rows that have none."""
    ys = pd.to_numeric(df[lat].str.strip(), errors="coerce")
    xs = pd.to_numeric(df[lon].str.strip(), errors="coerce")
    for col, raw, num in ((lat, df[lat], ys), (lon, df[lon], xs)):
        bad = num.isna() & raw.notna() & problem.isna()
        problem_field[bad] = col
        problem[bad] = "'" + raw[bad].astype(str) + "' is not a number (expected decimal degrees)"
    missing = (ys.isna() | xs.isna()) & problem.isna()
    problem_field[missing] = f"{lat}/{lon}"
    problem[missing] = "coordinates are missing"
    ok = ys.notna() & xs.notna()
    geoms = np.full(len(df), None, dtype=object)
    geoms[ok.to_numpy()] = shapely.points(xs[ok].to_numpy(), ys[ok].to_numpy())
    # The coordinate columns move to the end, as they would after the other fields.
    df = df.drop(columns=[lat, lon]).assign(**{f"_{lat}": df[lat], f"_{lon}": df[lon]})
    return df.rename(columns={f"_{lat}": lat, f"_{lon}": lon}), geoms


def _wkt(
    df: pd.DataFrame, geom_col: str, problem_field: pd.Series, problem: pd.Series
) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse the WKT column; note the values that are not WKT."""
    raw = df[geom_col]
    geoms = shapely.from_wkt(raw.to_numpy(dtype=object), on_invalid="ignore")
    bad = raw.notna() & pd.isna(pd.Series(geoms, index=df.index))
    problem_field[bad] = geom_col
    problem[bad] = "'" + raw[bad].astype(str).str.slice(0, 40) + "' is not valid WKT"
    return df.drop(columns=[geom_col]), geoms


def csv_geometry_kind(
    path: Path, wkt: str | None = None, opts: dict[str, str] | None = None
) -> str:
    """Say whether a CSV holds incidents (coordinates, or WKT points) or hazards (WKT polygons).

    Parameters
    ----------
    path : Path
        The file; its first 500 rows are looked at.
    wkt : str, optional
        The WKT column, when not one of the usual spellings.
    opts : dict, optional
        A mapping's ``csv`` section.

    Returns
    -------
    str
        ``"hazards"`` when most WKT values are polygons, else ``"incidents"``.

    Examples
    --------
    >>> csv_geometry_kind(Path("data/karabakh-incidents.csv"))
    'incidents'
    """
    opts = opts or {}
    try:
        df = _read_table(path, opts, nrows=500)
    except InputError:
        # Only the geometry columns matter here, and their names and WKT are ASCII: a file
        # in another encoding (which its reader is told later) is sniffed byte for byte.
        df = _read_table(path, {**opts, "encoding": "latin-1"}, nrows=500)
    lat = _find_column(df, path, opts.get("latitude"), _LAT_NAMES)
    lon = _find_column(df, path, opts.get("longitude"), _LON_NAMES)
    geom_col = None if (lat and lon) else _find_column(df, path, wkt or opts.get("wkt"), _WKT_NAMES)
    if geom_col is None:
        return "incidents"
    geoms = shapely.from_wkt(df[geom_col].dropna().to_numpy(dtype=object), on_invalid="ignore")
    types = shapely.get_type_id(geoms[~pd.isna(geoms)])
    polygons = int(np.isin(types, (3, 6)).sum())
    return "hazards" if polygons * 2 > len(types) else "incidents"


def read_csv(
    path: Path,
    mapping: ColumnMapping | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    wkt: str | None = None,
    *,
    encoding: str | None = None,
) -> tuple[gpd.GeoDataFrame, bool]:
    """Read a CSV with coordinate or WKT columns.

    Parameters
    ----------
    path : Path
        The file (``.tsv`` is read tab-separated).
    mapping : ColumnMapping, optional
        Its ``csv`` section names the columns, delimiter and encoding.
    latitude, longitude, wkt : str, optional
        Column names, when not one of the usual spellings.
    encoding : str, optional
        The text encoding when the mapping names none (default UTF-8).

    Returns
    -------
    (geopandas.GeoDataFrame, bool)
        The rows, with no CRS set, and whether EPSG:4326 is implied (coordinates
        in degrees) rather than unknown (WKT).

    Raises
    ------
    InputError
        The file is not a CSV, or has no coordinate columns.

    Examples
    --------
    >>> gdf, implied = read_csv(Path("data/karabakh-incidents.csv"))
    >>> len(gdf), implied
    (125, True)
    """
    opts = dict(mapping.csv) if mapping else {}
    if mapping is not None and mapping.encoding and "encoding" not in opts:
        opts["encoding"] = mapping.encoding
    if encoding and not opts.get("encoding"):
        opts["encoding"] = encoding
    df = _read_table(path, opts)
    lat = _find_column(df, path, latitude or opts.get("latitude"), _LAT_NAMES)
    lon = _find_column(df, path, longitude or opts.get("longitude"), _LON_NAMES)
    geom_col = None if (lat and lon) else _find_column(df, path, wkt or opts.get("wkt"), _WKT_NAMES)
    problem_field = pd.Series(None, index=df.index, dtype=object)
    problem = pd.Series(None, index=df.index, dtype=object)
    if lat and lon:
        df, geoms = _points(df, lat, lon, problem_field, problem)
    elif geom_col:
        df, geoms = _wkt(df, geom_col, problem_field, problem)
    else:
        raise InputError(
            f"{path}: found no coordinate columns; expected latitude/longitude columns "
            f"(e.g. {', '.join(_LAT_NAMES[:2])} / {', '.join(_LON_NAMES[:3])}) or a WKT column "
            f"(e.g. {', '.join(_WKT_NAMES[:2])}); name them with --lat/--lon or --wkt, or in "
            f"the mapping's `csv` section. Its columns are {list(df.columns)}",
            path,
        )
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs=None)
    if problem.notna().any():
        gdf[PROBLEM_COLUMNS[0]] = problem_field
        gdf[PROBLEM_COLUMNS[1]] = problem
    return gdf, bool(lat and lon)
