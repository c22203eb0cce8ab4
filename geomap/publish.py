"""Public versions of the layers: nothing personal, nothing precise, no small counts.

A public map (``render_map(..., public=True)``, ``geomap render --public``) is made
from :func:`public_incidents` and :func:`public_hazards`:

* only **allow-listed fields** survive (:data:`PUBLIC_FIELDS`); everything else —
  names, dates of birth, addresses, free-text descriptions, ids, any column
  geomap does not know — is dropped before anything is rendered;
* incident **locations are generalised**: snapped to the centres of a square grid
  or of hexagons of a size you set (in metres, in a metric CRS), or aggregated to
  districts; each published point stands for every incident in its cell;
* **counts below k are suppressed**: a cell with fewer than ``k`` incidents shows
  "fewer than k" and no casualty numbers;
* dates are generalised to the month.

Hazard areas are public safety information; they keep their shapes and only
their allow-listed fields.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.geo import metric_crs
from geomap.model import DISPLAY_CRS

__all__ = ["PUBLIC_FIELDS", "public_hazards", "public_incidents"]

log = logging.getLogger(__name__)

#: Fields that may reach a public map, per layer. Everything else is dropped.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "incidents": (
        "incidents",
        "killed",
        "injured",
        "victim_category",
        "incident_type",
        "device_category",
        "district",
        "date",
        "first_date",
        "last_date",
        "suppressed",
    ),
    "hazards": (
        "id",
        "hazard_class",
        "evidence",
        "device_category",
        "status",
        "status_date",
        "date_recorded",
        "district",
        "area_m2",
    ),
}


def _hex_centres(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the pointy-top hexagons (circumradius ``size``) holding each point."""
    q = (np.sqrt(3) / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # Cube rounding (Red Blob Games' hex grid guide).
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = np.round(cx), np.round(cy), np.round(cz)
    dx, dy, dz = np.abs(rx - cx), np.abs(ry - cy), np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    ry = np.where(fix_y, -rx - rz, ry)
    rz = np.where(~fix_x & ~fix_y, -rx - ry, rz)
    return size * np.sqrt(3) * (rx + rz / 2), size * 1.5 * rz


def public_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    generalise: str = "grid",
    cell_m: float = 2000.0,
    k: int = 3,
    districts: gpd.GeoDataFrame | None = None,
    district_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Aggregate incidents into generalised cells safe to publish.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Validated incidents (any CRS; not changed).
    generalise : {"grid", "hex", "district"}
        Snap to square grid cells, to hexagons, or aggregate to ``districts``.
    cell_m : float
        Grid cell side, or hexagon circumradius, in metres.
    k : int
        Cells with fewer incidents than this show no counts ("fewer than k").
    districts : geopandas.GeoDataFrame, optional
        Boundaries, for ``generalise="district"``; each cell is a district's
        representative point.
    district_field : str, optional
        The districts' label column (default: a column named ``name`` or ``district``).

    Returns
    -------
    geopandas.GeoDataFrame
        One point per cell (EPSG:4326) with ``incidents``, ``killed``, ``injured``,
        ``victim_category`` (the most common), ``incident_type``, ``first_date``,
        ``last_date`` (months), ``district`` and ``suppressed``; the true
        locations, ids and free text are gone.

    Examples
    --------
    >>> cells = public_incidents(result.kept, cell_m=5000, k=3)  # doctest: +SKIP
    """
    if generalise not in ("grid", "hex", "district"):
        raise GeomapError(
            f"`generalise` was {generalise!r} but is expected to be in grid, hex, district"
        )
    if cell_m <= 0 or k < 1:
        raise GeomapError("`cell_m` must be > 0 metres and `k` at least 1")
    inc = incidents.to_crs(DISPLAY_CRS)
    inc = inc[~(inc.geometry.isna() | inc.geometry.is_empty)]
    if inc.empty:
        return gpd.GeoDataFrame(columns=[*PUBLIC_FIELDS["incidents"], "geometry"], crs=DISPLAY_CRS)
    if generalise == "district":
        if districts is None:
            raise GeomapError("generalise='district' needs a districts layer")
        d = districts.to_crs(DISPLAY_CRS).reset_index(drop=True)
        label = district_field or next(
            (c for c in ("name", "district", "shapeName") if c in d.columns), None
        )
        joined = gpd.sjoin(inc[["geometry"]], d[["geometry"]], how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        cell = joined["index_right"].reindex(inc.index)
        outside = cell.isna()
        cell = cell.fillna(-1).astype(int).astype(str)
        centres = d.geometry.representative_point()
        px = centres.x.reindex(cell.astype(int)).to_numpy()
        py = centres.y.reindex(cell.astype(int)).to_numpy()
        if outside.any():
            log.warning(
                "%d incidents lie outside every district; grouped as 'outside'", int(outside.sum())
            )
            px[outside.to_numpy()] = np.nan
        names = d[label].astype(str) if label else pd.Series(d.index.astype(str))
        cell_name = names.reindex(cell.astype(int)).fillna("outside every district").to_numpy()
        frame = pd.DataFrame(
            {"cell": cell.to_numpy(), "px": px, "py": py, "district_name": cell_name}
        )
    else:
        crs = metric_crs(inc)
        pts = inc.geometry.to_crs(crs)
        x, y = pts.x.to_numpy(), pts.y.to_numpy()
        if generalise == "grid":
            cx = (np.floor(x / cell_m) + 0.5) * cell_m
            cy = (np.floor(y / cell_m) + 0.5) * cell_m
        else:
            cx, cy = _hex_centres(x, y, cell_m)
        lonlat = gpd.GeoSeries(shapely.points(cx, cy), crs=crs).to_crs(DISPLAY_CRS)
        frame = pd.DataFrame(
            {
                "cell": pd.Series(np.round(cx, 3)).astype(str)
                + ","
                + pd.Series(np.round(cy, 3)).astype(str),
                "px": lonlat.x.to_numpy(),
                "py": lonlat.y.to_numpy(),
                "district_name": inc["district"].astype(object).to_numpy()
                if "district" in inc
                else None,
            }
        )
    for col in ("killed", "injured"):
        frame[col] = pd.array(inc[col], dtype="Int64") if col in inc.columns else pd.NA
    for col in ("victim_category", "incident_type"):
        frame[col] = inc[col].astype(object).to_numpy() if col in inc.columns else None
    dates = (
        pd.to_datetime(inc["date"]) if "date" in inc.columns else pd.Series(pd.NaT, index=inc.index)
    )
    frame["month"] = dates.dt.to_period("M").dt.to_timestamp().to_numpy()

    def mode(s: pd.Series) -> object:
        m = s.dropna().mode()
        return m.iloc[0] if len(m) else None

    grouped = frame.groupby("cell", sort=True)
    out = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "killed": grouped["killed"].sum(min_count=1),
            "injured": grouped["injured"].sum(min_count=1),
            "victim_category": grouped["victim_category"].agg(mode),
            "incident_type": grouped["incident_type"].agg(mode),
            "district": grouped["district_name"].agg(mode),
            "first_date": grouped["month"].min(),
            "last_date": grouped["month"].max(),
            "px": grouped["px"].first(),
            "py": grouped["py"].first(),
        }
    ).reset_index(drop=True)
    small = out["incidents"] < k
    out["suppressed"] = small
    out["killed"] = out["killed"].astype("Int64").mask(small)
    out["injured"] = out["injured"].astype("Int64").mask(small)
    out["incidents"] = out["incidents"].astype("Int64").mask(small)
    # Dates of a suppressed cell could single out an event: keep them only for k or more.
    out["first_date"] = out["first_date"].mask(small)
    out["last_date"] = out["last_date"].mask(small)
    out = out[out["px"].notna()]
    geom = shapely.points(out.pop("px").to_numpy(), out.pop("py").to_numpy())
    log.info(
        "public incidents: %d incidents in %d cells (%s, %s m), %d cells below k=%d suppressed",
        len(inc),
        len(out),
        generalise,
        cell_m,
        int(out["suppressed"].sum()),
        k,
    )
    return gpd.GeoDataFrame(out, geometry=geom, crs=DISPLAY_CRS)


def public_hazards(
    hazards: gpd.GeoDataFrame, fields: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Keep only allow-listed fields of hazard areas.

    Parameters
    ----------
    hazards : geopandas.GeoDataFrame
        Validated hazard areas (not changed).
    fields : list of str, optional
        Fields to keep; each must be in :data:`PUBLIC_FIELDS` ``["hazards"]``.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    allowed = PUBLIC_FIELDS["hazards"]
    wanted = list(fields) if fields is not None else list(allowed)
    bad = [f for f in wanted if f not in allowed]
    if bad:
        raise GeomapError(
            f"fields {bad} may not be published; public hazard fields are {list(allowed)}"
        )
    keep = [c for c in wanted if c in hazards.columns]
    return gpd.GeoDataFrame(hazards[keep].copy(), geometry=hazards.geometry.copy(), crs=hazards.crs)
