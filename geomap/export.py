"""Print and export: a map as a PDF or PNG page, through headless Chromium.

:func:`export_map` opens a map (a :class:`~geomap.map.GeomapMap`, or a map's
``.html`` file) in Debian's Chromium through Playwright, with every request that
is not a local file blocked, and prints it with the map's print layout (title,
complete legend, scale bar, north arrow, date, data source, notices and the
disclaimer: the ``@media print`` rules of ``geomap.css``, the same as the
browser's own print). Playwright is an optional extra (``pip install
'geomap[export]'``); Chromium comes from the system (``apt-get install chromium``).

>>> m = geomap.render_map(layers["incidents"], layers["hazards"])  # doctest: +SKIP
>>> export_map(m, "map.pdf", paper="A3", orientation="portrait")  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium

from geomap._errors import GeomapError
from geomap.io import atomic_path
from geomap.map import save_map

__all__ = [
    "CHROMIUM_ARGS",
    "DPI_RANGE",
    "FORMATS",
    "MARGIN_MM",
    "ORIENTATIONS",
    "PAPERS",
    "Page",
    "export_map",
    "find_chromium",
]

log = logging.getLogger(__name__)

#: Paper sizes, portrait, in millimetres (ISO 216).
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("landscape", "portrait")
#: What :func:`export_map` writes, by the output's suffix.
FORMATS = (".pdf", ".png")
#: The resolutions a PNG may have, in dots per inch.
DPI_RANGE = (50.0, 600.0)
#: The page's margin on every side, in millimetres.
MARGIN_MM = 8.0
#: How Chromium is started: no sandbox (containers, root), nothing fetched on its own.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
)
#: Where Chromium is looked for when neither the argument nor GEOMAP_CHROMIUM names it.
_CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: The page has drawn its maps (each registers its handle once its layers are built).
_MAPS_READY = "window.__geomap && Object.keys(__geomap.maps).length > 0"
#: Bring the print parts up to date, then wait for the images (tiles) and two frames.
_SETTLE = """async () => {
  for (const s of Object.values(__geomap.maps)) { s.preparePrint ? s.preparePrint() : null; }
  const waits = [...document.images].filter((i) => !i.complete).map((i) => new Promise((done) => {
    i.addEventListener("load", done);
    i.addEventListener("error", done);
  }));
  await Promise.all(waits);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""
_CSS_PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Page:
    """A sheet of paper: its size in millimetres and what part of it the map fills.

    Examples
    --------
    >>> p = Page.of("A4", "landscape")
    >>> p.width_mm, p.height_mm
    (297.0, 210.0)
    >>> p.viewport()
    {'width': 1062, 'height': 733}
    """

    paper: str
    orientation: str
    width_mm: float
    height_mm: float

    @classmethod
    def of(cls, paper: str, orientation: str) -> Page:
        """Return the page of a paper size (``A4``, ``A3``) and orientation.

        Raises
        ------
        GeomapError
            An unknown paper size or orientation.
        """
        size = PAPERS.get(str(paper).upper())
        if size is None:
            raise GeomapError(f"paper {paper!r}: expected one of {', '.join(PAPERS)}")
        if orientation not in ORIENTATIONS:
            raise GeomapError(
                f"orientation {orientation!r}: expected one of {', '.join(ORIENTATIONS)}"
            )
        short, long_ = size
        w, h = (long_, short) if orientation == "landscape" else (short, long_)
        return cls(str(paper).upper(), orientation, w, h)

    def viewport(self) -> dict[str, int]:
        """Return the printable area (the page less its margins) in CSS pixels (96 per inch)."""
        w = (self.width_mm - 2 * MARGIN_MM) * _CSS_PX_PER_MM
        h = (self.height_mm - 2 * MARGIN_MM) * _CSS_PX_PER_MM
        return {"width": round(w), "height": round(h)}


def find_chromium(path: str | os.PathLike[str] | None = None) -> str:
    """Return the Chromium to print with: ``path``, else ``$GEOMAP_CHROMIUM``, else the system's.

    Raises
    ------
    GeomapError
        No Chromium there (the message says how to install one).
    """
    given = path or os.environ.get("GEOMAP_CHROMIUM")
    if given:
        if not Path(given).is_file():
            raise GeomapError(
                f"Chromium {given}: no such file (install it: apt-get install chromium)"
            )
        return str(given)
    for candidate in _CHROMIUM_PATHS:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise GeomapError(
            "geomap export needs Chromium and found none: apt-get install chromium "
            "(or set GEOMAP_CHROMIUM to its path)"
        )
    return found


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise GeomapError(
            "geomap export needs Playwright: pip install 'geomap[export]' "
            "(and Chromium: apt-get install chromium)"
        ) from None
    return sync_playwright


def _check_output(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise GeomapError(
            f"{path}: cannot tell what to write from {suffix or 'no extension'!r}; "
            f"expected {' or '.join(FORMATS)}"
        )
    return suffix


def _check_html(path: Path) -> Path:
    if path.suffix.lower() not in (".html", ".htm"):
        raise GeomapError(f"{path}: expected a map's .html file (geomap render writes one)")
    if not path.is_file():
        raise GeomapError(f"{path}: no such file")
    return path


def _block(route: Any) -> None:
    """Let the page load its own file (and data:/blob: URLs); abort every other request."""
    url = route.request.url
    if url.startswith(("file:", "data:", "blob:", "about:")):
        route.continue_()
    else:
        log.debug("export: blocked %s", url)
        route.abort()


def _print(html: Path, out: Path, page: Page, exe: str, dpi: float, timeout_s: float) -> None:
    """Open ``html`` in Chromium and write its print layout to ``out`` (PDF or PNG)."""
    with _playwright()() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
        try:
            tab = browser.new_page(viewport=page.viewport(), device_scale_factor=dpi / 96)
            tab.route("**/*", _block)
            tab.emulate_media(media="print")
            tab.goto(html.resolve().as_uri())
            try:
                tab.wait_for_function(_MAPS_READY, timeout=timeout_s * 1000)
            except Exception:
                raise GeomapError(
                    f"{html}: no geomap map drew within {timeout_s:g} s (is it a geomap map?)"
                ) from None
            tab.evaluate(_SETTLE)
            if out.suffix.lower() == ".png":
                tab.screenshot(path=str(out))
            else:
                margin = f"{MARGIN_MM}mm"
                tab.pdf(
                    path=str(out),
                    width=f"{page.width_mm}mm",
                    height=f"{page.height_mm}mm",
                    margin={"top": margin, "right": margin, "bottom": margin, "left": margin},
                    print_background=True,
                )
        finally:
            browser.close()


def export_map(
    source: folium.Map | str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: float = 150,
    chromium: str | os.PathLike[str] | None = None,
    timeout_s: float = 60,
) -> Path:
    """Print a map to a PDF page or a PNG image, in its print layout.

    Parameters
    ----------
    source : folium.Map, str or Path
        A map from :func:`~geomap.map.render_map`, or a map's ``.html`` file.
    path : str or Path
        The file to write: ``.pdf`` (one page of ``paper``) or ``.png`` (the page's
        printable area, at ``dpi``). Written atomically (never half a file).
    paper : {"A4", "A3"}
        Paper size.
    orientation : {"landscape", "portrait"}
        Orientation.
    dpi : float
        Resolution of a PNG (a PDF keeps the map's vectors as vectors).
    chromium : str or Path, optional
        Chromium's executable (default: ``$GEOMAP_CHROMIUM``, else ``/usr/bin/chromium``).
    timeout_s : float
        How long to wait for the map to draw.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    GeomapError
        A bad paper size, orientation or output suffix; no such map file; Playwright
        or Chromium missing; a page that draws no geomap map.

    Examples
    --------
    >>> export_map("karabakh-map.html", "karabakh-map.pdf")  # doctest: +SKIP
    PosixPath('karabakh-map.pdf')
    """
    out = Path(path)
    _check_output(out)
    page = Page.of(paper, orientation)
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise GeomapError(f"dpi {dpi!r}: expected {DPI_RANGE[0]:g} to {DPI_RANGE[1]:g}")
    given = None if isinstance(source, folium.Map) else _check_html(Path(source))
    exe = find_chromium(chromium)
    _playwright()  # fail before any work when Playwright is missing
    with tempfile.TemporaryDirectory(prefix="geomap-export-") as tmp:
        html = given or save_map(source, Path(tmp) / "map.html")  # type: ignore[arg-type]
        # Playwright's sync API refuses to run inside an event loop (Jupyter): a thread.
        with atomic_path(out) as dest, concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(_print, html, dest, page, exe, dpi, timeout_s).result()
    log.info("exported %s (%s %s)", out, page.paper, page.orientation)
    return out
