"""Data out for other systems: IMSMA Core, HDX (HXL) and analysts (GeoParquet).

A stage above :mod:`geomap.map` (the HXL file is made from the public layer, through
:class:`geomap.map.PublicPolicy`) and beside :mod:`geomap.report`; ``geomap
export-data --profile PROFILE`` is its command.

* :mod:`~geomap.exchange.imsma`: :func:`write_imsma`, a GeoPackage (or File
  Geodatabase) with IMSMA Core's ``imsma_id``/``imsma_links``, exact codes and WGS84;
  :func:`imsma_mapping` reads it back.
* :mod:`~geomap.exchange.hxl`: :func:`write_hxl`, the public incidents as an
  HXL-tagged CSV for HDX.
* :mod:`~geomap.exchange.parquet`: :func:`write_geoparquet`, the validated layers as
  GeoParquet and the analysis tables as Parquet.
* :mod:`~geomap.exchange.convert`: :func:`~geomap.exchange.convert.convert` (``geomap
  convert``), the validated layers as Hilbert-sorted, partitioned GeoParquet for the
  dask path.
"""

from geomap._errors import GeomapError
from geomap.exchange.hxl import HXL_COLUMNS
from geomap.exchange.hxl import check_hxl_path
from geomap.exchange.hxl import hxl_table
from geomap.exchange.hxl import write_hxl
from geomap.exchange.imsma import FEATURE_TYPES
from geomap.exchange.imsma import IMSMA_CODES
from geomap.exchange.imsma import IMSMA_FIELDS
from geomap.exchange.imsma import MDR_STATUS
from geomap.exchange.imsma import imsma_driver
from geomap.exchange.imsma import imsma_layers
from geomap.exchange.imsma import imsma_mapping
from geomap.exchange.imsma import write_imsma
from geomap.exchange.parquet import GEOPARQUET_FILES
from geomap.exchange.parquet import check_parquet_folder
from geomap.exchange.parquet import write_geoparquet
from geomap.io import PathLike

#: The profiles of ``geomap export-data``, each with the check of its output path.
_CHECKS = {"imsma-core": imsma_driver, "hxl": check_hxl_path, "geoparquet": check_parquet_folder}
PROFILES = tuple(_CHECKS)


def check_output(profile: str, path: PathLike) -> None:
    """Fail, before anything is read, if ``profile`` cannot write ``path``.

    Parameters
    ----------
    profile : {"imsma-core", "hxl", "geoparquet"}
        The profile.
    path : str or Path
        Where it would write.

    Raises
    ------
    GeomapError
        An unknown profile, or a path of the wrong kind (see each profile's check).

    Examples
    --------
    >>> check_output("hxl", "public.gpkg")
    Traceback (most recent call last):
    ...
    geomap._errors.GeomapError: public.gpkg: the hxl profile writes a .csv file, not '.gpkg'
    """
    if profile not in _CHECKS:
        raise GeomapError(f"`profile` was {profile!r} but is expected to be in {list(PROFILES)}")
    _CHECKS[profile](path)


__all__ = [
    "FEATURE_TYPES",
    "GEOPARQUET_FILES",
    "HXL_COLUMNS",
    "IMSMA_CODES",
    "IMSMA_FIELDS",
    "MDR_STATUS",
    "PROFILES",
    "check_hxl_path",
    "check_output",
    "check_parquet_folder",
    "hxl_table",
    "imsma_driver",
    "imsma_layers",
    "imsma_mapping",
    "write_geoparquet",
    "write_hxl",
    "write_imsma",
]
