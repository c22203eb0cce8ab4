/* Honest notices, bottom left and always shown: the data's own notice (e.g. that they are
 * synthetic), how many input rows were rejected and which file lists them, and the
 * disclaimer. The print layout adds the date printed and the data source. */
import { el } from "../format.js";
import { onPrint } from "./print.js";

/** "3 input rows were rejected and are not drawn (listed in map-rejects.csv)". */
export function rejectedText(n) {
  const rows =
    n.rejected === 1 ? "1 input row was" : `${n.rejected.toLocaleString("en-US")} input rows were`;
  const where = n.rejectsFile ? ` (listed in ${n.rejectsFile})` : "";
  return `${rows} rejected and not drawn${where}`;
}

/** "Printed 2026-11-29 · Data: karabakh-sample.gpkg", for the print footer. */
function printedText(n, state) {
  const parts = [`Printed ${new Date().toISOString().slice(0, 10)}`];
  if (state.month !== null && state.month !== undefined && state.cfg.timeline) {
    parts.push(`showing up to ${state.cfg.timeline.months[state.month]}`);
  }
  if (n.source) {
    parts.push(`Data: ${n.source}`);
  }
  return parts.join(" \u00b7 ");
}

export function noticesControl(map, state, cfg) {
  const n = cfg.notices;
  if (!n) {
    return;
  }
  const ctl = L.control({ position: "bottomleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-notices leaflet-control");
    div.setAttribute("role", "note");
    if (n.notice) {
      div.appendChild(el("div", "geomap-notice", n.notice));
    }
    if (n.rejected) {
      div.appendChild(el("div", "geomap-rejected", rejectedText(n)));
    }
    const printed = el("div", "geomap-printed geomap-print-only", printedText(n, state));
    div.appendChild(printed);
    div.appendChild(el("div", "geomap-disclaimer", n.disclaimer));
    // The date and the slider's month are those of the moment the map is printed.
    onPrint(state, () => {
      printed.textContent = printedText(n, state);
    });
    return div;
  };
  ctl.addTo(map);
}
