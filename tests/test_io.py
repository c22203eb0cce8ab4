"""Readers: one fixture dataset written per format, read back the same."""

from __future__ import annotations

import json
import logging
import warnings
import zipfile
from pathlib import Path

import fiona
import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

import geomap
from geomap import GeomapError
from geomap import InputError
from geomap import MappingError
from geomap.cli import main
from geomap.io import read_context_layer
from geomap.io import read_layer
from geomap.io import write_layer
from geomap.io import write_rejects
from geomap.load import load_context
from geomap.load import load_inputs

FORMATS = [
    "geojson",
    "gpkg",
    "shp",
    "shp-folder",
    "shp-zip",
    "fgb",
    "parquet",
    "csv",
    "csv-wkt",
    "kml",
    "kmz",
]


def write_as(gdf: gpd.GeoDataFrame, folder: Path, fmt: str) -> Path:
    """Write ``gdf`` in format ``fmt`` under ``folder``; return what to read."""
    if fmt == "geojson":
        path = folder / "layer.geojson"
        gdf.to_file(path, driver="GeoJSON")
    elif fmt == "gpkg":
        path = folder / "layer.gpkg"
        gdf.to_file(path, layer="mine_events")
    elif fmt in ("shp", "shp-folder", "shp-zip"):
        shp_dir = folder / "shp"
        shp_dir.mkdir()
        with warnings.catch_warnings():  # Shapefile cuts names to 10 characters; geomap undoes it
            warnings.filterwarnings("ignore", "Column names longer than 10", UserWarning)
            gdf.to_file(shp_dir / "layer.shp")
        path = shp_dir / "layer.shp"
        if fmt == "shp-folder":
            path = shp_dir
        elif fmt == "shp-zip":
            path = folder / "layer.zip"
            with zipfile.ZipFile(path, "w") as zf:
                for part in shp_dir.iterdir():
                    zf.write(part, part.name)
    elif fmt == "fgb":
        path = folder / "layer.fgb"
        gdf.to_file(path, driver="FlatGeobuf")
    elif fmt == "parquet":
        path = folder / "layer.parquet"
        gdf.to_parquet(path)
    elif fmt == "csv":
        path = folder / "layer.csv"
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["Latitude"] = gdf.geometry.y
        df["Longitude"] = gdf.geometry.x
        df.to_csv(path, index=False)
    elif fmt == "csv-wkt":
        path = folder / "layer.csv"
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["WKT"] = gdf.geometry.to_wkt()
        df.to_csv(path, index=False)
    elif fmt in ("kml", "kmz"):
        path = folder / "layer.kml"
        gdf.to_file(path, driver="KML")
        if fmt == "kmz":  # a KMZ is a zip whose first .kml is the document
            kmz = folder / "layer.kmz"
            with zipfile.ZipFile(kmz, "w") as zf:
                zf.write(path, "doc.kml")
            path.unlink()
            path = kmz
    else:  # pragma: no cover
        raise AssertionError(fmt)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back_every_incident(tmp_path, incidents_gdf, fmt):
    path = write_as(incidents_gdf, tmp_path, fmt)
    raw = geomap.read_incidents(path)
    assert len(raw) == len(incidents_gdf)
    assert raw.crs.to_epsg() == 4326
    assert sorted(raw["source_row"]) == [1, 2, 3, 4, 5]
    result = geomap.validate_incidents(raw)
    assert result.rejected.empty, result.rejected
    assert len(result.kept) == 5
    # Same places, to 1e-6 degree (FlatGeobuf's spatial index may reorder features).
    kept = result.kept.set_index("id").loc[incidents_gdf["id"]]
    assert (kept.geometry.x.to_numpy() - incidents_gdf.geometry.x.to_numpy()).max() < 1e-6
    assert abs(kept.geometry.y.to_numpy() - incidents_gdf.geometry.y.to_numpy()).max() < 1e-6
    assert kept["killed"].sum() == incidents_gdf["killed"].sum()
    assert list(kept["victim_category"]) == list(incidents_gdf["victim_category"])


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "fgb", "parquet", "csv-wkt"])
def test_each_format_reads_back_hazards_with_areas(tmp_path, hazards_gdf, fmt):
    path = write_as(hazards_gdf, tmp_path, fmt)
    result = geomap.validate_hazards(geomap.read_hazards(path))
    assert len(result.kept) == 3
    # 0.01° squares at 39.5-40° N: about 1.11 km × 0.855 km.
    assert result.kept["area_m2"].between(0.9e6, 1.0e6).all()


def test_fiona_engine_is_passed_through(tmp_path, incidents_gdf, monkeypatch):
    """``engine="fiona"`` reads the rows with Fiona, not pyogrio; the default does not."""
    path = write_as(incidents_gdf, tmp_path, "geojson")
    opened: list[str] = []
    fiona_open = fiona.open

    def spy(fp, *args, **kwargs):
        opened.append(str(fp))
        return fiona_open(fp, *args, **kwargs)

    monkeypatch.setattr(fiona, "open", spy)
    assert len(geomap.read_incidents(path)) == 5
    assert opened == []  # pyogrio, geopandas' default, read them

    def no_pyogrio(*args, **kwargs):
        raise AssertionError("pyogrio read the rows although engine='fiona' was given")

    monkeypatch.setattr(pyogrio, "read_dataframe", no_pyogrio)
    raw = geomap.read_incidents(path, engine="fiona")
    assert len(raw) == 5
    assert len(opened) == 1
    assert opened[0].endswith("layer.geojson")


def test_several_files_are_one_layer(tmp_path, incidents_gdf):
    a = tmp_path / "2021.geojson"
    b = tmp_path / "2022.geojson"
    incidents_gdf.iloc[:2].to_file(a)
    incidents_gdf.iloc[2:].to_file(b)
    raw = geomap.read_incidents([a, b])
    assert len(raw) == 5
    assert [f["rows"] for f in raw.attrs["geomap_files"]] == [2, 3]
    result = geomap.validate_incidents(raw)
    assert list(result.files["read"]) == [2, 3]
    assert result.reconciles


def test_gpkg_with_two_layers_and_none_named_lists_them(tmp_path, incidents_gdf, hazards_gdf):
    path = tmp_path / "two.gpkg"
    incidents_gdf.to_file(path, layer="points_a")
    hazards_gdf.to_file(path, layer="areas_b")
    with pytest.raises(InputError, match=r"has 2 layers \(points_a, areas_b\)"):
        geomap.read_incidents(path)
    assert len(geomap.read_incidents(path, layer="points_a")) == 5
    with pytest.raises(InputError, match="has no layer 'nope'; its layers are points_a, areas_b"):
        geomap.read_incidents(path, layer="nope")


def test_gpkg_layer_named_after_the_kind_is_found(tmp_path, incidents_gdf, hazards_gdf):
    path = tmp_path / "both.gpkg"
    incidents_gdf.to_file(path, layer="incidents")
    hazards_gdf.to_file(path, layer="hazards")
    assert geomap.detect_layers(path) == [("incidents", "incidents"), ("hazards", "hazards")]
    results = geomap.load_layers(path)
    assert len(results["incidents"].kept) == 5
    assert len(results["hazards"].kept) == 3


def test_shapefile_without_dbf_names_the_missing_part(tmp_path, incidents_gdf):
    path = write_as(incidents_gdf, tmp_path, "shp")
    path.with_suffix(".dbf").unlink()
    with pytest.raises(InputError, match=r"layer\.shp: Shapefile is missing its \.dbf file"):
        geomap.read_incidents(path)


def test_truncated_geojson_says_so(tmp_path, incidents_gdf):
    path = write_as(incidents_gdf, tmp_path, "geojson")
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(
        InputError, match=r"layer\.geojson: is not valid JSON \(the file looks truncated\)"
    ):
        geomap.read_incidents(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.geojson: the file is empty"):
        geomap.read_incidents(path)


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        geomap.read_incidents(tmp_path / "nope.geojson")
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(InputError, match=r"unknown file type '\.xyz'"):
        geomap.read_incidents(odd)


def test_csv_without_coordinates_explains(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("id,name\n1,a\n")
    with pytest.raises(InputError, match="found no coordinate columns"):
        geomap.read_incidents(path)


def test_csv_named_columns(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("id,incident_type,N,E\nA,mine/ERW accident,39.9,46.9\n")
    raw = geomap.read_incidents(path, latitude="N", longitude="E")
    assert raw.geometry.iloc[0].x == pytest.approx(46.9)


def test_mapping_yaml_and_toml_agree(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text(
        "CODE,TYPE,FECHA,lat,lon\nE1,1,15/03/2021,39.9,46.9\nE2,2,01/04/2021,39.8,46.8\n"
    )
    yaml_map = tmp_path / "m.yaml"
    yaml_map.write_text(
        "layer: incidents\nfields: {id: CODE, incident_type: TYPE, date: FECHA}\n"
        "codes: {incident_type: {'1': mine/ERW accident, '2': demining accident}}\n"
        "dates: {date: '%d/%m/%Y'}\n"
    )
    toml_map = tmp_path / "m.toml"
    toml_map.write_text(
        'layer = "incidents"\n[fields]\nid = "CODE"\nincident_type = "TYPE"\ndate = "FECHA"\n'
        '[codes.incident_type]\n"1" = "mine/ERW accident"\n"2" = "demining accident"\n'
        '[dates]\ndate = "%d/%m/%Y"\n'
    )
    for mapping in (yaml_map, toml_map):
        result = geomap.validate_incidents(geomap.read_incidents(csv, mapping=mapping))
        assert list(result.kept["id"]) == ["E1", "E2"]
        assert list(result.kept["incident_type"]) == ["mine/ERW accident", "demining accident"]
        assert str(result.kept["date"].iloc[0].date()) == "2021-03-15"


def test_mapping_errors_name_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields: {victims: X}\n")
    with pytest.raises(MappingError, match=r"`fields` names \['victims'\], which are not fields"):
        geomap.load_mapping(bad)
    typo = tmp_path / "typo.yaml"
    typo.write_text("feilds: {}\n")
    with pytest.raises(MappingError, match=r"unknown key\(s\) \['feilds'\]"):
        geomap.load_mapping(typo)
    csv = tmp_path / "e.csv"
    csv.write_text("lat,lon\n1,2\n")
    ok = tmp_path / "ok.yaml"
    ok.write_text("fields: {id: EVENT}\n")
    with pytest.raises(
        MappingError, match=r"names column\(s\) \['EVENT'\] that the file does not have"
    ):
        geomap.read_incidents(csv, mapping=ok)


def test_mapping_one_column_to_two_fields_and_a_filter(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text("lat,lon,T,OK\n39.9,46.9,EO find,y\n39.8,46.8,EO find,n\n")
    m = geomap.ColumnMapping.from_dict(
        {"fields": {"incident_type": "T", "description": "T"}, "where": {"OK": "y"}}
    )
    raw = geomap.read_incidents(csv, mapping=m)
    assert list(raw["description"]) == ["EO find", "EO find"]
    assert list(raw["_filtered"]) == [None, "where OK in ['y'] (was 'n')"]


@pytest.mark.parametrize(
    ("files", "path", "matches"),
    [
        (("hazards-2023*.geojson",), "in/hazards-2023-q1.geojson", True),
        (("hazards-2023*.geojson",), "in/hazards-2024.geojson", False),
        (("in/*.csv",), "in/a.csv", True),
        (("A.CSV",), "x/a.csv", True),
        ((), "a.csv", False),
    ],
)
def test_mapping_matches_files_by_name_or_glob(files, path, matches):
    assert geomap.ColumnMapping(files=files).matches(path) is matches


def test_load_layers_gives_each_file_its_mapping(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("lat,lon,T\n39.9,46.9,1\n")
    b = tmp_path / "b.csv"
    b.write_text("lat,lon,KIND\n39.8,46.8,EO find\n")
    ma = {
        "files": ["a.csv"],
        "fields": {"incident_type": "T"},
        "codes": {"incident_type": {"1": "mine/ERW accident"}},
    }
    mb = {"layer": "incidents", "fields": {"incident_type": "KIND"}}
    mappings = [geomap.ColumnMapping.from_dict(d) for d in (mb, ma)]
    result = geomap.load_layers([a, b], mappings=mappings)["incidents"]
    assert list(result.kept["incident_type"]) == ["mine/ERW accident", "EO find"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"encoding": "nope"}, r"`encoding` was 'nope', which is not a known text encoding"),
        ({"dates": {"date": "%Q"}}, r"`dates.date` was '%Q': 'Q' is a bad directive"),
        ({"crs": "EPSG:999999"}, r"`crs` was 'EPSG:999999', which is not a known CRS"),
        ({"where": {"a": {"gt": 1}}}, r"`where.a` accepts a value, a list of values or"),
    ],
)
def test_mapping_values_are_checked_when_loaded(doc, message):
    with pytest.raises(MappingError, match=message):
        geomap.ColumnMapping.from_dict(doc, source="m.yaml")


def test_bad_yaml_is_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields:\n  id: [A\n")
    with pytest.raises(MappingError) as info:
        geomap.load_mapping(bad)
    assert "\n" not in str(info.value)
    assert "(line 3, column 1)" in str(info.value)


def test_reprojects_to_display_crs(tmp_path, incidents_gdf):
    path = tmp_path / "utm.gpkg"
    incidents_gdf.to_crs(32638).to_file(path)
    raw = geomap.read_incidents(path)
    assert raw.crs.to_epsg() == 4326
    assert raw.geometry.iloc[0].x == pytest.approx(46.93, abs=1e-6)


def test_write_layer_is_atomic_and_keeps_old_file_on_error(tmp_path, monkeypatch):
    dest = tmp_path / "out.csv"
    dest.write_text("old")

    def half_then_fail(self, path, *a, **k):
        Path(path).write_text("a\n1\n")  # half a file...
        raise OSError("disk full")  # ...then the disk fills up

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        geomap.write_layer(pd.DataFrame({"a": [1, 2]}), dest)
    assert dest.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_geojson_reader_keeps_json_property_types(tmp_path):
    path = tmp_path / "typed.geojson"
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": 7, "incident_type": "mine/ERW accident", "killed": 2},
                "geometry": {"type": "Point", "coordinates": [46.9, 39.9]},
            }
        ],
    }
    path.write_text(json.dumps(fc))
    result = geomap.validate_incidents(geomap.read_incidents(path))
    assert result.kept.loc[0, "id"] == "7"
    assert result.kept.loc[0, "killed"] == 2


def test_rejects_without_geometry_write_to_a_geopackage(tmp_path):
    table = pd.DataFrame(
        {"id": ["A", "B"], "problem": ["x", "y"], "geometry_wkt": ["POINT (46.9 39.9)", None]}
    )
    dest = geomap.write_layer(table, tmp_path / "rejects.gpkg")
    back = gpd.read_file(dest)
    assert list(back["id"]) == ["A", "B"]
    assert back.geometry.iloc[0] == Point(46.9, 39.9)
    assert back.geometry.iloc[1] is None


def test_detect_layers_names_a_missing_layer(tmp_path, incidents_gdf, hazards_gdf):
    path = tmp_path / "two.gpkg"
    incidents_gdf.to_file(path, layer="a")
    hazards_gdf.to_file(path, layer="b")
    assert geomap.detect_layers(path, "b") == [("hazards", "b")]
    with pytest.raises(InputError, match="has no layer 'nope'; its layers are a, b"):
        geomap.detect_layers(path, "nope")


def test_context_layers_given_or_found_in_an_input(tmp_path, incidents_gdf, hazards_gdf):
    gpkg = tmp_path / "inputs.gpkg"
    incidents_gdf.to_file(gpkg, layer="incidents")
    hazards_gdf.to_file(gpkg, layer="districts")
    single = tmp_path / "towns.geojson"
    incidents_gdf.to_file(single)
    assert len(read_context_layer(single, "towns")) == 5  # a single layer is read whole
    assert read_context_layer(single, "towns", only_named=True) is None
    assert len(read_context_layer(gpkg, "districts")) == 3
    with pytest.raises(InputError, match="has no layer 'roads'; its layers are incidents, dis"):
        read_context_layer(gpkg, "roads")
    assert len(load_context("districts", search=[single, gpkg])) == 3
    assert load_context("roads", search=[gpkg]) is None
    assert len(load_context("towns", single, search=[gpkg])) == 5


def test_load_inputs_sorts_files_and_refuses_a_kind_twice(tmp_path, incidents_gdf, hazards_gdf):
    inc = tmp_path / "inc.geojson"
    haz = tmp_path / "haz.geojson"
    incidents_gdf.to_file(inc)
    hazards_gdf.to_file(haz)
    results = load_inputs([inc], hazards=[haz])
    assert {k: len(r.kept) for k, r in results.items()} == {"incidents": 5, "hazards": 3}
    with pytest.raises(geomap.GeomapError, match="incidents were given twice"):
        load_inputs([inc], incidents=[inc])
    with pytest.raises(InputError, match="no input files given"):
        load_inputs()


KML_DATA = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="s" id="s"><SimpleField name="id" type="string"/></Schema>
<Placemark id="pm1"><name>A</name><ExtendedData><Data name="id"><value>INC-001</value></Data>
</ExtendedData><Point><coordinates>46.75,39.82,0</coordinates></Point></Placemark>
<Placemark><name>B</name><ExtendedData><SchemaData schemaUrl="#s">
<SimpleData name="id">INC-002</SimpleData></SchemaData></ExtendedData>
<Point><coordinates>46.76,39.83,0</coordinates></Point></Placemark>
<Placemark id="pm3"><name>C</name><Point><coordinates>46.77,39.84,0</coordinates></Point>
</Placemark>
</Document></kml>
"""


@pytest.mark.parametrize("fmt", ["kml", "kmz"])
def test_kml_keeps_extended_data_ids(tmp_path, fmt):
    """<Data name="id"> and <SchemaData> ids are kept; a Placemark without one keeps its own."""
    path = tmp_path / "ids.kml"
    path.write_text(KML_DATA, encoding="utf-8")
    if fmt == "kmz":
        kmz = tmp_path / "ids.kmz"
        with zipfile.ZipFile(kmz, "w") as zf:
            zf.write(path, "doc.kml")
        path = kmz
    gdf = read_layer(path, "incidents")
    assert list(gdf["id"]) == ["INC-001", "INC-002", "pm3"]
    assert "id2" not in gdf.columns


@pytest.fixture
def cp1251_shapefile(tmp_path):
    """A Shapefile written in cp1251 whose .cpg went missing (as field teams send them)."""
    gdf = gpd.GeoDataFrame(
        {"id": ["I1", "I2"], "district": ["Степанакерт", "Шуша"]},
        geometry=[Point(46.75, 39.82), Point(46.76, 39.76)],
        crs=4326,
    )
    shp = tmp_path / "cyr" / "incidents.shp"
    shp.parent.mkdir()
    gdf.to_file(shp, encoding="cp1251")
    shp.with_suffix(".cpg").unlink()
    return shp


def test_shapefile_encoding_is_given_or_mis_decoding_is_warned(cp1251_shapefile, caplog):
    with caplog.at_level(logging.WARNING, logger="geomap"):
        wrong = read_layer(cp1251_shapefile, "incidents")
    assert list(wrong["district"]) == ["Ñòåïàíàêåðò", "Øóøà"]
    note = wrong.attrs["geomap_files"][0]["notes"][-1]
    assert "text looks mis-decoded" in note
    assert "--encoding cp1251" in note
    assert "column 'district' holds 'Ñòåïàíàêåðò'" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="geomap"):
        right = read_layer(cp1251_shapefile, "incidents", encoding="cp1251")
    assert list(right["district"]) == ["Степанакерт", "Шуша"]
    assert "mis-decoded" not in caplog.text
    assert right.attrs["geomap_files"][0]["notes"] == []


def test_csv_encoding(tmp_path):
    path = tmp_path / "cyr.csv"
    path.write_bytes("id,district,latitude,longitude\nI1,Шуша,39.76,46.75\n".encode("cp1251"))
    with pytest.raises(InputError, match="could not be read as CSV"):
        read_layer(path, "incidents")
    assert list(read_layer(path, "incidents", encoding="cp1251")["district"]) == ["Шуша"]
    latin = read_layer(path, "incidents", encoding="latin1")
    assert "mis-decoded" in latin.attrs["geomap_files"][0]["notes"][-1]


def test_cli_encoding_option(capsys, cp1251_shapefile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main(["validate", str(cp1251_shapefile)])
    out, _ = capsys.readouterr()
    assert "warning: text looks mis-decoded" in out
    main(["validate", str(cp1251_shapefile), "--encoding", "cp1251"])
    out, _ = capsys.readouterr()
    assert "mis-decoded" not in out


def test_csv_outputs_neutralise_formulas(tmp_path):
    df = pd.DataFrame({"name": ["=1+1", "+x", "-y", "@z", "\tt", "\rr", "ok"], "n": range(7)})
    df["neg"] = -1.5
    write_layer(df, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", dtype={"name": str})
    assert list(back["name"]) == ["'=1+1", "'+x", "'-y", "'@z", "'\tt", "'\rr", "ok"]
    assert list(back["neg"]) == [-1.5] * 7  # numbers are left alone
    with pytest.raises(GeomapError, match=r"r\.txt: rejected rows are written as \.csv or \.gpkg"):
        write_rejects([], tmp_path / "r.txt")


def test_csv_of_wkt_polygons_is_detected_as_hazards(tmp_path, hazards_gdf, incidents_gdf):
    for gdf, kind in ((hazards_gdf, "hazards"), (incidents_gdf, "incidents")):
        path = tmp_path / f"{kind}.csv"
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df["geom"] = gdf.geometry.to_wkt()
        df.to_csv(path, index=False)
        assert geomap.detect_layers(path) == [(kind, None)]
        results = geomap.load_layers(path)
        assert list(results) == [kind]
        assert results[kind].rejected.empty
