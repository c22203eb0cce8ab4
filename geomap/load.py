"""Loading inputs: read, detect and validate files, and find their context layers.

This is what every ``geomap`` command does with its input, and what a notebook
can do with the same functions: :func:`load_layers` reads and checks files,
sorting them into incidents and hazard areas; :func:`load_inputs` does it for
positional files plus files given as incidents or hazards; :func:`load_context`
reads a district, town or road layer, given or found in an input GeoPackage.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap._progress import step as progress_step
from geomap.io import ColumnMapping
from geomap.io import DatabaseSource
from geomap.io import PathLike
from geomap.io import concat_layers
from geomap.io import detect_layers
from geomap.io import is_database
from geomap.io import load_mapping
from geomap.io import read_context_layer
from geomap.io import read_layer
from geomap.io.partitioned import part_files
from geomap.io.partitioned import read_partitioned
from geomap.model import LAYERS
from geomap.validate import ValidationResult
from geomap.validate import validate_layer
from geomap.validate import validate_risk
from geomap.validate.partitioned import PartitionedResult
from geomap.validate.partitioned import validate_partitioned

__all__ = [
    "CONTEXT_LAYERS",
    "load_context",
    "load_inputs",
    "load_layers",
    "load_partitioned",
    "load_risk",
    "partitioned_layers",
    "warn_if_apart",
]

log = logging.getLogger(__name__)

#: The context layers a command reads, by the name of their layer in a GeoPackage.
CONTEXT_LAYERS = ("districts", "towns", "roads")


def _mapping_for(
    kind: str, path: PathLike, mappings: Sequence[ColumnMapping]
) -> ColumnMapping | None:
    """Return the mapping for one file of ``kind``.

    The first that names the file in ``files`` (by name or glob), else the first made
    for the layer ``kind`` that names no files, else the first for any layer that
    names no files. A mapping made for the other layer never applies.
    """
    fits = [m for m in mappings if m.layer in (None, kind)]
    named = [m for m in fits if m.matches(path)]
    if named:
        return named[0]
    general = [m for m in fits if not m.files]
    return next((m for m in general if m.layer == kind), None) or next(iter(general), None)


def _sorted_by_kind(
    paths: Sequence[PathLike], kind: str | None, layer: str | None, wkt: str | None = None
) -> dict[str, list[tuple[PathLike, str | None]]]:
    """Each kind's (file, layer) pairs: ``kind`` for all, else as detected per file."""
    found: dict[str, list[tuple[PathLike, str | None]]] = {}
    for p in paths:
        if kind is not None:
            found.setdefault(kind, []).append((p, layer))
            continue
        for k, lyr in detect_layers(p, layer, wkt=wkt):
            found.setdefault(k, []).append((p, lyr))
    return found


def load_layers(
    paths: PathLike | Sequence[PathLike],
    *,
    kind: str | None = None,
    layer: str | None = None,
    mappings: Sequence[ColumnMapping | PathLike] = (),
    strict: bool = False,
    crs: str | None = None,
    encoding: str | None = None,
    engine: str | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    wkt: str | None = None,
) -> dict[str, ValidationResult]:
    """Read and validate files, sorting them into incidents and hazard areas.

    This is what ``geomap render`` and ``geomap validate`` do with their files.
    Each file's layers are found with :func:`geomap.io.detect_layers` (a layer
    named ``incidents`` or ``hazards``, or by geometry type) unless ``kind`` says.

    Parameters
    ----------
    paths : path or list of paths
        Input files; files of the same kind are read as one layer.
    kind : {"incidents", "hazards"}, optional
        Treat every file as this kind.
    layer : str, optional
        Layer to read in multi-layer files.
    mappings : list of ColumnMapping or paths
        Column mappings. Each file gets one: the first that names it in ``files``
        (a name or glob), else the first for its layer, else the first for any layer
        (a mapping with ``files`` applies only to those files; one whose ``layer``
        is set only to that kind).
    engine, crs, latitude, longitude, wkt, encoding
        As for :func:`geomap.read_layer`.
    strict : bool, default False
        Raise on any rejected row.

    Returns
    -------
    dict
        ``{"incidents": ValidationResult, "hazards": ValidationResult}``, for the
        kinds found.

    Examples
    --------
    >>> results = load_layers("data/karabakh-sample.gpkg")
    >>> {k: len(r.kept) for k, r in results.items()}
    {'incidents': 125, 'hazards': 400}
    """
    read = _read_kinds(
        paths,
        kind=kind,
        layer=layer,
        mappings=mappings,
        engine=engine,
        crs=crs,
        latitude=latitude,
        longitude=longitude,
        wkt=wkt,
        encoding=encoding,
    )
    return _validated(read, strict)


def _read_kinds(
    paths: PathLike | Sequence[PathLike],
    *,
    kind: str | None = None,
    layer: str | None = None,
    mappings: Sequence[ColumnMapping | PathLike] = (),
    **options: Any,
) -> dict[str, gpd.GeoDataFrame]:
    """Read files sorted into incidents and hazards (see :func:`load_layers`), unchecked."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if kind is not None and kind not in LAYERS:
        raise ValueError(f"`kind` was {kind!r} but is expected to be in {list(LAYERS)}")
    loaded = [m if isinstance(m, ColumnMapping) else load_mapping(Path(m)) for m in mappings]
    found = _sorted_by_kind(paths, kind, layer, options.get("wkt"))
    read: dict[str, gpd.GeoDataFrame] = {}
    for k in ("incidents", "hazards"):
        if k not in found:
            continue
        frames = []
        for p, lyr in found[k]:
            where = "a database" if is_database(str(p)) else Path(p).name  # never a password
            with progress_step(f"reading {k} from {where}"):
                frames.append(
                    read_layer(p, k, layer=lyr, mapping=_mapping_for(k, p, loaded), **options)
                )
        read[k] = concat_layers(frames)
    return read


def _validated(read: dict[str, gpd.GeoDataFrame], strict: bool) -> dict[str, ValidationResult]:
    """Validate each kind; a small layer's points are checked against the other's too."""
    results: dict[str, ValidationResult] = {}
    for k in ("incidents", "hazards"):
        if k in read:
            other = read.get("hazards" if k == "incidents" else "incidents")
            with progress_step(f"checking {len(read[k]):,} {k}"):
                results[k] = validate_layer(read[k], LAYERS[k], strict=strict, reference=other)
    return results


def load_inputs(
    files: Sequence[PathLike] = (),
    *,
    incidents: Sequence[PathLike] = (),
    hazards: Sequence[PathLike] = (),
    kind: str | None = None,
    strict: bool = False,
    **options: Any,
) -> dict[str, ValidationResult]:
    """Read and check a command's inputs: files sorted by kind, plus files of a known kind.

    Parameters
    ----------
    files : list of paths
        Files whose layers are found by name or geometry (or all taken as ``kind``).
    incidents, hazards : list of paths
        Files that hold incidents, or hazard areas.
    kind : {"incidents", "hazards"}, optional
        Treat every one of ``files`` as this kind.
    strict : bool, default False
        Raise on any rejected row.
    **options
        ``layer``, ``mappings``, ``engine``, ``crs``, ``latitude``, ``longitude``,
        ``wkt``, ``encoding``: as for :func:`load_layers`.

    Returns
    -------
    dict
        ``{"incidents": ValidationResult, "hazards": ValidationResult}``, for the
        kinds found.

    Raises
    ------
    InputError
        No file given.
    GeomapError
        A kind found both in ``files`` and in its own list.

    Examples
    --------
    >>> results = load_inputs(incidents=["data/karabakh-incidents.csv"])
    >>> sorted(results), len(results["incidents"].kept)
    (['incidents'], 125)
    """
    if not (files or incidents or hazards):
        raise InputError("no input files given")
    read: dict[str, gpd.GeoDataFrame] = {}
    groups = [(files, kind), (incidents, "incidents"), (hazards, "hazards")]
    for paths, group_kind in groups:
        if not paths:
            continue
        found = _read_kinds(list(paths), kind=group_kind, **options)
        for k, gdf in found.items():
            if k in read:
                raise GeomapError(
                    f"{k} were given twice (positional files and --{k}); give them once"
                )
            read[k] = gdf
    return _validated(read, strict)


def partitioned_layers(path: PathLike, kind: str | None = None) -> dict[str, Path]:
    """Return the partitioned layers of ``path``, by kind: {} when it holds none.

    ``path`` is a folder ``geomap convert`` wrote (an ``incidents/`` and a
    ``hazards/`` folder of part files), or one layer's folder or glob of part files
    (of ``kind``, by default the layer its folder is named after, else incidents).

    Examples
    --------
    >>> partitioned_layers("data/karabakh-sample.gpkg")
    {}
    """
    found = {k: Path(path) / k for k in LAYERS if part_files(Path(path) / k)}
    if found:
        return found if kind is None else {k: p for k, p in found.items() if k == kind}
    if not part_files(path):
        return {}
    name = Path(str(path).split("*")[0]).name or Path(path).parent.name
    return {kind or ("hazards" if name.startswith("hazards") else "incidents"): Path(path)}


def load_partitioned(path: PathLike, kind: str = "incidents") -> PartitionedResult:
    """Read and validate a partitioned GeoParquet layer lazily, partition by partition.

    Parameters
    ----------
    path : str or Path
        A folder (or glob) of GeoParquet part files, e.g. ``out/incidents`` from
        ``geomap convert``; the columns are geomap's (no column mapping).
    kind : {"incidents", "hazards"}, default "incidents"
        The layer.

    Returns
    -------
    PartitionedResult
        Kept and rejected rows as dask collections (``pip install 'geomap[dask]'``).
    """
    if kind not in LAYERS:
        raise ValueError(f"`kind` was {kind!r} but is expected to be in {list(LAYERS)}")
    return validate_partitioned(read_partitioned(path), LAYERS[kind])


def load_context(
    name: str,
    path: PathLike | None = None,
    *,
    search: Sequence[PathLike] = (),
    engine: str | None = None,
) -> gpd.GeoDataFrame | None:
    """Read a context layer: the file given, else a same-named layer of an input GeoPackage.

    Parameters
    ----------
    name : str
        The layer, one of :data:`CONTEXT_LAYERS` (``"districts"``, ``"towns"``, ``"roads"``).
    path : str or Path, optional
        The file holding it (its layer ``name`` if it has several).
    search : list of paths
        Input files; the first GeoPackage among them with a layer ``name`` (or
        folder from ``geomap convert`` with ``context/NAME.parquet``) gives it when
        ``path`` is None (pass none to take context layers only from ``path``).
    engine : {"pyogrio", "fiona"}, optional
        Passed to :func:`geopandas.read_file`.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The layer in EPSG:4326, unchecked; None when not given and not found.

    Raises
    ------
    InputError
        The file given cannot be read, or has several layers and none called ``name``.

    Examples
    --------
    >>> towns = load_context("towns", search=["data/karabakh-sample.gpkg"])
    >>> len(towns) > 0, load_context("towns") is None
    (True, True)
    """
    if path:
        return read_context_layer(path, name, engine=engine)
    for f in search:
        if is_database(f):  # the same database's table ``name``, if it has one
            db = DatabaseSource.parse(str(f))
            found = read_context_layer(db.conninfo, name, only_named=True)
            if found is not None:
                log.info("%s: using its table %r", db.database, name)
                return found
        elif (Path(f) / "context" / f"{name}.parquet").is_file():  # `geomap convert`'s
            return read_context_layer(Path(f) / "context" / f"{name}.parquet", name)
        elif str(f).lower().endswith(".gpkg"):
            found = read_context_layer(f, name, only_named=True, engine=engine)
            if found is not None:
                log.info("%s: using its %r layer", f, name)
                return found
    return None


def load_risk(
    path: PathLike,
    field: str = "value",
    *,
    mappings: Sequence[ColumnMapping | PathLike] = (),
    strict: bool = False,
    **options: Any,
) -> ValidationResult:
    """Read and check a risk layer: points or polygons with a number each in ``field``.

    Any format :func:`geomap.read_layer` reads; a GeoPackage's layer called ``risk`` is
    taken when it has several. A mapping applies when it names the file in ``files``,
    or is written for ``layer: risk`` (it can map the value: ``fields: {value: SCORE}``;
    then ``field`` is ``"value"``).

    Parameters
    ----------
    path : str or Path
        The file.
    field : str, default "value"
        The column (after mapping) holding each row's number.
    mappings : list of ColumnMapping or paths
        Column mappings; the one for this file is picked as said above.
    strict : bool, default False
        Raise on any rejected row.
    **options
        ``layer``, ``engine``, ``crs``, ``latitude``, ``longitude``, ``wkt``, ``encoding``:
        as for :func:`geomap.read_layer`.

    Returns
    -------
    ValidationResult
        ``layer`` is ``"risk"``; rejected rows name their file, row, field and reason.

    Examples
    --------
    >>> risk = load_risk("grid.geojson", "score")  # doctest: +SKIP
    >>> risk.summary()[0]  # doctest: +SKIP
    'grid.geojson: 400 risk read = 398 kept + 2 rejected (0 repaired)'
    """
    loaded = [m if isinstance(m, ColumnMapping) else load_mapping(Path(m)) for m in mappings]
    fits = [m for m in loaded if m.layer in (None, "risk")]
    mapping = next((m for m in fits if m.matches(path)), None) or next(
        (m for m in fits if m.layer == "risk" and not m.files), None
    )
    gdf = read_layer(path, "risk", mapping=mapping, **options)
    return validate_risk(gdf, field, strict=strict)


def warn_if_apart(
    context: gpd.GeoDataFrame | None, name: str, *layers: gpd.GeoDataFrame | None
) -> bool:
    """Warn when a context layer (e.g. districts) does not overlap the data at all.

    Parameters
    ----------
    context : GeoDataFrame, optional
        The context layer (nothing is said when None or empty).
    name : str
        Its name, for the message (e.g. ``"districts"``).
    *layers : GeoDataFrame or None
        The data (incidents, hazards), in any CRS.

    Returns
    -------
    bool
        True when the context layer touches none of the data (and a warning was logged).

    Examples
    --------
    >>> from shapely import box
    >>> far = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326)
    >>> near = gpd.GeoDataFrame(geometry=[box(46, 39, 47, 40)], crs=4326)
    >>> warn_if_apart(far, "districts", near), warn_if_apart(near, "districts", near)
    (True, False)
    """
    data = [g for g in layers if isinstance(g, gpd.GeoDataFrame) and len(g) and g.crs is not None]
    if context is None or not len(context) or context.crs is None or not data:
        return False
    ctx = context[~(context.geometry.isna() | context.geometry.is_empty)]
    for g in data:
        g = g.to_crs(ctx.crs) if not g.crs.equals(ctx.crs) else g
        g = g[~(g.geometry.isna() | g.geometry.is_empty)]
        hits = ctx.sindex.query(g.geometry.to_numpy(), predicate="intersects")
        if hits.size:
            return False
    log.warning(
        "the %s layer does not overlap the data at all (none of its %d features touches an "
        "incident or hazard area): is it the right file, and in the right CRS?",
        name,
        len(context),
    )
    return True
