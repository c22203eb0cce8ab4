"""geomap: read, check, analyse and map explosive-ordnance contamination.

The flow is read → validate → (analyse) → render, one module per stage:

>>> import geomap
>>> results = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
>>> m = geomap.render_map(results["incidents"], results["hazards"])  # doctest: +SKIP
>>> geomap.save_map(m, "karabakh.html")  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

from geomap._errors import (
    AssetError,
    GeomapError,
    GeomapWarning,
    InputError,
    MappingError,
    ValidationError,
)
from geomap.geo import equal_area_crs, metric_crs
from geomap.io import (
    ColumnMapping,
    detect_layers,
    load_mapping,
    read_hazards,
    read_incidents,
    read_layer,
    write_layer,
)
from geomap.load import load_layers
from geomap.map import GeomapMap, render_map, save_map
from geomap.model import HAZARDS, INCIDENTS
from geomap.validate import (
    ValidationResult,
    validate_hazards,
    validate_incidents,
    validate_layer,
)

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "HAZARDS",
    "INCIDENTS",
    "AssetError",
    "ColumnMapping",
    "GeomapError",
    "GeomapMap",
    "GeomapWarning",
    "InputError",
    "MappingError",
    "ValidationError",
    "ValidationResult",
    "__version__",
    "detect_layers",
    "equal_area_crs",
    "load_layers",
    "load_mapping",
    "metric_crs",
    "read_hazards",
    "read_incidents",
    "read_layer",
    "render_map",
    "save_map",
    "validate_hazards",
    "validate_incidents",
    "validate_layer",
    "write_layer",
]
