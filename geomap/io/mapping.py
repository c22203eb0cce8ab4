"""Column mappings: a user's own field names and codes, mapped onto geomap's model.

A mapping is a small YAML or TOML file. Every key is optional::

    layer: incidents            # which model layer the mapping is for
    fields:                     # model field: the user's column
      id: EVENT_ID
      incident_type: TIPO_EVENTO
      date: YEAR
    codes:                      # model field: {user's code: model code}
      incident_type:
        "1": mine/ERW accident
        "2": mine/ERW accident
    dates:                      # model field: strptime format of the user's dates
      date: "%Y"
    constants:                  # model field: one value for every row
      victim_category: unknown
    keep: [DEPARTMENT, AREA]    # other columns carried through unchanged
    csv:                        # for CSV input: where the coordinates are
      latitude: lat
      longitude: lon
      wkt: geometry
      delimiter: ","
    crs: EPSG:4326              # for input with no CRS of its own

Codes that a mapping does not list are left as they are, so that validation
reports them: an unknown code is never dropped or coerced.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from geomap._errors import MappingError
from geomap.model import LAYERS

__all__ = ["ColumnMapping", "load_mapping"]

log = logging.getLogger(__name__)

_TOP_KEYS = {"layer", "fields", "codes", "dates", "constants", "keep", "csv", "crs"}
_CSV_KEYS = {"latitude", "longitude", "wkt", "delimiter", "encoding"}


class _Sections:
    """Reads a mapping document's sections keyed by model field, checking the fields."""

    def __init__(self, data: Mapping[str, Any], source: str, layer: str | None) -> None:
        self.data, self.source, self.layer = data, source, layer
        self.fields = (
            set(LAYERS[layer].columns) if layer else {c for s in LAYERS.values() for c in s.columns}
        )

    def __call__(self, name: str) -> dict[str, Any]:
        """Return section ``name`` (empty if absent); every key must be a model field."""
        value = self.data.get(name) or {}
        if not isinstance(value, Mapping):
            raise MappingError(f"{self.source}: `{name}` must be a mapping of model field to value")
        bad = set(value) - self.fields
        if bad:
            raise MappingError(
                f"{self.source}: `{name}` names {sorted(bad)}, which are not fields of the "
                f"{self.layer or 'geomap'} model; expected some of {sorted(self.fields)}"
            )
        return dict(value)


@dataclass(frozen=True)
class ColumnMapping:
    """How a user's columns and codes map onto a model layer.

    Parameters
    ----------
    layer : str, optional
        "incidents" or "hazards"; checked against the layer being read.
    fields : dict
        Model field name to the user's column name.
    codes : dict
        Model field name to a dict of the user's codes to model codes.
    dates : dict
        Model field name to a ``strptime`` format for its dates.
    constants : dict
        Model field name to a value used for every row.
    keep : list of str
        Extra user columns carried into the output unchanged.
    csv : dict
        ``latitude``, ``longitude`` or ``wkt`` column names, ``delimiter`` and
        ``encoding`` for CSV input.
    crs : str, optional
        CRS assumed for input that declares none.
    source : str
        Where the mapping came from, for messages.
    """

    layer: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    keep: tuple[str, ...] = ()
    csv: dict[str, str] = field(default_factory=dict)
    crs: str | None = None
    source: str = "<mapping>"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<mapping>") -> ColumnMapping:
        """Build and check a mapping from a parsed YAML/TOML document.

        Parameters
        ----------
        data : mapping
            The document, as described in this module's docstring.
        source : str
            Name used in error messages (usually the file's path).

        Returns
        -------
        ColumnMapping
            Frozen; its ``source`` names the document in later messages.

        Raises
        ------
        MappingError
            An unknown key, an unknown model field, or a value of the wrong shape.

        Examples
        --------
        >>> m = ColumnMapping.from_dict({"fields": {"id": "EVENT"}}, source="x.yaml")
        >>> m.fields
        {'id': 'EVENT'}
        """
        if not isinstance(data, Mapping):
            raise MappingError(f"{source}: expected a mapping of keys, got {type(data).__name__}")
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise MappingError(
                f"{source}: unknown key(s) {sorted(unknown)}; expected some of {sorted(_TOP_KEYS)}"
            )
        layer = data.get("layer")
        if layer is not None and layer not in LAYERS:
            raise MappingError(
                f"{source}: `layer` was {layer!r} but is expected to be in {list(LAYERS)}"
            )
        section = _Sections(data, source, layer)
        fields = {k: str(v) for k, v in section("fields").items()}
        codes: dict[str, dict[str, str]] = {}
        for name, table in section("codes").items():
            if not isinstance(table, Mapping):
                raise MappingError(
                    f"{source}: `codes.{name}` must map the user's codes to model codes"
                )
            codes[name] = {str(k): str(v) for k, v in table.items()}
        dates = {k: str(v) for k, v in section("dates").items()}
        constants = section("constants")
        keep = data.get("keep") or []
        if not isinstance(keep, list | tuple):
            raise MappingError(f"{source}: `keep` must be a list of column names")
        csv = data.get("csv") or {}
        if not isinstance(csv, Mapping) or set(csv) - _CSV_KEYS:
            raise MappingError(f"{source}: `csv` accepts only the keys {sorted(_CSV_KEYS)}")
        crs = data.get("crs")
        return cls(
            layer=layer,
            fields=fields,
            codes=codes,
            dates=dates,
            constants=constants,
            keep=tuple(str(k) for k in keep),
            csv={k: str(v) for k, v in csv.items()},
            crs=str(crs) if crs is not None else None,
            source=source,
        )

    def apply(self, df: pd.DataFrame, path: object = "") -> pd.DataFrame:
        """Rename and recode ``df``'s columns onto the model (a new frame is returned).

        Parameters
        ----------
        df : pandas.DataFrame
            The rows as read.
        path : str or Path
            The file they came from, for messages.

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        MappingError
            The mapping names a column the file does not have.
        """
        missing = [c for c in [*self.fields.values(), *self.keep] if c not in df.columns]
        if missing:
            raise MappingError(
                f"{path}: mapping {self.source} names column(s) {missing} that the file does not "
                f"have; it has {[c for c in df.columns if c != 'geometry']}"
            )
        out = df.copy()
        kept_copies = {k: out[k] for k in self.keep}
        targets = set(self.fields)
        # Drop user columns that would collide with a mapped model field.
        clash = [c for c in out.columns if c in targets and self.fields.get(c) != c]
        out = out.drop(columns=clash)
        out = out.rename(columns={v: k for k, v in self.fields.items()})
        for name, values in kept_copies.items():
            if name not in out.columns:
                out[name] = values
        for name, table in self.codes.items():
            if name in out.columns:
                as_text = out[name].map(_code_text)
                out[name] = as_text.map(lambda v, t=table: t.get(v, v) if v is not None else None)
        for name, value in self.constants.items():
            out[name] = value
        return out


def _code_text(value: object) -> str | None:
    """Return a code as text: 1, 1.0 and "1" all become "1"; missing becomes None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a column mapping from a YAML (``.yaml``/``.yml``) or TOML (``.toml``) file.

    Parameters
    ----------
    path : str or Path
        The mapping file.

    Returns
    -------
    ColumnMapping

    Raises
    ------
    MappingError
        The file is missing, does not parse, or is not a valid mapping.

    Examples
    --------
    >>> load_mapping("examples/colombia-mapping.yaml").layer  # doctest: +SKIP
    'incidents'
    """
    p = Path(path)
    if not p.is_file():
        raise MappingError(f"{p}: mapping file not found")
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix.lower() == ".toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - Python 3.10
                import tomli as tomllib
            data: Any = tomllib.loads(text)
        elif p.suffix.lower() in {".yaml", ".yml"}:
            import yaml

            data = yaml.safe_load(text)
        else:
            raise MappingError(f"{p}: a mapping file must end in .yaml, .yml or .toml")
    except MappingError:
        raise
    except Exception as exc:  # the parsers' own errors carry the line number
        raise MappingError(f"{p}: could not parse the mapping: {exc}") from None
    log.debug("loaded mapping %s", p)
    return ColumnMapping.from_dict(data or {}, source=str(p))
