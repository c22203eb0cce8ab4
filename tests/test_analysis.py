"""Analysis: linking, areas, trends, districts, priorities and data-quality checks.

Expected values come from independent computations (geopandas joins in a metric CRS,
pyproj's geodesic areas, hand-made shapes of known size), not from the code under test.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point
from shapely.geometry import Polygon
from shapely.geometry import box

import geomap
from geomap import analysis
from geomap._errors import GeomapError
from geomap._errors import ValidationError
from geomap.load import warn_if_apart
from geomap.map._encode import column

from .conftest import AZE_ADM2
from .conftest import SAMPLE

UTM = "EPSG:32638"
# An equal-area projection centred in Karabakh: squares drawn here have exact areas.
LAEA = "+proj=laea +lat_0=39.9 +lon_0=46.9 +datum=WGS84 +units=m +no_defs"
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def sample():
    results = geomap.load_layers(SAMPLE)
    return {
        "incidents": results["incidents"].kept,
        "hazards": results["hazards"].kept,
        "districts": gpd.read_file(SAMPLE, layer="districts"),
        "towns": gpd.read_file(SAMPLE, layer="towns"),
        "roads": gpd.read_file(SAMPLE, layer="roads"),
    }


@pytest.fixture(scope="module")
def linked(sample):
    return analysis.link_incidents(sample["incidents"], sample["hazards"], max_distance_m=500)


def geodesic_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def layer(geoms, crs, **columns) -> gpd.GeoDataFrame:
    """A layer drawn in ``crs`` and handed over in EPSG:4326, as a user's would be."""
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=crs).to_crs(4326)


# --------------------------------------------------------------------------- linking


def test_every_sample_incident_is_linked_or_unlinked(sample, linked):
    inc, haz = sample["incidents"], sample["hazards"]
    counts = linked["link"].value_counts()
    assert counts.sum() == len(inc) == 125
    assert set(counts.index) == {"inside", "nearby", "unlinked"}
    # data/README.md: 55 incidents lie inside a hazard area by construction.
    assert counts["inside"] == 55
    assert linked["hazard_id"].notna().sum() == counts["inside"] + counts["nearby"]
    assert list(linked.index) == list(inc.index)
    assert list(linked["id"]) == list(inc["id"])

    # Independent check, in UTM 38N with geopandas: inside = within its hazard,
    # nearby = the nearest hazard is within 500 m, unlinked = none within 500 m.
    inc_m = inc.to_crs(UTM)
    haz_m = haz.set_index("id").to_crs(UTM)
    for row, geom in zip(linked.itertuples(), inc_m.geometry, strict=True):
        dists = haz_m.distance(geom)
        if row.link == "inside":
            assert haz_m.loc[row.hazard_id].geometry.covers(geom)
            assert row.distance_m == 0
        elif row.link == "nearby":
            assert 0 < row.distance_m <= 500
            assert dists.idxmin() == row.hazard_id
            assert row.distance_m == pytest.approx(dists.min(), abs=0.5)
        else:
            assert pd.isna(row.hazard_id)
            assert pd.isna(row.distance_m)
            assert dists.min() > 500


def test_link_does_not_change_the_callers_data(sample):
    inc, haz = sample["incidents"].copy(), sample["hazards"].copy()
    analysis.link_incidents(inc, haz)
    pd.testing.assert_frame_equal(inc, sample["incidents"])
    pd.testing.assert_frame_equal(haz, sample["hazards"])


def test_link_hand_case_overlap_and_distance():
    big = box(0, 0, 2000, 2000)
    small = box(500, 500, 1000, 1000)
    haz = layer([big, small], LAEA, id=["BIG", "SMALL"])
    inc = layer(
        [Point(700, 700), Point(1500, 1500), Point(2100, 1000), Point(2800, 1000)],
        LAEA,
        id=["in-both", "in-big", "100m-east", "800m-east"],
    )
    out = analysis.link_incidents(inc, haz, max_distance_m=500).set_index("id")
    assert out.loc["in-both", "hazard_id"] == "SMALL"  # the most specific area
    assert out.loc["in-big", "hazard_id"] == "BIG"
    assert out.loc["100m-east", "link"] == "nearby"
    assert out.loc["100m-east", "distance_m"] == pytest.approx(100, abs=1)
    assert out.loc["800m-east", "link"] == "unlinked"
    only_inside = analysis.link_incidents(inc, haz, max_distance_m=0)
    assert list(only_inside["link"]) == ["inside", "inside", "unlinked", "unlinked"]


def test_link_refuses_bad_input(sample):
    with pytest.raises(ValueError, match="max_distance_m"):
        analysis.link_incidents(sample["incidents"], sample["hazards"], max_distance_m=-1)
    no_crs = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(46.9, 39.9)])
    with pytest.raises(GeomapError, match="no CRS"):
        analysis.link_incidents(no_crs, sample["hazards"])


def test_link_accepts_validation_results_and_no_hazards(sample):
    results = geomap.load_layers(SAMPLE)
    out = analysis.link_incidents(results["incidents"], results["hazards"])
    assert out["link"].value_counts()["inside"] == 55
    empty = sample["hazards"].iloc[:0]
    assert set(analysis.link_incidents(sample["incidents"], empty)["link"]) == {"unlinked"}


# --------------------------------------------------------------------------- proposals


def test_proposed_areas_cover_every_cluster_of_unlinked_incidents(linked):
    eps = 1000
    proposed = analysis.propose_hazard_areas(linked, eps_m=eps, min_incidents=2)
    assert len(proposed) > 0
    assert list(proposed["id"]) == [f"PSHA-{i:03d}" for i in range(1, len(proposed) + 1)]
    unlinked = linked[linked["link"] == "unlinked"].set_index("id")
    # Independently: any two unlinked incidents within eps of each other are a cluster,
    # so both must lie inside one proposed area.
    pts = unlinked.to_crs(UTM).geometry
    pairs = [
        (a, b) for a in pts.index for b in pts.index if a < b and pts[a].distance(pts[b]) <= eps
    ]
    assert pairs
    for a, b in pairs:
        holders = proposed[proposed.geometry.covers(unlinked.geometry[a])]
        assert len(holders) == 1
        assert holders.geometry.iloc[0].covers(unlinked.geometry[b])
    # The evidence adds up to the incidents it lists.
    for row in proposed.itertuples():
        ids = row.incident_ids.split(", ")
        assert len(ids) == row.n_incidents >= 2
        members = unlinked.loc[ids]
        assert row.killed == members["killed"].sum()
        assert row.injured == members["injured"].sum()
        assert row.casualties == row.killed + row.injured
        assert row.first_date == members["date"].min()
        assert row.last_date == members["date"].max()
        assert members.geometry.within(row.geometry).all()
    clustered = {i for ids in proposed["incident_ids"] for i in ids.split(", ")}
    assert clustered <= set(unlinked.index)


def test_lone_incidents_proposed_only_when_asked(linked):
    unlinked = linked[linked["link"] == "unlinked"]
    default = analysis.propose_hazard_areas(linked)
    assert default["n_incidents"].sum() < len(unlinked)
    every = analysis.propose_hazard_areas(linked, min_incidents=1)
    assert every["n_incidents"].sum() == len(unlinked)
    assert unlinked.geometry.apply(lambda p: every.geometry.covers(p).any()).all()


def test_propose_needs_linked_incidents(sample):
    with pytest.raises(ValidationError, match="'link'"):
        analysis.propose_hazard_areas(sample["incidents"])


def test_propose_with_nothing_unlinked(sample):
    linked = analysis.link_incidents(sample["incidents"], sample["hazards"], max_distance_m=1e6)
    out = analysis.propose_hazard_areas(linked)
    assert len(out) == 0
    assert "incident_ids" in out.columns


# --------------------------------------------------------------------------- areas


def test_two_overlapping_squares_count_once():
    # Two 1 km × 1 km squares drawn in an equal-area projection, overlapping by half.
    a, b = box(0, 0, 1000, 1000), box(500, 0, 1500, 1000)
    haz = layer([a, b], LAEA, status=["active", "active"], hazard_class=["CHA", "SHA"])
    table = analysis.area_summary(haz, by=["status"], total=False)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["n_areas"] == 2
    assert row["area_km2"] == pytest.approx(1.5, rel=1e-4)
    assert row["recorded_km2"] == pytest.approx(2.0, rel=1e-4)
    assert row["overlap_km2"] == pytest.approx(0.5, rel=1e-3)
    union = shapely.union_all(haz.geometry.to_numpy())
    assert row["area_km2"] == pytest.approx(geodesic_km2(union), rel=0.005)
    # Grouped by class the squares are apart; the total row dissolves across groups.
    by_class = analysis.area_summary(haz, by=["hazard_class"]).set_index("hazard_class")
    assert by_class.loc["CHA", "area_km2"] == pytest.approx(1.0, rel=1e-4)
    assert by_class.loc["all", "area_km2"] == pytest.approx(1.5, rel=1e-4)


def test_sample_areas_agree_with_geodesic_areas(sample):
    haz = sample["hazards"]
    table = analysis.area_summary(haz, by=["status"])
    status = haz["status"].astype(str)
    for row in table.itertuples():
        sel = haz if row.status == "all" else haz[status == row.status]
        geodesic = sum(geodesic_km2(g) for g in sel.geometry)
        assert row.recorded_km2 == pytest.approx(geodesic, rel=0.005)
        dissolved = geodesic_km2(shapely.union_all(sel.geometry.to_numpy()))
        assert row.area_km2 == pytest.approx(dissolved, rel=0.005)
    total = table.set_index("status").loc["all"]
    # The sample has 15 overlapping pairs: the dissolved total is smaller.
    assert total["overlap_km2"] > 0
    assert total["n_areas"] == 400


def test_contamination_groups(sample):
    table = analysis.area_summary(sample["hazards"], by=["contamination"])
    table = table.set_index("contamination")
    assert set(table.index) == {"contaminated", "released", "all"}
    assert table.loc["contaminated", "n_areas"] == 235
    assert table.loc["released", "n_areas"] == 165
    assert table.loc["all", "area_km2"] <= (
        table.loc["contaminated", "area_km2"] + table.loc["released", "area_km2"]
    )


def test_area_summary_missing_column(sample):
    with pytest.raises(ValidationError, match="'operator_x'"):
        analysis.area_summary(sample["hazards"], by=["operator_x"])


# --------------------------------------------------------------------------- trends


def test_release_trend_adds_up_to_released_area(sample):
    haz = sample["hazards"]
    monthly = analysis.release_trend(haz, "M")
    yearly = analysis.release_trend(haz, "Y")
    released = analysis.area_summary(haz, by=["contamination"]).set_index("contamination")
    expected = released.loc["released", "area_km2"]
    assert monthly["released_cum"].iloc[-1] == pytest.approx(expected, abs=1e-3)
    assert yearly["released_cum"].iloc[-1] == pytest.approx(expected, abs=1e-3)
    # Every month from first to last, once.
    months = pd.PeriodIndex(monthly["period"], freq="M")
    assert (months[1:] - months[:-1] == months.freq).all()
    statuses = ["cancelled", "reduced", "cleared", "handed over"]
    assert np.allclose(monthly[statuses].sum(axis=1), monthly["released"], atol=1e-3)
    by_year = monthly.groupby(monthly["period"].str[:4])["cleared"].sum()
    assert np.allclose(by_year.to_numpy(), yearly["cleared"].to_numpy(), atol=1e-3)
    assert yearly["period"].tolist() == ["2021", "2022", "2023", "2024"]


def test_release_trend_counts_land_once_at_its_first_release():
    a, b = box(0, 0, 1000, 1000), box(500, 0, 1500, 1000)
    haz = layer(
        [a, b],
        LAEA,
        status=["cleared", "handed over"],
        status_date=pd.to_datetime(["2022-01-10", "2022-03-05"]),
    )
    t = analysis.release_trend(haz, "M").set_index("period")
    assert t.loc["2022-01", "cleared"] == pytest.approx(1.0, rel=1e-4)
    assert t.loc["2022-03", "handed over"] == pytest.approx(0.5, rel=1e-3)
    assert t.loc["2022-02", "released"] == 0
    assert t["released_cum"].iloc[-1] == pytest.approx(1.5, rel=1e-4)


def test_casualty_trend_sample_totals(sample):
    inc = sample["incidents"]
    monthly = analysis.casualty_trend(inc, "M")
    assert monthly["casualties_cum"].iloc[-1] == 177
    assert monthly["incidents"].sum() == 125
    assert monthly["casualties"].sum() == int((inc["killed"] + inc["injured"]).sum())
    cats = ["civilian", "deminer", "military/security", "journalist", "unknown"]
    assert (monthly[cats].sum(axis=1) == monthly["casualties"]).all()
    journalists = inc[inc["victim_category"] == "journalist"]
    assert monthly["journalist"].sum() == int(
        (journalists["killed"] + journalists["injured"]).sum()
    )
    yearly = analysis.casualty_trend(inc, "Y")
    assert (
        yearly["casualties"].tolist()
        == monthly.groupby(monthly["period"].str[:4])["casualties"].sum().tolist()
    )
    with pytest.raises(ValueError, match="freq"):
        analysis.casualty_trend(inc, "W")


def test_casualty_trend_by_a_numeric_column_counts_each_value(sample):
    """Groups of a non-text column are named as text and hold their casualties."""
    inc = sample["incidents"].copy()
    inc["zone"] = np.where(inc["killed"] > 0, 1, 2)  # a numeric column, e.g. a zone code
    inc.loc[inc.index[:3], "zone"] = None
    inc["zone"] = inc["zone"].astype("Int64")
    monthly = analysis.casualty_trend(inc, "M", by="zone")
    assert [c for c in monthly.columns if c in ("1", "2", "(missing)")] == ["1", "2", "(missing)"]
    assert (monthly[["1", "2", "(missing)"]].sum(axis=1) == monthly["casualties"]).all()
    with_deaths = inc[inc["zone"] == 1]
    assert monthly["1"].sum() == int((with_deaths["killed"] + with_deaths["injured"]).sum()) > 0


def test_timeline_is_json_ready(sample):
    import json

    t = analysis.timeline(sample["incidents"], sample["hazards"], "M")
    text = json.dumps(t)
    assert json.loads(text)["periods"] == t["periods"]
    n = len(t["periods"])
    assert t["periods"][0] == "2020-11"
    assert all(len(v) == n for v in t["casualties"].values())
    assert all(len(v) == n for v in t["released_km2"].values())
    assert t["casualties"]["casualties_cum"][-1] == 177


# --------------------------------------------------------------------------- districts


def _district_totals_match(table, inc, haz):
    assert table["incidents"].sum() == len(inc)
    assert table["killed"].sum() == inc["killed"].sum()
    assert table["injured"].sum() == inc["injured"].sum()
    assert table["casualties"].sum() == int((inc["killed"] + inc["injured"]).sum())
    by_cat = inc.groupby(inc["victim_category"].astype(str))["killed"].sum()
    assert table["killed_civilian"].sum() == by_cat["civilian"]
    assert table["killed_journalist"].sum() == by_cat["journalist"]
    areas = analysis.area_summary(haz, by=["contamination"]).set_index("contamination")
    assert table["active_km2"].sum() == pytest.approx(
        areas.loc["contaminated", "area_km2"], abs=2e-3
    )
    assert table["released_km2"].sum() == pytest.approx(areas.loc["released", "area_km2"], abs=2e-3)


def test_district_totals_add_up_to_overall_totals(sample):
    inc, haz, dist = sample["incidents"], sample["hazards"], sample["districts"]
    table = analysis.district_summary(inc, haz, dist)
    assert len(table) == 11  # every incident and hazard lies in a district
    assert list(table["district_id"]) == list(dist["district_id"])
    assert table["casualties"].sum() == 177
    assert table["killed_civilian"].sum() == 35
    assert table["killed_journalist"].sum() == 3
    _district_totals_match(table, inc, haz)
    # Independently, with geopandas: incidents per district polygon.
    joined = gpd.sjoin(inc, dist, predicate="within")
    expected = joined.groupby("district_id").size()
    got = table.set_index("district_id")["incidents"]
    assert got.to_dict() == expected.reindex(got.index, fill_value=0).to_dict()
    # District areas agree with geodesic areas.
    for row, geom in zip(table.itertuples(), dist.geometry, strict=True):
        assert row.area_km2 == pytest.approx(geodesic_km2(geom), rel=0.005)


def test_districts_joined_on_geometry_not_names(sample):
    inc, haz = sample["incidents"], sample["hazards"]
    dist = sample["districts"].drop(columns="district_id")
    dist["name"] = "Same name"  # names that identify nothing
    table = analysis.district_summary(inc, haz, dist)
    assert list(table["district_id"]) == [str(i) for i in range(1, 12)]
    assert table["incidents"].sum() == 125
    assert table["incidents"].max() < 125
    with pytest.raises(ValidationError, match="must identify each district"):
        analysis.district_summary(inc, haz, dist, id_field="name")


def test_hazard_across_a_border_is_split():
    west, east = box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)
    districts = layer([west, east], LAEA, code=["W", "E"])
    haz = layer([box(750, 0, 1250, 1000), box(2500, 0, 2600, 1000)], LAEA, status=["active"] * 2)
    inc = layer([Point(100, 100), Point(3000, 3000)], LAEA, killed=[1, 2], injured=[0, 0])
    table = analysis.district_summary(inc, haz, districts, id_field="code").set_index("district_id")
    assert table.loc["W", "active_km2"] == pytest.approx(0.25, rel=1e-3)
    assert table.loc["E", "active_km2"] == pytest.approx(0.25, rel=1e-3)
    assert table.loc["outside", "active_km2"] == pytest.approx(0.1, rel=1e-3)
    assert table.loc["outside", "killed"] == 2
    assert table.loc["W", "killed"] == 1
    assert table["active_km2"].sum() == pytest.approx(0.6, rel=1e-3)


@pytest.mark.shared
def test_district_summary_on_real_boundaries(realdata, sample):
    adm2 = gpd.read_file(AZE_ADM2)
    inc, haz = sample["incidents"], sample["hazards"]
    table = analysis.district_summary(inc, haz, adm2)
    # geoBoundaries' shapeID identifies each unit; the two "Lankaran District" stay apart.
    real = table[table["district_id"] != "outside"]
    assert list(real["district_id"]) == list(adm2["shapeID"])
    lankaran = real[real["name"] == "Lankaran District"]
    assert len(lankaran) == 2
    assert lankaran["district_id"].nunique() == 2
    # The sample's box reaches beyond Azerbaijan: what lies outside has its own row.
    _district_totals_match(table, inc, haz)
    for row, geom in zip(real.itertuples(), adm2.geometry, strict=True):
        assert row.area_km2 == pytest.approx(geodesic_km2(geom), rel=0.005)


# --------------------------------------------------------------------------- priorities


def test_priorities_on_the_sample(sample, linked):
    s = sample
    table = analysis.prioritise(s["hazards"], s["towns"], s["roads"], linked, radius_m=5000)
    active = s["hazards"][s["hazards"]["status"] == "active"]
    assert len(table) == len(active) == 235
    assert table["rank"].iloc[0] == 1
    assert table["score"].is_monotonic_decreasing
    assert table["score"].between(0, 100).all()
    assert table["rank"].is_monotonic_increasing
    # Independent distances (geopandas, UTM) for the top area.
    top = table.iloc[0]
    geom = gpd.GeoSeries([top.geometry], crs=4326).to_crs(UTM).iloc[0]
    towns_m = s["towns"].to_crs(UTM)
    dists = towns_m.distance(geom)
    assert top["town_distance_m"] == pytest.approx(dists.min(), abs=1)
    assert top["nearest_town"] == s["towns"].loc[dists.idxmin(), "name"]
    assert top["towns_within"] == (dists <= 5000).sum()
    assert top["road_distance_m"] == pytest.approx(
        s["roads"].to_crs(UTM).distance(geom).min(), abs=1
    )
    # Casualties are those of incidents linked to the area.
    mine = linked[linked["hazard_id"] == top["id"]]
    assert top["casualties"] == int((mine["killed"] + mine["injured"]).sum())
    assert table["casualties"].sum() == int(
        (linked.loc[linked["hazard_id"].isin(active["id"]), ["killed", "injured"]]).sum().sum()
    )


def test_priority_weights_change_the_ranking(sample, linked):
    s = sample
    only_casualties = {k: 0 for k in analysis.DEFAULT_WEIGHTS} | {"casualties": 1}
    table = analysis.prioritise(
        s["hazards"], s["towns"], s["roads"], linked, weights=only_casualties
    )
    assert table.iloc[0]["casualties"] == table["casualties"].max()
    assert table["score"].iloc[0] == 100
    only_area = {k: 0 for k in analysis.DEFAULT_WEIGHTS} | {"area": 1}
    top = analysis.prioritise(s["hazards"], weights=only_area, top=5)
    assert len(top) == 5
    active = s["hazards"][s["hazards"]["status"] == "active"]
    largest = active.loc[active.geometry.apply(geodesic_km2).idxmax(), "id"]
    assert top.iloc[0]["id"] == largest
    assert top["score"].iloc[0] == 100
    assert "f_town_distance" not in top.columns
    with pytest.raises(ValueError, match="not a factor"):
        analysis.prioritise(s["hazards"], weights={"schools": 1})
    with pytest.raises(ValueError, match="≥ 0"):
        analysis.prioritise(s["hazards"], weights={"area": -1})


# --------------------------------------------------------------------------- quality


def qc_hazards(*geoms, crs=LAEA, **columns):
    ids = [f"H{i}" for i in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=list(geoms), crs=crs).to_crs(4326)


def checks(flags, check):
    return sorted(flags.loc[flags["check"] == check, "id"])


def test_quality_few_vertices():
    flat = Polygon([(0, 0), (100, 0), (100, 0), (0, 0)])
    triangle = Polygon([(1000, 0), (1100, 0), (1050, 80)])
    flags = analysis.check_quality(qc_hazards(flat, triangle))
    assert checks(flags, "few_vertices") == ["H1"]
    assert "2 distinct vertices" in flags.loc[flags["check"] == "few_vertices", "detail"].iloc[0]


def test_quality_invalid():
    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    square = box(1000, 0, 1100, 100)
    flags = analysis.check_quality(qc_hazards(bowtie, square))
    assert checks(flags, "invalid") == ["H1"]


def test_quality_duplicate_geometry():
    square = box(0, 0, 100, 100)
    same_other_start = Polygon([(100, 100), (0, 100), (0, 0), (100, 0)])
    other = box(1000, 0, 1100, 100)
    flags = analysis.check_quality(qc_hazards(square, same_other_start, other))
    assert checks(flags, "duplicate_geometry") == ["H1", "H2"]
    assert checks(flags, "overlap") == []  # a duplicate is reported as such, not twice


def test_quality_overlap():
    a, b = box(0, 0, 100, 100), box(50, 0, 150, 100)
    touching = box(150, 0, 250, 100)
    flags = analysis.check_quality(qc_hazards(a, b, touching))
    assert checks(flags, "overlap") == ["H1", "H2"]
    detail = flags.loc[(flags["check"] == "overlap") & (flags["id"] == "H1"), "detail"].iloc[0]
    assert "H2" in detail
    assert "5,000 m²" in detail
    assert "50.0%" in detail


def test_quality_sliver():
    strip = box(0, 0, 1000, 2)
    square = box(2000, 0, 2100, 100)
    flags = analysis.check_quality(qc_hazards(strip, square))
    assert checks(flags, "sliver") == ["H1"]


def test_quality_spike():
    # A 100 m square with one vertex typed 20 km away.
    spiky = Polygon([(0, 0), (50, 0), (100, 0), (100, 100), (50, 20_000), (0, 100)])
    rounded = Point(5000, 5000).buffer(300, quad_segs=10)
    rectangle = Polygon([(10_000, 0), (10_500, 0), (11_000, 0), (11_000, 5), (10_000, 5)])
    flags = analysis.check_quality(qc_hazards(spiky, rounded, rectangle), sliver_width_m=1)
    assert checks(flags, "spike") == ["H1"]
    assert "vertex 5" in flags.loc[flags["check"] == "spike", "detail"].iloc[0]


def test_quality_incident_dates_and_duplicates():
    inc = gpd.GeoDataFrame(
        {
            "id": ["early", "ok", "future", "dup-a", "dup-b", "same-place-other-day"],
            "date": pd.to_datetime(
                ["2019-12-31", "2021-05-01", "2031-01-01", "2022-02-02", "2022-02-02", "2022-02-03"]
            ),
        },
        geometry=[Point(46.9, 39.9), Point(46.91, 39.9), Point(46.92, 39.9)]
        + [Point(47.0, 39.7)] * 3,
        crs=4326,
    )
    flags = analysis.check_quality(incidents=inc, record_start="2020-11-10", today="2025-01-01")
    assert checks(flags, "date_before_record") == ["early"]
    assert checks(flags, "date_in_future") == ["future"]
    assert checks(flags, "duplicate_geometry") == ["dup-a", "dup-b"]
    assert set(flags["layer"]) == {"incidents"}


def test_quality_hazard_dates_in_future():
    haz = qc_hazards(
        box(0, 0, 100, 100),
        box(1000, 0, 1100, 100),
        status_date=pd.to_datetime(["2021-01-01", "2030-01-01"]),
    )
    flags = analysis.check_quality(haz, today="2025-01-01")
    assert checks(flags, "date_in_future") == ["H2"]


def test_quality_on_the_sample_finds_only_the_planted_overlaps(sample):
    flags = analysis.check_quality(
        sample["hazards"], sample["incidents"], record_start="2020-11-10", today="2025-06-01"
    )
    # data/README.md: 15 pairs overlap on purpose; nothing else is wrong.
    assert set(flags["check"]) == {"overlap"}
    assert len(flags) == 30
    assert flags["id"].nunique() == 30
    assert list(flags.columns) == ["layer", "id", "check", "detail"]
    clean = analysis.check_quality(incidents=sample["incidents"], record_start="2020-11-10")
    assert clean.empty


def test_no_function_changes_the_callers_layers(sample, linked):
    before = {k: v.copy() for k, v in sample.items()}
    linked_before = linked.copy()
    analysis.propose_hazard_areas(linked)
    analysis.area_summary(sample["hazards"])
    analysis.release_trend(sample["hazards"])
    analysis.casualty_trend(sample["incidents"])
    analysis.district_summary(linked, sample["hazards"], sample["districts"])
    analysis.prioritise(sample["hazards"], sample["towns"], sample["roads"], sample["incidents"])
    analysis.check_quality(sample["hazards"], sample["incidents"])
    for name, frame in before.items():
        pd.testing.assert_frame_equal(sample[name], frame)
    pd.testing.assert_frame_equal(linked, linked_before)


def test_area_over_time_counts_overlaps_once():
    from geomap.analysis import area_over_time

    # Two 0.01° squares overlapping by half, at 40°N; one cleared in 2022.
    haz = gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "status": ["active", "cleared"],
            "date_recorded": pd.to_datetime(["2021-01-10", "2021-03-01"]),
            "status_date": pd.to_datetime(["2021-01-10", "2022-06-01"]),
        },
        geometry=[box(46.00, 40.00, 46.01, 40.01), box(46.005, 40.00, 46.015, 40.01)],
        crs=4326,
    )
    one = float(analysis.area_summary(haz.iloc[:1], by=(), total=True)["area_km2"].iloc[-1])
    both = float(analysis.area_summary(haz, by=(), total=True)["area_km2"].iloc[-1])
    assert both == pytest.approx(1.5 * one, rel=1e-3)
    t = area_over_time(haz, ["2020-12-31", "2021-01-31", "2021-12-31", "2022-12-31"])
    assert list(t["active_km2"].round(4)) == pytest.approx([0, one, both, one], abs=1e-3)
    assert list(t["released_km2"].round(4)) == pytest.approx([0, 0, 0, one], abs=1e-3)
    summed = area_over_time(haz, ["2021-12-31"], dissolve=False)
    assert summed["active_km2"].iloc[0] == pytest.approx(2 * one, rel=1e-3)  # overlap twice


# --------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def result(sample):
    steps: list[tuple[str, int, int]] = []
    out = analysis.run_analysis(
        sample["incidents"],
        sample["hazards"],
        districts=sample["districts"],
        towns=sample["towns"],
        roads=sample["roads"],
        record_start="2020-11-10",
        progress=lambda *a: steps.append(a),
    )
    return out, steps


def test_run_analysis_reports_each_step(result):
    _, steps = result
    n = len(analysis.ANALYSIS_STEPS)
    assert steps == [(name, i, n) for i, name in enumerate(analysis.ANALYSIS_STEPS, 1)]


def test_run_analysis_tables_equal_the_functions(sample, linked, result):
    out, _ = result
    inc, haz = sample["incidents"], sample["hazards"]
    pd.testing.assert_frame_equal(out.linked, linked)
    proposed = analysis.propose_hazard_areas(linked)
    pd.testing.assert_frame_equal(pd.DataFrame(out.proposed), pd.DataFrame(proposed))
    pd.testing.assert_frame_equal(out.areas, analysis.area_summary(haz))
    pd.testing.assert_frame_equal(out.release_yearly, analysis.release_trend(haz, "Y"))
    pd.testing.assert_frame_equal(out.casualties_monthly, analysis.casualty_trend(linked, "M"))
    assert out.timeline == analysis.timeline(linked, haz, "M")
    districts = analysis.district_summary(linked, haz, sample["districts"])
    pd.testing.assert_frame_equal(pd.DataFrame(out.district_table), pd.DataFrame(districts))
    ranked = analysis.prioritise(haz, sample["towns"], sample["roads"], linked)
    pd.testing.assert_frame_equal(pd.DataFrame(out.priorities), pd.DataFrame(ranked))
    quality = analysis.check_quality(haz, inc, record_start="2020-11-10")
    pd.testing.assert_frame_equal(out.quality, quality)


def test_run_analysis_key_figures_equal_the_tables(sample, linked, result):
    f = result[0].figures
    counts = linked["link"].value_counts()
    assert (f.incidents, f.inside, f.nearby, f.unlinked) == (
        len(sample["incidents"]),
        counts["inside"],
        counts["nearby"],
        counts["unlinked"],
    )
    assert (f.casualties, f.killed, f.injured) == (177, 56, 121)
    assert f.killed_by_victim is not None
    assert f.killed_by_victim["civilian"] == 35
    assert f.killed_by_victim["journalist"] == 3
    by = analysis.area_summary(sample["hazards"], by=["contamination"]).set_index("contamination")
    assert f.active_km2 == by.loc["contaminated", "area_km2"]
    assert f.released_km2 == by.loc["released", "area_km2"]
    proposed = analysis.propose_hazard_areas(linked)
    assert (f.proposed, f.clustered) == (len(proposed), proposed["n_incidents"].sum())
    assert f.hazard_areas == len(sample["hazards"])
    assert f.quality_by_check == {"overlap": f.quality_flags}


def test_run_analysis_stats_text(result):
    lines = result[0].summary_lines(top=3)
    assert lines[:7] == [
        "",
        "incidents         125  inside a hazard area 55 · within 500 m 18 · unlinked 52",
        "casualties        177  killed 56 · injured 121",
        "killed by victim       civilian 35 · deminer 3 · journalist 3 · military/security 15",
        "hazard areas      400  active 32.76 km² · released 21.29 km² (overlaps dissolved)",
        "proposed areas      3  from 8 of 52 unlinked incidents (within 1000 m, at least 2)",
        "quality flags      30  overlap 30",
    ]
    assert lines[7:9] == ["", "districts"]
    total = next(line for line in lines if line.strip().startswith("total"))
    assert total.split() == ["total", "125", "56", "121", "177", "0", "32.76", "21.29"]
    assert lines[-5] == "top 3 priority areas"
    assert lines[-3].split()[:3] == ["1", "66.75", "HA-0333"]


def test_run_analysis_options(sample):
    with pytest.raises(TypeError):
        analysis.run_analysis(sample["incidents"], sample["hazards"], epsilon_m=5)
    opts = analysis.AnalysisOptions(max_distance_m=0, eps_m=800)
    out = analysis.run_analysis(sample["incidents"], sample["hazards"], options=opts)
    assert out.options is opts
    assert out.figures.nearby == 0
    assert out.district_table is None
    assert "within 0 m 0" in out.summary_lines()[1]


# --------------------------------------------------------------- unknown is never zero


@pytest.fixture
def unknown_casualties(incidents_gdf, hazards_gdf):
    """Incidents linked to H1 and H2; H1's have unknown casualties, H2's known ones."""
    inc = incidents_gdf.copy()
    inc.geometry = [Point(46.925, 39.985), Point(46.926, 39.986), Point(47.135, 39.595)] + [
        Point(46.5, 39.5)
    ] * 2
    inc["killed"] = pd.array([None, None, 0, 1, 1], dtype="Int64")
    inc["injured"] = pd.array([None, None, 1, 0, 0], dtype="Int64")
    return inc, hazards_gdf


def test_key_figures_count_unknown_casualties_apart(unknown_casualties):
    inc, haz = unknown_casualties
    f = analysis.run_analysis(inc, haz).figures
    assert (f.killed, f.injured, f.casualties) == (2, 1, 3)
    assert (f.killed_unknown, f.injured_unknown, f.casualties_unknown) == (2, 2, 2)
    assert f.count_text("casualties") == "3 (unknown for 2 incidents)"
    none_known = inc.assign(killed=pd.array([None] * 5, dtype="Int64"))
    g = analysis.run_analysis(none_known, haz).figures
    assert g.count_text("killed") == "unknown"
    assert g.killed_by_victim is not None
    assert g.killed_by_victim["civilian"] is None


def test_priorities_count_incidents_of_unknown_casualties(unknown_casualties, caplog):
    inc, haz = unknown_casualties
    table = analysis.prioritise(haz, incidents=inc).set_index("id")
    assert pd.isna(table.loc["H1", "casualties"])  # unknown, never 0
    assert table.loc["H1", "casualties_unknown"] == 2
    assert table.loc["H1", "f_casualties"] == 1.0  # two incidents of unknown casualties
    assert table.loc["H2", "f_casualties"] == 0.5
    caplog.set_level("WARNING")
    none_known = inc.assign(killed=pd.NA, injured=pd.NA)
    table = analysis.prioritise(haz, incidents=none_known)
    assert "f_casualties" not in table.columns
    assert table.attrs["weights"]["incidents"] == analysis.DEFAULT_WEIGHTS["casualties"]
    assert "casualties are unknown for every incident" in caplog.text


def test_districts_apart_from_the_data_warn(incidents_gdf, hazards_gdf, caplog):
    caplog.set_level("WARNING")
    far = gpd.GeoDataFrame({"name": ["far"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    assert warn_if_apart(far.to_crs(3857), "districts", incidents_gdf, hazards_gdf)
    assert "does not overlap the data at all" in caplog.text
    near = gpd.GeoDataFrame({"name": ["near"]}, geometry=[box(46, 39, 48, 41)], crs=4326)
    assert not warn_if_apart(near, "districts", incidents_gdf, hazards_gdf)


def test_encoder_never_wraps_large_integers():
    big = column(pd.Series([1, 3_000_000_000, None], dtype="Int64"))
    assert big == [1, 3_000_000_000, None]
    small = column(pd.Series([1, 2_000_000, None], dtype="Int64"))
    assert small["t"] == "i4"


def test_district_table_counts_unknown_casualties_apart(unknown_casualties):
    inc, haz = unknown_casualties
    districts = gpd.GeoDataFrame(
        {"district_id": ["D1"], "name": ["Aghdam"]},
        geometry=[box(46.8, 39.9, 47.0, 40.1)],
        crs=4326,
    )
    table = analysis.district_summary(inc, haz, districts).set_index("district_id")
    assert table.loc["D1", "incidents"] == 2
    assert table.loc["D1", "casualties_unknown"] == 2
    assert table.loc["outside", "casualties_unknown"] == 0
