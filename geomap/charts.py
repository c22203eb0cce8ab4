"""Deprecated since 0.2: moved to :mod:`geomap.report.charts`."""

from geomap._deprecated import moved
from geomap.report.charts import casualty_chart
from geomap.report.charts import cumulative_chart
from geomap.report.charts import release_chart

__all__ = ["casualty_chart", "cumulative_chart", "release_chart"]

moved(__name__, "geomap.report.charts", __all__)
