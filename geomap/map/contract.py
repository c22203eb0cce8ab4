"""The page contract: the typed configuration a map hands to ``geomap.js``.

The page receives one JSON object, a :class:`PageConfig`, in a
``<script type="application/json">`` block. Its ``layers`` are layer specs, one
per layer the user can switch on or off, each with a ``kind`` the page builds it
by. Column data travel encoded by :mod:`geomap.map._encode` (base64 typed arrays,
dictionaries, or JSON lists); they are typed here as :data:`Encoded`. Style
values (colours, weights, opacities, radii) come from :mod:`geomap.style` and
travel in the specs, so the page holds no second copy.

:data:`PAGE_VERSION` is written as ``config["version"]``; it changes whenever a
key is renamed or removed, or its meaning changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import TypedDict

if TYPE_CHECKING:  # typing's own from Python 3.11; only read by type checkers here
    from typing_extensions import NotRequired

__all__ = [
    "PAGE_VERSION",
    "Basemap",
    "ChoroplethStyle",
    "ClusterOptions",
    "Encoded",
    "FilterDates",
    "FilterField",
    "FilterValue",
    "Filters",
    "FrameLabels",
    "FrameSpec",
    "HazardStyle",
    "HazardSymbols",
    "HazardsSpec",
    "HeatSpec",
    "IncidentStyle",
    "IncidentsSpec",
    "LayerSpec",
    "LegendEntry",
    "LegendHeading",
    "LegendItem",
    "LinesSpec",
    "Notices",
    "PMTilesBasemap",
    "PageConfig",
    "PointsSpec",
    "PolygonsSpec",
    "PublicInfo",
    "Ragged",
    "RiskSpec",
    "SearchPlace",
    "Summary",
    "SummaryRow",
    "Timeline",
    "UserBasemap",
]

#: Version of the page contract, written as ``config["version"]`` (2: filters, frame, notices,
#: bounds, user basemaps, risk layers, incident shapes and hazard symbols were added; 3: the
#: compact format's arrays are base85 ``{"z85"}``, its vertex steps ``{"z85", "vb", "n"}``).
PAGE_VERSION = 3

#: A column or array encoded by :mod:`geomap.map._encode` (``{"b64", "t"}``, ``{"z85", "t"}``,
#: ``{"d", "i"}``, ``{"days"}``, ``{"z"}`` or a plain JSON list).
Encoded = Any


class _LegendRequired(TypedDict):
    label: str
    fill: str
    stroke: str


class LegendItem(_LegendRequired, total=False):
    """A swatch and its label; ``stroke`` falls back to the fill, then ``"#333"``."""

    shape: Literal["rect", "circle", "square", "triangle", "diamond", "cross", "pentagon", "cell"]
    dash: bool
    size: float  # the swatch's radius in pixels (incident sizes)
    text: str  # written inside a "cell" swatch ("<3")


class LegendHeading(TypedDict):
    """A sub-heading inside a legend (it has no swatch)."""

    heading: str


LegendEntry = LegendItem | LegendHeading


class Basemap(TypedDict):
    """A tile layer (from xyzservices)."""

    name: str
    url: str
    attribution: str
    maxZoom: int
    subdomains: Any


class Ragged(TypedDict, total=False):
    """Polygons as one ragged array: offsets of rings, parts and geometries, and vertices.

    Vertices are either ``xy`` (int32 pairs) or ``starts`` (each ring's first
    vertex, int32) and ``steps`` (int16 steps from the vertex before); divide by
    ``scale`` for degrees.
    """

    ring: Encoded
    part: Encoded
    geom: Encoded
    scale: int
    xy: Encoded
    steps: Encoded
    starts: Encoded


class CoarseLevel(TypedDict):
    """How the page makes a polygon layer's overview from its one (fine) level."""

    tol: float
    kx: float


class _Layer(TypedDict):
    key: str  # unique in the page
    group: str  # the layer panel's group heading
    show: bool  # on when the page opens


class _Attributes(_Layer):
    n: int  # number of features
    cols: dict[str, Encoded]  # attribute columns, by field name
    labels: dict[str, str]  # field name -> label shown in popups
    popup: list[str]  # fields shown on click, in order
    tooltip: list[str]  # fields shown on hover


class _IncidentStyleRequired(TypedDict):
    colorBy: str
    palette: dict[str, str]
    fallback: str
    sizeBy: list[str]
    base: float
    scale: float
    suppressedField: str | None
    className: str
    stroke: str
    weight: float
    fillOpacity: float
    suppressedFill: str
    suppressedOpacity: float


class IncidentStyle(_IncidentStyleRequired, total=False):
    """How incident markers look: fill by ``colorBy``, radius base + scale * sqrt(sizeBy sum).

    ``shapes`` gives each category's marker shape (circle, square, diamond, cross,
    pentagon); a missing or "unknown" category is outlined with ``unknownDash``; a
    suppressed public cell is drawn as ``cell`` says (size, fill, hatch, label "<k").
    """

    shapes: dict[str, str]
    unknownDash: str
    cell: dict[str, Any]


class _ClusterRequired(TypedDict):
    radius: int
    maxZoom: int


class ClusterOptions(_ClusterRequired, total=False):
    """Supercluster's options, and the clusters' fill, text and outline colours."""

    fill: str
    text: str
    stroke: str


class _IncidentsRequired(_Attributes):
    kind: Literal["incidents"]
    name: str
    x: Encoded  # int32 microdegrees
    y: Encoded
    scale: int
    mode: Literal["cluster", "markers"]
    canvas: bool
    searchable: bool
    style: IncidentStyle
    cluster: ClusterOptions
    legend: list[LegendEntry]


class IncidentsSpec(_IncidentsRequired, total=False):
    """Incidents as points (``kind: "incidents"``); ``time.t`` dates them for the slider."""

    time: dict[str, Encoded]
    #: Per coded field, the label shown for each code (the map's language; absent in English).
    valueLabels: dict[str, dict[str, str]]
    #: A line under each popup: what the popups leave out (the compact format's descriptions).
    popupNote: str


class HazardStyle(TypedDict):
    """How hazard areas look: fill by status (``"active CHA"`` ...), outline by class."""

    statusField: str
    classField: str
    palette: dict[str, str]
    outline: dict[str, str]
    dash: dict[str, str]
    fallback: str
    className: str
    weight: dict[str, float]  # by class
    fillOpacity: dict[str, float]  # "active", "released"
    opacity: float


class HazardSymbols(TypedDict):
    """Symbols of areas too small to see: a point inside each area (``x``, ``y`` / ``scale``).

    An area under ``minPx`` pixels across at the current zoom is drawn as a triangle of
    ``radius`` px in its own colours, with ``weight`` and ``fillOpacity``.
    """

    x: Encoded
    y: Encoded
    scale: int
    minPx: float
    radius: float
    weight: float
    fillOpacity: float


class _HazardsRequired(_Attributes):
    kind: Literal["hazards"]
    names: dict[str, str]  # "active", "released": the two layers' names
    g: Ragged
    released: Encoded  # uint8, 1 where the area is released
    canvas: bool
    style: HazardStyle
    legends: dict[str, list[LegendEntry]]  # "active", "released"


class HazardsSpec(_HazardsRequired, total=False):
    """Hazard areas (``kind: "hazards"``), drawn as active and released layers.

    With ``coarse`` the page simplifies ``g`` into the overview and gives the polygons in
    view ``g`` itself from ``detailZoom`` on; ``time.t0`` and ``time.t1`` (recorded,
    status changed) date them for the slider.
    """

    detailZoom: int
    time: dict[str, Encoded]
    symbols: HazardSymbols
    #: Per coded field, the label shown for each code (the map's language; absent in English).
    valueLabels: dict[str, dict[str, str]]
    #: Large layers: ``g`` is the fine level; the page simplifies it by ``tol``
    #: (units of ``1 / scale`` degree of latitude; x times ``kx``) into the overview.
    coarse: CoarseLevel


class ChoroplethStyle(TypedDict):
    """Fill by ``field``: the first break a value is at or below picks the colour."""

    field: str
    breaks: list[float]
    colors: list[str]
    nodata: str
    stroke: str
    weight: float
    fillOpacity: float


class _PolygonsRequired(_Attributes):
    kind: Literal["polygons"]
    name: str
    g: Ragged
    style: dict[str, Any]  # Leaflet path options (color, weight, fillColor, ... className)
    legend: list[LegendEntry]


class PolygonsSpec(_PolygonsRequired, total=False):
    """Polygons (``kind: "polygons"``): proposed areas, or a district choropleth."""

    pane: str
    choropleth: ChoroplethStyle


class _PointsRequired(_Attributes):
    kind: Literal["points"]
    name: str
    x: Encoded
    y: Encoded
    scale: int
    style: dict[str, Any]  # Leaflet circle-marker options
    legend: list[LegendEntry]


class PointsSpec(_PointsRequired, total=False):
    """Context points (``kind: "points"``), e.g. towns.

    ``placeLabels`` names them on the map: ``order`` (rows, most important first),
    ``always`` labelled at the opening zoom and ``perZoom`` more per zoom level in,
    never overlapping (``font`` px, ``color``).
    """

    placeLabels: dict[str, Any]


class LinesSpec(_Attributes):
    """Context lines (``kind: "lines"``), e.g. roads; ``lines`` are GeoJSON coordinates."""

    kind: Literal["lines"]
    name: str
    lines: list[Any]
    style: dict[str, Any]  # Leaflet polyline options
    legend: list[LegendEntry]


class _HeatRequired(_Layer):
    kind: Literal["heat"]
    name: str
    weight: list[str]
    radius: int
    blur: int
    maxZoom: int
    minOpacity: float
    legend: list[LegendEntry]


class HeatSpec(_HeatRequired, total=False):
    """A heat map of the incidents (``kind: "heat"``), weighted by the sum of ``weight`` fields.

    ``radius``, ``blur``, ``maxZoom`` and ``minOpacity`` are Leaflet.heat's options.
    With ``values`` (a column, one number per incident, named ``field``), each point is
    weighted by it instead.
    """

    field: str
    values: Encoded


class _RiskRequired(_Attributes):
    kind: Literal["risk"]
    name: str
    field: str  # the numeric field classed
    classes: Encoded  # uint8: each feature's class, 0 (lowest) to len(breaks) - 1
    breaks: list[float]  # each class's upper bound (mapclassify), lowest first
    colors: list[str]  # each class's fill
    canvas: bool
    style: dict[str, Any]  # outline colour, weight, fill opacity, dot radius, className
    legend: list[LegendEntry]


class RiskSpec(_RiskRequired, total=False):
    """A risk layer (``kind: "risk"``), each feature filled by its class.

    Polygons (``g``, one level drawn at every zoom) or points (``x``, ``y``, ``scale``).
    """

    g: Ragged
    x: Encoded
    y: Encoded
    scale: int


LayerSpec = (
    IncidentsSpec | HazardsSpec | PolygonsSpec | PointsSpec | LinesSpec | HeatSpec | RiskSpec
)


class _SearchRequired(TypedDict):
    label: str
    kind: str  # "district", "place", a town's kind ...


class SearchPlace(_SearchRequired, total=False):
    """A place the search box finds: a point (``x``, ``y``) or ``bounds`` [w, s, e, n]."""

    x: float
    y: float
    bounds: list[float]


class Timeline(TypedDict):
    """The slider's months (``"2021-03"``) and each month's last day (days since 1970)."""

    months: list[str]
    days: list[int]


class _SummaryRowRequired(TypedDict):
    key: str
    label: str
    values: list[Any]  # one per month: a number, a text ("fewer than 3"), or None


class SummaryRow(_SummaryRowRequired, total=False):
    """One line of the summary panel."""

    indent: bool


class Summary(TypedDict):
    """The summary panel: totals at the end of each month of the slider."""

    title: str
    months: list[str]
    rows: list[SummaryRow]
    note: str


class PublicInfo(TypedDict):
    """How a public map was made safe (see :class:`geomap.map.public.PublicPolicy`)."""

    k: int
    generalise: str
    cell_m: float


class FilterValue(TypedDict):
    """A value a filter offers (``"unknown"`` where the value is missing), and its counts.

    ``counts`` is per layer (``"incidents"``, ``"hazards"``): rows with that value.
    """

    value: str
    counts: dict[str, int]
    #: The value as shown, in the map's language (absent where it is the value itself).
    label: NotRequired[str]


class FilterField(TypedDict):
    """A category filter: the field, its label, its values, and per layer the column.

    ``cols`` maps a layer key to the name of one of that layer's ``cols``, or to
    an encoded column of its own (when the layer does not send the field).
    """

    field: str
    label: str
    values: list[FilterValue]
    cols: dict[str, Encoded]


class FilterDates(TypedDict):
    """The incidents' date range filter: first and last date, undated rows, and the dates.

    ``t`` is the name of a days column of the incidents' ``cols``, or days of its own.
    """

    min: str
    max: str
    undated: int
    t: Encoded


class Filters(TypedDict):
    """The page's filters; ``areas`` are the summary's area rows per device category.

    ``areas[category][row key]`` has one value per step of the slider; summed over
    the categories kept, they count land where areas of different categories
    overlap once per category, which ``overlap`` says happens.
    """

    fields: list[FilterField]
    dates: FilterDates | None
    areas: dict[str, dict[str, list[float]]] | None
    overlap: bool
    note: str


class Notices(TypedDict):
    """What the map says about its own data, on screen and in print.

    ``disclaimer`` always; ``notice`` (e.g. synthetic data) when there is one;
    ``rejected`` rows (None: not known, the layers were not validated) and the
    ``rejectsFile`` that lists them; ``source`` names the data for the print footer.
    """

    disclaimer: str
    notice: str | None
    rejected: int | None
    rejectsFile: str | None
    source: str | None


class PageConfig(TypedDict):
    """The whole page's configuration (``config["version"]`` is :data:`PAGE_VERSION`)."""

    version: int
    id: str
    title: str
    subtitle: str | None
    basemaps: list[Basemap]
    layers: list[LayerSpec]
    controls: dict[str, bool]
    search: dict[str, list[SearchPlace]] | None
    timeline: Timeline | None
    summary: Summary | None
    public: PublicInfo | None
    icons: dict[str, str]
    filters: Filters | None
    notices: NotRequired[Notices]
    frame: FrameSpec | None  # the built-in frame drawn without basemap tiles (None: off)
    #: The page's language (geomap.i18n.page_locale: ``lang``, ``dir``, the app's messages,
    #: number symbols and date patterns), for js/src/i18n.js's setLocale.
    i18n: dict[str, Any]

    #: ``[[south, west], [north, east]]`` of the data: the page refits it to its container
    #: whenever the container gets a new size, until the user moves the map.
    bounds: list[list[float]]


class FrameLabels(TypedDict):
    """Labelled points of the frame, in the order their labels win a place on screen."""

    n: int
    x: Encoded  # int32 microdegrees
    y: Encoded
    scale: int
    text: Encoded  # the labels


class FrameSpec(TypedDict):
    """The built-in frame: what the map shows where its basemap tiles cannot load.

    ``land`` (filled) and ``borders`` (country borders and coasts, GeoJSON
    MultiLineString coordinates) are Natural Earth's, clipped to a window around
    the data; ``places`` are GeoNames populated places within the data's extent,
    largest first; ``districts`` label the district polygons of layer
    ``districtLayer`` (the page outlines them). ``notice`` is the one line the page
    shows, by reason (``"offline"``: tiles failed; ``"none"``: no basemap).
    """

    key: str
    group: str
    name: str
    show: bool  # on when the page opens (the map has no basemap)
    land: Ragged
    borders: list[Any]
    countries: FrameLabels
    places: FrameLabels
    districts: FrameLabels | None
    districtLayer: str | None
    style: dict[str, Any]  # geomap.style.FRAME
    attribution: str
    notice: dict[str, str]
    legend: list[LegendEntry]


# --- user basemap (``basemap=``): a PMTiles archive drawn by the npm ``pmtiles`` package
# (raster tiles) or ``protomaps-leaflet`` (vector tiles).


class UserBasemap(TypedDict):
    """A PMTiles archive: in the page (``data``), or in a file beside it (``data`` None).

    ``style`` is :data:`geomap.style.BASEMAP_STYLE` for vector tiles (each of ``layers``
    drawn by its geometry, labelled by its ``name`` field), unless ``flavor`` names a
    Protomaps basemap style.
    """

    tileType: Literal["mvt", "png", "jpg", "webp"]
    minZoom: int
    bounds: list[float]
    data: str | None
    file: str
    size: int
    layers: list[dict[str, str]]
    flavor: str | None
    style: dict[str, Any] | None


class PMTilesBasemap(Basemap, total=False):
    """A :class:`Basemap` that is the user's own archive (its ``url`` is empty)."""

    pmtiles: UserBasemap
