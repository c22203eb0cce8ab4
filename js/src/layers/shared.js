/* What several layer kinds share: time filtering, search by id, the canvas renderer. */
import { DAY_MISSING } from "../decode.js";
import { batchCanvas } from "./batch.js";

/** Row i is drawn at day T (null: no slider, or no date). */
export function visibleAt(t, i, T) {
  return t === null || T === null || t[i] === DAY_MISSING || t[i] <= T;
}

/** The row whose id is `text` (lower case), or null. */
export function findId(layer, text) {
  const ids = layer.get.id;
  if (!ids) {
    return null;
  }
  for (let i = 0; i < layer.spec.n; i++) {
    const v = ids(i);
    if (v !== null && String(v).toLowerCase() === text) {
      return i;
    }
  }
  return null;
}

/** A canvas renderer for a large layer (polygons of one style drawn at once), or null for SVG. */
export function renderer(spec) {
  return spec.canvas ? batchCanvas({ padding: 0.5 }) : null;
}

/** A row of the layer panel: a spec's key, group, name, visibility and legend. */
export function entry(spec, layer, counter) {
  const { key, group, name, show, legend } = spec;
  return { key, group, name, show, legend, layer, counter };
}
