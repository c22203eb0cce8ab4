"""Deprecated since 0.2: moved to :mod:`geomap.io`."""

from geomap._deprecated import moved
from geomap.io import ColumnMapping
from geomap.io import load_mapping

__all__ = ["ColumnMapping", "load_mapping"]

moved(__name__, "geomap.io", __all__)
