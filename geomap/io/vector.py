"""Vector files through geopandas: GeoJSON, GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoParquet.

geopandas picks the file engine (pyogrio by default, or ``engine="fiona"``);
this module passes ``engine`` through and never re-implements a driver.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings

import geopandas as gpd
import pandas as pd
import pyogrio

from geomap.io._open import Source
from geomap.io._open import read_error
from geomap.model import LAYERS

__all__ = [
    "NOTICE_KEY",
    "fix_kml_ids",
    "geometry_kind",
    "misdecoded",
    "read_notice",
    "read_vector",
    "untruncate",
]

log = logging.getLogger(__name__)


def read_vector(
    src: Source,
    layer: str | None = None,
    *,
    engine: str | None = None,
    encoding: str | None = None,
    **kwargs: object,
) -> gpd.GeoDataFrame:
    """Read one layer of a vector file (or a GeoParquet file) as it is.

    Parameters
    ----------
    src : Source
        From :func:`geomap.io.open_source`.
    layer : str, optional
        The layer, from :func:`geomap.io.choose_layer`.
    engine : {"pyogrio", "fiona"}, optional
        Passed to :func:`geopandas.read_file`; geopandas' default when None.
    encoding : str, optional
        The text encoding of a file that declares none (a Shapefile without ``.cpg``
        is otherwise read as Latin-1), e.g. ``"cp1251"``.
    **kwargs
        Passed to :func:`geopandas.read_file` (e.g. ``max_features``).

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    InputError
        The driver could not read the file; the message names it.

    Examples
    --------
    >>> from geomap.io._open import open_source
    >>> len(read_vector(open_source("data/karabakh-sample.gpkg"), "towns")) > 0
    True
    """
    try:
        if src.fmt == "GeoParquet":
            return gpd.read_parquet(src.path)
        with warnings.catch_warnings():
            # GDAL's own warnings (e.g. a missing .prj) are reported by the readers.
            warnings.simplefilter("ignore", RuntimeWarning)
            if encoding is not None:
                kwargs["encoding"] = encoding
            return gpd.read_file(src.target, layer=layer, engine=engine, **kwargs)
    except Exception as exc:
        raise read_error(src, exc) from None


#: Text decoded with the wrong code page: UTF-8 read as Latin-1 (``Ã©``, ``Ð¡``), or a
#: single-byte Cyrillic/Greek/... code page read as Latin-1 (``Ñòåïàíàêåðò``: runs of
#: accented capitals and small letters that no language writes).
_MOJIBAKE = re.compile(r"[\u00c2\u00c3\u00d0\u00d1][\u0080-\u00bf]|[\u00c0-\u00ff]{4,}")


def misdecoded(gdf: gpd.GeoDataFrame, *, sample: int = 500) -> tuple[str, str] | None:
    """Find text that looks decoded with the wrong encoding; return (column, value) or None.

    Examples
    --------
    >>> import geopandas as gpd
    >>> misdecoded(gpd.GeoDataFrame({"district": ["Ñòåïàíàêåðò"]}))
    ('district', 'Ñòåïàíàêåðò')
    >>> misdecoded(gpd.GeoDataFrame({"district": ["Stepanakert", "Şuşa", "Côte d'Ivoire"]})) is None
    True
    """
    for col in gdf.columns:
        if col == getattr(gdf, "_geometry_column_name", None):
            continue
        if not (pd.api.types.is_object_dtype(gdf[col]) or pd.api.types.is_string_dtype(gdf[col])):
            continue
        for value in gdf[col].dropna().head(sample):
            if isinstance(value, str) and _MOJIBAKE.search(value):
                return str(col), value
    return None


def fix_kml_ids(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Take a KML's ExtendedData ``id`` as the id, else the Placemark's own.

    LIBKML reads an ExtendedData ``<Data name="id">`` into ``id`` (over the Placemark's
    XML id), but a ``<SchemaData>`` ``id`` into ``id2`` (leaving the XML id in ``id``):
    each row keeps its ExtendedData id, wherever it was read.
    """
    if "id2" not in gdf.columns:
        return gdf
    extended = gdf["id2"].where(gdf["id2"].notna() & (gdf["id2"].astype(str).str.strip() != ""))
    ids = extended.fillna(gdf["id"]) if "id" in gdf.columns else extended
    return gdf.drop(columns="id2").assign(id=ids)


def untruncate(gdf: gpd.GeoDataFrame, kind: str, path: object) -> gpd.GeoDataFrame:
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


def _kind_of_geometry_type(name: str | None) -> str | None:
    text = (name or "").lower()
    if "polygon" in text:
        return "hazards"
    if "point" in text:
        return "incidents"
    return None


def geometry_kind(src: Source, layer: str | None) -> str:
    """Say whether a layer holds incidents (points) or hazards (polygons), from metadata.

    Parameters
    ----------
    src : Source
        A vector or GeoParquet file.
    layer : str, optional
        Its layer.

    Returns
    -------
    str
        ``"incidents"`` or ``"hazards"``; ``"incidents"`` when nothing says otherwise.
    """
    if src.fmt == "GeoParquet":
        try:
            import pyarrow.parquet as pq

            meta = json.loads(pq.read_schema(src.path).metadata[b"geo"])
            col = meta["columns"][meta["primary_column"]]
            types = " ".join(col.get("geometry_types", []))
        except Exception as exc:
            raise read_error(src, exc) from None
        return _kind_of_geometry_type(types) or "incidents"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            info = pyogrio.read_info(src.target, layer=layer)
    except Exception as exc:
        raise read_error(src, exc) from None
    kind = _kind_of_geometry_type(info.get("geometry_type"))
    if kind is None:
        sample = read_vector(src, layer, max_features=200)
        kinds = sample.geometry.dropna().geom_type.map(_kind_of_geometry_type).dropna()
        kind = kinds.mode().iloc[0] if len(kinds) else "incidents"
    return str(kind)


#: The GeoPackage metadata item whose text a map shows as a notice (e.g. "synthetic data").
NOTICE_KEY = "GEOMAP_NOTICE"


def read_notice(path: str | os.PathLike[str]) -> str | None:
    """Return the notice a GeoPackage carries for every map made from it, if any.

    The notice is the dataset metadata item :data:`NOTICE_KEY` (written with
    ``to_file(..., dataset_metadata={"GEOMAP_NOTICE": "..."})``); other formats
    carry none. A file that cannot be read (moved since) has none either.

    Parameters
    ----------
    path : str or Path
        A file the layers were read from.

    Returns
    -------
    str or None

    Examples
    --------
    >>> read_notice("data/karabakh-sample.gpkg")[:14]
    'SYNTHETIC DATA'
    """
    if not str(path).lower().endswith(".gpkg"):
        return None
    try:
        meta = pyogrio.read_info(str(path), layer=0).get("dataset_metadata") or {}
    except Exception as exc:  # a moved or unreadable file: the map is still drawn
        log.debug("%s: no notice read (%s)", path, exc)
        return None
    text = str(meta.get(NOTICE_KEY) or "").strip()
    return text or None
