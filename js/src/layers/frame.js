/* The built-in frame: land, country borders and coasts, district outlines and GeoNames
 * places, with labels (set with textContent), drawn under the data where the basemap's
 * tiles cannot load. Labels that would overlap one drawn before them are hidden
 * (districts first, then places, largest first, then countries). */
import { getter, points, polygons } from "../decode.js";
import { el } from "../format.js";

const PANE = "geomap-frame";
const LABEL_PANE = "geomap-frame-labels";

function panes(map) {
  if (!map.getPane(PANE)) {
    // Above the tiles (200), under the choropleths (350) and the data (400).
    map.createPane(PANE).style.zIndex = 250;
    const labels = map.createPane(LABEL_PANE);
    labels.style.zIndex = 450;
    labels.style.pointerEvents = "none";
  }
}

/** Label markers at a FrameLabels' points (text in a span, set with textContent). */
function labelMarkers(labels, cls) {
  if (!labels?.n) {
    return [];
  }
  const at = points(labels);
  const text = getter(labels.text);
  const out = [];
  for (let i = 0; i < labels.n; i++) {
    const span = el("span", "geomap-frame-text", text(i));
    const icon = L.divIcon({ className: `geomap-frame-label ${cls}`, html: span, iconSize: null });
    out.push(
      L.marker([at.lat(i), at.lng(i)], {
        icon,
        pane: LABEL_PANE,
        interactive: false,
        keyboard: false,
      }),
    );
  }
  return out;
}

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Hide each label that overlaps one shown before it (the markers are in priority order). */
export function declutter(markers) {
  const shown = [];
  for (const m of markers) {
    const text = m.getElement()?.firstChild;
    if (!text) {
      continue;
    }
    text.style.visibility = "";
    const box = text.getBoundingClientRect();
    const hit = shown.some((s) => overlaps(box, s));
    text.style.visibility = hit ? "hidden" : "";
    if (!hit) {
      shown.push(box);
    }
  }
}

export class FrameLayer {
  constructor(map, spec, state) {
    panes(map);
    this.spec = spec;
    const st = spec.style;
    const base = { pane: PANE, interactive: false };
    const group = L.layerGroup([], { attribution: spec.attribution });
    for (const rings of polygons(spec.land)) {
      group.addLayer(L.polygon(rings, { ...st.land, ...base }));
    }
    const borders = spec.borders.map((line) => line.map(([x, y]) => [y, x]));
    group.addLayer(L.polyline(borders, { ...st.border, ...base }));
    const districts = state.layers[spec.districtLayer];
    for (const rings of districts?.latlngs || []) {
      group.addLayer(L.polygon(rings, { ...st.district, ...base }));
    }
    const at = points(spec.places);
    for (let i = 0; i < spec.places.n; i++) {
      group.addLayer(L.circleMarker([at.lat(i), at.lng(i)], { ...st.place, ...base }));
    }
    this.labels = [
      ...labelMarkers(spec.districts, "geomap-label-district"),
      ...labelMarkers(spec.places, "geomap-label-place"),
      ...labelMarkers(spec.countries, "geomap-label-country"),
    ];
    for (const m of this.labels) {
      group.addLayer(m);
    }
    const tidy = () => declutter(this.labels);
    group.on("add", () => {
      map.getContainer().style.background = st.water;
      map.getContainer().classList.add("geomap-frame-on");
      map.on("zoomend", tidy);
      tidy();
    });
    group.on("remove", () => {
      map.getContainer().style.background = "";
      map.getContainer().classList.remove("geomap-frame-on");
      map.off("zoomend", tidy);
    });
    this.group = group;
  }
}
