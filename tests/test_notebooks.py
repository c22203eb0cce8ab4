"""The notebooks run top to bottom, as an analyst would run them."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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
        html_outputs = [
            o for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})
        ]
        assert any(
            "geomap.buildLayer" in "".join(o["data"]["text/html"])
            or "iframe" in "".join(o["data"]["text/html"])
            for o in html_outputs
        )
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
