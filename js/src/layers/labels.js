/* Place labels: the most important places named on the map, more as it is zoomed in,
 * never two labels overlapping (a greedy declutter in the order the spec gives). */
import { el } from "../format.js";

function labelMarker(latlng, text, lb) {
  const icon = L.divIcon({ className: "geomap-place-label", iconSize: null, iconAnchor: [-5, 8] });
  const m = L.marker(latlng, { icon, interactive: false, keyboard: false, zIndexOffset: 1000 });
  m.on("add", () => {
    const e = m.getElement();
    if (e) {
      e.replaceChildren(el("span", null, text));
      e.style.fontSize = `${lb.font}px`;
      e.style.color = lb.color;
    }
  });
  return m;
}

function overlaps(a, boxes) {
  return boxes.some((b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]);
}

/** Label a points layer's places (`layer.at` lat/lng getters, `layer.get.name`) in its group. */
export function placeLabels(map, layer) {
  const lb = layer.spec.placeLabels;
  const names = layer.get.name;
  if (!lb || !names) {
    return;
  }
  const markers = new Map();
  let z0 = null;
  const update = () => {
    if (!map._loaded) {
      return;
    }
    const z = map.getZoom();
    if (z0 === null) {
      z0 = z;
    }
    const cap = lb.always + lb.perZoom * Math.max(0, Math.round(z - z0));
    const size = map.getSize();
    const boxes = [];
    const shown = new Set();
    for (const i of lb.order.slice(0, cap)) {
      const text = names(i);
      if (text === null || text === "") {
        continue;
      }
      const p = map.latLngToContainerPoint([layer.at.lat(i), layer.at.lng(i)]);
      const w = 0.6 * lb.font * String(text).length + 8;
      const box = [p.x + 4, p.y - lb.font, p.x + 4 + w, p.y + lb.font * 0.6];
      const inView = p.x > -w && p.y > -20 && p.x < size.x + 20 && p.y < size.y + 20;
      if (inView && !overlaps(box, boxes)) {
        boxes.push(box);
        shown.add(i);
      }
    }
    for (const [i, m] of markers) {
      if (!shown.has(i)) {
        layer.group.removeLayer(m);
        markers.delete(i);
      }
    }
    for (const i of shown) {
      if (!markers.has(i)) {
        const m = labelMarker([layer.at.lat(i), layer.at.lng(i)], names(i), lb);
        markers.set(i, m);
        layer.group.addLayer(m);
      }
    }
  };
  map.on("zoomend moveend", update);
  map.whenReady(update);
}
