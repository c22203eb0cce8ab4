"""Column mappings: a user's own field names and codes, mapped onto geomap's model.

A mapping is a small YAML or TOML file. Every key is optional::

    layer: incidents            # which model layer the mapping is for
    files: ["events-20*.csv"]   # the files it is for (names or globs; default: any)
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
    encoding: cp1251            # text encoding of the file (CSV, Shapefile without .cpg)
    where:                      # keep only the rows that match (others are "filtered")
      STATUS: [A, C]            # a column (the file's, or a model field) in a list
      kind: {not: [test]}       # or not in a list

One column may feed several model fields (``fields: {hazard_class: kind, status:
kind}``). Codes that a mapping does not list are left as they are, so that
validation reports them: an unknown code is never dropped or coerced. Every value
is checked when the mapping is loaded (a known encoding, CRS and ``strptime``
format), so a mistake is one line naming the file and the key.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from geomap._errors import MappingError
from geomap.io._rules import FILTER_COLUMN
from geomap.io._rules import PROBLEM_COLUMNS
from geomap.io._rules import Where
from geomap.io._rules import check_crs
from geomap.io._rules import check_date_format
from geomap.io._rules import check_encoding
from geomap.io._rules import code_text
from geomap.io._rules import matches_files
from geomap.io._rules import parse_dates
from geomap.model import LAYERS
from geomap.model import MAPPED_LAYERS

__all__ = ["FILTER_COLUMN", "ColumnMapping", "load_mapping"]

log = logging.getLogger(__name__)

_TOP_KEYS = {
    "layer",
    "files",
    "fields",
    "codes",
    "dates",
    "constants",
    "keep",
    "csv",
    "crs",
    "encoding",
    "where",
}
_CSV_KEYS = {"latitude", "longitude", "wkt", "delimiter", "encoding"}


class _Sections:
    """Reads a mapping document's sections keyed by model field, checking the fields."""

    def __init__(self, data: Mapping[str, Any], source: str, layer: str | None) -> None:
        self.data, self.source, self.layer = data, source, layer
        self.fields = (
            set(MAPPED_LAYERS[layer].columns)
            if layer
            else {c for s in LAYERS.values() for c in s.columns}
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
    files : tuple of str
        File names or globs (``hazards-2023*.geojson``) the mapping is for; empty
        for any file. Matched against the file's name and its path as given.
    encoding : str, optional
        Text encoding of the file (CSV; Shapefile or other vector file without one).
    where : Where, optional
        Rows to keep; the others are filtered (counted, not rejected).
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
    files: tuple[str, ...] = ()
    encoding: str | None = None
    where: Where | None = None
    source: str = "<mapping>"

    def matches(self, path: object) -> bool:
        """Tell whether the mapping names ``path`` in ``files`` (by name or glob).

        Examples
        --------
        >>> ColumnMapping(files=("hazards-2023*.geojson",)).matches("in/hazards-2023-q1.geojson")
        True
        """
        return bool(self.files) and matches_files(self.files, path)

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
        if layer is not None and layer not in MAPPED_LAYERS:
            raise MappingError(
                f"{source}: `layer` was {layer!r} but is expected to be in {list(MAPPED_LAYERS)}"
            )
        section = _Sections(data, source, layer)
        codes: dict[str, dict[str, str]] = {}
        for name, table in section("codes").items():
            if not isinstance(table, Mapping):
                raise MappingError(
                    f"{source}: `codes.{name}` must map the user's codes to model codes"
                )
            codes[name] = {str(k): str(v) for k, v in table.items()}
        dates = section("dates")
        csv = data.get("csv") or {}
        if not isinstance(csv, Mapping) or set(csv) - _CSV_KEYS:
            raise MappingError(f"{source}: `csv` accepts only the keys {sorted(_CSV_KEYS)}")
        if "encoding" in csv:
            check_encoding(csv["encoding"], "csv.encoding", source)
        return cls(
            layer=layer,
            fields={k: str(v) for k, v in section("fields").items()},
            codes=codes,
            dates={k: check_date_format(v, f"dates.{k}", source) for k, v in dates.items()},
            constants=section("constants"),
            keep=_names(data.get("keep"), "keep", source),
            csv={k: str(v) for k, v in csv.items()},
            crs=None if data.get("crs") is None else check_crs(data["crs"], f"{source}: `crs`"),
            files=_names(data.get("files"), "files", source),
            encoding=None
            if data.get("encoding") is None
            else check_encoding(data["encoding"], "encoding", source),
            where=None if data.get("where") is None else Where(data["where"], source),
            source=source,
        )

    def apply(self, df: pd.DataFrame, path: object = "") -> pd.DataFrame:
        """Rename and recode ``df``'s columns onto the model (a new frame is returned).

        Rows that ``where`` drops stay in the frame, marked in the ``_filtered`` column
        (:data:`FILTER_COLUMN`) with the filter that dropped them, so that validation
        counts them as filtered; dates that do not fit the mapping's format are marked
        as problems (``PROBLEM_COLUMNS``), so that validation rejects them.

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
        missing = list(
            dict.fromkeys(c for c in [*self.fields.values(), *self.keep] if c not in df.columns)
        )
        if missing:
            raise MappingError(
                f"{path}: mapping {self.source} names column(s) {missing} that the file does not "
                f"have; it has {[c for c in df.columns if c != 'geometry']}"
            )
        out = self._renamed(df)
        for name, table in self.codes.items():
            if name in out.columns:
                as_text = out[name].map(code_text)
                out[name] = as_text.map(lambda v, t=table: t.get(v, v) if v is not None else None)
        for name, value in self.constants.items():
            out[name] = value
        for name, fmt in self.dates.items():
            if name in out.columns:
                out[name], problem = parse_dates(out[name], fmt)
                _mark(out, problem, name)
        if self.where is not None:
            out[FILTER_COLUMN] = self.where.dropped(out, df, f"{path}: mapping {self.source}")
        return out

    def _renamed(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` with the mapped columns under their model names (others kept)."""
        out = df.copy()
        kept_copies = {k: out[k] for k in self.keep}
        targets = set(self.fields)
        first: dict[str, str] = {}  # the user's column -> the first model field it feeds
        for model, col in self.fields.items():
            first.setdefault(col, model)
        # Drop user columns that would collide with a mapped model field.
        clash = [c for c in out.columns if c in targets and self.fields.get(c) != c]
        sources = {col: df[col] for col in first}
        out = out.drop(columns=clash)
        out = out.rename(columns={col: model for col, model in first.items() if col in out})
        for model, col in self.fields.items():
            # A column feeding a second model field, or one dropped as a clash above.
            if first[col] != model or model not in out.columns:
                out[model] = sources[col].to_numpy()
        for name, values in kept_copies.items():
            if name not in out.columns:
                out[name] = values
        return out


def _names(value: object, key: str, source: str) -> tuple[str, ...]:
    """Return a list of names (one name alone is a list of one), checked."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise MappingError(f"{source}: `{key}` must be a list of names, got {value!r}")
    return tuple(str(v) for v in value)


def _mark(out: pd.DataFrame, problem: pd.Series, name: str) -> None:
    """Record ``problem`` (per row, None where fine) in the reader's problem columns."""
    if not problem.notna().any():
        return
    for col in PROBLEM_COLUMNS:
        if col not in out.columns:
            out[col] = pd.Series(None, index=out.index, dtype=object)
    new = problem.notna() & out[PROBLEM_COLUMNS[1]].isna()
    out.loc[new, PROBLEM_COLUMNS[0]] = name
    out.loc[new, PROBLEM_COLUMNS[1]] = problem[new]


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
    if p.suffix.lower() not in {".toml", ".yaml", ".yml"}:
        raise MappingError(f"{p}: a mapping file must end in .yaml, .yml or .toml")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"{p}: could not read the mapping: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    try:
        if p.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        else:
            data = yaml.safe_load(text)
    except Exception as exc:  # the parsers' own errors carry the line number
        raise MappingError(f"{p}: could not parse the mapping: {_parse_error(exc)}") from None
    log.debug("loaded mapping %s", p)
    return ColumnMapping.from_dict(data or {}, source=str(p))


def _parse_error(exc: Exception) -> str:
    """One line from a YAML or TOML parser's error: what is wrong, and where."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(exc).split())
