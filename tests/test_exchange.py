"""``geomap export-data``: IMSMA Core round trip, HXL for HDX (valid, public only), GeoParquet."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import yaml

import geomap
from geomap.analysis import link_incidents
from geomap.exchange import GEOPARQUET_FILES
from geomap.exchange import HXL_COLUMNS
from geomap.exchange import IMSMA_CODES
from geomap.exchange import imsma_mapping
from geomap.exchange import write_imsma
from geomap.map import public_incidents

from .conftest import ROOT
from .conftest import SAMPLE
from .hostile.harness import one_line_error
from .hostile.harness import run
from .test_publish import CANARY
from .test_publish import EXACT
from .test_publish import PERSONAL
from .test_publish import _leaks
from .test_publish import _planted_file

MAPPINGS = [ROOT / "examples" / f"imsma-core-{layer}.yaml" for layer in ("incidents", "hazards")]
GDB_WRITABLE = "w" in pyogrio.list_drivers().get("OpenFileGDB", "")


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


def _export(capsys, out: Path, profile: str, *flags: object, src: Path = SAMPLE):
    return run(
        capsys, "export-data", src, "--profile", profile, "-o", out, *flags, inputs=[src], expect=0
    )


# ---------------------------------------------------------------- IMSMA Core


@pytest.mark.parametrize(
    "suffix",
    [
        ".gpkg",
        pytest.param(
            ".gdb",
            marks=pytest.mark.skipif(
                not GDB_WRITABLE, reason="this GDAL has no OpenFileGDB writer"
            ),
        ),
    ],
)
def test_the_imsma_export_reads_back_as_the_same_layers(tmp_path, capsys, sample, suffix):
    out = tmp_path / f"imsma-core{suffix}"
    said = _export(capsys, out, "imsma-core")
    assert f"wrote {out} (IMSMA Core: 125 incidents and 400 hazards" in said.out
    back = geomap.load_layers(out, mappings=MAPPINGS)
    for layer in ("incidents", "hazards"):
        before, after = sample[layer].kept, back[layer].kept
        assert len(back[layer].rejected) == 0
        assert after["id"].tolist() == before["id"].tolist()
        for col in geomap.model.LAYERS[layer].columns:
            if col in ("id",) or col not in before:
                continue
            left, right = before[col], after[col]
            if pd.api.types.is_datetime64_any_dtype(left):
                assert (left.dt.normalize() == right.dt.normalize()).all(), col
            elif pd.api.types.is_float_dtype(left):  # area_m2: measured again, to 0.1 m²
                assert (left - right).abs().max() <= 0.1 + 1e-6, col
            else:
                same = left.astype(object).where(left.notna(), None).tolist()
                assert same == right.astype(object).where(right.notna(), None).tolist(), col
        # Within 1e-7° (a File Geodatabase holds every polygon as a MultiPolygon).
        apart = shapely.hausdorff_distance(before.geometry.to_numpy(), after.geometry.to_numpy())
        assert apart.max() < 1e-7


def test_casualties_unknown_stay_unknown_through_imsma(tmp_path, sample):
    inc = sample["incidents"].kept.copy()
    inc.loc[inc.index[:3], "killed"] = pd.NA
    out = write_imsma(tmp_path / "x.gpkg", inc, sample["hazards"].kept)
    back = geomap.load_layers(out, mappings=MAPPINGS)["incidents"].kept
    assert back["killed"].isna().sum() == 3
    assert back["killed"].sum() == inc["killed"].sum()
    assert back["injured"].sum() == inc["injured"].sum()


def test_imsma_ids_links_codes_and_wgs84(tmp_path, capsys, sample):
    out = tmp_path / "imsma-core.gpkg"
    _export(capsys, out, "imsma-core")
    haz = gpd.read_file(out, layer="hazards")
    inc = gpd.read_file(out, layer="incidents")
    assert haz.crs.to_epsg() == 4326
    assert inc.crs.to_epsg() == 4326
    assert haz["imsma_id"].tolist() == [f"hazard_poly_{i + 1}" for i in range(len(haz))]
    assert inc["imsma_id"].tolist() == [f"accident_{i + 1}" for i in range(len(inc))]
    assert inc["imsma_id"].str.len().max() <= 50
    # Links both ways, as link_incidents links them.
    linked = link_incidents(sample["incidents"].kept, sample["hazards"].kept)
    has_link = inc["imsma_links"].notna()
    assert has_link.sum() == int((linked["link"] != "unlinked").sum()) > 0
    local = dict(zip(haz["imsma_id"], haz["local_id"], strict=True))
    assert [local[v] for v in inc.loc[has_link, "imsma_links"]] == linked.loc[
        has_link.to_numpy(), "hazard_id"
    ].tolist()
    back = {
        a: h
        for h, links in zip(haz["imsma_id"], haz["imsma_links"], strict=True)
        if isinstance(links, str)
        for a in links.split(",")
    }
    assert back == dict(
        zip(inc.loc[has_link, "imsma_id"], inc.loc[has_link, "imsma_links"], strict=True)
    )
    # Exact codes: every value is one of the code table's.
    for gdf, fields in (
        (haz, {"hazard_type": "hazard_class", "land_release": "status"}),
        (
            inc,
            {"accident_type": "incident_type", "victim_category": "victim_category"},
        ),
    ):
        fields["device_category"] = "device_category"
        for column, vocabulary in fields.items():
            assert set(gdf[column].dropna()) <= set(IMSMA_CODES[vocabulary].values()), column
    assert set(haz["area_status"]) <= {"Open", "Closed", "Handed over"}
    assert (inc["latitude"] - inc.geometry.y).abs().max() < 1e-9


def test_the_shipped_mappings_are_the_profiles_own():
    for path, layer in zip(MAPPINGS, ("incidents", "hazards"), strict=True):
        assert yaml.safe_load(path.read_text(encoding="utf-8")) == imsma_mapping(layer)


def test_a_failed_imsma_write_leaves_nothing_behind(tmp_path, sample, monkeypatch):
    out = tmp_path / "imsma.gpkg"
    out.write_bytes(b"old")
    real = pyogrio.write_dataframe
    calls = []

    def fail_second(gdf, path, **kw):
        calls.append(kw["layer"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(gdf, path, **kw)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_second)
    with pytest.raises(geomap.GeomapError, match="could not write: disk full"):
        write_imsma(out, sample["incidents"].kept, sample["hazards"].kept)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imsma.gpkg"]


# ---------------------------------------------------------------- HXL for HDX


def _public_hxl(capsys, src: Path, *flags: object):
    """``geomap export-data SRC --profile hxl -o public.csv FLAGS``, which must succeed."""
    return run(
        capsys,
        "export-data",
        src,
        "--profile",
        "hxl",
        "-o",
        "public.csv",
        *flags,
        inputs=[src],
        expect=0,
    )


def _hxl_rows(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    lines = [ln.split(",") for ln in path.read_text(encoding="utf-8").splitlines()]
    return lines[0], lines[1], lines[2:]


def test_the_hxl_file_validates_with_libhxl(tmp_path, capsys, sample):
    hxl = pytest.importorskip("hxl", reason="libhxl (the test extra) is not installed")
    from hxl.input import InputOptions

    out = tmp_path / "incidents-hxl.csv"
    said = _export(capsys, out, "hxl", "--cell", "5000")
    assert "HXL:" in said.out
    assert "generalised, small counts suppressed" in said.out
    source = hxl.data(str(out), InputOptions(allow_local=True))
    assert [c.display_tag for c in source.columns] == [tag for _, tag, _ in HXL_COLUMNS]
    errors = []
    schema = hxl.schema(
        [
            [
                "#valid_tag",
                "#valid_required",
                "#valid_datatype",
                "#valid_value+min",
                "#valid_value+max",
            ],
            ["#geo+lat", "true", "number", "-90", "90"],
            ["#geo+lon", "true", "number", "-180", "180"],
            ["#event+id", "true", "", "", ""],
            ["#event+num", "", "number", "3", ""],
            ["#affected+killed", "", "number", "0", ""],
            ["#affected+injured", "", "number", "0", ""],
            ["#affected+type", "", "", "", ""],
            ["#date", "", "date", "", ""],
            ["#meta+suppressed", "true", "", "", ""],
        ],
        callback=errors.append,
    )
    assert schema.validate(hxl.data(str(out), InputOptions(allow_local=True))), [
        (e.message, e.value) for e in errors
    ]
    # The cells are the public map's cells, with the same counts.
    rows = list(source)
    cells = public_incidents(sample["incidents"].kept, cell_m=5000, k=3)
    assert len(rows) == len(cells)
    published = sum(int(r.get("#event+num")) for r in rows if r.get("#event+num"))
    assert published == int(cells["incidents"].sum()) < 125


@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
def test_the_hxl_file_leaks_no_canary_and_keeps_suppressed_counts_suppressed(
    tmp_path, capsys, monkeypatch, sample, generalise
):
    planted = sample["incidents"].kept.copy()
    for col in PERSONAL:
        planted[col] = [f"{CANARY}-{col}-{i}" for i in range(len(planted))]
    planted["description"] = [f"{CANARY}-description-{i}" for i in range(len(planted))]
    planted["id"] = [f"{CANARY}-id-{i}" for i in range(len(planted))]
    (src,) = _planted_file(tmp_path, planted, sample)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.chdir(out_dir)
    flags = ["--generalise", generalise]
    if generalise == "district":
        flags += ["--districts", str(SAMPLE), "-k", "10"]  # some districts fall below k
    said = _public_hxl(capsys, src, *flags)
    assert "3 rejected rows not written" in said.out  # the rejected ids are named on screen only
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p != src)
    assert [p.name for p in written] == ["public.csv"]  # no rejects beside it
    assert _leaks(written) == []
    header, tags, rows = _hxl_rows(written[0])
    col = {name: i for i, name in enumerate(header)}
    withheld = [r for r in rows if r[col["suppressed"]] == "yes"]
    assert withheld, "the sample has cells below k"
    for r in withheld:
        kept = {h for h in header if r[col[h]]}
        assert kept == {"cell", "latitude", "longitude", "suppressed"}, r
    shown = {(float(r[col["longitude"]]), float(r[col["latitude"]])) for r in rows}
    assert (round(EXACT[0], 6), round(EXACT[1], 6)) not in shown
    assert tags[col["killed"]] == "#affected+killed"


def test_rejects_of_an_hxl_export_go_only_where_named_and_are_called_private(
    tmp_path, capsys, monkeypatch, sample
):
    planted = sample["incidents"].kept.copy()
    planted["description"] = [f"{CANARY}-description-{i}" for i in range(len(planted))]
    (src,) = _planted_file(tmp_path, planted, sample)
    monkeypatch.chdir(tmp_path)
    private = tmp_path / "private" / "rejects.csv"
    said = _public_hxl(capsys, src, "--rejects", private)
    assert f"{private} holds the rejected rows in full: it is NOT public" in said.out
    assert CANARY in private.read_text(encoding="utf-8")
    assert _leaks([tmp_path / "public.csv"]) == []


def test_an_imsma_export_goes_into_a_new_folder(tmp_path, sample):
    for name in ("new/imsma.gpkg", "new2/imsma.gdb") if GDB_WRITABLE else ("new/imsma.gpkg",):
        out = write_imsma(tmp_path / name, sample["incidents"].kept, None)
        assert pyogrio.list_layers(out)[:, 0].tolist() == ["incidents"]
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["imsma.gpkg"]


def test_hxl_text_cannot_run_as_a_formula(tmp_path, sample):
    inc = sample["incidents"].kept.copy()
    inc["district"] = "=HYPERLINK(1)"
    out = tmp_path / "public.csv"
    geomap.exchange.write_hxl(out, inc, policy=geomap.map.PublicPolicy(cell_m=50_000, k=2))
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text


# ---------------------------------------------------------------- GeoParquet


def test_geoparquet_reads_back_as_the_validated_layers(tmp_path, capsys, sample):
    out = tmp_path / "parquet"
    said = _export(capsys, out, "geoparquet")
    written = {p.name for p in out.iterdir()}
    assert written == set(GEOPARQUET_FILES)  # the sample holds districts
    assert f"wrote {out}/: {len(written)} files" in said.out
    for layer in ("incidents", "hazards"):
        back = gpd.read_parquet(out / f"{layer}.parquet")
        kept = sample[layer].kept.reset_index(drop=True)
        assert back.crs.to_epsg() == 4326
        pd.testing.assert_frame_equal(
            pd.DataFrame(back.drop(columns="geometry")),
            pd.DataFrame(kept.drop(columns="geometry")),
            check_dtype=False,
            check_categorical=False,
        )
        assert back.geometry.geom_equals_exact(kept.geometry, tolerance=0).all()
    links = pd.read_parquet(out / "links.parquet")
    assert len(links) == 125
    assert set(links["link"]) <= {"inside", "nearby", "unlinked"}
    assert "source_file" not in links
    proposed = gpd.read_parquet(out / "proposed_hazard_areas.parquet")
    assert len(proposed) > 0
    assert proposed.crs is not None


# ---------------------------------------------------------------- errors


def _inputs(tmp_path: Path) -> Path:
    src = tmp_path / "in.gpkg"
    src.write_bytes(SAMPLE.read_bytes())
    return src


ERRORS = [
    (["--profile", "shp", "-o", "x.shp"], "argument --profile: invalid choice: 'shp'"),
    (["--profile", "imsma-core", "-o", "x.shp"], "writes a .gpkg (GeoPackage) or a .gdb"),
    (["--profile", "hxl", "-o", "x.gpkg"], "the hxl profile writes a .csv file, not '.gpkg'"),
    (["--profile", "hxl", "-o", "x.csv", "-k", "1"], "k must be at least 2 (got 1)"),
    (["--profile", "hxl", "-o", "x.csv", "--cell", "100"], "cells must be at least 250 m"),
    (["--profile", "imsma-core"], "the following arguments are required: -o/--output"),
]


@pytest.mark.parametrize(("flags", "message"), ERRORS, ids=[" ".join(f) for f, _ in ERRORS])
def test_export_errors_are_one_line_and_write_nothing(
    tmp_path, capsys, monkeypatch, flags, message
):
    src = _inputs(tmp_path)
    monkeypatch.chdir(tmp_path)
    outcome = run(capsys, "export-data", src, *flags, inputs=[src])
    one_line_error(outcome, message)
    assert [p.name for p in tmp_path.iterdir()] == ["in.gpkg"]


def test_the_export_never_writes_over_its_input(tmp_path, capsys):
    src = _inputs(tmp_path)
    for profile in ("imsma-core", "geoparquet"):
        outcome = run(capsys, "export-data", src, "--profile", profile, "-o", src, inputs=[src])
        one_line_error(outcome, "is the input file", "never writes over its inputs")


def test_an_existing_file_geodatabase_is_not_replaced(tmp_path, capsys):
    src = _inputs(tmp_path)
    gdb = tmp_path / "old.gdb"
    gdb.mkdir()
    (gdb / "keep").write_text("x")
    outcome = run(capsys, "export-data", src, "--profile", "imsma-core", "-o", gdb, inputs=[src])
    one_line_error(outcome, "old.gdb exists: a File Geodatabase is never replaced")
    assert [p.name for p in gdb.iterdir()] == ["keep"]


def test_no_file_geodatabase_writer_is_a_clear_error(tmp_path, capsys, monkeypatch):
    src = _inputs(tmp_path)
    drivers = {k: v for k, v in pyogrio.list_drivers().items() if k != "OpenFileGDB"}
    monkeypatch.setattr(pyogrio, "list_drivers", lambda *a, **k: drivers)
    outcome = run(
        capsys,
        "export-data",
        src,
        "--profile",
        "imsma-core",
        "-o",
        tmp_path / "x.gdb",
        inputs=[src],
    )
    one_line_error(outcome, "cannot write OpenFileGDB; write a .gpkg instead")


def test_a_file_where_the_parquet_folder_goes_is_an_error(tmp_path, capsys):
    src = _inputs(tmp_path)
    (tmp_path / "out").write_text("a file")
    outcome = run(
        capsys, "export-data", src, "--profile", "geoparquet", "-o", tmp_path / "out", inputs=[src]
    )
    one_line_error(outcome, "is a file: the geoparquet profile writes a folder")
    assert re.fullmatch("a file", (tmp_path / "out").read_text())


def test_the_readme_code_table_is_the_profiles_own():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Exporting to IMSMA Core / HDX") :]
    for name, table in IMSMA_CODES.items():
        row = next(ln for ln in section.splitlines() if ln.startswith(f"| `{name}` |"))
        assert row.count("→") == len(table), name
        for value, code in table.items():
            assert f"`{value}` → `{code}`" in row, (name, value)
    for _, tag, _ in HXL_COLUMNS:
        assert f"`{tag}`" in section, tag


def test_a_repeated_hazard_id_links_to_its_first_area(sample, caplog):
    haz = sample["hazards"].kept.copy()
    inc = sample["incidents"].kept
    linked = link_incidents(inc, haz)
    hit = linked["hazard_id"].dropna().iloc[0]
    haz.loc[haz.index[-1], "id"] = hit  # the last area now repeats a linked area's id
    out = geomap.exchange.imsma_layers(inc, haz)
    first = out["hazards"].loc[out["hazards"]["local_id"] == hit, "imsma_id"].tolist()
    assert len(first) == 2
    assert first[0] in set(out["incidents"]["imsma_links"].dropna())
    assert first[1] not in set(out["incidents"]["imsma_links"].dropna())
    assert "1 hazard areas repeat another's id" in caplog.text
