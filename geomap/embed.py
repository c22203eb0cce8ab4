"""Deprecated since 0.2: moved to :mod:`geomap.map`."""

from geomap._deprecated import moved
from geomap.map import embed_html

__all__ = ["embed_html"]

moved(__name__, "geomap.map", __all__)
