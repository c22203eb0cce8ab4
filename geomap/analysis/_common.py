"""Private helpers shared by the analysis modules: layer access, ids, counts, statuses.

Every public analysis function takes a GeoDataFrame, a
:class:`~geomap.ValidationResult` or (where said) a ``dask_geopandas.GeoDataFrame``;
:func:`_frame` turns any of them into an in-memory layer in EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geomap._errors import GeomapError
from geomap._errors import ValidationError
from geomap.io.partitioned import require_dask
from geomap.model import DISPLAY_CRS
from geomap.model import RELEASED_STATUSES
from geomap.validate import ValidationResult
from geomap.validate import as_layer

_FREQS = {"M": "month", "Y": "year"}

#: A layer as the analysis functions take it: validated, or a plain GeoDataFrame.
Layer: TypeAlias = ValidationResult | gpd.GeoDataFrame


def _kept(data: Any) -> Any:
    """Return the kept rows of a :class:`~geomap.ValidationResult`; anything else as it is."""
    return data.kept if isinstance(data, ValidationResult) else data


# --------------------------------------------------------------------------- helpers


def _is_dask(obj: object) -> bool:
    """Say whether ``obj`` is a dask(-geopandas) collection, without importing dask."""
    return type(obj).__module__.split(".")[0] in {"dask_geopandas", "dask", "dask_expr"}


def _require_dask() -> Any:
    """Import dask_geopandas, or say exactly how to install it."""
    return require_dask()


def _per_partition(ddf: Any, func: Callable[..., Any], *args: Any) -> list[Any]:
    """``func(partition, *args)`` of every partition of ``ddf``, computed in one pass."""
    import dask

    task = dask.delayed(func, pure=True)
    return list(dask.compute(*[task(part, *args) for part in ddf.to_delayed()]))


def _dask_layer(ddf: Any, what: str) -> Any:
    """Return a dask GeoDataFrame in EPSG:4326 (lazily reprojected if need be)."""
    _require_dask()
    if ddf.crs is None:
        raise GeomapError(f"{what}: the layer has no CRS; set one (e.g. ddf.set_crs(4326))")
    if not CRS.from_user_input(ddf.crs).equals(DISPLAY_CRS):
        ddf = ddf.to_crs(DISPLAY_CRS)
    return ddf


def _frame(data: object, what: str, required: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return the layer as a GeoDataFrame in EPSG:4326, with its ``required`` columns."""
    gdf = _kept(data)
    if _is_dask(gdf):
        gdf = gdf.compute()
    gdf = as_layer(gdf, what)
    _require_columns(gdf, what, required)
    return gdf


def _require_columns(df: pd.DataFrame, what: str, required: Sequence[str]) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        have = [str(c) for c in df.columns if c != getattr(df, "_geometry_column_name", None)]
        raise ValidationError(
            f"{what}: no column {', '.join(repr(m) for m in missing)}; the layer has {have}"
        )


def _ids(gdf: pd.DataFrame, field: str = "id") -> np.ndarray:
    """Row ids as text: the ``id`` column where there is one, else the index."""
    if field in gdf.columns:
        col = gdf[field]
        text = col.astype(str).to_numpy(dtype=object)  # vectorised: a million ids in a blink
        text[col.isna().to_numpy()] = None
        return text
    return np.array([str(v) for v in gdf.index], dtype=object)


def _counts(values: pd.Series) -> np.ndarray:
    """Casualty counts as float, missing as 0."""
    return pd.to_numeric(values, errors="coerce").fillna(0).to_numpy(dtype=float)


def _periods(dates: pd.Series, freq: str) -> pd.Series:
    if freq not in _FREQS:
        raise ValueError(f"`freq` was {freq!r} but is expected to be in {list(_FREQS)}")
    return pd.to_datetime(dates, errors="coerce").dt.to_period(freq)


def _as_timestamp(value: object, what: str) -> pd.Timestamp:
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    if pd.isna(ts):
        raise ValueError(f"`{what}` was {value!r} but is expected to be a date")
    return ts


def _status(hazards: pd.DataFrame) -> pd.Series:
    return hazards["status"].astype(object).where(hazards["status"].notna(), None)


def _contamination(status: pd.Series) -> pd.Series:
    """'contaminated' for active areas, 'released' for released ones, else 'unknown'."""
    out = pd.Series("unknown", index=status.index, dtype=object)
    out[status == "active"] = "contaminated"
    out[status.isin(RELEASED_STATUSES)] = "released"
    return out
