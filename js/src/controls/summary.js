/* Key figures up to the slider's month; folds, and starts folded in a small map. */
import { el, period, show } from "../format.js";
import { t } from "../i18n.js";
import { foldable, NARROW, opensFrom } from "../layout.js";

function figures(s, cells) {
  const tbl = el("table");
  for (const r of s.rows) {
    const tr = el("tr", r.indent ? "geomap-indent" : null);
    tr.appendChild(el("th", null, r.label));
    const td = el("td");
    td.setAttribute("data-key", r.key);
    cells[r.key] = td;
    tr.appendChild(td);
    tbl.appendChild(tr);
  }
  return tbl;
}

/** Add the summary (`id`: the map's); returns the function that shows month k (null: all).
 * `live` (from the filters) replaces some rows' values ({values: {key: v}}), hides others
 * ({hidden: Set of keys}) and says why ({label}); without it every row shows month k's. */
export function summaryControl(map, s, id) {
  const ctl = L.control({ position: "bottomleft" });
  const cells = {};
  ctl.onAdd = () => {
    const div = el("div", "geomap-summary leaflet-control");
    div.setAttribute("role", "region");
    div.setAttribute("aria-label", s.title);
    const head = el("button", "geomap-summary-title", s.title);
    head.type = "button";
    div.appendChild(head);
    cells.when = el("div", "geomap-summary-when");
    div.appendChild(cells.when);
    const body = el("div", "geomap-summary-body geomap-scroll");
    body.id = `${id}-summary`;
    body.tabIndex = 0; // it scrolls in a small map: reachable by keyboard
    head.setAttribute("aria-controls", body.id);
    body.appendChild(figures(s, cells));
    if (s.note) {
      body.appendChild(el("div", "geomap-summary-note", s.note));
    }
    div.appendChild(body);
    foldable(map, { control: div, button: head, parts: [body], opensAt: opensFrom(NARROW, 560) });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
  return (k, live) => {
    const when = k === null ? "" : t("Up to the end of {month}", { month: period(s.months[k]) });
    cells.when.textContent = [when, live?.label].filter(Boolean).join(" \u00b7 ");
    for (const r of s.rows) {
      const own = live && r.key in live.values;
      const v = own ? live.values[r.key] : r.values[k === null ? r.values.length - 1 : k];
      cells[r.key].textContent = show(v);
      cells[r.key].parentElement.style.display = live?.hidden.has(r.key) ? "none" : "";
    }
  };
}
