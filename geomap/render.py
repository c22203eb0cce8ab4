"""Deprecated since 0.2: moved to :mod:`geomap.map`."""

from geomap._deprecated import moved
from geomap.map import GeomapMap
from geomap.map import render_map
from geomap.map import save_map

__all__ = ["GeomapMap", "render_map", "save_map"]

moved(__name__, "geomap.map", __all__)
