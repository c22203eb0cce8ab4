/* Context lines (roads): GeoJSON coordinates of LineStrings or MultiLineStrings. */
import { SimpleLayer } from "./simple.js";

export class LinesLayer extends SimpleLayer {
  constructor(map, spec) {
    super(map, spec);
    this.build();
  }

  feature(i) {
    const coords = this.spec.lines[i];
    const depth = coords.length && Array.isArray(coords[0][0]) ? 1 : 0;
    return L.polyline(L.GeoJSON.coordsToLatLngs(coords, depth), this.opts);
  }
}
