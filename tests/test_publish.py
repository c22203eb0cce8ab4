"""Public maps: nothing personal, nothing precise, no small counts."""

from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geomap
from geomap import GeomapError
from geomap.geo import metric_crs
from geomap.map import PUBLIC_FIELDS, public_incidents

from .conftest import SAMPLE
from .test_render import payloads

CANARY = "CANARY7f3a"
PERSONAL = ("victim_name", "date_of_birth", "home_address", "phone", "notes")


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


@pytest.fixture(scope="module")
def planted(sample):
    """The sample incidents with canary values in every field that must not be published."""
    inc = sample["incidents"].kept.copy()
    for col in PERSONAL:
        inc[col] = [f"{CANARY}-{col}-{i}" for i in range(len(inc))]
    inc["description"] = [f"{CANARY}-description-{i}" for i in range(len(inc))]
    inc["id"] = [f"{CANARY}-id-{i}" for i in range(len(inc))]
    inc["source_file"] = f"/home/{CANARY}/secret.gpkg"
    return inc


def decode(col: dict) -> np.ndarray:
    dtype = {"u1": "<u1", "u2": "<u2", "i4": "<i4"}[col["t"]]
    return np.frombuffer(base64.b64decode(col["b64"]), dtype=dtype)


def public_points(html: str) -> np.ndarray:
    spec = payloads(html)["incidents"]
    return np.column_stack([decode(spec["x"]), decode(spec["y"])]) / spec["scale"]


@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
def test_no_canary_reaches_the_public_html(planted, sample, generalise):
    districts = gpd.read_file(SAMPLE, layer="districts")
    m = geomap.render_map(
        planted,
        sample["hazards"],
        districts=districts,
        public=True,
        generalise=generalise,
        cell_m=2000,
        k=3,
    )
    html = m.get_root().render()
    assert CANARY not in html
    for value in planted["description"].head(3):
        assert value not in html
    # Nor any true coordinate: points are cell centres.
    exact = {(round(p.x, 6), round(p.y, 6)) for p in planted.geometry}
    shown = {(round(x, 6), round(y, 6)) for x, y in public_points(html)}
    assert exact.isdisjoint(shown)


def test_public_points_are_grid_cell_centres_and_hold_their_incidents(planted):
    cell = 2000.0
    html = geomap.render_map(planted, public=True, cell_m=cell, k=3).get_root().render()
    pts = public_points(html)
    crs = metric_crs(planted)
    metric = gpd.GeoSeries(shapely.points(pts[:, 0], pts[:, 1]), crs=4326).to_crs(crs)
    # Every published point is the centre of a grid cell (to the 1e-6° rounding, < 0.2 m).
    for v in (metric.x.to_numpy(), metric.y.to_numpy()):
        offset = v / cell - 0.5
        assert np.abs(offset - np.round(offset)).max() * cell < 0.2
    # No published point is nearer a true location than the grid allows, and each true
    # incident lies within its cell (half a diagonal) of a published point.
    true = planted.geometry.to_crs(crs)
    dist = np.hypot(
        true.x.to_numpy()[:, None] - metric.x.to_numpy()[None, :],
        true.y.to_numpy()[:, None] - metric.y.to_numpy()[None, :],
    )
    nearest = dist.min(axis=1)
    assert nearest.max() <= cell / np.sqrt(2) + 1
    assert len(pts) < len(planted)  # cells really aggregate


def test_counts_below_k_are_suppressed(sample):
    inc = sample["incidents"].kept
    cells = public_incidents(inc, cell_m=2000, k=3)
    assert int(cells["suppressed"].sum()) > 0
    small = cells[cells["suppressed"]]
    assert small[["incidents", "killed", "injured"]].isna().all().all()
    big = cells[~cells["suppressed"]]
    assert (big["incidents"] >= 3).all()
    # Nothing is lost: the counts published plus the suppressed cells' account for all incidents.
    assert int(big["incidents"].sum()) + len(small) <= len(inc)
    assert int(big["incidents"].sum()) < len(inc)


def test_public_summary_suppresses_small_totals(sample):
    html = geomap.render_map(sample["incidents"], public=True, k=5).get_root().render()
    from .test_render import app_config

    rows = {r["key"]: r["values"] for r in app_config(html)["summary"]["rows"]}
    assert rows["incidents"][-1] == 125
    assert rows["victims-journalist"][-1] == "fewer than 5 / 0"  # 3 killed; zero is shown


def test_non_public_fields_are_refused(sample):
    with pytest.raises(GeomapError, match=r"fields \['description'\] may not be published"):
        geomap.render_map(
            sample["incidents"], public=True, popup_fields={"incidents": ["description"]}
        )


def test_cli_public(tmp_path, planted):
    from geomap.cli import main

    src = tmp_path / "incidents.gpkg"
    planted.drop(columns=["source_file", "source_row"]).to_file(src, layer="incidents")
    out = tmp_path / "public.html"
    assert (
        main(["render", str(src), "-o", str(out), "--public", "--cell", "5000", "-k", "4", "-q"])
        == 0
    )
    html = out.read_text()
    assert CANARY not in html
    assert payloads(html)["incidents"]["name"] == "Incidents (generalised to grid cells)"


# ---------------------------------------------------------------- the policy


def test_policy_is_applied_once_before_layers(planted, sample):
    from geomap.map import MapOptions, PublicPolicy
    from geomap.map._inputs import MapInputs
    from geomap.map.public import prepare

    assert PublicPolicy.from_options(MapOptions()) is None
    opts = MapOptions(public=True, generalise="hex", cell_m=3000, k=4)
    policy = PublicPolicy.from_options(opts)
    assert policy == PublicPolicy(generalise="hex", cell_m=3000, k=4)
    data = MapInputs.of(planted, sample["hazards"], proposed=sample["hazards"].kept)
    public, view = prepare(data, opts)
    assert public.proposed is None  # proposed areas trace incidents
    assert public.true_incidents is data.incidents  # figures suppressed by count, not moved
    assert set(public.incidents.columns) <= {*PUBLIC_FIELDS["incidents"], "geometry"}
    assert set(public.hazards.columns) <= {*PUBLIC_FIELDS["hazards"], "geometry"}
    assert public.incidents["suppressed"].any()
    assert (view.k, view.searchable, view.suppressed_field) == (4, False, "suppressed")
    assert view.public == {"k": 4, "generalise": "hex", "cell_m": 3000}
    assert view.popup["incidents"][0] == "incidents"
    same, private = prepare(data, MapOptions())
    assert same is data
    assert (private.k, private.public) == (None, None)


def test_policy_rejects_what_may_not_be_published():
    from geomap.map import PublicPolicy

    policy = PublicPolicy()
    policy.check_fields({"incidents": ["killed"]}, None, {"hazards": ["status"]})
    with pytest.raises(GeomapError, match=r"hazards fields \['operator'\] may not be published"):
        policy.check_fields(None, {"hazards": ["id", "operator"]})
    with pytest.raises(GeomapError, match="`generalise` was 'circle'"):
        PublicPolicy(generalise="circle")
    with pytest.raises(GeomapError, match="`k` at least 1"):
        PublicPolicy(k=0)
