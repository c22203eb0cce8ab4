"""The analysis sequence, run once: link, propose, areas, trends, districts, priorities, quality.

:func:`run_analysis` is the one orchestration of the analysis: ``geomap stats``,
``geomap report`` (:func:`geomap.report.write_report`) and notebooks call it, and
read its tables and key figures from the :class:`AnalysisResult` it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geomap._progress import step as progress_step
from geomap.analysis._common import Layer
from geomap.analysis._common import _counts
from geomap.analysis._common import _is_dask
from geomap.analysis._common import _kept
from geomap.analysis.areas import area_summary
from geomap.analysis.districts import DISTRICT_COLUMNS
from geomap.analysis.districts import district_summary
from geomap.analysis.link import link_incidents
from geomap.analysis.priorities import PRIORITY_COLUMNS
from geomap.analysis.priorities import prioritise
from geomap.analysis.propose import propose_hazard_areas
from geomap.analysis.quality import check_quality
from geomap.analysis.trends import casualty_trend
from geomap.analysis.trends import release_trend
from geomap.analysis.trends import timeline_of
from geomap.io.partitioned import using_scheduler
from geomap.load import warn_if_apart

__all__ = [
    "ANALYSIS_STEPS",
    "AnalysisOptions",
    "AnalysisResult",
    "KeyFigures",
    "ProgressHook",
    "run_analysis",
]

log = logging.getLogger(__name__)

#: ``progress(step, number, total)``: called as each step starts (numbered from 1).
ProgressHook = Callable[[str, int, int], None]

#: The steps of :func:`run_analysis`, as its progress hook names them.
ANALYSIS_STEPS = (
    "linking incidents to hazard areas",
    "clustering unlinked incidents",
    "measuring areas",
    "computing trends",
    "aggregating by district",
    "ranking hazard areas",
    "checking data quality",
)


@dataclass(frozen=True)
class AnalysisOptions:
    """The settings of :func:`run_analysis` (the defaults of ``geomap stats``).

    ``max_distance_m`` links incidents (:func:`~geomap.analysis.link_incidents`);
    ``eps_m``, ``min_incidents`` and ``buffer_m`` cluster the unlinked ones
    (:func:`~geomap.analysis.propose_hazard_areas`); ``radius_m`` and ``weights``
    rank the areas (:func:`~geomap.analysis.prioritise`); ``record_start`` is the
    first date of the record (:func:`~geomap.analysis.check_quality`); ``top`` is
    the number of priority areas shown; ``district_id`` the districts' id column.
    """

    max_distance_m: float = 500.0
    eps_m: float = 1000.0
    min_incidents: int = 2
    buffer_m: float = 250.0
    radius_m: float = 5000.0
    weights: Mapping[str, float] | None = None
    record_start: str = "1900-01-01"
    top: int = 10
    district_id: str | None = None


@dataclass(frozen=True)
class KeyFigures:
    """The headline numbers of an analysis, computed once from its tables.

    ``km2_by_contamination`` holds the dissolved km² of each ``contamination``
    group present ("contaminated", "released", "unknown"); ``killed_by_victim`` the
    killed per victim category (None when the incidents have no such column; a
    category's value is None when no incident of it has a known count);
    ``quality_by_check`` the flags per check, most frequent first.
    ``killed_unknown`` and ``injured_unknown`` count the incidents whose count is
    unknown (empty): those are left out of the sums, never counted as zero, and
    :meth:`count_text` says so.
    """

    incidents: int
    inside: int
    nearby: int
    unlinked: int
    killed: int
    injured: int
    casualties: int
    killed_by_victim: dict[str, int | None] | None
    hazard_areas: int
    km2_by_contamination: dict[str, float]
    proposed: int
    clustered: int
    quality_flags: int
    quality_by_check: dict[str, int]
    killed_unknown: int = 0
    injured_unknown: int = 0
    casualties_unknown: int = 0

    def count_text(self, what: str) -> str:
        """``killed``, ``injured`` or ``casualties`` as text: "unknown" when no count is known.

        Examples
        --------
        >>> f = KeyFigures(3, 0, 0, 3, 2, 0, 2, None, 0, {}, 0, 0, 0, {}, 1, 3, 3)
        >>> f.count_text("killed"), f.count_text("injured"), f.count_text("casualties")
        ('2 (unknown for 1 incident)', 'unknown', '2 (unknown for 3 incidents)')
        """
        unknown = int(getattr(self, f"{what}_unknown"))
        value = int(getattr(self, what))
        if self.incidents and unknown >= self.incidents and not value:
            return "unknown"
        if not unknown:
            return f"{value:,}"
        return f"{value:,} (unknown for {unknown:,} incident{'s' if unknown != 1 else ''})"

    @property
    def active_km2(self) -> float:
        """Contaminated (active) hazard land, km², overlaps dissolved."""
        return self.km2_by_contamination.get("contaminated", 0.0)

    @property
    def released_km2(self) -> float:
        """Released hazard land, km², overlaps dissolved."""
        return self.km2_by_contamination.get("released", 0.0)

    @classmethod
    def of(
        cls,
        linked: pd.DataFrame,
        hazards: pd.DataFrame,
        by_contamination: pd.DataFrame,
        proposed: pd.DataFrame,
        quality: pd.DataFrame,
    ) -> KeyFigures:
        """Count the key figures of an analysis's tables."""
        links = linked["link"].value_counts()
        killed, injured = (
            pd.Series(_counts(linked[c]) if c in linked else 0.0, index=linked.index)
            for c in ("killed", "injured")
        )
        missing = {
            c: pd.to_numeric(linked[c], errors="coerce").isna()
            if c in linked
            else pd.Series(True, index=linked.index)
            for c in ("killed", "injured")
        }
        by_victim = None
        if "victim_category" in linked:
            known = killed.where(~missing["killed"])
            sums = known.groupby(linked["victim_category"].astype(str)).sum(min_count=1)
            by_victim = {str(k): None if pd.isna(v) else int(v) for k, v in sums.items()}
        km2 = by_contamination.set_index("contamination")["area_km2"]
        return cls(
            incidents=len(linked),
            inside=int(links.get("inside", 0)),
            nearby=int(links.get("nearby", 0)),
            unlinked=int(links.get("unlinked", 0)),
            killed=int(killed.sum()),
            injured=int(injured.sum()),
            casualties=int(killed.sum() + injured.sum()),
            killed_by_victim=by_victim,
            hazard_areas=len(hazards),
            km2_by_contamination={str(k): float(v) for k, v in km2.items()},
            proposed=len(proposed),
            clustered=int(proposed["n_incidents"].sum()) if len(proposed) else 0,
            quality_flags=len(quality),
            quality_by_check={str(k): int(v) for k, v in quality["check"].value_counts().items()},
            killed_unknown=int(missing["killed"].sum()),
            injured_unknown=int(missing["injured"].sum()),
            casualties_unknown=int((missing["killed"] | missing["injured"]).sum()),
        )


@dataclass
class AnalysisResult:
    """Every table of an analysis and its key figures (see :func:`run_analysis`)."""

    options: AnalysisOptions
    incidents: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    linked: gpd.GeoDataFrame
    proposed: gpd.GeoDataFrame
    areas: pd.DataFrame
    areas_by_contamination: pd.DataFrame
    release_monthly: pd.DataFrame
    release_yearly: pd.DataFrame
    casualties_monthly: pd.DataFrame
    casualties_yearly: pd.DataFrame
    timeline: dict[str, Any]
    priorities: gpd.GeoDataFrame
    quality: pd.DataFrame
    figures: KeyFigures
    district_table: gpd.GeoDataFrame | None = None
    districts: gpd.GeoDataFrame | None = None
    towns: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the result tables by name, as a database or Parquet file holds them.

        The names are lower case with underscores (table names that need no
        quoting): ``links`` (the incidents with their link, without
        ``source_file``/``source_row``), ``proposed_hazard_areas``, ``priorities``,
        ``quality``, ``areas``, ``release_trend_monthly``, ``release_trend_yearly``,
        ``casualties_monthly``, ``casualties_yearly`` and, when districts were
        given, ``districts``. Tables with a geometry stay GeoDataFrames (EPSG:4326).
        ``geomap report`` writes the same tables as CSV; the frames are the
        result's own, so copy before changing them.

        Returns
        -------
        dict of str to DataFrame
            Table name → table, in the order above.

        Examples
        --------
        >>> import geomap
        >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
        >>> result = run_analysis(layers["incidents"], layers["hazards"])
        >>> list(result.tables())[:4]
        ['links', 'proposed_hazard_areas', 'priorities', 'quality']
        """
        tables: dict[str, pd.DataFrame] = {
            "links": self.linked.drop(columns=["source_file", "source_row"], errors="ignore"),
            "proposed_hazard_areas": self.proposed,
            "priorities": self.priorities,
            "quality": self.quality,
            "areas": self.areas,
            "release_trend_monthly": self.release_monthly,
            "release_trend_yearly": self.release_yearly,
            "casualties_monthly": self.casualties_monthly,
            "casualties_yearly": self.casualties_yearly,
        }
        if self.district_table is not None:
            tables["districts"] = self.district_table
        return tables

    def summary_lines(self, top: int | None = None) -> list[str]:
        """Return the lines ``geomap stats`` prints: key figures, districts, top priorities.

        Parameters
        ----------
        top : int, optional
            Priority areas to list (default: ``options.top``).

        Returns
        -------
        list of str
            The text, one line each (the first one empty).
        """
        lines = ["", *_figure_lines(self.figures, self.options)]
        if self.district_table is not None:
            lines += ["", "districts", *_text_table(_district_rows(self.district_table))]
        prio = self.priorities.head(self.options.top if top is None else top)
        if len(prio):
            cols = [c for c in _STATS_PRIORITY_COLUMNS if c in prio.columns]
            lines += [
                "",
                f"top {len(prio)} priority areas",
                *_text_table(unknown_as_text(pd.DataFrame(prio[cols]))),
            ]
        return lines


def run_analysis(
    incidents: Layer | Any,
    hazards: Layer,
    *,
    districts: gpd.GeoDataFrame | None = None,
    towns: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    options: AnalysisOptions | None = None,
    progress: ProgressHook | None = None,
    scheduler: str | None = None,
    **settings: Any,
) -> AnalysisResult:
    """Run the whole analysis once and keep every table and key figure.

    Links the incidents to the hazard areas, clusters the unlinked ones into
    proposed areas, measures the hazard land, computes the trends and timeline,
    aggregates by district (when districts are given), ranks the active areas and
    checks the data quality.

    Parameters
    ----------
    incidents : GeoDataFrame, ValidationResult or dask_geopandas.GeoDataFrame
        Validated incident points (a dask GeoDataFrame is linked partition by
        partition, then computed).
    hazards : GeoDataFrame or ValidationResult
        Validated hazard-area polygons.
    districts, towns, roads : GeoDataFrame, optional
        Context layers for the district table and the priority score.
    options : AnalysisOptions, optional
        The settings (default: :class:`AnalysisOptions`'s defaults).
    progress : callable, optional
        ``progress(step, number, total)`` as each of :data:`ANALYSIS_STEPS` starts.
    scheduler : str, optional
        Where a dask layer's partitions are computed: ``"synchronous"``,
        ``"threads"``, ``"processes"`` or a dask distributed scheduler's address
        (``"tcp://HOST:8786"``); see :func:`geomap.io.partitioned.using_scheduler`.
    **settings
        Fields of :class:`AnalysisOptions` to change, e.g. ``eps_m=800``.

    Returns
    -------
    AnalysisResult

    Examples
    --------
    >>> import geomap
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
    >>> result = run_analysis(layers["incidents"], layers["hazards"], eps_m=800)
    >>> result.figures.casualties, result.figures.incidents
    (177, 125)
    """
    if settings and options is not None:
        raise TypeError("give either `options` or option keywords, not both")
    opts = AnalysisOptions(**settings) if options is None else options
    context: dict[str, Any] = {"districts": districts, "towns": towns, "roads": roads}
    with using_scheduler(scheduler), ExitStack() as shown:  # shown: the running step
        t = _tables(_kept(incidents), _kept(hazards), opts, _stepper(progress, shown), **context)
    figures = KeyFigures.of(
        t["linked"], t["hazards"], t["areas_by_contamination"], t["proposed"], t["quality"]
    )
    return AnalysisResult(options=opts, figures=figures, **t, **context)


def _tables(
    inc: Any,
    haz: gpd.GeoDataFrame,
    opts: AnalysisOptions,
    step: Callable[[], None],
    *,
    districts: gpd.GeoDataFrame | None,
    towns: gpd.GeoDataFrame | None,
    roads: gpd.GeoDataFrame | None,
) -> dict[str, Any]:
    """Run each step of :data:`ANALYSIS_STEPS`; return the tables by field name."""
    step()
    linked, inc, lazy = _linked(inc, haz, opts)
    t: dict[str, Any] = {"incidents": inc, "hazards": haz, "linked": linked}
    step()
    t["proposed"] = propose_hazard_areas(
        linked, eps_m=opts.eps_m, min_incidents=opts.min_incidents, buffer_m=opts.buffer_m
    )
    step()
    t["areas"] = area_summary(haz)
    t["areas_by_contamination"] = area_summary(haz, by=["contamination"], total=False)
    step()
    t.update(_trends(lazy, haz))
    step()
    if districts is not None:
        warn_if_apart(districts, "districts", linked, haz)
        t["district_table"] = district_summary(lazy, haz, districts, id_field=opts.district_id)
    step()
    t["priorities"] = prioritise(
        haz,
        towns,
        roads,
        linked,
        weights=opts.weights,
        radius_m=opts.radius_m,
        max_distance_m=opts.max_distance_m,
    )
    step()
    t["quality"] = check_quality(haz, inc, record_start=opts.record_start)
    return t


def _linked(inc: Any, haz: gpd.GeoDataFrame, opts: AnalysisOptions) -> tuple[Any, Any, Any]:
    """Link the incidents; return (linked, incidents) in memory and the linked as given.

    A dask layer is linked partition by partition and kept (persisted) for the steps
    that run on partitions (trends, districts); the rest read it computed.
    """
    if not _is_dask(inc):
        linked = link_incidents(inc, haz, max_distance_m=opts.max_distance_m)
        return linked, inc, linked
    inc = inc.persist()
    lazy = link_incidents(inc, haz, max_distance_m=opts.max_distance_m).persist()
    log.info("analysis: %d incident partitions linked on dask", lazy.npartitions)
    return _in_memory(lazy.compute()), _in_memory(inc.compute()), lazy


def _in_memory(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a computed dask layer as the in-memory steps expect it: index 0..n-1."""
    return gdf.reset_index(drop=True)


def _stepper(progress: ProgressHook | None, shown: ExitStack) -> Callable[[], None]:
    """Return a function that logs (and reports to ``progress`` and the display) the next step."""
    done = [0]
    total = len(ANALYSIS_STEPS)

    def step() -> None:
        name = ANALYSIS_STEPS[done[0]]
        done[0] += 1
        log.info("analysis: step %d/%d: %s", done[0], total, name)
        shown.close()  # the previous step ends
        shown.enter_context(progress_step(f"[{done[0]}/{total}] {name}"))
        if progress is not None:
            progress(name, done[0], total)

    return step


def _trends(linked: Any, hazards: gpd.GeoDataFrame) -> dict[str, Any]:
    """Compute the four trend tables and the monthly timeline built from them."""
    release_monthly = release_trend(hazards, "M")
    casualties_monthly = casualty_trend(linked, "M")
    return {
        "release_monthly": release_monthly,
        "release_yearly": release_trend(hazards, "Y"),
        "casualties_monthly": casualties_monthly,
        "casualties_yearly": casualty_trend(linked, "Y"),
        "timeline": timeline_of(casualties_monthly, release_monthly, "M"),
    }


# --------------------------------------------------------------------------- stats text

#: The priority columns ``geomap stats`` prints (narrower than the report's).
_STATS_PRIORITY_COLUMNS = tuple(
    c for c in PRIORITY_COLUMNS if c not in ("district", "towns_within", "nearest_road")
)


def _figure_lines(f: KeyFigures, opts: AnalysisOptions) -> list[str]:
    """Format the key figures as aligned ``label  number  detail`` lines."""
    victims = [
        (k, "unknown" if v is None else f"{v:,}")
        for k, v in (f.killed_by_victim or {}).items()
        if v != 0
    ]
    checks = f.quality_by_check.items()
    rows = [
        (
            "incidents",
            f"{f.incidents:,}",
            f"inside a hazard area {f.inside:,} · within {opts.max_distance_m:g} m "
            f"{f.nearby:,} · unlinked {f.unlinked:,}",
        ),
        (
            "casualties",
            f.count_text("casualties"),
            f"killed {f.count_text('killed')} · injured {f.count_text('injured')}",
        ),
        ("killed by victim", "", " · ".join(f"{k} {v}" for k, v in victims) or "none"),
        (
            "hazard areas",
            f"{f.hazard_areas:,}",
            f"active {f.active_km2:,.2f} km² · released {f.released_km2:,.2f} km² "
            "(overlaps dissolved)",
        ),
        (
            "proposed areas",
            f"{f.proposed:,}",
            f"from {f.clustered} of {f.unlinked:,} unlinked incidents "
            f"(within {opts.eps_m:g} m, at least {opts.min_incidents})",
        ),
        (
            "quality flags",
            f"{f.quality_flags:,}",
            " · ".join(f"{k} {v}" for k, v in checks) or "none",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    num = max(len(r[1]) for r in rows)
    return [f"{a:<{width}}  {b:>{num}}  {c}" for a, b, c in rows]


def _district_rows(table: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the district table as ``geomap stats`` shows it, with a total row."""
    shown = pd.DataFrame(table[list(DISTRICT_COLUMNS)])
    total_row = shown.sum(numeric_only=True).to_frame().T
    total_row.insert(0, "name", "")
    total_row.insert(0, "district_id", "total")
    shown = pd.concat([shown, total_row], ignore_index=True)
    for c in ("incidents", "killed", "injured", "casualties", "casualties_unknown"):
        shown[c] = shown[c].astype(int)
    return shown


def unknown_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with missing casualty counts shown as "unknown" (never as 0 or blank)."""
    df = df.copy()
    for c in ("killed", "injured", "casualties"):
        if c in df.columns and df[c].isna().any():
            df[c] = df[c].astype(object).where(df[c].notna(), "unknown")
    return df


def _text_table(df: pd.DataFrame) -> list[str]:
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        return df.to_string(
            index=False, float_format=lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
        ).splitlines()
