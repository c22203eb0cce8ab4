/* Polygons: proposed areas with one style, or district choropleths coloured by value. */
import { polygons } from "../decode.js";
import { SimpleLayer } from "./simple.js";

/** The style of a choropleth polygon of value v: the first class whose break holds it. */
export function choroplethStyle(ch, v, opts) {
  let fill = ch.nodata;
  if (v !== null) {
    const k = ch.breaks.findIndex((b) => v <= b);
    if (k >= 0) {
      fill = ch.colors[k];
    }
  }
  return {
    color: ch.stroke,
    weight: ch.weight,
    fillColor: fill,
    fillOpacity: ch.fillOpacity,
    className: opts.className,
    pane: opts.pane || "overlayPane",
  };
}

export class PolygonsLayer extends SimpleLayer {
  constructor(map, spec) {
    super(map, spec);
    this.latlngs = polygons(spec.g);
    this.build();
  }

  feature(i) {
    const ch = this.spec.choropleth;
    const opts = ch ? choroplethStyle(ch, this.get[ch.field](i), this.opts) : this.opts;
    return L.polygon(this.latlngs[i], opts);
  }
}
