/* The features in view as tables: the accessible alternative to the map. A button opens a
 * dialog listing the incidents and hazard areas the map shows now (its layers switched on,
 * the slider's month, inside the view), with their popup fields. Text only, via textContent. */
import { el, show, shownValue } from "../format.js";
import { num, t } from "../i18n.js";

/** At most this many rows per table (the caption says when there are more). */
const MAX_ROWS = 1000;

/** Incidents drawn now and inside the view. */
function incidentRows(map, layer) {
  if (!map.hasLayer(layer.group)) {
    return [];
  }
  const view = map.getBounds();
  return layer.visible.filter((i) => view.contains([layer.lat(i), layer.lng(i)]));
}

/** Hazard areas drawn now (active or released, as the panel shows them) inside the view. */
function hazardRows(map, layer) {
  const view = map.getBounds();
  const rows = [];
  for (let i = 0; i < layer.spec.n; i++) {
    const s = layer.shapes[i];
    if (s && map.hasLayer(s) && view.intersects(s.getBounds())) {
      rows.push(i);
    }
  }
  return rows;
}

function dataTable(title, layer, rows) {
  const spec = layer.spec;
  const fields = spec.popup?.length ? spec.popup : ["id"];
  const table = el("table", "geomap-table");
  const values = { layer: title, n: num(rows.length), shown: num(MAX_ROWS) };
  const caption =
    rows.length > MAX_ROWS
      ? t("{layer} in view: {n}, the first {shown} shown", values)
      : t("{layer} in view: {n}", values);
  table.appendChild(el("caption", null, caption));
  const head = el("tr");
  for (const f of fields) {
    const th = el("th", null, spec.labels?.[f] || f);
    th.scope = "col";
    head.appendChild(th);
  }
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  for (const i of rows.slice(0, MAX_ROWS)) {
    const tr = el("tr");
    for (const f of fields) {
      tr.appendChild(el("td", null, show(shownValue(layer.get, spec.valueLabels, f, i), true)));
    }
    body.appendChild(tr);
  }
  return table;
}

/** The dialog's tables for what the map shows now. */
export function tablesInView(map, state) {
  const out = [];
  const inc = state.layers.incidents;
  const haz = state.layers.hazards;
  if (haz) {
    out.push(dataTable(haz.spec.group || t("Hazard areas"), haz, hazardRows(map, haz)));
  }
  if (inc) {
    out.push(dataTable(inc.spec.name || t("Incidents"), inc, incidentRows(map, inc)));
  }
  return out;
}

function dialog(map, state, opener) {
  const dlg = el("dialog", "geomap-table-dialog");
  const title = el("h2", "geomap-table-title", t("Features in view"));
  title.id = `${state.id}-table-title`;
  dlg.setAttribute("aria-labelledby", title.id);
  const close = el("button", "geomap-table-close", t("Close"));
  close.type = "button";
  close.addEventListener("click", () => dlg.close());
  const head = el("div", "geomap-table-head");
  head.appendChild(title);
  head.appendChild(close);
  const body = el("div", "geomap-table-body");
  // A scrolling region is reached by keyboard too.
  body.tabIndex = 0;
  body.setAttribute("role", "region");
  body.setAttribute("aria-labelledby", title.id);
  dlg.appendChild(head);
  dlg.appendChild(body);
  dlg.addEventListener("close", () => opener.focus());
  L.DomEvent.disableClickPropagation(dlg);
  L.DomEvent.disableScrollPropagation(dlg);
  map.getContainer().appendChild(dlg);
  return { dlg, body };
}

/** The button (for the layer panel's head) that opens the table of features in view. */
export function tableButton(map, state) {
  const button = el("button", "geomap-table-open", t("Table"));
  button.type = "button";
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-label", t("Table of the incidents and hazard areas in view"));
  let d = null;
  button.addEventListener("click", () => {
    d = d || dialog(map, state, button);
    d.body.replaceChildren(...tablesInView(map, state));
    d.dlg.showModal();
  });
  return button;
}
