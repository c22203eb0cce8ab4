"""Compact encodings of layer columns for the page.

Large columns travel as base64 typed arrays (coordinates as int32 microdegrees,
category codes as uint8/uint16, small integers in the narrowest type that
holds them) and everything else as JSON; in the compact format of large layers,
as deflated bytes in :func:`base85`. ``geomap.js`` decodes them. Every
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
import pyarrow as pa
import pyarrow.compute as pc

from geomap._parallel import each

#: Coordinates travel as integers of this many decimal degrees (1e-6°, about 10 cm).
COORD_SCALE = 1_000_000
#: Missing value of an int32 column (dates as days, casualty counts).
I4_MISSING = -2_147_483_648
#: Positions of a layer in the compact format travel at this scale (1e-5 degree, about 1 m).
COMPACT_SCALE = 100_000
#: In the compact format, binary arrays of more bytes than this are deflated.
DEFLATE_ABOVE = 4096


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


def _deflate(data: bytes, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 8, strategy)
    return packer.compress(data) + packer.flush()


#: Byte planes of at most this many bytes are deflated both ways, the smaller kept.
SEARCH_BELOW = 262_144


def _deflate_planes(planes: bytes, *, search: bool = True) -> bytes:
    """Raw-deflate byte planes with run lengths or Huffman codes only, whichever is smaller.

    Most planes of numbers (low bytes, coordinates, codes) have no long repeats for
    LZ77 to find: ``Z_RLE`` or ``Z_HUFFMAN_ONLY`` make them as small as level 6 does
    (smaller, at 1M incidents) in a tenth of the time. With ``search``, small arrays
    (whose planes may repeat: offsets, ids) are also deflated in full, and the
    smallest kept.
    """
    strategies = [zlib.Z_RLE, zlib.Z_HUFFMAN_ONLY]
    if search and len(planes) <= SEARCH_BELOW:
        strategies.append(zlib.Z_DEFAULT_STRATEGY)
    return min(each(lambda strategy: _deflate(planes, strategy), strategies), key=len)


#: Small integers of :func:`varying`: zigzag values under this take one byte.
ONE_BYTE_BELOW = 248


def varying(values: np.ndarray, dtype: str) -> dict[str, Any]:
    """Encode integers mostly near zero (steps between vertices) in a byte or two each.

    Each value, zigzagged (0, -1, 1, -2, ... as 0, 1, 2, 3, ...) to ``z``, travels as
    one byte when ``z`` is under ``vb`` (:data:`ONE_BYTE_BELOW`), as two bytes
    ``vb + (z - vb) // 256, (z - vb) % 256`` when under ``vb + (255 - vb) * 256``,
    else as 255 and four bytes little-endian; the bytes raw-deflated, in
    :func:`base85`: ``{"z85": ..., "t": dtype, "vb": vb, "n": len(values)}``.
    Deflate's Huffman codes then come within 1 % of the values' entropy, where byte
    planes (which code high and low bytes apart) stay some 15 % above it.
    """
    v = np.asarray(values).astype(np.int32, copy=False)  # i2 or i4: int32 holds them
    z = ((v << 1) ^ (v >> 31)).view(np.uint32)  # zigzag
    vb = ONE_BYTE_BELOW
    if len(z) and z.max() >= vb + (255 - vb) * 256:
        out = _varying_bytes(z.astype(np.int64), vb)
    else:  # every value in one byte or two (the usual case): two columns, the unused cut
        zi = z.view(np.int32)
        e = zi - vb
        pairs = np.empty((len(z), 2), dtype=np.uint8)
        pairs[:, 0] = np.minimum(zi, vb + (e >> 8))
        pairs[:, 1] = e & 255
        used = np.ones((len(z), 2), dtype=bool)
        used[:, 1] = zi >= vb
        out = pairs[used]
    return {"z85": base85(_deflate_planes(out.tobytes())), "t": dtype, "vb": vb, "n": len(v)}


def _varying_bytes(z: np.ndarray, vb: int) -> np.ndarray:
    """Return the bytes of :func:`varying` for zigzagged values ``z``, some of which take five."""
    e = z - vb
    two = (z >= vb) & (e < (255 - vb) * 256)
    five = (z >= vb) & ~two
    size = np.where(two, 2, np.where(five, 5, 1))
    at = np.cumsum(size) - size
    out = np.zeros(int(size.sum()), dtype=np.uint8)
    out[at] = np.where(two, vb + (e >> 8), np.where(five, 255, z)).astype(np.uint8)
    out[at[two] + 1] = (e[two] & 255).astype(np.uint8)
    for k in range(4):
        out[at[five] + 1 + k] = ((z[five] >> (8 * k)) & 255).astype(np.uint8)
    return out


#: The 85 digits of :func:`base85`: printable ASCII but for the quotes, ``&``, ``<``,
#: ``>`` and ``\\``, so its text needs no escape in JSON nor inside a ``<script>``.
BASE85 = "".join(c for c in map(chr, range(0x21, 0x7F)) if c not in "\"&'<>\\")[:85]
_BASE85_BYTES = np.frombuffer(BASE85.encode("ascii"), dtype=np.uint8)


def base85(data: bytes) -> str:
    """Return ``data`` as text of the :data:`BASE85` digits, 5 for every 4 bytes.

    Like Ascii85 (without its shortcuts): each 4 bytes, big-endian, as 5 digits, most
    significant first; a last group of ``k < 4`` bytes as its first ``k + 1`` digits.
    Base64 would take 6.7 % more characters. ``js/src/decode.js`` reads it back.

    Examples
    --------
    >>> base85(bytes([0, 0, 0, 0, 255]))
    '!!!!!xx'
    """
    k = len(data) % 4
    words = np.frombuffer(data + bytes(-len(data) % 4), dtype=">u4").astype(np.uint32)
    digits = np.empty((len(words), 5), dtype=np.uint8)
    for place in range(4, -1, -1):
        rest = words // 85
        digits[:, place] = words - rest * 85
        words = rest
    text = _BASE85_BYTES[digits].tobytes()
    return text[: len(text) - (5 - k - 1 if k else 0)].decode("ascii")


def binary(values: np.ndarray, dtype: str, *, deflate: bool = False) -> dict[str, Any]:
    """Encode a numeric array as ``{"b64": ..., "t": dtype}`` (little-endian).

    With ``deflate`` (the compact format), an array of more than :data:`DEFLATE_ABOVE`
    bytes travels as ``{"z85": ..., "t": dtype}`` instead: its bytes split into planes
    (every value's first byte, then every second byte, ...; that groups the bytes that
    vary alike), raw-deflated and written in :func:`base85`. The page inflates it with
    pako. Only arrays of 4-byte values are searched for repeats (offsets, whose
    planes repeat, shrink up to 50 times more); those of 1 or 2 bytes (codes, days)
    gained at most 0.1 % by it in the 100k and 1M benchmark maps, at about 10 ms an array.
    """
    arr = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    if deflate and arr.nbytes > DEFLATE_ABOVE:
        planes = arr.view(np.uint8).reshape(-1, arr.itemsize).T.tobytes()
        packed = _deflate_planes(planes, search=arr.itemsize >= 4)
        return {"z85": base85(packed), "t": dtype}
    return {"b64": base64.b64encode(arr.tobytes()).decode("ascii"), "t": dtype}


def coords(
    values: np.ndarray, scale: int = COORD_SCALE, *, deflate: bool = False
) -> dict[str, Any]:
    """Encode longitudes or latitudes as int32 multiples of ``1 / scale`` degree."""
    ints = np.round(np.asarray(values, dtype=float) * scale).astype(np.int32)
    return binary(ints, "i4", deflate=deflate)


def days(values: pd.Series, *, compact: bool = False) -> dict[str, Any]:
    """Encode dates as int32 days since 1970-01-01 (missing: :data:`I4_MISSING`).

    With ``compact``, as day offsets from the first day (``"o"``) in the narrowest
    unsigned type, deflated (the type's largest value, ``"na"``, means missing).
    """
    dt = pd.to_datetime(values)
    out = np.full(len(dt), I4_MISSING, dtype=np.int64)
    ok = dt.notna().to_numpy()
    out[ok] = dt[ok].to_numpy(dtype="datetime64[D]").astype(np.int64)
    if not compact or not ok.any():
        return binary(out, "i4")
    first = int(out[ok].min())
    span = int(out[ok].max()) - first
    if span >= 65535:
        return binary(out, "i4", deflate=True)
    t, missing = ("u1", 255) if span < 255 else ("u2", 65535)
    offsets = np.where(ok, out - first, missing)
    return {**binary(offsets, t, deflate=True), "o": first, "na": missing}


def numbered(values: pd.Series, *, deflate: bool = True) -> dict[str, Any] | None:
    """Encode text like ``INC-0000042`` once as a prefix and numbers, or None if it is not.

    Every value must be the same prefix followed by a number whose digits, zero-padded
    to ``"w"`` places, give the value back exactly; the numbers travel as int32 steps
    from the one before (consecutive ids cost almost nothing once deflated).

    Examples
    --------
    >>> import pandas as pd
    >>> spec = numbered(pd.Series(["HA-007", "HA-008", "HA-010"]), deflate=False)
    >>> spec["pre"], spec["w"]
    ('HA-', 3)
    >>> numbered(pd.Series(["HA-7", "HA-08"])) is None
    True
    """
    text = pd.Series(values, dtype=object)
    if not len(text) or not isinstance(text.iloc[0], str):
        return None
    first = text.iloc[0]
    prefix = first.rstrip("0123456789")
    if prefix == first:
        return None
    try:  # Arrow's string kernels: several times faster than pandas' on objects
        arr = pa.array(text.to_numpy(), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text
        return None
    if arr.null_count or not pc.all(pc.starts_with(arr, prefix)).as_py():
        return None
    digits = pc.utf8_slice_codeunits(arr, len(prefix))
    if not pc.all(pc.match_substring_regex(digits, "^[0-9]{1,9}$")).as_py():
        return None
    lengths = pc.utf8_length(digits).to_numpy()
    width = int(lengths.min())
    # Zero-padded to `width`, each number gives its digits back unless a longer one
    # starts with a zero (HA-007 and HA-1000 do; HA-007 and HA-0100 do not).
    leading_zero = pc.starts_with(digits, "0").to_numpy(zero_copy_only=False)
    if (leading_zero & (lengths > width)).any():
        return None
    nums = pc.cast(digits, pa.int64()).to_numpy()
    steps = np.diff(nums, prepend=0)
    return {"pre": prefix, "w": width, "num": binary(steps, "i4", deflate=deflate)}


def integers(values: pd.Series, *, deflate: bool = False) -> dict[str, Any] | list[int | None]:
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
    return {**binary(data, t, deflate=deflate), "na": missing}


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
    return {"z": base64.b64encode(_deflate(text.encode("utf-8"))).decode("ascii")}


def column(values: pd.Series, *, compress: bool = False, compact: bool = False) -> Any:
    """Encode one attribute column as compactly as its values allow.

    Dates become ``YYYY-MM-DD`` strings; repeated values a dictionary with binary
    codes ``{"d": [...], "i": {...}}``; integers a binary array; other values a
    JSON list (``null`` for missing). With ``compress``, long lists of text (free
    text, ids) are deflated: ``{"z": ...}`` or a dictionary's ``{"dz": ...}``.
    With ``compact`` too (large layers), binary arrays are deflated (see
    :func:`binary`), dates travel as day offsets and numbered text such as ids as
    a prefix and numbers (:func:`numbered`).
    """
    deflate = compress and compact
    if pd.api.types.is_datetime64_any_dtype(values):
        return {"days": days(values, compact=deflate)}  # the page formats them as YYYY-MM-DD
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    if pd.api.types.is_integer_dtype(values):
        return integers(values, deflate=deflate)
    if pd.api.types.is_float_dtype(values):
        arr = np.asarray(values, dtype=float)
        if (
            np.all(np.isnan(arr) | (arr == np.round(arr)))
            and np.nanmax(np.abs(arr), initial=0) < 2e9
        ):
            return integers(pd.Series(arr).round().astype("Int64"), deflate=deflate)
        return [None if np.isnan(v) else v for v in np.round(arr, 2).tolist()]
    # Text columns factorize as they are (arrow-backed: several times faster than objects).
    text = isinstance(values.dtype, pd.StringDtype)
    codes, uniques = pd.factorize(values if text else values.astype(object), use_na_sentinel=True)
    if len(values) and len(uniques) <= max(1, len(values) // 2):
        return _dictionary(codes, uniques, compress, deflate)
    ids = numbered(values) if deflate else None
    if ids is not None:
        return ids
    obj = values.astype(object)
    if pd.api.types.infer_dtype(obj, skipna=True) == "string":  # the usual case: fast path
        items = obj.where(obj.notna(), None).tolist()
    else:
        items = [None if _missing(v) else _plain(v) for v in obj]
    return _maybe_deflate(items, compress)


def _dictionary(codes: np.ndarray, uniques: Any, compress: bool, deflate: bool) -> dict[str, Any]:
    """Encode a dictionary-coded column: the distinct values once, a binary code per row."""
    n = len(uniques)
    t, missing = ("u1", 255) if n < 255 else ("u2", 65535) if n < 65535 else ("i4", -1)
    idx = codes.astype(np.int64)
    idx[idx < 0] = missing
    words = _maybe_deflate([_plain(u) for u in uniques], compress)
    index = {**binary(idx, t, deflate=deflate), "na": missing}
    if isinstance(words, dict):
        return {"dz": words["z"], "i": index}
    return {"d": words, "i": index}


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
