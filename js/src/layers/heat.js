/* A heat map of the incidents shown, weighted by casualties or a field (leaflet.heat). */
import { getter } from "../decode.js";
import { entry } from "./shared.js";

export class HeatLayer {
  constructor(_map, spec, state) {
    this.points = state.layers.incidents;
    this.spec = spec;
    this.weight = spec.weight || [];
    this.values = spec.values ? getter(spec.values) : null;
    const { radius, blur, maxZoom, minOpacity } = spec;
    this.layer = L.heatLayer([], { radius, blur, maxZoom, minOpacity });
    this.stale = true;
    // Built when first shown (it starts hidden), and again after the slider moves.
    this.layer.on("add", () => {
      if (this.stale) {
        this.setTime();
      }
    });
  }

  attach(state) {
    state.layers.heat = this;
    state.timed.push(this);
    state.entries.push(entry(this.spec, this.layer, undefined));
  }

  setTime() {
    const shown = this.layer._map;
    this.stale = !shown;
    if (!shown) {
      return;
    }
    const p = this.points;
    if (this.values) {
      this.setWeighted(p);
      return;
    }
    let max = 1;
    const data = p.visible.map((i) => {
      let c = 0;
      for (const w of this.weight) {
        const v = p.get[w] ? p.get[w](i) : null;
        if (v) {
          c += v;
        }
      }
      c = Math.max(c, 1);
      max = Math.max(max, c);
      return [p.lat(i), p.lng(i), c];
    });
    this.layer.setOptions({ max: Math.min(max, 5) });
    this.layer.setLatLngs(data);
    this.stale = false;
  }

  /* Weighted by the spec's field: each point by its value (missing or negative: 0). */
  setWeighted(p) {
    let max = 0;
    const data = p.visible.map((i) => {
      const v = Math.max(this.values(i) ?? 0, 0);
      max = Math.max(max, v);
      return [p.lat(i), p.lng(i), v];
    });
    this.layer.setOptions({ max: max || 1 });
    this.layer.setLatLngs(data);
    this.stale = false;
  }
}
