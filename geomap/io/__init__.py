"""Reading layers from files, column mappings, and writing outputs atomically.

Every reader opens its file through one opener (:mod:`geomap.io._open`: format,
GDAL target, layer choice); the formats are read by :mod:`geomap.io.vector`
(through geopandas, with ``engine=`` passed on) and :mod:`geomap.io.csv`;
:mod:`geomap.io.mapping` maps a user's columns and codes onto the model, and
:mod:`geomap.io.write` writes files atomically.
"""

from geomap.io._open import PathLike
from geomap.io.csv import PROBLEM_COLUMNS
from geomap.io.mapping import FILTER_COLUMN, ColumnMapping, load_mapping
from geomap.io.read import (
    SOURCE_COLUMNS,
    concat_layers,
    detect_layers,
    read_context_layer,
    read_hazards,
    read_incidents,
    read_layer,
)
from geomap.io.write import atomic_path, write_layer, write_rejects

__all__ = [
    "FILTER_COLUMN",
    "PROBLEM_COLUMNS",
    "SOURCE_COLUMNS",
    "ColumnMapping",
    "PathLike",
    "atomic_path",
    "concat_layers",
    "detect_layers",
    "load_mapping",
    "read_context_layer",
    "read_hazards",
    "read_incidents",
    "read_layer",
    "write_layer",
    "write_rejects",
]
