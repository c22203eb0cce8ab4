"""The machine under the benchmarks: commands, busy cores, versions, git state."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def run(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run ``cmd``; return its stdout, or raise RuntimeError with its last lines."""
    proc = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout, env=env, check=False
    )
    if proc.returncode != 0:
        tail = proc.stdout.strip().splitlines()[-3:]
        raise RuntimeError(f"exit code {proc.returncode}: {' | '.join(tail)}")
    return proc.stdout


def busy_cores(seconds: float = 1.0) -> float:
    """Cores kept busy by other processes, sampled from /proc/stat while we do nothing."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields[:8]), idle

    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    total = t1 - t0
    return 0.0 if total <= 0 else (1 - (i1 - i0) / total) * (os.cpu_count() or 1)


def tree_hash(results: list[dict[str, Any]]) -> str | None:
    """A hash of the benchmarked geomap package's files, to tell versions apart."""
    file = next((r["geomap_file"] for r in results if r.get("geomap_file")), None)
    if not file:
        return None
    h = hashlib.sha256()
    root = Path(file).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".css"):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def git_state() -> dict[str, str]:
    """The repository's commit and whether geomap/ has uncommitted changes (read-only git)."""
    out = {}
    for key, cmd in (
        ("commit", ["git", "rev-parse", "HEAD"]),
        ("geomap_changes", ["git", "status", "--porcelain", "--", "geomap"]),
    ):
        try:
            proc = subprocess.run(
                cmd, cwd=REPO, capture_output=True, text=True, timeout=30, check=False
            )
            out[key] = proc.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out[key] = "?"
    return out


def versions() -> dict[str, str]:
    """Installed versions of geomap and the libraries it is measured with."""
    out = {}
    for name in ("geomap", "geopandas", "shapely", "folium", "pandas", "numpy", "playwright"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out
