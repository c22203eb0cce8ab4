"""Between a map's coordinates and the page's pixels, by Leaflet's own projection (for the
browser tests that click or hover known places: test_coords, test_measure)."""

from __future__ import annotations

from typing import Any

from .conftest import FIRST_MAP


def page_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is on the page, in CSS pixels."""
    x, y = page.evaluate(
        f"""([lat, lon]) => {{
        const m = {FIRST_MAP}.map;
        const p = m.latLngToContainerPoint([lat, lon]);
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }}""",
        [lat, lon],
    )
    return x, y


def latlon_at(page: Any, x: float, y: float) -> tuple[float, float]:
    """The (lat, lon) at page pixel (x, y)."""
    lat, lon = page.evaluate(
        f"""([x, y]) => {{
        const m = {FIRST_MAP}.map;
        const r = m.getContainer().getBoundingClientRect();
        const ll = m.containerPointToLatLng([x - r.left, y - r.top]);
        return [ll.lat, ll.lng];
    }}""",
        [x, y],
    )
    return lat, lon


def set_view(page: Any, lat: float, lon: float, zoom: int) -> None:
    """Centre the first map on (lat, lon) at `zoom`, with no animation."""
    page.evaluate(
        f"([lat, lon, z]) => {FIRST_MAP}.map.setView([lat, lon], z, {{animate: false}})",
        [lat, lon, zoom],
    )


def centre_of(page: Any) -> tuple[float, float]:
    """The first map's centre, (lat, lon)."""
    lat, lon = page.evaluate(
        f"() => {{ const c = {FIRST_MAP}.map.getCenter(); return [c.lat, c.lng]; }}"
    )
    return lat, lon
