"""The report's data files: tables as CSV, the timeline as JSON, layers as GeoPackage, charts.

Each file is written atomically (:func:`geomap.io.atomic_path`), so a failed run
never leaves half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.analysis import AnalysisResult
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.io import atomic_path
from geomap.io import write_layer
from geomap.report.charts import casualty_chart
from geomap.report.charts import cumulative_chart
from geomap.report.charts import release_chart

__all__ = ["CHART_CAPTIONS", "write_charts", "write_tables", "write_text"]

#: Each chart's file and caption (an English message id), in the order the page shows them.
CHART_CAPTIONS = {
    "release-trend.png": N_("Land released per month, by outcome (km²)"),
    "casualties-by-month.png": N_("Casualties per month, by victim category"),
    "cumulative.png": N_("Running totals of land released and casualties"),
}


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    if path.exists():
        path.unlink()  # write_layer appends layers to an existing GeoPackage
    write_layer(gdf, path, layer=layer)


#: The report's CSV files: table of :meth:`AnalysisResult.tables` → file name.
_CSV_FILES = {
    "links": "links.csv",
    "areas": "areas.csv",
    "release_trend_monthly": "release-trend-monthly.csv",
    "release_trend_yearly": "release-trend-yearly.csv",
    "casualties_monthly": "casualties-monthly.csv",
    "casualties_yearly": "casualties-yearly.csv",
    "priorities": "priorities.csv",
    "quality": "quality.csv",
    "districts": "districts.csv",
}


def _tables(result: AnalysisResult) -> dict[str, pd.DataFrame]:
    """Each CSV file of the report and its table (polygons are left to the GeoPackages)."""
    tables = result.tables()
    for name in ("priorities", "districts"):
        if name in tables:
            tables[name] = pd.DataFrame(tables[name].drop(columns="geometry"))
    return {file: tables[name] for name, file in _CSV_FILES.items() if name in tables}


def write_tables(out: Path, result: AnalysisResult) -> dict[str, Path]:
    """Write the CSV tables, ``timeline.json`` and the two GeoPackages into ``out``.

    Parameters
    ----------
    out : Path
        The report folder (it must exist).
    result : AnalysisResult
        What :func:`geomap.analysis.run_analysis` returned.

    Returns
    -------
    dict
        File name → path of each file written.
    """
    files: dict[str, Path] = {}
    for name, df in _tables(result).items():
        write_layer(df, out / name)
        files[name] = out / name
    write_text(out / "timeline.json", json.dumps(result.timeline, indent=1))
    files["timeline.json"] = out / "timeline.json"
    for name, gdf, layer in (
        ("proposed-hazard-areas.gpkg", result.proposed, "proposed_hazard_areas"),
        ("priorities.gpkg", result.priorities, "priorities"),
    ):
        _write_gpkg(gdf, out / name, layer)
        files[name] = out / name
    return files


def write_charts(
    out: Path, release: pd.DataFrame, casualties: pd.DataFrame, lang: str = DEFAULT_LANG
) -> dict[str, Path]:
    """Draw the three charts of :data:`CHART_CAPTIONS` as PNG files into ``out``.

    Parameters
    ----------
    out : Path
        The report folder (it must exist).
    release, casualties : DataFrame
        Monthly :func:`~geomap.analysis.release_trend` and
        :func:`~geomap.analysis.casualty_trend` tables.
    lang : str, default "en"
        The language of the charts' text, numbers and months.

    Returns
    -------
    dict
        Chart file name → path, in the order of :data:`CHART_CAPTIONS`.
    """
    release_chart(release, out / "release-trend.png", lang=lang)
    casualty_chart(casualties, out / "casualties-by-month.png", lang=lang)
    cumulative_chart(release, casualties, out / "cumulative.png", lang=lang)
    return {name: out / name for name in CHART_CAPTIONS}
