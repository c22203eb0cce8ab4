"""Checking and repairing layers, losing nothing.

Each row read is either **kept** (perhaps repaired, with a note saying how) or
**rejected** with its reason, and for every file ``read = kept + rejected``.
The whole layer is checked in one pass and every problem collected, then
reported once (as osmnx's ``_validate_features_gdf`` does); ``strict=True``
turns any rejection into a :class:`~geomap.ValidationError`.

Checks: missing or empty geometry; wrong geometry type; invalid polygons
(repaired with ``make_valid``); coordinates out of range, with swapped axes or a
flipped sign (with the likely fix); duplicate ids; codes outside the controlled
vocabularies; dates that do not parse; casualty counts that are not whole
numbers ≥ 0; required fields that are missing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import GeomapError, ValidationError
from geomap.geo import equal_area_crs
from geomap.io import (
    PROBLEM_COLUMNS,
    SOURCE_COLUMNS,
    PathLike,
    concat_layers,
    detect_layers,
    read_layer,
)
from geomap.mapping import ColumnMapping, load_mapping
from geomap.model import DISPLAY_CRS, HAZARDS, INCIDENTS, LAYERS, FieldSpec, LayerSpec

__all__ = [
    "ValidationResult",
    "as_layer",
    "load_layers",
    "validate_hazards",
    "validate_incidents",
    "validate_layer",
]

log = logging.getLogger(__name__)

_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d", "%Y-%m", "%Y")
#: Minimum number of points before the "far from the rest" check runs.
_OUTLIER_MIN_ROWS = 20


@dataclass
class ValidationResult:
    """What validation kept, what it rejected and why, per file.

    Attributes
    ----------
    kept : geopandas.GeoDataFrame
        Valid rows in EPSG:4326 with the model's columns (codes as categoricals),
        any ``keep`` columns of the mapping, and ``source_file``/``source_row``.
    rejected : pandas.DataFrame
        One row per rejected input row: ``source_file``, ``source_row``, ``id``,
        ``field``, ``problem``, ``likely_fix``, the row's own values and its
        geometry as WKT.
    notes : pandas.DataFrame
        Repairs and warnings on kept rows: ``source_file``, ``source_row``, ``id``,
        ``field``, ``note``.
    files : pandas.DataFrame
        Per file: ``file``, ``read``, ``kept``, ``rejected``, ``repaired``.
    file_notes : dict
        File-level warnings (such as an assumed CRS), by file.
    layer : str
        "incidents" or "hazards".
    ids_made : bool
        The input had no ``id`` field; ids were made from file name and row.
    """

    kept: gpd.GeoDataFrame
    rejected: pd.DataFrame
    notes: pd.DataFrame
    files: pd.DataFrame
    file_notes: dict[str, list[str]] = field(default_factory=dict)
    layer: str = ""
    ids_made: bool = False

    @property
    def reconciles(self) -> bool:
        """True when, for every file, rows read = rows kept + rows rejected."""
        f = self.files
        return bool((f["read"] == f["kept"] + f["rejected"]).all())

    def summary(self) -> list[str]:
        """Return human-readable lines: one count line per file, then its problems.

        Returns
        -------
        list of str
        """
        lines: list[str] = []
        made = "; no id field, ids made from file name and row" if self.ids_made else ""
        for row in self.files.itertuples(index=False):
            file = str(row.file)
            lines.append(
                f"{row.file}: {row.read} {self.layer} read = {row.kept} kept + "
                f"{row.rejected} rejected ({row.repaired} repaired{made})"
            )
            lines.extend(f"{file}: warning: {n}" for n in self.file_notes.get(file, []))
            lines.extend(_grouped(self.rejected, file, "problem", "error"))
            lines.extend(_grouped(self.notes, file, "note", "note"))
        if len(self.files) > 1:
            t = self.files[["read", "kept", "rejected", "repaired"]].sum()
            lines.append(
                f"total: {t['read']} {self.layer} read = {t['kept']} kept + {t['rejected']} "
                f"rejected ({t['repaired']} repaired) in {len(self.files)} files"
            )
        return lines


def _grouped(df: pd.DataFrame, file: str, column: str, word: str, show: int = 5) -> list[str]:
    """Lines for one file's problems or notes, grouped by kind, first few rows each."""
    if df.empty:
        return []
    sub = df[df["source_file"] == file]
    if sub.empty:
        return []
    kinds = sub[column].astype(str).str.replace(r"'[^']*'", "'…'", regex=True)
    out = []
    for _, grp in sub.groupby(kinds, sort=False):
        first = grp.iloc[0]
        label = f"row {first['source_row']}"
        if first.get("id") is not None and not pd.isna(first.get("id")):
            label += f" (id {first['id']})"
        more = f" [and {len(grp) - 1} more rows like it]" if len(grp) > 1 else ""
        fix = first.get("likely_fix")
        fix_text = f"; likely fix: {fix}" if isinstance(fix, str) and fix else ""
        out.append(f"{file}: {label}: {word}: {first['field']}: {first[column]}{fix_text}{more}")
        if len(out) >= show * 4:
            break
    return out


class _Collector:
    """Per-row problems (reject) and notes (keep), gathered with vectorised masks."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reject = np.zeros(n, dtype=bool)
        self.problems: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = []
        self.notes: list[tuple[np.ndarray, str, np.ndarray]] = []

    def fail(self, mask: np.ndarray, fld: str, msg: object, fix: object = "") -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        self.reject[idx] = True
        self.problems.append((idx, fld, _at(msg, idx), _at(fix, idx)))

    def note(self, mask: np.ndarray, fld: str, msg: object) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            idx = np.flatnonzero(mask)
            self.notes.append((idx, fld, _at(msg, idx)))


def _at(value: object, idx: np.ndarray) -> np.ndarray:
    if isinstance(value, pd.Series | np.ndarray | list):
        return np.asarray(value, dtype=object)[idx]
    return np.full(len(idx), value, dtype=object)


def _quote(values: pd.Series) -> pd.Series:
    return "'" + values.astype(str).str.slice(0, 60) + "'"


def _check_geometry(gdf: gpd.GeoDataFrame, spec: LayerSpec, c: _Collector) -> np.ndarray:
    """Check and repair geometries; return the (possibly repaired) geometry array."""
    geoms = gdf.geometry.to_numpy().copy()
    missing = pd.isna(geoms)
    # Rows whose coordinates the reader could not parse are already rejected for that.
    c.fail(missing & ~c.reject, "geometry", "geometry is missing")
    empty = ~missing & shapely.is_empty(geoms)
    c.fail(empty, "geometry", "geometry is empty")
    present = ~missing & ~empty
    gtype = shapely.get_type_id(geoms)
    if spec.geometry == "point":
        multi = present & (gtype == 4)
        single_multi = multi & (shapely.get_num_geometries(geoms) == 1)
        if single_multi.any():
            geoms[single_multi] = shapely.get_geometry(geoms[single_multi], 0)
            c.note(single_multi, "geometry", "MultiPoint of one point read as a Point")
        gtype = shapely.get_type_id(geoms)
        wrong = present & (gtype != 0)
        names = pd.Series(shapely.get_type_id(geoms)).map(_TYPE_NAMES)
        c.fail(wrong, "geometry", "expected a Point, got a " + names.astype(str))
    else:
        collection = present & (gtype == 7)
        if collection.any():
            geoms[collection] = _polygonal(geoms[collection])
            c.note(collection, "geometry", "kept the polygons of a GeometryCollection")
        gtype = shapely.get_type_id(geoms)
        wrong = present & ~np.isin(gtype, (3, 6)) & ~pd.isna(geoms)
        names = pd.Series(gtype).map(_TYPE_NAMES)
        c.fail(wrong, "geometry", "expected a Polygon or MultiPolygon, got a " + names.astype(str))
        candidates = present & ~wrong
        invalid = candidates & ~shapely.is_valid(geoms)
        if invalid.any():
            reasons = np.array([shapely.is_valid_reason(g) for g in geoms[invalid]], dtype=object)
            repaired = _polygonal(shapely.make_valid(geoms[invalid]))
            geoms[invalid] = repaired
            gone = np.zeros(len(geoms), dtype=bool)
            gone[np.flatnonzero(invalid)] = shapely.is_empty(repaired) | pd.isna(repaired)
            full_reason = np.full(len(geoms), "", dtype=object)
            full_reason[invalid] = reasons
            c.fail(
                gone, "geometry", "invalid polygon with no area left after repair: " + full_reason
            )
            c.note(invalid & ~gone, "geometry", "repaired invalid polygon (" + full_reason + ")")
    return geoms


_TYPE_NAMES = {
    -1: "missing geometry",
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (as Polygon or MultiPolygon)."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            out[i] = g
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = g
            continue
        parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in getattr(p, "geoms", [p])]
        out[i] = (
            shapely.MultiPolygon(polys)
            if len(polys) > 1
            else (polys[0] if polys else shapely.Polygon())
        )
    return out


def _check_coordinates(geoms: np.ndarray, c: _Collector) -> None:
    """Flag coordinates out of range, with swapped axes, or far from the rest."""
    ok = ~c.reject & ~pd.isna(geoms)
    if not ok.any():
        return
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[ok] = shapely.bounds(geoms[ok])
    minx, miny, maxx, maxy = bounds.T
    with np.errstate(invalid="ignore"):
        lon_bad = ok & ((minx < -180) | (maxx > 180))
        lat_bad = ok & ((miny < -90) | (maxy > 90))
    out = lon_bad | lat_bad
    if out.any():
        swappable = (
            out
            & (np.abs(minx) <= 90)
            & (np.abs(maxx) <= 90)
            & (np.abs(miny) <= 180)
            & (np.abs(maxy) <= 180)
        )
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        where = pd.Series(cx).round(6).astype(str) + ", " + pd.Series(cy).round(6).astype(str)
        c.fail(
            out & swappable,
            "geometry",
            "coordinates (" + where + ") are out of range: latitude beyond ±90; axes look swapped",
            "swap longitude and latitude",
        )
        c.fail(
            out & ~swappable,
            "geometry",
            "coordinates (" + where + ") are out of range (longitude ±180, latitude ±90)",
        )
    _check_outliers(bounds, c)


def _check_outliers(bounds: np.ndarray, c: _Collector) -> None:
    """Reject points far from the rest that a sign flip or an axis swap would bring home."""
    ok = ~c.reject & ~np.isnan(bounds[:, 0])
    if ok.sum() < _OUTLIER_MIN_ROWS:
        return
    x = (bounds[:, 0] + bounds[:, 2]) / 2
    y = (bounds[:, 1] + bounds[:, 3]) / 2
    # The middle 80% of the data, widened by 1.5 times its size (at least 1°) on each
    # side: robust to a few bad points, loose enough for a country's whole extent.
    lo_x, hi_x = np.nanpercentile(x[ok], [10, 90])
    lo_y, hi_y = np.nanpercentile(y[ok], [10, 90])
    pad_x = max((hi_x - lo_x) * 1.5, 1.0)
    pad_y = max((hi_y - lo_y) * 1.5, 1.0)
    box = (lo_x - pad_x, lo_y - pad_y, hi_x + pad_x, hi_y + pad_y)

    def inside(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return (px >= box[0]) & (px <= box[2]) & (py >= box[1]) & (py <= box[3])

    with np.errstate(invalid="ignore"):
        far = ok & ~inside(x, y)
    if not far.any():
        return
    remaining = far.copy()
    for fx, fy, fix in (
        (-x, y, "longitude has the wrong sign"),
        (x, -y, "latitude has the wrong sign"),
        (y, x, "longitude and latitude are swapped"),
        (-x, -y, "both coordinates have the wrong sign"),
    ):
        hit = remaining & inside(fx, fy)
        if hit.any():
            where = pd.Series(x).round(6).astype(str) + ", " + pd.Series(y).round(6).astype(str)
            to = pd.Series(fx).round(6).astype(str) + ", " + pd.Series(fy).round(6).astype(str)
            c.fail(
                hit,
                "geometry",
                "point (" + where + ") lies far from the rest of the data: " + fix,
                "use (" + to + ")",
            )
            remaining &= ~hit
    c.note(remaining, "geometry", "lies far from the rest of the data; check its coordinates")


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
        return out.dt.normalize().astype("datetime64[ns]")
    text = _as_text(values).str.strip()
    text = text.where(text != "").astype(object).where(text.notna() & (text != ""), None)
    if fmt:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    out = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
    for f in _DATE_FORMATS:
        todo = out.isna() & text.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=f, errors="coerce")
    return out.dt.normalize().astype("datetime64[ns]")


def _check_fields(
    gdf: pd.DataFrame, spec: LayerSpec, date_formats: dict[str, str], c: _Collector
) -> dict[str, pd.Series]:
    """Check every model field; return the clean column values."""
    clean: dict[str, pd.Series] = {}
    n = len(gdf)
    for f in spec.fields:
        if f.kind in {"id", "area"}:
            continue
        present = f.name in gdf.columns
        raw = gdf[f.name] if present else pd.Series([None] * n, index=gdf.index, dtype=object)
        isna = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
        if f.kind == "code":
            clean[f.name] = _check_code(f, raw, isna, present, c)
        elif f.kind == "date":
            parsed = _parse_dates(raw, date_formats.get(f.name))
            bad = ~isna & parsed.isna().to_numpy()
            fmt = date_formats.get(f.name, "YYYY-MM-DD")
            c.fail(bad, f.name, _quote(raw) + f" is not a date (expected {fmt})")
            clean[f.name] = parsed
        elif f.kind == "count":
            num = pd.to_numeric(raw.where(~isna), errors="coerce")
            notnum = ~isna & num.isna().to_numpy()
            c.fail(notnum, f.name, _quote(raw) + " is not a number (expected a whole number ≥ 0)")
            with np.errstate(invalid="ignore"):
                neg = (~isna & ~notnum) & (num.to_numpy() < 0)
                frac = (~isna & ~notnum & ~neg) & (num.to_numpy() % 1 != 0)
            c.fail(neg | frac, f.name, _quote(raw) + " is not a whole number ≥ 0")
            clean[f.name] = num.where(~(notnum | neg | frac)).round().astype("Int64")
        else:  # text
            txt = _as_text(raw).astype(object)
            clean[f.name] = txt.where(~isna & txt.notna(), None)
    return clean


def _check_code(
    f: FieldSpec, raw: pd.Series, isna: np.ndarray, present: bool, c: _Collector
) -> pd.Series:
    assert f.vocabulary is not None
    vocab = f.vocabulary
    table = vocab.lookup()
    # Fold only the distinct values (a few), then map them back onto the rows.
    codes_idx, uniques = pd.factorize(raw.astype(str), use_na_sentinel=True)
    folded = pd.Index(uniques).str.strip().str.lower().str.replace(r"[\s_\-/]+", " ", regex=True)
    known = np.array([table.get(v) for v in folded] + [None], dtype=object)
    codes = pd.Series(known[codes_idx], index=raw.index)
    unknown = ~isna & codes.isna().to_numpy()
    expected = ", ".join(repr(v) for v in vocab.codes)
    c.fail(
        unknown,
        f.name,
        _quote(raw) + f" is not a known {vocab.name}; expected one of [{expected}] "
        "(map other codes with a mapping file's `codes` section)",
    )
    if f.required:
        why = "is missing" if present else "is not in the file (map a column to it)"
        c.fail(isna, f.name, f"{vocab.name} {why}; expected one of [{expected}]")
    elif f.default is not None:
        codes = codes.where(~isna, f.default)
    return pd.Series(pd.Categorical(codes, categories=list(vocab.codes)), index=raw.index)


def _check_ids(gdf: pd.DataFrame, c: _Collector) -> tuple[pd.Series, bool]:
    """Return ids as text; make them from file and row where there are none; reject duplicates."""
    files = gdf["source_file"].astype(str)
    stems = files.map({f: Path(f).stem for f in files.unique()})
    made = stems + "-" + gdf["source_row"].astype(str)
    if "id" in gdf.columns:
        ids = _as_text(gdf["id"]).str.strip().astype(object)
        blank = ids.isna() | (ids == "")
        c.note(blank.to_numpy(), "id", "no id; made one from the file name and row: " + made)
        ids = ids.where(~blank, made)
        generated = False
    else:
        ids = made
        generated = True
    first_row = (files + " row " + gdf["source_row"].astype(str)).groupby(ids).transform("first")
    dup = ids.duplicated(keep="first").to_numpy() & ~c.reject
    c.fail(dup, "id", "duplicate id " + _quote(ids) + "; first seen at " + first_row)
    return ids.astype(object), generated


def validate_layer(
    gdf: gpd.GeoDataFrame,
    spec: LayerSpec,
    *,
    strict: bool = False,
) -> ValidationResult:
    """Check, repair and type a layer read by :func:`geomap.read_layer`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows as read (not changed by this function).
    spec : LayerSpec
        :data:`geomap.model.INCIDENTS` or :data:`geomap.model.HAZARDS`.
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.

    Returns
    -------
    ValidationResult

    Raises
    ------
    ValidationError
        With ``strict=True``, when any row is rejected; the report is attached.
    """
    gdf = gdf.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs(DISPLAY_CRS)
        log.warning("layer has no CRS; assumed %s", DISPLAY_CRS)
    elif not gdf.crs.equals(DISPLAY_CRS):
        gdf = gdf.to_crs(DISPLAY_CRS)
    gdf = gdf.reset_index(drop=True)
    if "source_file" not in gdf.columns:
        gdf["source_file"] = "<data>"
    if "source_row" not in gdf.columns:
        gdf["source_row"] = np.arange(1, len(gdf) + 1)
    n = len(gdf)
    c = _Collector(n)

    if PROBLEM_COLUMNS[1] in gdf.columns:
        has = gdf[PROBLEM_COLUMNS[1]].notna().to_numpy()
        for fld, grp in gdf[has].groupby(PROBLEM_COLUMNS[0]):
            mask = np.zeros(n, dtype=bool)
            mask[grp.index.to_numpy()] = True
            c.fail(mask, str(fld), gdf[PROBLEM_COLUMNS[1]])

    geoms = _check_geometry(gdf, spec, c)
    _check_coordinates(geoms, c)
    clean = _check_fields(gdf, spec, dict(gdf.attrs.get("geomap_dates", {})), c)
    ids, generated = _check_ids(gdf, c)

    model_cols = [f.name for f in spec.fields if f.kind != "area"]
    keep_cols = [
        k for k in gdf.attrs.get("geomap_keep", []) if k in gdf.columns and k not in model_cols
    ]
    data = {"id": ids, **clean}
    kept = gpd.GeoDataFrame(
        {
            **{k: data[k] for k in model_cols},
            **{k: gdf[k] for k in keep_cols},
            "source_file": gdf["source_file"],
            "source_row": gdf["source_row"],
        },
        geometry=gpd.GeoSeries(geoms, index=gdf.index, crs=DISPLAY_CRS),
        crs=DISPLAY_CRS,
    )
    keep_mask = ~c.reject
    kept = kept[keep_mask].copy()
    if spec.geometry == "polygon":
        if len(kept):
            kept.insert(
                len(model_cols), "area_m2", kept.geometry.to_crs(equal_area_crs(kept)).area.round(1)
            )
        else:
            kept.insert(len(model_cols), "area_m2", pd.Series(dtype=float))
    kept = kept.reset_index(drop=True)

    rejected = _rejected_table(gdf, ids, c)
    notes = _notes_table(gdf, ids, c, keep_mask)
    read = gdf.groupby("source_file", sort=False).size()
    file_order = list(dict.fromkeys(gdf["source_file"]))
    for fdesc in gdf.attrs.get("geomap_files", []):
        if fdesc["path"] not in file_order:
            file_order.append(fdesc["path"])
    rej_counts = rejected.groupby("source_file").size() if len(rejected) else pd.Series(dtype=int)
    rep_counts = (
        notes[notes["note"].str.startswith("repaired")]
        .groupby("source_file")["source_row"]
        .nunique()
        if len(notes)
        else pd.Series(dtype=int)
    )
    files = pd.DataFrame(
        {
            "file": file_order,
            "read": [int(read.get(f, 0)) for f in file_order],
            "rejected": [int(rej_counts.get(f, 0)) for f in file_order],
            "repaired": [int(rep_counts.get(f, 0)) for f in file_order],
        }
    )
    files.insert(2, "kept", files["read"] - files["rejected"])
    file_notes = {
        d["path"]: list(d["notes"]) for d in gdf.attrs.get("geomap_files", []) if d["notes"]
    }
    result = ValidationResult(kept, rejected, notes, files, file_notes, spec.name, generated)
    log.info(
        "%s: %d read, %d kept, %d rejected, %d notes",
        spec.name,
        n,
        len(kept),
        len(rejected),
        len(notes),
    )
    if strict and len(rejected):
        raise ValidationError(
            f"{len(rejected)} of {n} {spec.name} rows rejected; first: "
            + "; ".join(result.summary()[1:3]),
            problems=rejected,
        )
    return result


def _rejected_table(gdf: gpd.GeoDataFrame, ids: pd.Series, c: _Collector) -> pd.DataFrame:
    cols = ["source_file", "source_row", "id", "field", "problem", "likely_fix"]
    if not c.problems:
        return pd.DataFrame(columns=cols)
    parts = [
        pd.DataFrame({"_i": idx, "field": fld, "problem": msg, "likely_fix": fix})
        for idx, fld, msg, fix in c.problems
    ]
    probs = pd.concat(parts, ignore_index=True)
    agg = probs.groupby("_i", sort=True).agg(
        field=("field", lambda s: "; ".join(dict.fromkeys(s))),
        problem=("problem", lambda s: "; ".join(f for f in dict.fromkeys(s) if f)),
        likely_fix=("likely_fix", lambda s: "; ".join(f for f in dict.fromkeys(s) if f)),
    )
    rows = agg.index.to_numpy()
    originals = gdf.iloc[rows].drop(
        columns=[gdf.geometry.name, *SOURCE_COLUMNS, *PROBLEM_COLUMNS], errors="ignore"
    )
    originals = originals.drop(columns=[k for k in ("id",) if k in originals.columns])
    geom = gdf.geometry.iloc[rows].to_numpy()
    out = pd.DataFrame(
        {
            "source_file": gdf["source_file"].iloc[rows].to_numpy(),
            "source_row": gdf["source_row"].iloc[rows].to_numpy(),
            "id": ids.iloc[rows].to_numpy(),
            "field": agg["field"].to_numpy(),
            "problem": agg["problem"].to_numpy(),
            "likely_fix": agg["likely_fix"].to_numpy(),
        }
    )
    for col in originals.columns:
        name = col if col not in out.columns else f"value_{col}"
        out[name] = originals[col].astype(object).to_numpy()
    out["geometry_wkt"] = shapely.to_wkt(geom, rounding_precision=7)
    return out


def _notes_table(
    gdf: gpd.GeoDataFrame, ids: pd.Series, c: _Collector, keep_mask: np.ndarray
) -> pd.DataFrame:
    cols = ["source_file", "source_row", "id", "field", "note"]
    parts = []
    for idx, fld, msg in c.notes:
        sel = keep_mask[idx]
        if sel.any():
            parts.append(pd.DataFrame({"_i": idx[sel], "field": fld, "note": msg[sel]}))
    if not parts:
        return pd.DataFrame(columns=cols)
    notes = pd.concat(parts, ignore_index=True).sort_values("_i", kind="stable")
    rows = notes["_i"].to_numpy()
    return pd.DataFrame(
        {
            "source_file": gdf["source_file"].to_numpy()[rows],
            "source_row": gdf["source_row"].to_numpy()[rows],
            "id": ids.to_numpy()[rows],
            "field": notes["field"].to_numpy(),
            "note": notes["note"].to_numpy(),
        }
    )


def validate_incidents(gdf: gpd.GeoDataFrame, *, strict: bool = False) -> ValidationResult:
    """Check and type incident points; see :func:`validate_layer`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows from :func:`geomap.read_incidents`.
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.

    Returns
    -------
    ValidationResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> raw = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"], "incident_type": ["mine/ERW accident", "picnic"],
    ...      "killed": [1, 0], "injured": [0, 2]},
    ...     geometry=[Point(46.9, 39.9), Point(47.0, 39.6)], crs=4326)
    >>> result = validate_incidents(raw)
    >>> len(result.kept), len(result.rejected)
    (1, 1)
    """
    return validate_layer(gdf, INCIDENTS, strict=strict)


def validate_hazards(gdf: gpd.GeoDataFrame, *, strict: bool = False) -> ValidationResult:
    """Check, repair and type hazard-area polygons; see :func:`validate_layer`.

    Areas (``area_m2``) are computed in an equal-area projection centred on the data.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Rows from :func:`geomap.read_hazards`.
    strict : bool, default False
        Raise :class:`~geomap.ValidationError` if any row is rejected.

    Returns
    -------
    ValidationResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame({"id": ["h1"], "hazard_class": ["CHA"], "status": ["active"]},
    ...                        geometry=[box(46.9, 39.9, 46.91, 39.91)], crs=4326)
    >>> result = validate_hazards(raw)
    >>> round(result.kept.loc[0, "area_m2"] / 1e6, 2)  # km²
    0.95
    """
    return validate_layer(gdf, HAZARDS, strict=strict)


def as_layer(data: object, what: str) -> gpd.GeoDataFrame:
    """Return a layer (a GeoDataFrame, or a result's kept rows) in EPSG:4326.

    Parameters
    ----------
    data : GeoDataFrame or ValidationResult
        The layer.
    what : str
        Its name, for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer itself when already in EPSG:4326, else a reprojected copy.

    Raises
    ------
    GeomapError
        Not a layer, or a layer with no CRS.
    """
    gdf = data.kept if isinstance(data, ValidationResult) else data
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise GeomapError(
            f"{what}: expected a GeoDataFrame or ValidationResult, got {type(gdf).__name__}"
        )
    if gdf.crs is None:
        raise GeomapError(f"{what}: the layer has no CRS; set one (e.g. gdf.set_crs(4326))")
    if not gdf.crs.equals(DISPLAY_CRS):
        gdf = gdf.to_crs(DISPLAY_CRS)
    return gdf


def load_layers(
    paths: PathLike | Sequence[PathLike],
    *,
    kind: str | None = None,
    layer: str | None = None,
    mappings: Sequence[ColumnMapping | PathLike] = (),
    engine: str | None = None,
    crs: str | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    wkt: str | None = None,
    strict: bool = False,
) -> dict[str, ValidationResult]:
    """Read and validate files, sorting them into incidents and hazard areas.

    This is what ``geomap render`` and ``geomap validate`` do with their files.
    Each file's layers are found with :func:`geomap.io.detect_layers` (a layer
    named ``incidents`` or ``hazards``, or by geometry type) unless ``kind`` says.

    Parameters
    ----------
    paths : path or list of paths
        Input files; files of the same kind are read as one layer.
    kind : {"incidents", "hazards"}, optional
        Treat every file as this kind.
    layer : str, optional
        Layer to read in multi-layer files.
    mappings : list of ColumnMapping or paths
        Column mappings; one whose ``layer`` is set applies to that kind only.
    engine, crs, latitude, longitude, wkt
        As for :func:`geomap.read_layer`.
    strict : bool, default False
        Raise on any rejected row.

    Returns
    -------
    dict
        ``{"incidents": ValidationResult, "hazards": ValidationResult}``, for the
        kinds found.

    Examples
    --------
    >>> results = load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> sorted(results)  # doctest: +SKIP
    ['hazards', 'incidents']
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if kind is not None and kind not in LAYERS:
        raise ValueError(f"`kind` was {kind!r} but is expected to be in {list(LAYERS)}")
    loaded = [m if isinstance(m, ColumnMapping) else load_mapping(Path(m)) for m in mappings]

    def mapping_for(k: str) -> ColumnMapping | None:
        for m in loaded:
            if m.layer == k:
                return m
        return next((m for m in loaded if m.layer is None), None)

    found: dict[str, list[tuple[PathLike, str | None]]] = {}
    for p in paths:
        if kind is not None:
            found.setdefault(kind, []).append((p, layer))
            continue
        for k, lyr in detect_layers(p, layer):
            found.setdefault(k, []).append((p, lyr))
    results: dict[str, ValidationResult] = {}
    for k in ("incidents", "hazards"):
        if k not in found:
            continue
        frames = [
            read_layer(
                p,
                k,
                layer=lyr,
                mapping=mapping_for(k),
                engine=engine,
                crs=crs,
                latitude=latitude,
                longitude=longitude,
                wkt=wkt,
            )
            for p, lyr in found[k]
        ]
        results[k] = validate_layer(concat_layers(frames), LAYERS[k], strict=strict)
    return results
