"""The data model: the two layers, their fields and controlled vocabularies.

Follows the International Mine Action Standards vocabulary (IMAS 04.10, 07.11,
10.60) as summarised in the project's DOMAIN notes. Every controlled field is an
explicit vocabulary; validation reports any value outside it, never coerces it.

Two layers:

* **hazards** (polygons): suspected and confirmed hazardous areas and the land
  released from them;
* **incidents** (points): mine/ERW and demining accidents with their casualties.

Display is in EPSG:4326. Areas are measured in an equal-area projection centred
on the data and distances in a local metric projection, never in degrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from geomap.i18n import N_

__all__ = [
    "DISPLAY_CRS",
    "HAZARDS",
    "INCIDENTS",
    "LAYERS",
    "MAPPED_LAYERS",
    "RISK",
    "FieldSpec",
    "LayerSpec",
    "Vocabulary",
]

DISPLAY_CRS = "EPSG:4326"


def _key(value: str) -> str:
    """Fold case, spaces, hyphens and slashes so near-spellings meet."""
    return re.sub(r"[\s_\-/]+", " ", str(value).strip().lower())


@dataclass(frozen=True)
class Vocabulary:
    """A controlled list of codes, with accepted spellings for each.

    Parameters
    ----------
    name : str
        The vocabulary's name, as used in messages.
    codes : tuple of str
        The canonical codes, in display order.
    synonyms : dict
        Other spellings (any case) mapped to a canonical code.
    """

    name: str
    codes: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)

    def lookup(self) -> dict[str, str]:
        """Return the map from folded spelling to canonical code."""
        table = {_key(c): c for c in self.codes}
        table.update({_key(k): v for k, v in self.synonyms.items()})
        return table

    def normalise(self, value: object) -> str | None:
        """Return the canonical code for ``value``, or None if it is not in the list."""
        return self.lookup().get(_key(str(value)))


HAZARD_CLASS = Vocabulary(
    "hazard class",
    (N_("SHA"), N_("CHA")),
    {
        "suspected hazardous area": "SHA",
        "suspected": "SHA",
        "confirmed hazardous area": "CHA",
        "confirmed": "CHA",
    },
)
EVIDENCE = Vocabulary("evidence", (N_("direct"), N_("indirect"), N_("none"), N_("unknown")))
DEVICE_CATEGORY = Vocabulary(
    "device category",
    (
        N_("AP mine"),
        N_("AT mine"),
        N_("improvised mine / IED"),
        N_("cluster munition remnant"),
        N_("UXO"),
        N_("AXO"),
        N_("other/unknown"),
    ),
    {
        "antipersonnel mine": "AP mine",
        "anti personnel mine": "AP mine",
        "APM": "AP mine",
        "antitank mine": "AT mine",
        "anti tank mine": "AT mine",
        "anti vehicle mine": "AT mine",
        "ATM": "AT mine",
        "improvised mine": "improvised mine / IED",
        "IED": "improvised mine / IED",
        "cluster munition": "cluster munition remnant",
        "submunition": "cluster munition remnant",
        "unexploded ordnance": "UXO",
        "abandoned ordnance": "AXO",
        "abandoned explosive ordnance": "AXO",
        "other": "other/unknown",
        "unknown": "other/unknown",
    },
)
STATUS = Vocabulary(
    "status",
    (N_("active"), N_("cancelled"), N_("reduced"), N_("cleared"), N_("handed over")),
    {"canceled": "cancelled", "handover": "handed over", "handed_over": "handed over"},
)
RELEASED_STATUSES = ("cancelled", "reduced", "cleared", "handed over")
INCIDENT_TYPE = Vocabulary(
    "incident type",
    (N_("mine/ERW accident"), N_("demining accident"), N_("incident"), N_("EO find"), N_("other")),
    {
        "mine accident": "mine/ERW accident",
        "ERW accident": "mine/ERW accident",
        "mine ERW accident": "mine/ERW accident",
        "accident": "mine/ERW accident",
        "demining": "demining accident",
    },
)
VICTIM_CATEGORY = Vocabulary(
    "victim category",
    (N_("civilian"), N_("deminer"), N_("military/security"), N_("journalist"), N_("unknown")),
    {
        "military": "military/security",
        "security": "military/security",
        "military security": "military/security",
        "civil": "civilian",
    },
)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a layer.

    Parameters
    ----------
    name : str
        Column name in geomap's model.
    kind : {"id", "text", "code", "date", "count", "area"}
        How values are checked and stored.
    vocabulary : Vocabulary, optional
        For ``kind="code"``, the allowed codes.
    required : bool
        A missing value rejects the row (otherwise it is stored as missing).
    default : str, optional
        For codes, the value used when the field is absent or empty.
    label : str
        Human label for legends and popups.
    """

    name: str
    kind: str
    vocabulary: Vocabulary | None = None
    required: bool = False
    default: str | None = None
    label: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """A layer of the model: its fields and allowed geometry."""

    name: str
    geometry: str  # "point" or "polygon"
    fields: tuple[FieldSpec, ...]

    @property
    def columns(self) -> list[str]:
        """Names of the model's columns, in order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        """Return the spec of field ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


HAZARDS = LayerSpec(
    "hazards",
    "polygon",
    (
        FieldSpec("id", "id", label=N_("Hazard id")),
        FieldSpec("hazard_class", "code", HAZARD_CLASS, required=True, label=N_("Class")),
        FieldSpec("evidence", "code", EVIDENCE, default="unknown", label=N_("Evidence")),
        FieldSpec(
            "device_category", "code", DEVICE_CATEGORY, default="other/unknown", label=N_("Device")
        ),
        FieldSpec("status", "code", STATUS, required=True, label=N_("Status")),
        FieldSpec("status_date", "date", label=N_("Status changed")),
        FieldSpec("date_recorded", "date", label=N_("Recorded")),
        FieldSpec("district", "text", label=N_("District")),
        FieldSpec("operator", "text", label=N_("Operator")),
        FieldSpec("source", "text", label=N_("Source")),
        FieldSpec("area_m2", "area", label=N_("Area (m²)")),
    ),
)

INCIDENTS = LayerSpec(
    "incidents",
    "point",
    (
        FieldSpec("id", "id", label=N_("Incident id")),
        FieldSpec("date", "date", label=N_("Date")),
        FieldSpec("incident_type", "code", INCIDENT_TYPE, required=True, label=N_("Type")),
        FieldSpec("killed", "count", label=N_("Killed")),
        FieldSpec("injured", "count", label=N_("Injured")),
        FieldSpec(
            "victim_category", "code", VICTIM_CATEGORY, default="unknown", label=N_("Victims")
        ),
        FieldSpec(
            "device_category", "code", DEVICE_CATEGORY, default="other/unknown", label=N_("Device")
        ),
        FieldSpec("district", "text", label=N_("District")),
        FieldSpec("description", "text", label=N_("Description")),
    ),
)

LAYERS = {"hazards": HAZARDS, "incidents": INCIDENTS}

#: A risk layer: points or polygons with a numeric value each (a risk-prediction score per
#: grid cell, a survey priority). Not one of the two model layers: read with a mapping
#: (``layer: risk``, ``fields: {value: YOUR_COLUMN}``) or by naming the value's column.
RISK = LayerSpec(
    "risk",
    "any",
    (
        FieldSpec("id", "id", label=N_("Id")),
        FieldSpec("value", "number", label=N_("Value")),
    ),
)
#: Every layer a column mapping can be written for.
MAPPED_LAYERS = {**LAYERS, "risk": RISK}
