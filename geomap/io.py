"""Reading layers from files, and writing outputs atomically.

Readers accept GeoJSON, GeoPackage, Shapefile (a folder, a ``.shp`` or a
``.zip``), KML/KMZ, FlatGeobuf, GeoParquet and CSV (latitude/longitude columns
or a WKT column). geopandas picks the file engine (pyogrio by default; pass
``engine="fiona"`` to use Fiona). Several files are read as one layer.

Every row read carries ``source_file`` and ``source_row`` (its 1-based record
number in that file) so that validation can say exactly which row is wrong.
Readers only read: checking and repairing is :mod:`geomap.validate`'s job.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import InputError, MappingError
from geomap.mapping import ColumnMapping, load_mapping
from geomap.model import DISPLAY_CRS, LAYERS

__all__ = [
    "PROBLEM_COLUMNS",
    "SOURCE_COLUMNS",
    "atomic_path",
    "concat_layers",
    "detect_layers",
    "read_context_layer",
    "read_hazards",
    "read_incidents",
    "read_layer",
    "write_layer",
]

log = logging.getLogger(__name__)

SOURCE_COLUMNS = ("source_file", "source_row")
#: Columns a reader sets on rows it could read but not make sense of.
PROBLEM_COLUMNS = ("_problem_field", "_problem")

_FORMATS = {
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
    ".csv": "CSV",
    ".tsv": "CSV",
    ".txt": "CSV",
}
_LAT_NAMES = ("latitude", "lat", "y", "lat_dd", "latitude_dd", "ycoord", "y_coord")
_LON_NAMES = ("longitude", "lon", "long", "lng", "x", "lon_dd", "longitude_dd", "xcoord", "x_coord")
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "geometry_wkt")

PathLike = str | os.PathLike[str]


def _format_of(path: Path) -> str:
    if path.is_dir():
        return "Shapefile"
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown file type {path.suffix!r}; expected one of "
            f"{sorted(set(_FORMATS))} or a folder holding a Shapefile",
            path,
        )
    return fmt


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


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


def _choose_layer(path: Path, target: str, layer: str | None, kind: str | None) -> str | None:
    """Pick the layer to read from a multi-layer source, or explain why we cannot."""
    import pyogrio

    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(target)]
    except Exception as exc:
        raise InputError(f"{path}: could not be opened: {_first_line(exc)}", path) from None
    if layer is not None:
        if layer not in layers:
            raise InputError(
                f"{path}: has no layer {layer!r}; its layers are {', '.join(layers)}", path
            )
        return layer
    if len(layers) <= 1:
        return layers[0] if layers else None
    if kind is not None and kind in layers:
        log.info("%s: reading layer %r of %d", path, kind, len(layers))
        return kind
    raise InputError(
        f"{path}: has {len(layers)} layers ({', '.join(layers)}); name the one to read "
        f"(layer=... in Python, --layer on the command line)",
        path,
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
        return f"could not be read: {_first_line(oexc)}"
    return f"could not be read as GeoJSON: {_first_line(exc)}"


def _read_csv(
    path: Path,
    mapping: ColumnMapping | None,
    latitude: str | None,
    longitude: str | None,
    wkt: str | None,
) -> tuple[gpd.GeoDataFrame, bool]:
    """Read a CSV with coordinate or WKT columns. Return the frame and whether CRS is implied."""
    opts = dict(mapping.csv) if mapping else {}
    delimiter = opts.get("delimiter") or ("\t" if path.suffix.lower() == ".tsv" else None)
    try:
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            sep=delimiter,
            engine="python" if delimiter is None else "c",
            encoding=opts.get("encoding", "utf-8-sig"),
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: could not be read as CSV: {_first_line(exc)}", path) from None
    lower = {c.lower().strip(): c for c in df.columns}

    def find(given: str | None, names: Sequence[str]) -> str | None:
        if given:
            if given not in df.columns:
                raise InputError(
                    f"{path}: has no column {given!r}; its columns are {list(df.columns)}", path
                )
            return given
        return next((lower[n] for n in names if n in lower), None)

    lat = find(latitude or opts.get("latitude"), _LAT_NAMES)
    lon = find(longitude or opts.get("longitude"), _LON_NAMES)
    geom_col = None if (lat and lon) else find(wkt or opts.get("wkt"), _WKT_NAMES)
    problem_field = pd.Series(None, index=df.index, dtype=object)
    problem = pd.Series(None, index=df.index, dtype=object)
    if lat and lon:
        ys = pd.to_numeric(df[lat].str.strip(), errors="coerce")
        xs = pd.to_numeric(df[lon].str.strip(), errors="coerce")
        for col, raw, num in ((lat, df[lat], ys), (lon, df[lon], xs)):
            bad = num.isna() & raw.notna() & problem.isna()
            problem_field[bad] = col
            problem[bad] = (
                "'" + raw[bad].astype(str) + "' is not a number (expected decimal degrees)"
            )
        missing = (ys.isna() | xs.isna()) & problem.isna()
        problem_field[missing] = f"{lat}/{lon}"
        problem[missing] = "coordinates are missing"
        ok = ys.notna() & xs.notna()
        geoms = np.full(len(df), None, dtype=object)
        geoms[ok.to_numpy()] = shapely.points(xs[ok].to_numpy(), ys[ok].to_numpy())
        df = df.drop(columns=[lat, lon]).assign(**{f"_{lat}": df[lat], f"_{lon}": df[lon]})
        df = df.rename(columns={f"_{lat}": lat, f"_{lon}": lon})
        implied = True
    elif geom_col:
        raw = df[geom_col]
        geoms = shapely.from_wkt(raw.to_numpy(dtype=object), on_invalid="ignore")
        bad = raw.notna() & pd.isna(pd.Series(geoms, index=df.index))
        problem_field[bad] = geom_col
        problem[bad] = "'" + raw[bad].astype(str).str.slice(0, 40) + "' is not valid WKT"
        df = df.drop(columns=[geom_col])
        implied = False
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
    return gdf, implied


def _untruncate(gdf: gpd.GeoDataFrame, kind: str, path: Path) -> gpd.GeoDataFrame:
    """Give back model field names that the Shapefile format cut to 10 characters."""
    renames = {
        name[:10]: name
        for name in LAYERS[kind].columns
        if len(name) > 10 and name[:10] in gdf.columns and name not in gdf.columns
    }
    if renames:
        log.info(
            "%s: read Shapefile's truncated columns %s as %s",
            path,
            list(renames),
            list(renames.values()),
        )
        gdf = gdf.rename(columns=renames)
    return gdf


def _read_one(
    path: Path,
    *,
    kind: str | None,
    layer: str | None,
    mapping: ColumnMapping | None,
    engine: str | None,
    crs: str | None,
    latitude: str | None,
    longitude: str | None,
    wkt: str | None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    if not path.exists():
        raise InputError(f"{path}: no such file or folder", path)
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty", path)
    fmt = _format_of(path)
    implied_crs = False
    if fmt == "CSV":
        gdf, implied_crs = _read_csv(path, mapping, latitude, longitude, wkt)
    elif fmt == "GeoParquet":
        try:
            gdf = gpd.read_parquet(path)
        except Exception as exc:
            raise InputError(
                f"{path}: could not be read as GeoParquet: {_first_line(exc)}", path
            ) from None
    else:
        target = _shapefile_target(path) if fmt == "Shapefile" else str(path)
        if fmt == "KML" and path.suffix.lower() == ".kmz":
            target = f"/vsizip/{path}"
        chosen = _choose_layer(path, target, layer, kind) if fmt in {"GeoPackage", "KML"} else layer
        try:
            with warnings.catch_warnings():
                # GDAL's own warnings (e.g. a missing .prj) are reported by us, below.
                warnings.simplefilter("ignore", RuntimeWarning)
                gdf = gpd.read_file(target, layer=chosen, engine=engine)
        except Exception as exc:
            if fmt == "GeoJSON":
                raise InputError(f"{path}: {_explain_geojson(path, exc)}", path) from None
            raise InputError(
                f"{path}: could not be read as {fmt}: {_first_line(exc)}", path
            ) from None
    if fmt == "KML" and "id2" in gdf.columns:
        # LIBKML reads the Placemark's XML id as `id` and an ExtendedData `id` as `id2`.
        gdf = gdf.drop(columns="id").rename(columns={"id2": "id"})
    if fmt == "Shapefile" and kind in LAYERS:
        gdf = _untruncate(gdf, kind, path)
    if mapping is not None:
        gdf = mapping.apply(gdf, path)
        if not isinstance(gdf, gpd.GeoDataFrame):  # pragma: no cover - defensive
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry")
    if gdf.crs is None:
        assumed = crs or (mapping.crs if mapping else None)
        if assumed is not None:
            gdf = gdf.set_crs(assumed)
            notes.append(f"no CRS in the file; used {assumed} as given")
        elif implied_crs:
            gdf = gdf.set_crs(DISPLAY_CRS)
        else:
            gdf = gdf.set_crs(DISPLAY_CRS)
            msg = "has no CRS; assumed EPSG:4326 (longitude/latitude); give --crs if it is not"
            notes.append(msg)
            log.warning("%s: %s", path, msg)
    elif crs is not None:
        notes.append(f"file declares {gdf.crs.to_string()}; ignored the given CRS {crs}")
    if gdf.crs is not None and not gdf.crs.equals(DISPLAY_CRS):
        src = gdf.crs.to_string()
        try:
            gdf = gdf.to_crs(DISPLAY_CRS)
        except Exception as exc:
            raise InputError(
                f"{path}: could not reproject from {src}: {_first_line(exc)}"
            ) from None
        log.info("%s: reprojected from %s to %s", path, src, DISPLAY_CRS)
    gdf = gdf.reset_index(drop=True)
    gdf["source_file"] = str(path)
    gdf["source_row"] = np.arange(1, len(gdf) + 1)
    log.info("%s: read %d rows (%s)", path, len(gdf), fmt)
    return gdf, notes


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
        A column mapping (see :mod:`geomap.mapping`) or the YAML/TOML file holding one.
    engine : {"pyogrio", "fiona"}, optional
        Passed to :func:`geopandas.read_file`; geopandas' default when None.
    crs : str, optional
        CRS of input that declares none (otherwise EPSG:4326 is assumed, with a warning).
    latitude, longitude, wkt : str, optional
        CSV columns holding the coordinates, when not one of the usual spellings.

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
    >>> gdf = read_layer("data/karabakh-sample.gpkg", "incidents")  # doctest: +SKIP
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if not paths:
        raise InputError("no input files given")
    if mapping is not None and not isinstance(mapping, ColumnMapping):
        mapping = load_mapping(Path(mapping))
    if mapping is not None and kind is not None and mapping.layer not in (None, kind):
        raise MappingError(f"{mapping.source}: is a mapping for {mapping.layer}, not {kind}")
    frames: list[gpd.GeoDataFrame] = []
    files: list[dict[str, Any]] = []
    for p in paths:
        gdf, notes = _read_one(
            Path(p),
            kind=kind,
            layer=layer,
            mapping=mapping,
            engine=engine,
            crs=crs,
            latitude=latitude,
            longitude=longitude,
            wkt=wkt,
        )
        frames.append(gdf)
        files.append({"path": str(p), "rows": len(gdf), "notes": notes})
    for frame, desc in zip(frames, files, strict=True):
        frame.attrs = {"geomap_files": [desc], "geomap_kind": kind}
        if mapping is not None:
            frame.attrs["geomap_dates"] = dict(mapping.dates)
            frame.attrs["geomap_keep"] = list(mapping.keep)
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
    >>> raw = geomap.read_incidents("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> result = geomap.validate_incidents(raw)  # doctest: +SKIP
    """
    return read_layer(paths, "incidents", **kwargs)


def read_hazards(paths: PathLike | Sequence[PathLike], **kwargs: Any) -> gpd.GeoDataFrame:
    """Read hazard-area polygons from one or more files (see :func:`read_layer`).

    Parameters
    ----------
    paths : path or list of paths
        Files to read as one layer.
    **kwargs
        ``layer``, ``mapping``, ``engine``, ``crs``, ``latitude``, ``longitude``, ``wkt``.

    Returns
    -------
    geopandas.GeoDataFrame
        Unvalidated rows; pass them to :func:`geomap.validate_hazards`.

    Examples
    --------
    >>> import geomap
    >>> raw = geomap.read_hazards("data/karabakh-sample.gpkg")  # doctest: +SKIP
    """
    return read_layer(paths, "hazards", **kwargs)


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
        wkt = out.pop("geometry_wkt").to_numpy(dtype=object)
        geoms = shapely.from_wkt(wkt, on_invalid="ignore")
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
    with atomic_path(dest) as tmp:
        if dest.suffix.lower() == ".csv":
            out = pd.DataFrame(df).copy()
            if isinstance(df, gpd.GeoDataFrame):
                name = df.geometry.name
                out[name] = shapely.to_wkt(df.geometry.to_numpy(), rounding_precision=7)
            out.to_csv(tmp, index=False)
        else:
            gdf = df if isinstance(df, gpd.GeoDataFrame) else _table_to_layer(df)
            if dest.exists() and dest.suffix.lower() == ".gpkg":
                import shutil

                shutil.copy(dest, tmp)
            gdf.to_file(tmp, layer=layer or dest.stem)
    return dest


def read_context_layer(
    path: PathLike, name: str, *, only_named: bool = False
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

    Returns
    -------
    geopandas.GeoDataFrame or None

    Raises
    ------
    InputError
        The file cannot be read, or has no such layer.

    Examples
    --------
    >>> read_context_layer("data/karabakh-sample.gpkg", "towns")  # doctest: +SKIP
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder", p)
    fmt = _format_of(p)
    target = _shapefile_target(p) if fmt == "Shapefile" else str(p)
    layer: str | None = None
    if fmt in {"GeoPackage", "KML"}:
        try:
            names = [str(r[0]) for r in pyogrio.list_layers(target)]
        except Exception as exc:
            raise InputError(f"{p}: could not be opened: {_first_line(exc)}", p) from None
        if name in names:
            layer = name
        elif only_named:
            return None
        elif len(names) > 1:
            raise InputError(f"{p}: has no layer {name!r}; its layers are {', '.join(names)}", p)
    elif only_named:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_parquet(p) if fmt == "GeoParquet" else gpd.read_file(target, layer=layer)
    except Exception as exc:
        raise InputError(f"{p}: could not be read as {fmt}: {_first_line(exc)}", p) from None
    if gdf.crs is None:
        log.warning("%s: has no CRS; assumed EPSG:4326", p)
        gdf = gdf.set_crs(DISPLAY_CRS)
    return gdf.to_crs(DISPLAY_CRS)


def _kind_of_geometry_type(name: str | None) -> str | None:
    text = (name or "").lower()
    if "polygon" in text:
        return "hazards"
    if "point" in text:
        return "incidents"
    return None


def detect_layers(path: PathLike, layer: str | None = None) -> list[tuple[str, str | None]]:
    """Say which model layers a file holds, from its metadata, without reading its rows.

    A GeoPackage or KML with layers named ``incidents`` and/or ``hazards`` gives
    those; any other single layer is classified by its geometry type (points are
    incidents, polygons hazard areas). CSV files are taken as incidents.

    Parameters
    ----------
    path : str or Path
        The file.
    layer : str, optional
        The layer to classify, in a multi-layer file.

    Returns
    -------
    list of (kind, layer name or None)

    Raises
    ------
    InputError
        The file cannot be opened, or its layers are ambiguous.

    Examples
    --------
    >>> detect_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    [('incidents', 'incidents'), ('hazards', 'hazards')]
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder", p)
    if p.is_file() and p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty", p)
    fmt = _format_of(p)
    if fmt == "CSV":
        return [("incidents", None)]
    if fmt == "GeoParquet":
        try:
            import pyarrow.parquet as pq

            meta = json.loads(pq.read_schema(p).metadata[b"geo"])
            col = meta["columns"][meta["primary_column"]]
            types = " ".join(col.get("geometry_types", []))
        except Exception as exc:
            raise InputError(
                f"{p}: could not be read as GeoParquet: {_first_line(exc)}", p
            ) from None
        return [(_kind_of_geometry_type(types) or "incidents", None)]
    target = _shapefile_target(p) if fmt == "Shapefile" else str(p)
    if fmt == "KML" and p.suffix.lower() == ".kmz":
        target = f"/vsizip/{p}"
    if fmt in {"GeoPackage", "KML"} and layer is None:
        try:
            names = [str(r[0]) for r in pyogrio.list_layers(target)]
        except Exception as exc:
            raise InputError(f"{p}: could not be opened: {_first_line(exc)}", p) from None
        named: list[tuple[str, str | None]] = [
            (k, k) for k in ("incidents", "hazards") if k in names
        ]
        if named:
            return named
        if len(names) > 1:
            raise InputError(
                f"{p}: has {len(names)} layers ({', '.join(names)}); name the one to read "
                f"(layer=... in Python, --layer on the command line)",
                p,
            )
        layer = names[0] if names else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            info = pyogrio.read_info(target, layer=layer)
    except Exception as exc:
        if fmt == "GeoJSON":
            raise InputError(f"{p}: {_explain_geojson(p, exc)}", p) from None
        raise InputError(f"{p}: could not be read as {fmt}: {_first_line(exc)}", p) from None
    kind = _kind_of_geometry_type(info.get("geometry_type"))
    if kind is None:
        sample = gpd.read_file(target, layer=layer, max_features=200)
        kinds = sample.geometry.dropna().geom_type.map(_kind_of_geometry_type).dropna()
        kind = kinds.mode().iloc[0] if len(kinds) else "incidents"
    return [(kind, layer)]
