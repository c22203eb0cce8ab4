"""What validation returns (:class:`ValidationResult`) and how it is gathered.

The checks in :mod:`geomap.validate.geometry` and :mod:`geomap.validate.fields`
record each row's problems (the row is rejected) and notes (the row is kept) in
a :class:`Collector`; :func:`rejected_table` and :func:`notes_table` make the
result's tables from it. Rows a mapping's ``where`` dropped are neither: they are
filtered (:func:`split_filtered`), and for every file
``read = kept + rejected + filtered``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._errors import ValidationError
from geomap.io import FILTER_COLUMN
from geomap.io import PROBLEM_COLUMNS
from geomap.io import SOURCE_COLUMNS

__all__ = [
    "Collector",
    "ValidationResult",
    "files_table",
    "notes_table",
    "raise_if_strict",
    "rejected_table",
    "split_filtered",
]


#: The columns of :attr:`ValidationResult.filtered`.
_FILTERED = ["source_file", "source_row", "id", "filter"]


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
        Per file: ``file``, ``read``, ``kept``, ``rejected``, ``filtered``, ``repaired``.
    file_notes : dict
        File-level warnings (such as an assumed CRS), by file.
    layer : str
        "incidents" or "hazards".
    ids_made : bool
        The input had no ``id`` field; ids were made from file name and row.
    filtered : pandas.DataFrame
        Rows a mapping's ``where`` left out (neither kept nor rejected):
        ``source_file``, ``source_row``, ``id`` (as in the file) and ``filter`` (which
        filter dropped the row, and the value it had).
    file_errors : dict
        File-level errors, by file: a required field the file has no column for (its
        rows are rejected, and the summary says so once, with the mapping fix).
    """

    kept: gpd.GeoDataFrame
    rejected: pd.DataFrame
    notes: pd.DataFrame
    files: pd.DataFrame
    file_notes: dict[str, list[str]] = field(default_factory=dict)
    layer: str = ""
    ids_made: bool = False
    filtered: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_FILTERED))
    file_errors: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        """True when, for every file, rows read = rows kept + rows rejected + rows filtered."""
        f = self.files
        filtered = f["filtered"] if "filtered" in f.columns else 0
        return bool((f["read"] == f["kept"] + f["rejected"] + filtered).all())

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
                f"{row.rejected} rejected{_plus_filtered(row)} ({row.repaired} repaired{made})"
            )
            lines.extend(f"{file}: warning: {n}" for n in self.file_notes.get(file, []))
            errors = self.file_errors.get(file, {})
            lines.extend(f"{file}: error: {msg}" for msg in errors.values())
            lines.extend(_grouped(self.rejected, file, "problem", "error", skip=set(errors)))
            lines.extend(_grouped(self.notes, file, "note", "note"))
            lines.extend(_grouped(self.filtered, file, "filter", "filtered", show=1))
        if len(self.files) > 1:
            t = self.files.drop(columns="file").sum()
            lines.append(
                f"total: {t['read']} {self.layer} read = {t['kept']} kept + {t['rejected']} "
                f"rejected{_plus_filtered(t)} ({t['repaired']} repaired) in "
                f"{len(self.files)} files"
            )
        return lines


def _plus_filtered(row: object) -> str:
    """`` + N filtered`` when a mapping's filter left rows out, else nothing."""
    n = row.get("filtered", 0) if isinstance(row, pd.Series) else getattr(row, "filtered", 0)
    n = int(n or 0)
    return f" + {n} filtered" if n else ""


def _grouped(
    df: pd.DataFrame,
    file: str,
    column: str,
    word: str,
    show: int = 5,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """Lines for one file's problems or notes, grouped by kind, first few rows each.

    Rows whose only problem is in a field of ``skip`` (said once for the file) are left out.
    """
    if df.empty:
        return []
    sub = df[df["source_file"] == file]
    if skip and "field" in sub.columns:
        said = sub["field"].astype(str).str.split("; ").map(lambda fs: set(fs) <= skip)
        sub = sub[~said.astype(bool)]
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
        where = f"{first['field']}: " if "field" in first else ""
        out.append(f"{file}: {label}: {word}: {where}{first[column]}{fix_text}{more}")
        if len(out) >= show * 4:
            break
    return out


class Collector:
    """Per-row problems (reject) and notes (keep), gathered with vectorised masks.

    The checks call :meth:`fail` and :meth:`note` with a row mask, a field and a
    message (one text, one per row, or a function of the flagged rows' positions that
    returns their texts: built only for those rows); :func:`rejected_table` and
    :func:`notes_table` turn what they gathered into the result's tables.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.reject = np.zeros(n, dtype=bool)
        self.problems: list[tuple[np.ndarray, str, np.ndarray, np.ndarray]] = []
        self.notes: list[tuple[np.ndarray, str, np.ndarray]] = []

    def fail(self, mask: np.ndarray, fld: str, msg: object, fix: object = "") -> None:
        """Reject the rows in ``mask``: ``fld`` is wrong, ``msg`` says how, ``fix`` what to do."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        self.reject[idx] = True
        self.problems.append((idx, fld, _at(msg, idx), _at(fix, idx)))

    def note(self, mask: np.ndarray, fld: str, msg: object) -> None:
        """Note ``msg`` about ``fld`` on the rows in ``mask`` (kept if nothing else is wrong)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            idx = np.flatnonzero(mask)
            self.notes.append((idx, fld, _at(msg, idx)))


def _at(value: object, idx: np.ndarray) -> np.ndarray:
    if callable(value):  # texts made for the flagged rows only (cheap on a million rows)
        return np.asarray(value(idx), dtype=object)
    if isinstance(value, pd.Series | np.ndarray | list):
        return np.asarray(value, dtype=object)[idx]
    return np.full(len(idx), value, dtype=object)


def rejected_table(gdf: gpd.GeoDataFrame, ids: pd.Series, c: Collector) -> pd.DataFrame:
    """Return one row per rejected row: where, why, the likely fix, its values and WKT."""
    cols = ["source_file", "source_row", "id", "field", "problem", "likely_fix"]
    if not c.problems:
        return pd.DataFrame(columns=cols)
    parts = [
        pd.DataFrame({"_i": idx, "field": fld, "problem": msg, "likely_fix": fix})
        for idx, fld, msg, fix in c.problems
    ]
    agg = _joined(pd.concat(parts, ignore_index=True), c.n)
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


def _joined(probs: pd.DataFrame, n: int) -> pd.DataFrame:
    """Each rejected row's fields, problems and fixes, each joined with "; ", by row.

    Each text once, in the order found; empty problems and fixes left out. Rows with a
    text that is not a string (none should have) are joined one by one.
    """
    cols = ["field", "problem", "likely_fix"]
    i = probs["_i"].to_numpy()
    values = {k: probs[k].to_numpy(dtype=object) for k in cols}
    odd = np.zeros(len(i), dtype=bool)
    for v in values.values():
        odd |= ~np.fromiter((type(x) is str for x in v), dtype=bool, count=len(v))
    odd = np.isin(i, i[odd])
    order = np.flatnonzero(~odd)[np.argsort(i[~odd], kind="stable")]
    rows = np.unique(i[order])
    joined = pd.DataFrame(
        {k: _join(i[order], v[order], rows, skip_empty=k != "field") for k, v in values.items()},
        index=pd.Index(rows, name="_i"),
    )
    if not odd.any():
        return joined
    others = (
        probs[odd]
        .groupby("_i", sort=True)
        .agg(
            field=("field", lambda s: "; ".join(dict.fromkeys(s))),
            problem=("problem", lambda s: "; ".join(f for f in dict.fromkeys(s) if f)),
            likely_fix=("likely_fix", lambda s: "; ".join(f for f in dict.fromkeys(s) if f)),
        )
    )
    return pd.concat([joined, others]).sort_index()


def _join(i: np.ndarray, texts: np.ndarray, rows: np.ndarray, skip_empty: bool) -> np.ndarray:
    """``"; ".join(dict.fromkeys(...))`` of each row's ``texts`` (``i``: their rows, sorted)."""
    keep = ~pd.DataFrame({"i": i, "t": texts}).duplicated().to_numpy()
    if skip_empty:
        keep &= texts != ""
    i, texts = i[keep], texts[keep]
    slot = np.searchsorted(rows, i)
    rank = np.arange(len(i)) - np.searchsorted(i, i)  # each text's place in its row
    out = np.full(len(rows), "", dtype=object)
    for k in range(int(rank.max()) + 1 if len(rank) else 0):
        at = rank == k
        out[slot[at]] = texts[at] if k == 0 else out[slot[at]] + "; " + texts[at]
    return out


def notes_table(
    gdf: gpd.GeoDataFrame, ids: pd.Series, c: Collector, keep_mask: np.ndarray
) -> pd.DataFrame:
    """Return the notes on kept rows, in row order: where, which field, what."""
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


def split_filtered(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Split off the rows a mapping's ``where`` dropped: the rest, and the filtered table."""
    if FILTER_COLUMN not in gdf.columns:
        return gdf, pd.DataFrame(columns=_FILTERED)
    mask = gdf[FILTER_COLUMN].notna().to_numpy()
    dropped = gdf[mask]
    filtered = pd.DataFrame(
        {
            "source_file": dropped["source_file"].to_numpy(),
            "source_row": dropped["source_row"].to_numpy(),
            "id": dropped["id"].to_numpy() if "id" in gdf.columns else None,
            "filter": dropped[FILTER_COLUMN].to_numpy(),
        },
        columns=_FILTERED,
    )
    rest = gdf[~mask].drop(columns=FILTER_COLUMN).reset_index(drop=True)
    rest.attrs = dict(gdf.attrs)
    return rest, filtered


def files_table(
    gdf: gpd.GeoDataFrame,
    rejected: pd.DataFrame,
    notes: pd.DataFrame,
    filtered: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return per file, in reading order, the rows read, kept, rejected, filtered, repaired."""
    filtered = pd.DataFrame(columns=_FILTERED) if filtered is None else filtered
    # Each part's distinct files first: the same order, without a million-row concat.
    parts = [pd.Series(pd.unique(df["source_file"]), dtype=object) for df in (gdf, filtered)]
    file_order = list(pd.unique(pd.concat(parts)))
    for fdesc in gdf.attrs.get("geomap_files", []):
        if fdesc["path"] not in file_order:
            file_order.append(fdesc["path"])
    read = gdf.groupby("source_file", sort=False).size()
    fil_counts = filtered.groupby("source_file").size() if len(filtered) else pd.Series(dtype=int)
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
            "read": [int(read.get(f, 0)) + int(fil_counts.get(f, 0)) for f in file_order],
            "rejected": [int(rej_counts.get(f, 0)) for f in file_order],
            "filtered": [int(fil_counts.get(f, 0)) for f in file_order],
            "repaired": [int(rep_counts.get(f, 0)) for f in file_order],
        }
    )
    files.insert(2, "kept", files["read"] - files["rejected"] - files["filtered"])
    return files


def raise_if_strict(result: ValidationResult, n: int, strict: bool) -> None:
    """Raise :class:`~geomap.ValidationError` when ``strict`` and any of ``n`` rows was rejected."""
    if strict and len(result.rejected):
        raise ValidationError(
            f"{len(result.rejected)} of {n} {result.layer} rows rejected; first: "
            + "; ".join(result.summary()[1:3]),
            problems=result.rejected,
        )
