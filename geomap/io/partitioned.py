"""Partitioned GeoParquet in (a folder or glob of part files), and where dask computes.

The dask path of geomap (``pip install 'geomap[dask]'``) reads incidents as a
``dask_geopandas.GeoDataFrame``: one partition per part file, never the whole layer in
memory. :func:`read_partitioned` reads a folder (such as one ``geomap convert``
wrote) or a glob; :func:`using_scheduler` says where the partitions are computed:
in this process (``"synchronous"``, ``"threads"``, ``"processes"``) or on a dask
distributed cluster (``"tcp://HOST:PORT"``).
"""

from __future__ import annotations

import contextlib
import glob
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap.io._open import PathLike

__all__ = [
    "LOCAL_SCHEDULERS",
    "is_partitioned",
    "part_files",
    "read_partitioned",
    "require_dask",
    "using_scheduler",
]

log = logging.getLogger(__name__)

#: The schedulers that compute in this process (or its children), by dask's names.
LOCAL_SCHEDULERS = ("synchronous", "threads", "processes")
_PARQUET = (".parquet", ".geoparquet")
_GLOB = ("*", "?", "[")


def require_dask() -> Any:
    """Import dask_geopandas, or say exactly how to install it.

    Returns
    -------
    module
        ``dask_geopandas``.

    Raises
    ------
    GeomapError
        dask-geopandas is not installed.
    """
    try:
        import dask_geopandas
    except ImportError:
        raise GeomapError(
            "dask-geopandas is needed to analyse partitioned data; install it with "
            "pip install 'geomap[dask]' (or: pip install dask-geopandas distributed)"
        ) from None
    return dask_geopandas


def part_files(path: PathLike) -> list[Path]:
    """Return the part files of a partitioned layer: a folder's ``*.parquet``, or a glob's.

    Parameters
    ----------
    path : str or Path
        A folder of GeoParquet part files, or a glob such as ``"incidents/part-*.parquet"``.

    Returns
    -------
    list of Path
        The files in name order (empty when ``path`` is neither).
    """
    text = str(path)
    if any(ch in text for ch in _GLOB):
        found = [Path(p) for p in glob.glob(text)]
    elif Path(text).is_dir():
        found = [p for p in Path(text).iterdir() if p.is_file()]
    else:
        return []
    return sorted(p for p in found if p.suffix.lower() in _PARQUET)


def is_partitioned(path: PathLike) -> bool:
    """Say whether ``path`` is a partitioned GeoParquet layer (a folder or glob of parts).

    Examples
    --------
    >>> is_partitioned("data/karabakh-sample.gpkg")
    False
    """
    return bool(part_files(path))


def read_partitioned(path: PathLike) -> Any:
    """Read a partitioned GeoParquet layer lazily, one partition per part file.

    Rows that carry no ``source_file``/``source_row`` (a layer not written by geomap)
    get the folder (or glob) as their file and their row number across the parts, in
    name order, so every rejected row can still be found.

    Parameters
    ----------
    path : str or Path
        A folder of ``*.parquet`` part files, or a glob.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        The layer, not yet read.

    Raises
    ------
    InputError
        No part file, or one that is not GeoParquet.
    GeomapError
        dask-geopandas is not installed.
    """
    dask_geopandas = require_dask()
    files = part_files(path)
    if not files:
        raise InputError(f"{path}: no .parquet part files (expected a folder or a glob)", path)
    try:
        ddf = dask_geopandas.read_parquet([str(f) for f in files])
    except Exception as exc:  # pyarrow's and dask's errors: one line naming the folder
        raise InputError(f"{path}: not a partitioned GeoParquet layer ({exc})", path) from None
    if "source_file" not in ddf.columns or "source_row" not in ddf.columns:
        lengths = ddf.map_partitions(len).compute()
        offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths))[:-1]])
        meta = _with_source(ddf._meta, str(path), offsets)
        ddf = ddf.map_partitions(_with_source, str(path), offsets, meta=meta)
    log.info("%s: %d part files, read as %d partitions", path, len(files), ddf.npartitions)
    return ddf


def _with_source(
    part: pd.DataFrame, name: str, offsets: np.ndarray, partition_info: Any = None
) -> pd.DataFrame:
    """Add ``source_file`` and ``source_row`` (1-based, across the parts) to a part."""
    offset = int(offsets[partition_info["number"]]) if partition_info else 0
    out = part.copy()
    if "source_file" not in out.columns:
        out["source_file"] = pd.Series(name, index=out.index, dtype=object)
    if "source_row" not in out.columns:
        out["source_row"] = np.arange(offset + 1, offset + len(out) + 1, dtype=np.int64)
    return out


@contextlib.contextmanager
def using_scheduler(scheduler: str | None) -> Iterator[None]:
    """Compute dask collections with ``scheduler`` inside the block.

    Parameters
    ----------
    scheduler : str, optional
        ``"synchronous"``, ``"threads"`` or ``"processes"`` (this machine), or the
        address of a dask distributed scheduler (``"tcp://10.0.0.5:8786"``; needs
        ``distributed``). None leaves dask's own default (threads).

    Yields
    ------
    None

    Raises
    ------
    GeomapError
        An unknown scheduler name, ``distributed`` not installed, or no scheduler
        answering at the address.

    Examples
    --------
    >>> with using_scheduler("synchronous"):
    ...     pass
    """
    if scheduler is None:
        yield
        return
    import dask

    if scheduler in LOCAL_SCHEDULERS:
        with dask.config.set(scheduler=scheduler):
            yield
        return
    if "://" not in scheduler:
        raise GeomapError(
            f"--scheduler {scheduler!r}: expected one of {', '.join(LOCAL_SCHEDULERS)} "
            "or a dask scheduler address such as tcp://HOST:8786"
        )
    with _client(scheduler):
        yield


@contextlib.contextmanager
def _client(address: str) -> Iterator[Any]:
    """Open a dask.distributed Client of the scheduler at ``address``, as the default."""
    try:
        from distributed import Client
    except ImportError:
        raise GeomapError(
            f"--scheduler {address}: the dask distributed package is needed for a cluster; "
            "install it with pip install 'geomap[dask]' (or: pip install distributed)"
        ) from None
    try:
        client = Client(address, timeout="10s", set_as_default=True)
    except Exception as exc:  # distributed raises OSError, TimeoutError, ValueError, ...
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GeomapError(
            f"--scheduler {address}: no dask scheduler answers there ({reason}); "
            "check the address and that the cluster is running"
        ) from None
    log.info("computing on the dask cluster at %s (%d workers)", address, _workers(client))
    try:
        yield client
    finally:
        client.close()


def _workers(client: Any) -> int:
    try:
        return len(client.scheduler_info().get("workers", {}))
    except Exception:  # pragma: no cover - an informational count only
        return 0
