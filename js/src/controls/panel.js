/* One panel: basemaps, then groups of layers, each with its checkbox and legend. */
import { el } from "../format.js";
import { t } from "../i18n.js";
import { foldable, opensFrom, SHORT } from "../layout.js";
import { legendBox } from "./legend.js";
import { tableButton } from "./table.js";

function basemapChoices(map, state, cfg) {
  const box = el("fieldset", "geomap-group");
  box.appendChild(el("legend", null, t("Basemap")));
  const choices = cfg.basemaps.map((b) => ({ label: b.name, layer: state.basemaps[b.name] }));
  choices.push({ label: t("None"), layer: null });
  choices.forEach((c, k) => {
    const lab = el("label", "geomap-row");
    const input = el("input");
    input.type = "radio";
    input.name = `geomap-base-${state.id}`;
    input.checked = k === 0;
    input.addEventListener("change", () => {
      for (const tiles of Object.values(state.basemaps)) {
        map.removeLayer(tiles);
      }
      if (c.layer) {
        map.addLayer(c.layer);
        c.layer.bringToBack();
      }
    });
    lab.appendChild(input);
    lab.appendChild(el("span", null, c.label));
    box.appendChild(lab);
  });
  return box;
}

function entryRow(map, entry) {
  const row = el("div", "geomap-entry");
  row.setAttribute("data-layer", entry.key);
  const lab = el("label", "geomap-row");
  const input = el("input");
  input.type = "checkbox";
  input.checked = entry.show;
  entry.countEl = el("span", "geomap-count");
  lab.appendChild(input);
  lab.appendChild(el("span", "geomap-entry-name", entry.name));
  lab.appendChild(entry.countEl);
  row.appendChild(lab);
  const legend = entry.legend?.length ? legendBox(entry.legend) : null;
  if (legend) {
    row.appendChild(legend);
  }
  const sync = () => {
    if (input.checked) {
      map.addLayer(entry.layer);
    } else {
      map.removeLayer(entry.layer);
    }
    if (legend) {
      legend.style.display = input.checked ? "" : "none";
    }
  };
  input.addEventListener("change", sync);
  entry.input = input;
  sync();
  return row;
}

function panelBody(map, state, cfg) {
  const body = el("div", "geomap-panel-body");
  if (cfg.basemaps.length) {
    body.appendChild(basemapChoices(map, state, cfg));
  }
  const groups = {};
  for (const entry of state.entries) {
    let g = groups[entry.group];
    if (!g) {
      g = el("fieldset", "geomap-group");
      g.appendChild(el("legend", null, entry.group));
      body.appendChild(g);
      groups[entry.group] = g;
    }
    g.appendChild(entryRow(map, entry));
  }
  return body;
}

export function layerPanel(map, state, cfg) {
  const ctl = L.control({ position: "topright" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-panel leaflet-control");
    div.setAttribute("role", "region");
    div.setAttribute("aria-label", t("Layers and legend"));
    const head = el("div", "geomap-panel-head");
    const toggle = el("button", "geomap-panel-toggle", t("Layers & legend"));
    toggle.type = "button";
    head.appendChild(toggle);
    head.appendChild(tableButton(map, state));
    div.appendChild(head);
    const body = panelBody(map, state, cfg);
    body.classList.add("geomap-scroll");
    body.id = `${state.id}-layers`;
    toggle.setAttribute("aria-controls", body.id);
    div.appendChild(body);
    foldable(map, { control: div, button: toggle, parts: [body], opensAt: opensFrom(900, SHORT) });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
}
