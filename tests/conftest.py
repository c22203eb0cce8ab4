"""Shared fixtures: the real data in ../shared, a headless browser, small datasets."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point
from shapely.geometry import Polygon

from geomap.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "karabakh-sample.gpkg"
SHARED = Path(os.environ.get("GEOMAP_SHARED", ROOT.parent / "shared"))
REALDATA = SHARED / "realdata"
COLOMBIA = REALDATA / "colombia_eventos_map_muse"
AZE_ADM2 = REALDATA / "aze_geoboundaries_adm2" / "geoBoundaries-AZE-ADM2.geojson"
CHROMIUM = os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium")
TILE_HOSTS = (
    "tile.openstreetmap.org",
    "basemaps.cartocdn.com",
    "arcgisonline.com",
    "opentopomap.org",
)
#: axe-core, the npm test dependency (``npm ci``): run in the page by :meth:`Browser.axe`.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's findings of these impacts fail a test.
AXE_FAILS = ("serious", "critical")
_AXE_RUN = """async ([context, fails]) => {
    const r = await axe.run(context || document, {resultTypes: ["violations"], iframes: false});
    return r.violations.filter(v => fails.includes(v.impact)).map(v =>
        `${v.id} (${v.impact}): ${v.help}: ` +
        v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(", "));
}"""
#: JavaScript for the first map's handle on a page (what ``geomap.app`` returned for it).
FIRST_MAP = "geomap.maps[Object.keys(geomap.maps)[0]]"
#: A page's maps are drawn: each registers its handle once every layer is built.
MAPS_READY = "window.geomap && Object.keys(geomap.maps).length > 0"


def _require(flag: str) -> bool:
    return os.environ.get(flag, "") == "1"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The real public datasets; skip (or fail when GEOMAP_REQUIRE_SHARED=1) if absent."""
    if not COLOMBIA.is_dir() or not AZE_ADM2.is_file():
        msg = f"real data not found at {REALDATA} (set GEOMAP_SHARED to the shared folder)"
        if _require("GEOMAP_REQUIRE_SHARED"):
            pytest.fail(msg + " and GEOMAP_REQUIRE_SHARED=1")
        pytest.skip(msg)
    return REALDATA


@dataclass
class PageReport:
    """What a person's browser saw: errors, dialogs, requests that tried to leave."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def non_tile_requests(self) -> list[str]:
        """Requests that were blocked or failed, other than basemap tiles (local files too)."""
        urls = dict.fromkeys([*self.blocked, *self.failed])
        return [u for u in urls if not any(h in u for h in TILE_HOSTS)]


class Browser:
    """Opens local HTML files in headless Chromium with every non-file request blocked."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def raw_page(self, viewport: dict[str, int] | None = None) -> Any:
        """A page that may reach loopback servers the test started (and nothing else)."""
        page = self._browser.new_page(viewport=viewport or {"width": 1200, "height": 800})

        def route(r: Any) -> None:
            host = r.request.url.split("/")[2] if "://" in r.request.url else ""
            if host.startswith(("127.0.0.1", "localhost")) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        return page

    @contextlib.contextmanager
    def page(
        self, path: Path, *, axe: bool = True, **kwargs: Any
    ) -> Iterator[tuple[Any, PageReport]]:
        """Open ``path`` as :meth:`open` does; on leaving, no JavaScript error and no request
        other than basemap tiles may have happened, axe-core (when installed, and unless
        ``axe=False``) finds nothing serious or critical in the page as the test left it, and
        the page is closed."""
        page, report = self.open(path, **kwargs)
        try:
            yield page, report
            assert report.errors == []
            assert report.non_tile_requests == []
            if axe and AXE.is_file() and not page.is_closed():
                # In a host page, only the maps embedded in it are geomap's to answer for.
                ours = ".geomap-embed" if page.locator(".geomap-embed").count() else None
                found = self.axe(page, ours)
                assert found == [], "axe-core found:\n" + "\n".join(found)
        finally:
            page.close()

    def axe(self, page: Any, context: str | None = None) -> list[str]:
        """Run axe-core in a page or frame (or the elements ``context`` selects); return its
        serious and critical findings, one line each. Skips (or fails with
        GEOMAP_REQUIRE_NODE=1) when ``npm ci`` has not installed it."""
        if not AXE.is_file():
            msg = f"axe-core is not installed at {AXE} (run npm ci)"
            if _require("GEOMAP_REQUIRE_NODE"):
                pytest.fail(msg + " and GEOMAP_REQUIRE_NODE=1")
            pytest.skip(msg)
        if not page.evaluate("typeof window.axe === 'object'"):
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        # A popup fading in is half transparent: let transitions end before colours are read.
        page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")
        return list(page.evaluate(_AXE_RUN, [context, list(AXE_FAILS)]))

    def open(
        self,
        path: Path,
        *,
        wait_for: str = MAPS_READY,
        viewport: dict[str, int] | None = None,
    ) -> tuple[Any, PageReport]:
        report = PageReport()
        page = self._browser.new_page(viewport=viewport or {"width": 1200, "height": 800})

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                r.continue_()
            else:
                report.blocked.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: report.errors.append(str(exc)))
        # A resource that fails to load is judged by its URL (see non_tile_requests):
        # tiles may fail offline, nothing else may.
        page.on(
            "console",
            lambda msg: (
                report.errors.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("requestfailed", lambda req: report.failed.append(req.url))

        def on_dialog(d: Any) -> None:
            report.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri())
        if wait_for:
            page.wait_for_function(wait_for, timeout=60_000)
        return page, report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium via Playwright; skip (or fail with GEOMAP_REQUIRE_BROWSER=1)."""
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is None and not exe:
        reason = "no Chromium found (apt-get install -y chromium)"
    if reason:
        if _require("GEOMAP_REQUIRE_BROWSER"):
            pytest.fail(reason + " and GEOMAP_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield Browser(b)
        finally:
            b.close()


@pytest.fixture(scope="session")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample map, written by the README's first command (``geomap render``)."""
    out = tmp_path_factory.mktemp("sample-page") / "karabakh-map.html"
    assert main(["render", str(SAMPLE), "-o", str(out), "-q"]) == 0
    return out


@pytest.fixture
def incidents_gdf() -> gpd.GeoDataFrame:
    """Five valid incidents near Aghdam and Fuzuli."""
    return gpd.GeoDataFrame(
        {
            "id": ["I1", "I2", "I3", "I4", "I5"],
            "date": ["2021-03-01", "2021-05-17", "2022-01-09", "2022-08-30", "2023-02-11"],
            "incident_type": ["mine/ERW accident"] * 4 + ["demining accident"],
            "killed": [1, 0, 2, 0, 0],
            "injured": [0, 2, 1, 1, 1],
            "victim_category": [
                "civilian",
                "civilian",
                "military/security",
                "journalist",
                "deminer",
            ],
            "device_category": ["AP mine", "AT mine", "UXO", "AP mine", "AP mine"],
            "district": ["Aghdam", "Aghdam", "Fuzuli", "Fuzuli", "Fuzuli"],
            "description": ["tractor", "shepherd", "patrol", "film crew", "clearance"],
        },
        geometry=[
            Point(46.93, 39.99),
            Point(46.95, 40.0),
            Point(47.14, 39.6),
            Point(47.1, 39.61),
            Point(47.12, 39.58),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def hazards_gdf() -> gpd.GeoDataFrame:
    """Three valid hazard areas (about 1 km² each)."""

    def sq(x: float, y: float, d: float = 0.01) -> Polygon:
        return Polygon([(x, y), (x + d, y), (x + d, y + d), (x, y + d)])

    return gpd.GeoDataFrame(
        {
            "id": ["H1", "H2", "H3"],
            "hazard_class": ["CHA", "SHA", "SHA"],
            "evidence": ["direct", "indirect", "indirect"],
            "device_category": ["AP mine", "AT mine", "UXO"],
            "status": ["active", "active", "cleared"],
            "status_date": ["2021-01-01", "2021-02-01", "2023-03-01"],
            "date_recorded": ["2020-12-01", "2020-12-15", "2021-01-10"],
            "district": ["Aghdam", "Fuzuli", "Fuzuli"],
        },
        geometry=[sq(46.92, 39.98), sq(47.13, 39.59), sq(47.2, 39.5)],
        crs="EPSG:4326",
    )


def app_config(html: str) -> dict:
    """The map's data and configuration, decoded from the page."""
    start = html.index('<script type="application/json"')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    return json.loads(html[start:end])


def payloads(html: str) -> dict[str, dict]:
    """The data layers' specs, by key."""
    return {layer["key"]: layer for layer in app_config(html)["layers"]}


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run ``geomap ARGS`` in-process; return its exit status, stdout and stderr."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err
