"""Checking a risk layer: points or polygons, each with a finite number in one field.

A risk layer (a risk-prediction score per grid cell, a survey priority per area) is
checked like the model's layers, losing nothing: each row is kept, or rejected with
its file, row, field and reason, and for every file ``read = kept + rejected (+
filtered)``. Its geometry is the kind most of its rows have (points, or polygons);
rows of the other kind are rejected.
"""

from __future__ import annotations

import dataclasses
import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap._errors import GeomapError
from geomap.io import PROBLEM_COLUMNS
from geomap.io import SOURCE_COLUMNS
from geomap.model import DISPLAY_CRS
from geomap.model import RISK
from geomap.validate.fields import check_ids
from geomap.validate.geometry import check_geometry
from geomap.validate.result import Collector
from geomap.validate.result import ValidationResult
from geomap.validate.result import files_table
from geomap.validate.result import notes_table
from geomap.validate.result import raise_if_strict
from geomap.validate.result import rejected_table
from geomap.validate.result import split_filtered

__all__ = ["validate_risk"]

log = logging.getLogger(__name__)


def _geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    """``"point"`` or ``"polygon"``: what most of the present geometries are."""
    types = gdf.geometry.dropna()
    types = types[~types.is_empty].geom_type
    points = types.isin(["Point", "MultiPoint"]).sum()
    return "point" if points * 2 >= len(types) and len(types) else "polygon"


def _check_value(raw: pd.Series, name: str, c: Collector) -> pd.Series:
    """Parse the risk value; reject what is missing, not a number, or not finite."""
    text = raw.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    missing = text.isna() | (text == "")
    num = pd.to_numeric(text.where(~missing), errors="coerce").astype(float)
    shown = "'" + raw.astype(str) + "'"
    c.fail(missing.to_numpy(), name, "no value (expected a number)", f"give every row a {name}")
    notnum = (~missing & num.isna()).to_numpy()
    c.fail(notnum, name, shown + " is not a number", "write the value as a number, e.g. 0.25")
    infinite = (~missing).to_numpy() & ~notnum & ~np.isfinite(num.to_numpy())
    c.fail(infinite, name, shown + " is not a finite number")
    return num.where(~(missing.to_numpy() | notnum | infinite))


def _prepared(gdf: gpd.GeoDataFrame, field: str) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:4326 with source columns; fail if ``field`` is not a column."""
    if field not in gdf.columns:
        have = [c for c in gdf.columns if c not in ("geometry", *SOURCE_COLUMNS)]
        files = sorted({str(f) for f in gdf.get("source_file", pd.Series(["<data>"]))})
        raise GeomapError(
            f"risk layer {', '.join(files)}: no column {field!r} for the risk value; its "
            f"columns are {have} (name one with --risk-field / risk_field, or map it in a "
            f"mapping with layer: risk and fields: {{value: YOUR_COLUMN}})"
        )
    gdf = gdf.to_crs(DISPLAY_CRS) if gdf.crs is not None else gdf.set_crs(DISPLAY_CRS)
    gdf = gdf.reset_index(drop=True)
    if "source_file" not in gdf.columns:
        gdf = gdf.assign(source_file="<data>", source_row=np.arange(1, len(gdf) + 1))
    return gdf


def _kept(
    gdf: gpd.GeoDataFrame, field: str, ids: pd.Series, values: pd.Series, geoms: np.ndarray
) -> gpd.GeoDataFrame:
    """Every row with its id, its number, its other columns, its source and its geometry."""
    skip = ("id", field, gdf.geometry.name, *SOURCE_COLUMNS, *PROBLEM_COLUMNS)
    others = [k for k in gdf.columns if k not in skip]
    return gpd.GeoDataFrame(
        {
            "id": ids,
            field: values,
            **{k: gdf[k] for k in others},
            **{k: gdf[k] for k in SOURCE_COLUMNS},
        },
        geometry=gpd.GeoSeries(geoms, index=gdf.index, crs=DISPLAY_CRS),
        crs=DISPLAY_CRS,
    )


def validate_risk(gdf: gpd.GeoDataFrame, field: str, *, strict: bool = False) -> ValidationResult:
    """Check a risk layer read by :func:`geomap.read_layer`: geometry, ids and a numeric field.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows as read (any CRS; not changed).
    field : str
        The column holding each row's number (e.g. ``"score"``).
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.

    Returns
    -------
    ValidationResult
        ``kept`` has ``id``, ``field`` (float), the layer's other columns, the source
        columns and the geometry, in EPSG:4326; ``layer`` is ``"risk"``.

    Raises
    ------
    GeomapError
        ``field`` is not a column of the layer.
    ValidationError
        With ``strict=True``, when any row is rejected.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"score": [0.5, "high", None]},
    ...                        geometry=[shapely.Point(46.9, 39.9)] * 3, crs=4326)
    >>> result = validate_risk(gdf, "score")
    >>> len(result.kept), result.rejected["problem"].tolist()
    (1, ["'high' is not a number", 'no value (expected a number)'])
    """
    gdf, filtered = split_filtered(_prepared(gdf, field))
    c = Collector(len(gdf))
    if PROBLEM_COLUMNS[1] in gdf.columns:
        has = gdf[PROBLEM_COLUMNS[1]].notna().to_numpy()
        c.fail(has, "geometry", gdf[PROBLEM_COLUMNS[1]])
    spec = dataclasses.replace(RISK, geometry=_geometry_kind(gdf))
    geoms = check_geometry(gdf, spec, c)
    values = _check_value(gdf[field], field, c)
    ids, generated = check_ids(gdf, c)
    keep = ~c.reject
    kept = _kept(gdf, field, ids, values, geoms)[keep].reset_index(drop=True)
    rejected = rejected_table(gdf, ids, c)
    notes = notes_table(gdf, ids, c, keep)
    result = ValidationResult(
        kept,
        rejected,
        notes,
        files_table(gdf, rejected, notes, filtered),
        {d["path"]: list(d["notes"]) for d in gdf.attrs.get("geomap_files", []) if d["notes"]},
        "risk",
        generated,
        filtered=filtered,
    )
    log.info("risk: %d read, %d kept, %d rejected", len(gdf), len(kept), len(rejected))
    raise_if_strict(result, len(gdf), strict)
    return result
