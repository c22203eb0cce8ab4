"""Reading layers from files, each through the one opener (:mod:`geomap.io._open`).

Readers accept GeoJSON, GeoPackage, Shapefile (a folder, a ``.shp`` or a
``.zip``), KML/KMZ, FlatGeobuf, GeoParquet and CSV (latitude/longitude columns
or a WKT column). geopandas picks the file engine (pyogrio by default; pass
``engine="fiona"`` to use Fiona). Several files are read as one layer.

Every row read carries ``source_file`` and ``source_row`` (its 1-based record
number in that file) so that validation can say exactly which row is wrong.
Readers only read: checking and repairing is :mod:`geomap.validate`'s job.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap._errors import MappingError
from geomap.io._open import PathLike
from geomap.io._open import Source
from geomap.io._open import choose_layer
from geomap.io._open import first_line
from geomap.io._open import open_source
from geomap.io._rules import check_crs
from geomap.io._rules import recognise_fields
from geomap.io.csv import csv_geometry_kind
from geomap.io.csv import read_csv
from geomap.io.mapping import ColumnMapping
from geomap.io.mapping import load_mapping
from geomap.io.postgis import DatabaseSource
from geomap.io.postgis import detect_tables
from geomap.io.postgis import is_database
from geomap.io.postgis import read_database
from geomap.io.postgis import table_names
from geomap.io.vector import fix_kml_ids
from geomap.io.vector import geometry_kind
from geomap.io.vector import misdecoded
from geomap.io.vector import read_vector
from geomap.io.vector import untruncate
from geomap.model import DISPLAY_CRS
from geomap.model import LAYERS

__all__ = [
    "SOURCE_COLUMNS",
    "concat_layers",
    "detect_layers",
    "read_context_layer",
    "read_hazards",
    "read_incidents",
    "read_layer",
]

log = logging.getLogger(__name__)

SOURCE_COLUMNS = ("source_file", "source_row")


@dataclass(frozen=True)
class _Options:
    """How to read one file of a layer (the arguments of :func:`read_layer`)."""

    kind: str | None
    layer: str | None
    mapping: ColumnMapping | None
    engine: str | None
    crs: str | None
    latitude: str | None
    longitude: str | None
    wkt: str | None
    encoding: str | None = None


def _read_rows(src: Source, opts: _Options) -> tuple[gpd.GeoDataFrame, bool]:
    """Read a file's rows as they are; return them and whether EPSG:4326 is implied."""
    if src.fmt == "CSV":
        csv_opts = (opts.mapping, opts.latitude, opts.longitude, opts.wkt)
        return read_csv(src.path, *csv_opts, encoding=opts.encoding)
    (chosen,) = choose_layer(src, opts.layer, [opts.kind] if opts.kind else [])
    if opts.layer is None and chosen is not None and len(src.layer_names()) > 1:
        log.info("%s: reading layer %r of %d", src.path, chosen, len(src.layer_names()))
    encoding = (opts.mapping.encoding if opts.mapping else None) or opts.encoding
    gdf = read_vector(src, chosen, engine=opts.engine, encoding=encoding)
    if src.fmt == "KML":
        gdf = fix_kml_ids(gdf)
    if src.fmt == "Shapefile" and opts.kind in LAYERS:
        gdf = untruncate(gdf, opts.kind, src.path)
    return gdf, False


def _check_decoding(
    gdf: gpd.GeoDataFrame, path: Path, encoding: str | None, notes: list[str]
) -> None:
    """Add a note (and log a warning) when the file's text looks mis-decoded."""
    found = misdecoded(gdf)
    if found is None:
        return
    col, value = found
    read_as = f"read as {encoding}" if encoding else "read with its declared (or default) encoding"
    msg = (
        f"text looks mis-decoded ({read_as}): column {col!r} holds {value[:40]!r}; "
        "give the file's encoding, e.g. --encoding cp1251 (or encoding: in the mapping)"
    )
    notes.append(msg)
    log.warning("%s: %s", path, msg, extra={"noted": True})


def _to_display_crs(
    gdf: gpd.GeoDataFrame, path: Path, opts: _Options, implied: bool, notes: list[str]
) -> gpd.GeoDataFrame:
    """Set a missing CRS (the given one, else EPSG:4326 with a note) and reproject."""
    if gdf.crs is None:
        assumed = opts.crs or (opts.mapping.crs if opts.mapping else None)
        if assumed is not None:
            gdf = gdf.set_crs(assumed)
            notes.append(f"no CRS in the file; used {assumed} as given")
        elif implied:
            gdf = gdf.set_crs(DISPLAY_CRS)
        else:
            gdf = gdf.set_crs(DISPLAY_CRS)
            msg = "has no CRS; assumed EPSG:4326 (longitude/latitude); give --crs if it is not"
            notes.append(msg)
            log.warning("%s: %s", path, msg, extra={"noted": True})
    elif opts.crs is not None:
        notes.append(f"file declares {gdf.crs.to_string()}; ignored the given CRS {opts.crs}")
    if gdf.crs is not None and not gdf.crs.equals(DISPLAY_CRS):
        src = gdf.crs.to_string()
        try:
            gdf = gdf.to_crs(DISPLAY_CRS)
        except Exception as exc:
            raise InputError(f"{path}: could not reproject from {src}: {first_line(exc)}") from None
        log.info("%s: reprojected from %s to %s", path, src, DISPLAY_CRS)
    return gdf


def _read_source(source: PathLike, opts: _Options) -> tuple[gpd.GeoDataFrame, bool, Any, str]:
    """Read a file's (or a database table's) rows as they are.

    Returns the rows, whether EPSG:4326 is implied, the name rows and messages give
    the source (a database without its password) and its format.
    """
    if is_database(source):
        db = DatabaseSource.parse(str(source))
        if not (db.table or db.sql):
            db = db.with_table(opts.layer or opts.kind or "")
        return read_database(db), False, db.name, "PostGIS"
    src = open_source(source)
    gdf, implied = _read_rows(src, opts)
    return gdf, implied, src.path, src.fmt


def _read_one(source: PathLike, opts: _Options) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Read one file (or database table) of a layer: rows, mapped, in EPSG:4326, with their source.

    Also returns the file's record for ``attrs["geomap_files"]``: its path, rows,
    notes, and the required model fields it has no column for (``missing``).
    """
    notes: list[str] = []
    gdf, implied, path, fmt = _read_source(source, opts)
    _check_decoding(gdf, path, opts.encoding, notes)
    if opts.mapping is not None:
        gdf = opts.mapping.apply(gdf, path)
        if not isinstance(gdf, gpd.GeoDataFrame):  # pragma: no cover - defensive
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry")
    used = set(opts.mapping.fields.values()) | set(opts.mapping.keep) if opts.mapping else set()
    gdf, spelled = recognise_fields(gdf, opts.kind, used)
    notes.extend(spelled)
    gdf = _to_display_crs(gdf, path, opts, implied, notes)
    gdf = gdf.reset_index(drop=True)
    gdf["source_file"] = str(path)
    gdf["source_row"] = np.arange(1, len(gdf) + 1)
    log.info("%s: read %d rows (%s)", path, len(gdf), fmt)
    spec = LAYERS.get(opts.kind or "")
    required = [f.name for f in spec.fields if f.required] if spec else []
    missing = [name for name in required if name not in gdf.columns]
    columns = [c for c in gdf.columns if c not in ("geometry", *SOURCE_COLUMNS)]
    record = {"path": str(path), "rows": len(gdf), "notes": notes, "missing": missing}
    return gdf, {**record, "columns": [c for c in columns if not str(c).startswith("_")]}


def read_layer(
    paths: PathLike | Sequence[PathLike],
    kind: str | None = None,
    *,
    layer: str | None = None,
    mapping: ColumnMapping | PathLike | None = None,
    engine: str | None = None,
    crs: str | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    wkt: str | None = None,
    encoding: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one or more files as a single layer, in EPSG:4326, mapped onto the model.

    Parameters
    ----------
    paths : path or list of paths
        Files to read as one layer (for example one GeoJSON per year).
    kind : {"incidents", "hazards"}, optional
        The model layer; used to pick a same-named layer in a multi-layer file.
    layer : str, optional
        The layer to read from a GeoPackage or KML with several.
    mapping : ColumnMapping or path, optional
        A column mapping (see :mod:`geomap.io.mapping`) or the YAML/TOML file holding one,
        applied to every file given (its ``files`` are for :func:`geomap.load_layers`,
        which picks each file's mapping). Rows its ``where`` drops stay, marked in the
        ``_filtered`` column, for validation to count as filtered.
    engine : {"pyogrio", "fiona"}, optional
        Passed to :func:`geopandas.read_file`; geopandas' default when None.
    crs : str, optional
        CRS of input that declares none (otherwise EPSG:4326 is assumed, with a warning).
    latitude, longitude, wkt : str, optional
        CSV columns holding the coordinates, when not one of the usual spellings.
    encoding : str, optional
        Text encoding of files that declare none, e.g. ``"cp1251"`` for a Shapefile
        without a ``.cpg`` file (GDAL reads it as Latin-1 otherwise) or a CSV (UTF-8
        otherwise; a mapping's ``csv: encoding`` wins). Text that looks mis-decoded
        gets a warning either way.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows, with ``source_file`` and ``source_row`` columns. ``attrs["geomap_files"]``
        lists each file with its row count and notes (such as an assumed CRS).

    Raises
    ------
    InputError
        A file is missing, empty, corrupt or ambiguous; the message names it.
    MappingError
        The mapping does not fit the file.

    Examples
    --------
    >>> gdf = read_layer("data/karabakh-sample.gpkg", "incidents")
    >>> len(gdf), gdf.crs.to_epsg(), list(gdf.columns[-2:])
    (125, 4326, ['source_file', 'source_row'])
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if not paths:
        raise InputError("no input files given")
    if mapping is not None and not isinstance(mapping, ColumnMapping):
        mapping = load_mapping(Path(mapping))
    if mapping is not None and kind is not None and mapping.layer not in (None, kind):
        raise MappingError(f"{mapping.source}: is a mapping for {mapping.layer}, not {kind}")
    if crs is not None:
        check_crs(crs, "the CRS given (--crs)", GeomapError)
    opts = _Options(kind, layer, mapping, engine, crs, latitude, longitude, wkt, encoding)
    frames: list[gpd.GeoDataFrame] = []
    for p in paths:
        gdf, record = _read_one(p if is_database(p) else Path(p), opts)
        gdf.attrs = {"geomap_files": [record], "geomap_kind": kind}
        if mapping is not None:  # its dates are parsed already, with its formats
            gdf.attrs["geomap_keep"] = list(mapping.keep)
        frames.append(gdf)
    return concat_layers(frames)


def concat_layers(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Stack layers read by :func:`read_layer` into one, merging their file records.

    Parameters
    ----------
    frames : list of GeoDataFrame
        Layers in EPSG:4326, as :func:`read_layer` returns them.

    Returns
    -------
    geopandas.GeoDataFrame

    Examples
    --------
    >>> towns = read_context_layer("data/karabakh-sample.gpkg", "towns")
    >>> len(concat_layers([towns, towns])) == 2 * len(towns)
    True
    """
    if len(frames) == 1:
        return frames[0]
    attrs: dict[str, Any] = {"geomap_files": [], "geomap_dates": {}, "geomap_keep": []}
    for f in frames:
        attrs["geomap_files"].extend(f.attrs.get("geomap_files", []))
        attrs["geomap_dates"].update(f.attrs.get("geomap_dates", {}))
        attrs["geomap_keep"].extend(
            k for k in f.attrs.get("geomap_keep", []) if k not in attrs["geomap_keep"]
        )
        attrs.setdefault("geomap_kind", f.attrs.get("geomap_kind"))
    nonempty = [f for f in frames if len(f)] or list(frames[:1])
    for f in nonempty:
        f.attrs = {}
    out = gpd.GeoDataFrame(pd.concat(nonempty, ignore_index=True), crs=DISPLAY_CRS)
    out.attrs = attrs
    return out


def read_incidents(paths: PathLike | Sequence[PathLike], **kwargs: Any) -> gpd.GeoDataFrame:
    """Read incident points from one or more files (see :func:`read_layer` for options).

    Parameters
    ----------
    paths : path or list of paths
        Files to read as one layer.
    **kwargs
        ``layer``, ``mapping``, ``engine``, ``crs``, ``latitude``, ``longitude``, ``wkt``.

    Returns
    -------
    geopandas.GeoDataFrame
        Unvalidated rows; pass them to :func:`geomap.validate_incidents`.

    Examples
    --------
    >>> import geomap
    >>> raw = geomap.read_incidents("data/karabakh-incidents.csv")
    >>> len(geomap.validate_incidents(raw).kept)
    125
    """
    return read_layer(paths, "incidents", **kwargs)


def read_hazards(paths: PathLike | Sequence[PathLike], **kwargs: Any) -> gpd.GeoDataFrame:
    """Read hazard-area polygons; the same as ``read_layer(paths, "hazards", **kwargs)``.

    Parameters
    ----------
    paths : path or list of paths
        Files to read as one layer (a GeoPackage's ``hazards`` layer if it has several).
    **kwargs
        As for :func:`read_incidents`.

    Returns
    -------
    geopandas.GeoDataFrame
        Unvalidated rows (``attrs["geomap_kind"]`` is ``"hazards"``); pass them to
        :func:`geomap.validate_hazards`.

    Examples
    --------
    >>> hazards = read_hazards("data/karabakh-sample.gpkg")
    >>> len(hazards), hazards.attrs["geomap_kind"]
    (400, 'hazards')
    """
    return read_layer(paths, "hazards", **kwargs)


def read_context_layer(
    path: PathLike, name: str, *, only_named: bool = False, engine: str | None = None
) -> gpd.GeoDataFrame | None:
    """Read a context layer (districts, towns, roads) in EPSG:4326, unchecked.

    In a multi-layer file the layer called ``name`` is read; a single-layer file is
    read whole.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str
        The layer to look for, e.g. ``"districts"``.
    only_named : bool, default False
        Return None unless the file has a layer called ``name``.
    engine : {"pyogrio", "fiona"}, optional
        Passed to :func:`geopandas.read_file`.

    Returns
    -------
    geopandas.GeoDataFrame or None

    Raises
    ------
    InputError
        The file cannot be read, or has several layers and none called ``name``.

    Examples
    --------
    >>> towns = read_context_layer("data/karabakh-sample.gpkg", "towns")
    >>> towns.crs.to_epsg(), towns.geom_type.unique().tolist()
    (4326, ['Point'])
    """
    if is_database(path):
        return _read_context_table(str(path), name, only_named)
    src = open_source(path)
    names = src.layer_names()
    if only_named and name not in names:
        return None
    (layer,) = choose_layer(src, name if (name in names or len(names) > 1) else None)
    if src.fmt == "CSV":
        gdf, implied = read_csv(src.path)
        gdf = gdf.set_crs(DISPLAY_CRS) if implied else gdf
    else:
        gdf = read_vector(src, layer, engine=engine)
    if gdf.crs is None:
        log.warning("%s: has no CRS; assumed EPSG:4326", src.path)
        gdf = gdf.set_crs(DISPLAY_CRS)
    return gdf.to_crs(DISPLAY_CRS)


def _read_context_table(url: str, name: str, only_named: bool) -> gpd.GeoDataFrame | None:
    """Read a context layer from a database: the URL's table or query, else table ``name``."""
    db = DatabaseSource.parse(url)
    if not (db.table or db.sql):
        if only_named and name not in table_names(db):
            return None
        db = db.with_table(name)
    gdf = read_database(db)
    if gdf.crs is None:
        log.warning("%s: has no SRID; assumed EPSG:4326", db.name)
        gdf = gdf.set_crs(DISPLAY_CRS)
    return gdf.to_crs(DISPLAY_CRS)


def detect_layers(
    path: PathLike, layer: str | None = None, *, wkt: str | None = None
) -> list[tuple[str, str | None]]:
    """Say which model layers a file holds, from its metadata, without reading its rows.

    A GeoPackage or KML with layers named ``incidents`` and/or ``hazards`` gives
    those; any other single layer is classified by its geometry type (points are
    incidents, polygons hazard areas). A CSV is incidents, unless its WKT column holds
    mostly polygons (then hazard areas).

    Parameters
    ----------
    path : str or Path
        The file.
    layer : str, optional
        The layer to classify, in a multi-layer file.
    wkt : str, optional
        A CSV's WKT column, when not one of the usual spellings.

    Returns
    -------
    list of (kind, layer name or None)

    Raises
    ------
    InputError
        The file cannot be opened, or its layers are ambiguous.

    Examples
    --------
    >>> detect_layers("data/karabakh-sample.gpkg")
    [('incidents', 'incidents'), ('hazards', 'hazards')]
    """
    if is_database(path):
        return detect_tables(str(path), layer)
    src = open_source(path)
    if src.fmt == "CSV":
        return [(csv_geometry_kind(src.path, wkt), None)]
    if src.fmt == "GeoParquet":
        return [(geometry_kind(src, None), None)]
    chosen = choose_layer(src, layer, ("incidents", "hazards"))
    if layer is None and chosen[0] in ("incidents", "hazards"):
        return [(str(k), k) for k in chosen]
    return [(geometry_kind(src, chosen[0]), chosen[0])]
