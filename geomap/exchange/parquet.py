"""GeoParquet out: the validated layers and the analysis tables, for analysts.

:func:`write_geoparquet` writes into a folder ``incidents.parquet`` and
``hazards.parquet`` (GeoParquet: the validated rows as geomap keeps them, geometry in
WGS84) and, given an :class:`~geomap.analysis.AnalysisResult`, each of its tables
(:meth:`~geomap.analysis.AnalysisResult.tables`, the tables ``geomap stats --to-db``
writes) as ``NAME.parquet``: GeoParquet where the table has geometry (proposed hazard
areas, priorities, districts), Parquet otherwise. Each file is written atomically.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap.analysis import AnalysisResult
from geomap.io import PathLike
from geomap.io import atomic_path

__all__ = ["GEOPARQUET_FILES", "check_parquet_folder", "write_geoparquet"]

log = logging.getLogger(__name__)

#: Every file :func:`write_geoparquet` may write (``districts.parquet`` only with districts).
GEOPARQUET_FILES = (
    "incidents.parquet",
    "hazards.parquet",
    "links.parquet",
    "proposed_hazard_areas.parquet",
    "priorities.parquet",
    "quality.parquet",
    "areas.parquet",
    "release_trend_monthly.parquet",
    "release_trend_yearly.parquet",
    "casualties_monthly.parquet",
    "casualties_yearly.parquet",
    "districts.parquet",
)


def _write(df: pd.DataFrame, path: Path) -> None:
    """Write one table (GeoParquet when it has geometry) atomically."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


def check_parquet_folder(folder: PathLike) -> Path:
    """Return ``folder`` unless it is an existing file (the geoparquet profile writes a folder)."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise GeomapError(f"{out} is a file: the geoparquet profile writes a folder")
    return out


def write_geoparquet(
    folder: PathLike,
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    *,
    result: AnalysisResult | None = None,
) -> dict[str, Path]:
    """Write validated layers as GeoParquet, and an analysis's tables as Parquet, into ``folder``.

    Parameters
    ----------
    folder : str or Path
        The output folder (made if need be; files of the same names are replaced).
    incidents, hazards : GeoDataFrame, optional
        Validated layers (the kept rows).
    result : AnalysisResult, optional
        Its tables are written too.

    Returns
    -------
    dict
        The name of each file written → its path.

    Examples
    --------
    >>> import tempfile
    >>> import geomap
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(write_geoparquet(tmp, layers["incidents"].kept, layers["hazards"].kept))
    ['hazards.parquet', 'incidents.parquet']
    """
    out = check_parquet_folder(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        name: gdf
        for name, gdf in (("incidents", incidents), ("hazards", hazards))
        if gdf is not None
    }
    if result is not None:
        tables.update(result.tables())
    files = {}
    for name, df in tables.items():
        _write(df, out / f"{name}.parquet")
        files[f"{name}.parquet"] = out / f"{name}.parquet"
    log.info("GeoParquet: %d files in %s", len(files), out)
    return files
