/* Key figures up to the slider's month; folds, and starts folded in a small map. */
import { el, show } from "../format.js";

function figures(s, cells) {
  const t = el("table");
  for (const r of s.rows) {
    const tr = el("tr", r.indent ? "geomap-indent" : null);
    tr.appendChild(el("th", null, r.label));
    const td = el("td");
    td.setAttribute("data-key", r.key);
    cells[r.key] = td;
    tr.appendChild(td);
    t.appendChild(tr);
  }
  return t;
}

/** Add the summary; returns the function that shows month k (null: all).
 * `live` (from the filters) replaces some rows' values ({values: {key: v}}), hides others
 * ({hidden: Set of keys}) and says why ({label}); without it every row shows month k's. */
export function summaryControl(map, s) {
  const ctl = L.control({ position: "bottomleft" });
  const cells = {};
  ctl.onAdd = () => {
    const div = el("div", "geomap-summary leaflet-control");
    const head = el("button", "geomap-summary-title", s.title);
    head.type = "button";
    div.appendChild(head);
    cells.when = el("div", "geomap-summary-when");
    div.appendChild(cells.when);
    const t = figures(s, cells);
    div.appendChild(t);
    const note = s.note ? el("div", "geomap-summary-note", s.note) : null;
    if (note) {
      div.appendChild(note);
    }
    const setOpen = (open) => {
      t.style.display = open ? "" : "none";
      if (note) {
        note.style.display = open ? "" : "none";
      }
      head.setAttribute("aria-expanded", open ? "true" : "false");
    };
    setOpen(map.getSize().y >= 560);
    head.addEventListener("click", () => setOpen(t.style.display === "none"));
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  ctl.addTo(map);
  return (k, live) => {
    const when = k === null ? "" : `Up to the end of ${s.months[k]}`;
    cells.when.textContent = [when, live?.label].filter(Boolean).join(" \u00b7 ");
    for (const r of s.rows) {
      const own = live && r.key in live.values;
      const v = own ? live.values[r.key] : r.values[k === null ? r.values.length - 1 : k];
      cells[r.key].textContent = show(v);
      cells[r.key].parentElement.style.display = live?.hidden.has(r.key) ? "none" : "";
    }
  };
}
