"""The page configuration: every layer's spec, the controls, search, slider and summary."""

from __future__ import annotations

import dataclasses
import uuid

from geomap.i18n import page_locale
from geomap.i18n import translator
from geomap.map._assets import leaflet_icons
from geomap.map._inputs import MapInputs
from geomap.map.contract import PAGE_VERSION
from geomap.map.contract import LayerSpec
from geomap.map.contract import PageConfig
from geomap.map.layers._common import Build
from geomap.map.layers.basemaps import basemaps
from geomap.map.layers.context import places_layer
from geomap.map.layers.context import roads_layer
from geomap.map.layers.controls import controls
from geomap.map.layers.districts import district_layers
from geomap.map.layers.filters import filters_config
from geomap.map.layers.frame import frame_config
from geomap.map.layers.hazards import hazards_layer
from geomap.map.layers.heat import heat_layer
from geomap.map.layers.incidents import incidents_layer
from geomap.map.layers.proposed import proposed_layer
from geomap.map.layers.risk import risk_layer
from geomap.map.layers.search import search_places
from geomap.map.layers.summary import summary_panel
from geomap.map.layers.summary import timeline_config
from geomap.map.layers.userbasemap import user_basemaps
from geomap.map.options import MapOptions

__all__ = ["layer_specs", "page_config"]


def layer_specs(data: MapInputs, build: Build) -> list[LayerSpec]:
    """Return every layer's spec, in the order of the layer panel.

    Hazard areas and proposed areas, incidents and their heat map, the district
    choropleths, then towns and roads; a layer that is not given is left out.
    """
    specs: list[LayerSpec] = []
    if data.hazards is not None and len(data.hazards):
        specs.append(hazards_layer(data.hazards, build))
    if data.proposed is not None and len(data.proposed):
        specs.append(proposed_layer(data.proposed, build.options.lang))
    if data.risk is not None and len(data.risk):
        specs.append(risk_layer(data.risk, build))
    if data.incidents is not None and len(data.incidents):
        specs.append(incidents_layer(data.incidents, build))
        heat = heat_layer(data.incidents, build)
        specs += [heat] if heat else []
    if data.districts is not None and len(data.districts):
        specs += district_layers(
            data.districts,
            data.true_incidents,
            data.hazards,
            k=build.view.k,
            simplify_m=build.options.simplify_m,
            lang=build.options.lang,
        )
    if data.places is not None and len(data.places):
        places = places_layer(data.places, build.options.lang)
        specs += [places] if places else []
    if data.roads is not None and len(data.roads):
        specs.append(roads_layer(data.roads, build.options.lang))
    return specs


def page_config(data: MapInputs, build: Build) -> PageConfig:
    """Return the whole page's configuration (:class:`~geomap.map.contract.PageConfig`).

    Parameters
    ----------
    data : MapInputs
        The map's layers, public already if the map is.
    build : Build
        The build context; the assets the page needs are added to ``build.assets``.

    Returns
    -------
    PageConfig
    """
    opts, months = build.options, build.months
    layers = layer_specs(data, build)
    places = search_places(data, build.view, opts.lang) if "search" in opts.controls else None
    summary = (
        summary_panel(data.true_incidents, data.hazards, months, build.view.k, lang=opts.lang)
        if months is not None
        else None
    )
    return {
        "version": PAGE_VERSION,
        "id": f"geomap-{uuid.uuid4().hex[:10]}",
        "title": _title(opts),
        "subtitle": opts.subtitle,
        "basemaps": [*user_basemaps(build), *basemaps(opts.tiles)],
        "layers": layers,
        "controls": controls(build),
        "search": {"places": places} if places is not None else None,
        "timeline": timeline_config(months) if months is not None else None,
        "summary": summary,
        "public": build.view.public,
        "icons": leaflet_icons(opts.cdn),
        "filters": filters_config(data, build, layers, summary) if opts.filters else None,
        "frame": frame_config(data, build, layers),
        "bounds": data.bounds(),
        "i18n": page_locale(opts.lang),
    }


def _title(opts: MapOptions) -> str:
    """Return the map's title: the default one in the map's language, the user's own as given."""
    default = next(f.default for f in dataclasses.fields(MapOptions) if f.name == "title")
    return translator(opts.lang)(opts.title) if opts.title == default else opts.title
