/* The filter panel: victim category, device category, incident type (ticked values, with
 * counts) and the incidents' date range. The layers, the heat map, the layer panel's counts,
 * the summary and the search follow it, together with the time slider (a row is drawn when
 * both keep it). Hazard areas follow the device category only. The row tests and figures
 * are pure functions in ../filter.js. */
import { getter, timeArray } from "../decode.js";
import { areaFigures, dayNumber, incidentFigures, rowTest } from "../filter.js";
import { el } from "../format.js";
import { num, t } from "../i18n.js";

/* A count of a layer's rows, plural-free: "incidents: 44". */
const COUNTS = {
  incidents: (n) => t("incidents: {n}", { n }),
  hazards: (n) => t("areas: {n}", { n }),
};

/** "civilian (88)", or with two layers "AP mine (incidents: 44, areas: 110)". */
export function filterValueText(v) {
  const counts = Object.entries(v.counts);
  const value = v.label ?? v.value; // the label in the page's language, made in Python
  if (counts.length === 1) {
    return `${value} (${num(counts[0][1])})`;
  }
  const parts = counts.map(([layer, n]) =>
    COUNTS[layer] ? COUNTS[layer](num(n)) : `${layer}: ${num(n)}`,
  );
  // TRANSLATORS: between the counts of a filter value, "incidents: 44, areas: 110".
  const comma = t(", ");
  return `${value} (${parts.join(comma)})`;
}

/* A fieldset of checkboxes; read() is the set of values ticked, or null when all are. */
function categoryBox(f, onChange) {
  const box = el("fieldset", "geomap-filter-group");
  box.setAttribute("data-filter", f.field);
  box.appendChild(el("legend", null, f.label));
  const inputs = f.values.map((v) => {
    const lab = el("label", "geomap-row");
    const input = el("input");
    input.type = "checkbox";
    input.checked = true;
    input.value = v.value;
    input.addEventListener("change", onChange);
    lab.appendChild(input);
    lab.appendChild(el("span", null, filterValueText(v)));
    box.appendChild(lab);
    return input;
  });
  const read = () => {
    const on = inputs.filter((i) => i.checked).map((i) => i.value);
    return on.length === inputs.length ? null : new Set(on);
  };
  const reset = () => {
    for (const i of inputs) {
      i.checked = true;
    }
  };
  return { box, read, reset };
}

function dateInput(label, d, value, onChange) {
  const lab = el("label", "geomap-row");
  lab.appendChild(el("span", null, label));
  const input = el("input");
  input.type = "date";
  input.min = d.min;
  input.max = d.max;
  input.value = value;
  input.addEventListener("change", onChange);
  lab.appendChild(input);
  return { lab, input };
}

/* The date range; read() is {from, to, undated} (from/to null at the data's own ends). */
function dateBox(d, onChange) {
  const box = el("fieldset", "geomap-filter-group");
  box.setAttribute("data-filter", "date");
  box.appendChild(el("legend", null, t("Incident date")));
  const from = dateInput(t("From"), d, d.min, onChange);
  const to = dateInput(t("To"), d, d.max, onChange);
  box.appendChild(from.lab);
  box.appendChild(to.lab);
  let undated = null;
  if (d.undated) {
    const lab = el("label", "geomap-row");
    undated = el("input");
    undated.type = "checkbox";
    undated.checked = true;
    undated.addEventListener("change", onChange);
    lab.appendChild(undated);
    lab.appendChild(el("span", null, t("No date ({n})", { n: num(d.undated) })));
    box.appendChild(lab);
  }
  const lo = dayNumber(d.min);
  const hi = dayNumber(d.max);
  const read = () => {
    const a = dayNumber(from.input.value);
    const b = dayNumber(to.input.value);
    return {
      from: a !== null && a > lo ? a : null,
      to: b !== null && b < hi ? b : null,
      undated: undated === null || undated.checked,
    };
  };
  const reset = () => {
    from.input.value = d.min;
    to.input.value = d.max;
    if (undated) {
      undated.checked = true;
    }
  };
  return { box, read, reset };
}

/* Per layer, a getter of each filtered field (the layer's own column, or one of ours). */
function fieldGetters(state, cfg) {
  const out = {};
  for (const f of cfg.fields) {
    for (const [key, c] of Object.entries(f.cols)) {
      const layer = state.layers[key];
      if (layer) {
        out[key] = out[key] || {};
        out[key][f.field] = typeof c === "string" ? layer.get[c] || (() => null) : getter(c);
      }
    }
  }
  return out;
}

/* The summary's rows as the filters change them: incident figures over the incidents drawn,
 * areas over the device categories kept. Rows whose every value is unknown keep a dash. */
function liveFigures(state, cfg, get, sel) {
  const rows = state.cfg.summary?.rows || [];
  const inc = state.layers.incidents;
  const allDash = (r) => r.values.every((v) => v === null);
  return (k) => {
    const live = { values: {}, hidden: new Set(), label: t("Filtered") };
    if (inc && inc.pass !== null) {
      const f = incidentFigures(inc.visible, {
        killed: inc.get.killed,
        injured: inc.get.injured,
        victim: get.incidents?.victim_category,
      });
      for (const r of rows) {
        if (r.key === "incidents" || r.key === "killed" || r.key === "injured") {
          live.values[r.key] = allDash(r) ? null : f[r.key];
        } else if (r.key.startsWith("victims-")) {
          const cat = r.key.slice("victims-".length);
          const v = f.victims[cat] || { killed: 0, injured: 0 };
          // The panel's own text says which of the two is unknown throughout ("—").
          const [kd, id] = String(r.values[r.values.length - 1]).split(" / ");
          const text = (dash, n) => (dash === "\u2014" ? dash : num(n));
          live.values[r.key] = `${text(kd, v.killed)} / ${text(id, v.injured)}`;
          if (sel.victim_category && !sel.victim_category.has(cat)) {
            live.hidden.add(r.key);
          }
        }
      }
    }
    if (cfg.areas && sel.device_category) {
      Object.assign(live.values, areaFigures(cfg.areas, sel.device_category, k));
      if (cfg.overlap) {
        live.label = t("Filtered: land under areas of two device categories counts for each");
      }
    }
    return Object.keys(live.values).length ? live : null;
  };
}

/* Give each filtered layer its row test (the date range applies to incidents only). */
function setRowTests(state, cfg, get, sel, range) {
  for (const key of ["incidents", "hazards"]) {
    const layer = state.layers[key];
    if (layer) {
      const cats = cfg.fields
        .filter((f) => key in f.cols)
        .map((f) => ({ get: get[key][f.field], keep: sel[f.field] }));
      layer.pass = rowTest(cats, key === "incidents" ? range : null);
    }
  }
}

/* The open panel ends above the controls at the bottom left (the slider, the summary). */
function fitHeight(map, form) {
  if (form.style.display === "none") {
    return;
  }
  const corner = map.getContainer().querySelector(".leaflet-bottom.leaflet-left");
  const rect = corner?.getBoundingClientRect();
  const limit = rect?.height ? rect.top : map.getContainer().getBoundingClientRect().bottom;
  const room = limit - form.getBoundingClientRect().top - 10;
  form.style.maxHeight = `${Math.max(room, 120)}px`;
}

/**
 * Add the filter panel of a map.
 *
 * @param {L.Map} map the map
 * @param {object} state the map's state (its layers, setMonth, month)
 * @param {object} cfg the page config's `filters`
 */
export function filtersControl(map, state, cfg) {
  const get = fieldGetters(state, cfg);
  const inc = state.layers.incidents;
  const days = cfg.dates && inc ? cfg.dates : null;
  // The incidents' days: a column of the layer (by name) or an array of the filter's own.
  const dayOf = days ? timeArray({ time: { t: days.t }, cols: inc.spec.cols }, "t") : null;
  const parts = [];
  let status = null;
  const apply = () => {
    const sel = Object.fromEntries(parts.map((p) => [p.field, p.read()]));
    setRowTests(state, cfg, get, sel, days ? { t: dayOf, ...sel.date } : null);
    const n = parts.filter((p) => {
      const v = sel[p.field];
      return p.field === "date" ? v.from !== null || v.to !== null || !v.undated : v !== null;
    }).length;
    status.textContent = n ? t(" (active: {n})", { n: num(n) }) : "";
    state.figures = liveFigures(state, cfg, get, sel);
    state.setMonth(state.month ?? null);
  };
  const ctl = L.control({ position: "topleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-filters leaflet-control");
    const toggle = el("button", "geomap-filters-toggle", t("Filters"));
    toggle.type = "button";
    status = el("span", "geomap-filters-status");
    toggle.appendChild(status);
    // geomap-scroll: the layout (layout.js) shrinks it to the room left in its column.
    const form = el("form", "geomap-filters-body geomap-scroll");
    form.id = `geomap-filters-${state.id}`;
    toggle.setAttribute("aria-controls", form.id);
    for (const f of cfg.fields) {
      const p = categoryBox(f, apply);
      parts.push({ field: f.field, ...p });
      form.appendChild(p.box);
    }
    if (days) {
      const p = dateBox(days, apply);
      parts.push({ field: "date", ...p });
      form.appendChild(p.box);
    }
    const reset = el("button", "geomap-filters-reset", t("Show all"));
    reset.type = "button";
    reset.addEventListener("click", () => {
      for (const p of parts) {
        p.reset();
      }
      apply();
    });
    form.appendChild(reset);
    if (cfg.note) {
      form.appendChild(el("div", "geomap-filters-note", cfg.note));
    }
    form.addEventListener("submit", (ev) => ev.preventDefault());
    const setOpen = (open) => {
      form.style.display = open ? "" : "none";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        fitHeight(map, form);
      }
    };
    setOpen(false);
    map.on("resize", () => fitHeight(map, form));
    toggle.addEventListener("click", () => setOpen(form.style.display === "none"));
    div.appendChild(toggle);
    div.appendChild(form);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
}
