"""The bundled sample reproduces the published figures it claims to."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyogrio

import geomap

from .conftest import ROOT
from .conftest import SAMPLE


def test_sample_layers_and_published_totals():
    assert [str(r[0]) for r in pyogrio.list_layers(SAMPLE)] == [
        "districts",
        "towns",
        "roads",
        "hazards",
        "incidents",
    ]
    results = geomap.load_layers(SAMPLE)
    inc, haz = results["incidents"].kept, results["hazards"].kept
    assert results["incidents"].rejected.empty
    assert results["hazards"].rejected.empty
    assert int((inc["killed"] + inc["injured"]).sum()) == 177
    killed = inc.groupby("victim_category", observed=True)["killed"].sum()
    assert killed["civilian"] == 35
    assert killed["journalist"] == 3
    assert inc["date"].min() >= pd.Timestamp("2020-11-01")
    # More than half of the incidents lie outside every hazard area.
    inside = gpd.sjoin(inc, haz[["geometry"]], predicate="intersects")["id"].nunique()
    assert len(inc) - inside > len(inc) / 2
    # Every class, device category and status is there; some polygons overlap.
    assert set(haz["hazard_class"]) == {"SHA", "CHA"}
    assert set(haz["status"]) == set(geomap.model.STATUS.codes)
    assert set(haz["device_category"]) == set(geomap.model.DEVICE_CATEGORY.codes)
    assert len(haz) == 400
    pairs = gpd.sjoin(haz, haz[["geometry"]], predicate="overlaps")
    assert len(pairs) > 0


def test_csv_copy_matches_the_geopackage():
    from_csv = geomap.validate_incidents(
        geomap.read_incidents(ROOT / "data" / "karabakh-incidents.csv")
    )
    from_gpkg = geomap.load_layers(SAMPLE)["incidents"]
    assert from_csv.rejected.empty
    assert list(from_csv.kept["id"]) == list(from_gpkg.kept["id"])
    assert int(from_csv.kept["killed"].sum()) == int(from_gpkg.kept["killed"].sum())


def test_generator_is_reproducible(tmp_path):
    """The script makes the same data again (it writes into data/, so run a copy)."""
    script = tmp_path / "make_sample.py"
    script.write_text((ROOT / "data" / "make_sample.py").read_text())
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True, cwd=tmp_path)
    again = gpd.read_file(tmp_path / "karabakh-sample.gpkg", layer="incidents")
    bundled = gpd.read_file(SAMPLE, layer="incidents")
    pd.testing.assert_frame_equal(again, bundled)
    # Every map of the sample says it is synthetic: the notice travels in the file.
    notice = geomap.io.read_notice(tmp_path / "karabakh-sample.gpkg")
    assert notice == geomap.io.read_notice(SAMPLE)
    assert notice.startswith("SYNTHETIC DATA")
