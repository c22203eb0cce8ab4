"""What a map shows and how: :class:`MapOptions`, the one source of every default.

:func:`geomap.map.render_map` takes these options as keywords (or as one
``options=MapOptions(...)``); a command-line tool can declare its flags from
:meth:`MapOptions.describe` (name, default and help of each field).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import NamedTuple

from geomap._errors import GeomapError
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import LANGUAGES
from geomap.i18n import N_
from geomap.i18n import check_lang

__all__ = [
    "BASEMAP_EMBED_MB",
    "CANVAS_THRESHOLD",
    "CLUSTER_THRESHOLD",
    "COMPACT_THRESHOLD",
    "DEFAULT_BASEMAPS",
    "DEFAULT_CONTROLS",
    "DEFAULT_POPUP_FIELDS",
    "DEFAULT_TOOLTIP_FIELDS",
    "GENERALISE",
    "LEFT_OUT_WHEN_COMPACT",
    "RISK_MAX_K",
    "RISK_MIN_K",
    "RISK_SCHEMES",
    "MapOptions",
    "OptionField",
    "check_cell_k",
]

#: Above this many features in a layer, Leaflet's canvas renderer is used.
CANVAS_THRESHOLD = 3000
#: Above this many incidents, they are clustered (supercluster) unless told otherwise.
CLUSTER_THRESHOLD = 2000
#: Above this many features, a layer travels in the compact format (positions to 1 m).
COMPACT_THRESHOLD = 20_000
DEFAULT_BASEMAPS = ("OpenStreetMap.Mapnik", "OpenTopoMap", "Esri.WorldImagery")
DEFAULT_CONTROLS = (
    "search",
    "fullscreen",
    "measure",
    "minimap",
    "locate",
    "scale",
    "coordinates",
    "image",
)
#: A user basemap (``basemap=``) up to this many MB (2**20 bytes) is embedded in the map;
#: a larger one is written beside it and opened in the page with a file picker.
BASEMAP_EMBED_MB = 30
#: How public incident locations may be generalised.
GENERALISE = ("grid", "hex", "district")
#: How a risk layer's values are classed (mapclassify's schemes), and how many classes.
RISK_SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
RISK_MIN_K, RISK_MAX_K = 2, 9

DEFAULT_POPUP_FIELDS: dict[str, list[str]] = {
    "incidents": [
        "id",
        "date",
        "incident_type",
        "killed",
        "injured",
        "victim_category",
        "device_category",
        "district",
        "description",
    ],
    "hazards": [
        "id",
        "hazard_class",
        "status",
        "status_date",
        "evidence",
        "device_category",
        "district",
        "date_recorded",
        "area_m2",
    ],
}
#: Free-text fields left out of a layer's default popup when the layer travels in the compact
#: format (more features than ``compact_above``): at a million incidents their text is a
#: quarter of the page. Asking for them (``popup_fields``) brings them back.
LEFT_OUT_WHEN_COMPACT: dict[str, list[str]] = {"incidents": ["description"]}
DEFAULT_TOOLTIP_FIELDS: dict[str, list[str]] = {
    "incidents": ["id", "incident_type", "date"],
    "hazards": ["id", "hazard_class", "status"],
}


def check_cell_k(cell_m: float, k: int) -> None:
    """Fail unless ``cell_m`` is a finite number of metres above 0 and ``k`` a whole number >= 1.

    Examples
    --------
    >>> check_cell_k(float("nan"), 3)
    Traceback (most recent call last):
    ...
    geomap._errors.GeomapError: `cell_m` was nan but is expected to be a finite number of metres > 0
    """
    if not isinstance(cell_m, numbers.Real) or not math.isfinite(cell_m) or cell_m <= 0:
        raise GeomapError(
            f"`cell_m` was {cell_m!r} but is expected to be a finite number of metres > 0"
        )
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise GeomapError(f"`k` was {k!r} but is expected to be a whole number, at least 1")


def _check_risk(scheme: str, k: int, cell_m: float | None) -> None:
    """Fail unless the risk options are a known scheme, a class count and a cell size."""
    if scheme not in RISK_SCHEMES:
        raise GeomapError(
            f"`risk_scheme` was {scheme!r} but is expected to be in {', '.join(RISK_SCHEMES)}"
        )
    if (
        isinstance(k, bool)
        or not isinstance(k, numbers.Integral)
        or not (RISK_MIN_K <= k <= RISK_MAX_K)
    ):
        raise GeomapError(
            f"`risk_classes` was {k!r} but is expected to be a whole number from "
            f"{RISK_MIN_K} to {RISK_MAX_K}"
        )
    if cell_m is not None and (
        not isinstance(cell_m, numbers.Real) or not math.isfinite(cell_m) or cell_m <= 0
    ):
        raise GeomapError(
            f"`risk_cell_m` was {cell_m!r} but is expected to be a finite number of metres > 0"
        )


def _option(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


class OptionField(NamedTuple):
    """One option of :class:`MapOptions`, as a command-line tool declares it."""

    name: str
    default: Any
    help: str


@dataclass(frozen=True)
class MapOptions:
    """Every option of a map, with its default (the one place defaults are set).

    Each field's help text is in its metadata (``field.metadata["help"]``), and
    :meth:`describe` lists them all.

    Examples
    --------
    >>> opts = MapOptions(title="Karabakh", public=True)
    >>> opts.k, opts.generalise
    (3, 'grid')
    >>> MapOptions.build(None, tite="x")
    Traceback (most recent call last):
    ...
    TypeError: unknown map option 'tite'; valid options are title, subtitle, ...
    """

    title: str = _option(N_("Explosive ordnance contamination"), "map title")
    subtitle: str | None = _option(None, "second line under the title, e.g. the data source")
    popup_fields: Mapping[str, Sequence[str]] | None = _option(
        None,
        "per layer (incidents, hazards), the fields shown on click, in order "
        "(None: DEFAULT_POPUP_FIELDS, those the layer has)",
    )
    tooltip_fields: Mapping[str, Sequence[str]] | None = _option(
        None, "per layer, the fields shown on hover (None: DEFAULT_TOOLTIP_FIELDS)"
    )
    tiles: str | Sequence[str] | None = _option(
        DEFAULT_BASEMAPS, "basemaps by xyzservices name, the first shown; None or 'none' for none"
    )
    controls: Sequence[str] = _option(
        DEFAULT_CONTROLS, f"map controls, any of {', '.join(DEFAULT_CONTROLS)}"
    )
    cluster: bool | None = _option(
        None, f"cluster incidents (None: above {CLUSTER_THRESHOLD} incidents)"
    )
    heatmap: bool = _option(True, "add a heat map of incidents weighted by casualties")
    time_slider: bool = _option(True, "add a month slider and a summary panel that follows it")
    public: bool = _option(
        False, "allow-listed fields only, incidents generalised, small counts suppressed"
    )
    generalise: str = _option(
        "grid", f"how public incident locations are generalised ({', '.join(GENERALISE)})"
    )
    cell_m: float = _option(2000.0, "public grid cell side or hexagon radius, in metres")
    k: int = _option(3, "public counts below k are suppressed (at least 2)")
    allow_unsafe: bool = _option(
        False,
        "allow public cells under 250 m and k under 2; the map then does not call itself "
        "generalised and is not safe to publish",
    )
    simplify_m: float = _option(
        3.0,
        "polygons are simplified for display to this tolerance in metres, ring by ring "
        "(every part and hole kept)",
    )
    cdn: bool = _option(False, "link scripts from CDNs instead of inlining them")
    canvas: bool | None = _option(
        None, f"use Leaflet's canvas renderer (None: above {CANVAS_THRESHOLD} features)"
    )
    compact_above: int = _option(
        COMPACT_THRESHOLD,
        "layers of more features than this travel in the compact format: positions to "
        "1e-5 degree (about 1 m), binary columns deflated, dates as day offsets, ids as "
        "prefix and number, and the incidents' default popup leaves out their free-text "
        "description (popup_fields brings it back) (0: every layer)",
    )
    filters: bool = _option(
        True,
        "add filters by victim category, device category, incident type and date "
        "(a public map: hazard areas by device category only)",
    )
    heat_weight: str = _option(
        "casualties",
        "what the heat map is weighted by: casualties (killed + injured), none (each incident "
        "counts 1) or any numeric field of the incidents",
    )
    risk_field: str = _option("value", "the risk layer's numeric field, drawn in classes")
    risk_classes: int = _option(5, f"number of risk classes ({RISK_MIN_K} to {RISK_MAX_K})")
    risk_scheme: str = _option(
        "quantiles", f"how risk classes are made (mapclassify): {', '.join(RISK_SCHEMES)}"
    )
    risk_cell_m: float | None = _option(
        None, "draw risk points as square cells of this side in metres (None: as dots)"
    )
    notice: str | None = _option(
        None,
        "a notice shown on the map and in print, e.g. that the data are synthetic "
        "(None: the input GeoPackages' own GEOMAP_NOTICE metadata, if any)",
    )
    source: str | None = _option(
        None, "the data source named in print (None: the input files' names)"
    )
    rejects_file: str | None = _option(
        None, "where the list of rejected rows is, named on the map beside their count"
    )
    frame: bool = _option(
        True,
        "add built-in outlines (countries, GeoNames places, district labels), shown when the "
        "basemap tiles cannot load or there is no basemap",
    )
    basemap: str | Path | None = _option(  # noqa: RUF009 (a field, as each option is)
        None,
        "your own basemap: a PMTiles or MBTiles file (raster or vector tiles), shown "
        f"first; embedded in the map up to {BASEMAP_EMBED_MB} MB, else written beside it",
    )
    lang: str = _option(
        DEFAULT_LANG,
        f"the map's language ({', '.join(LANGUAGES)}): its text, numbers, dates and place "
        "names (a name_<lang> column where the data have one)",
    )

    def __post_init__(self) -> None:
        check_cell_k(self.cell_m, self.k)
        _check_risk(self.risk_scheme, self.risk_classes, self.risk_cell_m)
        unknown = set(self.controls) - set(DEFAULT_CONTROLS)
        if unknown:
            raise GeomapError(
                f"unknown controls {sorted(unknown)}; expected some of {list(DEFAULT_CONTROLS)}"
            )
        try:
            check_lang(self.lang)
        except ValueError as exc:
            raise GeomapError(f"`lang`: {exc}") from None

    @classmethod
    def describe(cls) -> list[OptionField]:
        """Name, default and help of every option, in order (for a command-line tool).

        Examples
        --------
        >>> MapOptions.describe()[0]
        OptionField(name='title', default='Explosive ordnance contamination', help='map title')
        """
        return [OptionField(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]

    @classmethod
    def build(cls, options: MapOptions | None = None, **overrides: Any) -> MapOptions:
        """Return ``options`` (default: all defaults) with some fields replaced.

        Parameters
        ----------
        options : MapOptions, optional
            The starting options.
        **overrides
            Fields to replace, by name.

        Returns
        -------
        MapOptions

        Raises
        ------
        TypeError
            A keyword that is not an option; the message lists the valid ones.
        """
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in overrides if k not in names]
        if unknown:
            raise TypeError(
                f"unknown map option{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))}; valid options are {', '.join(names)}"
            )
        base = options if options is not None else cls()
        return dataclasses.replace(base, **overrides) if overrides else base
