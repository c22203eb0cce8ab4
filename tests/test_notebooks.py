"""The notebooks run top to bottom, as an analyst would run them."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pandas as pd
import pypdfium2
import pytest
from nbclient import NotebookClient

import geomap

from .conftest import ROOT
from .conftest import SAMPLE
from .conftest import app_config

pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _shown_map(output: dict) -> dict | None:
    """The page config of a map a cell shows (folium shows a map as an iframe srcdoc)."""
    text = "".join(output.get("data", {}).get("text/html", ""))
    srcdoc = re.search(r'srcdoc="([^"]*)"', text)
    page = html.unescape(srcdoc.group(1)) if srcdoc else text
    if "geomap.app(" not in page:
        return None
    return app_config(page)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    # Run a copy beside a copy of data/, so outputs land in tmp_path, not the repository.
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*.py"))
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    )
    client.execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    # Nothing printed to stderr: no warnings, no log noise, in what an analyst reads.
    assert [o["text"] for o in outputs if o.get("name") == "stderr"] == []
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "shows" in first.source.lower()
    if path.name.startswith("01-"):
        assert (tmp_path / "notebooks" / "output" / "quickstart-map.html").stat().st_size > 100_000
        # The map cell shows the map itself: its page (in an iframe's srcdoc) holds the
        # app and every kept incident and hazard area of the sample.
        maps = [_shown_map(o) for c in nb.cells for o in c.get("outputs", [])]
        shown = [m for m in maps if m is not None]
        assert len(shown) == 1
        counts = {layer["key"]: layer.get("n") for layer in shown[0]["layers"]}
        incidents = geomap.validate_incidents(geomap.read_incidents(SAMPLE))
        hazards = geomap.validate_hazards(geomap.read_hazards(SAMPLE))
        assert counts["incidents"] == len(incidents.kept)
        assert counts["hazards"] == len(hazards.kept)
    if path.name.startswith("03-"):
        out = tmp_path / "notebooks" / "output"
        public = (out / "karabakh-public.html").read_text()
        assert "INC-0001" not in public  # no incident ids in the public map
        assert "Tractor" not in public  # nor the descriptions' free text
        assert (out / "snippet-iframe.html").read_text().startswith("<iframe ")
        assert (out / "snippet-fragment.html").read_text().startswith('<div class="geomap-embed"')
    if path.name.startswith("04-"):
        out = tmp_path / "notebooks" / "output"
        rejects = pd.read_csv(out / "field-incidents-rejects.csv")
        # What the analyst intends: only the data's own mistakes stay rejected.
        assert sorted(rejects["field"]) == ["date", "geometry", "id"]
        assert "AZ-00" in (out / "field-incidents-map.html").read_text()
        assert "AZ-00" not in (out / "field-incidents-public.html").read_text()
    if path.name.startswith("05-"):
        out = tmp_path / "notebooks" / "output"
        shown = [m for c in nb.cells for o in c.get("outputs", []) if (m := _shown_map(o))]
        offline, based = shown
        # The map with no basemap carries the built-in frame: places near the data, districts.
        assert offline["basemaps"] == []
        assert offline["frame"]["places"]["n"] > 0
        assert offline["frame"]["districts"]["n"] == 11
        # The user's own basemap, made by build_tiles, is embedded in the second map.
        assert based["basemaps"][0]["name"] == "karabakh-base.pmtiles"
        assert based["basemaps"][0]["pmtiles"]["data"]
        assert {f["field"] for f in based["filters"]["fields"]} >= {"victim_category"}
        pdf = out / "karabakh-a4.pdf"
        if shutil.which("chromium") or os.environ.get("GEOMAP_REQUIRE_BROWSER"):
            width, height = pypdfium2.PdfDocument(pdf)[0].get_size()
            assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
    if path.name.startswith("02-"):
        out = tmp_path / "notebooks" / "output"
        assert (out / "report" / "report.html").stat().st_size > 0
        assert (out / "proposed-hazard-areas.gpkg").stat().st_size > 0
        assert (out / "priorities.gpkg").stat().st_size > 0


@pytest.fixture
def jupyterlab(tmp_path):
    """`make notebooks`'s JupyterLab on notebooks/, served on loopback; yields its URL."""
    exe = Path(sys.executable).with_name("jupyter")
    if importlib.util.find_spec("jupyterlab") is None or not exe.exists():
        pytest.skip("JupyterLab is not installed (pip install -e '.[notebook]')")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "geomap-test"
    # The command `make notebooks` runs, from the checkout's root, plus test-only flags.
    recipe = (ROOT / "Makefile").read_text().split("\nnotebooks:", 1)[1]
    (command,) = [ln.split() for ln in recipe.splitlines() if "jupyter lab" in ln][:1]
    assert command[0] == "$(VENV)/bin/jupyter"
    proc = subprocess.Popen(
        [
            str(exe),
            *command[1:],
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            "--allow-root",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(tmp_path),
            "JUPYTER_RUNTIME_DIR": str(tmp_path),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield url, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_jupyterlab_lists_the_notebooks(jupyterlab, browser):
    url, token = jupyterlab
    with urllib.request.urlopen(f"{url}/api/contents?token={token}") as r:
        listing = json.load(r)
    names = sorted(i["name"] for i in listing["content"] if i["type"] == "notebook")
    assert names == [p.name for p in NOTEBOOKS]
    assert len(names) == 6
    # And as a person sees it: the Lab's file browser shows them.
    page = browser.raw_page()
    try:
        page.goto(f"{url}/lab?token={token}")
        item = page.locator(".jp-DirListing-item")
        item.first.wait_for(timeout=60_000)
        shown = sorted(t.strip() for t in item.all_inner_texts())
        assert all(any(n in t for t in shown) for n in names)
    finally:
        page.close()
