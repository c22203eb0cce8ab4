/* A risk layer: polygons (or square cells) or dots, each filled with its class's colour.
 * The classes and colours come from the spec (mapclassify ran in Python). */
import { getters, points, polygons, typed } from "../decode.js";
import { bindInfo } from "../format.js";
import { entry } from "./shared.js";

/** The style of feature i: its class's fill, the spec's outline. */
export function riskStyle(spec, cls, i) {
  const k = cls[i];
  const st = spec.style;
  return {
    color: st.color,
    weight: st.weight,
    fillColor: spec.colors[k],
    fillOpacity: st.fillOpacity,
    radius: st.radius,
    pane: "geomap-below",
    className: `${st.className} geomap-risk-class-${k}`,
  };
}

export class RiskLayer {
  constructor(map, spec) {
    this.spec = spec;
    this.map = map;
    this.get = getters(spec.cols);
    const cls = typed(spec.classes);
    const renderer = spec.canvas ? L.canvas({ padding: 0.5, pane: "geomap-below" }) : null;
    const shapes = spec.g ? polygons(spec.g) : null;
    const at = shapes ? null : points(spec);
    this.group = L.featureGroup();
    for (let i = 0; i < spec.n; i++) {
      const opts = riskStyle(spec, cls, i);
      if (renderer) {
        opts.renderer = renderer;
      }
      const f = shapes ? L.polygon(shapes[i], opts) : L.circleMarker([at.lat(i), at.lng(i)], opts);
      bindInfo(f, spec, this.get, i);
      this.group.addLayer(f);
    }
  }

  attach(state) {
    state.layers[this.spec.key] = this;
    state.entries.push(entry(this.spec, this.group, () => this.spec.n));
  }
}
