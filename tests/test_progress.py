"""Progress of long steps (geomap._progress): shown by the CLI on a terminal, never otherwise."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

import geomap
from geomap._progress import Timings
from geomap._progress import showing
from geomap._progress import step
from geomap.analysis import ANALYSIS_STEPS
from geomap.analysis import run_analysis

from .conftest import ROOT
from .conftest import SAMPLE
from .conftest import run_cli


def test_the_library_shows_nothing_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    with step("a long step", total=3) as advance:
        advance(3)
    geomap.load_layers(SAMPLE)
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ""


def test_every_step_is_reported_to_the_display() -> None:
    timings = Timings()
    with showing(timings):
        layers = geomap.load_layers(SAMPLE)
        run_analysis(layers["incidents"], layers["hazards"])
    names = [name for name, *_ in timings.steps]
    assert "reading incidents from karabakh-sample.gpkg" in names
    assert "checking 125 incidents" in names
    n = len(ANALYSIS_STEPS)
    assert [s for s in names if s.startswith("[")] == [
        f"[{i}/{n}] {s}" for i, s in enumerate(ANALYSIS_STEPS, 1)
    ]
    assert all(wall >= 0 and depth == 0 for _, depth, wall, _ in timings.steps)


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_shows_no_progress_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    code, out, err = run_cli(capsys, *(["-q"] if quiet else []), "stats", SAMPLE, "--no-context")
    assert code == 0
    assert err == ""  # captured stderr is no terminal: no bars, no step lines
    assert ("incidents" in out) is not quiet


def _stats_on_a_terminal(*flags: str) -> str:
    """Run ``geomap stats`` with its stderr on a pseudo-terminal; return what it drew there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 100 × 30
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap", *flags, "stats", str(SAMPLE), "--no-context"],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
        cwd=ROOT,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_cli_shows_bars_on_a_terminal_and_none_with_quiet() -> None:
    drawn = _stats_on_a_terminal()
    assert "linking incidents to hazard areas" in drawn
    assert "checking 125 incidents" in drawn
    assert _stats_on_a_terminal("-q") == ""
