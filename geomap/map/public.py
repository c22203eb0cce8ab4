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
  no counts and no attributes (no category, type, district or date);
* **complementary suppression**: where the published totals would let a
  suppressed cell's count be worked out (one suppressed cell, or suppressed cells
  of one incident each), more cells are withheld (:func:`protect`);
* dates are generalised to the quarter;
* cells smaller than :data:`MIN_CELL_M` and ``k`` below :data:`MIN_K` are refused
  (unless ``allow_unsafe``, and then the map does not call itself generalised).

Hazard areas are public safety information; they keep their shapes and only
their allow-listed fields.

:class:`PublicPolicy` applies all of this to a map's layers at once, before any
layer is built, and says what else a public map changes (default fields,
labels, suppressed counts): :func:`prepare` is the one place a map's
public-ness is looked at.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.geo import metric_crs
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._inputs import PRIVATE_VIEW
from geomap.map._inputs import MapInputs
from geomap.map._inputs import MapView
from geomap.map.options import DEFAULT_POPUP_FIELDS
from geomap.map.options import GENERALISE
from geomap.map.options import MapOptions
from geomap.map.options import check_cell_k
from geomap.model import DISPLAY_CRS

__all__ = [
    "MIN_CELL_M",
    "MIN_K",
    "PUBLIC_FIELDS",
    "PUBLIC_LABELS",
    "PUBLIC_POPUP_FIELDS",
    "PUBLIC_TOOLTIP_FIELDS",
    "PublicPolicy",
    "prepare",
    "protect",
    "public_hazards",
    "public_incidents",
]

log = logging.getLogger(__name__)

#: The smallest grid cell side or hexagon radius of a public map, in metres.
MIN_CELL_M = 250.0
#: The smallest k of a public map.
MIN_K = 2
#: Public time series (the slider, the summary, cells' dates) step by quarter.
PUBLIC_PERIOD = "Q"

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


def _check(generalise: str, cell_m: float, k: int, allow_unsafe: bool = False) -> None:
    if generalise not in GENERALISE:
        raise GeomapError(
            f"`generalise` was {generalise!r} but is expected to be in {', '.join(GENERALISE)}"
        )
    check_cell_k(cell_m, k)
    if allow_unsafe:
        return
    if generalise != "district" and cell_m < MIN_CELL_M:
        raise GeomapError(
            f"a public map's cells must be at least {MIN_CELL_M:g} m (got {cell_m:g} m): "
            "smaller cells point at the incidents (allow_unsafe / --unsafe-allow-small-cells "
            "overrides, and the map is then not safe to publish)"
        )
    if k < MIN_K:
        raise GeomapError(
            f"a public map's k must be at least {MIN_K} (got {k}): k={k} shows single "
            "incidents (allow_unsafe / --unsafe-allow-small-cells overrides, and the map is "
            "then not safe to publish)"
        )


def protect(counts: pd.Series, k: int, hidden: int = 0) -> pd.Series:
    """Return which units to withhold: those below ``k`` and enough others to protect them.

    Primary suppression withholds every unit with ``0 < count < k``. The published
    total then gives the sum of the withheld units (and of ``hidden``, a count
    published nowhere, such as incidents outside every district, when it is below
    k: a larger one is assumed known, and protects nothing), so complementary
    suppression withholds more units, smallest first, until no withheld count can
    be worked out: at least two withheld members, holding more than one incident
    each on average.

    Parameters
    ----------
    counts : pandas.Series
        Incidents per unit (cell or district).
    k : int
        Counts below k are withheld.
    hidden : int
        Incidents counted in the total but in no unit.

    Returns
    -------
    pandas.Series
        Boolean, True for a withheld unit.

    Examples
    --------
    >>> protect(pd.Series([1, 5, 9, 0]), k=3).tolist()
    [True, True, False, False]
    >>> protect(pd.Series([1, 1, 9, 7]), k=3).tolist()
    [True, True, False, True]
    """
    n = counts.fillna(0).astype(int).to_numpy()
    withheld = (n > 0) & (n < k)
    sensitive = 0 < hidden < k
    if not (withheld.any() or sensitive):
        return pd.Series(withheld, index=counts.index)
    members = int(withheld.sum()) + sensitive
    total = int(n[withheld].sum()) + (hidden if sensitive else 0)
    while members < 2 or total < members + 1:
        free = np.flatnonzero(~withheld & (n > 0))
        if not len(free):
            break
        pick = free[np.argmin(n[free])]  # the smallest; the first of equals
        withheld[pick] = True
        members, total = members + 1, total + int(n[pick])
    return pd.Series(withheld, index=counts.index)


def _district_cells(
    inc: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None, district_field: str | None
) -> pd.DataFrame:
    """Each incident's cell: the district holding it, at the district's representative point."""
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
    # Integer keys: cells sort in district order, as the district choropleth does.
    cell = cell.fillna(-1).astype(int)
    centres = d.geometry.representative_point()
    px = centres.x.reindex(cell).to_numpy(copy=True)
    py = centres.y.reindex(cell).to_numpy(copy=True)
    if outside.any():
        log.warning(
            "%d incidents lie outside every district; grouped as 'outside'", int(outside.sum())
        )
        px[outside.to_numpy()] = np.nan
    names = d[label].astype(str) if label else pd.Series(d.index.astype(str))
    cell_name = names.reindex(cell).fillna("outside every district").to_numpy()
    return pd.DataFrame({"cell": cell.to_numpy(), "px": px, "py": py, "district_name": cell_name})


def _snapped_cells(inc: gpd.GeoDataFrame, generalise: str, cell_m: float) -> pd.DataFrame:
    """Each incident's cell: the centre of its grid square or hexagon, in a metric CRS."""
    crs = metric_crs(inc)
    pts = inc.geometry.to_crs(crs)
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    if generalise == "grid":
        cx = (np.floor(x / cell_m) + 0.5) * cell_m
        cy = (np.floor(y / cell_m) + 0.5) * cell_m
    else:
        cx, cy = _hex_centres(x, y, cell_m)
    lonlat = gpd.GeoSeries(shapely.points(cx, cy), crs=crs).to_crs(DISPLAY_CRS)
    return pd.DataFrame(
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


def _mode(s: pd.Series) -> object:
    m = s.dropna().mode()
    return m.iloc[0] if len(m) else None


def _aggregate(inc: gpd.GeoDataFrame, frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Return one row per cell: counts, commonest categories, first and last quarter.

    Cells below k, and those withheld to protect them (:func:`protect`), keep only
    their location and ``suppressed``. Cells with no location (incidents outside
    every district) are left out, but count as hidden when choosing what to withhold.
    """
    for col in ("killed", "injured"):
        frame[col] = pd.array(inc[col], dtype="Int64") if col in inc.columns else pd.NA
    for col in ("victim_category", "incident_type"):
        frame[col] = inc[col].astype(object).to_numpy() if col in inc.columns else None
    dates = (
        pd.to_datetime(inc["date"]) if "date" in inc.columns else pd.Series(pd.NaT, index=inc.index)
    )
    frame["period"] = dates.dt.to_period(PUBLIC_PERIOD).dt.to_timestamp().to_numpy()
    grouped = frame.groupby("cell", sort=True)
    out = pd.DataFrame(
        {
            "incidents": grouped.size(),
            "killed": grouped["killed"].sum(min_count=1),
            "injured": grouped["injured"].sum(min_count=1),
            "victim_category": grouped["victim_category"].agg(_mode),
            "incident_type": grouped["incident_type"].agg(_mode),
            "district": grouped["district_name"].agg(_mode),
            "first_date": grouped["period"].min(),
            "last_date": grouped["period"].max(),
            "px": grouped["px"].first(),
            "py": grouped["py"].first(),
        }
    ).reset_index(drop=True)
    placed = out["px"].notna()
    hidden = int(out.loc[~placed, "incidents"].sum())
    out = out[placed].reset_index(drop=True)
    small = protect(out["incidents"], k, hidden)
    out["suppressed"] = small
    for col in ("killed", "injured", "incidents"):
        out[col] = out[col].astype("Int64").mask(small)
    # Nothing of a withheld cell but its place: no category, type, district or dates.
    for col in ("victim_category", "incident_type", "district"):
        out[col] = out[col].astype(object).mask(small, None)
    for col in ("first_date", "last_date"):
        out[col] = out[col].mask(small)
    return out


def public_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    generalise: str = "grid",
    cell_m: float = 2000.0,
    k: int = 3,
    districts: gpd.GeoDataFrame | None = None,
    district_field: str | None = None,
    allow_unsafe: bool = False,
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
        Cells with fewer incidents than this (and those withheld to protect them,
        see :func:`protect`) show no counts and no attributes.
    districts : geopandas.GeoDataFrame, optional
        Boundaries, for ``generalise="district"``; each cell is a district's
        representative point.
    district_field : str, optional
        The districts' label column (default: a column named ``name`` or ``district``).
    allow_unsafe : bool
        Accept cells under :data:`MIN_CELL_M` and k under :data:`MIN_K`.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per cell (EPSG:4326) with ``incidents``, ``killed``, ``injured``,
        ``victim_category`` (the most common), ``incident_type``, ``first_date``,
        ``last_date`` (quarters), ``district`` and ``suppressed``; the true
        locations, ids and free text are gone.

    Examples
    --------
    >>> cells = public_incidents(result.kept, cell_m=5000, k=3)  # doctest: +SKIP
    """
    _check(generalise, cell_m, k, allow_unsafe)
    inc = incidents.to_crs(DISPLAY_CRS)
    inc = inc[~(inc.geometry.isna() | inc.geometry.is_empty)]
    if inc.empty:
        return gpd.GeoDataFrame(columns=[*PUBLIC_FIELDS["incidents"], "geometry"], crs=DISPLAY_CRS)
    if generalise == "district":
        cells = _district_cells(inc, districts, district_field)
    else:
        cells = _snapped_cells(inc, generalise, cell_m)
    out = _aggregate(inc, cells, k)
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


#: Fields a public map shows by default, per layer.
PUBLIC_POPUP_FIELDS: dict[str, list[str]] = {
    "incidents": [
        "incidents",
        "killed",
        "injured",
        "victim_category",
        "incident_type",
        "district",
        "first_date",
        "last_date",
    ],
    "hazards": DEFAULT_POPUP_FIELDS["hazards"],
}
PUBLIC_TOOLTIP_FIELDS: dict[str, list[str]] = {
    "incidents": ["incidents", "district"],
    "hazards": ["id", "hazard_class", "status"],
}
#: Labels of the fields of generalised incidents.
PUBLIC_LABELS = {
    "incidents": N_("Incidents in this cell"),
    "victim_category": N_("Most common victim category"),
    "incident_type": N_("Most common type"),
    "first_date": N_("First (quarter)"),
    "last_date": N_("Last (quarter)"),
    "district": N_("District"),
}
#: How each way of generalising names its cells, in the incident layer's name.
_CELLS = {"grid": N_("grid"), "hex": N_("hex"), "district": N_("district")}


@dataclass(frozen=True)
class PublicPolicy:
    """How a map is made safe to publish; applied to its layers once, before any is built.

    Parameters
    ----------
    generalise : {"grid", "hex", "district"}
        How incident locations are generalised (see :func:`public_incidents`).
    cell_m : float
        Grid cell side or hexagon radius, in metres.
    k : int
        Counts below ``k`` are suppressed.
    allow_unsafe : bool
        Accept cells under :data:`MIN_CELL_M` and k under :data:`MIN_K`; the map
        then says it is not safe to publish instead of "generalised".

    Examples
    --------
    >>> policy = PublicPolicy(generalise="hex", cell_m=5000, k=5)
    >>> policy.check_fields({"incidents": ["killed", "victim_name"]})
    Traceback (most recent call last):
    ...
    geomap._errors.GeomapError: incidents fields ['victim_name'] may not be published; ...
    >>> policy.view().k, policy.view().incident_name
    (5, 'Incidents (generalised to hex cells)')
    """

    generalise: str = "grid"
    cell_m: float = 2000.0
    k: int = 3
    allow_unsafe: bool = False

    def __post_init__(self) -> None:
        _check(self.generalise, self.cell_m, self.k, self.allow_unsafe)

    @property
    def safe(self) -> bool:
        """Whether the cells and k are at least the safe minimums."""
        small = self.generalise != "district" and self.cell_m < MIN_CELL_M
        return not (small or self.k < MIN_K)

    @classmethod
    def from_options(cls, options: MapOptions) -> PublicPolicy | None:
        """Return the policy of a map with these options (None unless ``options.public``)."""
        if not options.public:
            return None
        return cls(
            generalise=options.generalise,
            cell_m=options.cell_m,
            k=options.k,
            allow_unsafe=options.allow_unsafe,
        )

    def check_fields(self, *asked: Mapping[str, Sequence[str]] | None) -> None:
        """Fail if a field asked for (per layer, as popup or tooltip fields) is not public."""
        for fields in asked:
            for layer, names in (fields or {}).items():
                allowed = PUBLIC_FIELDS.get(layer, ())
                bad = [f for f in names if f not in allowed]
                if bad:
                    raise GeomapError(
                        f"{layer} fields {bad} may not be published; public {layer} fields "
                        f"are {list(allowed)}"
                    )

    def apply(self, data: MapInputs) -> MapInputs:
        """Generalise the incidents, keep public hazard fields, leave proposed areas out.

        ``true_incidents`` stay as they were: aggregate figures drawn from them are
        suppressed by count (see :meth:`view`).
        """
        inc, haz = data.incidents, data.hazards
        if inc is not None and len(inc):
            inc = self.generalised(inc, data.districts)
        if haz is not None and len(haz):
            haz = public_hazards(haz)
        if data.proposed is not None:
            log.warning(
                "proposed suspected areas are left out of a public map (they trace incidents)"
            )
        return dataclasses.replace(data, incidents=inc, hazards=haz, proposed=None)

    def generalised(
        self, incidents: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None = None
    ) -> gpd.GeoDataFrame:
        """Return the incidents as this policy publishes them (see :func:`public_incidents`).

        Parameters
        ----------
        incidents : geopandas.GeoDataFrame
            Validated incidents (not changed).
        districts : geopandas.GeoDataFrame, optional
            District polygons (``name``), for ``generalise="district"``.

        Returns
        -------
        geopandas.GeoDataFrame
            One point per cell or district, with its counts and most common
            categories; the true locations, ids and free text are gone.
        """
        return public_incidents(
            incidents,
            generalise=self.generalise,
            cell_m=self.cell_m,
            k=self.k,
            districts=districts,
            allow_unsafe=self.allow_unsafe,
        )

    def view(self, lang: str = DEFAULT_LANG) -> MapView:
        """Return what a public map's layers show: public fields and labels, counts suppressed.

        The incident layer's name is in ``lang``; labels and headings are translated
        where they are shown.
        """
        _ = translator(lang)
        cells = _(_CELLS.get(self.generalise, self.generalise))
        name = (
            _("Incidents (generalised to {cells} cells)", cells=cells)
            if self.safe
            else _(
                "Incidents in {cells} cells (below the safe minimum: NOT safe to publish)",
                cells=cells,
            )
        )
        return MapView(
            popup=PUBLIC_POPUP_FIELDS,
            tooltip=PUBLIC_TOOLTIP_FIELDS,
            labels=PUBLIC_LABELS,
            incident_name=name,
            period=PUBLIC_PERIOD,
            incident_date="first_date",
            suppressed_field="suppressed",
            k=self.k,
            colour_heading=N_("Most common {}"),
            searchable=False,
            public={"k": self.k, "generalise": self.generalise, "cell_m": self.cell_m},
        )


def prepare(data: MapInputs, options: MapOptions) -> tuple[MapInputs, MapView]:
    """Apply the map's public policy, if it has one, to its layers; return them and the view.

    Names come first in the map's language (:meth:`MapInputs.localised`), so that a
    public map's cells and counts carry them too.

    This is the one place a map's public-ness is looked at: layer builders take
    the layers and the view it returns.

    Parameters
    ----------
    data : MapInputs
        The map's layers.
    options : MapOptions
        Its options (``public``, ``generalise``, ``cell_m``, ``k``, and the fields asked for).

    Returns
    -------
    tuple of MapInputs and MapView
    """
    data = data.localised(options.lang)  # names in the map's language, before any is used
    policy = PublicPolicy.from_options(options)
    if policy is None:
        return data, PRIVATE_VIEW
    policy.check_fields(options.popup_fields, options.tooltip_fields)
    return policy.apply(data), policy.view(options.lang)
