"""The risk layer: read, checked, classed with mapclassify and drawn by class; heat weights."""

from __future__ import annotations

import base64

import geopandas as gpd
import mapclassify
import numpy as np
import pytest
from shapely.geometry import Point
from shapely.geometry import box

import geomap
from geomap import GeomapError
from geomap import ValidationError
from geomap.cli import main
from geomap.map import MapOptions
from geomap.map.layers.risk import classify
from geomap.style import RISK_COLORS

from .conftest import FIRST_MAP
from .conftest import SAMPLE
from .conftest import payloads

#: Scores of a 5 x 4 grid of cells near Aghdam (one per cell, 0.5 km apart).
SCORES = [0.02, 0.05, 0.07, 0.1, 0.12, 0.15, 0.2, 0.22, 0.3, 0.33]
SCORES += [0.4, 0.45, 0.5, 0.55, 0.61, 0.7, 0.78, 0.85, 0.9, 0.97]


def grid(scores: list[object] = SCORES) -> gpd.GeoDataFrame:
    """Polygons of 0.005° cells, each with its ``score``."""
    cells = [
        box(x, y, x + 0.005, y + 0.005)
        for i in range(len(scores))
        for x, y in [(46.9 + 0.005 * (i % 5), 39.9 + 0.005 * (i // 5))]
    ]
    ids = [f"c{i}" for i in range(len(scores))]
    return gpd.GeoDataFrame({"id": ids, "score": scores}, geometry=cells, crs=4326)


def decode_u1(col: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(col["b64"]), dtype=np.uint8)


def risk_spec(risk: gpd.GeoDataFrame, **options: object) -> dict:
    m = geomap.render_map(risk=risk, risk_field="score", tiles=None, **options)
    return payloads(m.get_root().render())["risk"]


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize(
    ("scheme", "classifier"),
    [
        ("quantiles", mapclassify.Quantiles),
        ("equal_interval", mapclassify.EqualInterval),
        ("natural_breaks", mapclassify.FisherJenks),
    ],
)
def test_classes_are_mapclassify_and_the_legend_shows_them(scheme, classifier):
    spec = risk_spec(grid(), risk_scheme=scheme, risk_classes=4)
    expected = classifier(np.array(SCORES), k=4)
    assert spec["breaks"] == pytest.approx(list(expected.bins))
    # Each cell is in mapclassify's class, and filled with that class's colour.
    assert decode_u1(spec["classes"]).tolist() == list(expected.yb)
    assert spec["colors"] == RISK_COLORS[4]
    ranges = [e["label"] for e in spec["legend"] if "label" in e]
    lows = [min(SCORES), *expected.bins[:-1]]
    assert ranges == [f"{lo:.3g} – {hi:.3g}" for lo, hi in zip(lows, expected.bins, strict=True)]
    assert [e["fill"] for e in spec["legend"] if "fill" in e] == RISK_COLORS[4]
    assert spec["legend"][0]["heading"].startswith("score: ")


def test_classes_never_exceed_the_distinct_values():
    assert classify(np.array([1.0, 1.0, 2.0, 2.0]), "quantiles", 5) == [1.5, 2.0]
    assert classify(np.array([3.0, 3.0]), "quantiles", 5) == [3.0]
    spec = risk_spec(grid([0.5] * 4))
    assert spec["breaks"] == [0.5]
    assert len(spec["colors"]) == 1


def test_risk_colours_are_not_hazard_colours():
    from geomap.style import HAZARD_FILL
    from geomap.style import HAZARD_OUTLINE

    hazard = {c.lower() for c in [*HAZARD_FILL.values(), *HAZARD_OUTLINE.values()]}
    assert not hazard & {c.lower() for cs in RISK_COLORS.values() for c in cs}


def typed(col: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(col["b64"]), dtype=np.dtype(col["t"]).newbyteorder("<"))


def first_ring(g: dict) -> gpd.GeoSeries:
    """The first ring of a ragged polygon array (``xy``, or ring ``starts`` and ``steps``)."""
    ring = typed(g["ring"])
    if "xy" in g:
        xy = typed(g["xy"]).reshape(-1, 2)[ring[0] : ring[1]].astype(float)
    else:
        steps = typed(g["steps"]).reshape(-1, 2)[ring[0] : ring[1]].astype(float)
        steps[0] = typed(g["starts"]).reshape(-1, 2)[0]
        xy = np.cumsum(steps, axis=0)
    return gpd.GeoSeries.from_xy(xy[:, 0] / g["scale"], xy[:, 1] / g["scale"], crs=4326)


def test_points_as_square_cells_of_the_size_asked():
    pts = gpd.GeoDataFrame(
        {"score": [0.1, 0.9]}, geometry=[Point(46.9, 39.9), Point(46.95, 39.9)], crs=4326
    )
    dots = risk_spec(pts)
    assert "x" in dots
    assert "g" not in dots
    cells = risk_spec(pts, risk_cell_m=1000)
    assert "g" in cells
    assert "x" not in cells
    ring = first_ring(cells["g"]).to_crs(32638)
    sides = ring.distance(ring.shift(1)).iloc[1:5]
    assert sides.to_numpy() == pytest.approx([1000] * 4, rel=0.01)


def test_public_map_shows_only_the_value_and_never_exact_points():
    pts = gpd.GeoDataFrame(
        {"id": ["a", "b"], "score": [0.1, 0.9], "owner": ["x", "y"]},
        geometry=[Point(46.9, 39.9), Point(46.95, 39.9)],
        crs=4326,
    )
    spec = risk_spec(pts, public=True, cell_m=2000)
    assert list(spec["cols"]) == ["score"]
    assert spec["popup"] == ["score"]
    assert "g" in spec  # drawn as cells of the public cell size, not as points


def _write_csv(path, rows):
    path.write_text("cell,lat,lon,score\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_rejects_name_file_row_and_field(tmp_path):
    path = _write_csv(
        tmp_path / "risk.csv",
        ["a,39.9,46.9,0.1", "b,39.8,46.95,high", "c,39.7,47.0,", "d,39.6,47.05,inf", "e,,,0.4"],
    )
    result = geomap.load_risk(path, "score")
    assert len(result.kept) == 1
    assert result.reconciles
    rej = result.rejected.set_index("source_row")
    assert rej.loc[2, "field"] == "score"
    assert "'high' is not a number" in rej.loc[2, "problem"]
    assert rej.loc[3, "problem"] == "no value (expected a number)"
    assert "not a finite number" in rej.loc[4, "problem"]
    assert rej.loc[5, "field"] == "geometry"
    assert set(rej["source_file"]) == {str(path)}
    with pytest.raises(ValidationError, match="4 of 5 risk rows rejected"):
        geomap.load_risk(path, "score", strict=True)


def test_missing_field_is_one_clear_error(tmp_path):
    path = _write_csv(tmp_path / "risk.csv", ["a,39.9,46.9,0.1"])
    with pytest.raises(GeomapError, match=r"no column 'prob' for the risk value; its columns"):
        geomap.load_risk(path, "prob")


def test_a_mapping_for_the_risk_layer(tmp_path):
    grid().rename(columns={"score": "PRED"}).to_file(tmp_path / "g.gpkg", layer="risk")
    mapping = tmp_path / "risk.yaml"
    mapping.write_text("layer: risk\nfields:\n  value: PRED\n", encoding="utf-8")
    incidents = tmp_path / "inc.yaml"  # a mapping for another layer never applies
    incidents.write_text("layer: incidents\nfields:\n  id: NOPE\n", encoding="utf-8")
    result = geomap.load_risk(tmp_path / "g.gpkg", mappings=[incidents, mapping])
    assert result.kept["value"].tolist() == SCORES


def test_cli_draws_the_risk_layer_and_writes_its_rejects(tmp_path, capsys):
    path = _write_csv(tmp_path / "risk.csv", ["a,39.9,46.9,0.1", "b,39.8,46.95,x"])
    out = tmp_path / "map.html"
    args = ["render", str(SAMPLE), "--risk", str(path), "--risk-field", "score", "-o", str(out)]
    assert main([*args, "--risk-classes", "3", "--risk-scheme", "equal_interval"]) == 0
    said = capsys.readouterr().out
    assert "risk.csv: 2 risk read = 1 kept + 1 rejected" in said
    assert "row 2 (id risk-2): error: score: 'x' is not a number" in said
    rejects = (tmp_path / "map-rejects.csv").read_text(encoding="utf-8")
    assert "'x' is not a number" in rejects
    assert ",risk" in rejects
    assert payloads(out.read_text(encoding="utf-8"))["risk"]["n"] == 1
    assert main([*args[:-2], "--risk-field", "nope", "-o", str(tmp_path / "b.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "no column 'nope' for the risk value" in err[0]


def test_risk_options_are_checked():
    with pytest.raises(GeomapError, match="`risk_scheme` was 'jenks'"):
        MapOptions(risk_scheme="jenks")
    with pytest.raises(GeomapError, match="`risk_classes` was 12"):
        MapOptions(risk_classes=12)
    with pytest.raises(GeomapError, match="`risk_cell_m` was -1"):
        MapOptions(risk_cell_m=-1)


def test_heat_map_weighted_by_any_numeric_field(incidents_gdf):
    inc = incidents_gdf.assign(priority=[5.0, 1.0, 0.5, 2.0, 3.0])
    by_default = payloads(geomap.render_map(inc).get_root().render())["heat"]
    assert by_default["weight"] == ["killed", "injured"]
    assert "values" not in by_default
    heat = payloads(geomap.render_map(inc, heat_weight="priority").get_root().render())["heat"]
    assert heat["field"] == "priority"
    assert heat["values"] == [5.0, 1.0, 0.5, 2.0, 3.0]
    assert heat["name"] == "Heat map (weighted by priority)"
    count = payloads(geomap.render_map(inc, heat_weight="none").get_root().render())["heat"]
    assert count["weight"] == []
    assert "values" not in count
    with pytest.raises(GeomapError, match="heat_weight 'district' is not a numeric field"):
        geomap.render_map(inc, heat_weight="district")
    with pytest.raises(GeomapError, match="heat_weight 'nope' is not a field"):
        geomap.render_map(inc, heat_weight="nope")


def test_heat_weight_flag(tmp_path):
    out = tmp_path / "m.html"
    assert main(["render", str(SAMPLE), "--heat-weight", "killed", "-o", str(out), "-q"]) == 0
    heat = payloads(out.read_text(encoding="utf-8"))["heat"]
    assert heat["field"] == "killed"
    assert heat["values"]


def test_risk_layer_drawn_by_class_in_chromium(browser, tmp_path):
    m = geomap.render_map(risk=grid(), risk_field="score", risk_classes=4, tiles=None)
    path = tmp_path / "risk.html"
    geomap.save_map(m, path)
    expected = mapclassify.Quantiles(np.array(SCORES), k=4)
    with browser.page(path) as (page, _report):
        fills = page.eval_on_selector_all(
            "path.geomap-risk", "els => els.map(e => e.getAttribute('fill'))"
        )
        assert fills == [RISK_COLORS[4][k] for k in expected.yb]
        legend = page.locator(".geomap-panel .geomap-legend-items").filter(
            has_text="score: quantiles"
        )
        text = legend.inner_text()
        for lo, hi in zip([min(SCORES), *expected.bins[:-1]], expected.bins, strict=True):
            assert f"{lo:.3g} – {hi:.3g}" in text
        assert "Risk (score)\n(20)" in page.locator(".geomap-panel").inner_text()


def test_heat_map_weighted_by_a_field_in_chromium(browser, tmp_path, incidents_gdf):
    inc = incidents_gdf.assign(priority=[5.0, 1.0, 0.5, 2.0, 3.0])
    path = tmp_path / "heat.html"
    geomap.save_map(geomap.render_map(inc, heat_weight="priority", time_slider=False), path)
    with browser.page(path) as (page, _report):
        page.get_by_label("Heat map (weighted by priority)").check()
        weights = page.evaluate(f"{FIRST_MAP}.layers.heat.layer._latlngs.map(p => p[2])")
        assert weights == [5.0, 1.0, 0.5, 2.0, 3.0]
        assert page.evaluate(f"{FIRST_MAP}.layers.heat.layer.options.max") == 5.0
