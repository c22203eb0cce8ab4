"""The notebooks run top to bottom, as an analyst would run them."""

from __future__ import annotations

import html
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

import geomap

from .conftest import ROOT, SAMPLE
from .test_render import app_config

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
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
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
    if path.name.startswith("02-"):
        out = tmp_path / "notebooks" / "output"
        assert (out / "report" / "report.html").stat().st_size > 0
        assert (out / "proposed-hazard-areas.gpkg").stat().st_size > 0
        assert (out / "priorities.gpkg").stat().st_size > 0
