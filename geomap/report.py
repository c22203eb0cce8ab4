"""A report folder: the map, the statistics, the charts and a one-page HTML summary.

:func:`write_report` runs the whole analysis (:mod:`geomap.analysis`) on validated
layers and writes, each file atomically:

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

The library never prints: pass ``progress`` to follow the steps.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap import analysis, charts
from geomap.io import atomic_path, write_layer
from geomap.map import DEFAULT_BASEMAPS, render_map, save_map
from geomap.validate import ValidationResult

__all__ = ["REPORT_FILES", "ProgressHook", "write_report"]

log = logging.getLogger(__name__)

#: ``progress(step, number, total)``: called as each step starts (numbered from 1).
ProgressHook = Callable[[str, int, int], None]

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

_STEPS = (
    "linking incidents to hazard areas",
    "clustering unlinked incidents",
    "measuring areas",
    "computing trends",
    "aggregating by district",
    "ranking hazard areas",
    "checking data quality",
    "drawing charts",
    "drawing the map",
    "writing tables and the report",
)

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


def _kept(data: ValidationResult | gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    return data.kept if isinstance(data, ValidationResult) else data


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


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    write_layer(df, path)


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    if path.exists():
        path.unlink()  # write_layer appends layers to an existing GeoPackage
    write_layer(gdf, path, layer=layer)


def _figures(
    linked: gpd.GeoDataFrame,
    hazards: gpd.GeoDataFrame,
    areas: pd.DataFrame,
    proposed: gpd.GeoDataFrame,
    quality: pd.DataFrame,
) -> list[tuple[str, str]]:
    counts = linked["link"].value_counts()
    killed = pd.to_numeric(linked.get("killed"), errors="coerce").fillna(0)
    injured = pd.to_numeric(linked.get("injured"), errors="coerce").fillna(0)
    cat = linked["victim_category"].astype(str) if "victim_category" in linked else None
    by = areas.set_index("contamination") if "contamination" in areas else pd.DataFrame()

    def km2(key: str) -> str:
        if key not in by.index:
            return "0 km²"
        return f"{float(by.loc[key, 'area_km2']):,.2f} km²"

    out = [
        ("Incidents", f"{len(linked):,}"),
        ("Inside a hazard area", f"{counts.get('inside', 0):,}"),
        ("Near one", f"{counts.get('nearby', 0):,}"),
        ("Outside every area", f"{counts.get('unlinked', 0):,}"),
        ("Casualties", f"{int(killed.sum() + injured.sum()):,}"),
        ("Killed", f"{int(killed.sum()):,}"),
    ]
    if cat is not None:
        for c in ("civilian", "journalist"):
            out.append((f"{c.capitalize()}s killed", f"{int(killed[cat == c].sum()):,}"))
    out += [
        ("Hazard areas", f"{len(hazards):,}"),
        ("Contaminated (active)", km2("contaminated")),
        ("Released", km2("released")),
        ("Proposed suspected areas", f"{len(proposed):,}"),
        ("Data-quality flags", f"{len(quality):,}"),
    ]
    return out


def write_report(
    folder: str | os.PathLike[str],
    incidents: ValidationResult | gpd.GeoDataFrame,
    hazards: ValidationResult | gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame | None = None,
    towns: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    *,
    max_distance_m: float = 500.0,
    eps_m: float = 1000.0,
    min_incidents: int = 2,
    buffer_m: float = 250.0,
    weights: Mapping[str, float] | None = None,
    radius_m: float = 5000.0,
    top: int = 20,
    record_start: str = "1900-01-01",
    district_id: str | None = None,
    title: str = "Explosive ordnance contamination: analysis",
    subtitle: str | None = None,
    tiles: str | Sequence[str] | None = DEFAULT_BASEMAPS,
    progress: ProgressHook | None = None,
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
    max_distance_m : float, default 500
        Linking distance (:func:`geomap.analysis.link_incidents`).
    eps_m, min_incidents, buffer_m
        Clustering of unlinked incidents (:func:`geomap.analysis.propose_hazard_areas`).
    weights : dict, optional
        Priority weights (:data:`geomap.analysis.DEFAULT_WEIGHTS` for the defaults).
    radius_m : float, default 5000
        Priority radius.
    top : int, default 20
        Priority rows shown in ``report.html`` (``priorities.csv`` has them all).
    record_start : str, default "1900-01-01"
        Start of the record, for the data-quality date check.
    district_id : str, optional
        The districts' id column (default: found automatically, else the row number).
    title, subtitle : str
        Shown on the map and the report.
    tiles : str, list of str or None
        Basemaps of the map (see :func:`geomap.render_map`); the data draw offline
        either way.
    progress : callable, optional
        ``progress(step, number, total)`` before each step.

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
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    inc = _kept(incidents)
    haz = _kept(hazards)
    if inc is None or haz is None:
        raise ValueError("write_report needs both incidents and hazards")
    total = len(_STEPS)
    step_no = 0

    def step() -> None:
        nonlocal step_no
        name = _STEPS[step_no]
        step_no += 1
        log.info("report: step %d/%d: %s", step_no, total, name)
        if progress is not None:
            progress(name, step_no, total)

    files: dict[str, Path] = {}

    step()
    linked = analysis.link_incidents(inc, haz, max_distance_m=max_distance_m)
    step()
    proposed = analysis.propose_hazard_areas(
        linked, eps_m=eps_m, min_incidents=min_incidents, buffer_m=buffer_m
    )
    step()
    areas = analysis.area_summary(haz)
    step()
    trends = {
        "release-trend-monthly.csv": analysis.release_trend(haz, "M"),
        "release-trend-yearly.csv": analysis.release_trend(haz, "Y"),
        "casualties-monthly.csv": analysis.casualty_trend(linked, "M"),
        "casualties-yearly.csv": analysis.casualty_trend(linked, "Y"),
    }
    timeline = analysis.timeline(linked, haz, "M")
    step()
    table_districts = (
        analysis.district_summary(linked, haz, districts, id_field=district_id)
        if districts is not None
        else None
    )
    step()
    priorities = analysis.prioritise(
        haz,
        towns,
        roads,
        linked,
        weights=weights,
        radius_m=radius_m,
        max_distance_m=max_distance_m,
    )
    step()
    quality = analysis.check_quality(haz, inc, record_start=record_start)
    step()
    for name, draw in (
        (
            "release-trend.png",
            lambda p: charts.release_chart(trends["release-trend-monthly.csv"], p),
        ),
        (
            "casualties-by-month.png",
            lambda p: charts.casualty_chart(trends["casualties-monthly.csv"], p),
        ),
        (
            "cumulative.png",
            lambda p: charts.cumulative_chart(
                trends["release-trend-monthly.csv"], trends["casualties-monthly.csv"], p
            ),
        ),
    ):
        draw(out / name)
        files[name] = out / name
    step()
    popup = [
        c
        for c in (
            "id",
            "date",
            "incident_type",
            "killed",
            "injured",
            "victim_category",
            "device_category",
            "district",
            "link",
            "hazard_id",
            "distance_m",
        )
        if c in linked.columns
    ]
    m = render_map(
        linked,
        haz,
        districts=districts,
        proposed=proposed,
        places=towns,
        roads=roads,
        title=title,
        subtitle=subtitle,
        popup_fields={"incidents": popup},
        tiles=tiles,
    )
    save_map(m, out / "map.html")
    files["map.html"] = out / "map.html"
    step()
    source_cols = ["source_file", "source_row"]
    tables: dict[str, pd.DataFrame] = {
        "links.csv": linked.drop(columns=source_cols, errors="ignore"),
        "areas.csv": areas,
        **trends,
        "priorities.csv": pd.DataFrame(priorities.drop(columns="geometry")),
        "quality.csv": quality,
    }
    if table_districts is not None:
        tables["districts.csv"] = pd.DataFrame(table_districts.drop(columns="geometry"))
    for name, df in tables.items():
        _write_csv(df, out / name)
        files[name] = out / name
    _write_text(out / "timeline.json", json.dumps(timeline, indent=1))
    files["timeline.json"] = out / "timeline.json"
    _write_gpkg(proposed, out / "proposed-hazard-areas.gpkg", "proposed_hazard_areas")
    files["proposed-hazard-areas.gpkg"] = out / "proposed-hazard-areas.gpkg"
    _write_gpkg(priorities, out / "priorities.gpkg", "priorities")
    files["priorities.gpkg"] = out / "priorities.gpkg"

    page = _page(
        title=title,
        subtitle=subtitle,
        figures=_figures(
            linked,
            haz,
            analysis.area_summary(haz, by=["contamination"], total=False),
            proposed,
            quality,
        ),
        charts_=[
            (files["release-trend.png"], "Land released per month, by outcome (km²)"),
            (files["casualties-by-month.png"], "Casualties per month, by victim category"),
            (files["cumulative.png"], "Running totals of land released and casualties"),
        ],
        districts=table_districts,
        priorities=priorities,
        proposed=proposed,
        areas=areas,
        quality=quality,
        top=top,
        settings={
            "linking distance": f"{max_distance_m:g} m",
            "clustering": f"DBSCAN, eps {eps_m:g} m, at least {min_incidents} incidents, "
            f"hull buffered by {buffer_m:g} m",
            "priority radius": f"{radius_m:g} m",
            "priority weights": ", ".join(
                f"{k} {v:g}" for k, v in priorities.attrs.get("weights", {}).items()
            ),
        },
        files=sorted([*files, "report.html"]),
    )
    _write_text(out / "report.html", page)
    files["report.html"] = out / "report.html"
    log.info("wrote report %s (%d files)", out, len(files))
    return files


def _page(
    *,
    title: str,
    subtitle: str | None,
    figures: list[tuple[str, str]],
    charts_: list[tuple[Path, str]],
    districts: gpd.GeoDataFrame | None,
    priorities: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    areas: pd.DataFrame,
    quality: pd.DataFrame,
    top: int,
    settings: dict[str, str],
    files: list[str],
) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{e(title)}</h1>",
    ]
    if subtitle:
        parts.append(f'<p class="sub">{e(subtitle)}</p>')
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    parts.append(f'<p class="sub">Made with geomap on {stamp}.</p></header>')
    parts.append('<section id="figures"><h2>Key figures</h2><ul class="figures">')
    parts += [f"<li>{e(label)}<b>{e(value)}</b></li>" for label, value in figures]
    parts.append("</ul></section>")
    parts.append(
        '<section id="map"><h2>Map</h2>'
        '<iframe src="map.html" title="Map of incidents, hazard areas and proposed areas">'
        "</iframe>"
        '<p class="note"><a href="map.html">Open the map on its own page</a>. '
        "Incidents outside every hazard area that cluster together are drawn as proposed "
        "suspected hazard areas (purple, dashed).</p></section>"
    )
    parts.append('<section id="charts"><h2>Trends</h2>')
    for path, caption in charts_:
        parts.append(
            f'<figure><img src="{_png_uri(path)}" alt="{e(caption)}">'
            f"<figcaption>{e(caption)} ({e(path.name)})</figcaption></figure>"
        )
    parts.append("</section>")
    if districts is not None:
        cols = [
            "district_id",
            "name",
            "incidents",
            "killed",
            "injured",
            "casualties",
            "active_km2",
            "released_km2",
        ]
        parts.append('<section id="districts"><h2>Districts</h2>')
        parts.append(_table_html(pd.DataFrame(districts[cols])))
        parts.append(
            '<p class="note">Joined on geometry: each incident counts in the district '
            "polygon it lies in; hazard land is split at district boundaries, overlaps "
            "dissolved.</p></section>"
        )
    prio_cols = [
        c
        for c in (
            "rank",
            "score",
            "id",
            "hazard_class",
            "district",
            "area_km2",
            "nearest_town",
            "town_distance_m",
            "towns_within",
            "nearest_road",
            "road_distance_m",
            "casualties",
        )
        if c in priorities.columns
    ]
    parts.append(f'<section id="priorities"><h2>Priorities: top {top} active hazard areas</h2>')
    parts.append(_table_html(pd.DataFrame(priorities[prio_cols]), max_rows=top))
    parts.append(
        '<p class="note">Score 0–100: the weighted mean of factors scaled 0–1 '
        "(closeness to towns and roads, towns within the radius, linked casualties, "
        "size); see geomap.analysis.prioritise.</p></section>"
    )
    parts.append('<section id="proposed"><h2>Proposed suspected hazard areas</h2>')
    if len(proposed):
        parts.append(_table_html(pd.DataFrame(proposed.drop(columns="geometry"))))
    else:
        parts.append('<p class="note">None: no cluster of unlinked incidents.</p>')
    parts.append("</section>")
    parts.append('<section id="areas"><h2>Hazard land (km², overlaps dissolved)</h2>')
    parts.append(_table_html(areas))
    parts.append("</section>")
    parts.append('<section id="quality"><h2>Data quality</h2>')
    if len(quality):
        counts = quality["check"].value_counts().rename_axis("check").reset_index(name="flags")
        parts.append(_table_html(counts))
        parts.append(_table_html(quality, max_rows=50))
    else:
        parts.append('<p class="note">No flags.</p>')
    parts.append("</section>")
    parts.append('<section id="settings"><h2>Settings and files</h2><ul>')
    parts += [f"<li>{e(k)}: {e(v)}</li>" for k, v in settings.items()]
    parts.append("</ul><ul>")
    parts += [f'<li><a href="{e(name)}">{e(name)}</a></li>' for name in files]
    parts.append("</ul></section></body></html>")
    return "\n".join(parts)
