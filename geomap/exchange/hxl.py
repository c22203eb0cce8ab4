"""HXL for HDX: the public (generalised, suppressed) incidents as an HXL-tagged CSV.

The Humanitarian Exchange Language (HXL) adds a row of hashtags under a CSV's
headers, so that HDX and its tools know what each column holds. :func:`hxl_table`
builds the table from the **public** layer only: the incidents go through the same
:class:`~geomap.map.PublicPolicy` a public map applies (allow-listed fields, locations
snapped to cell centres or districts, counts below k withheld with complementary
suppression, dates by quarter), so nothing a public map would not show reaches the
file. A withheld cell keeps its place and ``suppressed`` only: its counts are empty.
:func:`write_hxl` writes it atomically, its text cells unable to run as spreadsheet
formulas (:func:`geomap.io.write_layer`).

The columns and their hashtags are :data:`HXL_COLUMNS`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap.io import PathLike
from geomap.io import write_layer
from geomap.map import PublicPolicy

__all__ = ["HXL_COLUMNS", "check_hxl_path", "hxl_table", "write_hxl"]

log = logging.getLogger(__name__)

#: Each column of the HXL file: (header, hashtag, what it holds).
HXL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("cell", "#event+id", "the cell's number in this file"),
    ("latitude", "#geo+lat", "the cell's centre (or district's point), WGS84, 6 decimals"),
    ("longitude", "#geo+lon", "the same, longitude"),
    ("district", "#adm2+name", "the district (most common in the cell)"),
    ("incidents", "#event+num", "incidents in the cell; empty when withheld"),
    ("killed", "#affected+killed", "people killed; empty when withheld or unknown"),
    ("injured", "#affected+injured", "people injured; empty when withheld or unknown"),
    ("victim_category", "#affected+type", "most common victim category"),
    ("incident_type", "#event+type", "most common incident type"),
    ("first_date", "#date+start", "first day of the cell's first quarter"),
    ("last_date", "#date+end", "last day of the cell's last quarter"),
    ("suppressed", "#meta+suppressed", "yes when the cell's counts are withheld"),
)


def hxl_table(
    incidents: gpd.GeoDataFrame,
    *,
    policy: PublicPolicy | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Return the public incidents as an HXL table: headers, then a row of hashtags, then cells.

    Parameters
    ----------
    incidents : GeoDataFrame
        Validated incidents (not changed); only what the public policy lets through is used.
    policy : PublicPolicy, optional
        How to generalise and suppress (default: a public map's defaults, 2 km grid, k=3).
    districts : GeoDataFrame, optional
        District boundaries, for ``policy.generalise == "district"``.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`HXL_COLUMNS`; the first row holds the hashtags.

    Examples
    --------
    >>> import geomap
    >>> inc = geomap.load_layers("data/karabakh-sample.gpkg")["incidents"].kept
    >>> table = hxl_table(inc)
    >>> table.iloc[0].tolist()[:4]
    ['#event+id', '#geo+lat', '#geo+lon', '#adm2+name']
    """
    if not len(incidents):
        raise GeomapError("no incidents to publish: the HXL file would be empty")
    policy = policy or PublicPolicy()
    public = policy.generalised(incidents, districts)
    cells = gpd.GeoDataFrame(public).reset_index(drop=True)
    withheld = cells["suppressed"].astype(bool)
    first = pd.to_datetime(cells["first_date"])
    last = pd.to_datetime(cells["last_date"]) + pd.offsets.QuarterEnd(0)
    rows = pd.DataFrame(
        {
            "cell": [str(i + 1) for i in range(len(cells))],
            "latitude": cells.geometry.y.round(6),
            "longitude": cells.geometry.x.round(6),
            "district": cells["district"],
            "incidents": cells["incidents"],
            "killed": cells["killed"],
            "injured": cells["injured"],
            "victim_category": cells["victim_category"],
            "incident_type": cells["incident_type"],
            "first_date": first.dt.strftime("%Y-%m-%d"),
            "last_date": last.dt.strftime("%Y-%m-%d"),
            "suppressed": withheld.map({True: "yes", False: "no"}),
        }
    ).astype(object)
    rows = rows.where(rows.notna(), None)
    for col in ("incidents", "killed", "injured"):  # whole numbers, empty when withheld
        counts = [None if pd.isna(v) else int(v) for v in cells[col]]
        rows[col] = pd.Series(counts, index=rows.index, dtype=object)
    tags = pd.DataFrame([[tag for _, tag, _ in HXL_COLUMNS]], columns=rows.columns)
    log.info("HXL: %d public cells, %d withheld", len(rows), int(withheld.sum()))
    return pd.concat([tags, rows], ignore_index=True)


def check_hxl_path(path: PathLike) -> Path:
    """Return ``path`` if it names a ``.csv`` file; fail otherwise.

    Examples
    --------
    >>> check_hxl_path("incidents.xlsx")
    Traceback (most recent call last):
    ...
    geomap._errors.GeomapError: incidents.xlsx: the hxl profile writes a .csv file, not '.xlsx'
    """
    dest = Path(path)
    if dest.suffix.lower() != ".csv":
        found = dest.suffix or "a name without extension"
        raise GeomapError(f"{dest}: the hxl profile writes a .csv file, not {found!r}")
    return dest


def write_hxl(
    path: PathLike,
    incidents: gpd.GeoDataFrame,
    *,
    policy: PublicPolicy | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> int:
    """Write :func:`hxl_table` as a CSV, atomically; return the number of cells written.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file.
    incidents, policy, districts
        As :func:`hxl_table`.

    Returns
    -------
    int

    Raises
    ------
    GeomapError
        ``path`` is not a ``.csv``, or the policy is unsafe or lacks its districts.
    """
    dest = check_hxl_path(path)
    table = hxl_table(incidents, policy=policy, districts=districts)
    write_layer(table, dest)
    return len(table) - 1
