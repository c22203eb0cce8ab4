/* Context points (towns and villages): small circles with one style, and their labels. */
import { points } from "../decode.js";
import { placeLabels } from "./labels.js";
import { SimpleLayer } from "./simple.js";

export class PointsLayer extends SimpleLayer {
  constructor(map, spec) {
    super(map, spec);
    this.at = points(spec);
    this.build();
    placeLabels(map, this);
  }

  feature(i) {
    return L.circleMarker([this.at.lat(i), this.at.lng(i)], this.opts);
  }
}
