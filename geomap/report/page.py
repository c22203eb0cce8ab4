"""``report.html``: key figures, the map, the charts and the tables on one offline page.

Every piece of user text is escaped; the charts are inlined as PNG data URIs and the
map is an ``iframe`` of ``map.html`` beside it, so the page reaches for no network.

The page speaks the report's language (:data:`geomap.i18n.LANGUAGES`): its words come
from the message catalogues, its numbers and dates from Babel, its table cells from
:mod:`geomap.report.words`; an Arabic page is right to left (``dir="rtl"``), its layout
mirrored by CSS logical properties.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
from babel.dates import format_time
from babel.numbers import format_decimal

from geomap.analysis import DISTRICT_COLUMNS
from geomap.analysis import PRIORITY_COLUMNS
from geomap.analysis import AnalysisResult
from geomap.analysis import KeyFigures
from geomap.analysis.pipeline import unknown_as_text
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import Translate
from geomap.i18n import check_lang
from geomap.i18n import format_date
from geomap.i18n import format_number
from geomap.i18n import text_direction
from geomap.i18n import translator
from geomap.i18n.names import translated_names
from geomap.report.words import NAME_COLUMNS
from geomap.report.words import table_html

__all__ = ["report_name_map", "report_page"]

_e = html.escape

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",
sans-serif;margin:0;color:#222;background:#fafafa}
header,section{max-width:1180px;margin:0 auto;padding:12px 20px}
header{border-bottom:3px solid #b2182b}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:18px 0 8px;
border-bottom:1px solid #ddd}
.sub{color:#555;margin:0}
.figures{display:flex;flex-wrap:wrap;gap:10px;padding:0;list-style:none}
.figures li{background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px 12px;
min-width:150px}
.figures b{display:block;font-size:20px}
iframe{width:100%;height:560px;border:1px solid #bbb;background:#eee}
figure{margin:0 0 14px}figure img{max-width:100%;height:auto;border:1px solid #ddd;
background:#fff}
figcaption{color:#555;font-size:12px}
table{border-collapse:collapse;font-size:12px;background:#fff;margin-bottom:8px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:end}
th{background:#f0f0f0}td:nth-child(-n+2){text-align:start}
.note{color:#555;font-size:12px}
@media print{iframe{height:420px}section{break-inside:avoid}}
"""


@dataclass(frozen=True)
class _Words:
    """The page's language: its translation function, and names as shown in it."""

    lang: str = DEFAULT_LANG
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def _(self) -> Translate:
        return translator(self.lang)

    def n(self, value: float, digits: int = 0) -> str:
        """Return a number in the page's language (Babel), at most ``digits`` decimals."""
        return format_number(value, self.lang, digits)

    def table(self, df: pd.DataFrame, max_rows: int | None = None) -> str:
        """Return an analysis table as HTML, its cells in the page's language."""
        return table_html(df, self.lang, max_rows=max_rows, names=self.names)


def _png_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _section(key: str, heading: str) -> str:
    return f'<section id="{key}"><h2>{_e(heading)}</h2>'


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _count_text(f: KeyFigures, what: str, w: _Words) -> str:
    """``killed``, ``injured`` or ``casualties`` as text: "unknown" when no count is known."""
    _ = w._
    unknown = int(getattr(f, f"{what}_unknown"))
    value = int(getattr(f, what))
    if f.incidents and unknown >= f.incidents and not value:
        return _("unknown")
    if not unknown:
        return w.n(value)
    return _(
        "{value} (not known for {unknown} of the incidents)", value=w.n(value), unknown=w.n(unknown)
    )


def _figures(f: KeyFigures, w: _Words) -> list[tuple[str, str]]:
    """Return the key figures as (label, value) pairs."""
    _ = w._

    def km2(key: str) -> str:
        value = f.km2_by_contamination.get(key, 0.0)
        text = format_decimal(value, format="#,##0.00", locale=w.lang) if value else w.n(0)
        return _("{area} km²", area=text)

    out = [
        (_("Incidents"), w.n(f.incidents)),
        (_("Inside a hazard area"), w.n(f.inside)),
        (_("Near one"), w.n(f.nearby)),
        (_("Outside every area"), w.n(f.unlinked)),
        (_("Casualties"), _count_text(f, "casualties", w)),
        (_("Killed"), _count_text(f, "killed", w)),
    ]
    if f.killed_by_victim is not None:
        for c, label in (
            ("civilian", _("Civilians killed")),
            ("journalist", _("Journalists killed")),
        ):
            n = f.killed_by_victim.get(c, 0)
            out.append((label, _("unknown") if n is None else w.n(n)))
    return [
        *out,
        (_("Hazard areas"), w.n(f.hazard_areas)),
        (_("Contaminated (active)"), km2("contaminated")),
        (_("Released"), km2("released")),
        (_("Proposed suspected areas"), w.n(f.proposed)),
        (_("Data-quality flags"), w.n(f.quality_flags)),
    ]


def _head(title: str, subtitle: str | None, figures: list[tuple[str, str]], w: _Words) -> list[str]:
    _ = w._
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(w.lang)}" dir="{text_direction(w.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>",
    ]
    if subtitle:
        parts.append(f'<p class="sub">{_e(subtitle)}</p>')
    now = datetime.now()
    stamp = f"{format_date(now.date(), w.lang)} {format_time(now, 'short', locale=w.lang)}"
    made = _("Made with geomap on {date}.", date=stamp)
    parts.append(f'<p class="sub">{_e(made)}</p></header>')
    parts.append(_section("figures", _("Key figures")) + '<ul class="figures">')
    parts += [f"<li>{_e(label)}<b>{_e(value)}</b></li>" for label, value in figures]
    parts.append("</ul></section>")
    return parts


def _map_and_charts(charts: Sequence[tuple[Path, str]], w: _Words) -> list[str]:
    _ = w._
    frame_title = _("Map of incidents, hazard areas and proposed areas")
    open_map = _("Open the map on its own page")
    proposed = _(
        "Incidents outside every hazard area that cluster together are drawn as "
        "proposed suspected hazard areas (purple, dashed)."
    )
    parts = [
        _section("map", _("Map"))
        + f'<iframe src="map.html" title="{_e(frame_title)}"></iframe>'
        + f'<p class="note"><a href="map.html">{_e(open_map)}</a>. {_e(proposed)}</p></section>',
        _section("charts", _("Trends")),
    ]
    for path, caption in charts:
        shown = _(caption)
        parts.append(
            f'<figure><img src="{_png_uri(path)}" alt="{_e(shown)}">'
            f"<figcaption>{_e(shown)} ({_e(path.name)})</figcaption></figure>"
        )
    parts.append("</section>")
    return parts


def _districts(table: gpd.GeoDataFrame | None, w: _Words) -> list[str]:
    if table is None:
        return []
    _ = w._
    note = _(
        "Joined on geometry: each incident counts in the district polygon it lies in; "
        "hazard land is split at district boundaries, overlaps dissolved."
    )
    return [
        _section("districts", _("Districts")),
        w.table(pd.DataFrame(table[list(DISTRICT_COLUMNS)])),
        _note(note) + "</section>",
    ]


def _priorities(priorities: gpd.GeoDataFrame, top: int, w: _Words) -> list[str]:
    _ = w._
    cols = [c for c in PRIORITY_COLUMNS if c in priorities.columns]
    heading = _("Priorities: top {top} active hazard areas", top=w.n(top))
    note = _(
        "Score 0–100: the weighted mean of factors scaled 0–1 (closeness to towns and "
        "roads, towns within the radius, linked casualties, size); see "
        "geomap.analysis.prioritise."
    )
    return [
        _section("priorities", heading),
        w.table(unknown_as_text(pd.DataFrame(priorities[cols])), max_rows=top),
        _note(note) + "</section>",
    ]


def _proposed_and_areas(proposed: gpd.GeoDataFrame, areas: pd.DataFrame, w: _Words) -> list[str]:
    _ = w._
    parts = [_section("proposed", _("Proposed suspected hazard areas"))]
    if len(proposed):
        parts.append(w.table(pd.DataFrame(proposed.drop(columns="geometry"))))
    else:
        parts.append(_note(_("None: no cluster of unlinked incidents.")))
    parts.append("</section>")
    parts.append(_section("areas", _("Hazard land (km², overlaps dissolved)")))
    parts.append(w.table(areas))
    parts.append("</section>")
    return parts


def _quality(quality: pd.DataFrame, w: _Words) -> list[str]:
    _ = w._
    parts = [_section("quality", _("Data quality"))]
    if len(quality):
        counts = quality["check"].value_counts().rename_axis("check").reset_index(name="flags")
        parts.append(w.table(counts))
        parts.append(w.table(quality, max_rows=50))
    else:
        parts.append(_note(_("No flags.")))
    parts.append("</section>")
    return parts


def _settings(result: AnalysisResult, files: Sequence[str], w: _Words) -> list[str]:
    _ = w._
    o = result.options
    weights = result.priorities.attrs.get("weights", {})

    def metres(value: float) -> str:
        return _("{distance} m", distance=w.n(value, 3))

    settings = {
        _("linking distance"): metres(o.max_distance_m),
        _("clustering"): _(
            "DBSCAN, eps {eps}, {n} or more incidents, hull buffered by {buffer}",
            eps=metres(o.eps_m),
            n=w.n(o.min_incidents),
            buffer=metres(o.buffer_m),
        ),
        _("priority radius"): metres(o.radius_m),
        _("priority weights"): ", ".join(" ".join((_(k), w.n(v, 3))) for k, v in weights.items()),
    }
    parts = [_section("settings", _("Settings and files")) + "<ul>"]
    parts += [f"<li>{_e(k)}: {_e(v)}</li>" for k, v in settings.items()]
    parts.append("</ul><ul>")
    parts += [f'<li><a href="{_e(name)}">{_e(name)}</a></li>' for name in files]
    parts.append("</ul></section></body></html>")
    return parts


def report_name_map(result: AnalysisResult, lang: str = DEFAULT_LANG) -> dict[str, dict[str, str]]:
    """Return, per name column of the tables, its names as shown in ``lang``.

    A column's names come from its context layer (:data:`geomap.report.words.NAME_COLUMNS`):
    each ``name`` maps to the layer's ``name_<lang>`` where it has that column
    (:func:`geomap.i18n.names.translated_names`).
    """
    layers = {"districts": result.districts, "towns": result.towns, "roads": result.roads}
    by_layer = {key: translated_names(layer, lang) for key, layer in layers.items()}
    return {column: by_layer[key] for column, key in NAME_COLUMNS.items()}


def report_page(
    result: AnalysisResult,
    *,
    title: str,
    subtitle: str | None,
    charts: Sequence[tuple[Path, str]],
    files: Sequence[str],
    lang: str = DEFAULT_LANG,
) -> str:
    """Return ``report.html``'s text for an analysis.

    Parameters
    ----------
    result : AnalysisResult
        What :func:`geomap.analysis.run_analysis` returned (its ``options.top``
        priority areas are shown).
    title, subtitle : str
        The page's heading (the subtitle may be None), shown as given.
    charts : sequence of (Path, str)
        Each chart's PNG file (inlined) and caption (an English message id, shown
        translated).
    files : sequence of str
        The folder's files, listed and linked at the end.
    lang : str, default "en"
        The page's language, one of :data:`geomap.i18n.LANGUAGES`.

    Returns
    -------
    str
        The HTML page.
    """
    w = _Words(check_lang(lang), report_name_map(result, lang))
    return "\n".join(
        [
            *_head(title, subtitle, _figures(result.figures, w), w),
            *_map_and_charts(charts, w),
            *_districts(result.district_table, w),
            *_priorities(result.priorities, result.options.top, w),
            *_proposed_and_areas(result.proposed, result.areas, w),
            *_quality(result.quality, w),
            *_settings(result, files, w),
        ]
    )
