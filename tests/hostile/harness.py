"""Run one hostile or odd input through the command line and check what a user must get.

For every case: no traceback (an exception escaping ``geomap.cli.main`` is one), the exit
status as documented, every input file byte-for-byte unchanged, and in every summary line
``read = kept + rejected (+ filtered)``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from geomap.cli import main

SUMMARY = re.compile(
    r"(?P<read>\d+) \w+ read = (?P<kept>\d+) kept \+ (?P<rejected>\d+) rejected"
    r"(?: \+ (?P<filtered>\d+) filtered)?"
)


@dataclass
class Outcome:
    """What the user saw."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def digest(paths: Sequence[Path]) -> dict[Path, str]:
    """A fingerprint of each existing file (folders: of every file inside)."""
    out = {}
    for p in paths:
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                out[f] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def run(
    capsys: pytest.CaptureFixture[str],
    *args: object,
    inputs: Sequence[Path] = (),
    expect: int | None = None,
) -> Outcome:
    """Run ``geomap ARGS`` in-process; fail on a traceback, a changed input or bad counts."""
    before = digest(inputs)
    capsys.readouterr()
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    except BaseException as exc:  # a traceback is what the user would see
        pytest.fail(f"geomap {' '.join(map(str, args))}: traceback: {exc!r}")
    out, err = capsys.readouterr()
    outcome = Outcome(code, out, err)
    assert "Traceback" not in outcome.text
    assert digest(inputs) == before, "an input file was changed"
    for m in SUMMARY.finditer(outcome.text):
        parts = int(m["kept"]) + int(m["rejected"]) + int(m["filtered"] or 0)
        assert int(m["read"]) == parts, m.group(0)
    if expect is not None:
        assert code == expect, outcome.text
    return outcome


def one_line_error(outcome: Outcome, *needles: str) -> None:
    """The user got exit 2 and one line on stderr naming what is wrong."""
    assert outcome.code == 2, outcome.text
    lines = [ln for ln in outcome.err.splitlines() if ln.strip()]
    assert len(lines) == 1, outcome.err
    assert lines[0].startswith("geomap: error: ")
    for n in needles:
        assert n in lines[0], lines[0]
