/* Context points (towns and villages): small circles with one style. */
import { points } from "../decode.js";
import { SimpleLayer } from "./simple.js";

export class PointsLayer extends SimpleLayer {
  constructor(map, spec) {
    super(map, spec);
    this.at = points(spec);
    this.build();
  }

  feature(i) {
    return L.circleMarker([this.at.lat(i), this.at.lng(i)], this.opts);
  }
}
