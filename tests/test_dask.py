"""The dask-geopandas path gives the same numbers as the in-memory path.

Runs on the sample with a local dask cluster (two worker processes), so the
functions and the hazard data really travel to other processes.
"""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd
import pytest

import geomap
from geomap import analysis
from geomap._errors import GeomapError
from geomap.analysis._common import _require_dask

from .conftest import SAMPLE

dask_geopandas = pytest.importorskip(
    "dask_geopandas", reason="dask-geopandas is not installed (pip install 'geomap[dask]')"
)
distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install 'geomap[dask]')"
)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def layers():
    results = geomap.load_layers(SAMPLE)
    return (
        results["incidents"].kept,
        results["hazards"].kept,
        gpd.read_file(SAMPLE, layer="districts"),
    )


@pytest.fixture(scope="module")
def partitioned(layers):
    return dask_geopandas.from_geopandas(layers[0], npartitions=4)


def test_dask_district_table_equals_in_memory(client, layers, partitioned):
    inc, haz, districts = layers
    assert partitioned.npartitions == 4
    in_memory = analysis.district_summary(inc, haz, districts)
    on_dask = analysis.district_summary(partitioned, haz, districts)
    pd.testing.assert_frame_equal(on_dask, in_memory)
    assert on_dask["casualties"].sum() == 177
    assert on_dask["killed_civilian"].sum() == 35
    assert on_dask["killed_journalist"].sum() == 3


def test_dask_links_equal_in_memory(client, layers, partitioned):
    inc, haz, _ = layers
    lazy = analysis.link_incidents(partitioned, haz, max_distance_m=500)
    assert isinstance(lazy, dask_geopandas.GeoDataFrame)  # nothing computed yet
    on_dask = lazy.compute()
    in_memory = analysis.link_incidents(inc, haz, max_distance_m=500)
    # dask stores text as pyarrow strings: compare values, not the string dtype.
    pd.testing.assert_frame_equal(
        pd.DataFrame(on_dask.drop(columns="geometry")),
        pd.DataFrame(in_memory.drop(columns="geometry")),
        check_dtype=False,
    )
    assert on_dask.geometry.equals(in_memory.geometry)
    assert on_dask["link"].value_counts()["inside"] == 55
    # Proposed areas come out the same from the dask-linked incidents.
    pd.testing.assert_frame_equal(
        analysis.propose_hazard_areas(lazy), analysis.propose_hazard_areas(in_memory)
    )


def test_dask_priorities_equal_in_memory(client, layers, partitioned):
    inc, haz, _ = layers
    pd.testing.assert_frame_equal(
        analysis.prioritise(haz, incidents=partitioned), analysis.prioritise(haz, incidents=inc)
    )


def test_dask_incidents_in_another_crs(client, layers):
    inc, haz, districts = layers
    utm = dask_geopandas.from_geopandas(inc.to_crs(32638), npartitions=3)
    table = analysis.district_summary(utm, haz, districts)
    assert table["incidents"].sum() == 125
    assert table["casualties"].sum() == 177


def test_missing_dask_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask_geopandas", None)
    with pytest.raises(GeomapError, match=r"pip install 'geomap\[dask\]'"):
        _require_dask()
