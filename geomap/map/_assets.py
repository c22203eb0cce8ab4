"""JavaScript and CSS assets for self-contained maps, from the installed package.

A self-contained map inlines every asset it needs, so it draws with no network,
and nothing at render time needs Node.js, npm or a ``node_modules`` folder:

* Leaflet 1.9.3 (the version folium links) comes from PyPI's ``xstatic-leaflet``;
* the map app (with the npm packages it imports: mgrs, geographiclib-geodesic)
  and the Leaflet plugins (supercluster, pako, leaflet.heat,
  fullscreen, mini-map, locate) are package data in
  ``geomap/_static/dist/``: built by ``npm run build`` (``js/build.mjs``, esbuild)
  from ``js/src`` and the npm packages pinned in ``package-lock.json``, with the
  images their CSS points at inlined as ``data:`` URIs, and committed
  (``npm run check`` fails when they are out of date). Their licences are in
  ``geomap/_static/THIRD_PARTY_LICENSES``.

Each plugin is a separate file, so a map inlines only the plugins it uses.
"""

from __future__ import annotations

import base64
import functools
import importlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from geomap._errors import AssetError

log = logging.getLogger(__name__)

LEAFLET_VERSION = "1.9.3"


#: The folder of the built assets inside the package (see js/build.mjs).
DIST = "_static/dist"


@dataclass(frozen=True)
class Asset:
    """One JS or CSS file: where a CDN serves it, and where the installed package has it."""

    name: str
    kind: str  # "js" or "css"
    cdn: str
    package: str  # an XStatic module, or "geomap" for geomap's own package data
    file: str
    pip: str  # what to install when it is missing


def _npm(name: str, kind: str, package: str, version: str, file: str) -> Asset:
    """Describe a plugin from npm: linked from the CDN, inlined from ``geomap/_static/dist``."""
    built = f"{DIST}/{name.removesuffix('_css')}.{kind}"
    return Asset(
        name,
        kind,
        f"https://cdn.jsdelivr.net/npm/{package}@{version}/{file}",
        "geomap",
        built,
        "geomap (reinstall it: the package data is incomplete)",
    )


ASSETS: dict[str, Asset] = {
    a.name: a
    for a in (
        Asset(
            "leaflet",
            "js",
            f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js",
            "xstatic.pkg.leaflet",
            "leaflet.js",
            "xstatic-leaflet==1.9.3.0",
        ),
        Asset(
            "leaflet_css",
            "css",
            f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css",
            "xstatic.pkg.leaflet",
            "leaflet.css",
            "xstatic-leaflet==1.9.3.0",
        ),
        _npm("supercluster", "js", "supercluster", "7.1.5", "dist/supercluster.min.js"),
        _npm("pako", "js", "pako", "2.1.0", "dist/pako_inflate.min.js"),
        _npm("leaflet_heat", "js", "leaflet.heat", "0.2.0", "dist/leaflet-heat.js"),
        _npm("leaflet_fullscreen", "js", "leaflet.fullscreen", "3.0.0", "Control.FullScreen.js"),
        _npm(
            "leaflet_fullscreen_css", "css", "leaflet.fullscreen", "3.0.0", "Control.FullScreen.css"
        ),
        _npm("leaflet_minimap", "js", "leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.js"),
        _npm(
            "leaflet_minimap_css", "css", "leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.css"
        ),
        _npm(
            "leaflet_locate",
            "js",
            "leaflet.locatecontrol",
            "0.79.0",
            "dist/L.Control.Locate.min.js",
        ),
        _npm(
            "leaflet_locate_css",
            "css",
            "leaflet.locatecontrol",
            "0.79.0",
            "dist/L.Control.Locate.min.css",
        ),
        _npm("html_to_image", "js", "html-to-image", "1.11.13", "dist/html-to-image.js"),
    )
}
_BY_URL = {a.cdn: a for a in ASSETS.values()}


def _xstatic_dir(module: str, pip: str) -> Path:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        raise AssetError(
            f"the package for {module} is not installed; self-contained maps need it: "
            f"pip install '{pip}' (or render with cdn=True / --cdn)"
        ) from None
    return Path(mod.BASE_DIR)


def _inline_css_urls(css: str, base: Path) -> str:
    """Replace ``url(relative.png)`` in CSS by ``data:`` URIs read from ``base``."""

    def repl(match: re.Match[str]) -> str:
        ref = match.group(2)
        if ref.startswith(("data:", "http:", "https:", "#")):
            return match.group(0)
        target = base / ref
        if not target.is_file():
            return match.group(0)
        mime = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif"}.get(
            target.suffix.lower().lstrip("."), "application/octet-stream"
        )
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return re.sub(r"""url\((['"]?)([^'")]+)\1\)""", repl, css)


def _package_text(file: str) -> str:
    """Return the text of a file of geomap's package data (``file`` relative to the package)."""
    path = resources.files("geomap").joinpath(*file.split("/"))
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AssetError(
            f"geomap/{file} is missing from the installed geomap; reinstall geomap "
            "(in a checkout: npm ci && npm run build)"
        ) from None


@functools.cache
def asset_text(name: str) -> str:
    """Return the text of asset ``name``, ready to inline.

    Parameters
    ----------
    name : str
        A key of :data:`ASSETS`, or ``"geomap.js"`` / ``"geomap.css"``.

    Returns
    -------
    str

    Raises
    ------
    AssetError
        The package that carries the asset is not installed.
    """
    if name == "geomap.js":
        return _package_text(f"{DIST}/geomap.js")
    if name == "geomap.css":
        return _package_text("_static/geomap.css")
    asset = ASSETS[name]
    if asset.package == "geomap":
        return _package_text(asset.file)
    path = _xstatic_dir(asset.package, asset.pip) / asset.file
    if not path.is_file():
        raise AssetError(f"{path} is missing from the installed {asset.pip}; reinstall it")
    text = path.read_text(encoding="utf-8")
    if asset.kind == "css":
        text = _inline_css_urls(text, path.parent)
    return text


def leaflet_icons(cdn: bool = False) -> dict[str, str]:
    """Return Leaflet's default marker images (used by plugins' markers) as URLs.

    Self-contained maps get ``data:`` URIs: Leaflet cannot find its images from
    inlined CSS, and would otherwise ask for ``marker-icon.png`` beside the HTML file.
    """
    names = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png",
             "shadowUrl": "marker-shadow.png"}  # fmt: skip
    if cdn:
        base = ASSETS["leaflet"].cdn.rsplit("/", 1)[0] + "/images/"
        return {k: base + v for k, v in names.items()}
    folder = _xstatic_dir(ASSETS["leaflet"].package, ASSETS["leaflet"].pip) / "images"
    return {
        k: "data:image/png;base64," + base64.b64encode((folder / v).read_bytes()).decode("ascii")
        for k, v in names.items()
    }


def asset_for_url(url: str) -> Asset | None:
    """Return the asset a CDN URL stands for, if geomap can inline it."""
    return _BY_URL.get(url)


def script_tag(js: str) -> str:
    """Wrap JavaScript in a script element that its text cannot close early."""
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE) + "</script>"


def style_tag(css: str) -> str:
    """Wrap CSS in a style element that its text cannot close early."""
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE) + "</style>"
