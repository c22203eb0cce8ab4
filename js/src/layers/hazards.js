/* Hazard areas: one layer for what is active at the slider's date, one for released land. */
import { getters, polygons, timeArray, typed } from "../decode.js";
import { bindInfo, table } from "../format.js";
import { polygonPlace } from "../place.js";
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
    this.latlngs = polygons(spec.g);
    this.fine = null;
    this.detailed = new Uint8Array(spec.n);
    if (spec.gFine) {
      map.on("moveend", () => this.refine());
    }
    this.active = L.layerGroup();
    this.releasedGroup = L.layerGroup();
    this.shapes = new Array(spec.n);
    this.state = new Int8Array(spec.n).fill(-1);
    this.nActive = 0;
    this.nReleased = 0;
    this.setTime(null);
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
      const p = L.polygon(this.latlngs[i], opts);
      bindInfo(p, this.spec, this.get, i, () => polygonPlace(p));
      this.shapes[i] = p;
    }
    return this.shapes[i];
  }

  /* Zoomed in past detailZoom: give the polygons in view their full detail. */
  refine() {
    if (!this.spec.gFine || this.map.getZoom() < this.spec.detailZoom) {
      return;
    }
    if (!this.fine) {
      this.fine = polygons(this.spec.gFine);
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
    if (!recorded) {
      return HIDDEN;
    }
    const rel = this.released && this.released[i] === 1 && visibleAt(this.t1, i, T);
    return rel ? RELEASED : ACTIVE;
  }

  setTime(T) {
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
  }

  find(text) {
    return findId(this, text);
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
    const box = table(this.spec.labels, this.get, this.spec.popup, i, "geomap-popup");
    box.appendChild(polygonPlace(s));
    L.popup().setLatLng(s.getBounds().getCenter()).setContent(box).openOn(this.map);
  }
}
