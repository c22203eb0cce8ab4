"""``report.html``: key figures, the map, the charts and the tables on one offline page.

Every piece of user text is escaped; the charts are inlined as PNG data URIs and the
map is an ``iframe`` of ``map.html`` beside it, so the page reaches for no network.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.analysis import DISTRICT_COLUMNS
from geomap.analysis import PRIORITY_COLUMNS
from geomap.analysis import AnalysisResult
from geomap.analysis import KeyFigures
from geomap.analysis.pipeline import unknown_as_text

__all__ = ["report_page"]

_e = html.escape

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
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
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f0f0f0}td:nth-child(-n+2){text-align:left}
.note{color:#555;font-size:12px}
@media print{iframe{height:420px}section{break-inside:avoid}}
"""


def _png_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _number(value: float) -> str:
    """Format a number for a table: thousands as whole numbers, small ones to 4 digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def _table_html(df: pd.DataFrame, max_rows: int | None = None) -> str:
    shown = df if max_rows is None else df.head(max_rows)
    text = shown.to_html(index=False, escape=True, na_rep="", border=0, float_format=_number)
    if max_rows is not None and len(df) > max_rows:
        text += f'<p class="note">First {max_rows} of {len(df)} rows; all in the CSV.</p>'
    return text


def _figures(f: KeyFigures) -> list[tuple[str, str]]:
    """Return the key figures as (label, value) pairs."""

    def km2(key: str) -> str:
        if key not in f.km2_by_contamination:
            return "0 km²"
        return f"{f.km2_by_contamination[key]:,.2f} km²"

    out = [
        ("Incidents", f"{f.incidents:,}"),
        ("Inside a hazard area", f"{f.inside:,}"),
        ("Near one", f"{f.nearby:,}"),
        ("Outside every area", f"{f.unlinked:,}"),
        ("Casualties", f.count_text("casualties")),
        ("Killed", f.count_text("killed")),
    ]
    if f.killed_by_victim is not None:
        for c in ("civilian", "journalist"):
            n = f.killed_by_victim.get(c, 0)
            out.append((f"{c.capitalize()}s killed", "unknown" if n is None else f"{n:,}"))
    return [
        *out,
        ("Hazard areas", f"{f.hazard_areas:,}"),
        ("Contaminated (active)", km2("contaminated")),
        ("Released", km2("released")),
        ("Proposed suspected areas", f"{f.proposed:,}"),
        ("Data-quality flags", f"{f.quality_flags:,}"),
    ]


def _head(title: str, subtitle: str | None, figures: list[tuple[str, str]]) -> list[str]:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>",
    ]
    if subtitle:
        parts.append(f'<p class="sub">{_e(subtitle)}</p>')
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    parts.append(f'<p class="sub">Made with geomap on {stamp}.</p></header>')
    parts.append('<section id="figures"><h2>Key figures</h2><ul class="figures">')
    parts += [f"<li>{_e(label)}<b>{_e(value)}</b></li>" for label, value in figures]
    parts.append("</ul></section>")
    return parts


def _map_and_charts(charts: Sequence[tuple[Path, str]]) -> list[str]:
    parts = [
        '<section id="map"><h2>Map</h2>'
        '<iframe src="map.html" title="Map of incidents, hazard areas and proposed areas">'
        "</iframe>"
        '<p class="note"><a href="map.html">Open the map on its own page</a>. '
        "Incidents outside every hazard area that cluster together are drawn as proposed "
        "suspected hazard areas (purple, dashed).</p></section>",
        '<section id="charts"><h2>Trends</h2>',
    ]
    for path, caption in charts:
        parts.append(
            f'<figure><img src="{_png_uri(path)}" alt="{_e(caption)}">'
            f"<figcaption>{_e(caption)} ({_e(path.name)})</figcaption></figure>"
        )
    parts.append("</section>")
    return parts


def _districts(table: gpd.GeoDataFrame | None) -> list[str]:
    if table is None:
        return []
    return [
        '<section id="districts"><h2>Districts</h2>',
        _table_html(pd.DataFrame(table[list(DISTRICT_COLUMNS)])),
        '<p class="note">Joined on geometry: each incident counts in the district '
        "polygon it lies in; hazard land is split at district boundaries, overlaps "
        "dissolved.</p></section>",
    ]


def _priorities(priorities: gpd.GeoDataFrame, top: int) -> list[str]:
    cols = [c for c in PRIORITY_COLUMNS if c in priorities.columns]
    return [
        f'<section id="priorities"><h2>Priorities: top {top} active hazard areas</h2>',
        _table_html(unknown_as_text(pd.DataFrame(priorities[cols])), max_rows=top),
        '<p class="note">Score 0–100: the weighted mean of factors scaled 0–1 '
        "(closeness to towns and roads, towns within the radius, linked casualties, "
        "size); see geomap.analysis.prioritise.</p></section>",
    ]


def _proposed_and_areas(proposed: gpd.GeoDataFrame, areas: pd.DataFrame) -> list[str]:
    parts = ['<section id="proposed"><h2>Proposed suspected hazard areas</h2>']
    if len(proposed):
        parts.append(_table_html(pd.DataFrame(proposed.drop(columns="geometry"))))
    else:
        parts.append('<p class="note">None: no cluster of unlinked incidents.</p>')
    parts.append("</section>")
    parts.append('<section id="areas"><h2>Hazard land (km², overlaps dissolved)</h2>')
    parts.append(_table_html(areas))
    parts.append("</section>")
    return parts


def _quality(quality: pd.DataFrame) -> list[str]:
    parts = ['<section id="quality"><h2>Data quality</h2>']
    if len(quality):
        counts = quality["check"].value_counts().rename_axis("check").reset_index(name="flags")
        parts.append(_table_html(counts))
        parts.append(_table_html(quality, max_rows=50))
    else:
        parts.append('<p class="note">No flags.</p>')
    parts.append("</section>")
    return parts


def _settings(result: AnalysisResult, files: Sequence[str]) -> list[str]:
    o = result.options
    weights = result.priorities.attrs.get("weights", {})
    settings = {
        "linking distance": f"{o.max_distance_m:g} m",
        "clustering": f"DBSCAN, eps {o.eps_m:g} m, at least {o.min_incidents} incidents, "
        f"hull buffered by {o.buffer_m:g} m",
        "priority radius": f"{o.radius_m:g} m",
        "priority weights": ", ".join(f"{k} {v:g}" for k, v in weights.items()),
    }
    parts = ['<section id="settings"><h2>Settings and files</h2><ul>']
    parts += [f"<li>{_e(k)}: {_e(v)}</li>" for k, v in settings.items()]
    parts.append("</ul><ul>")
    parts += [f'<li><a href="{_e(name)}">{_e(name)}</a></li>' for name in files]
    parts.append("</ul></section></body></html>")
    return parts


def report_page(
    result: AnalysisResult,
    *,
    title: str,
    subtitle: str | None,
    charts: Sequence[tuple[Path, str]],
    files: Sequence[str],
) -> str:
    """Return ``report.html``'s text for an analysis.

    Parameters
    ----------
    result : AnalysisResult
        What :func:`geomap.analysis.run_analysis` returned (its ``options.top``
        priority areas are shown).
    title, subtitle : str
        The page's heading (the subtitle may be None).
    charts : sequence of (Path, str)
        Each chart's PNG file (inlined) and caption.
    files : sequence of str
        The folder's files, listed and linked at the end.

    Returns
    -------
    str
        The HTML page.
    """
    return "\n".join(
        [
            *_head(title, subtitle, _figures(result.figures)),
            *_map_and_charts(charts),
            *_districts(result.district_table),
            *_priorities(result.priorities, result.options.top),
            *_proposed_and_areas(result.proposed, result.areas),
            *_quality(result.quality),
            *_settings(result, files),
        ]
    )
