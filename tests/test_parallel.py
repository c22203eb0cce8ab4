"""Array work shared out over threads gives the same results as in one thread."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geomap._parallel import chunked
from geomap._parallel import each
from geomap._parallel import threads


@pytest.mark.parametrize("n", ["1", "2", "3"])
def test_chunked_equals_one_call(monkeypatch: pytest.MonkeyPatch, n: str) -> None:
    monkeypatch.setenv("GEOMAP_THREADS", n)
    rng = np.random.default_rng(1)
    geoms = shapely.buffer(shapely.points(rng.uniform(0, 100, (1001, 2))), 1.5)
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    geoms[500] = bowtie
    got = chunked(shapely.is_valid, geoms, min_size=10)
    assert got.tolist() == shapely.is_valid(geoms).tolist()
    assert not got[500]
    assert got.sum() == 1000


def test_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_THREADS", "3")
    assert threads() == 3
    monkeypatch.setenv("GEOMAP_THREADS", "nonsense")
    assert threads() >= 1


def test_each_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_THREADS", "4")
    assert each(lambda s: s * 2, ["a", "b", "c", "d", "e"]) == ["aa", "bb", "cc", "dd", "ee"]
