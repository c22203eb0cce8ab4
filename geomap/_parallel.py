"""Run array work that releases the GIL on every core the process may use.

shapely 2's vectorised functions, pyproj's array transforms and zlib release the GIL
while they work, so threads share them out over the machine's cores with no copies
and no processes to start. :func:`chunked` splits an array into one slice a thread,
applies a function to each and joins the results; :func:`each` maps a function over a
few independent items (e.g. the columns to deflate).

The number of threads is the number of cores this process may run on
(``os.sched_getaffinity``), or ``GEOMAP_THREADS`` when set (``1``: no threads).
Small inputs (fewer than ``min_size`` items) run in the calling thread, and so does
work asked for from inside one of these threads (no pools within pools).

Examples
--------
>>> import numpy as np
>>> chunked(np.sqrt, np.arange(10.0) ** 2, min_size=1).tolist()
[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
>>> each(len, ["ab", "c"])
[2, 1]
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

__all__ = ["chunked", "each", "threads"]

T = TypeVar("T")
R = TypeVar("R")

#: Arrays shorter than this are worked on in the calling thread.
MIN_CHUNKED = 20_000
#: At most this many threads, whatever the machine.
MAX_THREADS = 16


#: Set in the threads of :func:`chunked` and :func:`each` while they work.
_INSIDE = threading.local()


def _inside() -> bool:
    return bool(getattr(_INSIDE, "busy", False))


def _marked(func: Callable[[T], R]) -> Callable[[T], R]:
    """``func``, run with this thread marked as one of ours (so it starts no pool itself)."""

    def run(item: T) -> R:
        _INSIDE.busy = True
        try:
            return func(item)
        finally:
            _INSIDE.busy = False

    return run


def threads() -> int:
    """Return how many threads array work may use (``GEOMAP_THREADS`` or the usable cores)."""
    given = os.environ.get("GEOMAP_THREADS", "").strip()
    if given.isdigit() and int(given) > 0:
        return min(int(given), MAX_THREADS)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def chunked(
    func: Callable[[np.ndarray], np.ndarray], values: np.ndarray, *, min_size: int = MIN_CHUNKED
) -> np.ndarray:
    """Return ``func(values)``, computed on one slice of ``values`` per thread.

    ``func`` must work element by element (its result for a slice is the slice of its
    result) and return an array as long as its input.
    """
    n = threads()
    if n == 1 or len(values) < max(min_size, 2) or _inside():
        return func(values)
    bounds = np.linspace(0, len(values), min(n, len(values)) + 1).astype(int)
    parts = [values[a:b] for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(len(parts)) as pool:
        return np.concatenate(list(pool.map(_marked(func), parts)))


def each(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """Return ``[func(item) for item in items]``, the items shared out over the threads."""
    n = min(threads(), len(items))
    if n <= 1 or _inside():
        return [func(item) for item in items]
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(_marked(func), items))
