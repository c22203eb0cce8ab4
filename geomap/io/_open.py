"""The one opener every reader uses: format, GDAL target and layer choice.

:func:`open_source` checks that a path exists and is not empty, says which
format it holds and what to hand GDAL (a Shapefile folder's ``.shp``, ``zip://``
for a zipped Shapefile); :func:`choose_layer` picks the layer of a GeoPackage or
KML with several, or explains why it cannot; :func:`read_error` turns a driver's
exception into an :class:`~geomap.InputError` that names the file.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pyogrio

from geomap._errors import InputError

__all__ = ["FORMATS", "PathLike", "Source", "choose_layer", "open_source", "read_error"]

PathLike = str | os.PathLike[str]

#: File suffix to format name.
FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "Shapefile",
    ".kml": "KML",
    ".kmz": "KML",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
    ".gdb": "FileGDB",  # a folder: an Esri File Geodatabase (IMSMA Core's), read by OpenFileGDB
    ".csv": "CSV",
    ".tsv": "CSV",
    ".txt": "CSV",
}
#: Formats whose files may hold several layers.
MULTI_LAYER = frozenset({"GeoPackage", "KML", "FileGDB"})


@dataclass
class Source:
    """A file checked by :func:`open_source`: its path, format and GDAL target.

    Attributes
    ----------
    path : Path
        The file or Shapefile folder as given.
    fmt : str
        Format name, e.g. ``"GeoPackage"`` or ``"CSV"``.
    target : str
        What to hand GDAL (a ``.shp`` inside a folder, ``zip://`` for a zip).
    """

    path: Path
    fmt: str
    target: str
    _names: list[str] | None = field(default=None, repr=False)

    def layer_names(self) -> list[str]:
        """Return the file's layer names (empty for single-layer formats); list them once."""
        if self.fmt not in MULTI_LAYER:
            return []
        if self._names is None:
            try:
                self._names = [str(row[0]) for row in pyogrio.list_layers(self.target)]
            except Exception as exc:
                raise InputError(
                    f"{self.path}: could not be opened: {first_line(exc)}", self.path
                ) from None
        return self._names


def first_line(exc: BaseException) -> str:
    """Return the first line of an exception's message (or its type's name)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def format_of(path: Path) -> str:
    """Return the format name of ``path`` from its suffix; a folder is a Shapefile (or a .gdb)."""
    if path.is_dir() and path.suffix.lower() != ".gdb":
        return "Shapefile"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown file type {path.suffix!r}; expected one of "
            f"{sorted(set(FORMATS))} or a folder holding a Shapefile",
            path,
        )
    return fmt


def _shapefile_target(path: Path) -> str:
    """Return what to hand GDAL for a Shapefile folder, .shp or .zip; check its parts."""
    if path.suffix.lower() == ".zip":
        return f"zip://{path}"
    if path.is_dir():
        shps = sorted(path.glob("*.shp"))
        if not shps:
            raise InputError(f"{path}: the folder holds no .shp file", path)
        if len(shps) > 1:
            names = ", ".join(s.name for s in shps)
            raise InputError(
                f"{path}: the folder holds several Shapefiles ({names}); name one", path
            )
        path = shps[0]
    for ext, what in ((".shx", "shape index"), (".dbf", "attribute table")):
        siblings = [path.with_suffix(ext), path.with_suffix(ext.upper())]
        if not any(s.exists() for s in siblings):
            raise InputError(
                f"{path}: Shapefile is missing its {ext} file ({what}); copy all of "
                f"{path.stem}.shp, .shx, .dbf and .prj together",
                path,
            )
    return str(path)


def _kmz_target(path: Path) -> str:
    """Return the GDAL path of a KMZ's main KML (the first ``.kml`` in the zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: could not be opened: {first_line(exc)}", path) from None
    if not kmls:
        raise InputError(f"{path}: the KMZ holds no .kml file", path)
    # Read through /vsizip/: GDAL's LIBKML driver, given the .kmz itself, drops the
    # ExtendedData fields (where the model's fields are).
    return f"/vsizip/{path}/{kmls[0]}"


def open_source(path: PathLike) -> Source:
    """Check that ``path`` exists and is not empty; say its format and GDAL target.

    A KMZ is read through its main KML, the first ``.kml`` in the zip.

    Parameters
    ----------
    path : str or Path
        A file, or a folder holding one Shapefile.

    Returns
    -------
    Source

    Raises
    ------
    InputError
        The file is missing, empty, of an unknown type, or a Shapefile lacks a part.

    Examples
    --------
    >>> src = open_source("data/karabakh-sample.gpkg")
    >>> src.fmt, src.layer_names()[-2:]
    ('GeoPackage', ['hazards', 'incidents'])
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder", p)
    if p.is_file() and p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty", p)
    fmt = format_of(p)
    if fmt == "Shapefile":
        target = _shapefile_target(p)
    elif p.suffix.lower() == ".kmz":
        target = _kmz_target(p)
    else:
        target = str(p)
    return Source(p, fmt, target)


def choose_layer(src: Source, layer: str | None, preferred: Sequence[str] = ()) -> list[str | None]:
    """Pick the layer(s) to read: the one named, the preferred ones present, or the only one.

    Parameters
    ----------
    src : Source
        The opened file.
    layer : str, optional
        The layer asked for; it must exist in a multi-layer file.
    preferred : list of str
        Layer names to take, in this order, when ``layer`` is None and the file has them.

    Returns
    -------
    list of str or None
        One name (or None: read the file's only layer), or every preferred name present.

    Raises
    ------
    InputError
        No such layer, or several layers and none named.
    """
    if src.fmt not in MULTI_LAYER:
        return [layer]
    names = src.layer_names()
    if layer is not None:
        if layer not in names:
            raise InputError(
                f"{src.path}: has no layer {layer!r}; its layers are {', '.join(names)}", src.path
            )
        return [layer]
    found: list[str | None] = [n for n in preferred if n in names]
    if found:
        return found
    if len(names) <= 1:
        return [names[0] if names else None]
    raise InputError(
        f"{src.path}: has {len(names)} layers ({', '.join(names)}); name the one to read "
        f"(layer=... in Python, --layer on the command line)",
        src.path,
    )


def _explain_geojson(path: Path, exc: BaseException) -> str:
    """Say why a GeoJSON file failed, from the JSON parser's point of view if we can."""
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except json.JSONDecodeError as jexc:
        truncated = not text.rstrip().endswith(("}", "]"))
        hint = " (the file looks truncated)" if truncated else ""
        return f"is not valid JSON{hint}: {jexc.msg} at line {jexc.lineno} column {jexc.colno}"
    except (OSError, UnicodeDecodeError) as oexc:
        return f"could not be read: {first_line(oexc)}"
    return f"could not be read as GeoJSON: {first_line(exc)}"


def read_error(src: Source, exc: BaseException) -> InputError:
    """Return the :class:`~geomap.InputError` for a driver's failure to read ``src``.

    Parameters
    ----------
    src : Source
        The file that failed.
    exc : Exception
        The driver's exception.

    Returns
    -------
    InputError
        Naming the file; for GeoJSON, what the JSON parser says is wrong.
    """
    if src.fmt == "GeoJSON":
        return InputError(f"{src.path}: {_explain_geojson(src.path, exc)}", src.path)
    return InputError(f"{src.path}: could not be read as {src.fmt}: {first_line(exc)}", src.path)
