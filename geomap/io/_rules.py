"""The parts of a column mapping that look at rows: filters, dates, file patterns, spellings.

Kept apart from :mod:`geomap.io.mapping` (which reads and checks the document) so each
stays short. Nothing here evaluates code: a filter is a table of allowed (or refused)
values per column, compared as text.
"""

from __future__ import annotations

import codecs
import fnmatch
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyproj

from geomap._errors import MappingError
from geomap.model import LAYERS

__all__ = [
    "FILTER_COLUMN",
    "PROBLEM_COLUMNS",
    "Where",
    "check_crs",
    "check_date_format",
    "check_encoding",
    "code_text",
    "matches_files",
    "parse_dates",
    "recognise_fields",
]

#: Columns a reader sets on rows it could read but not make sense of (the field, the problem).
PROBLEM_COLUMNS = ("_problem_field", "_problem")

#: Column holding, for each row a mapping's ``where`` dropped, the filter that dropped it.
FILTER_COLUMN = "_filtered"

#: Common spellings of model fields (compared after lower-casing and turning spaces and
#: hyphens into ``_``); the model's own name in any case is always recognised.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "id": ("record_id", "event_id", "incident_id", "hazard_id", "uid"),
    "incident_type": ("type", "incident", "event_type", "category", "kind", "class"),
    "hazard_class": ("class", "hazard_type", "type", "category", "kind", "classification"),
    "victim_category": ("victim", "victims", "victim_type", "casualty_type", "victim_group"),
    "status": ("state", "hazard_status", "current_status"),
    "evidence": ("evidence_type", "basis"),
    "killed": ("deaths", "dead", "fatalities", "killed_count", "n_killed"),
    "injured": ("wounded", "injuries", "injured_count", "n_injured"),
    "date": ("event_date", "incident_date", "date_of_incident", "occurred"),
    "district": ("municipality", "admin2", "district_name"),
    "description": ("desc", "details", "narrative", "notes"),
    "operator": ("organisation", "organization", "agency"),
}


def code_text(value: object) -> str | None:
    """Return a code as text: 1, 1.0 and "1" all become "1"; missing becomes None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if text else None


def _norm(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def recognise_fields(
    df: pd.DataFrame, kind: str | None, used: set[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Rename columns spelled in a common way (``Type``, ``victim``) to model fields.

    A model field already present, a column a mapping already used, and a spelling
    that more than one column has are left alone. Returns the frame and one note per
    renamed column.
    """
    if kind not in LAYERS:
        return df, []
    taken = set(df.columns)
    by_norm: dict[str, list[str]] = {}
    for col in df.columns:
        if col != "geometry" and col not in used:
            by_norm.setdefault(_norm(col), []).append(col)
    renames: dict[str, str] = {}
    for name in LAYERS[kind].columns:
        if name in taken or name in renames.values():
            continue
        for spelling in (name, *SPELLINGS.get(name, ())):
            found = [c for c in by_norm.get(spelling, []) if c not in renames]
            if len(found) == 1:
                renames[found[0]] = name
                break
    notes = [
        f"column {old!r} read as {new} (a common spelling); if it is not, map it in a "
        f"mapping's `fields`"
        for old, new in renames.items()
        if old != new and _norm(old) != new
    ]
    return (df.rename(columns=renames) if renames else df), notes


def matches_files(patterns: tuple[str, ...], path: object) -> bool:
    """Tell whether ``path``'s name, or the path as given, matches one of ``patterns``.

    Patterns are shell globs (``*``, ``?``, ``[ab]``), compared without regard to case.
    """
    p = Path(str(path))
    names = {p.name.lower(), p.as_posix().lower()}
    return any(fnmatch.fnmatchcase(n, pat.lower()) for pat in patterns for n in names)


class Where:
    """A row filter: per column, the values to keep (or, under ``not``, to drop).

    ``{status: [active, cancelled], year: 2023, kind: {not: [test]}}`` keeps a row when
    every column matches. Values are compared as text (``2023`` matches ``2023.0``); an
    empty cell matches only an explicit ``null`` in the list.
    """

    def __init__(self, data: object, source: str) -> None:
        if not isinstance(data, Mapping):
            raise MappingError(
                f"{source}: `where` must map column names to a value or a list of values, "
                f"e.g. where: {{status: [active, cancelled]}}"
            )
        self.rules: dict[str, tuple[bool, frozenset[str | None]]] = {}
        for col, spec in data.items():
            negate = isinstance(spec, Mapping)
            if negate and set(spec) != {"not"}:
                raise MappingError(
                    f"{source}: `where.{col}` accepts a value, a list of values or "
                    f"{{not: [values]}}; got {dict(spec)!r}"
                )
            values = spec["not"] if negate else spec
            values = values if isinstance(values, list | tuple) else [values]
            if any(isinstance(v, Mapping | list | tuple) for v in values):
                raise MappingError(f"{source}: `where.{col}` values must be plain values")
            self.rules[str(col)] = (negate, frozenset(code_text(v) for v in values))

    def describe(self, col: str) -> str:
        negate, values = self.rules[col]
        shown = sorted(str(v) for v in values)
        return f"where {col} {'not in' if negate else 'in'} {shown}"

    def dropped(self, mapped: pd.DataFrame, raw: pd.DataFrame, where: str) -> pd.Series:
        """Return, per row, the filter that drops it (None for rows kept)."""
        out = pd.Series(None, index=mapped.index, dtype=object)
        for col, (negate, values) in self.rules.items():
            if col in mapped.columns:
                column = mapped[col]
            elif col in raw.columns:
                column = raw[col]
            else:
                cols = [c for c in raw.columns if c != "geometry"]
                raise MappingError(
                    f"{where}: `where` names column {col!r}, which the file does not have; "
                    f"it has {cols}"
                )
            text = column.map(code_text)
            hit = text.isin(values)
            drop = (hit if negate else ~hit) & out.isna()
            shown = text[drop].fillna("").astype(str).str.slice(0, 40)
            out[drop] = self.describe(col) + " (was '" + shown + "')"
        return out.astype(object).where(out.notna(), None)


def parse_dates(values: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """Parse text dates with ``fmt``: ISO text for those that parse, problems for the rest."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values, pd.Series(None, index=values.index, dtype=object)
    text = values.map(code_text)
    parsed: dict[str, str | None] = {}
    for v in text.dropna().unique():
        try:
            parsed[v] = datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            parsed[v] = None
    iso = text.map(lambda v: parsed.get(v) if v is not None else None)
    bad = text.notna() & iso.isna()
    problem = pd.Series(None, index=values.index, dtype=object)
    shown = "'" + text[bad].astype(str).str.slice(0, 40) + "'"
    problem[bad] = shown + f" is not a date (expected {fmt})"
    return iso.where(~bad, None), problem


def check_date_format(fmt: object, key: str, source: str) -> str:
    """Return ``fmt`` if it is a usable ``strptime`` format, else raise naming the key."""
    text = str(fmt)
    if "%" not in text:
        raise MappingError(
            f"{source}: `{key}` was {text!r}, which has no % directive; expected a strptime "
            f'format such as "%Y" or "%d/%m/%Y"'
        )
    try:
        datetime.strptime("", text)
    except ValueError as exc:
        if "does not match" not in str(exc):
            raise MappingError(
                f"{source}: `{key}` was {text!r}: {exc}; expected a strptime format "
                f'such as "%Y" or "%d/%m/%Y"'
            ) from None
    return text


def check_encoding(name: object, key: str, source: str) -> str:
    """Return ``name`` if Python knows the text encoding, else raise naming the key."""
    try:
        codecs.lookup(str(name))
    except LookupError:
        raise MappingError(
            f"{source}: `{key}` was {name!r}, which is not a known text encoding; "
            f"expected e.g. utf-8, cp1251, latin-1"
        ) from None
    return str(name)


def check_crs(value: Any, what: str, error: type[Exception] = MappingError) -> str:
    """Return ``value`` as text if pyproj knows the CRS, else raise ``error`` naming ``what``."""
    try:
        pyproj.CRS.from_user_input(value)
    except (pyproj.exceptions.CRSError, TypeError, ValueError):
        raise error(
            f"{what} was {value!r}, which is not a known CRS; expected e.g. EPSG:4326 or EPSG:32638"
        ) from None
    return str(value)
