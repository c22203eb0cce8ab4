"""The shortcuts taken for national scale give the same answers as the plain computations.

(No timings here: speed lives in benchmarks/.)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

import geomap
from geomap.analysis import area_summary
from geomap.analysis import check_quality
from geomap.analysis import district_summary
from geomap.analysis._common import _ids
from geomap.analysis.areas import hazard_land
from geomap.analysis.districts import _district_of
from geomap.geo import equal_area_crs
from geomap.geo import note_valid
from geomap.geo import project
from geomap.geo import repair

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def sample() -> dict[str, gpd.GeoDataFrame]:
    layers = geomap.load_layers(SAMPLE)
    return {k: r.kept for k, r in layers.items()}


def _plain_km2(haz: gpd.GeoDataFrame) -> float:
    """Dissolved km² the plain way: one union of every polygon."""
    ea = project(haz.geometry.to_numpy(), equal_area_crs(haz))
    return float(shapely.area(shapely.union_all(ea))) / 1e6


def test_shared_dissolve_equals_one_plain_union_per_group(sample):
    haz = sample["hazards"]
    table = area_summary(haz, by=["status"], total=True).set_index("status")
    for status, group in haz.groupby("status", observed=True):
        assert table.loc[status, "area_km2"] == pytest.approx(_plain_km2(group), rel=1e-4)
    assert table.loc["all", "area_km2"] == pytest.approx(_plain_km2(haz), rel=1e-4)
    assert table.loc["all", "overlap_km2"] > 0  # the sample's areas do overlap


def test_one_layer_is_dissolved_once_for_every_step(sample):
    haz = sample["hazards"]
    land = hazard_land(haz)
    assert hazard_land(haz) is land
    assert hazard_land(haz.copy()) is land  # same polygons, another frame
    moved = haz.copy()
    moved.loc[0, "geometry"] = shapely.affinity.translate(moved.geometry.iloc[0], 0.01, 0)
    assert hazard_land(moved) is not land  # a changed polygon is measured anew


def test_districts_share_the_dissolve_and_still_add_up(sample):
    haz = sample["hazards"]
    districts = geomap.read_layer(SAMPLE, layer="districts")
    table = district_summary(sample["incidents"], haz, districts)
    by = area_summary(haz, by=["contamination"], total=False).set_index("contamination")
    assert table["active_km2"].sum() == pytest.approx(by.loc["contaminated", "area_km2"], abs=2e-3)
    assert table["incidents"].sum() == len(sample["incidents"])


def _squares() -> gpd.GeoDataFrame:
    """Pairs at the edge of every quality rule: duplicate, tiny and big overlaps, touching."""
    d = 0.001  # about 100 m
    shapes = {
        "A": box(46.0, 39.0, 46.0 + d, 39.0 + d),
        "A2": box(46.0, 39.0, 46.0 + d, 39.0 + d),  # same shape as A
        "B": box(46.0 + d, 39.0, 46.0 + 2 * d, 39.0 + d),  # touches A: no land shared
        "C": box(46.0 + 2 * d - 5e-8, 39.0, 46.0 + 3 * d, 39.0 + d),  # shares ~0.5 m² with B
        "D": box(46.0 + 2 * d - 3e-7, 39.0, 46.0 + 3 * d, 39.0 + d),  # shares ~3 m² with B
        "E": box(46.01, 39.0, 46.01 + d, 39.0 + d),
        "F": box(46.01 + d / 2, 39.0 + d / 2, 46.01 + 2 * d, 39.0 + 2 * d),  # a quarter of E
    }
    return gpd.GeoDataFrame(
        {"id": list(shapes), "status": "active"}, geometry=list(shapes.values()), crs=4326
    )


def _plain_overlaps(haz: gpd.GeoDataFrame, min_m2: float) -> set[tuple[str, str]]:
    """Every pair sharing more than ``min_m2`` m², by intersecting every pair."""
    ge = project(haz.geometry.to_numpy(), equal_area_crs(haz))
    ids = haz["id"].tolist()
    out = set()
    for i in range(len(ge)):
        for j in range(len(ge)):
            same = i == j or shapely.equals(ge[i], ge[j])
            if not same and shapely.area(shapely.intersection(ge[i], ge[j])) > min_m2:
                out.add((ids[i], ids[j]))
    return out


@pytest.mark.parametrize("min_m2", [1.0, 0.1, 100.0])
def test_overlap_check_finds_what_intersecting_every_pair_finds(min_m2):
    haz = _squares()
    flags = check_quality(haz, overlap_min_m2=min_m2, today="2026-01-01")
    overlaps = flags[flags["check"] == "overlap"]
    found = {(r.id, r.detail.split()[1]) for r in overlaps.itertuples()}
    assert found == _plain_overlaps(haz, min_m2)
    dups = flags[flags["check"] == "duplicate_geometry"]
    assert sorted(dups["id"]) == ["A", "A2"]
    assert ("B", "D") in found or min_m2 > 3  # the ~3 m² overlap, above 1 m² and 0.1 m²
    assert ("B", "C") not in found or min_m2 < 1  # the ~0.5 m², only above 0.1 m²


def test_points_go_to_the_first_district_that_covers_them():
    zones = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), None, box(5, 5, 6, 6)], dtype=object)
    points = shapely.points([(0.5, 0.5), (1.0, 0.5), (1.5, 0.2), (3, 3), (5, 5)])
    points = np.append(points, None)
    assert _district_of(points, zones).tolist() == [0, 0, 1, -1, 3, -1]


def test_ids_stay_text_and_missing_stays_missing():
    frame = pd.DataFrame({"id": pd.array([7, None], dtype="Int64")})
    assert _ids(frame).tolist() == ["7", None]


def test_polygons_noted_valid_are_not_checked_again_but_others_are():
    squares = np.array([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)])
    note_valid(squares)
    same = repair(squares[::-1])
    assert same[0] is squares[1]
    assert same[1] is squares[0]
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    mixed = repair(np.array([squares[0], bowtie], dtype=object))
    assert mixed[0] is squares[0]
    assert mixed[1] is not bowtie
    assert bool(shapely.is_valid(mixed[1]))


def test_projections_kept_with_reuse_come_back_for_the_same_polygons_only():
    squares = np.array([shapely.box(46, 40, 46.01, 40.01), shapely.box(47, 40, 47.01, 40.01)])
    first = project(squares, "EPSG:32638", reuse=True)
    again = project(squares, "EPSG:32638", reuse=True)
    assert again[0] is first[0]  # the same projected shapes, not projected anew
    again[0] = None  # a copy of the array: the kept result is not changed
    assert project(squares, "EPSG:32638", reuse=True)[0] is first[0]
    other = project(squares, "EPSG:32639", reuse=True)
    assert other[0] is not first[0]
    assert shapely.area(other[0]) == pytest.approx(shapely.area(first[0]), rel=0.01)
    copy = np.array([shapely.box(46, 40, 46.01, 40.01), squares[1]])
    assert project(copy, "EPSG:32638", reuse=True)[0] is not first[0]


def test_a_layer_changed_in_place_is_never_given_an_old_projection():
    """The cache keeps its own copy of the objects, so their ids cannot pass to new shapes."""
    layer = np.array([shapely.box(46, 40, 46.01, 40.01), shapely.box(47, 40, 47.01, 40.01)])
    for k in range(200):
        before = project(layer, "EPSG:32638", reuse=True)
        side = 0.01 + 0.0001 * (k % 7 + 1)
        layer[0] = shapely.box(46, 40, 46 + side, 40 + side)  # the old shape is freed here
        after = project(layer, "EPSG:32638", reuse=True)
        assert after[0] is not before[0]
        assert shapely.area(after[0]) == pytest.approx(
            shapely.area(project(layer[:1], "EPSG:32638")[0])
        )
