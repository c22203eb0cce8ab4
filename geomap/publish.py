"""Deprecated since 0.2: moved to :mod:`geomap.map`."""

from geomap._deprecated import moved
from geomap.map import PUBLIC_FIELDS
from geomap.map import public_hazards
from geomap.map import public_incidents

__all__ = ["PUBLIC_FIELDS", "public_hazards", "public_incidents"]

moved(__name__, "geomap.map", __all__)
