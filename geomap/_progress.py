"""Progress of long steps: the library says what it is doing, the caller shows it (or not).

Library code wraps work that can take more than a few seconds in :func:`step`::

    with step("checking incidents", total=n) as advance:
        ...
        advance(1000)  # optional: steps without a total just show their time

Nothing is shown by default: the library never prints. A caller switches a display on
for a block with :func:`showing`: ``geomap`` (the CLI) shows :class:`Bars` (tqdm, on
stderr) when stderr is a terminal and ``-q`` is not given (:func:`terminal_bars`); the
benchmarks time each step with :class:`Timings`. A notebook may do either::

    with showing(Bars()):
        result = run_analysis(incidents, hazards)
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO
from typing import Protocol

__all__ = ["Bars", "Display", "Timings", "showing", "step", "terminal_bars"]


class Display(Protocol):
    """What :func:`step` reports to: a step starts, advances, finishes (steps may nest)."""

    def start(self, name: str, total: int | None) -> None:
        """Start a step named ``name`` of ``total`` units of work (None: unknown)."""

    def advance(self, n: int) -> None:
        """Count ``n`` more units done by the innermost running step."""

    def finish(self) -> None:
        """End the innermost running step (also on an error)."""


_DISPLAY: ContextVar[Display | None] = ContextVar("geomap_progress", default=None)


def _nothing(n: int) -> None:
    """Do nothing: the ``advance`` of a step nobody shows."""


@contextmanager
def step(name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report a step to the display switched on by :func:`showing`, if any.

    Parameters
    ----------
    name : str
        What the step does, e.g. "checking incidents".
    total : int, optional
        Units of work, when the step can say how far it got (call the yielded
        function with each batch done).

    Yields
    ------
    callable
        ``advance(n)``: ``n`` more units done (does nothing when nothing is shown).
    """
    display = _DISPLAY.get()
    if display is None:
        yield _nothing
        return
    display.start(name, total)
    try:
        yield display.advance
    finally:
        display.finish()


@contextmanager
def showing(display: Display | None) -> Iterator[Display | None]:
    """Show the steps run inside the block on ``display`` (None: show nothing).

    Parameters
    ----------
    display : Display or None
        E.g. :class:`Bars` or :class:`Timings`.

    Yields
    ------
    Display or None
        ``display``.
    """
    token = _DISPLAY.set(display)
    try:
        yield display
    finally:
        _DISPLAY.reset(token)
        close = getattr(display, "close", None)
        if close is not None:
            close()


class Timings:
    """Record each step's wall-clock and CPU seconds (for benchmarks and logs).

    ``steps`` holds ``(name, depth, wall_s, cpu_s)`` in the order steps finished;
    depth 0 is a top-level step.
    """

    def __init__(self) -> None:
        self.steps: list[tuple[str, int, float, float]] = []
        self._open: list[tuple[str, float, float]] = []

    def start(self, name: str, total: int | None) -> None:
        """Note the time ``name`` starts."""
        self._open.append((name, time.perf_counter(), time.process_time()))

    def advance(self, n: int) -> None:
        """Nothing to record."""

    def finish(self) -> None:
        """Record the innermost step's seconds."""
        name, wall, cpu = self._open.pop()
        self.steps.append(
            (name, len(self._open), time.perf_counter() - wall, time.process_time() - cpu)
        )


class Bars:
    """tqdm bars on ``stream`` (default stderr): one per running step, nested ones below.

    A bar disappears when its step ends (the command's own output stays readable).
    Steps with a total show a bar and a rate; the others their name and elapsed time.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        from tqdm import tqdm  # the analysis extra; checked by terminal_bars

        self._tqdm = tqdm
        self._stream = stream if stream is not None else sys.stderr
        self._bars: list[object] = []

    def start(self, name: str, total: int | None) -> None:
        """Open a bar for ``name`` below the running ones."""
        fmt = None if total else "{desc} … {elapsed}"
        size = shutil.get_terminal_size()  # 80 × 24 where a terminal tells no size
        bar = self._tqdm(
            total=total,
            desc=name,
            file=self._stream,
            leave=False,
            position=len(self._bars),
            bar_format=fmt,
            mininterval=0.5,
            ncols=size.columns,
            nrows=size.lines,
        )
        bar.refresh()
        self._bars.append(bar)

    def advance(self, n: int) -> None:
        """Move the innermost bar on."""
        if self._bars:
            self._bars[-1].update(n)  # type: ignore[attr-defined]

    def finish(self) -> None:
        """Close the innermost bar."""
        if self._bars:
            self._bars.pop().close()  # type: ignore[attr-defined]

    def close(self) -> None:
        """Close any bar left open."""
        while self._bars:
            self.finish()


def terminal_bars(quiet: bool = False, stream: IO[str] | None = None) -> Bars | None:
    """Return :class:`Bars` for a person at a terminal; None when quiet or not a terminal.

    Parameters
    ----------
    quiet : bool, default False
        ``-q``: no progress at all.
    stream : file, optional
        Where bars go (default stderr); no bars unless it is a terminal (never in
        pipes, logs or CI) or tqdm is missing.

    Returns
    -------
    Bars or None
    """
    stream = stream if stream is not None else sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return None
    try:
        import tqdm  # noqa: F401
    except ImportError:  # pragma: no cover - tqdm is a dependency of the CLI
        return None
    return Bars(stream)
