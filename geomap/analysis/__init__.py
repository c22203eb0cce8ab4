"""Analysis: link incidents to hazard areas, measure, trend, aggregate and prioritise.

The stage between validation and rendering, one module per topic. Every function
takes layers as GeoDataFrames (or the :class:`~geomap.ValidationResult` that
validation returns), never changes them, and returns new tables:

* :mod:`~geomap.analysis.link`: :func:`link_incidents` ties each incident to the
  hazard area it lies in, or the nearest one within a distance, and marks the rest
  ``unlinked``.
* :mod:`~geomap.analysis.propose`: :func:`propose_hazard_areas` clusters the
  unlinked ones into proposed suspected hazard areas, with the evidence for each.
* :mod:`~geomap.analysis.areas`: :func:`area_summary` gives contaminated and released
  km² per class, status or district, dissolving overlaps so that no square metre
  counts twice; :func:`area_over_time` the same at several dates.
* :mod:`~geomap.analysis.trends`: :func:`release_trend` and :func:`casualty_trend`
  give per-month or per-year series with cumulative columns; :func:`timeline` packs
  them for a time slider.
* :mod:`~geomap.analysis.districts`: :func:`district_summary` aggregates incidents,
  casualties and hazard km² per district polygon, joined on geometry (never names).
* :mod:`~geomap.analysis.priorities`: :func:`prioritise` scores active hazard areas
  by what they threaten.
* :mod:`~geomap.analysis.quality`: :func:`check_quality` flags suspect geometries
  and dates, as GICHD's geocheck does for IMSMA.
* :mod:`~geomap.analysis.pipeline`: :func:`run_analysis` runs the whole sequence
  once and returns an :class:`AnalysisResult` (tables and key figures) that
  ``geomap stats``, ``geomap report`` and notebooks share.

Areas are measured in an equal-area projection centred on the data
(:func:`geomap.geo.equal_area_crs`) and distances in the data's UTM zone
(:func:`geomap.geo.metric_crs`); results are in km² and metres.

Scale: joins use shapely's STRtree on whole arrays. :func:`link_incidents`,
:func:`district_summary`, :func:`casualty_trend` and :func:`run_analysis` also
accept a ``dask_geopandas.GeoDataFrame`` of incidents (``pip install
'geomap[dask]'``; e.g. :func:`geomap.load.load_partitioned`'s kept rows): incidents
stay partitioned, hazard areas and districts (thousands, not millions) are gathered
into memory, and the numbers are the same as in memory.
"""

from geomap.analysis._common import Layer
from geomap.analysis.areas import area_over_time
from geomap.analysis.areas import area_summary
from geomap.analysis.districts import DISTRICT_COLUMNS
from geomap.analysis.districts import district_summary
from geomap.analysis.link import LINK_CODES
from geomap.analysis.link import link_incidents
from geomap.analysis.pipeline import ANALYSIS_STEPS
from geomap.analysis.pipeline import AnalysisOptions
from geomap.analysis.pipeline import AnalysisResult
from geomap.analysis.pipeline import KeyFigures
from geomap.analysis.pipeline import ProgressHook
from geomap.analysis.pipeline import run_analysis
from geomap.analysis.priorities import DEFAULT_WEIGHTS
from geomap.analysis.priorities import PRIORITY_COLUMNS
from geomap.analysis.priorities import prioritise
from geomap.analysis.propose import propose_hazard_areas
from geomap.analysis.quality import check_quality
from geomap.analysis.trends import casualty_trend
from geomap.analysis.trends import release_trend
from geomap.analysis.trends import timeline
from geomap.analysis.trends import timeline_of

__all__ = [
    "ANALYSIS_STEPS",
    "DEFAULT_WEIGHTS",
    "DISTRICT_COLUMNS",
    "LINK_CODES",
    "PRIORITY_COLUMNS",
    "AnalysisOptions",
    "AnalysisResult",
    "KeyFigures",
    "Layer",
    "ProgressHook",
    "area_over_time",
    "area_summary",
    "casualty_trend",
    "check_quality",
    "district_summary",
    "link_incidents",
    "prioritise",
    "propose_hazard_areas",
    "release_trend",
    "run_analysis",
    "timeline",
    "timeline_of",
]
