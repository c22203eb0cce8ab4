"""Validating a partitioned layer: the vectorised validator run on each partition.

:func:`validate_partitioned` wraps :func:`~geomap.validate.validate_layer` partition by
partition, so a layer larger than memory is checked with the same rules: kept and
rejected rows stay partitioned (``dask`` collections), and for every file
``read = kept + rejected`` still holds (:meth:`PartitionedResult.files`).

Two checks look at the whole layer rather than a row: duplicate ids are found across
partitions first (a pass over the ``id`` column only), so the second and later
occurrences are rejected wherever they lie, naming the first; the coordinate check
for points far from the rest compares each row with its own partition (the middle
80 % of it, widened by at least a degree each side), which for partitions of one
region, such as ``geomap convert``'s Hilbert-sorted parts, is the same box.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geomap.io.partitioned import require_dask
from geomap.model import DISPLAY_CRS
from geomap.model import LayerSpec
from geomap.validate.fields import _as_text
from geomap.validate.fields import _quote
from geomap.validate.layer import validate_layer
from geomap.validate.result import Collector
from geomap.validate.result import ValidationResult
from geomap.validate.result import rejected_table

__all__ = ["PartitionedResult", "validate_partitioned"]

log = logging.getLogger(__name__)

_FIRST = ["id", "source_file", "source_row"]


@dataclass(frozen=True)
class PartitionedResult:
    """What validation kept and rejected, still partitioned (nothing computed yet).

    Attributes
    ----------
    kept : dask_geopandas.GeoDataFrame
        The kept rows, as :attr:`ValidationResult.kept` holds them, per partition.
    rejected : dask.dataframe.DataFrame
        The rejected rows with their reasons, as :attr:`ValidationResult.rejected`.
    notes : dask.dataframe.DataFrame
        Repairs and warnings on kept rows.
    counts : dask.dataframe.DataFrame
        Per partition and file: ``file``, ``read``, ``kept``, ``rejected``,
        ``filtered``, ``repaired`` (summed by :meth:`files`).
    layer : str
        "incidents" or "hazards".
    """

    kept: Any
    rejected: Any
    notes: Any
    counts: Any
    layer: str

    def files(self) -> pd.DataFrame:
        """Per file: rows read, kept, rejected, filtered, repaired (computes the counts)."""
        return _sum_files(self.counts.compute())

    def persist(self) -> PartitionedResult:
        """Validate every partition once and keep the results (in memory, or on a cluster)."""
        import dask

        kept, rejected, notes, counts = dask.persist(
            self.kept, self.rejected, self.notes, self.counts
        )
        return PartitionedResult(kept, rejected, notes, counts, self.layer)

    def compute(self) -> ValidationResult:
        """Return the whole result in memory (one pass over the partitions)."""
        import dask

        kept, rejected, notes, counts = dask.compute(
            self.kept, self.rejected, self.notes, self.counts
        )
        kept = gpd.GeoDataFrame(kept, geometry=kept.geometry.name, crs=DISPLAY_CRS)
        return self._result(kept.reset_index(drop=True), rejected, notes, counts)

    def report(self) -> ValidationResult:
        """Return the result without its kept rows: counts, rejected rows and notes.

        What :meth:`ValidationResult.summary` and :func:`geomap.io.write_rejects` need,
        without gathering the kept rows into memory.
        """
        import dask

        rejected, notes, counts = dask.compute(self.rejected, self.notes, self.counts)
        return self._result(self.kept._meta, rejected, notes, counts)

    def _result(
        self, kept: gpd.GeoDataFrame, rejected: Any, notes: Any, counts: pd.DataFrame
    ) -> ValidationResult:
        return ValidationResult(
            kept,
            pd.DataFrame(rejected).reset_index(drop=True),
            pd.DataFrame(notes).reset_index(drop=True),
            _sum_files(counts),
            layer=self.layer,
        )


def _sum_files(counts: pd.DataFrame) -> pd.DataFrame:
    """Sum the per-partition counts per file, files in their first order."""
    order = list(dict.fromkeys(counts["file"]))
    out = counts.groupby("file", sort=False).sum().reindex(order).reset_index()
    for c in out.columns[1:]:
        out[c] = out[c].astype(int)
    return out


def validate_partitioned(ddf: Any, spec: LayerSpec) -> PartitionedResult:
    """Check, repair and type a partitioned layer, partition by partition.

    Parameters
    ----------
    ddf : dask_geopandas.GeoDataFrame
        Rows as read, e.g. by :func:`geomap.io.partitioned.read_partitioned`, with
        ``source_file``/``source_row`` (not changed by this function).
    spec : LayerSpec
        :data:`geomap.model.INCIDENTS` or :data:`geomap.model.HAZARDS`.

    Returns
    -------
    PartitionedResult
        Lazy: kept, rejected, notes and counts are dask collections sharing one
        validation of each partition (compute them together, e.g. with
        ``dask.compute``, to validate once).
    """
    require_dask()
    import dask
    import dask.dataframe as dd

    if ddf.crs is not None and not CRS.from_user_input(ddf.crs).equals(DISPLAY_CRS):
        ddf = ddf.to_crs(DISPLAY_CRS)
    first = _first_of_duplicates(ddf)
    meta = validate_layer(_empty(ddf._meta), spec)
    check = dask.delayed(_validate_part, pure=True)
    results = [check(part, spec, first) for part in ddf.to_delayed()]
    pick = dask.delayed(_pick, pure=True)
    frames = {
        name: dd.from_delayed(
            [pick(r, name, template) for r in results], meta=template, verify_meta=False
        )
        for name, template in (
            ("kept", meta.kept),
            ("rejected", _rejected_meta(ddf._meta)),
            ("notes", meta.notes.astype(object)),
            ("counts", _counts_meta()),
        )
    }
    log.info("%s: validating %d partitions", spec.name, ddf.npartitions)
    return PartitionedResult(layer=spec.name, **frames)


def _empty(meta: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = meta.iloc[:0].copy()
    return out.set_crs(DISPLAY_CRS, allow_override=True) if out.crs is None else out


def _counts_meta() -> pd.DataFrame:
    cols = ["read", "kept", "rejected", "filtered", "repaired"]
    frame = pd.DataFrame({"file": pd.Series(dtype=object)})
    for c in cols:
        frame[c] = pd.Series(dtype=np.int64)
    return frame


def _rejected_meta(raw: pd.DataFrame) -> pd.DataFrame:
    """Return an empty rejected table for this layer's columns (all as text/objects)."""
    cols = ["source_file", "source_row", "id", "field", "problem", "likely_fix"]
    drop = {raw.geometry.name, "source_file", "source_row", "id"} if len(raw.columns) else set()
    extra = [c if c not in cols else f"value_{c}" for c in raw.columns if c not in drop]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, *extra, "geometry_wkt"]})
    frame["source_row"] = frame["source_row"].astype(np.int64)
    return frame


def _pick(result: ValidationResult, name: str, template: pd.DataFrame) -> pd.DataFrame:
    """One table of a partition's result, with the columns and dtypes of ``template``."""
    if name == "counts":
        table = result.files[["file", "read", "kept", "rejected", "filtered", "repaired"]]
        return table.astype({c: np.int64 for c in template.columns if c != "file"})
    table = getattr(result, name)
    if name == "kept":
        return table
    out = table.reindex(columns=template.columns)
    obj = [c for c in template.columns if template[c].dtype == object]
    out[obj] = out[obj].astype(object)
    if "source_row" in out.columns:
        out["source_row"] = out["source_row"].astype(np.int64)
    return out


def _id_keys(part: pd.DataFrame) -> pd.DataFrame:
    """Return the ids of a partition as validation reads them (stripped), blanks left out."""
    ids = _as_text(part["id"]).str.strip().astype(object)
    keep = (ids.notna() & (ids != "")).to_numpy()
    return pd.DataFrame(
        {
            "id": ids[keep].to_numpy(),
            "source_file": part["source_file"].astype(object).to_numpy()[keep],
            "source_row": part["source_row"].to_numpy(dtype=np.int64)[keep],
        }
    )


def _first_of_duplicates(ddf: Any) -> pd.DataFrame:
    """Each id found more than once in the layer, with where it is first seen."""
    empty = pd.DataFrame(
        {"id": pd.Series(dtype=object), "source_file": pd.Series(dtype=object)}
    ).assign(source_row=pd.Series(dtype=np.int64))
    if "id" not in ddf.columns:
        return empty
    keys = ddf[["id", "source_file", "source_row"]].map_partitions(_id_keys, meta=empty)
    counts = keys["id"].value_counts().compute()
    repeated = counts[counts > 1].index
    if not len(repeated):
        return empty
    found = keys[keys["id"].isin(list(repeated))].compute()
    return found.drop_duplicates("id", keep="first").reset_index(drop=True)


def _validate_part(part: gpd.GeoDataFrame, spec: LayerSpec, first: pd.DataFrame) -> Any:
    """Validate one partition; reject ids first seen in another partition."""
    part = part.reset_index(drop=True)
    result = validate_layer(part, spec)
    if not len(first) or not len(result.kept):
        return result
    return _reject_repeats(part, result, first)


def _keys(table: pd.DataFrame) -> pd.Series:
    """Return each row's file and row (where it was read): unique in a layer."""
    return table["source_file"].astype(str) + "\0" + table["source_row"].astype(str)


def _reject_repeats(
    part: gpd.GeoDataFrame, result: ValidationResult, first: pd.DataFrame
) -> ValidationResult:
    """Move kept rows whose id was first seen elsewhere in the layer into the rejected rows."""
    kept = result.kept
    first_at = first["source_file"].astype(str) + " row " + first["source_row"].astype(str)
    first_at.index = pd.Index(first["id"])
    seen = kept["id"].map(first_at)
    own = kept["source_file"].astype(str) + " row " + kept["source_row"].astype(str)
    moved = (seen.notna() & (seen != own)).to_numpy()
    if not moved.any():
        return result
    key = _keys(kept)
    raw_key = _keys(part)
    mask = raw_key.isin(set(key[moved])).to_numpy()
    raw_ids = pd.Series(
        kept["id"].set_axis(key).reindex(raw_key).to_numpy(), index=part.index, dtype=object
    )
    c = Collector(len(part))
    message = "duplicate id " + _quote(raw_ids) + "; first seen at " + raw_ids.map(first_at)
    c.fail(mask, "id", message)
    extra = rejected_table(part, raw_ids, c)
    notes = result.notes[~_keys(result.notes).isin(set(key[moved]))]
    files = result.files.copy()
    for f, n in kept["source_file"][moved].astype(str).value_counts().items():
        row = files["file"].astype(str) == f
        files.loc[row, "kept"] -= int(n)
        files.loc[row, "rejected"] += int(n)
    return ValidationResult(
        kept[~moved].reset_index(drop=True),
        pd.concat([result.rejected, extra], ignore_index=True),
        notes.reset_index(drop=True),
        files,
        result.file_notes,
        result.layer,
        result.ids_made,
        filtered=result.filtered,
        file_errors=result.file_errors,
    )
