"""Hostile cases for publishing (``--public``): small cells and k, rejects of public runs,
injection in every channel of a public map, and leaks by differencing."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geomap
from geomap.map.public import PUBLIC_POPUP_FIELDS

from ..conftest import app_config
from ..conftest import payloads
from ..test_publish import crafted
from ..test_publish import published
from ..test_publish import recover
from .harness import one_line_error
from .harness import run

XSS = "</script><script>alert(1)</script><img src=x onerror=alert(1)>xssCANARYq9"


@pytest.fixture
def files(tmp_path):
    """The crafted incidents (one district of one incident) and their districts, as files."""
    inc, districts = crafted()
    src = tmp_path / "incidents.geojson"
    inc.assign(date=inc["date"].dt.strftime("%Y-%m-%d")).to_file(src)
    dist = tmp_path / "districts.geojson"
    districts.to_file(dist)
    return src, dist


def _write(tmp_path, inc: gpd.GeoDataFrame, name="incidents.geojson"):
    src = tmp_path / name
    out = inc.copy()
    if "date" in out and pd.api.types.is_datetime64_any_dtype(out["date"]):
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_file(src)
    return src


# ---------------------------------------------------------------- small cells, small k, bad numbers

REFUSED = [
    (["--cell", "0.01", "-k", "1"], "cells must be at least 250 m"),
    (["--cell", "249"], "cells must be at least 250 m (got 249 m)"),
    (["--cell", "10", "--generalise", "hex"], "cells must be at least 250 m"),
    (["-k", "1"], "k must be at least 2 (got 1)"),
    (["-k", "0"], "`k` was 0"),
    (["-k", "-3"], "`k` was -3"),
    (["--cell", "nan"], "argument --cell: 'nan': expected a finite distance"),
    (["--cell", "inf"], "argument --cell: 'inf': expected a finite distance"),
    (["--cell=-inf"], "argument --cell: '-inf': expected a finite distance"),
    (["--cell=-5"], "argument --cell: '-5': expected a finite distance"),
    (["--cell", "0"], "argument --cell: '0': expected a distance > 0"),
    (["--generalise", "district"], "needs a districts layer"),
]


@pytest.mark.parametrize(("flags", "message"), REFUSED, ids=[" ".join(f) for f, _ in REFUSED])
@pytest.mark.parametrize("command", ["render", "embed"])
def test_unsafe_public_settings_are_one_line_errors(
    tmp_path, capsys, files, command, flags, message
):
    src, _ = files
    out = tmp_path / "public.html"
    outcome = run(capsys, command, src, "-o", out, "--public", *flags, inputs=[src])
    one_line_error(outcome, message)
    assert not out.exists()
    assert not list(tmp_path.glob("*rejects*"))


@pytest.mark.parametrize("cell", ["nan", "inf"])
def test_a_non_finite_cell_is_an_error_even_when_not_public(tmp_path, capsys, files, cell):
    src, _ = files
    outcome = run(capsys, "render", src, "-o", tmp_path / "m.html", "--cell", cell, inputs=[src])
    one_line_error(outcome, f"argument --cell: {cell!r}: expected a finite distance")
    assert not (tmp_path / "m-rejects.csv").exists()  # nothing written before the error


@pytest.mark.parametrize(
    "flags",
    [["--cell", "250"], ["-k", "2"], ["--generalise", "district", "--cell", "10"]],
    ids=["cell 250", "k 2", "district ignores cell"],
)
def test_the_safe_minimums_are_accepted_and_called_generalised(tmp_path, capsys, files, flags):
    src, dist = files
    out = tmp_path / "public.html"
    outcome = run(
        capsys,
        "render",
        src,
        "-o",
        out,
        "--public",
        "--districts",
        dist,
        *flags,
        inputs=[src, dist],
        expect=0,
    )
    assert "public: generalised" in outcome.out
    assert "generalised to" in payloads(out.read_text())["incidents"]["name"]


def test_an_unsafe_override_does_not_call_the_map_generalised():
    inc, _ = crafted()
    html = (
        geomap.render_map(inc, public=True, cell_m=10, k=1, allow_unsafe=True).get_root().render()
    )
    name = payloads(html)["incidents"]["name"]
    assert "NOT safe to publish" in name
    assert "generalised" not in name


# ---------------------------------------------------------------- rejects of public runs


def _with_rejects(tmp_path):
    inc, _ = crafted()
    bad = inc.head(2).copy()
    bad["killed"] = -1
    bad["id"] = ["SECRET-A", "SECRET-B"]
    return _write(tmp_path, pd.concat([inc, bad], ignore_index=True))


@pytest.mark.parametrize(
    "command",
    [["render"], ["embed", "--as", "iframe"], ["embed", "--as", "fragment"]],
    ids=["render", "embed-iframe", "embed-fragment"],
)
def test_a_public_run_writes_no_rejects_beside_its_output(tmp_path, capsys, command):
    src = _with_rejects(tmp_path)
    out = tmp_path / "out" / "public.html"
    out.parent.mkdir()
    outcome = run(capsys, *command, src, "-o", out, "--public", inputs=[src], expect=0)
    assert "2 rejected rows not written" in outcome.out
    assert [p.name for p in out.parent.iterdir()] == ["public.html"]
    assert "SECRET-" not in out.read_text()


def test_rejects_of_a_public_run_go_where_named_and_are_called_not_public(tmp_path, capsys):
    src = _with_rejects(tmp_path)
    rejects = tmp_path / "private.csv"
    outcome = run(
        capsys,
        "render",
        src,
        "-o",
        tmp_path / "public.html",
        "--public",
        "--rejects",
        rejects,
        inputs=[src],
        expect=0,
    )
    assert "holds the rejected rows in full: it is NOT public" in outcome.out
    assert "SECRET-A" in rejects.read_text()


def test_a_public_run_without_rejects_says_nothing_of_them(tmp_path, capsys, files):
    src, _ = files
    outcome = run(
        capsys, "render", src, "-o", tmp_path / "p.html", "--public", inputs=[src], expect=0
    )
    assert "rejected rows" not in outcome.out


def test_a_private_run_still_writes_rejects_beside_its_map(tmp_path, capsys):
    src = _with_rejects(tmp_path)
    outcome = run(capsys, "render", src, "-o", tmp_path / "m.html", inputs=[src], expect=0)
    assert (tmp_path / "m-rejects.csv").exists()
    assert "2 rejected rows" in outcome.out


def test_a_failing_public_run_writes_nothing_at_all(tmp_path, capsys):
    src = _with_rejects(tmp_path)
    outcome = run(
        capsys,
        "render",
        src,
        "-o",
        tmp_path / "p.html",
        "--public",
        "--popup-fields",
        "incidents=id",
        inputs=[src],
    )
    one_line_error(outcome, "may not be published")
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]


# ---------------------------------------------------------------- injection in every channel


def _inert(text: str) -> None:
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text


CHANNELS = [
    "incident district",
    "hazard id",
    "district name",
    "town name",
    "title",
    "subtitle",
    "private column name",
    "private free text",
]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("command", ["render", "fragment"])
def test_injection_in_every_channel_of_a_public_map_stays_text(tmp_path, capsys, channel, command):
    inc, districts = crafted()
    haz = gpd.GeoDataFrame(
        {"id": ["H1"], "hazard_class": ["CHA"], "status": ["active"]},
        geometry=[shapely.box(46.02, 40.02, 46.05, 40.05)],
        crs=4326,
    )
    towns = gpd.GeoDataFrame({"name": ["Town"]}, geometry=[shapely.Point(46.05, 40.15)], crs=4326)
    extra: list[str] = []
    if channel == "incident district":
        inc["district"] = XSS
    if channel == "hazard id":
        haz["id"] = XSS
    if channel == "district name":
        districts["name"] = [XSS, "B", "C", "D"]
    if channel == "town name":
        towns["name"] = XSS
    if channel in ("title", "subtitle"):
        extra = [f"--{channel}", XSS]
    if channel == "private column name":
        inc[XSS] = "x"
    if channel == "private free text":
        inc["description"] = XSS
    src = _write(tmp_path, inc)
    hz, dist, tw = (tmp_path / f"{n}.geojson" for n in ("hazards", "districts", "towns"))
    haz.to_file(hz)
    districts.to_file(dist)
    towns.to_file(tw)
    out = tmp_path / "public.html"
    cmd = ["render"] if command == "render" else ["embed", "--as", "fragment"]
    run(
        capsys,
        *cmd,
        src,
        hz,
        "-o",
        out,
        "--public",
        "--districts",
        dist,
        "--towns",
        tw,
        *extra,
        inputs=[src, hz, dist, tw],
        expect=0,
    )
    text = out.read_text()
    _inert(text)
    if channel.startswith("private"):
        assert "xssCANARYq9" not in text  # dropped, not only escaped
    elif command == "render":
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in text  # shown, as text


# ---------------------------------------------------------------- leaks by differencing


def _public(capsys, src, out, *flags, inputs=()):
    """``geomap render SRC -o OUT --public FLAGS``, which must succeed."""
    return run(
        capsys, "render", src, "-o", out, "--public", *flags, inputs=[src, *inputs], expect=0
    )


@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
def test_the_slider_totals_and_districts_give_no_small_count_away(
    tmp_path, capsys, files, generalise
):
    src, dist = files
    out = tmp_path / "public.html"
    _public(capsys, src, out, "--districts", dist, "--generalise", generalise, inputs=[dist])
    pub = published(out.read_text())
    assert recover(pub, 3, cells_cover_all=generalise != "district") == []


def test_a_withheld_cell_shows_no_category_type_district_or_date(tmp_path, capsys, files):
    src, dist = files
    out = tmp_path / "public.html"
    _public(capsys, src, out, "--generalise", "district", "--districts", dist, inputs=[dist])
    cells = published(out.read_text())["cells"]
    withheld = [i for i, s in enumerate(cells["suppressed"]) if s]
    assert withheld
    for col in PUBLIC_POPUP_FIELDS["incidents"]:
        assert all(cells[col][i] is None for i in withheld if col in cells), col


def test_the_public_slider_steps_by_quarter(tmp_path, capsys, files):
    src, _ = files
    out = tmp_path / "public.html"
    run(capsys, "render", src, "-o", out, "--public", inputs=[src], expect=0)
    config = app_config(out.read_text())
    assert config["timeline"]["months"][:2] == ["2021Q1", "2021Q2"]
    assert [r["key"] for r in config["summary"]["rows"]] == ["incidents", "killed", "injured"]


def test_k_above_every_count_publishes_no_number(tmp_path, capsys, files):
    src, _ = files
    out = tmp_path / "public.html"
    run(capsys, "render", src, "-o", out, "--public", "-k", "50", inputs=[src], expect=0)
    pub = published(out.read_text())
    assert all(v is None for v in pub["cells"]["incidents"])
    assert set(pub["rows"]["incidents"]) == {"fewer than 50"}
    assert set(pub["rows"]["killed"]) == {"withheld"}


def test_unknown_casualties_stay_unknown_in_public(tmp_path, capsys):
    inc, _ = crafted()
    inc["killed"] = pd.array([pd.NA] * len(inc), dtype="Int64")
    src = _write(tmp_path, inc)
    out = tmp_path / "public.html"
    run(capsys, "render", src, "-o", out, "--public", inputs=[src], expect=0)
    rows = published(out.read_text())["rows"]
    assert set(rows["killed"]) == {None}


def test_undated_incidents_are_not_spread_over_steps(tmp_path, capsys):
    inc, _ = crafted()
    inc["date"] = pd.NaT
    inc = inc.drop(columns="date")
    src = _write(tmp_path, inc)
    out = tmp_path / "public.html"
    outcome = run(capsys, "render", src, "-o", out, "--public", inputs=[src])
    assert outcome.code in (0, 2)
    if outcome.code == 0:
        assert recover(published(out.read_text()), 3) == []


@pytest.mark.parametrize("flags", [["--cell", "10"], ["-k", "1"], ["--cell", "0.01", "-k", "1"]])
def test_the_cli_override_says_the_map_is_not_safe(tmp_path, capsys, files, flags):
    src, _ = files
    out = tmp_path / "public.html"
    outcome = _public(capsys, src, out, *flags, "--unsafe-allow-small-cells")
    assert "NOT safe to publish" in outcome.out
    assert "generalised" not in outcome.out
    name = payloads(out.read_text())["incidents"]["name"]
    assert "NOT safe to publish" in name
    assert "generalised" not in name
