"""Print and export: `geomap export` (PDF/PNG), the print layout, notices, "save image"."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geomap
from geomap.cli import main
from geomap.export import MARGIN_MM
from geomap.export import Page
from geomap.export import export_map
from geomap.map import MapOptions
from geomap.map.notices import page_notices
from geomap.style import DISCLAIMER

from .conftest import ROOT
from .conftest import SAMPLE
from .conftest import run_cli as run

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is in the test extra")

#: PDF points per millimetre.
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory) -> Path:
    """The sample rendered once, with no basemap (nothing to fetch)."""
    path = tmp_path_factory.mktemp("export") / "sample.html"
    layers = geomap.load_layers(SAMPLE)
    m = geomap.render_map(layers["incidents"], layers["hazards"], title="Sample", tiles=None)
    geomap.save_map(m, path)
    return path


def rasterise(pdf_path: Path, scale: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The PDF's one page as RGB pixels, and its size in points."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1
        page = pdf[0]
        size = page.get_size()
        pixels = page.render(scale=scale, rev_byteorder=True).to_numpy()[..., :3].copy()
    finally:
        pdf.close()
    return pixels, size


def regions(browser, html: Path, page: Page) -> dict[str, dict[str, float]]:
    """Where the map, its print legend and its scale bar are on the printed page (CSS px)."""
    with browser.page(html, viewport=page.viewport()) as (tab, _):
        tab.emulate_media(media="print")
        tab.evaluate("Object.values(geomap.maps).forEach((s) => s.preparePrint())")
        boxes = {
            name: tab.locator(selector).first.bounding_box()
            for name, selector in {
                "map": ".folium-map",
                "legend": ".geomap-print-legend",
                "scale": ".leaflet-control-scale",
                "north": ".geomap-north",
                "notices": ".geomap-notices",
            }.items()
        }
    assert all(boxes.values()), boxes
    return boxes


def crop(pixels: np.ndarray, box: dict[str, float], scale_px_per_css: float) -> np.ndarray:
    """The pixels of a box given in CSS pixels of the printable area."""
    margin = MARGIN_MM * 96 / 25.4
    x0 = round((margin + box["x"]) * scale_px_per_css)
    y0 = round((margin + box["y"]) * scale_px_per_css)
    x1 = round((margin + box["x"] + box["width"]) * scale_px_per_css)
    y1 = round((margin + box["y"] + box["height"]) * scale_px_per_css)
    return pixels[y0:y1, x0:x1]


def colours(pixels: np.ndarray) -> int:
    return len(np.unique(pixels.reshape(-1, 3), axis=0))


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("paper", "orientation", "size_mm"),
    [
        ("A4", "landscape", (297, 210)),
        ("A4", "portrait", (210, 297)),
        ("A3", "landscape", (420, 297)),
        ("a3", "portrait", (297, 420)),
    ],
)
def test_page_sizes(paper, orientation, size_mm):
    page = Page.of(paper, orientation)
    assert (page.width_mm, page.height_mm) == size_mm
    vp = page.viewport()
    assert vp["width"] == round((size_mm[0] - 2 * MARGIN_MM) * 96 / 25.4)


def test_bad_paper_and_orientation_are_named():
    with pytest.raises(geomap.GeomapError, match="paper 'A5': expected one of A4, A3"):
        Page.of("A5", "landscape")
    with pytest.raises(geomap.GeomapError, match="orientation 'sideways'"):
        Page.of("A4", "sideways")


# --------------------------------------------------------------------------- notices


def test_notices_count_rejected_rows_and_name_the_file(incidents_gdf):
    bad = incidents_gdf.copy()
    bad.loc[1, "killed"] = -3  # a negative count is rejected
    result = geomap.validate_incidents(bad)
    assert len(result.rejected) == 1
    opts = MapOptions(rejects_file="out/map-rejects.csv")
    n = page_notices(result, None, opts)
    assert n["disclaimer"] == DISCLAIMER == "Areas not marked are not necessarily safe."
    assert (n["rejected"], n["rejectsFile"]) == (1, "out/map-rejects.csv")
    # A layer that was never validated: how many were rejected is not known.
    assert page_notices(incidents_gdf, None, opts)["rejected"] is None
    # A public map names no file of its maker's.
    public = MapOptions(rejects_file="private/rejects.csv", public=True)
    assert page_notices(result, None, public)["rejectsFile"] is None


def test_the_sample_says_it_is_synthetic():
    layers = geomap.load_layers(SAMPLE)
    n = page_notices(layers["incidents"], layers["hazards"], MapOptions())
    assert n["notice"].startswith("SYNTHETIC DATA")
    assert (n["rejected"], n["source"]) == (0, "karabakh-sample.gpkg")
    # The option wins over the file's own notice; a public map does not name its files.
    opts = MapOptions(notice="Exercise data", public=True)
    n = page_notices(layers["incidents"], layers["hazards"], opts)
    assert (n["notice"], n["source"]) == ("Exercise data", None)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--paper", "A5"], "argument --paper: invalid choice: 'A5'"),
        (["--orientation", "upright"], "argument --orientation: invalid choice: 'upright'"),
        (["--dpi", "5000"], "argument --dpi: '5000': expected 50 to 600 dots per inch"),
    ],
)
def test_export_usage_errors_are_one_line(capsys, args, expected):
    with pytest.raises(SystemExit) as exc:
        main(["export", str(SAMPLE), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"geomap: error: {expected}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nowhere.html", "-o", "{tmp}/m.pdf"], "nowhere.html: no such file"),
        (["{sample}", "-o", "{tmp}/m.jpg"], "m.jpg: cannot tell what to write from '.jpg'"),
        (["{sample}", "--chromium", "{tmp}/no-chromium"], "no-chromium: no such file"),
    ],
)
def test_export_errors_are_one_line(capsys, tmp_path, args, expected):
    args = [a.format(tmp=tmp_path, sample=SAMPLE) for a in args]
    code, _out, err = run(capsys, "export", *args, "-q")
    assert code == 2
    assert err.count("\n") == 1, err
    assert err.startswith("geomap: error: "), err
    assert expected in err, err
    assert not (tmp_path / "m.pdf").exists()
    assert not (tmp_path / "m.jpg").exists()


def test_export_without_playwright_says_what_to_install(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    code, _, err = run(capsys, "export", SAMPLE, "-o", tmp_path / "m.pdf", "-q")
    assert code == 2
    assert err == (
        "geomap: error: geomap export needs Playwright: pip install 'geomap[export]' "
        "(and Chromium: apt-get install chromium)\n"
    )
    assert not (tmp_path / "m.pdf").exists()


# --------------------------------------------------------------------------- in Chromium


@pytest.mark.browser
def test_export_sample_pdf_page_and_regions(browser, capsys, tmp_path):
    """The acceptance line: `geomap export data/karabakh-sample.gpkg` writes a right-sized
    PDF page whose map, legend and scale-bar regions are drawn."""
    out = tmp_path / "sample.pdf"
    code, stdout, err = run(capsys, "export", SAMPLE, "-o", out)
    assert code == 0, err
    assert f"wrote {out} (125 incidents, 400 hazards; A4 landscape;" in stdout
    scale = 2.0
    pixels, (w_pt, h_pt) = rasterise(out, scale)
    assert w_pt == pytest.approx(297 * PT_PER_MM, abs=1.5)
    assert h_pt == pytest.approx(210 * PT_PER_MM, abs=1.5)
    html = tmp_path / "sample.html"
    assert run(capsys, "render", SAMPLE, "-o", html, "-q")[0] == 0
    boxes = regions(browser, html, Page.of("A4", "landscape"))
    px_per_css = scale * 72 / 96
    for name in ("map", "legend", "scale", "north", "notices"):
        region = crop(pixels, boxes[name], px_per_css)
        assert colours(region) > 20, f"{name} region is blank"
    # The legend and the map hold the CHA red (#b2182b) of the hazard areas' fill and swatch.
    legend = crop(pixels, boxes["legend"], px_per_css).astype(int)
    assert (np.abs(legend - [178, 24, 43]).sum(axis=2) < 30).sum() > 20
    # The legend is on white paper with dark text; the map has many more colours.
    assert colours(crop(pixels, boxes["map"], px_per_css)) > 200


@pytest.mark.browser
@pytest.mark.parametrize(
    ("paper", "orientation"), [("A4", "portrait"), ("A3", "landscape"), ("A3", "portrait")]
)
def test_export_pdf_page_sizes(browser, sample_map, tmp_path, paper, orientation):
    out = export_map(sample_map, tmp_path / "m.pdf", paper=paper, orientation=orientation)
    pixels, (w_pt, h_pt) = rasterise(out, 0.5)
    page = Page.of(paper, orientation)
    assert w_pt == pytest.approx(page.width_mm * PT_PER_MM, abs=1.5)
    assert h_pt == pytest.approx(page.height_mm * PT_PER_MM, abs=1.5)
    assert colours(pixels) > 100


@pytest.mark.browser
def test_export_png_from_a_map_object(browser, incidents_gdf, hazards_gdf, tmp_path):
    m = geomap.render_map(incidents_gdf, hazards_gdf, tiles=None, notice="Test data")
    out = export_map(m, tmp_path / "m.png", paper="A4", orientation="portrait", dpi=96)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
    assert {"width": width, "height": height} == Page.of("A4", "portrait").viewport()
    assert [p.name for p in tmp_path.iterdir()] == ["m.png"]  # no temporary file left


@pytest.mark.browser
def test_notices_are_on_the_map_and_in_print(browser, capsys, tmp_path):
    table = pd.read_csv(ROOT / "data" / "karabakh-incidents.csv")
    table.loc[[3, 8], "latitude"] = 123.0  # two rows out of range: rejected
    csv = tmp_path / "incidents.csv"
    table.to_csv(csv, index=False)
    html = tmp_path / "map.html"
    code, out, _ = run(capsys, "render", csv, "--notice", "Exercise data", "-o", html)
    assert code == 0
    assert f"2 rejected rows, with their reasons, written to {tmp_path / 'map-rejects.csv'}" in out
    with browser.page(html) as (page, _):
        notices = page.locator(".geomap-notices")
        assert notices.locator(".geomap-notice").inner_text() == "Exercise data"
        rejected = notices.locator(".geomap-rejected")
        assert rejected.is_visible()
        assert rejected.inner_text() == (
            "Input rows rejected and not drawn: 2 (listed in map-rejects.csv)"
        )
        assert notices.locator(".geomap-disclaimer").inner_text() == DISCLAIMER
        assert notices.locator(".geomap-disclaimer").is_visible()
        printed = notices.locator(".geomap-printed")
        assert not printed.is_visible()  # the print footer's date and source: print only
        assert not page.locator(".geomap-print-legend").is_visible()
        page.emulate_media(media="print")
        page.evaluate("Object.values(geomap.maps).forEach((s) => s.preparePrint())")
        assert printed.is_visible()
        assert "Data: incidents.csv" in printed.inner_text()
        assert notices.locator(".geomap-disclaimer").is_visible()
        assert not page.locator(".geomap-panel").is_visible()
        legend = page.locator(".geomap-print-legend")
        assert legend.is_visible()
        assert "Incidents" in legend.inner_text()
        assert "civilian" in legend.inner_text()
        assert page.locator(".geomap-north").is_visible()


@pytest.mark.browser
def test_sample_map_says_synthetic(browser, sample_map):
    with browser.page(sample_map) as (page, _):
        notice = page.locator(".geomap-notice")
        assert notice.is_visible()
        assert notice.inner_text().startswith("SYNTHETIC DATA")
        assert page.locator(".geomap-rejected").count() == 0  # none rejected: nothing said


@pytest.mark.browser
def test_print_legend_follows_the_layers_switched_on(browser, sample_map):
    with browser.page(sample_map) as (page, _):
        legend = page.locator(".geomap-print-legend")
        names = legend.locator(".geomap-print-legend-name")
        assert "Heat map (weighted by casualties)" not in names.all_inner_texts()
        page.locator(".geomap-entry", has_text="Heat map").locator("input").check()
        page.wait_for_function(
            "document.querySelector('.geomap-print-legend').textContent.includes('Heat map')"
        )
        page.locator(".geomap-entry", has_text="Incidents").locator("input").uncheck()
        page.wait_for_function(
            "!document.querySelector('.geomap-print-legend [data-layer=incidents]')"
        )


@pytest.mark.browser
def test_save_image_button_downloads_a_png(browser, sample_map):
    with browser.page(sample_map) as (page, _):
        button = page.get_by_role("button", name="Save the map as an image (PNG)")
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "sample.png"
        data = Path(download.path()).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
        size = page.locator(".folium-map").bounding_box()
        assert (width, height) == (round(size["width"]), round(size["height"]))
        assert len(data) > 20_000  # drawn, not a blank canvas
        assert button.is_enabled()
