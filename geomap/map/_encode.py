"""Compact encodings of layer columns for the page.

Large columns travel as base64 typed arrays (coordinates as int32 microdegrees,
category codes as uint8/uint16, small integers in the narrowest type that
holds them) and everything else as JSON. ``geomap.js`` decodes them. Every
string that reaches the page goes through :func:`safe_json`, which is safe
inside a ``<script>`` element.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import numpy as np
import pandas as pd

#: Coordinates travel as integers of this many decimal degrees (1e-6°, about 10 cm).
COORD_SCALE = 1_000_000
#: Missing value of an int32 column (dates as days, casualty counts).
I4_MISSING = -2_147_483_648


def safe_json(obj: Any) -> str:
    r"""Return JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\u003c`` etc., so no value can close
    the script or open a comment; U+2028/2029 are escaped for old JS engines.

    Parameters
    ----------
    obj : object
        Anything :func:`json.dumps` accepts (no NaN).

    Returns
    -------
    str

    Examples
    --------
    >>> print(safe_json({"a": "</script>"}))
    {"a":"\u003c/script\u003e"}
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _SCRIPT_ESCAPES:
        if char in text:  # each replace copies the whole (possibly huge) text
            text = text.replace(char, escape)
    return text


_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def binary(values: np.ndarray, dtype: str) -> dict[str, str]:
    """Encode a numeric array as ``{"b64": ..., "t": dtype}`` (little-endian)."""
    arr = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"b64": base64.b64encode(arr.tobytes()).decode("ascii"), "t": dtype}


def coords(values: np.ndarray) -> dict[str, str]:
    """Encode longitudes or latitudes as int32 microdegrees."""
    return binary(np.round(np.asarray(values, dtype=float) * COORD_SCALE).astype(np.int32), "i4")


def days(values: pd.Series) -> dict[str, str]:
    """Encode dates as int32 days since 1970-01-01 (missing: :data:`I4_MISSING`)."""
    dt = pd.to_datetime(values)
    out = np.full(len(dt), I4_MISSING, dtype=np.int64)
    ok = dt.notna().to_numpy()
    out[ok] = dt[ok].to_numpy(dtype="datetime64[D]").astype(np.int64)
    return binary(out, "i4")


def integers(values: pd.Series) -> dict[str, Any] | list[int | None]:
    """Encode a nullable integer column in the narrowest type (the largest value means missing).

    Values beyond int32 travel as a JSON list, never wrapped round.
    """
    arr = pd.Series(values).astype("Int64")
    na = arr.isna().to_numpy()
    data = arr.fillna(0).to_numpy(dtype=np.int64)
    lo = int(data.min()) if len(data) else 0
    hi = int(data.max()) if len(data) else 0
    if lo >= 0 and hi < 255:
        t, missing = "u1", 255
    elif lo >= 0 and hi < 65535:
        t, missing = "u2", 65535
    elif lo > I4_MISSING and hi <= np.iinfo(np.int32).max:
        t, missing = "i4", I4_MISSING
    else:
        return [None if m else int(v) for v, m in zip(data.tolist(), na, strict=True)]
    data[na] = missing
    return {**binary(data, t), "na": missing}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


#: Text lists longer than this (bytes of JSON) are deflated (and inflated in the page by pako).
COMPRESS_ABOVE = 32_768


def _maybe_deflate(items: list[Any], compress: bool) -> Any:
    """Return ``items``, or ``{"z": <base64 raw deflate of their JSON>}`` when that is worth it."""
    if not compress:
        return items
    text = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    if len(text) < COMPRESS_ABOVE:
        return items
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = packer.compress(text.encode("utf-8")) + packer.flush()
    return {"z": base64.b64encode(raw).decode("ascii")}


def column(values: pd.Series, *, compress: bool = False) -> Any:
    """Encode one attribute column as compactly as its values allow.

    Dates become ``YYYY-MM-DD`` strings; repeated values a dictionary with binary
    codes ``{"d": [...], "i": {...}}``; integers a binary array; other values a
    JSON list (``null`` for missing). With ``compress``, long lists of text (free
    text, ids) are deflated: ``{"z": ...}`` or a dictionary's ``{"dz": ...}``.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return {"days": days(values)}  # the page formats them as YYYY-MM-DD
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    if pd.api.types.is_integer_dtype(values):
        return integers(values)
    if pd.api.types.is_float_dtype(values):
        arr = np.asarray(values, dtype=float)
        if (
            np.all(np.isnan(arr) | (arr == np.round(arr)))
            and np.nanmax(np.abs(arr), initial=0) < 2e9
        ):
            return integers(pd.Series(arr).round().astype("Int64"))
        return [None if np.isnan(v) else v for v in np.round(arr, 2).tolist()]
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    if len(values) and len(uniques) <= max(1, len(values) // 2):
        n = len(uniques)
        t, missing = ("u1", 255) if n < 255 else ("u2", 65535) if n < 65535 else ("i4", -1)
        idx = codes.astype(np.int64)
        idx[idx < 0] = missing
        words = _maybe_deflate([_plain(u) for u in uniques], compress)
        if isinstance(words, dict):
            return {"dz": words["z"], "i": {**binary(idx, t), "na": missing}}
        return {"d": words, "i": {**binary(idx, t), "na": missing}}
    obj = values.astype(object)
    if pd.api.types.infer_dtype(obj, skipna=True) == "string":  # the usual case: fast path
        items = obj.where(obj.notna(), None).tolist()
    else:
        items = [None if _missing(v) else _plain(v) for v in obj]
    return _maybe_deflate(items, compress)


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
