"""Writing outputs atomically: any file, a table or layer, and rejected rows.

A destination is never left half-written: each writer writes beside it and
moves the finished file into place (:func:`atomic_path`). A CSV never holds a
live spreadsheet formula: a text cell (or column name) that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'``
(:func:`neutralise_formulas`), as OWASP recommends for CSV injection, and rows
end in CRLF (RFC 4180), so that a value holding a line break is quoted, never a
new row.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.io._open import PathLike
from geomap.io._open import first_line
from geomap.model import DISPLAY_CRS

__all__ = ["REJECTS_FORMATS", "atomic_path", "neutralise_formulas", "write_layer", "write_rejects"]

#: The file formats :func:`write_rejects` writes, by extension.
REJECTS_FORMATS = (".csv", ".gpkg")

#: What makes a spreadsheet read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutral(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells and column names cannot run as spreadsheet formulas.

    A text value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading ``'``; numbers (a negative longitude) are left alone.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["=HYPERLINK(1)", "Shusha"], "x": [-1, 2]})
    >>> neutralise_formulas(df).to_dict("list")
    {'name': ["'=HYPERLINK(1)", 'Shusha'], 'x': [-1, 2]}
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(_neutral)
    out.columns = [_neutral(c) for c in out.columns]
    return out


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success, move it onto ``path``.

    The destination is never left half-written: on any error the temporary file is
    removed and the old file (if any) stays as it was.

    Parameters
    ----------
    path : str or Path
        The final destination.

    Yields
    ------
    Path
        Where to write.

    Examples
    --------
    >>> with atomic_path("out.html") as tmp:  # doctest: +SKIP
    ...     tmp.write_text("<html></html>")
    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as GDAL want to create the file themselves
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()


def _table_to_layer(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Make a plain table a layer, with its ``geometry_wkt`` column (if any) as geometry."""
    out = df.copy()
    for col in out.columns:  # mixed-type object columns become text, as a CSV would hold them
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: None if v is None or v is pd.NA else str(v))
    if "geometry_wkt" in out.columns:
        wkt = out.pop("geometry_wkt")
        # A rejected row may have no geometry: its WKT is missing (None or NaN).
        text = np.array([v if isinstance(v, str) else None for v in wkt], dtype=object)
        geoms = shapely.from_wkt(text, on_invalid="ignore")
        return gpd.GeoDataFrame(out, geometry=geoms, crs=DISPLAY_CRS)
    return gpd.GeoDataFrame(out)


def write_layer(df: pd.DataFrame, path: PathLike, *, layer: str | None = None) -> Path:
    """Write a table or layer atomically, as CSV (geometry as WKT) or any OGR format.

    Parameters
    ----------
    df : pandas.DataFrame or geopandas.GeoDataFrame
        What to write.
    path : str or Path
        Destination; ``.csv`` writes a CSV, ``.gpkg``/``.geojson``/``.fgb`` a layer.
    layer : str, optional
        Layer name inside a GeoPackage.

    Returns
    -------
    Path
        The path written.
    """
    dest = Path(path)
    try:
        with atomic_path(dest) as tmp:
            if dest.suffix.lower() == ".csv":
                out = pd.DataFrame(df).copy()
                if isinstance(df, gpd.GeoDataFrame):
                    name = df.geometry.name
                    out[name] = shapely.to_wkt(df.geometry.to_numpy(), rounding_precision=7)
                # CRLF line ends (RFC 4180), so a value holding a carriage return is quoted
                # (pandas quotes only values holding its line terminator).
                neutralise_formulas(out).to_csv(tmp, index=False, lineterminator="\r\n")
            else:
                gdf = df if isinstance(df, gpd.GeoDataFrame) else _table_to_layer(df)
                if dest.exists() and dest.suffix.lower() == ".gpkg":
                    shutil.copy(dest, tmp)
                gdf.to_file(tmp, layer=layer or dest.stem)
    except OSError as exc:  # a full disk, a folder not writable: name the file
        raise OSError(exc.errno, exc.strerror or first_line(exc), str(dest)) from None
    except (RuntimeError, ValueError) as exc:  # GDAL's errors while writing
        if isinstance(exc, GeomapError):
            raise
        raise GeomapError(f"{dest}: could not write: {first_line(exc)}") from None
    return dest


class _Checked(Protocol):
    """What :func:`write_rejects` needs of a validation result."""

    rejected: pd.DataFrame
    layer: str


def write_rejects(results: Sequence[_Checked], path: PathLike) -> int:
    """Write every result's rejected rows, with a ``layer`` column, into one file.

    Parameters
    ----------
    results : list of ValidationResult
        From :func:`geomap.validate_layer` or :func:`geomap.load_layers`.
    path : str or Path
        Destination, ``.csv`` or ``.gpkg`` (see :func:`write_layer`); not written
        when no row was rejected. A CSV's text cells cannot run as formulas
        (:func:`neutralise_formulas`).

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    GeomapError
        ``path`` is neither ``.csv`` nor ``.gpkg``.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in REJECTS_FORMATS:
        raise GeomapError(
            f"{path}: rejected rows are written as .csv or .gpkg, not {suffix or 'no extension'!r}"
        )
    frames = [r.rejected.assign(layer=r.layer) for r in results if len(r.rejected)]
    if not frames:
        return 0
    table = pd.concat(frames, ignore_index=True)
    write_layer(table, path)
    return len(table)
