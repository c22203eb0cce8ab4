"""Checking and repairing layers, losing nothing.

Each row read is either **kept** (perhaps repaired, with a note saying how) or
**rejected** with its reason, or **filtered** (left out by a mapping's ``where``),
and for every file ``read = kept + rejected + filtered``.

Checks: missing or empty geometry; wrong geometry type; invalid polygons
(repaired with ``make_valid``); coordinates out of range, with swapped axes or a
flipped sign (with the likely fix) in :mod:`geomap.validate.geometry`; duplicate
ids, codes outside the controlled vocabularies, dates that do not parse,
casualty counts that are not whole numbers ≥ 0 and missing required fields in
:mod:`geomap.validate.fields`. :mod:`geomap.validate.result` holds the
:class:`ValidationResult`; :mod:`geomap.validate.layer` runs the checks.
"""

from geomap.validate.layer import as_layer
from geomap.validate.layer import validate_hazards
from geomap.validate.layer import validate_incidents
from geomap.validate.layer import validate_layer
from geomap.validate.result import ValidationResult
from geomap.validate.risk import validate_risk

__all__ = [
    "ValidationResult",
    "as_layer",
    "validate_hazards",
    "validate_incidents",
    "validate_layer",
    "validate_risk",
]
