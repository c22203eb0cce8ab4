"""What a map says about its own data: the disclaimer, a notice, rejected rows, the source.

Every map shows, small and always, the disclaimer (:data:`geomap.style.DISCLAIMER`);
a notice its input files carry (the sample says it is synthetic: see
:func:`geomap.io.read_notice`) or that the options give; how many input rows were
rejected and which file lists them. The print layout adds the data source.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from geomap.i18n import translator
from geomap.io import read_notice
from geomap.map._inputs import Layer
from geomap.map.contract import Notices
from geomap.map.options import MapOptions
from geomap.style import DISCLAIMER
from geomap.validate import ValidationResult

__all__ = ["page_notices"]


def _source_files(layers: Iterable[Layer | None]) -> list[str]:
    """Return the files the layers were read from, in order (their rows' ``source_file``)."""
    files: list[str] = []
    for layer in layers:
        gdf = layer.kept if isinstance(layer, ValidationResult) else layer
        if gdf is None or "source_file" not in gdf.columns:
            continue
        found = pd.unique(gdf["source_file"].dropna().astype(str))
        files += [str(f) for f in found if f not in files]
    return files


def _rejected(layers: Iterable[Layer | None]) -> int | None:
    """Rows rejected in validation; None when a layer was not validated (not known)."""
    given = [layer for layer in layers if layer is not None]
    if not given or not all(isinstance(layer, ValidationResult) for layer in given):
        return None
    return sum(len(r.rejected) for r in given if isinstance(r, ValidationResult))


def page_notices(incidents: Layer | None, hazards: Layer | None, opts: MapOptions) -> Notices:
    """Return the map's notices (:class:`~geomap.map.contract.Notices`).

    Parameters
    ----------
    incidents, hazards : ValidationResult or GeoDataFrame, optional
        The layers as given to :func:`~geomap.map.render_map`: validation results
        tell how many rows were rejected; rows' ``source_file`` tells the files.
    opts : MapOptions
        ``notice``, ``source`` and ``rejects_file`` replace what the files say.

    Returns
    -------
    Notices

    Examples
    --------
    >>> page_notices(None, None, MapOptions(notice="Test data"))["notice"]
    'Test data'
    """
    files = _source_files((incidents, hazards))
    notices = dict.fromkeys(n for n in map(read_notice, files) if n)
    names = ", ".join(dict.fromkeys(os.path.basename(f) for f in files))
    # A public map names no files of its maker's (their names may say more than the map).
    source = opts.source or (names if names and not opts.public else None)
    rejected = _rejected((incidents, hazards))
    return {
        "disclaimer": translator(opts.lang)(DISCLAIMER),
        "notice": opts.notice or (" · ".join(notices) if notices else None),
        "rejected": rejected,
        "rejectsFile": opts.rejects_file if rejected and not opts.public else None,
        "source": source,
    }
