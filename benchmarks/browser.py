"""Opening maps in headless Chromium with no network: time until ready, then pan.

Debian's Chromium (``/usr/bin/chromium``, or ``$GEOMAP_CHROMIUM``) through Playwright,
one fresh browser per page, 1200x800 viewport. Every request is intercepted:

* ``file:``/``data:``/``blob:``/``about:`` pass;
* basemap tile requests are aborted (and counted);
* the CDN assets folium links for explore() (Leaflet, jQuery, Bootstrap,
  Leaflet.awesome-markers, Font Awesome) are served from local copies installed from
  the registries at benchmark time, once, into ``<out>/assets`` (:func:`ensure_assets`);
* any other URL gets an empty ``200`` of the right content type, and is listed.

Chromium also runs with ``--host-resolver-rules=MAP * ~NOTFOUND``, so nothing could
resolve a host anyway. What "ready" and "pans" mean is in ``benchmarks/render.py``.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.machine import run
from benchmarks.report import log

CHROMIUM = os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
VIEWPORT = {"width": 1200, "height": 800}

TILE_HOSTS = (
    "tile.openstreetmap.org",
    "basemaps.cartocdn.com",
    "arcgisonline.com",
    "opentopomap.org",
    "tile.thunderforest.com",
    "stadiamaps.com",
)
TILE_PATH = re.compile(r"/\d+/\d+/\d+(@\dx)?\.(png|jpe?g|webp|pbf)(\?|$)")
NPM_PACKAGES = (
    "bootstrap@5.2.2",
    "leaflet.awesome-markers@2.0.5",
    "@fortawesome/fontawesome-free@6.2.0",
)
PIP_ASSETS = ("xstatic-jquery==3.7.1.1",)


# --------------------------------------------------------------------------- assets


class Assets:
    """Local copies of the CDN files folium links, by URL prefix."""

    def __init__(self) -> None:
        self.prefixes: list[tuple[str, Path]] = []
        self.files: dict[str, Path] = {}
        self.problems: list[str] = []

    def add_prefix(self, url: str, folder: Path) -> None:
        if folder.is_dir():
            self.prefixes.append((url, folder))
        else:
            self.problems.append(f"{folder} missing: {url}* will be stubbed")

    def add_file(self, url: str, path: Path) -> None:
        if path.is_file():
            self.files[url] = path
        else:
            self.problems.append(f"{path} missing: {url} will be stubbed")

    def lookup(self, url: str) -> Path | None:
        bare = url.split("?", 1)[0].split("#", 1)[0]
        if bare in self.files:
            return self.files[bare]
        for prefix, folder in self.prefixes:
            if bare.startswith(prefix):
                path = (folder / bare[len(prefix) :]).resolve()
                if path.is_file() and folder.resolve() in path.parents:
                    return path
        return None


def ensure_assets(out: Path) -> Assets:
    """Install folium's CDN files from PyPI/npm into ``out/assets`` (once) and map them."""
    assets = Assets()
    root = out / "assets"
    npm_dir = root / "npm"
    pip_dir = root / "pypi"
    modules = npm_dir / "node_modules"
    wanted = [modules / p.rsplit("@", 1)[0] / "package.json" for p in NPM_PACKAGES]
    if not all(p.is_file() for p in wanted):
        npm = shutil.which("npm")
        if npm is None:
            assets.problems.append("npm not found: Bootstrap/Font Awesome/awesome-markers stubbed")
        else:
            log(f"npm install {' '.join(NPM_PACKAGES)} into {npm_dir} ...")
            npm_dir.mkdir(parents=True, exist_ok=True)
            cmd = [npm, "install", "--prefix", str(npm_dir), "--no-audit", "--no-fund"]
            cmd += ["--ignore-scripts", "--no-save", "--loglevel=error", *NPM_PACKAGES]
            try:
                subprocess.run(cmd, check=True, timeout=900, stdout=sys.stderr)
            except (subprocess.SubprocessError, OSError) as exc:
                assets.problems.append(f"npm install failed: {exc}")
    jquery = pip_dir / "xstatic" / "pkg" / "jquery" / "data" / "jquery.min.js"
    if not jquery.is_file():
        log(f"pip install --target {pip_dir} {' '.join(PIP_ASSETS)} ...")
        cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        cmd += ["--no-deps", "--target", str(pip_dir), *PIP_ASSETS]
        try:
            run(cmd, 600)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            assets.problems.append(f"pip install {PIP_ASSETS} failed: {exc}")
    try:
        import xstatic.pkg.leaflet as xleaflet

        leaflet_dir = Path(xleaflet.BASE_DIR)
    except ImportError:
        leaflet_dir = modules / "leaflet" / "dist"
    assets.add_prefix("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/", leaflet_dir)
    assets.add_file("https://code.jquery.com/jquery-3.7.1.min.js", jquery)
    assets.add_prefix("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/", modules / "bootstrap")
    assets.add_prefix(
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/",
        modules / "@fortawesome" / "fontawesome-free",
    )
    assets.add_prefix(
        "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/",
        modules / "leaflet.awesome-markers" / "dist",
    )
    for p in assets.problems:
        log(f"assets: {p}")
    return assets


def linked_urls(html_path: Path) -> list[str]:
    """The http(s) URLs a saved map links in <script src> and <link href> (from its head)."""
    with open(html_path, encoding="utf-8", errors="replace") as f:
        head = f.read(200_000)
    found = re.findall(r"<(?:script|link)\b[^>]*?(?:src|href)=[\"'](https?://[^\"']+)", head)
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- browser

INIT_JS = r"""
(() => {
  function globals(test) {
    const out = [];
    for (const k of Object.keys(window)) {
      let v;
      try { v = window[k]; } catch (e) { continue; }
      if (v && test(v)) { out.push(v); }
    }
    return out;
  }
  window.__bench = {
    map() {  // found once, then cached (walking window's keys on every frame costs)
      if (!this._map && window.L) { this._map = globals(v => v instanceof L.Map)[0] || null; }
      return this._map || null;
    },
    dataLayers() {
      return window.L ? globals(v => v instanceof L.GeoJSON) : [];
    },
    drawn() {
      return document.querySelector(
        ".leaflet-overlay-pane canvas, .leaflet-overlay-pane .leaflet-interactive, " +
        ".leaflet-marker-pane .leaflet-marker-icon") !== null;
    },
    ready(tool, n) {
      const map = this.map();
      if (!map) { return false; }
      if (tool === "geomap") {
        // geomap registers a map's handle when the whole map (app) has been built.
        if (!(window.geomap && geomap.maps && Object.keys(geomap.maps).length > 0)) {
          return false;
        }
      } else {
        const layers = this.dataLayers();
        if (layers.length < n || !layers.every(l => map.hasLayer(l))) { return false; }
      }
      return this.drawn();
    },
    frames(k) {
      return new Promise(resolve => {
        const step = i => (i ? requestAnimationFrame(() => step(i - 1))
                             : resolve(performance.now()));
        step(k);
      });
    },
    pan(ms) {
      const map = this.map();
      if (!map) { return Promise.resolve({ ok: false, why: "no L.Map global" }); }
      const c0 = map.getCenter();
      const t0 = performance.now();
      return new Promise(resolve => {
        const timer = setTimeout(
          () => resolve({ ok: false, why: "no moveend within " + ms + " ms" }), ms);
        map.once("moveend", () => {
          clearTimeout(timer);
          const c1 = map.getCenter();
          this.frames(2).then(() => resolve({
            ok: !c1.equals(c0), why: c1.equals(c0) ? "centre did not move" : "",
            ms: performance.now() - t0, from: [c0.lat, c0.lng], to: [c1.lat, c1.lng],
          }));
        });
        map.panBy([200, 100]);
      });
    },
  };
})();
"""


def _content_type(path_or_url: str) -> str:
    guess = mimetypes.guess_type(path_or_url.split("?", 1)[0])[0]
    return guess or "application/octet-stream"


def _router(rep: dict[str, Any], assets: Assets) -> Any:
    """A ``page.route`` handler: pass local URLs, abort tiles, serve or stub the rest."""

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
            return
        host = url.split("/")[2] if "//" in url else ""
        if any(host.endswith(h) for h in TILE_HOSTS) or TILE_PATH.search(url):
            rep["tiles_aborted"] += 1
            r.abort()
            return
        cors = {"Access-Control-Allow-Origin": "*"}
        local = assets.lookup(url)
        if local is not None:
            rep["assets_local"].append(url)
            r.fulfill(path=str(local), content_type=_content_type(str(local)), headers=cors)
        else:
            rep["assets_stubbed"].append(url)
            r.fulfill(status=200, body="", content_type=_content_type(url), headers=cors)

    return route


def _open(page: Any, rep: dict[str, Any], crashed: list[bool], assets: Assets) -> None:
    """Route the page's requests and record its crashes and JavaScript errors."""
    page.add_init_script(INIT_JS)
    page.route("**/*", _router(rep, assets))
    page.on("crash", lambda _p: crashed.append(True))
    page.on("pageerror", lambda exc: rep["js_errors"].append(str(exc)[:200]))
    page.on(
        "console",
        lambda msg: (
            rep["js_errors"].append(msg.text[:200])
            if msg.type == "error" and "net::ERR_FAILED" not in msg.text
            else None
        ),
    )


def _wait_ready(
    page: Any, html: Path, tool: str, n_layers: int, timeout: float, rep: dict[str, Any]
) -> None:
    """Go to the page and wait until its map is ready; record both clocks."""
    deadline = time.perf_counter() + timeout
    t0 = time.perf_counter()
    page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout * 1000)
    left = max(1.0, deadline - time.perf_counter())
    page.wait_for_function(
        "([tool, n]) => window.__bench && __bench.ready(tool, n)",
        arg=[tool, n_layers],
        polling="raf",
        timeout=left * 1000,
    )
    page_ms = page.evaluate("() => __bench.frames(2)")
    rep["ready_s"] = time.perf_counter() - t0
    rep["ready_page_s"] = page_ms / 1000
    rep["ready"] = "ok"


def _pan(page: Any, rep: dict[str, Any], crashed: list[bool], timeout: float) -> None:
    """Pan the ready map by (200, 100) px and wait for ``moveend``."""
    from playwright.sync_api import Error as PlaywrightError

    pan_ms = int(min(60.0, timeout) * 1000)
    try:
        pan = page.evaluate("ms => __bench.pan(ms)", pan_ms)
        rep["pan"] = "ok" if pan.get("ok") else "failed"
        rep["pan_detail"] = pan
        if pan.get("ms") is not None:
            rep["pan_s"] = pan["ms"] / 1000
    except PlaywrightError as exc:
        rep["pan"] = "crashed" if crashed else "failed"
        rep["pan_detail"] = {"why": str(exc).splitlines()[0][:120]}


def measure_page(
    pw: Any,
    html: Path,
    tool: str,
    n_layers: int,
    assets: Assets,
    timeout: float,
    screenshot: Path | None = None,
) -> dict[str, Any]:
    """Open one map in a fresh headless Chromium; time until ready, then pan it."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    rep: dict[str, Any] = {
        "tiles_aborted": 0,
        "assets_local": [],
        "assets_stubbed": [],
        "js_errors": [],
    }
    crashed: list[bool] = []
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        _open(page, rep, crashed, assets)
        try:
            _wait_ready(page, html, tool, n_layers, timeout, rep)
        except PlaywrightTimeout:
            return {**rep, "ready": "timeout", "pan": "not tried"}
        except PlaywrightError as exc:
            why = "crashed" if crashed else f"error: {str(exc).splitlines()[0][:120]}"
            return {**rep, "ready": why, "pan": "not tried"}
        with contextlib.suppress(PlaywrightError):
            rep["js_heap_mb"] = page.evaluate(
                "() => performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null"
            )
        if screenshot is not None:
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(screenshot), timeout=60_000)
                rep["screenshot"] = str(screenshot)
        _pan(page, rep, crashed, timeout)
        return rep
    finally:
        with contextlib.suppress(PlaywrightError):
            browser.close()


def combine_pages(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Keep the fastest ready run; pans only if every run panned; keep every sample."""
    bad = [r for r in reps if r["ready"] != "ok"]
    if bad:
        best = dict(bad[0])
    else:
        best = dict(min(reps, key=lambda r: r["ready_s"]))
        if any(r.get("pan") != "ok" for r in reps):
            best["pan"] = next(r["pan"] for r in reps if r.get("pan") != "ok")
    best["page_runs"] = [
        {k: r.get(k) for k in ("ready", "ready_s", "pan", "pan_s", "busy_cores_before")}
        for r in reps
    ]
    best["ready_samples_s"] = [r.get("ready_s") for r in reps]
    best["pan_samples_s"] = [r.get("pan_s") for r in reps]
    best["js_errors"] = sorted({e for r in reps for e in r["js_errors"]})
    return best
