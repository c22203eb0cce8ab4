"""Layout on every screen: a phone, a tablet, a laptop and a 420 px embed, in Chromium.

Every control on the map is found by what it is (a Leaflet control in one of the map's
corners, or a geomap box laid on the map), never from a list: whatever controls a map has,
no two may overlap, folded or open.
"""

from __future__ import annotations

import pytest

import geomap
from geomap.map import embed_html

from .conftest import FIRST_MAP
from .conftest import MAPS_READY
from .conftest import ROOT
from .conftest import SAMPLE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1366, "height": 768}
SIZES = {"phone": PHONE, "tablet": TABLET, "laptop": LAPTOP}
HOST = ROOT / "examples" / "embed" / "host-page.html"

#: Every visible control of every map on the page (or frame), in the map's coordinates.
CONTROLS = """() => {
    const out = [];
    for (const box of document.querySelectorAll(".folium-map.leaflet-container")) {
        const o = box.getBoundingClientRect();
        const els = [
            ...box.querySelectorAll(":scope > .leaflet-control-container > div > .leaflet-control"),
            ...Array.from(box.children).filter(e => /(^| )geomap-/.test(e.className)
                && e.tagName !== "DIALOG" && getComputedStyle(e).position === "absolute"),
        ];
        for (const e of els) {
            const r = e.getBoundingClientRect();
            const s = getComputedStyle(e);
            if (r.width === 0 || r.height === 0 || s.visibility === "hidden") continue;
            out.push({
                map: box.id, name: (e.className.baseVal ?? e.className).trim(),
                left: r.left - o.left, top: r.top - o.top,
                right: r.right - o.left, bottom: r.bottom - o.top,
                w: o.width, h: o.height,
            });
        }
    }
    return out;
}"""

#: Resolves once the layout has run (two frames) and no pan is under way.
SETTLE = """async () => {
    const frame = () => new Promise(r => requestAnimationFrame(() => r()));
    for (let k = 0; k < 200; k++) {
        await frame();
        const busy = Object.values(geomap.maps).some(s =>
            (s.map._panAnim && s.map._panAnim._inProgress) || s.map._animatingZoom);
        if (!busy && k >= 2) return;
    }
}"""


def settle(page) -> None:
    page.evaluate(SETTLE)


def overlaps(boxes: list[dict]) -> list[str]:
    """Pairs of controls of one map whose boxes intersect, and controls outside their map."""
    bad = []
    for k, a in enumerate(boxes):
        if a["left"] < -0.5 or a["top"] < -0.5 or a["right"] > a["w"] + 0.5:
            bad.append(f"{a['name']} is outside its map: {a}")
        if a["bottom"] > a["h"] + 0.5:
            bad.append(f"{a['name']} is outside its map: {a}")
        for b in boxes[k + 1 :]:
            if a["map"] != b["map"]:
                continue
            if (
                a["left"] < b["right"]
                and b["left"] < a["right"]
                and a["top"] < b["bottom"]
                and b["top"] < a["bottom"]
            ):
                bad.append(f"{a['name']} overlaps {b['name']}")
    return bad


PANELS = ".leaflet-control-container button[aria-controls]:visible"


def open_every_panel(page_or_frame) -> int:
    """Open every foldable panel (a button that controls a part of its control), one at a
    time, as a person would; each time, no two controls overlap. Return how many."""
    buttons = page_or_frame.locator(PANELS)
    n = buttons.count()
    for k in range(n):
        button = buttons.nth(k)
        if button.get_attribute("aria-expanded") == "false":
            button.click()
        assert button.get_attribute("aria-expanded") == "true"
        part = button.get_attribute("aria-controls")
        assert page_or_frame.locator(f"[id='{part}']").is_visible()
        settle(page_or_frame)
        assert overlaps(page_or_frame.evaluate(CONTROLS)) == []
    return n


def open_panels(page_or_frame) -> list[str]:
    """The classes of the panels open now."""
    return page_or_frame.locator(
        ".leaflet-control-container button[aria-controls][aria-expanded=true]"
    ).evaluate_all("bs => bs.map(b => b.className)")


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


def data_in_view(page_or_frame, bounds) -> bool:
    """The map's view holds the data's bounds ([[s, w], [n, e]]) and is not zoomed out."""
    return page_or_frame.evaluate(
        f"b => {FIRST_MAP}.map.getBounds().contains(L.latLngBounds(b)) && "
        f"{FIRST_MAP}.map.getZoom() >= 6",
        bounds,
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_no_two_controls_overlap(browser, sample_page, sample, size):
    viewport = SIZES[size]
    with browser.page(sample_page, viewport=viewport) as (page, _report):
        settle(page)
        boxes = page.evaluate(CONTROLS)
        names = " ".join(b["name"] for b in boxes)
        for part in ("geomap-title", "geomap-search", "geomap-panel", "geomap-summary"):
            assert part in names
        assert len(boxes) >= 10
        assert overlaps(boxes) == []
        panel = page.locator(".geomap-panel-body")
        summary = page.locator(".geomap-summary-body")
        # Panels start folded where they would cover the map; their buttons stay in reach.
        assert panel.is_visible() == (size == "laptop")
        assert summary.is_visible() == (size != "phone")
        assert page.locator(".geomap-panel-toggle").is_visible()
        assert page.locator(".geomap-summary-title").is_visible()
        # All the data are in view at the start.
        incidents = sample["incidents"].kept.total_bounds
        hazards = sample["hazards"].kept.total_bounds
        w, s = min(incidents[0], hazards[0]), min(incidents[1], hazards[1])
        e, n = max(incidents[2], hazards[2]), max(incidents[3], hazards[3])
        assert data_in_view(page, [[s, w], [n, e]])
        # Opened, every panel still keeps clear of the others, inside the map; on a phone
        # one at a time (opening one folds the others).
        assert open_every_panel(page) >= 2
        if size == "phone":
            assert len(open_panels(page)) == 1
        if not panel.is_visible():
            page.locator(".geomap-panel-toggle").click()
        settle(page)
        assert panel.is_visible()
        assert overlaps(page.evaluate(CONTROLS)) == []
        # And the legend scrolls inside the map, however tall the page.
        height = page.evaluate(f"{FIRST_MAP}.map.getContainer().clientHeight")
        assert panel.bounding_box()["y"] + panel.bounding_box()["height"] <= height


def test_user_choice_is_kept_and_a_resize_relays_out(browser, sample_page):
    with browser.page(sample_page, viewport=LAPTOP) as (page, _report):
        toggle = page.locator(".geomap-panel-toggle")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.set_viewport_size(PHONE)
        page.wait_for_function(
            "document.querySelector('.geomap-panel-toggle').ariaExpanded === 'false'"
        )
        settle(page)
        assert overlaps(page.evaluate(CONTROLS)) == []
        toggle.click()  # the user opens it: it stays open whatever the size
        page.set_viewport_size({"width": 380, "height": 700})
        settle(page)
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator(".geomap-panel-body").is_visible()
        assert overlaps(page.evaluate(CONTROLS)) == []


def test_popup_opens_clear_of_the_controls(browser, sample_page):
    """On a phone, the popup of the incident nearest the top opens where it can be read."""
    with browser.page(sample_page, viewport=PHONE) as (page, _report):
        settle(page)
        # An incident brought under the title (as a person panning the map would), clicked.
        page.evaluate(
            f"""() => {{
            const s = {FIRST_MAP};
            const title = document.querySelector(".geomap-title").getBoundingClientRect();
            const at = L.point(title.left + title.width / 2, title.top + title.height / 2);
            const m = s.layers.incidents.group.getLayers()[0];
            const by = s.map.latLngToContainerPoint(m.getLatLng()).subtract(at);
            s.map.panBy(by, {{animate: false}});
            m.fire("click", {{latlng: m.getLatLng()}});
        }}"""
        )
        popup = page.locator(".leaflet-popup")
        popup.wait_for()
        settle(page)
        box = popup.bounding_box()
        size = page.viewport_size
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= size["height"]
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= size["width"]
        for c in page.evaluate(CONTROLS):
            apart = (
                box["x"] >= c["right"]
                or c["left"] >= box["x"] + box["width"]
                or box["y"] >= c["bottom"]
                or c["top"] >= box["y"] + box["height"]
            )
            assert apart, f"the popup sits under {c['name']}"
        assert "Incident id" in popup.inner_text()


def host_with(tmp_path, snippet: str, *, hidden_ms: int | None = None, name="host.html"):
    """The example host page with the snippet as figure 1; hidden for a while if asked."""
    page = HOST.read_text().replace("<!-- geomap:map-1 -->", snippet)
    page = page.replace("<!-- geomap:map-2 -->", "")
    if hidden_ms is not None:
        # A tab or an accordion that opens later: the map is made with no size at all.
        page = page.replace('<figure id="figure-1">', '<figure id="figure-1" hidden>', 1)
        page = page.replace(
            "geomapHostReady = true;",
            "setTimeout(function () { document.getElementById('figure-1').hidden = false; }, "
            f"{hidden_ms});\n    geomapHostReady = true;",
        )
    path = tmp_path / name
    path.write_text(page)
    return path


@pytest.fixture(scope="module")
def small_embed(sample):
    m = geomap.render_map(sample["incidents"], sample["hazards"], title="Embedded", tiles=None)
    k = sample["incidents"].kept.total_bounds
    h = sample["hazards"].kept.total_bounds
    bounds = [[min(k[1], h[1]), min(k[0], h[0])], [max(k[3], h[3]), max(k[2], h[2])]]
    return m, bounds


def frame_of(page):
    page.frame_locator("#figure-1 iframe").locator(".geomap-title").wait_for()
    frame = next(f for f in page.frames if f is not page.main_frame)
    frame.wait_for_function(MAPS_READY)
    return frame


@pytest.mark.parametrize("kind", ["iframe", "fragment"])
def test_420px_embed_layout(browser, tmp_path, small_embed, kind):
    m, _bounds = small_embed
    path = host_with(tmp_path, embed_html(m, kind, height="420px"))
    viewport = {"width": 1000, "height": 900}
    with browser.page(path, viewport=viewport, wait_for="window.geomapHostReady === true") as (
        page,
        _report,
    ):
        where = frame_of(page) if kind == "iframe" else page
        where.wait_for_function(MAPS_READY)
        settle(where)
        assert overlaps(where.evaluate(CONTROLS)) == []
        assert not where.locator(".geomap-panel-body").is_visible()
        assert not where.locator(".geomap-summary-body").is_visible()
        assert open_every_panel(where) >= 2
        assert len(open_panels(where)) == 1  # a short map: one at a time
        toggle = where.locator(".geomap-panel-toggle")
        if toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
        settle(where)
        assert overlaps(where.evaluate(CONTROLS)) == []
        # 60 % of this 900 px window would be taller than the whole 420 px map.
        body = where.evaluate(
            "() => { const b = document.querySelector('.geomap-panel-body')"
            ".getBoundingClientRect();"
            " const m = document.querySelector('.folium-map').getBoundingClientRect();"
            " return [b.bottom - m.top, m.height]; }"
        )
        assert body[1] == pytest.approx(420, abs=1)
        assert body[0] <= body[1]


def test_iframe_embed_always_opens_on_its_data(browser, tmp_path, small_embed):
    """20 loads, half of them in a figure that is shown only after the map was made."""
    m, bounds = small_embed
    snippet = embed_html(m, "iframe", height="420px")
    paths = [
        host_with(tmp_path, snippet, hidden_ms=None if k % 2 == 0 else 40 * k, name=f"h{k}.html")
        for k in range(20)
    ]
    for path in paths:
        with browser.page(path, wait_for="window.geomapHostReady === true", axe=False) as (
            page,
            _report,
        ):
            page.locator("#figure-1").wait_for(state="visible")
            frame = frame_of(page)
            frame.wait_for_function(
                f"b => {FIRST_MAP}.map.getBounds().contains(L.latLngBounds(b))",
                arg=bounds,
                timeout=20_000,
            )
            assert data_in_view(frame, bounds), path.name


def test_hidden_fragment_fits_its_data_when_shown(browser, tmp_path, small_embed):
    m, bounds = small_embed
    path = host_with(tmp_path, embed_html(m, "fragment", height="420px"), hidden_ms=300)
    with browser.page(path, wait_for="window.geomapHostReady === true") as (page, _report):
        page.wait_for_function(MAPS_READY)
        assert page.evaluate(f"{FIRST_MAP}.map.getContainer().clientHeight") in (0, 420)
        page.locator("#figure-1").wait_for(state="visible")
        page.wait_for_function(
            f"b => {FIRST_MAP}.map.getBounds().contains(L.latLngBounds(b))", arg=bounds
        )
        assert data_in_view(page, bounds)
        settle(page)
        assert overlaps(page.evaluate(CONTROLS)) == []


def test_refit_stops_once_the_user_moves_the_map(browser, tmp_path, small_embed):
    m, bounds = small_embed
    path = tmp_path / "full.html"
    geomap.save_map(m, path)
    with browser.page(path, viewport=LAPTOP) as (page, _report):
        page.evaluate(f"{FIRST_MAP}.map.setView([39.8, 47.0], 13)")  # as a search would
        page.set_viewport_size(TABLET)
        settle(page)
        assert page.evaluate(f"{FIRST_MAP}.map.getZoom()") == 13
        assert not data_in_view(page, bounds)
