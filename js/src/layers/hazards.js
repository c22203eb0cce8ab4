/* Hazard areas: one layer for what is active at the slider's date, one for released land. */
import { getters, points, polygonLevels, timeArray, typed } from "../decode.js";
import { hiddenReason } from "../filter.js";
import { bindInfo, table } from "../format.js";
import { polygonPlace } from "../place.js";
import { simplifyRings } from "../simplify.js";
import { fastPolygon } from "./batch.js";
import { shapeMarker } from "./shapes.js";
import { findId, renderer, visibleAt } from "./shared.js";

const HIDDEN = 0;
const ACTIVE = 1;
const RELEASED = 2;

/** The style of area i, active (at the slider's date) or as its status says. */
export function hazardStyle(st, get, i, activeNow) {
  const status = activeNow ? "active" : get[st.statusField] ? get[st.statusField](i) : null;
  const klass = get[st.classField] ? get[st.classField](i) : null;
  const active = status === "active";
  const fill = st.palette[active ? `active ${klass}` : status] || st.fallback;
  return {
    color: active ? st.outline[klass] || fill : fill,
    // A class with no weight of its own is drawn as suspected (SHA).
    weight: st.weight[klass] ?? st.weight.SHA,
    dashArray: st.dash[klass] || null,
    fillColor: fill,
    fillOpacity: st.fillOpacity[active ? "active" : "released"],
    opacity: st.opacity,
    className: st.className + (active ? " geomap-active" : " geomap-released"),
  };
}

export class HazardsLayer {
  constructor(map, spec) {
    this.spec = spec;
    this.map = map;
    this.get = getters(spec.cols);
    this.t0 = timeArray(spec, "t0");
    this.t1 = timeArray(spec, "t1");
    this.released = spec.released ? typed(spec.released) : null;
    this.renderer = renderer(spec);
    // Vertices as Leaflet's own lat-lngs: Leaflet keeps them instead of converting each.
    this.levels = polygonLevels(spec, simplifyRings, (lat, lng) => new L.LatLng(lat, lng));
    this.latlngs = this.levels.coarse;
    this.fine = null;
    this.detailed = new Uint8Array(spec.n);
    if (this.levels.fine) {
      map.on("moveend", () => this.refine());
    }
    this.active = L.layerGroup();
    this.releasedGroup = L.layerGroup();
    this.shapes = new Array(spec.n);
    this.state = new Int8Array(spec.n).fill(-1);
    this.nActive = 0;
    this.nReleased = 0;
    this.pass = null; // the filters' row test (controls/filters.js); null: every row
    this.setTime(null);
    if (spec.symbols) {
      // An area too small to see at the zoom is drawn as a symbol too.
      this.at = points(spec.symbols);
      this.symbols = new Array(spec.n);
      map.on("zoomend", () => this.updateSymbols());
      map.whenReady(() => this.updateSymbols());
    }
  }

  /** Whether area i is under the symbols' minPx pixels across at zoom z. */
  tiny(i, z) {
    const b = this.shape(i).getBounds();
    const a = this.map.project(b.getNorthWest(), z);
    const c = this.map.project(b.getSouthEast(), z);
    return Math.max(Math.abs(c.x - a.x), Math.abs(c.y - a.y)) < this.spec.symbols.minPx;
  }

  symbol(i, active) {
    const sy = this.spec.symbols;
    const look = hazardStyle(this.spec.style, this.get, i, active);
    const opts = {
      shape: "triangle",
      radius: sy.radius,
      color: look.color,
      fillColor: look.fillColor,
      weight: sy.weight,
      fillOpacity: sy.fillOpacity,
      className: `geomap-hazard-symbol geomap-symbol-${active ? "active" : "released"}`,
    };
    if (this.renderer) {
      opts.renderer = this.renderer;
    }
    const m = shapeMarker([this.at.lat(i), this.at.lng(i)], opts);
    bindInfo(m, this.spec, this.get, i);
    return m;
  }

  /** Show a symbol for each drawn area too small to see at the current zoom, hide the rest. */
  updateSymbols() {
    if (!this.symbols || !this.map._loaded) {
      return;
    }
    const z = this.map.getZoom();
    for (let i = 0; i < this.spec.n; i++) {
      const state = this.state[i];
      const want = state === ACTIVE || state === RELEASED ? this.tiny(i, z) : false;
      let m = this.symbols[i];
      if (m && (!want || m.geomapState !== state)) {
        this.active.removeLayer(m);
        this.releasedGroup.removeLayer(m);
        m = null;
        this.symbols[i] = null;
      }
      if (want && !m) {
        m = this.symbol(i, state === ACTIVE);
        m.geomapState = state;
        this.symbols[i] = m;
        (state === ACTIVE ? this.active : this.releasedGroup).addLayer(m);
      }
    }
  }

  attach(state) {
    const spec = this.spec;
    state.layers.hazards = this;
    state.layers["hazards-active"] = this.active;
    state.layers["hazards-released"] = this.releasedGroup;
    state.searchables.hazards = this;
    state.timed.push(this);
    for (const [part, layer, counter] of [
      ["active", this.active, () => this.nActive],
      ["released", this.releasedGroup, () => this.nReleased],
    ]) {
      state.entries.push({
        key: `hazards-${part}`,
        group: spec.group,
        name: spec.names[part],
        show: spec.show,
        legend: spec.legends[part],
        layer,
        counter,
      });
    }
  }

  shape(i) {
    if (!this.shapes[i]) {
      const opts = hazardStyle(this.spec.style, this.get, i, false);
      if (this.renderer) {
        opts.renderer = this.renderer;
      }
      const p = this.renderer
        ? fastPolygon(this.latlngs[i], opts)
        : L.polygon(this.latlngs[i], opts);
      bindInfo(p, this.spec, this.get, i, () => polygonPlace(p));
      this.shapes[i] = p;
    }
    return this.shapes[i];
  }

  /* Zoomed in past detailZoom: give the polygons in view their full detail. */
  refine() {
    if (!this.levels.fine || this.map.getZoom() < this.spec.detailZoom) {
      return;
    }
    if (!this.fine) {
      this.fine = this.levels.fine();
    }
    const view = this.map.getBounds().pad(0.5);
    for (let i = 0; i < this.spec.n; i++) {
      const s = this.shapes[i];
      if (s && !this.detailed[i] && view.intersects(s.getBounds())) {
        s.setLatLngs(this.fine[i]);
        this.detailed[i] = 1;
      }
    }
  }

  stateAt(i, T) {
    const recorded = visibleAt(this.t0, i, T);
    if (!recorded || (this.pass !== null && !this.pass(i))) {
      return HIDDEN;
    }
    const rel = this.released && this.released[i] === 1 && visibleAt(this.t1, i, T);
    return rel ? RELEASED : ACTIVE;
  }

  setTime(T) {
    this.T = T;
    let a = 0;
    let r = 0;
    for (let i = 0; i < this.spec.n; i++) {
      const state = this.stateAt(i, T);
      if (state === ACTIVE) {
        a++;
      } else if (state === RELEASED) {
        r++;
      }
      if (state === this.state[i]) {
        continue;
      }
      const old = this.shapes[i];
      if (old) {
        this.active.removeLayer(old);
        this.releasedGroup.removeLayer(old);
      }
      if (state !== HIDDEN) {
        const s = this.shape(i);
        s.setStyle(hazardStyle(this.spec.style, this.get, i, state === ACTIVE));
        (state === ACTIVE ? this.active : this.releasedGroup).addLayer(s);
      }
      this.state[i] = state;
    }
    this.nActive = a;
    this.nReleased = r;
    this.updateSymbols();
  }

  find(text) {
    return findId(this, text);
  }

  /** Why area i is not drawn (the slider, the filters), or null. */
  hiddenBy(i) {
    return hiddenReason(!visibleAt(this.t0, i, this.T), this.pass !== null && !this.pass(i));
  }

  reveal(i) {
    const s = this.shape(i);
    this.map.fitBounds(s.getBounds(), { maxZoom: 16 });
    const group = this.state[i] === RELEASED ? this.releasedGroup : this.active;
    if (!this.map.hasLayer(group)) {
      this.map.addLayer(group);
    }
    if (this.map.hasLayer(s)) {
      s.openPopup();
      return;
    }
    const { labels, popup, valueLabels } = this.spec;
    const box = table(labels, this.get, popup, i, "geomap-popup", valueLabels);
    box.appendChild(polygonPlace(s));
    L.popup().setLatLng(s.getBounds().getCenter()).setContent(box).openOn(this.map);
  }
}
