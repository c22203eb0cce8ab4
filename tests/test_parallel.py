"""Array work shared out over threads gives the same results as in one thread."""

from __future__ import annotations

import threading

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


def test_work_asked_for_inside_a_worker_runs_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_THREADS", "4")
    seen: set[int] = set()

    def inner(x: int) -> int:
        seen.add(threading.get_ident())
        return x * 10

    def outer(xs: list[int]) -> list[int]:
        return each(inner, xs)  # no pool of its own: runs in this worker thread

    got = each(outer, [[1, 2], [3, 4], [5, 6], [7, 8]])
    assert got == [[10, 20], [30, 40], [50, 60], [70, 80]]
    assert len(seen) <= 4
    assert each(inner, [1, 2]) == [10, 20]  # the mark does not outlive the workers
