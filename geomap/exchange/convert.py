"""Validated layers as Hilbert-sorted, partitioned GeoParquet: the input of the dask path.

:func:`convert` (``geomap convert INPUT... OUT_DIR``) reads and checks layers as every
command does, then :func:`write_partitioned` writes a folder::

    OUT_DIR/incidents/part-00000.parquet ...   kept incidents, Hilbert-sorted
    OUT_DIR/hazards/part-00000.parquet ...     kept hazard areas, Hilbert-sorted
    OUT_DIR/context/districts.parquet ...      context layers found (districts, towns, roads)
    OUT_DIR/files.csv                          per layer and file: read, kept, rejected, ...
    OUT_DIR/rejected.csv                       every rejected row with its reason (if any)

Rows are ordered by the Hilbert distance of their middle over the layer's extent
(:meth:`geopandas.GeoSeries.hilbert_distance`), so each part holds one compact region
and a spatial join touches few parts; parts hold ``rows_per_part`` rows each (the last
fewer). The folder appears whole or not at all: it is written beside ``OUT_DIR`` under
a temporary name and renamed when complete. ``geomap stats OUT_DIR`` reads it with
dask-geopandas (:func:`geomap.load.load_partitioned`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap._errors import GeomapError
from geomap.io import PathLike
from geomap.io import write_rejects
from geomap.load import CONTEXT_LAYERS
from geomap.load import load_context
from geomap.load import load_inputs
from geomap.validate import ValidationResult

__all__ = ["DEFAULT_ROWS_PER_PART", "ConvertResult", "convert", "write_partitioned"]

log = logging.getLogger(__name__)

#: Rows per part file unless told: about 100 MB of incidents in memory per partition.
DEFAULT_ROWS_PER_PART = 250_000


@dataclass(frozen=True)
class ConvertResult:
    """What :func:`write_partitioned` wrote.

    ``parts`` and ``rows`` give each layer's part files and kept rows; ``files`` the
    per-file counts (``layer``, ``file``, ``read``, ``kept``, ``rejected``,
    ``filtered``, ``repaired``); ``rejected`` the rows in ``rejected.csv``.
    """

    folder: Path
    parts: dict[str, int]
    rows: dict[str, int]
    files: pd.DataFrame
    rejected: int
    context: list[str] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        """True when, for every file, read = kept + rejected + filtered."""
        f = self.files
        return bool((f["read"] == f["kept"] + f["rejected"] + f["filtered"]).all())

    def lines(self) -> list[str]:
        """Return what ``geomap convert`` prints: one line per layer, rejects, the check."""
        out = [
            f"wrote {self.folder / kind}/: {self.parts[kind]} part files, {n:,} {kind} "
            "(Hilbert-sorted)"
            for kind, n in self.rows.items()
        ]
        if self.context:
            out.append(f"wrote {self.folder / 'context'}/: {', '.join(self.context)}")
        for kind, t in self.files.groupby("layer", sort=False):
            read, kept, rej = (int(t[c].sum()) for c in ("read", "kept", "rejected"))
            fil = int(t["filtered"].sum())
            extra = f" + {fil:,} filtered" if fil else ""
            out.append(f"{kind}: {read:,} read = {kept:,} kept + {rej:,} rejected{extra}")
        if self.rejected:
            out.append(f"{self.rejected:,} rejected rows, with their reasons, in rejected.csv")
        out.append("counts reconcile: nothing lost" if self.reconciles else "counts DO NOT add up")
        return out


def _check_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise GeomapError(
            f"{out} already exists and is not an empty folder: geomap convert writes a new "
            "folder; remove it or choose another"
        )


def hilbert_order(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Row positions ordered by the Hilbert distance of each geometry's middle (stable).

    Examples
    --------
    Neighbours end up next to each other (two pairs of points far apart):

    >>> from shapely.geometry import Point
    >>> xy = [(0, 0), (10, 10), (0.1, 0.1), (10.1, 10.1)]
    >>> pts = gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs=4326)
    >>> order = hilbert_order(pts).tolist()
    >>> sorted([sorted(order[:2]), sorted(order[2:])])
    [[0, 2], [1, 3]]
    """
    if not len(gdf):
        return np.zeros(0, dtype=np.int64)
    distance = gdf.geometry.hilbert_distance(total_bounds=gdf.total_bounds)
    return np.argsort(distance.to_numpy(), kind="stable")


def _write_parts(kept: gpd.GeoDataFrame, folder: Path, rows_per_part: int) -> int:
    """Write ``kept`` Hilbert-sorted into ``part-NNNNN.parquet`` files; return how many."""
    folder.mkdir(parents=True)
    ordered = kept.iloc[hilbert_order(kept)].reset_index(drop=True)
    starts = range(0, max(len(ordered), 1), rows_per_part)
    for i, start in enumerate(starts):
        part = ordered.iloc[start : start + rows_per_part]
        part.to_parquet(folder / f"part-{i:05d}.parquet")  # the RangeIndex as metadata
    return len(starts)


def write_partitioned(
    folder: PathLike,
    results: Mapping[str, ValidationResult],
    *,
    context: Mapping[str, gpd.GeoDataFrame | None] | None = None,
    rows_per_part: int = DEFAULT_ROWS_PER_PART,
) -> ConvertResult:
    """Write validated layers as Hilbert-sorted, partitioned GeoParquet, all or nothing.

    Parameters
    ----------
    folder : str or Path
        The folder to make (it must not exist, or be empty).
    results : dict
        ``{"incidents": ValidationResult, "hazards": ValidationResult}`` (either).
    context : dict, optional
        Context layers by name (``districts``, ``towns``, ``roads``), written as
        ``context/NAME.parquet``; None values are skipped.
    rows_per_part : int, default 250,000
        Rows per part file.

    Returns
    -------
    ConvertResult

    Raises
    ------
    GeomapError
        ``folder`` exists and is not empty, or ``rows_per_part`` < 1.

    Examples
    --------
    >>> import geomap, tempfile
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     done = write_partitioned(f"{tmp}/out", layers, rows_per_part=100)
    ...     done.parts, done.reconciles
    ({'incidents': 2, 'hazards': 4}, True)
    """
    if rows_per_part < 1:
        raise GeomapError(f"rows per part was {rows_per_part}; expected a whole number ≥ 1")
    out = Path(folder)
    _check_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        done = _write_all(tmp, results, dict(context or {}), rows_per_part)
        _check_folder(out)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("converted %s into %s", ", ".join(done["rows"]), out)
    return ConvertResult(folder=out, **done)


def _write_all(
    tmp: Path,
    results: Mapping[str, ValidationResult],
    context: dict[str, gpd.GeoDataFrame | None],
    rows_per_part: int,
) -> dict[str, Any]:
    """Write every part of the folder into ``tmp``; return what :class:`ConvertResult` holds."""
    parts, rows = {}, {}
    for kind, res in results.items():
        parts[kind] = _write_parts(res.kept, tmp / kind, rows_per_part)
        rows[kind] = len(res.kept)
    files = pd.concat(
        [res.files.assign(layer=kind) for kind, res in results.items()], ignore_index=True
    )
    if "filtered" not in files.columns:
        files["filtered"] = 0
    files = files[["layer", "file", "read", "kept", "rejected", "filtered", "repaired"]]
    files.to_csv(tmp / "files.csv", index=False)
    rejected = write_rejects(list(results.values()), tmp / "rejected.csv")
    written = []
    for name, gdf in context.items():
        if gdf is not None:
            (tmp / "context").mkdir(exist_ok=True)
            gdf.to_parquet(tmp / "context" / f"{name}.parquet", index=False)
            written.append(name)
    return {"parts": parts, "rows": rows, "files": files, "rejected": rejected, "context": written}


def convert(
    files: Sequence[PathLike],
    folder: PathLike,
    *,
    rows_per_part: int = DEFAULT_ROWS_PER_PART,
    **options: Any,
) -> ConvertResult:
    """Read and check layers, and write them as partitioned GeoParquet (``geomap convert``).

    Parameters
    ----------
    files : list of paths
        Input files, as for :func:`geomap.load_inputs` (layers found by name or
        geometry); the context layers (districts, towns, roads) of an input
        GeoPackage are written too.
    folder : str or Path
        The folder to make.
    rows_per_part : int, default 250,000
        Rows per part file.
    **options
        ``incidents``, ``hazards``, ``kind``, ``layer``, ``mappings``, ``crs``, ...: as
        for :func:`geomap.load_inputs`.

    Returns
    -------
    ConvertResult
    """
    _check_folder(Path(folder))
    results = load_inputs(files, **options)
    search = [*files, *options.get("incidents", ()), *options.get("hazards", ())]
    context = {name: load_context(name, search=search) for name in CONTEXT_LAYERS}
    return write_partitioned(folder, results, context=context, rows_per_part=rows_per_part)
