"""Everything that touches folium's and branca's internals, in one place.

:class:`GeomapMap` is a ``folium.Map`` that inlines its scripts and styles (so
the page works offline) or links them from CDNs; :class:`_App` puts the map's
configuration into the page as a JSON data block, untouched by branca's Jinja
templating, and :func:`write_page` streams a page with large data to a file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import IO
from typing import Any

import folium
from branca.element import CssLink
from branca.element import Element
from branca.element import Figure
from branca.element import JavascriptLink
from branca.element import MacroElement
from jinja2 import Template

from geomap.map._assets import ASSETS
from geomap.map._assets import AssetError
from geomap.map._assets import asset_for_url
from geomap.map._assets import asset_text
from geomap.map._assets import script_tag
from geomap.map._assets import style_tag
from geomap.map._encode import safe_json

__all__ = ["GeomapMap", "add_app", "assets_available", "write_page"]

log = logging.getLogger(__name__)


class _Raw(Element):
    """An element output as is (branca's Element would parse its text as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__("")
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _Page(Figure):
    """folium's page (branca's Figure) in a language and under the map's title.

    Screen readers need both (axe-core's ``html-has-lang`` and ``document-title``); the
    title is escaped here, as it is the user's text. ``lang`` and ``dir`` (``"rtl"``
    for Arabic) are the map's language's (set by :func:`add_app`).
    """

    lang = "en"
    dir = "ltr"
    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang|e }}" dir="{{ this.dir|e }}">\n'
        "<head>\n"
        "{% if this.title %}<title>{{ this.title|e }}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n",
    )


class GeomapMap(folium.Map):
    """A ``folium.Map`` that can inline its assets so it works offline.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`folium.Map`.
    self_contained : bool, default True
        Inline JavaScript and CSS from installed packages. With False, they are
        linked from a CDN, as folium does.
    """

    # Only what geomap draws needs: Leaflet, and plugins added per map (folium's
    # jQuery, Bootstrap and Font Awesome links are not needed).
    default_js = [("leaflet", ASSETS["leaflet"].cdn)]  # noqa: RUF012 (folium's own attribute)
    default_css = [("leaflet_css", ASSETS["leaflet_css"].cdn)]  # noqa: RUF012

    def __init__(
        self, *args: Any, self_contained: bool = True, basemap: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_js = list(type(self).default_js)
        self.default_css = list(type(self).default_css)
        self.self_contained = self_contained
        self.embedded = False
        #: The user's basemap archive (``basemap=``), written beside the map if too large.
        self.basemap: Any = basemap
        _Page().add_child(self)

    def use_asset(self, name: str) -> None:
        """Add a bundled JS or CSS asset (a key of ``geomap.map._assets.ASSETS``) to the page."""
        asset = ASSETS[name]
        target = self.default_js if asset.kind == "js" else self.default_css
        if all(n != name for n, _ in target):
            target.append((name, asset.cdn))

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render into the parent figure, then inline linked assets if self-contained."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.header.add_child(_Raw(style_tag(asset_text("geomap.css"))), name="geomap_css")
        super().render(**kwargs)
        figure.header.add_child(_Raw(script_tag(asset_text("geomap.js"))), name="geomap_js")
        if self.embedded:
            # No page-wide styles (folium sets html/body/#map to fill the window).
            figure.header._children[self.get_name()] = _Raw(
                f"<style>#{self.get_name()} "
                "{position:absolute;inset:0;width:100%;height:100%;}</style>"
            )
        if self.self_contained:
            _inline_links(figure, guard=self.embedded)

    def render_parts(self) -> tuple[str, str, str]:
        """Return the page's head, body and script, as :mod:`geomap.map.embed` needs them."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        figure.render()
        return figure.header.render(), figure.html.render(), figure.script.render()


def _inline_links(figure: Figure, *, guard: bool = False) -> None:
    """Swap CDN ``<script src>``/``<link>`` elements in the header for inline copies.

    With ``guard``, each script runs only once per page (for maps embedded side by side).
    """
    children = figure.header._children
    for name, child in list(children.items()):
        if isinstance(child, JavascriptLink | CssLink):
            asset = asset_for_url(child.url)
            if asset is None:
                log.warning(
                    "%s is not bundled with geomap; the map will need the network to load it",
                    child.url,
                )
                continue
            text = asset_text(asset.name)
            if asset.kind == "js":
                if guard:
                    text = _once(asset.name, text)
                children[name] = _Raw(script_tag(text))
            else:
                children[name] = _Raw(style_tag(text))


#: The page's record of the bundled scripts already run: an own property of ``window``
#: (a host element with ``id="__geomapAssets"`` is not one, so cannot stand in for it).
_ASSETS_RUN = (
    'Object.prototype.hasOwnProperty.call(window, "__geomapAssets") && '
    "window.__geomapAssets.geomap === true ? window.__geomapAssets : "
    "(window.__geomapAssets = {geomap: true})"
)


def _once(name: str, text: str) -> str:
    """Wrap a bundled script so that it runs once per page, however many maps embed it.

    The script stays at the top level (a library's ``var`` and ``this`` keep their meaning).
    """
    key = safe_json(name)
    return f"if (!({_ASSETS_RUN})[{key}]) {{\nwindow.__geomapAssets[{key}] = true;\n{text}\n}}"


class _App(MacroElement):
    """The whole map's data and configuration, built into Leaflet layers by geomap.js.

    Its script goes into the page as is: branca would otherwise parse it as a Jinja
    template, so a ``{{ ... }}`` in the data would be evaluated (and a large map's
    data tokenised, slowly).
    """

    #: Stands for the data while a large page is written piece by piece (see save_map).
    PLACEHOLDER = "\x00geomap-data\x00"

    def __init__(self, config: str) -> None:
        super().__init__()
        self._name = "GeomapApp"
        self.config = config
        self.deferred = False

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the map's data (a JSON data block) and script to the figure, untouched."""
        figure = self.get_root()
        assert isinstance(figure, Figure)
        # A JSON data block parses much faster than a script of the same size, and the
        # HTML parser never runs it. safe_json leaves no "<" in it to end it early.
        data = self.PLACEHOLDER if self.deferred else self.config
        block = f'<script type="application/json" id="{self.get_name()}">{data}</script>'
        figure.html.add_child(_Raw(block), name=self.get_name())
        parent = self._parent
        assert parent is not None
        script = (
            f"__geomap.app({parent.get_name()}, "
            f'JSON.parse(document.getElementById("{self.get_name()}").textContent));'
        )
        figure.script.add_child(_Raw(script), name=self.get_name())


def add_app(m: GeomapMap, config: Any) -> None:
    """Give the map its page configuration (any JSON-able object; made safe for the page)."""
    _App(safe_json(config)).add_to(m)
    page = m.get_root()
    if isinstance(page, Figure) and isinstance(config, dict) and config.get("title"):
        page.title = str(config["title"])
    locale = config.get("i18n") if isinstance(config, dict) else None
    if isinstance(page, _Page) and locale:
        page.lang, page.dir = str(locale["lang"]), str(locale["dir"])


def write_page(m: folium.Map, fh: IO[str]) -> None:
    """Write the map's whole page to ``fh``, streaming its data rather than copying it.

    The page is rendered around a placeholder for each map's data, which is then
    written in its place: a large map's data is never copied into one big string.
    """
    apps = [c for c in m._children.values() if isinstance(c, _App)]
    for app in apps:
        app.deferred = True
    try:
        text = m.get_root().render()
    finally:
        for app in apps:
            app.deferred = False
    pieces = text.split(_App.PLACEHOLDER)
    fh.write(pieces[0])
    for app, rest in zip(apps, pieces[1:], strict=True):
        fh.write(app.config)
        fh.write(rest)


def assets_available(names: Sequence[str]) -> bool:
    """Say whether every named asset is bundled (installed); log why not otherwise."""
    try:
        for n in names:
            asset_text(n)
    except AssetError as exc:
        log.warning("%s", exc)
        return False
    return True
