/* The app: builds one map's layers (by kind, from a registry) and controls from its config.
 * Everything it makes belongs to that map's state; nothing is page-wide. */
import { cursorControl } from "./controls/cursor.js";
import { filtersControl } from "./controls/filters.js";
import { fullscreenControl } from "./controls/fullscreen.js";
import { locateControl } from "./controls/locate.js";
import { measureControl } from "./controls/measure.js";
import { minimapControl } from "./controls/minimap.js";
import { noticesControl } from "./controls/notices.js";
import { offlineFrame } from "./controls/offline.js";
import { layerPanel } from "./controls/panel.js";
import { printLayout } from "./controls/print.js";
import { saveImageControl } from "./controls/saveimage.js";
import { scaleControl } from "./controls/scale.js";
import { searchControl } from "./controls/search.js";
import { sliderControl } from "./controls/slider.js";
import { summaryControl } from "./controls/summary.js";
import { titleControl } from "./controls/title.js";
import { checkVersion } from "./decode.js";
import { pageLanguage } from "./direction.js";
import { num } from "./i18n.js";
import { viewData } from "./layers/batch.js";
import { HazardsLayer } from "./layers/hazards.js";
import { HeatLayer } from "./layers/heat.js";
import { IncidentsLayer } from "./layers/incidents.js";
import { LinesLayer } from "./layers/lines.js";
import { PointsLayer } from "./layers/points.js";
import { PolygonsLayer } from "./layers/polygons.js";
import { RiskLayer } from "./layers/risk.js";
import { userBasemap } from "./layers/userbasemap.js";
import { layout } from "./layout.js";

/** Layer kind (a spec's `kind`) -> the class that draws it. */
export const LAYER_KINDS = {
  hazards: HazardsLayer,
  incidents: IncidentsLayer,
  heat: HeatLayer,
  polygons: PolygonsLayer,
  points: PointsLayer,
  lines: LinesLayer,
  risk: RiskLayer,
};

/** Optional controls, by the name the config's `controls` switches on. */
const CONTROLS = {
  fullscreen: fullscreenControl,
  locate: locateControl,
  measure: measureControl,
  minimap: minimapControl,
  scale: scaleControl,
  coordinates: cursorControl,
  image: saveImageControl,
};

function clock() {
  return globalThis.performance ? performance.now() : Date.now();
}

function addBasemaps(map, state, cfg) {
  cfg.basemaps.forEach((b, k) => {
    const t = b.pmtiles
      ? userBasemap(map, b)
      : L.tileLayer(b.url, {
          attribution: b.attribution,
          maxZoom: b.maxZoom || 19,
          subdomains: b.subdomains || "abc",
        });
    state.basemaps[b.name] = t;
    if (k === 0) {
      t.addTo(map);
    }
  });
}

function addLayers(map, state, cfg) {
  for (const spec of cfg.layers) {
    const t0 = clock();
    const Kind = LAYER_KINDS[spec.kind];
    if (!Kind) {
      throw new Error(`geomap: unknown layer kind ${JSON.stringify(spec.kind)} (${spec.key})`);
    }
    new Kind(map, spec, state).attach(state);
    state.timings[spec.key] = clock() - t0;
  }
}

function addControls(map, state, cfg) {
  titleControl(map, cfg);
  if (cfg.search) {
    searchControl(map, state, cfg.search.places || []);
  }
  layerPanel(map, state, cfg);
  noticesControl(map, state, cfg);
  printLayout(map, state);
  const on = cfg.controls || {};
  for (const [name, add] of Object.entries(CONTROLS)) {
    if (on[name]) {
      state.controls[name] = add(map, cfg);
    }
  }
}

function refreshCounts(state) {
  for (const e of state.entries) {
    if (e.countEl && e.counter) {
      e.countEl.textContent = ` (${num(e.counter())})`;
    }
  }
}

/**
 * Build a map's layers and controls from its page config.
 *
 * @param {L.Map} map the Leaflet map (folium made it)
 * @param {object} cfg the page config geomap.render_map wrote
 * @returns {object} the map's state: its layers (by key), panel entries, setMonth(k)
 */
export function app(map, cfg) {
  checkVersion(cfg);
  pageLanguage(map, cfg);
  // Choropleths go under everything else drawn.
  map.createPane("geomap-below").style.zIndex = 350;
  if (cfg.icons) {
    L.Icon.Default.mergeOptions(cfg.icons);
    L.Icon.Default.prototype.options.imagePath = "";
  }
  const state = {
    id: cfg.id,
    map,
    cfg,
    layers: {},
    entries: [],
    basemaps: {},
    searchables: {},
    timed: [],
    timings: {},
  };
  state.controls = {};
  addBasemaps(map, state, cfg);
  viewData(map, cfg);
  addLayers(map, state, cfg);
  offlineFrame(map, state, cfg);
  addControls(map, state, cfg);
  const summary = cfg.summary ? summaryControl(map, cfg.summary, cfg.id) : null;
  state.setMonth = (k) => {
    const T = k === null ? null : cfg.timeline.days[k];
    for (const layer of state.timed) {
      layer.setTime(T);
    }
    state.month = k;
    refreshCounts(state);
    summary?.(k, state.figures?.(k));
  };
  if (cfg.timeline) {
    sliderControl(map, cfg.timeline, state.setMonth);
  }
  if (cfg.filters) {
    filtersControl(map, state, cfg.filters);
  }
  refreshCounts(state);
  summary?.(null);
  state.arrange = layout(map, cfg);
  return state;
}
