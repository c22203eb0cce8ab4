"""Make the README's screenshots of the sample map: desktop, phone and print.

Run from the repository root (``make screenshots``)::

    python docs/screenshots.py

It renders ``data/karabakh-sample.gpkg`` as ``make map`` does, but with no basemap
(``--tiles none``: the pictures must not depend on a tile server), opens it in
headless Chromium with every non-file request blocked, and writes into ``docs/img/``:

* ``desktop.png``: the page at 1366 x 768;
* ``phone.png``: the page at 390 x 844;
* ``print.png``: the A4 landscape PDF that ``geomap export`` writes, rasterised
  (pypdfium2, from the test extra);
* ``desktop-ar.png``: the same map in Arabic (``--lang ar``), right to left, at 1366 x 768
  (Debian's ``fonts-noto-core`` draws the script).

Each image is reduced to 256 colours, to keep it small in the repository. Needs the
export and test extras (Playwright, pypdfium2, Pillow) and Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from playwright.sync_api import sync_playwright

from geomap.cli import main as main_cli
from geomap.export import CHROMIUM_ARGS
from geomap.export import export_map
from geomap.export import find_chromium

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "karabakh-sample.gpkg"
OUT = ROOT / "docs" / "img"
TITLE = "Karabakh: mine contamination (synthetic sample)"
TITLE_AR = "قره باغ: التلوث بالألغام (عينة اصطناعية)"
#: The screens: name -> viewport.
SCREENS = {"desktop": (1366, 768), "phone": (390, 844)}
READY = "window.__geomap && Object.keys(__geomap.maps).length > 0"


def render(html: Path, lang: str = "en", title: str = TITLE) -> None:
    """Render the sample as `make map` does (the same command), with no basemap."""
    args = ["render", str(SAMPLE), "-o", str(html), "--title", title, "--tiles", "none", "-q"]
    args += ["--lang", lang]
    if main_cli(args) != 0:
        raise SystemExit("geomap render failed")


def block(route) -> None:  # type: ignore[no-untyped-def]
    """Let the page load its own file; abort everything else."""
    if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def small_png(image: Image.Image, path: Path) -> None:
    """Write ``image`` as a 256-colour PNG."""
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
        path, optimize=True
    )
    print(
        f"wrote {path.relative_to(ROOT)} ({image.width} x {image.height}, "
        f"{path.stat().st_size / 1e3:.0f} kB)"
    )


def screens(html: Path, tmp: Path, screens: dict[str, tuple[int, int]] = SCREENS) -> None:
    """Screenshot the page at each screen size."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            for name, (width, height) in screens.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.route("**/*", block)
                page.goto(html.as_uri())
                page.wait_for_function(READY, timeout=60_000)
                page.wait_for_timeout(500)  # let the layers fade in
                shot = tmp / f"{name}.png"
                page.screenshot(path=str(shot))
                page.close()
                small_png(Image.open(shot), OUT / f"{name}.png")
        finally:
            browser.close()


def print_page(html: Path, tmp: Path) -> None:
    """Export the A4 landscape PDF and rasterise its page."""
    pdf_path = export_map(html, tmp / "print.pdf", paper="A4", orientation="landscape")
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[0].render(scale=1.5).to_pil()
    finally:
        pdf.close()
    small_png(image, OUT / "print.png")


def main() -> int:
    """Write docs/img/desktop.png, phone.png, print.png and desktop-ar.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="geomap-screenshots-") as name:
        tmp = Path(name)
        html = tmp / "karabakh-map.html"
        render(html)
        screens(html, tmp)
        print_page(html, tmp)
        arabic = tmp / "karabakh-map-ar.html"
        render(arabic, "ar", TITLE_AR)
        screens(arabic, tmp, {"desktop-ar": SCREENS["desktop"]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
