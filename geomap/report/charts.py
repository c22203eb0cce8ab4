"""Trend charts as PNG images (matplotlib), from :mod:`geomap.analysis` tables.

matplotlib is imported only when a chart is drawn, and only its object-oriented
API is used (a :class:`matplotlib.figure.Figure` with the Agg canvas): no pyplot,
no global state, nothing opens a window. Install it with
``pip install 'geomap[analysis]'``.

Each function returns the :class:`~matplotlib.figure.Figure`, or, given a
``path``, writes the PNG there atomically and returns the path.

Given ``lang`` (:data:`geomap.i18n.LANGUAGES`), a chart's titles, axis labels and legend
come from the message catalogues, its numbers and month ticks from Babel. matplotlib
neither joins Arabic letters nor orders right-to-left text, so in Arabic each text is
shaped (``arabic-reshaper``) and put in display order (``python-bidi``) before it is
drawn, in Noto Sans Arabic where the system has it (Debian's ``fonts-noto-core``),
else in DejaVu Sans.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pandas as pd
from babel.dates import format_skeleton

from geomap._errors import GeomapError
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import check_lang
from geomap.i18n import format_month
from geomap.i18n import format_number
from geomap.i18n import text_direction
from geomap.i18n import translator
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
#: The fonts of right-to-left charts, the first the system has (glyphs missing from one
#: are taken from the next).
_RTL_FONTS = ("Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans")
_RELEASE_TITLE = N_("Land released per period")
_CASUALTY_TITLE = N_("Casualties per period, by victim category")


def _require(module: str, install: str) -> None:
    try:
        __import__(module)
    except ImportError:
        raise GeomapError(
            f"{install.split()[0]} is needed to draw charts; install it with "
            f"pip install 'geomap[analysis]' (or: pip install {install})"
        ) from None


def _shaper(lang: str) -> Callable[[str], str]:
    """Return the function that makes ``lang``'s text drawable by matplotlib."""
    if text_direction(lang) == "ltr":
        return str
    _require("arabic_reshaper", "arabic-reshaper python-bidi")
    _require("bidi", "python-bidi")
    import arabic_reshaper
    from bidi import get_display

    def shape(text: str) -> str:
        return str(get_display(arabic_reshaper.reshape(text)))

    return shape


class _Words:
    """A chart's text in a language: translated, its numbers and dates by Babel, drawable."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self._ = translator(self.lang)
        self.shape = _shaper(self.lang)

    def __call__(self, message: str, /, **values: Any) -> str:
        return self.shape(self._(message, **values))

    def number(self, value: float) -> str:
        return self.shape(format_number(value, self.lang, 2))

    def ticks(self, days: list[Any], day: Any) -> str:
        """Return a date tick: the year, the month or the day, as the ticks' spacing needs."""
        if all(d.month == 1 and d.day == 1 for d in days):
            text = format_skeleton("y", day, locale=self.lang)
        elif all(d.day == 1 for d in days):
            text = format_month(day, self.lang)
        else:
            text = format_skeleton("yMMMd", day, locale=self.lang)
        return self.shape(text)


@contextlib.contextmanager
def _fonts(words: _Words) -> Iterator[None]:
    """Draw in fonts with the language's script (right-to-left languages only)."""
    _require("matplotlib", "matplotlib")
    if text_direction(words.lang) == "ltr":
        yield
        return
    from matplotlib import font_manager
    from matplotlib import rc_context

    known = {f.name for f in font_manager.fontManager.ttflist}
    with rc_context({"font.family": [f for f in _RTL_FONTS if f in known] or ["DejaVu Sans"]}):
        yield


def _figure(rows: int = 1) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(_SIZE[0], _SIZE[1] * rows), dpi=_DPI, layout="constrained")


def _axes_text(ax: Axes, words: _Words) -> None:
    """Write the y axis' numbers and the x axis' months (or years) in the language."""
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: words.number(v)))

    def label(value: float, _pos: int | None = None) -> str:
        days = [num2date(v) for v in ax.xaxis.get_majorticklocs()] or [num2date(value)]
        return words.ticks(days, num2date(value).date())

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def _freq(trend: pd.DataFrame) -> str:
    return "Y" if len(trend) and len(str(trend["period"].iloc[0])) == 4 else "M"


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked(
    ax: Axes, trend: pd.DataFrame, columns: list[str], colors: dict[str, str], words: _Words
) -> None:
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
            label=words(col),
            color=colors.get(col, CHART_FALLBACK),
            edgecolor=CHART_EDGE,
            linewidth=0.3,
            align="edge",
        )
        bottom += values
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    _axes_text(ax, words)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure | Path:
    if path is None:
        fig.draw_without_rendering()  # the ticks take the language's fonts now
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
    title: str = _RELEASE_TITLE,
    lang: str = DEFAULT_LANG,
) -> Figure | Path:
    """Stacked bars of km² cancelled, reduced, cleared and handed over per period.

    Parameters
    ----------
    trend : pandas.DataFrame
        From :func:`geomap.analysis.release_trend`.
    path : str or Path, optional
        Where to write the PNG.
    title : str
        Chart title (the default is shown in ``lang``).
    lang : str, default "en"
        The language of the chart's text, numbers and months.

    Returns
    -------
    matplotlib.figure.Figure or Path
        The figure, or the path written.

    Examples
    --------
    >>> from geomap.analysis import release_trend
    >>> release_chart(release_trend(hazards), "release.png", lang="az")  # doctest: +SKIP
    PosixPath('release.png')
    """
    _ = _Words(lang)
    with _fonts(_):
        fig = _figure()
        ax = fig.add_subplot()
        columns = [c for c in RELEASED_STATUSES if c in trend.columns]
        if trend.empty or not columns:
            _empty(ax, _("no released land"))
        else:
            _stacked(ax, trend, columns, _RELEASE_COLORS, _)
            ax.set_ylabel(_("km² released"))
        ax.set_title(_(title))
        return _finish(fig, path)


def casualty_chart(
    trend: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = _CASUALTY_TITLE,
    lang: str = DEFAULT_LANG,
) -> Figure | Path:
    """Stacked bars of casualties (killed + injured) per period, by victim category.

    Parameters
    ----------
    trend : pandas.DataFrame
        Casualties per period, as :func:`geomap.analysis.casualty_trend` returns them.
    path : str or Path, optional
        A PNG file to write; without it, the figure is returned to show or adjust.
    title : str
        The title above the bars (the default is shown in ``lang``).
    lang : str, default "en"
        The language of the chart's text, numbers and months.

    Returns
    -------
    matplotlib.figure.Figure or Path

    Examples
    --------
    >>> from geomap.analysis import casualty_trend
    >>> casualty_chart(casualty_trend(incidents), "casualties.png")  # doctest: +SKIP
    PosixPath('casualties.png')
    """
    _ = _Words(lang)
    fixed = {"period", "start", "incidents", "killed", "injured", "casualties"}
    cats = [c for c in trend.columns if c not in fixed and not str(c).endswith("_cum")]
    order = [c for c in VICTIM_CATEGORY.codes if c in cats] + [
        c for c in cats if c not in VICTIM_CATEGORY.codes
    ]
    with _fonts(_):
        fig = _figure()
        ax = fig.add_subplot()
        if trend.empty:
            _empty(ax, _("no dated incidents"))
        else:
            _stacked(ax, trend, order or ["casualties"], VICTIM_COLORS, _)
            ax.set_ylabel(_("casualties (killed + injured)"))
        ax.set_title(_(title))
        return _finish(fig, path)


def cumulative_chart(
    release: pd.DataFrame | None = None,
    casualties: pd.DataFrame | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    lang: str = DEFAULT_LANG,
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
    lang : str, default "en"
        The language of the chart's text, numbers and months.

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
    _ = _Words(lang)
    with _fonts(_):
        fig = _figure(rows=2)
        axes: Any = fig.subplots(2, 1, sharex=True)
        for ax, (kind, table) in zip(axes, panels, strict=True):
            if table is None or table.empty:
                empty = _("no released land") if kind == "released" else _("no dated incidents")
                _empty(ax, empty)
                continue
            # Each running total is reached at the end of its period, from 0 at the start.
            periods = pd.PeriodIndex(table["period"].astype(str), freq=_freq(table))
            x = [periods[0].start_time, *(periods + 1).start_time]
            if kind == "released":
                _released_curves(ax, x, table, _)
            else:
                _casualty_curves(ax, x, table, _)
            ax.grid(alpha=0.3)
            _axes_text(ax, _)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
        return _finish(fig, path)


def _curve(table: pd.DataFrame, col: str) -> list[float]:
    return [0.0, *table[col].astype(float)]


def _released_curves(ax: Axes, x: list[Any], table: pd.DataFrame, words: _Words) -> None:
    """Draw the running totals of land released, per outcome and in all."""
    _ = words
    for s in RELEASED_STATUSES:
        if f"{s}_cum" in table and table[f"{s}_cum"].any():
            color = _RELEASE_COLORS[s]
            ax.plot(x, _curve(table, f"{s}_cum"), label=words(s), color=color, linewidth=1.5)
    total = _("all released")
    ax.plot(x, _curve(table, "released_cum"), label=total, color=CHART_TOTAL, linewidth=2)
    ax.set_ylabel(_("km² released, cumulative"))
    ax.set_title(_("Cumulative land released"))


def _casualty_curves(ax: Axes, x: list[Any], table: pd.DataFrame, words: _Words) -> None:
    """Draw the running totals of casualties, killed and injured."""
    _ = words
    for col, color in CHART_CASUALTY_LINES.items():
        ax.plot(
            x,
            _curve(table, col),
            label=words(col.removesuffix("_cum")),
            color=color,
            linewidth=2 if col == "casualties_cum" else 1.5,
        )
    ax.set_ylabel(_("people, cumulative"))
    ax.set_title(_("Cumulative casualties"))
