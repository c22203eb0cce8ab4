"""A report folder: the map, the statistics, the charts and a one-page HTML summary.

:func:`write_report` runs the whole analysis (:func:`geomap.analysis.run_analysis`) once
on validated layers and writes, each file atomically:

========================================  ==============================================
``map.html``                              the self-contained map (incidents with their
                                          links, hazard areas, proposed suspected areas)
``report.html``                           one page: key figures, the map (an ``iframe`` of
                                          ``map.html``), the charts (inlined PNGs), tables
``links.csv``                             each incident with ``link``, ``hazard_id``,
                                          ``distance_m`` (geometry as WKT)
``areas.csv``                             km² by contamination, class and status
``districts.csv``                         per-district totals (when districts are given)
``release-trend-monthly.csv``,            km² released per month / year, cumulative
``release-trend-yearly.csv``
``casualties-monthly.csv``,               casualties per month / year by victim category
``casualties-yearly.csv``
``priorities.csv``                        the ranked table of active hazard areas
``quality.csv``                           data-quality flags
``timeline.json``                         monthly series for a map's time slider
``release-trend.png``,                    the charts
``casualties-by-month.png``,
``cumulative.png``
``proposed-hazard-areas.gpkg``            proposed suspected hazard areas (layer
                                          ``proposed_hazard_areas``)
``priorities.gpkg``                       the ranked areas with their polygons (layer
                                          ``priorities``)
========================================  ==============================================

The folder is written whole or not at all: the files are written into a hidden
folder beside it, which becomes the report folder (or whose files replace those of
an existing one) only when every file is written; an error or an interruption
removes it, and leaves an earlier report as it was.

``lang`` (``az``, ``ru``, ``en``, ``uk``, ``es``, ``ar``; English by default) is the
language of ``report.html``, the charts and the map: their words, numbers, dates and
months (Arabic right to left). The CSV files, ``timeline.json`` and the GeoPackages
keep their machine-readable column names and codes in every language.

The library never prints: pass ``progress`` to follow the steps. The page is built
in :mod:`geomap.report.page`, the data files in :mod:`geomap.report.files`, the
charts in :mod:`geomap.report.charts`; :func:`write_analysis` writes the folder of
an analysis already run (:func:`geomap.analysis.run_analysis`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from geomap._progress import step as progress_step
from geomap.analysis import ANALYSIS_STEPS
from geomap.analysis import AnalysisOptions
from geomap.analysis import AnalysisResult
from geomap.analysis import ProgressHook
from geomap.analysis import run_analysis
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import check_lang
from geomap.i18n import translator
from geomap.map import DEFAULT_BASEMAPS
from geomap.map import DEFAULT_POPUP_FIELDS
from geomap.map import render_map
from geomap.map import save_map
from geomap.report.files import CHART_CAPTIONS
from geomap.report.files import write_charts
from geomap.report.files import write_tables
from geomap.report.files import write_text
from geomap.report.page import report_page
from geomap.validate import ValidationResult

__all__ = ["DEFAULT_TITLE", "REPORT_FILES", "ProgressHook", "write_analysis", "write_report"]

log = logging.getLogger(__name__)

#: Every file a report folder holds (``districts.csv`` only when districts are given).
REPORT_FILES = (
    "map.html",
    "report.html",
    "links.csv",
    "areas.csv",
    "districts.csv",
    "release-trend-monthly.csv",
    "release-trend-yearly.csv",
    "casualties-monthly.csv",
    "casualties-yearly.csv",
    "priorities.csv",
    "quality.csv",
    "timeline.json",
    "release-trend.png",
    "casualties-by-month.png",
    "cumulative.png",
    "proposed-hazard-areas.gpkg",
    "priorities.gpkg",
)

#: The report's title when none is given (shown in the report's language).
DEFAULT_TITLE = N_("Explosive ordnance contamination: analysis")

#: The steps of :func:`write_analysis`, after those of the analysis.
_STEPS = ("drawing charts", "drawing the map", "writing tables and the report")

#: The incident fields shown in the map's popups, those present: the map's own, with the
#: incident's link to a hazard area in place of its free-text description.
_POPUP_FIELDS = (
    *(f for f in DEFAULT_POPUP_FIELDS["incidents"] if f != "description"),
    "link",
    "hazard_id",
    "distance_m",
)


def write_report(
    folder: str | os.PathLike[str],
    incidents: ValidationResult | gpd.GeoDataFrame,
    hazards: ValidationResult | gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame | None = None,
    towns: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    tiles: str | Sequence[str] | None = DEFAULT_BASEMAPS,
    progress: ProgressHook | None = None,
    options: AnalysisOptions | None = None,
    lang: str = DEFAULT_LANG,
    **settings: Any,
) -> dict[str, Path]:
    """Analyse the layers and write the report folder (see the module's list of files).

    Parameters
    ----------
    folder : str or Path
        The folder to write (created if need be; files in it are replaced).
    incidents, hazards : ValidationResult or GeoDataFrame
        Validated layers.
    districts : GeoDataFrame, optional
        District polygons for :func:`geomap.analysis.district_summary`.
    towns, roads : GeoDataFrame, optional
        For :func:`geomap.analysis.prioritise`.
    title, subtitle : str, optional
        Shown on the map and the report (default: :data:`DEFAULT_TITLE`, in ``lang``).
    tiles : str, list of str or None
        Basemaps of the map (see :func:`geomap.render_map`); the data draw offline anyway.
    progress : callable, optional
        ``progress(step, number, total)`` before each step.
    options : AnalysisOptions, optional
        The analysis settings, or instead:
    lang : str, default "en"
        The language of ``report.html``, the charts and the map (see above).
    **settings
        Fields of :class:`geomap.analysis.AnalysisOptions`: ``max_distance_m``, ``eps_m``,
        ``min_incidents``, ``buffer_m``, ``weights``, ``radius_m``, ``record_start``,
        ``district_id``, ``top`` (priority rows in ``report.html``, default 20; all in the CSV).

    Returns
    -------
    dict
        File name → path of each file written.

    Examples
    --------
    >>> import geomap
    >>> from geomap.report import write_report
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")  # doctest: +SKIP
    >>> files = write_report("report", layers["incidents"], layers["hazards"])  # doctest: +SKIP
    >>> files["report.html"]  # doctest: +SKIP
    PosixPath('report/report.html')
    """
    if incidents is None or hazards is None:
        raise ValueError("write_report needs both incidents and hazards")
    check_lang(lang)  # before the analysis, which takes a while
    total = len(ANALYSIS_STEPS) + len(_STEPS)

    def hook(step: str, number: int, _total: int) -> None:
        if progress is not None:
            progress(step, number, total)

    if options is None:
        settings = {"top": 20, **settings}
    context = {"districts": districts, "towns": towns, "roads": roads}
    result = run_analysis(incidents, hazards, **context, options=options, progress=hook, **settings)
    return write_analysis(
        folder,
        result,
        title=title,
        subtitle=subtitle,
        tiles=tiles,
        progress=progress,
        first_step=len(ANALYSIS_STEPS) + 1,
        lang=lang,
    )


def write_analysis(
    folder: str | os.PathLike[str],
    result: AnalysisResult,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    tiles: str | Sequence[str] | None = DEFAULT_BASEMAPS,
    progress: ProgressHook | None = None,
    first_step: int = 1,
    lang: str = DEFAULT_LANG,
) -> dict[str, Path]:
    """Write the report folder of an analysis already run.

    Parameters
    ----------
    folder : str or Path
        The folder to write (created if need be; files in it are replaced).
    result : AnalysisResult
        What :func:`geomap.analysis.run_analysis` returned.
    title, subtitle, tiles, progress, lang
        As for :func:`write_report`.
    first_step : int, default 1
        The number ``progress`` gives this function's first step (its steps come
        last of ``first_step - 1 + 3``).

    Returns
    -------
    dict
        File name → path of each file written.
    """
    total = first_step - 1 + len(_STEPS)
    title = translator(check_lang(lang))(DEFAULT_TITLE) if title is None else title

    def step(number: int) -> None:
        name = _STEPS[number - first_step]
        log.info("report: step %d/%d: %s", number, total, name)
        if progress is not None:
            progress(name, number, total)

    with _staged(Path(folder)) as out:
        step(first_step)
        with progress_step(_STEPS[0]):
            files = write_charts(out, result.release_monthly, result.casualties_monthly, lang)
        step(first_step + 1)
        with progress_step(_STEPS[1]):
            files["map.html"] = _write_map(out / "map.html", result, title, subtitle, tiles, lang)
        step(first_step + 2)
        with progress_step(_STEPS[2]):
            files.update(write_tables(out, result))
        charts = [(files[name], caption) for name, caption in CHART_CAPTIONS.items()]
        files_shown = sorted([*files, "report.html"])
        page = report_page(
            result, title=title, subtitle=subtitle, charts=charts, files=files_shown, lang=lang
        )
        write_text(out / "report.html", page)
        files["report.html"] = out / "report.html"
    files = {name: Path(folder) / name for name in files}
    log.info("wrote report %s (%d files)", folder, len(files))
    return files


@contextlib.contextmanager
def _staged(folder: Path) -> Iterator[Path]:
    """Yield a hidden folder beside ``folder``; on success its files become ``folder``'s.

    A new report folder is the staging folder renamed; in an existing one, each file is
    replaced (other files stay). On any error or interruption the staging folder is
    removed, and ``folder`` is left as it was.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "exists and is not a folder", str(folder))
    tmp = folder.parent / f".{folder.name}.{secrets.token_hex(6)}.tmp"
    tmp.mkdir()  # (not mkdtemp: the folder gets the user's usual permissions)
    try:
        yield tmp
        if folder.is_dir():
            for f in tmp.iterdir():
                os.replace(f, folder / f.name)
        else:
            os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_map(
    path: Path,
    result: AnalysisResult,
    title: str,
    subtitle: str | None,
    tiles: str | Sequence[str] | None,
    lang: str,
) -> Path:
    """Draw the report's map (incidents with their links, hazards, proposed areas)."""
    linked = result.linked
    m = render_map(
        linked,
        result.hazards,
        districts=result.districts,
        proposed=result.proposed,
        places=result.towns,
        roads=result.roads,
        title=title,
        subtitle=subtitle,
        popup_fields={"incidents": [c for c in _POPUP_FIELDS if c in linked.columns]},
        tiles=tiles,
        lang=lang,
    )
    save_map(m, path)
    return path
