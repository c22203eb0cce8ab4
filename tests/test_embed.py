"""Embedding: snippets that drop into someone else's page and keep to themselves."""

from __future__ import annotations

import html as htmllib

import pytest

import geomap
from geomap import GeomapError
from geomap.cli import main
from geomap.map import embed_html
from geomap.map.embed import FRAGMENT_GLOBALS

from .conftest import ROOT
from .conftest import SAMPLE

HOST = ROOT / "examples" / "embed" / "host-page.html"


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


def test_fragment_has_no_page_wide_styles(sample):
    m = geomap.render_map(sample["incidents"], sample["hazards"], tiles=None)
    frag = embed_html(m, "fragment", height="60vh")
    assert frag.startswith('<div class="geomap-embed"')
    assert "height:60vh" in frag
    assert "html, body" not in frag
    assert "<body" not in frag
    assert "<html" not in frag
    assert "<script src=" not in frag
    assert "__geomapAssets" in frag  # bundled libraries run once per page
    # The same map still renders as a full page afterwards.
    assert "html, body" in m.get_root().render()


def test_iframe_is_sandboxed_and_self_contained(sample):
    m = geomap.render_map(sample["incidents"], tiles=None)
    frame = embed_html(m, "iframe", height=400)
    assert frame.startswith("<iframe ")
    assert 'sandbox="allow-scripts allow-popups"' in frame
    assert "allow-same-origin" not in frame
    assert "height:400px" in frame
    inner = htmllib.unescape(frame.split('srcdoc="', 1)[1].rsplit('"', 1)[0])
    assert inner.startswith("<!DOCTYPE html>")
    assert "<script src=" not in inner


def test_bad_embed_options(sample):
    m = geomap.render_map(sample["incidents"], tiles=None)
    with pytest.raises(GeomapError, match="`kind` was 'popup'"):
        embed_html(m, "popup")
    with pytest.raises(GeomapError, match="CSS length"):
        embed_html(m, "iframe", height="tall; background:url(x)")


def test_cli_embed(tmp_path):
    out = tmp_path / "snippet.html"
    assert (
        main(["embed", str(SAMPLE), "--as", "fragment", "-o", str(out), "-q", "--tiles", "none"])
        == 0
    )
    assert out.read_text().startswith('<div class="geomap-embed"')


def host_page(tmp_path, first: str, second: str):
    page = HOST.read_text()
    page = page.replace("<!-- geomap:map-1 -->", first).replace("<!-- geomap:map-2 -->", second)
    path = tmp_path / "host.html"
    path.write_text(page)
    return path


@pytest.mark.browser
@pytest.mark.parametrize("second_kind", ["fragment", "iframe"])
def test_two_maps_in_a_host_page(browser, tmp_path, sample, second_kind):
    one = geomap.render_map(sample["incidents"], sample["hazards"], title="Map one")
    two = geomap.render_map(sample["incidents"], public=True, title="Map two (public)")
    path = host_page(
        tmp_path, embed_html(one, "fragment"), embed_html(two, second_kind, height="420px")
    )
    with browser.page(path, wait_for="window.geomapHostReady === true") as (page, report):
        page.wait_for_function("window.geomap && Object.keys(geomap.maps).length >= 1")
        fig1 = page.locator("#figure-1")
        assert fig1.locator("path.geomap-hazard").count() == 400
        assert fig1.locator("path.geomap-incident").count() == 125
        assert fig1.locator(".geomap-title").inner_text() == "Map one"
        if second_kind == "fragment":
            assert page.evaluate("Object.keys(geomap.maps).length") == 2
            # Each map has its own handle and state: map two (incidents only) has no hazards.
            states = page.evaluate(
                "Object.values(geomap.maps).map(s => "
                "[s.cfg.title, 'hazards' in s.layers, s.map.getContainer().closest('figure').id])"
            )
            assert states == [
                ["Map one", True, "figure-1"],
                ["Map two (public)", False, "figure-2"],
            ]
            fig2 = page.locator("#figure-2")
        else:
            frame = page.frame_locator("#figure-2 iframe")
            frame.locator(".geomap-title").wait_for()
            fig2 = frame
        assert fig2.locator(".geomap-title").inner_text() == "Map two (public)"
        assert fig2.locator("path.geomap-incident").count() > 0
        # Each map keeps to its own box and the page keeps working.
        assert page.evaluate("map") == "the host page's own variable"
        page.click("#clicker")
        page.click("#clicker")
        assert page.inner_text("#counter") == "2"
        # Toggling a layer in one map leaves the other alone (its panel starts folded in a
        # map 480 px high).
        fig1.locator(".geomap-panel-toggle").click()
        fig1.locator("[data-layer=hazards-active] input").click()
        assert fig1.locator("path.geomap-hazard").count() < 400
        assert fig2.locator("path.geomap-incident").count() > 0
        # In a 480 px map the summary starts folded, and opens on a click.
        table = fig1.locator(".geomap-summary table")
        assert not table.is_visible()
        fig1.locator(".geomap-summary-title").click()
        assert table.is_visible()
        box = page.locator("#figure-1 .geomap-embed").bounding_box()
        assert box["height"] == pytest.approx(480, abs=1)
        assert box["width"] > 600
        assert report.dialogs == []


def test_fragment_script_adds_no_folium_globals(sample):
    m = geomap.render_map(sample["incidents"], tiles=None)
    frag = embed_html(m, "fragment")
    script = frag.rsplit("<script>", 1)[1]
    assert script.lstrip().startswith("(function () {")  # map_<id> is a local
    assert "__geomap.app(" in script
    assert 'hasOwnProperty.call(window, "__geomapAssets")' in frag


#: Host pages that try to break a fragment: elements named like its globals (named
#: access makes `window.geomap` the element), and a page that has its own `geomap`.
HOSTILE_HOSTS = {
    "element-id-geomap": '<p id="geomap">a paragraph with id geomap</p>',
    "element-id-__geomap": '<div id="__geomap"></div><div id="__geomapAssets"></div>',
    "form-named-geomap": '<form name="geomap"><input name="app"></form>',
    "own-geomap-variable": '<script>var geomap = "the host page\'s own geomap";</script>',
}


@pytest.mark.browser
@pytest.mark.parametrize("host", list(HOSTILE_HOSTS))
def test_fragment_survives_a_hostile_host_page(browser, tmp_path, sample, host):
    m = geomap.render_map(sample["incidents"], sample["hazards"], title="Map one", tiles=None)
    page_html = HOST.read_text().replace("<body>", "<body>\n" + HOSTILE_HOSTS[host], 1)
    path = tmp_path / "host.html"
    path.write_text(
        page_html.replace("<!-- geomap:map-1 -->", embed_html(m, "fragment")).replace(
            "<!-- geomap:map-2 -->", ""
        )
    )
    ready = "window.__geomap && Object.keys(__geomap.maps).length === 1"
    with browser.page(path, wait_for=ready) as (page, _report):
        fig1 = page.locator("#figure-1")
        assert fig1.locator("path.geomap-hazard").count() == 400
        assert fig1.locator(".geomap-title").inner_text() == "Map one"
        if host == "own-geomap-variable":
            assert page.evaluate("geomap") == "the host page's own geomap"
        else:
            assert page.evaluate("window.geomap === window.__geomap")


@pytest.mark.browser
def test_fragment_adds_only_the_documented_globals(browser, tmp_path, sample):
    """Compare the host page's globals without and with two fragments."""
    one = geomap.render_map(sample["incidents"], sample["hazards"], tiles=None)
    two = geomap.render_map(sample["incidents"], public=True, tiles=None)
    bare = host_page(tmp_path, "", "")
    with browser.page(bare, wait_for="window.geomapHostReady === true") as (page, _report):
        before = set(page.evaluate("Object.keys(window)"))
    full = host_page(tmp_path, embed_html(one, "fragment"), embed_html(two, "fragment"))
    with browser.page(full, wait_for="window.geomapHostReady === true") as (page, _report):
        page.wait_for_function("Object.keys(__geomap.maps).length === 2")
        added = set(page.evaluate("Object.keys(window)")) - before
    assert not [g for g in added if g.startswith(("map_", "tile_layer_", "geomap_app_"))]
    assert added <= set(FRAGMENT_GLOBALS), sorted(added - set(FRAGMENT_GLOBALS))
    assert {"__geomap", "geomap", "__geomapAssets", "L"} <= added
