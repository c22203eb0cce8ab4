/* The print layout's own parts, hidden on screen (geomap.css, "Print and export"): a
 * complete legend of the layers on the map, and a north arrow. The browser's print, the
 * `geomap export` command and the "save image" button all show them. */
import { el } from "../format.js";
import { t } from "../i18n.js";
import { legendBox } from "./legend.js";

const SVG = "http://www.w3.org/2000/svg";

/** Run f whenever the map is about to be printed or saved as an image. */
export function onPrint(state, f) {
  if (!state.onPrint) {
    state.onPrint = [];
  }
  state.onPrint.push(f);
}

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  return e;
}

function northArrow(map) {
  const ctl = L.control({ position: "bottomright" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-north geomap-print-only leaflet-control");
    div.setAttribute("role", "img");
    div.setAttribute("aria-label", t("North is up"));
    const svg = svgEl("svg", { viewBox: "0 0 24 36", width: "24", height: "36" });
    svg.appendChild(svgEl("path", { d: "M12 2 L21 26 L12 20 L3 26 Z", fill: "#222" }));
    svg.appendChild(svgEl("path", { d: "M12 2 L12 20 L3 26 Z", fill: "#fff", stroke: "#222" }));
    const n = svgEl("text", { x: "12", y: "35", "text-anchor": "middle", "font-size": "10" });
    // TRANSLATORS: the letter on the north arrow.
    n.textContent = t("N");
    svg.appendChild(n);
    div.appendChild(svg);
    return div;
  };
  ctl.addTo(map);
}

function fillLegend(map, state, box) {
  box.replaceChildren(el("div", "geomap-print-legend-title", t("Legend")));
  for (const entry of state.entries) {
    if (!entry.layer || !map.hasLayer(entry.layer)) {
      continue;
    }
    const row = el("div", "geomap-print-legend-entry");
    row.setAttribute("data-layer", entry.key);
    row.appendChild(el("div", "geomap-print-legend-name", entry.name));
    if (entry.legend?.length) {
      row.appendChild(legendBox(entry.legend));
    }
    box.appendChild(row);
  }
}

function printLegend(map, state) {
  const ctl = L.control({ position: "topright" });
  let box = null;
  let queued = false;
  const refresh = () => {
    queued = false;
    if (box) {
      fillLegend(map, state, box);
    }
  };
  ctl.onAdd = () => {
    box = el("div", "geomap-print-legend geomap-print-only leaflet-control");
    refresh();
    return box;
  };
  ctl.addTo(map);
  // A layer switched on or off changes the legend (once per burst of layer events).
  const later = () => {
    if (!queued) {
      queued = true;
      setTimeout(refresh, 0);
    }
  };
  map.on("layeradd layerremove", later);
  onPrint(state, refresh);
}

/**
 * Add the print layout's legend and north arrow; make `state.preparePrint()` bring
 * them up to date (the browser's print calls it through `beforeprint`).
 */
export function printLayout(map, state) {
  printLegend(map, state);
  northArrow(map);
  state.preparePrint = () => {
    for (const f of state.onPrint || []) {
      f();
    }
    map.invalidateSize({ animate: false });
  };
  globalThis.addEventListener?.("beforeprint", state.preparePrint);
  globalThis.addEventListener?.("afterprint", () => map.invalidateSize({ animate: false }));
  // The print media applies after "beforeprint": size the map to the paper then too.
  globalThis
    .matchMedia?.("print")
    .addEventListener?.("change", () => map.invalidateSize({ animate: false }));
}
