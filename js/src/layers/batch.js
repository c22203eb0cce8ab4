import { vertices } from "./shapes.js";

/* Drawing large layers fast: a canvas renderer that fills and strokes all the polygons of
 * one style at once (Leaflet fills and strokes each polygon on its own: at 50,000 hazard
 * areas that was most of a redraw), and the data's view set before the layers are added
 * (so their coordinates are projected at the zoom the map opens at, once). */

/* The style a polygon is drawn with, as a key: polygons with equal keys share a path. */
function styleKey(o) {
  return `${o.fill}|${o.fillColor}|${o.fillOpacity}|${o.stroke}|${o.color}|${o.weight}|${o.opacity}|${o.dashArray}|${o.lineCap}|${o.lineJoin}`;
}

/** Twice the signed area of a ring of screen points (positive: clockwise on screen). */
export function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j].x - ring[i].x) * (ring[j].y + ring[i].y);
  }
  return a;
}

/* One ring into the current path, always clockwise on screen, so that with the non-zero
 * rule overlapping polygons of a batch fill as their union, never cancel out. */
function traceRing(ctx, ring) {
  const n = ring.length;
  if (ringArea(ring) >= 0) {
    ctx.moveTo(ring[0].x, ring[0].y);
    for (let i = 1; i < n; i++) {
      ctx.lineTo(ring[i].x, ring[i].y);
    }
  } else {
    ctx.moveTo(ring[n - 1].x, ring[n - 1].y);
    for (let i = n - 2; i >= 0; i--) {
      ctx.lineTo(ring[i].x, ring[i].y);
    }
  }
  ctx.closePath();
}

/* A marker's shape (see shapes.js) into the current path, clockwise on screen. */
function traceMarker(ctx, layer) {
  const p = layer._point;
  const r = Math.max(Math.round(layer._radius), 1);
  const pts = layer.options.shape ? vertices(layer.options.shape, p.x, p.y, layer._radius) : null;
  if (!pts) {
    ctx.moveTo(p.x + r, p.y);
    ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
    return;
  }
  traceRing(
    ctx,
    pts.map(([x, y]) => ({ x, y })),
  );
}

/* How a layer is batched: a polygon of one ring (no holes) or a point marker; null: it is
 * drawn as Leaflet draws it (holes, lines, circles in metres). */
function batchKind(layer) {
  if (layer instanceof L.Polygon) {
    return layer._parts.length === 1 ? "ring" : null;
  }
  if (layer instanceof L.CircleMarker && !(layer instanceof L.Circle)) {
    return layer._empty() ? null : "marker";
  }
  return null;
}

/** Vertices per path: a canvas path of millions of vertices fills far slower than many. */
export const BATCH_VERTICES = 4096;

function fillStroke(renderer, layer) {
  const o = layer.options;
  const fillRule = o.fillRule;
  o.fillRule = "nonzero";
  renderer._fillStroke(renderer._ctx, layer);
  o.fillRule = fillRule;
}

function drawBatches(renderer, batches) {
  const ctx = renderer._ctx;
  for (const group of batches.values()) {
    let count = 0;
    ctx.beginPath();
    for (const layer of group) {
      const ring = group.kind === "ring" ? layer._parts[0] : null;
      const n = ring ? ring.length : 12;
      if (count && count + n > BATCH_VERTICES) {
        fillStroke(renderer, group[0]);
        ctx.beginPath();
        count = 0;
      }
      if (ring) {
        traceRing(ctx, ring);
      } else {
        traceMarker(ctx, layer);
      }
      count += n;
    }
    fillStroke(renderer, group[0]);
  }
}

let BatchCanvas = null;

function batchCanvasClass() {
  if (BatchCanvas) {
    return BatchCanvas;
  }
  BatchCanvas = L.Canvas.extend({
    _draw() {
      const bounds = this._redrawBounds;
      const ctx = this._ctx;
      ctx.save();
      if (bounds) {
        const size = bounds.getSize();
        ctx.beginPath();
        ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
        ctx.clip();
      }
      this._drawing = true;
      const batches = new Map();
      const rest = [];
      for (let order = this._drawFirst; order; order = order.next) {
        const layer = order.layer;
        if (bounds && !layer._pxBounds?.intersects(bounds)) {
          continue;
        }
        const kind = batchKind(layer);
        if (!kind) {
          rest.push(layer);
          continue;
        }
        const key = `${kind}|${styleKey(layer.options)}`;
        const group = batches.get(key);
        if (group) {
          group.push(layer);
        } else {
          const fresh = [layer];
          fresh.kind = kind;
          batches.set(key, fresh);
        }
      }
      drawBatches(this, batches);
      for (const layer of rest) {
        layer._updatePath();
      }
      // What the last draw drew: every layer of the renderer when nothing clipped it.
      this.drawn = { layers: rest.length, partial: Boolean(bounds) };
      for (const group of batches.values()) {
        this.drawn.layers += group.length;
      }
      this._drawing = false;
      ctx.restore();
    },
  });
  return BatchCanvas;
}

/** A canvas renderer that draws polygons of equal style in one fill and one stroke. */
export function batchCanvas(options) {
  const Kind = batchCanvasClass();
  return new Kind(options);
}

/** Padding that keeps features at the data's edge clear of the scale bar and credits. */
export const FIT_PADDING = { paddingTopLeft: [16, 16], paddingBottomRight: [16, 32] };

/** Fit the map to bounds, unless it shows them so already (a no-op fit still redraws all). */
export function fitData(map, bounds) {
  const b = L.latLngBounds(bounds);
  const opts = { animate: false, ...FIT_PADDING };
  if (map._loaded) {
    const target = map._getBoundsCenterZoom(b, opts);
    const z = target.zoom;
    const off = map.project(target.center, z).distanceTo(map.project(map.getCenter(), z));
    if (z === map.getZoom() && off < 1) {
      return; // within a pixel of it (a pan rounds the centre to whole pixels)
    }
  }
  map.fitBounds(b, opts);
}

/** Set the data's view before any large layer is added, as the layout fits it later. */
export function viewData(map, cfg) {
  if (!cfg.bounds || !cfg.layers?.some((s) => s.canvas)) {
    return;
  }
  const size = map.getSize();
  if (size.x && size.y) {
    fitData(map, cfg.bounds);
  }
}

let FastPolygon = null;

/* A ring of lat-lngs converted, and the polygon's bounds grown once by the ring's extent
 * (Leaflet grows them vertex by vertex: a second per million vertices). */
function convertRing(layer, latlngs) {
  const n = latlngs.length;
  const out = new Array(n);
  let s = Infinity;
  let w = Infinity;
  let north = -Infinity;
  let e = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = latlngs[i] instanceof L.LatLng ? latlngs[i] : L.latLng(latlngs[i]);
    out[i] = p;
    s = Math.min(p.lat, s);
    north = Math.max(p.lat, north);
    w = Math.min(p.lng, w);
    e = Math.max(p.lng, e);
  }
  if (n) {
    layer._bounds.extend(L.latLngBounds([s, w], [north, e]));
  }
  if (n >= 2 && out[0].equals(out[n - 1])) {
    out.pop(); // a polygon's ring is closed implicitly, as L.Polygon does
  }
  return out;
}

/** An L.Polygon that converts its vertices faster (same shape, same bounds). */
export function fastPolygon(latlngs, options) {
  if (!FastPolygon) {
    FastPolygon = L.Polygon.extend({
      _convertLatLngs(latlngs) {
        if (L.LineUtil.isFlat(latlngs)) {
          return convertRing(this, latlngs);
        }
        return L.Polygon.prototype._convertLatLngs.call(this, latlngs);
      },
    });
  }
  return new FastPolygon(latlngs, options);
}
