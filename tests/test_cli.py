"""The command line: exit codes and the one clear line a user reads."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon

from geomap.cli import main

from .conftest import COLOMBIA
from .conftest import ROOT
from .conftest import SAMPLE


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()  # drop what fixtures printed (GDAL's notes while writing them)
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bad_files(tmp_path, incidents_gdf, hazards_gdf):
    """The broken inputs a field team actually sends."""
    files = {}
    shp = tmp_path / "nodbf" / "incidents.shp"
    shp.parent.mkdir()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Column names longer than 10", UserWarning)
        incidents_gdf.to_file(shp)
    shp.with_suffix(".dbf").unlink()
    files["no_dbf"] = shp

    trunc = tmp_path / "truncated.geojson"
    incidents_gdf.to_file(trunc)
    trunc.write_text(trunc.read_text()[:300])
    files["truncated"] = trunc

    empty = tmp_path / "empty.gpkg"
    empty.write_bytes(b"")
    files["empty"] = empty

    csv = tmp_path / "text-lat.csv"
    df = pd.DataFrame(incidents_gdf.drop(columns="geometry"))
    df["latitude"] = incidents_gdf.geometry.y.astype(str)
    df["longitude"] = incidents_gdf.geometry.x
    df.loc[2, "latitude"] = "39°36'N"
    df.to_csv(csv, index=False)
    files["text_lat"] = csv

    two = tmp_path / "two-layers.gpkg"
    incidents_gdf.to_file(two, layer="accidents")
    hazards_gdf.to_file(two, layer="minefields")
    files["two_layers"] = two

    selfx = tmp_path / "selfx.geojson"
    haz = hazards_gdf.copy()
    haz.loc[1, "geometry"] = Polygon(
        [(47.13, 39.59), (47.14, 39.60), (47.14, 39.59), (47.13, 39.60)]
    )
    haz.to_file(selfx)
    files["self_intersection"] = selfx

    nocrs = tmp_path / "nocrs" / "hazards.shp"
    nocrs.parent.mkdir()
    hazards_gdf.to_file(nocrs)
    nocrs.with_suffix(".prj").unlink()
    files["no_crs"] = nocrs
    return files


@pytest.mark.parametrize(
    ("case", "code", "expected"),
    [
        ("no_dbf", 2, "incidents.shp: Shapefile is missing its .dbf file (attribute table)"),
        ("truncated", 2, "truncated.geojson: is not valid JSON (the file looks truncated)"),
        ("empty", 2, "empty.gpkg: the file is empty"),
        (
            "text_lat",
            2,
            "text-lat.csv: row 3 (id I3): error: latitude: '39°36'N' is not a number "
            "(expected decimal degrees)",
        ),
        (
            "two_layers",
            2,
            "two-layers.gpkg: has 2 layers (accidents, minefields); name the one to read",
        ),
        (
            "self_intersection",
            0,
            "selfx.geojson: row 2 (id H2): note: geometry: repaired invalid polygon "
            "(Self-intersection",
        ),
        ("no_crs", 0, "hazards.shp: warning: has no CRS; assumed EPSG:4326"),
    ],
)
def test_validate_bad_inputs_one_clear_line(
    capsys, tmp_path, monkeypatch, bad_files, case, code, expected
):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "validate", bad_files[case])
    assert status == code, (out, err)
    text = out + err
    assert expected in text
    assert str(bad_files[case]) in next(line for line in text.splitlines() if expected in line)
    assert "Traceback" not in text
    if code == 2 and case in ("no_dbf", "truncated", "empty", "two_layers"):
        assert err.count("\n") == 1  # exactly one line


@pytest.mark.parametrize("name", ["bad.csv", "rejects.gpkg"])
def test_validate_writes_rejects_that_reconcile(capsys, tmp_path, monkeypatch, bad_files, name):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "validate", bad_files["text_lat"], "--rejects", name)
    assert status == 2
    assert "text-lat.csv: 5 incidents read = 4 kept + 1 rejected" in out
    assert f"1 rejected rows, with their reasons, written to {name}" in out
    path = tmp_path / name
    rejects = gpd.read_file(path) if path.suffix == ".gpkg" else pd.read_csv(path)
    assert list(rejects["source_row"]) == [3]
    assert rejects.loc[0, "field"] == "latitude"
    assert rejects.loc[0, "problem"].startswith("'39°36'N' is not a number")


def test_validate_clean_sample_exits_zero(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "validate", SAMPLE)
    assert status == 0
    assert "125 incidents read = 125 kept + 0 rejected" in out
    assert "400 hazards read = 400 kept + 0 rejected" in out
    assert not (tmp_path / "geomap-rejects.csv").exists()


def test_render_sample(capsys, tmp_path):
    out_html = tmp_path / "map.html"
    status, out, _ = run(capsys, "render", SAMPLE, "-o", out_html, "--title", "Karabakh")
    assert status == 0
    assert f"wrote {out_html} (125 incidents, 400 hazards;" in out
    assert "self-contained, works offline" in out
    html = out_html.read_text()
    assert "Karabakh" in html
    assert "<script src=" not in html


def test_render_quiet_prints_nothing(capsys, tmp_path):
    status, out, err = run(capsys, "render", SAMPLE, "-o", tmp_path / "m.html", "-q")
    assert (status, out, err) == (0, "", "")


def test_render_popup_field_typo(capsys, tmp_path):
    status, _, err = run(
        capsys,
        "render",
        SAMPLE,
        "-o",
        tmp_path / "m.html",
        "--popup-fields",
        "incidents=id,victim_name",
    )
    assert status == 2
    assert "popup fields ['victim_name'] are not columns of the incidents layer" in err
    assert not (tmp_path / "m.html").exists()


def test_render_never_leaves_half_a_file(capsys, tmp_path, monkeypatch):
    out_html = tmp_path / "map.html"
    out_html.write_text("previous map")
    real_open = Path.open

    def disk_fills_up(self, mode="r", *args, **kwargs):
        fh = real_open(self, mode, *args, **kwargs)
        if "w" not in mode:
            return fh

        class Half:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                fh.close()
                return False

            def write(self, text):
                fh.write(text[:100])  # half a file...
                raise OSError("No space left on device")  # ...then the disk is full

        return Half()

    monkeypatch.setattr(Path, "open", disk_fills_up)
    status, _, err = run(capsys, "render", SAMPLE, "-o", out_html)
    monkeypatch.undo()
    assert status == 2
    assert "No space left on device" in err
    assert out_html.read_text() == "previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_render_strict_fails_on_rejects(capsys, tmp_path, bad_files):
    status, _, err = run(
        capsys, "render", bad_files["text_lat"], "-o", tmp_path / "m.html", "--strict"
    )
    assert status == 2
    assert "1 of 5 incidents rows rejected" in err


def test_console_script_no_traceback(tmp_path):
    """The installed `geomap` command, as a user runs it."""
    missing = tmp_path / "nowhere.geojson"
    exe = Path(sys.executable).with_name("geomap")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "geomap"]
    proc = subprocess.run(
        [*cmd, "validate", str(missing)], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"geomap: error: {missing}: no such file or folder"
    assert "Traceback" not in proc.stderr


@pytest.mark.shared
def test_render_colombia_all_years(capsys, tmp_path, realdata):
    files = sorted(COLOMBIA.glob("*.json"))
    assert len(files) == 30
    out_html = tmp_path / "colombia.html"
    status, out, _ = run(
        capsys,
        "render",
        *files,
        "--mapping",
        ROOT / "examples" / "colombia-mapping.yaml",
        "-o",
        out_html,
    )
    assert status == 0
    assert "total: 36527 incidents read = 36526 kept + 1 rejected (0 repaired" in out
    for f in files:  # a count line per file that adds up
        line = next(line for line in out.splitlines() if line.startswith(f"{f}: "))
        read, kept, rejected = (
            int(x)
            for x in __import__("re").findall(r"(\d+) (?:incidents read|kept|rejected)", line)
        )
        assert read == kept + rejected
    rejects = pd.read_csv(tmp_path / "colombia-rejects.csv")
    assert len(rejects) == 1
    row = rejects.iloc[0]
    assert row["source_file"].endswith("2004.json")
    assert row["id"] == f"2004-{row['source_row']}"
    assert "longitude has the wrong sign" in row["problem"]
    assert row["likely_fix"].startswith("use (-74.23")
    assert row["DEPARTAMENTO"] == "BOGOTA DC"


def test_warnings_show_by_default_and_q_hides_them(capsys, tmp_path, monkeypatch):
    """A missing map plugin is said on stderr without -v (the map is drawn without it)."""
    import geomap.map._folium as folium_internals
    from geomap._errors import AssetError

    real = folium_internals.asset_text

    def no_heat(name):
        if name == "leaflet_heat":
            raise AssetError("leaflet_heat is not installed (reinstall geomap)")
        return real(name)

    monkeypatch.setattr(folium_internals, "asset_text", no_heat)
    status, out, err = run(capsys, "render", SAMPLE, "-o", tmp_path / "m.html")
    assert status == 0
    assert "geomap: warning: leaflet_heat is not installed (reinstall geomap)" in err
    assert err.count("\n") == 1, err
    status, out, err = run(capsys, "render", SAMPLE, "-o", tmp_path / "m.html", "-q")
    assert (status, out, err) == (0, "", "")


def test_usage_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["render", "--cluster", "sometimes"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("geomap: error: argument --cluster: invalid choice: 'sometimes'")
    assert err.rstrip().endswith("(see geomap render --help)")
