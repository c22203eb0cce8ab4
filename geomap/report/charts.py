"""Trend charts as PNG images (matplotlib), from :mod:`geomap.analysis` tables.

matplotlib is imported only when a chart is drawn, and only its object-oriented
API is used (a :class:`matplotlib.figure.Figure` with the Agg canvas): no pyplot,
no global state, nothing opens a window. Install it with
``pip install 'geomap[analysis]'``.

Each function returns the :class:`~matplotlib.figure.Figure`, or, given a
``path``, writes the PNG there atomically and returns the path.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pandas as pd

from geomap._errors import GeomapError
from geomap.io import atomic_path
from geomap.model import RELEASED_STATUSES
from geomap.model import VICTIM_CATEGORY
from geomap.style import CHART_CASUALTY_LINES
from geomap.style import CHART_EDGE
from geomap.style import CHART_FALLBACK
from geomap.style import CHART_TOTAL
from geomap.style import HAZARD_FILL
from geomap.style import VICTIM_COLORS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["casualty_chart", "cumulative_chart", "release_chart"]

log = logging.getLogger(__name__)

_SIZE = (9.0, 3.6)
_DPI = 110
_RELEASE_COLORS = {s: HAZARD_FILL[s] for s in RELEASED_STATUSES}
_WIDTH_DAYS = {"M": 24, "Y": 300}


def _figure(rows: int = 1) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise GeomapError(
            "matplotlib is needed to draw charts; install it with "
            "pip install 'geomap[analysis]' (or: pip install matplotlib)"
        ) from None
    return Figure(figsize=(_SIZE[0], _SIZE[1] * rows), dpi=_DPI, layout="constrained")


def _freq(trend: pd.DataFrame) -> str:
    return "Y" if len(trend) and len(str(trend["period"].iloc[0])) == 4 else "M"


def _empty(ax: Axes, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what}", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked(ax: Axes, trend: pd.DataFrame, columns: list[str], colors: dict[str, str]) -> None:
    import numpy as np

    x = pd.to_datetime(trend["start"]).to_numpy()
    width = pd.Timedelta(days=_WIDTH_DAYS[_freq(trend)]).to_numpy()
    bottom = np.zeros(len(trend))
    for col in columns:
        values = trend[col].to_numpy(dtype=float)
        if not values.any():
            continue
        ax.bar(
            x,
            values,
            width=width,
            bottom=bottom,
            label=col,
            color=colors.get(col, CHART_FALLBACK),
            edgecolor=CHART_EDGE,
            linewidth=0.3,
            align="edge",
        )
        bottom += values
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure | Path:
    if path is None:
        return fig
    dest = Path(path)
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, format="png")
    log.info("wrote chart %s", dest)
    return dest


def release_chart(
    trend: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "Land released per period",
) -> Figure | Path:
    """Stacked bars of km² cancelled, reduced, cleared and handed over per period.

    Parameters
    ----------
    trend : pandas.DataFrame
        From :func:`geomap.analysis.release_trend`.
    path : str or Path, optional
        Where to write the PNG.
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure or Path
        The figure, or the path written.

    Examples
    --------
    >>> from geomap.analysis import release_trend
    >>> release_chart(release_trend(hazards), "release.png")  # doctest: +SKIP
    PosixPath('release.png')
    """
    fig = _figure()
    ax = fig.add_subplot()
    columns = [c for c in RELEASED_STATUSES if c in trend.columns]
    if trend.empty or not columns:
        _empty(ax, "released land")
    else:
        _stacked(ax, trend, columns, _RELEASE_COLORS)
        ax.set_ylabel("km² released")
    ax.set_title(title)
    return _finish(fig, path)


def casualty_chart(
    trend: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "Casualties per period, by victim category",
) -> Figure | Path:
    """Stacked bars of casualties (killed + injured) per period, by victim category.

    Parameters
    ----------
    trend : pandas.DataFrame
        Casualties per period, as :func:`geomap.analysis.casualty_trend` returns them.
    path : str or Path, optional
        A PNG file to write; without it, the figure is returned to show or adjust.
    title : str
        The title above the bars.

    Returns
    -------
    matplotlib.figure.Figure or Path

    Examples
    --------
    >>> from geomap.analysis import casualty_trend
    >>> casualty_chart(casualty_trend(incidents), "casualties.png")  # doctest: +SKIP
    PosixPath('casualties.png')
    """
    fig = _figure()
    ax = fig.add_subplot()
    fixed = {"period", "start", "incidents", "killed", "injured", "casualties"}
    cats = [c for c in trend.columns if c not in fixed and not str(c).endswith("_cum")]
    order = [c for c in VICTIM_CATEGORY.codes if c in cats] + [
        c for c in cats if c not in VICTIM_CATEGORY.codes
    ]
    if trend.empty:
        _empty(ax, "dated incidents")
    else:
        _stacked(ax, trend, order or ["casualties"], VICTIM_COLORS)
        ax.set_ylabel("casualties (killed + injured)")
    ax.set_title(title)
    return _finish(fig, path)


def cumulative_chart(
    release: pd.DataFrame | None = None,
    casualties: pd.DataFrame | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure | Path:
    """Draw running totals: km² released (by outcome) and casualties (killed, injured).

    Parameters
    ----------
    release : pandas.DataFrame, optional
        From :func:`geomap.analysis.release_trend`.
    casualties : pandas.DataFrame, optional
        From :func:`geomap.analysis.casualty_trend`.
    path : str or Path, optional
        Where to write the PNG.

    Returns
    -------
    matplotlib.figure.Figure or Path

    Examples
    --------
    >>> cumulative_chart(release_trend(hazards), casualty_trend(incidents))  # doctest: +SKIP
    <Figure size 990x792 with 2 Axes>
    """
    panels: list[tuple[str, pd.DataFrame | None]] = [
        ("released", release),
        ("casualties", casualties),
    ]
    fig = _figure(rows=2)
    axes: Any = fig.subplots(2, 1, sharex=True)
    for ax, (kind, table) in zip(axes, panels, strict=True):
        if table is None or table.empty:
            _empty(ax, "released land" if kind == "released" else "dated incidents")
            continue
        # Each running total is reached at the end of its period, from 0 at the start.
        periods = pd.PeriodIndex(table["period"].astype(str), freq=_freq(table))
        x = [periods[0].start_time, *(periods + 1).start_time]
        if kind == "released":
            _released_curves(ax, x, table)
        else:
            _casualty_curves(ax, x, table)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    return _finish(fig, path)


def _curve(table: pd.DataFrame, col: str) -> list[float]:
    return [0.0, *table[col].astype(float)]


def _released_curves(ax: Axes, x: list[Any], table: pd.DataFrame) -> None:
    """Draw the running totals of land released, per outcome and in all."""
    for s in RELEASED_STATUSES:
        if f"{s}_cum" in table and table[f"{s}_cum"].any():
            ax.plot(x, _curve(table, f"{s}_cum"), label=s, color=_RELEASE_COLORS[s], linewidth=1.5)
    ax.plot(x, _curve(table, "released_cum"), label="all released", color=CHART_TOTAL, linewidth=2)
    ax.set_ylabel("km² released, cumulative")
    ax.set_title("Cumulative land released")


def _casualty_curves(ax: Axes, x: list[Any], table: pd.DataFrame) -> None:
    """Draw the running totals of casualties, killed and injured."""
    for col, color in CHART_CASUALTY_LINES.items():
        ax.plot(
            x,
            _curve(table, col),
            label=col.removesuffix("_cum"),
            color=color,
            linewidth=2 if col == "casualties_cum" else 1.5,
        )
    ax.set_ylabel("people, cumulative")
    ax.set_title("Cumulative casualties")
