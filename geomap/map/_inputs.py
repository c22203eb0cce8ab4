"""What the layer builders start from: the layers to draw, and what a public map changes.

:class:`MapInputs` holds the map's layers, cleaned once (EPSG:4326, no empty
geometries). :class:`MapView` holds every choice that differs between an
internal and a public map (default fields, labels, suppression), so that layer
builders never ask whether the map is public: :func:`geomap.map.public.prepare`
decides once.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError
from geomap.i18n import N_
from geomap.i18n.names import local_names
from geomap.load import warn_if_apart
from geomap.map.contract import PublicInfo
from geomap.map.options import DEFAULT_POPUP_FIELDS
from geomap.map.options import DEFAULT_TOOLTIP_FIELDS
from geomap.validate import ValidationResult
from geomap.validate import as_layer

__all__ = ["PRIVATE_VIEW", "Layer", "MapInputs", "MapView", "clean_layer"]

log = logging.getLogger(__name__)

#: A layer as the renderer accepts it.
Layer: TypeAlias = ValidationResult | gpd.GeoDataFrame


def clean_layer(data: Layer | None, what: str) -> gpd.GeoDataFrame | None:
    """Return the layer in EPSG:4326 without missing, empty or non-finite geometries.

    None stays None.
    """
    if data is None:
        return None
    gdf = as_layer(data, what)
    geoms = gdf.geometry.to_numpy()
    drawn = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    xy, row = shapely.get_coordinates(geoms, return_index=True)
    bad = np.unique(row[~np.isfinite(xy).all(axis=1)])
    if len(bad):  # unvalidated data: never drawn at a wrapped-round longitude
        log.warning("%s: left out %d rows with a NaN or infinite coordinate", what, len(bad))
        drawn[bad] = False
    if not drawn.all():  # a validated layer keeps all its rows: no copy of it then
        gdf = gdf[drawn]
    if isinstance(gdf.index, pd.RangeIndex) and gdf.index.start == 0 and gdf.index.step == 1:
        return gdf.copy(deep=False)  # a frame of its own, sharing the (never changed) columns
    return gdf.reset_index(drop=True)


def _has_rows(gdf: gpd.GeoDataFrame | None) -> bool:
    return gdf is not None and len(gdf) > 0


@dataclass(frozen=True)
class MapInputs:
    """The layers of one map.

    ``incidents`` and ``hazards`` are what is drawn; ``true_incidents`` are the
    incidents as given, for figures computed from them (the time axis, the
    summary panel, district totals), which a public map suppresses by count
    rather than by location.
    """

    incidents: gpd.GeoDataFrame | None = None
    hazards: gpd.GeoDataFrame | None = None
    districts: gpd.GeoDataFrame | None = None
    proposed: gpd.GeoDataFrame | None = None
    places: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    true_incidents: gpd.GeoDataFrame | None = None
    #: A risk layer (points or polygons with a numeric field), cleaned like the others.
    risk: gpd.GeoDataFrame | None = None

    @classmethod
    def of(
        cls,
        incidents: Layer | None,
        hazards: Layer | None,
        risk: Layer | None = None,
        **context: gpd.GeoDataFrame | None,
    ) -> MapInputs:
        """Clean the incidents and hazards; fail when there is nothing to draw.

        ``context`` holds ``districts``, ``proposed``, ``places``, ``roads`` and ``risk``
        (a risk layer alone is something to draw).
        """
        inc = clean_layer(incidents, "incidents")
        haz = clean_layer(hazards, "hazards")
        risky = clean_layer(risk, "risk")
        if not (_has_rows(inc) or _has_rows(haz) or _has_rows(risky)):
            raise GeomapError(
                "nothing to draw: no incidents or hazard areas were given (or all were empty)"
            )
        warn_if_apart(context.get("districts"), "districts", inc, haz)
        return cls(incidents=inc, hazards=haz, true_incidents=inc, risk=risky, **context)

    def localised(self, lang: str) -> MapInputs:
        """Return the layers with their names in ``lang`` where a ``<field>_<lang>`` gives it.

        See :func:`geomap.i18n.names.local_names`: ``name_ru`` of districts and towns,
        ``district_ru`` of incidents, and so on; a missing one keeps the name as given.
        The layers themselves when none has a name in ``lang``.
        """
        frames = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        done: dict[int, gpd.GeoDataFrame] = {}  # incidents and true_incidents: one copy
        for v in frames.values():
            if v is not None and id(v) not in done:
                done[id(v)] = local_names(v, lang)
        changed = {k: done[id(v)] for k, v in frames.items() if v is not None}
        changed = {k: v for k, v in changed.items() if v is not frames[k]}
        return dataclasses.replace(self, **changed) if changed else self

    def bounds(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` of the incidents, hazards and risk layer drawn."""
        south, west, north, east = self._extent
        return [[south, west], [north, east]]

    @functools.cached_property
    def _extent(self) -> tuple[float, float, float, float]:
        # Measured once: the map's view, the page config and the offline frame all ask.
        drawn = (self.incidents, self.hazards, self.risk)
        boxes = [g.total_bounds for g in drawn if g is not None and len(g)]
        west = min(float(b[0]) for b in boxes)
        south = min(float(b[1]) for b in boxes)
        east = max(float(b[2]) for b in boxes)
        north = max(float(b[3]) for b in boxes)
        return south, west, north, east


@dataclass(frozen=True)
class MapView:
    """Every choice a layer builder makes that depends on who the map is for."""

    #: Default popup and tooltip fields, per layer.
    popup: Mapping[str, Sequence[str]]
    tooltip: Mapping[str, Sequence[str]]
    #: Field labels that replace the model's.
    labels: Mapping[str, str]
    #: The incident layer's name, and the date the slider filters incidents by.
    incident_name: str
    incident_date: str
    #: The slider's step ("M" months; "Q" quarters for a public map).
    period: str
    #: The boolean field marking incidents whose counts are suppressed.
    suppressed_field: str | None
    #: Counts below k are suppressed (None: no suppression).
    k: int | None
    #: The incident colour legend's heading; ``{}`` is "victim category" or "type".
    colour_heading: str
    #: Incident ids, and districts named in the incidents, can be searched for.
    searchable: bool
    #: How the map was made safe to publish (None: it was not).
    public: PublicInfo | None


#: The view of a map for internal use: every field may be shown, nothing suppressed.
PRIVATE_VIEW = MapView(
    popup=DEFAULT_POPUP_FIELDS,
    tooltip=DEFAULT_TOOLTIP_FIELDS,
    labels={},
    incident_name=N_("Incidents"),
    incident_date="date",
    period="M",
    suppressed_field=None,
    k=None,
    colour_heading=N_("Symbol: {}"),
    searchable=True,
    public=None,
)
