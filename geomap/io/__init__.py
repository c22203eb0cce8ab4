"""Reading layers from files, column mappings, and writing outputs atomically.

Every reader opens its file through one opener (:mod:`geomap.io._open`: format,
GDAL target, layer choice); the formats are read by :mod:`geomap.io.vector`
(through geopandas, with ``engine=`` passed on) and :mod:`geomap.io.csv`;
:mod:`geomap.io.mapping` maps a user's columns and codes onto the model, and
:mod:`geomap.io.write` writes files atomically. :mod:`geomap.io.postgis` reads
PostgreSQL/PostGIS tables and queries wherever a file is read (a ``postgresql://``
URL), and writes result tables back in one transaction.
:mod:`geomap.io.partitioned` reads partitioned GeoParquet with dask-geopandas and says
where dask computes (``using_scheduler``).
"""

from geomap.io._open import PathLike
from geomap.io.csv import PROBLEM_COLUMNS
from geomap.io.mapping import FILTER_COLUMN
from geomap.io.mapping import ColumnMapping
from geomap.io.mapping import load_mapping
from geomap.io.postgis import DatabaseError
from geomap.io.postgis import DatabaseSource
from geomap.io.postgis import is_database
from geomap.io.postgis import read_database
from geomap.io.postgis import redact
from geomap.io.read import SOURCE_COLUMNS
from geomap.io.read import concat_layers
from geomap.io.read import detect_layers
from geomap.io.read import read_context_layer
from geomap.io.read import read_hazards
from geomap.io.read import read_incidents
from geomap.io.read import read_layer
from geomap.io.vector import NOTICE_KEY
from geomap.io.vector import read_notice
from geomap.io.write import atomic_path
from geomap.io.write import write_layer
from geomap.io.write import write_rejects

__all__ = [
    "FILTER_COLUMN",
    "NOTICE_KEY",
    "PROBLEM_COLUMNS",
    "SOURCE_COLUMNS",
    "ColumnMapping",
    "DatabaseError",
    "DatabaseSource",
    "PathLike",
    "atomic_path",
    "concat_layers",
    "detect_layers",
    "is_database",
    "load_mapping",
    "read_context_layer",
    "read_database",
    "read_hazards",
    "read_incidents",
    "read_layer",
    "read_notice",
    "redact",
    "write_layer",
    "write_rejects",
]
