"""Validation: one test per case; every row kept or rejected with its reason."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import GeometryCollection
from shapely.geometry import LineString
from shapely.geometry import MultiPoint
from shapely.geometry import Point
from shapely.geometry import Polygon

import geomap
from geomap import ValidationError
from geomap.map._inputs import clean_layer
from geomap.validate import as_layer
from geomap.validate.fields import EARLIEST_DATE
from geomap.validate.fields import MAX_COUNT


def cluster(n: int = 25, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` valid incidents scattered around Aghdam–Fuzuli."""
    rng = np.random.default_rng(seed)
    xs = 46.9 + rng.uniform(0, 0.3, n)
    ys = 39.6 + rng.uniform(0, 0.4, n)
    return gpd.GeoDataFrame(
        {
            "id": [f"I{i}" for i in range(n)],
            "incident_type": ["mine/ERW accident"] * n,
            "killed": [0] * n,
            "injured": [1] * n,
        },
        geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)],
        crs=4326,
    )


def problem_of(result, row_id: str) -> str:
    rej = result.rejected.set_index("id")
    return str(rej.loc[row_id, "problem"])


def test_counts_reconcile_and_caller_data_untouched(incidents_gdf):
    before = incidents_gdf.copy()
    bad = incidents_gdf.copy()
    bad.loc[1, "victim_category"] = "tourist"
    result = geomap.validate_incidents(bad)
    assert len(result.kept) + len(result.rejected) == len(bad)
    assert result.reconciles
    assert result.files.loc[0, ["read", "kept", "rejected"]].tolist() == [5, 4, 1]
    pd.testing.assert_frame_equal(incidents_gdf, before)


def test_null_and_empty_geometry_rejected(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "geometry"] = None
    gdf.loc[1, "geometry"] = Point()
    result = geomap.validate_incidents(gdf)
    assert problem_of(result, "I1") == "geometry is missing"
    assert problem_of(result, "I2") == "geometry is empty"
    assert len(result.kept) == 3


def test_wrong_geometry_type(incidents_gdf, hazards_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "geometry"] = LineString([(46.9, 39.9), (47, 40)])
    gdf.loc[1, "geometry"] = MultiPoint([(46.9, 39.9)])
    result = geomap.validate_incidents(gdf)
    assert problem_of(result, "I1") == "expected a Point, got a LineString"
    assert "I2" in set(result.kept["id"])  # a one-point MultiPoint is read as its point
    assert "MultiPoint of one point" in result.notes.set_index("id").loc["I2", "note"]

    haz = hazards_gdf.copy()
    haz.loc[0, "geometry"] = Point(46.9, 39.9)
    result = geomap.validate_hazards(haz)
    assert problem_of(result, "H1") == "expected a Polygon or MultiPolygon, got a Point"


def test_self_intersecting_polygon_is_repaired_with_a_note(hazards_gdf):
    haz = hazards_gdf.copy()
    bowtie = Polygon([(46.90, 39.90), (46.92, 39.92), (46.92, 39.90), (46.90, 39.92)])
    assert not bowtie.is_valid
    haz.loc[0, "geometry"] = bowtie
    result = geomap.validate_hazards(haz)
    assert result.rejected.empty
    kept = result.kept.set_index("id")
    assert kept.loc["H1", "geometry"].is_valid
    assert kept.loc["H1", "geometry"].geom_type == "MultiPolygon"
    note = result.notes.set_index("id").loc["H1", "note"]
    assert note.startswith("repaired invalid polygon (Self-intersection")
    assert result.files.loc[0, "repaired"] == 1
    # Repair keeps both triangles' area (two 0.01° × 0.02° triangles ≈ 1.9 km²).
    assert 1.6e6 < kept.loc["H1", "area_m2"] < 2.2e6


def test_polygon_with_no_area_left_is_rejected(hazards_gdf):
    haz = hazards_gdf.copy()
    haz.loc[0, "geometry"] = Polygon([(46.9, 39.9), (46.95, 39.95), (47.0, 40.0), (46.9, 39.9)])
    result = geomap.validate_hazards(haz)
    assert "no area left after repair" in problem_of(result, "H1")


def test_out_of_range_and_swapped_axes():
    gdf = cluster()
    gdf.loc[0, "geometry"] = Point(46.9, 139.9)  # latitude beyond 90
    gdf.loc[1, "geometry"] = Point(39.95, 46.95)  # in range but swapped: lands in Armenia's north
    gdf.loc[2, "geometry"] = Point(246.9, 139.9)  # nonsense
    result = geomap.validate_incidents(gdf)
    assert "out of range" in problem_of(result, "I0")
    assert "longitude and latitude are swapped" in problem_of(result, "I1")
    rej = result.rejected.set_index("id")
    assert rej.loc["I1", "likely_fix"] == "use (46.95, 39.95)"
    assert "out of range (longitude ±180, latitude ±90)" in problem_of(result, "I2")


def test_flipped_sign_is_flagged_with_the_fix():
    gdf = cluster()
    gdf.loc[3, "geometry"] = Point(-47.0, 39.8)
    result = geomap.validate_incidents(gdf)
    assert "longitude has the wrong sign" in problem_of(result, "I3")
    assert result.rejected.set_index("id").loc["I3", "likely_fix"] == "use (47.0, 39.8)"
    assert len(result.kept) == 24


def test_missing_crs_warns_naming_the_file(tmp_path, incidents_gdf):
    path = tmp_path / "nocrs.shp"
    incidents_gdf[["id", "geometry"]].assign(incident_t="mine/ERW accident").to_file(path)
    path.with_suffix(".prj").unlink()
    raw = geomap.read_incidents(path)
    assert raw.crs.to_epsg() == 4326
    result = geomap.validate_incidents(raw)
    lines = result.summary()
    assert f"{path}: warning: has no CRS; assumed EPSG:4326" in "\n".join(lines)
    assert len(result.kept) == 5


def test_given_crs_is_used_for_files_without_one(tmp_path, incidents_gdf):
    path = tmp_path / "utm.shp"
    utm = incidents_gdf[["id", "geometry"]].to_crs(32638).assign(incident_t="incident")
    utm.to_file(path)
    path.with_suffix(".prj").unlink()
    raw = geomap.read_incidents(path, crs="EPSG:32638")
    assert raw.geometry.iloc[0].x == pytest.approx(46.93, abs=1e-6)


def test_duplicate_ids_keep_the_first(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[3, "id"] = "I1"
    result = geomap.validate_incidents(gdf)
    assert list(result.kept["id"]) == ["I1", "I2", "I3", "I5"]
    rej = result.rejected.iloc[0]
    assert rej["source_row"] == 4
    assert rej["problem"] == "duplicate id 'I1'; first seen at <data> row 1"


def test_unknown_codes_are_reported_not_coerced(incidents_gdf, hazards_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "victim_category"] = "tourist"
    gdf.loc[1, "device_category"] = "Antipersonnel mine"  # a known synonym, normalised
    result = geomap.validate_incidents(gdf)
    msg = problem_of(result, "I1")
    assert msg.startswith("'tourist' is not a known victim category; expected one of ['civilian'")
    assert result.kept.set_index("id").loc["I2", "device_category"] == "AP mine"

    haz = hazards_gdf.copy()
    haz.loc[2, "status"] = "demolished"
    haz.loc[1, "hazard_class"] = None
    result = geomap.validate_hazards(haz)
    assert "'demolished' is not a known status" in problem_of(result, "H3")
    assert problem_of(result, "H2").startswith("hazard class is missing")


def test_absent_optional_codes_default_to_unknown(incidents_gdf):
    gdf = incidents_gdf.drop(columns=["victim_category", "device_category"])
    result = geomap.validate_incidents(gdf)
    assert set(result.kept["victim_category"]) == {"unknown"}
    assert set(result.kept["device_category"]) == {"other/unknown"}


def test_absent_required_field_says_to_map_it(incidents_gdf):
    gdf = incidents_gdf.drop(columns=["incident_type"])
    result = geomap.validate_incidents(gdf)
    assert result.kept.empty
    assert (
        "incident type is not in the file (map a column to it)"
        in result.rejected["problem"].iloc[0]
    )


def test_dates_that_do_not_parse(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "date"] = "31/02/2021"  # no such day
    gdf.loc[1, "date"] = "yesterday"
    gdf.loc[2, "date"] = "17.05.2022"  # day-first is accepted
    result = geomap.validate_incidents(gdf)
    assert problem_of(result, "I1") == "'31/02/2021' is not a date (expected YYYY-MM-DD)"
    assert problem_of(result, "I2") == "'yesterday' is not a date (expected YYYY-MM-DD)"
    assert str(result.kept.set_index("id").loc["I3", "date"].date()) == "2022-05-17"


def test_casualty_counts_must_be_whole_and_not_negative(incidents_gdf):
    gdf = incidents_gdf.astype({"killed": object, "injured": object})
    gdf.loc[0, "killed"] = "two"
    gdf.loc[1, "injured"] = -1
    gdf.loc[2, "injured"] = 1.5
    gdf.loc[3, "killed"] = None
    result = geomap.validate_incidents(gdf)
    assert problem_of(result, "I1") == "'two' is not a number (expected a whole number ≥ 0)"
    assert problem_of(result, "I2") == "'-1' is not a whole number ≥ 0"
    assert problem_of(result, "I3") == "'1.5' is not a whole number ≥ 0"
    assert pd.isna(result.kept.set_index("id").loc["I4", "killed"])  # unknown stays unknown


def test_several_problems_on_one_row_are_all_reported(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "victim_category"] = "tourist"
    gdf.loc[0, "date"] = "soon"
    result = geomap.validate_incidents(gdf)
    row = result.rejected.set_index("id").loc["I1"]
    assert row["field"] == "date; victim_category"
    assert "tourist" in row["problem"]
    assert "soon" in row["problem"]
    assert len(result.rejected) == 1


def test_rejects_keep_the_row_values(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "victim_category"] = "tourist"
    result = geomap.validate_incidents(gdf)
    row = result.rejected.iloc[0]
    assert row["description"] == "tractor"
    assert row["geometry_wkt"] == "POINT (46.93 39.99)"


def test_strict_raises_with_the_report(incidents_gdf):
    gdf = incidents_gdf.copy()
    gdf.loc[0, "victim_category"] = "tourist"
    with pytest.raises(ValidationError, match="1 of 5 incidents rows rejected") as info:
        geomap.validate_incidents(gdf, strict=True)
    assert len(info.value.problems) == 1


def test_kept_layer_is_typed(incidents_gdf, hazards_gdf):
    kept = geomap.validate_incidents(incidents_gdf).kept
    assert isinstance(kept["victim_category"].dtype, pd.CategoricalDtype)
    assert list(kept["victim_category"].cat.categories) == list(geomap.model.VICTIM_CATEGORY.codes)
    assert str(kept["killed"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(kept["date"])
    haz = geomap.validate_hazards(hazards_gdf).kept
    assert "area_m2" in haz.columns


def test_filtered_rows_are_counted_apart_and_reconcile():
    raw = cluster(5)
    raw["_filtered"] = [None, None, "where x in ['1'] (was '2')", None, None]
    raw.loc[3, "incident_type"] = "picnic"
    result = geomap.validate_incidents(raw)
    assert (len(result.kept), len(result.rejected), len(result.filtered)) == (3, 1, 1)
    assert result.files.loc[0, ["read", "kept", "rejected", "filtered"]].tolist() == [5, 3, 1, 1]
    assert result.reconciles
    assert list(result.filtered["id"]) == ["I2"]
    assert "_filtered" not in result.kept.columns
    assert "5 incidents read = 3 kept + 1 rejected + 1 filtered" in result.summary()[0]


def test_missing_required_field_is_said_once_per_file():
    raw = cluster(25).drop(columns="incident_type")
    result = geomap.validate_incidents(raw)
    assert len(result.rejected) == 25
    errors = [ln for ln in result.summary() if ": error: " in ln]
    assert len(errors) == 1
    assert "no column for incident_type" in errors[0]
    assert "constants: {incident_type: mine/ERW accident}" in errors[0]


# --------------------------------------------------------------- issue 8: never garbled


def test_z_and_m_values_are_dropped_with_a_note(hazards_gdf, incidents_gdf):
    haz = hazards_gdf.copy()
    haz.geometry = shapely.force_3d(haz.geometry.to_numpy(), 120.0)
    inc = incidents_gdf.copy()
    inc.geometry = shapely.from_wkt(["POINT M (46.93 39.99 7)", *inc.geometry.to_wkt()[1:]])
    for result in (geomap.validate_hazards(haz), geomap.validate_incidents(inc)):
        assert result.rejected.empty, result.rejected
        assert not shapely.has_z(result.kept.geometry.to_numpy()).any()
        assert result.notes["note"].str.contains("dropped the Z").any()
    assert haz.geometry.has_z.all()  # the caller's data is untouched
    flat = geomap.validate_hazards(hazards_gdf).kept
    assert geomap.validate_hazards(haz).kept["area_m2"].tolist() == flat["area_m2"].tolist()


def test_as_layer_flattens_3d_layers(hazards_gdf):
    haz = hazards_gdf.set_geometry(shapely.force_3d(hazards_gdf.geometry.to_numpy(), 5.0))
    assert not as_layer(haz, "hazards").geometry.has_z.any()
    assert haz.geometry.has_z.all()


def test_non_finite_coordinates_are_rejected():
    with np.errstate(invalid="ignore"):
        geoms = shapely.from_wkt(
            ["POINT (46.9 39.9)", "POINT (NaN 39.9)", "POINT (inf 39.9)", "POINT (46.9 -inf)"]
        )
    raw = cluster(4).set_geometry(geoms)
    result = geomap.validate_incidents(raw)
    assert len(result.kept) == 1
    assert (
        result.rejected["problem"] == "a coordinate is not a finite number (NaN or infinity)"
    ).all()


def test_collection_without_polygons_is_rejected():
    gc = GeometryCollection([Point(46.9, 39.9), LineString([(46.9, 39.9), (47, 40)])])
    raw = gpd.GeoDataFrame({"hazard_class": ["CHA"], "status": ["active"]}, geometry=[gc], crs=4326)
    result = geomap.validate_hazards(raw)
    assert result.kept.empty
    assert "GeometryCollection with no polygon" in result.rejected.loc[0, "problem"]


@pytest.mark.parametrize(
    ("polygon", "reason"),
    [
        (Polygon([(179.5, 10), (-179.5, 10), (-179.5, 11), (179.5, 11)]), "antimeridian"),
        (Polygon([(10, 85), (11, 85), (11, 90), (10, 90)]), "beyond 80°S or 84°N"),
        (Polygon([(10, -81), (11, -81), (11, -82)]), "beyond 80°S or 84°N"),
    ],
)
def test_polar_and_antimeridian_polygons_are_rejected(polygon, reason):
    raw = gpd.GeoDataFrame(
        {"hazard_class": ["CHA"], "status": ["active"]}, geometry=[polygon], crs=4326
    )
    result = geomap.validate_hazards(raw)
    assert result.kept.empty
    assert reason in result.rejected.loc[0, "problem"]


def test_small_layer_is_checked_against_itself():
    raw = cluster(12)
    raw.loc[3, "geometry"] = Point(-raw.geometry[3].x, raw.geometry[3].y)
    result = geomap.validate_incidents(raw)
    assert result.rejected["id"].tolist() == ["I3"]
    assert "longitude has the wrong sign" in result.rejected.loc[0, "problem"]


def test_tiny_layer_is_checked_against_a_reference(hazards_gdf):
    raw = cluster(2)
    raw.loc[1, "geometry"] = Point(raw.geometry[1].y, raw.geometry[1].x)
    alone = geomap.validate_incidents(raw)
    assert alone.rejected.empty  # two points: nothing to compare them with
    result = geomap.validate_layer(raw, geomap.model.INCIDENTS, reference=hazards_gdf)
    assert result.rejected["id"].tolist() == ["I1"]
    assert "swapped" in result.rejected.loc[0, "problem"]


def test_implausible_counts_and_dates_are_rejected():
    raw = cluster(5)
    raw["killed"] = ["1", str(MAX_COUNT), str(MAX_COUNT + 1), "1e20", "1"]
    raw["date"] = ["2020-01-01", "2020-01-01", "2020-01-01", "2020-01-01", "1500-06-01"]
    result = geomap.validate_incidents(raw)
    assert result.kept["id"].tolist() == ["I0", "I1"]
    assert result.kept["killed"].tolist() == [1, MAX_COUNT]
    problems = " ".join(result.rejected["problem"])
    assert f"at most {MAX_COUNT:,}" in problems
    assert f"before {EARLIEST_DATE:%Y-%m-%d}" in problems


def test_wrong_geometry_type_suggests_the_other_kind(hazards_gdf):
    result = geomap.validate_incidents(hazards_gdf)
    assert result.kept.empty
    assert (result.rejected["likely_fix"] == "read the file as hazard areas (--kind hazards)").all()


def test_unvalidated_non_finite_rows_are_left_off_the_map(incidents_gdf, caplog):
    raw = incidents_gdf.copy()
    with np.errstate(invalid="ignore"):
        raw.loc[1, "geometry"] = shapely.from_wkt("POINT (NaN 39.9)")
    caplog.set_level("WARNING")
    shown = clean_layer(raw, "incidents")
    assert shown["id"].tolist() == ["I1", "I3", "I4", "I5"]
    assert "left out 1 rows with a NaN or infinite coordinate" in caplog.text


def test_a_row_with_several_problems_lists_each_once_with_its_fix():
    raw = cluster(25)
    raw.loc[3, "geometry"] = Point(-47.0, 39.7)
    raw.loc[[3, 4], "incident_type"] = "picnic"
    raw["killed"] = raw["killed"].astype(object)
    raw.loc[4, "killed"] = "-1"
    result = geomap.validate_incidents(raw)
    rej = result.rejected.set_index("source_row")
    assert rej.loc[4, "field"] == "geometry; incident_type"
    assert rej.loc[4, "problem"].startswith(
        "point (-47.0, 39.7) lies far from the rest of the data: longitude has the wrong sign; "
        "'picnic' is not a known incident type"
    )
    assert rej.loc[4, "likely_fix"] == "use (47.0, 39.7)"  # the code's empty fix is left out
    assert rej.loc[5, "field"] == "incident_type; killed"
    assert rej.loc[5, "problem"].endswith("; '-1' is not a whole number ≥ 0")
    assert rej.loc[5, "likely_fix"] == ""


@pytest.mark.parametrize("threads", ["1", "2"])
def test_hazards_checked_in_threads_as_in_one(monkeypatch, threads):
    rng = np.random.default_rng(3)
    n = 2_500
    xy = np.column_stack([46.5 + rng.uniform(0, 1, n), 39.5 + rng.uniform(0, 0.5, n)])
    geoms = shapely.buffer(shapely.points(xy), 0.002)
    bowtie = Polygon([(46.9, 39.9), (46.91, 39.91), (46.91, 39.9), (46.9, 39.91)])
    geoms[[10, 1_500, 2_400]] = bowtie
    geoms[7] = Polygon([(46.9, 39.9), (46.95, 39.9), (47.0, 39.9)])  # no area
    raw = gpd.GeoDataFrame(
        {"id": [f"H{i}" for i in range(n)], "hazard_class": "CHA", "status": "active"},
        geometry=geoms,
        crs=4326,
    )
    monkeypatch.setenv("GEOMAP_THREADS", threads)
    result = geomap.validate_hazards(raw)
    monkeypatch.setenv("GEOMAP_THREADS", "1")
    alone = geomap.validate_hazards(raw)
    pd.testing.assert_frame_equal(result.kept, alone.kept)
    pd.testing.assert_frame_equal(result.rejected, alone.rejected)
    pd.testing.assert_frame_equal(result.notes, alone.notes)
    assert result.rejected["id"].tolist() == ["H7"]
    assert result.notes["id"].tolist() == ["H10", "H1500", "H2400"]
    assert (result.kept["area_m2"] > 0).all()
