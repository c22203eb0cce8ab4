"""geomap: read, check, analyse and map explosive-ordnance contamination.

The flow is read → validate → (analyse) → render, one module per stage:

>>> import geomap
>>> results = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
>>> m = geomap.render_map(results["incidents"], results["hazards"])  # doctest: +SKIP
>>> geomap.save_map(m, "karabakh.html")  # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version

from geomap._errors import AssetError
from geomap._errors import GeomapError
from geomap._errors import GeomapWarning
from geomap._errors import InputError
from geomap._errors import MappingError
from geomap._errors import ValidationError
from geomap.geo import equal_area_crs
from geomap.geo import metric_crs
from geomap.io import ColumnMapping
from geomap.io import detect_layers
from geomap.io import load_mapping
from geomap.io import read_hazards
from geomap.io import read_incidents
from geomap.io import read_layer
from geomap.io import write_layer
from geomap.load import load_layers
from geomap.load import load_risk
from geomap.map import GeomapMap
from geomap.map import render_map
from geomap.map import save_map
from geomap.model import HAZARDS
from geomap.model import INCIDENTS
from geomap.validate import ValidationResult
from geomap.validate import validate_hazards
from geomap.validate import validate_incidents
from geomap.validate import validate_layer
from geomap.validate import validate_risk

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
    "load_risk",
    "metric_crs",
    "read_hazards",
    "read_incidents",
    "read_layer",
    "render_map",
    "save_map",
    "validate_hazards",
    "validate_incidents",
    "validate_layer",
    "validate_risk",
    "write_layer",
]
