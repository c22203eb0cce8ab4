"""Hostile cases for output safety: never overwrite an input, never a traceback.

Outputs equal to inputs (in every combination of map, snippet, rejects, report folder
and the files in it, against data files, context layers and mappings), spreadsheet
formulas in the rejects CSV, control characters on the terminal, bad rejects
extensions and options, a full disk, and interrupted runs.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString
from shapely.geometry import Point

import geomap.map.render
import geomap.report
from geomap.report import REPORT_FILES

from .harness import one_line_error
from .harness import run

HEADER = (
    "id,date,incident_type,killed,injured,victim_category,device_category,district,"
    "description,latitude,longitude"
)
GOOD = [
    "I1,2021-03-01,mine/ERW accident,0,1,civilian,AP mine,Aghdam,near the road,40.09,46.89",
    "I2,2021-04-01,mine/ERW accident,1,0,civilian,AT mine,Aghdam,a field,39.94,46.95",
    "I3,2021-05-01,mine/ERW accident,0,2,deminer,AP mine,Fuzuli,a garden,39.60,47.14",
]


def incidents_csv(path: Path, *extra: str) -> Path:
    """A small incidents CSV: three good rows, then ``extra`` rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *GOOD, *extra]) + "\n", encoding="utf-8")
    return path


def hazards_geojson(path: Path) -> Path:
    square = Point(46.9, 40.0).buffer(0.01, cap_style="square")
    gdf = gpd.GeoDataFrame(
        {
            "id": ["H1"],
            "hazard_class": ["CHA"],
            "hazard_type": ["AP"],
            "status": ["active"],
        },
        geometry=[square],
        crs=4326,
    )
    gdf.to_file(path)
    return path


def points_geojson(path: Path) -> Path:
    gdf = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[Point(46.9, 40.0), Point(47, 39.9)])
    gdf.set_crs(4326).to_file(path)
    return path


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def inc(tmp_path):
    return incidents_csv(tmp_path / "incidents.csv")


# --------------------------------------------------------------------------- outputs = inputs


def _case_render_onto_input(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    return ["render", f, "-o", f], [f]


def _case_render_onto_geojson(t: Path) -> tuple[list[object], list[Path]]:
    f = hazards_geojson(t / "in.geojson")
    return ["render", f, "-o", f], [f]


def _case_render_onto_districts(t: Path) -> tuple[list[object], list[Path]]:
    f, d = incidents_csv(t / "in.csv"), hazards_geojson(t / "districts.geojson")
    return ["render", f, "--districts", d, "-o", d], [f, d]


def _case_render_onto_towns(t: Path) -> tuple[list[object], list[Path]]:
    f, towns = incidents_csv(t / "in.csv"), points_geojson(t / "towns.geojson")
    return ["render", f, "--towns", towns, "-o", towns], [f, towns]


def _case_render_onto_mapping(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    mapping = t / "mapping.yaml"
    mapping.write_text("layer: incidents\nfields: {}\n")
    return ["render", f, "--mapping", mapping, "-o", mapping], [f, mapping]


def _case_render_onto_hazards_option(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "in.csv"), hazards_geojson(t / "h.geojson")
    return ["render", "--incidents", f, "--hazards", h, "-o", h], [f, h]


def _case_render_default_rejects_is_input(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "map-rejects.csv", "I9,2021-01-01,bad type,0,0,,,,,40,46.9")
    return ["render", f, "-o", t / "map.html"], [f]


def _case_render_rejects_onto_input(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    return ["render", f, "--rejects", f, "-o", t / "m.html"], [f]


def _case_render_output_is_rejects(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    return ["render", f, "--rejects", t / "out.csv", "-o", t / "out.csv"], [f]


def _case_render_path_spelled_otherwise(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    (t / "sub").mkdir()
    return ["render", f, "-o", t / "sub" / ".." / "in.csv"], [f]


def _case_render_onto_symlink(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    (t / "link.csv").symlink_to(f)
    return ["render", t / "link.csv", "-o", f], [f]


def _case_render_onto_hard_link(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "in.csv")
    os.link(f, t / "other-name.html")
    return ["render", f, "-o", t / "other-name.html"], [f]


def _case_render_onto_shapefile_part(t: Path) -> tuple[list[object], list[Path]]:
    shp = t / "shp" / "incidents.shp"
    shp.parent.mkdir()
    points_geojson(t / "p.geojson")
    gpd.read_file(t / "p.geojson").to_file(shp)
    parts = sorted(shp.parent.iterdir())
    return ["render", shp, "-o", shp.with_suffix(".dbf")], parts


def _case_embed_onto_input(t: Path) -> tuple[list[object], list[Path]]:
    f = hazards_geojson(t / "in.geojson")
    return ["embed", f, "--as", "fragment", "-o", f], [f]


def _case_validate_rejects_onto_input(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "x.csv", "I9,2021-01-01,bad type,0,0,,,,,40,46.9")
    return ["validate", f, "--rejects", f], [f]


def _case_validate_default_rejects_is_input(t: Path) -> tuple[list[object], list[Path]]:
    f = incidents_csv(t / "geomap-rejects.csv", "I9,2021-01-01,bad type,0,0,,,,,40,46.9")
    return ["validate", "geomap-rejects.csv"], [f]


def _case_validate_rejects_onto_second_input(t: Path) -> tuple[list[object], list[Path]]:
    a, b = incidents_csv(t / "a.csv"), incidents_csv(t / "b.csv")
    return ["validate", a, b, "--rejects", b], [a, b]


def _case_stats_rejects_onto_input(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "in.csv"), hazards_geojson(t / "h.geojson")
    return ["stats", "--incidents", f, "--hazards", h, "--rejects", f], [f, h]


def _case_report_folder_is_input(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "in.csv"), hazards_geojson(t / "h.geojson")
    return ["report", "--incidents", f, "--hazards", h, "-o", h], [f, h]


def _case_report_file_is_input(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "rep" / "links.csv"), hazards_geojson(t / "h.geojson")
    return ["report", "--incidents", f, "--hazards", h, "-o", t / "rep"], [f, h]


def _case_report_gpkg_file_is_districts(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "in.csv"), hazards_geojson(t / "h.geojson")
    (t / "rep").mkdir()
    d = hazards_geojson(t / "rep" / "priorities.gpkg")
    args = ["report", "--incidents", f, "--hazards", h, "--districts", d, "-o", t / "rep"]
    return args, [f, h, d]


def _case_report_rejects_in_folder(t: Path) -> tuple[list[object], list[Path]]:
    f, h = incidents_csv(t / "in.csv"), hazards_geojson(t / "h.geojson")
    rej = t / "rep" / "areas.csv"
    return ["report", "--incidents", f, "--hazards", h, "-o", t / "rep", "--rejects", rej], [f, h]


OVERWRITES = {
    name.removeprefix("_case_"): case
    for name, case in globals().items()
    if name.startswith("_case_")
}


@pytest.mark.parametrize("case", sorted(OVERWRITES))
def test_an_output_never_overwrites_an_input(capsys, tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    args, inputs = OVERWRITES[case](tmp_path)
    before = files_in(tmp_path)
    outcome = run(capsys, *args, inputs=inputs)
    one_line_error(outcome)
    line = outcome.err.strip()
    assert "never writes over its inputs" in line or "choose different files" in line, line
    assert outcome.out == ""  # refused before anything was read
    assert files_in(tmp_path) == before  # nothing written, no temporary file


# --------------------------------------------------------------------------- rejects file


@pytest.mark.parametrize("name", ["r.txt", "r.xlsx", "r.html", "rejects"])
def test_rejects_only_csv_or_gpkg(capsys, tmp_path, inc, name):
    before = files_in(tmp_path)
    outcome = run(capsys, "validate", inc, "--rejects", tmp_path / name, inputs=[inc])
    one_line_error(outcome, f"--rejects {tmp_path / name}", "expected a .csv or .gpkg file")
    assert files_in(tmp_path) == before


def test_rejects_extension_in_capitals_is_fine(capsys, tmp_path):
    f = incidents_csv(tmp_path / "in.csv", "I9,2021-01-01,bad type,0,0,,,,,40,46.9")
    outcome = run(capsys, "validate", f, "--rejects", tmp_path / "R.CSV", inputs=[f], expect=2)
    assert "1 rejected rows, with their reasons, written to" in outcome.out
    assert len(pd.read_csv(tmp_path / "R.CSV")) == 1


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://evil","x")', "'=HYPERLINK"),
        ("+cmd|' /C calc'!A0", "'+cmd"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
def test_rejects_csv_neutralises_formulas(capsys, tmp_path, cell, shown):
    quoted = '"' + cell.replace('"', '""') + '"'
    f = incidents_csv(tmp_path / "in.csv", f"I9,2021-01-01,bad type,0,0,,,,{quoted},40,46.9")
    rej = tmp_path / "rejects.csv"
    run(capsys, "validate", f, "--rejects", rej, inputs=[f], expect=2)
    table = pd.read_csv(rej, dtype=str, keep_default_na=False)
    assert table.loc[0, "description"] == shown + cell[len(shown) - 1 :]
    assert table.loc[0, "id"] == "I9"  # ordinary text is left alone


def test_rejects_gpkg_keeps_text_as_it_is(capsys, tmp_path):
    f = incidents_csv(tmp_path / "in.csv", "I9,2021-01-01,bad type,0,0,,,,=1+1,40,46.9")
    rej = tmp_path / "rejects.gpkg"
    run(capsys, "validate", f, "--rejects", rej, inputs=[f], expect=2)
    assert gpd.read_file(rej).loc[0, "description"] == "=1+1"  # not a spreadsheet


# --------------------------------------------------------------------------- terminal


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clears the screen
        ("ok\rFAKE", "ok\\x0dFAKE"),  # a carriage return overwrites the line
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # right-to-left override
        ("bell\x07\x00", "bell\\x07\\x00"),
    ],
)
def test_printed_values_have_control_characters_escaped(capsys, tmp_path, value, escaped):
    f = incidents_csv(tmp_path / "in.csv", f'"{value}",2021-01-01,mine/ERW accident,0,0,,,,,x,46.9')
    outcome = run(capsys, "validate", f, "--rejects", tmp_path / "r.csv", inputs=[f], expect=2)
    assert escaped in outcome.out
    assert not any(c in outcome.text for c in "\x1b\r\u202e\x07\x00")


def test_unicode_text_is_printed_as_it_is(capsys, tmp_path):
    f = incidents_csv(tmp_path / "in.csv", "Шуша-1,2021-01-01,mine/ERW accident,0,0,,,,,x,46.9")
    outcome = run(capsys, "validate", f, "--rejects", tmp_path / "r.csv", inputs=[f], expect=2)
    assert "(id Шуша-1)" in outcome.out


def test_a_file_name_with_escapes_and_newlines_is_one_safe_line(capsys, tmp_path):
    name = tmp_path / "a\x1b[31m\nb.geojson"
    outcome = run(capsys, "validate", name)
    one_line_error(outcome, "\\x1b[31m", "no such file")


# --------------------------------------------------------------------------- bad options


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--crs", "EPSG:999999", "is not a CRS pyproj knows"),
        ("--crs", "not a crs", "is not a CRS pyproj knows"),
        ("--cell", "nan", "expected a finite distance"),
        ("--cell", "inf", "expected a finite distance"),
        ("--cell", "-5", "expected a finite distance"),
        ("--encoding", "klingon", "is not a text encoding"),
    ],
)
def test_bad_options_are_one_line(capsys, tmp_path, inc, option, value, needle):
    outcome = run(capsys, "render", inc, option, value, "-o", tmp_path / "m.html", inputs=[inc])
    one_line_error(outcome, f"argument {option}", needle)
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize("shape", ["points", "lines"])
def test_districts_must_be_polygons(capsys, tmp_path, inc, shape):
    d = tmp_path / f"{shape}.geojson"
    if shape == "points":
        points_geojson(d)
    else:
        line = LineString([(46.8, 39.9), (47.0, 40.0)])
        gpd.GeoDataFrame({"n": [1]}, geometry=[line], crs=4326).to_file(d)
    out = tmp_path / "m.html"
    outcome = run(capsys, "render", inc, "--districts", d, "-o", out, inputs=[inc, d])
    kind = "Point" if shape == "points" else "LineString"
    one_line_error(outcome, f"--districts {d}", f"holds {kind}", "expected polygons")
    assert not out.exists()


# --------------------------------------------------------------------------- full disk


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("suffix", [".gpkg", ".csv"])
def test_rejects_on_a_full_disk(capsys, tmp_path, monkeypatch, suffix):
    f = incidents_csv(tmp_path / "in.csv", "I9,2021-01-01,bad type,0,0,,,,,40,46.9")
    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", _disk_full)
    monkeypatch.setattr(pd.DataFrame, "to_csv", _disk_full)
    rej = tmp_path / f"x{suffix}"
    outcome = run(capsys, "validate", f, "--rejects", rej, inputs=[f])
    one_line_error(outcome, str(rej), "No space left on device")
    assert files_in(tmp_path) == ["in.csv"]


def test_map_on_a_full_disk(capsys, tmp_path, monkeypatch, inc):
    out = tmp_path / "m.html"
    monkeypatch.setattr(geomap.map.render, "write_page", _disk_full)
    outcome = run(capsys, "render", inc, "-o", out, "-q", inputs=[inc])
    one_line_error(outcome, f"{out}: No space left on device")
    assert files_in(tmp_path) == ["incidents.csv"]


def test_snippet_on_a_full_disk(capsys, tmp_path, monkeypatch, inc):
    out = tmp_path / "snippet.html"
    monkeypatch.setattr(Path, "write_text", _disk_full)
    outcome = run(capsys, "embed", inc, "--as", "fragment", "-o", out, "-q", inputs=[inc])
    one_line_error(outcome, f"{out}: No space left on device")
    assert files_in(tmp_path) == ["incidents.csv"]


# --------------------------------------------------------------------------- interrupted


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


def test_interrupted_render_leaves_nothing(capsys, tmp_path, monkeypatch, inc):
    monkeypatch.setattr(geomap.map.render, "write_page", _interrupt)
    outcome = run(capsys, "render", inc, "-o", tmp_path / "m.html", "-q", inputs=[inc])
    assert outcome.code == 130
    assert "interrupted" in outcome.err
    assert files_in(tmp_path) == ["incidents.csv"]


@pytest.fixture
def report_inputs(tmp_path):
    return incidents_csv(tmp_path / "in" / "in.csv"), hazards_geojson(tmp_path / "h.geojson")


@pytest.mark.parametrize("where", ["write_tables", "_write_map", "write_charts"])
def test_interrupted_report_leaves_no_half_folder(
    capsys, tmp_path, monkeypatch, report_inputs, where
):
    f, h = report_inputs
    monkeypatch.setattr(geomap.report, where, _interrupt)
    before = files_in(tmp_path)
    args = ["report", "--incidents", f, "--hazards", h, "-o", tmp_path / "rep", "-q"]
    outcome = run(capsys, *args, inputs=[f, h])
    assert outcome.code == 130
    assert files_in(tmp_path) == before  # no report folder, no staging folder


def test_failed_report_leaves_an_earlier_report_as_it_was(
    capsys, tmp_path, monkeypatch, report_inputs
):
    f, h = report_inputs
    args = ["report", "--incidents", f, "--hazards", h, "-o", tmp_path / "rep", "-q"]
    run(capsys, *args, inputs=[f, h], expect=0)
    (tmp_path / "rep" / "notes.txt").write_text("the user's own notes")
    assert set(REPORT_FILES) - {"districts.csv"} <= set(files_in(tmp_path / "rep"))
    earlier = {p: p.read_bytes() for p in (tmp_path / "rep").iterdir()}
    monkeypatch.setattr(geomap.report, "write_tables", _disk_full)
    outcome = run(capsys, *args, inputs=[f, h])
    one_line_error(outcome, f"{tmp_path / 'rep'}: No space left on device")
    assert {p: p.read_bytes() for p in (tmp_path / "rep").iterdir()} == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.geojson", "in", "rep"]
