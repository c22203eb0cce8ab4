"""Field checks: codes from the controlled vocabularies, dates, casualty counts, ids.

Every model field is checked in one pass over its column; the clean values are
returned typed (codes as categoricals, dates as datetimes, counts as ``Int64``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geomap.io.postgis import DatabaseSource
from geomap.io.postgis import is_database
from geomap.model import FieldSpec
from geomap.model import LayerSpec
from geomap.validate.result import Collector

__all__ = ["EARLIEST_DATE", "MAX_COUNT", "check_fields", "check_ids"]

#: The largest casualty count one record may hold; larger counts are rejected as implausible.
#: (The deadliest single explosive events recorded killed or injured a few thousand people.)
MAX_COUNT = 10_000
#: Dates before this are rejected (a typo such as 1500 for 2015), as are dates after today.
EARLIEST_DATE = pd.Timestamp("1900-01-01")

#: Rows looked at to guess whether a text column's values repeat.
_SAMPLE = 10_000

_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d", "%Y-%m", "%Y")


def _quote(values: pd.Series) -> pd.Series:
    return "'" + values.astype(str).str.slice(0, 60) + "'"


def _said(values: pd.Series, text: str) -> Callable[[np.ndarray], pd.Series]:
    """``'value'`` + ``text`` for the flagged rows only (a :class:`Collector` message)."""
    return lambda idx: _quote(values.iloc[idx]) + text


def _as_text(values: pd.Series) -> pd.Series:
    """Values as pandas strings (missing stays missing); whole floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        arr = values.to_numpy(dtype=float)
        finite = arr[~np.isnan(arr)]
        if np.all(finite == np.round(finite)):
            return values.astype("Int64").astype("string")
    elif values.dtype == object:
        whole = values.map(lambda v: isinstance(v, float) and not np.isnan(v) and v.is_integer())
        if whole.any():  # e.g. ids read as 7.0 beside "A7" in a mixed column
            values = values.where(~whole, values[whole].map(lambda v: str(int(v))))
    return values.astype("string")


def _parse_dates(values: pd.Series, fmt: str | None) -> pd.Series:
    """Parse dates leniently but never silently: unparseable values come back as NaT."""
    if pd.api.types.is_datetime64_any_dtype(values):
        out = pd.to_datetime(values)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.dt.normalize()
    # Parse each distinct text once (dates repeat), then map them back onto the rows.
    codes, uniques = pd.factorize(_as_text(values))
    parsed = _parse_texts(pd.Series(uniques, dtype="string"), fmt)
    return pd.Series(
        parsed.array.take(codes, allow_fill=True), index=values.index, name=values.name
    )


def _parse_texts(text: pd.Series, fmt: str | None) -> pd.Series:
    """Parse texts as dates (see :func:`_parse_dates`); missing and blank ones as NaT."""
    text = text.str.strip()
    text = text.where(text != "").astype(object).where(text.notna() & (text != ""), None)
    if fmt:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    out = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
    for f in _DATE_FORMATS:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=f, errors="coerce")
    return out.dt.normalize()


def check_fields(
    gdf: pd.DataFrame, spec: LayerSpec, date_formats: dict[str, str], c: Collector
) -> dict[str, pd.Series]:
    """Check every model field; return the clean column values."""
    clean: dict[str, pd.Series] = {}
    n = len(gdf)
    for f in spec.fields:
        if f.kind in {"id", "area"}:
            continue
        present = f.name in gdf.columns
        raw = gdf[f.name] if present else pd.Series([None] * n, index=gdf.index, dtype=object)
        if f.kind == "code":
            clean[f.name] = _check_code(f, raw, present, c)
            continue
        isna = _blank(raw)
        if f.kind == "date":
            clean[f.name] = _check_date(f.name, raw, isna, date_formats.get(f.name), c)
        elif f.kind == "count":
            clean[f.name] = _check_count(f.name, raw, isna, c)
        else:  # text
            clean[f.name] = _text(raw, isna)
    return clean


def _text(raw: pd.Series, isna: np.ndarray) -> pd.Series:
    """Values as Python strings (objects), ``None`` where missing or blank."""
    txt = _as_text(raw)
    head = txt.iloc[:_SAMPLE]
    if head.nunique() * 4 < len(head):  # values repeat (e.g. districts): convert each once
        codes, uniques = pd.factorize(txt)
        values = np.concatenate([np.asarray(uniques, dtype=object), [None]])[codes]
    else:
        values = txt.array.to_numpy(dtype=object, na_value=None)
    values[isna] = None
    return pd.Series(values, index=raw.index, name=raw.name, dtype=object)


def _blank(raw: pd.Series) -> np.ndarray:
    """Missing or blank (text of spaces only); numbers and dates are never blank."""
    isna = raw.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw):
        return isna
    if raw.dtype != object and pd.api.types.is_string_dtype(raw):  # Arrow strings: vectorised
        return isna | (raw.str.strip() == "").fillna(False).to_numpy(dtype=bool)
    # Strip the distinct values only (codes repeat).
    codes, uniques = pd.factorize(raw.astype(str))
    blank = pd.Index(uniques).str.strip() == ""
    return isna | np.append(blank, False)[codes]


def _check_date(
    name: str, raw: pd.Series, isna: np.ndarray, fmt: str | None, c: Collector
) -> pd.Series:
    """Parse a date column; reject what is not a date, before 1900 or after today."""
    parsed = _parse_dates(raw, fmt)
    bad = ~isna & parsed.isna().to_numpy()
    c.fail(bad, name, _said(raw, f" is not a date (expected {fmt or 'YYYY-MM-DD'})"))
    today = pd.Timestamp.today().normalize()
    with np.errstate(invalid="ignore"):
        old = (parsed < EARLIEST_DATE).to_numpy(dtype=bool)
        future = (parsed > today).to_numpy(dtype=bool)
    c.fail(old, name, _said(raw, f" is before {EARLIEST_DATE:%Y-%m-%d}; expected a recent date"))
    c.fail(future, name, _said(raw, f" is in the future (after today, {today:%Y-%m-%d})"))
    return parsed.where(~(old | future)).astype("datetime64[ns]")


def _check_count(name: str, raw: pd.Series, isna: np.ndarray, c: Collector) -> pd.Series:
    """Parse a casualty count; reject what is not a whole number from 0 to :data:`MAX_COUNT`."""
    num = pd.to_numeric(raw.where(~isna), errors="coerce").astype(float)
    notnum = ~isna & num.isna().to_numpy()
    c.fail(notnum, name, _said(raw, " is not a number (expected a whole number ≥ 0)"))
    arr = num.to_numpy()
    with np.errstate(invalid="ignore"):
        neg = (~isna & ~notnum) & (arr < 0)
        frac = (~isna & ~notnum & ~neg) & ~(np.isfinite(arr) & (arr % 1 == 0))
        huge = (~isna & ~notnum & ~neg & ~frac) & (arr > MAX_COUNT)
    c.fail(neg | frac, name, _said(raw, " is not a whole number ≥ 0"))
    c.fail(
        huge,
        name,
        _said(raw, f" is not a plausible count for one record (at most {MAX_COUNT:,})"),
    )
    return num.where(~(notnum | neg | frac | huge)).round().astype("Int64")


def _check_code(f: FieldSpec, raw: pd.Series, present: bool, c: Collector) -> pd.Series:
    assert f.vocabulary is not None
    vocab = f.vocabulary
    table = vocab.lookup()
    # Fold only the distinct values (a few), then map them back onto the rows.
    codes_idx, uniques = pd.factorize(raw.astype(str), use_na_sentinel=True)
    stripped = pd.Index(uniques).str.strip()
    # Missing or blank, as _blank says (a value's text is blank or not wherever it is).
    isna = raw.isna().to_numpy() | np.append(stripped == "", False)[codes_idx]
    folded = stripped.str.lower().str.replace(r"[\s_\-/]+", " ", regex=True)
    cats = list(vocab.codes)
    number = {code: i for i, code in enumerate(cats)}
    known = np.array([number.get(table.get(v, ""), -1) for v in folded] + [-1], dtype=np.int64)
    codes = known[codes_idx]  # each row's category number; -1: unknown or missing
    unknown = ~isna & (codes < 0)
    expected = ", ".join(repr(v) for v in vocab.codes)
    c.fail(
        unknown,
        f.name,
        _said(
            raw,
            f" is not a known {vocab.name}; expected one of [{expected}] "
            "(map other codes with a mapping file's `codes` section)",
        ),
    )
    if f.required:
        why = "is missing" if present else "is not in the file (map a column to it)"
        c.fail(isna, f.name, f"{vocab.name} {why}; expected one of [{expected}]")
    elif f.default is not None:
        codes = np.where(isna, number[f.default], codes)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(cats)), index=raw.index)


def _stem(source: str) -> str:
    """Return a file's name without its suffix; a database source's table (or "query")."""
    if is_database(source):
        return (DatabaseSource.parse(source).table or "query").rpartition(".")[2]
    return Path(source).stem


def check_ids(gdf: pd.DataFrame, c: Collector) -> tuple[pd.Series, bool]:
    """Return ids as text; make them from file and row where there are none; reject duplicates."""
    files = gdf["source_file"].astype(str)

    def made(rows: pd.Series) -> pd.Series:  # an id from the file name and row number
        stems = files[rows.index].map({f: _stem(f) for f in files[rows.index].unique()})
        return stems + "-" + gdf["source_row"][rows.index].astype(str)

    if "id" in gdf.columns:
        ids: pd.Series = _as_text(gdf["id"]).str.strip()
        blank = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
        if blank.any():
            ids = ids.astype(object)
            text = "no id; made one from the file name and row: "
            c.note(blank, "id", lambda idx: text + made(ids.iloc[idx]))
            ids[blank] = made(ids[blank])
        generated = False
    else:
        ids = made(gdf["source_row"])
        generated = True
    dup = _duplicated(ids) & ~c.reject
    ids = ids.astype(object)
    if dup.any():
        codes = pd.factorize(ids)[0]
        first_of = np.unique(codes, return_index=True)[1]  # each id's first row, by code

        def said(idx: np.ndarray) -> np.ndarray:  # texts for the duplicates only
            first = first_of[codes[idx]]
            rows = gdf["source_row"].iloc[first].astype(str).to_numpy(dtype=object)
            seen = files.iloc[first].to_numpy(dtype=object) + " row " + rows
            return (
                "duplicate id "
                + _quote(ids.iloc[idx]).to_numpy(dtype=object)
                + ("; first seen at " + seen)
            )

        c.fail(dup, "id", said)
    return ids, generated


def _duplicated(ids: pd.Series) -> np.ndarray:
    """``ids.duplicated(keep="first")``; quick for ids in strictly increasing order (no repeats)."""
    if len(ids) > 1 and ids.dtype != object and pd.api.types.is_string_dtype(ids):
        later = ids.iloc[1:].reset_index(drop=True) > ids.iloc[:-1].reset_index(drop=True)
        if bool(later.fillna(False).all()):
            return np.zeros(len(ids), dtype=bool)
    return ids.duplicated(keep="first").to_numpy(dtype=bool)
