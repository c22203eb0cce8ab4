"""JavaScript and CSS assets for self-contained maps, from installed packages.

A self-contained map inlines every asset it needs, so it draws with no network.
The assets come from packages installed from PyPI (XStatic-Leaflet carries
Leaflet 1.9.3, the version folium links), never from a CDN at render time and
never copied into this repository. Images that Leaflet's CSS points at are
inlined as ``data:`` URIs.
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


@dataclass(frozen=True)
class Asset:
    """One JS or CSS file: where a CDN serves it, and which package installs it."""

    name: str
    kind: str  # "js" or "css"
    cdn: str
    package: str  # an XStatic module, or "geomap" for our own files
    file: str
    pip: str  # what to install when it is missing


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
    if name in ("geomap.js", "geomap.css"):
        return (resources.files("geomap") / "_static" / name).read_text(encoding="utf-8")
    asset = ASSETS[name]
    base = _xstatic_dir(asset.package, asset.pip)
    path = base / asset.file
    if not path.is_file():
        raise AssetError(f"{path} is missing from the installed {asset.pip}; reinstall it")
    text = path.read_text(encoding="utf-8")
    if asset.kind == "css":
        text = _inline_css_urls(text, path.parent)
    return text


def asset_for_url(url: str) -> Asset | None:
    """Return the asset a CDN URL stands for, if geomap can inline it."""
    return _BY_URL.get(url)


def script_tag(js: str) -> str:
    """Wrap JavaScript in a script element that its text cannot close early."""
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE) + "</script>"


def style_tag(css: str) -> str:
    """Wrap CSS in a style element that its text cannot close early."""
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE) + "</style>"
