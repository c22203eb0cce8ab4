"""The map's controls: search, full screen, measure, mini-map, locate-me, scale, and more.

The others are the coordinate readout and save image.

Measure and the coordinate readout are part of geomap's own map app (no plugin to load).
"""

from __future__ import annotations

from geomap.map.layers._common import Build

__all__ = ["PLUGIN_ASSETS", "controls"]

#: The Leaflet plugins (scripts and styles) each control needs.
PLUGIN_ASSETS = {
    "fullscreen": ("leaflet_fullscreen", "leaflet_fullscreen_css"),
    "minimap": ("leaflet_minimap", "leaflet_minimap_css"),
    "locate": ("leaflet_locate", "leaflet_locate_css"),
    "image": ("html_to_image",),  # the "save image" button
}


def controls(build: Build) -> dict[str, bool]:
    """Return which controls the page turns on: those asked for whose plugins can load.

    Parameters
    ----------
    build : Build
        The map's build context (``options.controls``); the plugins' assets are
        added to those the page needs.

    Returns
    -------
    dict
        Control name → on, for the plugins, ``scale``, ``measure`` and ``coordinates``.
    """
    wanted = set(build.options.controls)
    enabled: dict[str, bool] = {}
    for name, assets in PLUGIN_ASSETS.items():
        enabled[name] = name in wanted and build.can_load(assets)
        if enabled[name]:
            build.need(*assets)
    enabled["scale"] = "scale" in wanted
    for name in ("measure", "coordinates"):
        enabled[name] = name in wanted
    return enabled
