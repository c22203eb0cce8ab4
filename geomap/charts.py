"""Moved to :mod:`geomap.report.charts`; kept so ``from geomap import charts`` still works."""

from geomap.report.charts import casualty_chart, cumulative_chart, release_chart

__all__ = ["casualty_chart", "cumulative_chart", "release_chart"]
