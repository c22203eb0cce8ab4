"""Checking and repairing a layer, losing nothing.

Each row read is either **kept** (perhaps repaired, with a note saying how) or
**rejected** with its reason, and for every file ``read = kept + rejected``.
The whole layer is checked in one pass and every problem collected, then
reported once (as osmnx's ``_validate_features_gdf`` does); ``strict=True``
turns any rejection into a :class:`~geomap.ValidationError`.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap._parallel import chunked
from geomap.geo import equal_area_crs
from geomap.geo import project
from geomap.io import PROBLEM_COLUMNS
from geomap.model import DISPLAY_CRS
from geomap.model import HAZARDS
from geomap.model import INCIDENTS
from geomap.model import LayerSpec
from geomap.validate.fields import check_fields
from geomap.validate.fields import check_ids
from geomap.validate.geometry import MIN_CHUNKED_POLYGONS
from geomap.validate.geometry import check_coordinates
from geomap.validate.geometry import check_geometry
from geomap.validate.geometry import reference_points
from geomap.validate.result import Collector
from geomap.validate.result import ValidationResult
from geomap.validate.result import files_table
from geomap.validate.result import notes_table
from geomap.validate.result import raise_if_strict
from geomap.validate.result import rejected_table
from geomap.validate.result import split_filtered

__all__ = ["as_layer", "validate_hazards", "validate_incidents", "validate_layer"]

log = logging.getLogger(__name__)


def _prepared(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:4326, indexed 0..n-1, with ``source_file``/``source_row``."""
    gdf = gdf.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs(DISPLAY_CRS)
        log.warning("layer has no CRS; assumed %s", DISPLAY_CRS)
    elif not gdf.crs.equals(DISPLAY_CRS):
        gdf = gdf.to_crs(DISPLAY_CRS)
    gdf = gdf.reset_index(drop=True)
    if "source_file" not in gdf.columns:
        gdf["source_file"] = "<data>"
    if "source_row" not in gdf.columns:
        gdf["source_row"] = np.arange(1, len(gdf) + 1)
    return gdf


def _reader_problems(gdf: gpd.GeoDataFrame, c: Collector) -> None:
    """Reject the rows a reader could not make sense of (see ``PROBLEM_COLUMNS``)."""
    if PROBLEM_COLUMNS[1] not in gdf.columns:
        return
    has = gdf[PROBLEM_COLUMNS[1]].notna().to_numpy()
    for fld, grp in gdf[has].groupby(PROBLEM_COLUMNS[0]):
        mask = np.zeros(len(gdf), dtype=bool)
        mask[grp.index.to_numpy()] = True
        c.fail(mask, str(fld), gdf[PROBLEM_COLUMNS[1]])


def _missing(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> dict[str, dict[str, str]]:
    """Per file, per required field it has no column for: one line saying how to map it."""
    records = {d["path"]: d for d in gdf.attrs.get("geomap_files", [])}
    rows = gdf.groupby("source_file", sort=False).size()
    out: dict[str, dict[str, str]] = {}
    for file, n in rows.items():
        record = records.get(str(file), {})
        for f in spec.fields:
            if not f.required or f.vocabulary is None:
                continue
            if f.name in gdf.columns and f.name not in record.get("missing", ()):
                continue
            cols = record.get("columns")
            has = f"; its columns are {cols}" if cols is not None else ""
            out.setdefault(str(file), {})[f.name] = (
                f"no column for {f.name}, which is required, so its {n} rows are rejected; "
                f"in a mapping, name the column that holds it (fields: {{{f.name}: "
                f"YOUR_COLUMN}}) or give every row one value (constants: {{{f.name}: "
                f"{f.vocabulary.codes[0]}}}){has}"
            )
    return out


def _reference(ref: gpd.GeoDataFrame | gpd.GeoSeries | None) -> np.ndarray | None:
    """Return the reference layer's points (see :func:`reference_points`), in EPSG:4326."""
    if ref is None or len(ref) == 0:
        return None
    if ref.crs is not None and not ref.crs.equals(DISPLAY_CRS):
        ref = ref.to_crs(DISPLAY_CRS)
    geoms = ref.geometry if isinstance(ref, gpd.GeoDataFrame) else ref
    return reference_points(geoms.to_numpy())


def _kept(
    gdf: gpd.GeoDataFrame,
    spec: LayerSpec,
    geoms: np.ndarray,
    data: dict[str, pd.Series],
    keep_mask: np.ndarray,
) -> gpd.GeoDataFrame:
    """Return the kept rows: model and ``keep`` columns, source, geometry, area."""
    model_cols = [f.name for f in spec.fields if f.kind != "area"]
    keep_cols = [
        k for k in gdf.attrs.get("geomap_keep", []) if k in gdf.columns and k not in model_cols
    ]
    columns = {
        **{k: data[k] for k in model_cols},
        **{k: gdf[k] for k in keep_cols},
        "source_file": gdf["source_file"],
        "source_row": gdf["source_row"],
    }
    every = bool(keep_mask.all())  # nothing to leave out: no copies of a million rows
    if not every:
        columns = {k: v[keep_mask] for k, v in columns.items()}
        geoms = geoms[keep_mask]
    index = pd.RangeIndex(len(geoms))
    kept = gpd.GeoDataFrame(
        {k: v.set_axis(index) for k, v in columns.items()},
        geometry=gpd.GeoSeries(geoms, index=index, crs=DISPLAY_CRS),
        crs=DISPLAY_CRS,
    )
    if spec.geometry == "polygon":
        kept.insert(len(model_cols), "area_m2", _areas(kept))
    return kept


def _areas(layer: gpd.GeoDataFrame) -> pd.Series:
    """Each polygon's area in m² (to 0.1), measured in an equal-area CRS centred on them."""
    if not len(layer):
        return pd.Series(dtype=float)
    crs = equal_area_crs(layer)
    # Kept (reuse): the area summary and the map dissolve the same polygons in this CRS.
    metric = project(layer.geometry.to_numpy(), crs, reuse=True)
    area = chunked(shapely.area, metric, min_size=MIN_CHUNKED_POLYGONS)
    return pd.Series(area, index=layer.index).round(1)


def validate_layer(
    gdf: gpd.GeoDataFrame,
    spec: LayerSpec,
    *,
    strict: bool = False,
    reference: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
) -> ValidationResult:
    """Check, repair and type a layer read by :func:`geomap.read_layer`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows as read (not changed by this function).
    spec : LayerSpec
        :data:`geomap.model.INCIDENTS` or :data:`geomap.model.HAZARDS`.
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.
    reference : GeoDataFrame or GeoSeries, optional
        Other data of the same place (e.g. the other layer, or districts), in any CRS.
        When the layer has fewer than 20 rows, its points are checked for a flipped
        sign or swapped axes against these as well as against each other.

    Returns
    -------
    ValidationResult

    Raises
    ------
    ValidationError
        With ``strict=True``, when any row is rejected; the report is attached.
    """
    gdf, filtered = split_filtered(_prepared(gdf))
    n = len(gdf)
    c = Collector(n)
    _reader_problems(gdf, c)
    geoms = check_geometry(gdf, spec, c)
    check_coordinates(geoms, c, _reference(reference))
    clean = check_fields(gdf, spec, dict(gdf.attrs.get("geomap_dates", {})), c)
    ids, generated = check_ids(gdf, c)

    keep_mask = ~c.reject
    kept = _kept(gdf, spec, geoms, {"id": ids, **clean}, keep_mask)
    rejected = rejected_table(gdf, ids, c)
    notes = notes_table(gdf, ids, c, keep_mask)
    files = files_table(gdf, rejected, notes, filtered)
    file_notes = {
        d["path"]: list(d["notes"]) for d in gdf.attrs.get("geomap_files", []) if d["notes"]
    }
    result = ValidationResult(
        kept,
        rejected,
        notes,
        files,
        file_notes,
        spec.name,
        generated,
        filtered=filtered,
        file_errors=_missing(gdf, spec),
    )
    log.info(
        "%s: %d read, %d kept, %d rejected, %d notes",
        spec.name,
        n,
        len(kept),
        len(rejected),
        len(notes),
    )
    raise_if_strict(result, n, strict)
    return result


def validate_incidents(gdf: gpd.GeoDataFrame, *, strict: bool = False) -> ValidationResult:
    """Check and type incident points; see :func:`validate_layer`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows from :func:`geomap.read_incidents`.
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.

    Returns
    -------
    ValidationResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> raw = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"], "incident_type": ["mine/ERW accident", "picnic"],
    ...      "killed": [1, 0], "injured": [0, 2]},
    ...     geometry=[Point(46.9, 39.9), Point(47.0, 39.6)], crs=4326)
    >>> result = validate_incidents(raw)
    >>> len(result.kept), len(result.rejected)
    (1, 1)
    """
    return validate_layer(gdf, INCIDENTS, strict=strict)


def validate_hazards(gdf: gpd.GeoDataFrame, *, strict: bool = False) -> ValidationResult:
    """Check, repair and type hazard-area polygons: ``validate_layer(gdf, HAZARDS)``.

    Areas (``area_m2``) are computed in an equal-area projection centred on the data.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows from :func:`geomap.read_hazards`.
    strict : bool, default False
        As for :func:`validate_incidents`.

    Returns
    -------
    ValidationResult
        Its kept rows carry ``area_m2``, each polygon's area in square metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame({"id": ["h1"], "hazard_class": ["CHA"], "status": ["active"]},
    ...                        geometry=[box(46.9, 39.9, 46.91, 39.91)], crs=4326)
    >>> area_km2 = validate_hazards(raw).kept.loc[0, "area_m2"] / 1e6
    >>> print(round(area_km2, 2))
    0.95
    """
    return validate_layer(gdf, HAZARDS, strict=strict)


def as_layer(data: object, what: str) -> gpd.GeoDataFrame:
    """Return a layer (a GeoDataFrame, or a result's kept rows) in EPSG:4326.

    Parameters
    ----------
    data : GeoDataFrame or ValidationResult
        The layer.
    what : str
        Its name, for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer itself when already in EPSG:4326 and 2D, else a reprojected or
        flattened copy (Z and M values dropped).

    Raises
    ------
    GeomapError
        Not a layer, or a layer with no CRS.
    """
    gdf = data.kept if isinstance(data, ValidationResult) else data
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeomapError(
            f"{what}: expected a GeoDataFrame or ValidationResult, got {type(gdf).__name__}"
        )
    if gdf.crs is None:
        raise GeomapError(f"{what}: the layer has no CRS; set one (e.g. gdf.set_crs(4326))")
    if not gdf.crs.equals(DISPLAY_CRS):
        gdf = gdf.to_crs(DISPLAY_CRS)
    geoms = gdf.geometry.to_numpy()
    if len(gdf) and (shapely.has_z(geoms) | shapely.has_m(geoms)).any():
        log.info("%s: dropped the Z (height) or M values of its coordinates (maps are 2D)", what)
        gdf = gdf.copy()
        gdf[gdf.geometry.name] = gpd.GeoSeries(
            shapely.force_2d(geoms), index=gdf.index, crs=gdf.crs
        )
    return gdf
