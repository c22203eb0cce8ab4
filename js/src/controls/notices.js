/* Honest notices, bottom left and always shown: the data's own notice (e.g. that they are
 * synthetic), how many input rows were rejected and which file lists them, and the
 * disclaimer. The print layout adds the date printed and the data source. */
import { el, period } from "../format.js";
import { date, num, t } from "../i18n.js";
import { onPrint } from "./print.js";

/** "Input rows rejected and not drawn: 3 (listed in map-rejects.csv)". */
export function rejectedText(n) {
  const values = { n: num(n.rejected), file: n.rejectsFile };
  return n.rejectsFile
    ? t("Input rows rejected and not drawn: {n} (listed in {file})", values)
    : t("Input rows rejected and not drawn: {n}", values);
}

/** "Printed November 29, 2026 · Data: karabakh-sample.gpkg", for the print footer. */
function printedText(n, state) {
  const parts = [t("Printed {date}", { date: date(new Date()) })];
  if (state.month !== null && state.month !== undefined && state.cfg.timeline) {
    parts.push(
      t("showing up to {month}", { month: period(state.cfg.timeline.months[state.month]) }),
    );
  }
  if (n.source) {
    parts.push(t("Data: {source}", { source: n.source }));
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
