/* Plain layers with one style for every feature (districts, proposed areas, places, roads):
 * a subclass per kind draws feature i. */
import { getters } from "../decode.js";
import { bindInfo } from "../format.js";
import { entry } from "./shared.js";

export class SimpleLayer {
  constructor(map, spec) {
    this.spec = spec;
    this.map = map;
    this.get = getters(spec.cols);
    this.opts = { ...(spec.style || {}) };
    if (spec.pane) {
      this.opts.pane = spec.pane;
    }
  }

  /** Draw every feature (a subclass's constructor calls this once it is ready). */
  build() {
    this.group = L.featureGroup();
    for (let i = 0; i < this.spec.n; i++) {
      const layer = this.feature(i);
      bindInfo(layer, this.spec, this.get, i);
      this.group.addLayer(layer);
    }
  }

  attach(state) {
    state.layers[this.spec.key] = this;
    state.entries.push(entry(this.spec, this.group, () => this.count()));
  }

  count() {
    return this.spec.n;
  }
}
