/* Point symbols by shape: circle, square, triangle, diamond, pentagon and cross markers (SVG or
 * canvas), and the same shapes as legend swatches. Sizes are radii in pixels; every
 * colour comes from the spec. */

const SVG_NS = "http://www.w3.org/2000/svg";

/** The outline of a shape of radius r around (x, y), as [x, y] vertices (null: a circle). */
export function vertices(shape, x, y, r) {
  if (shape === "square") {
    const h = r * 0.886; // the area of the circle of radius r
    return [
      [x - h, y - h],
      [x + h, y - h],
      [x + h, y + h],
      [x - h, y + h],
    ];
  }
  if (shape === "triangle") {
    const R = r * 1.3;
    return [-90, 30, 150].map((a) => [
      x + R * Math.cos((a * Math.PI) / 180),
      y + R * Math.sin((a * Math.PI) / 180),
    ]);
  }
  if (shape === "diamond") {
    const R = r * 1.25;
    return [
      [x, y - R],
      [x + R, y],
      [x, y + R],
      [x - R, y],
    ];
  }
  if (shape === "pentagon") {
    const R = r * 1.15;
    return [-90, -18, 54, 126, 198].map((a) => [
      x + R * Math.cos((a * Math.PI) / 180),
      y + R * Math.sin((a * Math.PI) / 180),
    ]);
  }
  if (shape === "cross") {
    const a = r * 1.1;
    const t = r * 0.35;
    return [
      [-t, -a],
      [t, -a],
      [t, -t],
      [a, -t],
      [a, t],
      [t, t],
      [t, a],
      [-t, a],
      [-t, t],
      [-a, t],
      [-a, -t],
      [-t, -t],
    ].map(([dx, dy]) => [x + dx, y + dy]);
  }
  return null;
}

function pathOf(pts) {
  return `${pts.map(([x, y], k) => `${k ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`).join("")}z`;
}

let ShapeMarker = null;

/* A circle marker that draws its `shape` instead (made once Leaflet is on the page). */
function shapeMarkerClass() {
  if (ShapeMarker) {
    return ShapeMarker;
  }
  ShapeMarker = L.CircleMarker.extend({
    _updatePath() {
      const p = this._point;
      const pts = vertices(this.options.shape, p.x, p.y, this._radius);
      if (!pts) {
        L.CircleMarker.prototype._updatePath.call(this);
        return;
      }
      const r = this._renderer;
      if (r instanceof L.SVG) {
        r._setPath(this, this._empty() ? "M0 0" : pathOf(pts));
        return;
      }
      if (!r._drawing || this._empty()) {
        return;
      }
      const ctx = r._ctx;
      ctx.beginPath();
      ctx.moveTo(pts[0][0], pts[0][1]);
      for (const [x, y] of pts.slice(1)) {
        ctx.lineTo(x, y);
      }
      ctx.closePath();
      r._fillStroke(ctx, this);
    },
  });
  return ShapeMarker;
}

/** A marker of `opts.shape` (circle, square, triangle, diamond, cross) at a lat-lng. */
export function shapeMarker(latlng, opts) {
  const Kind = shapeMarkerClass();
  return new Kind(latlng, opts);
}

/** A legend swatch of a shape: an inline SVG, `size` px across. */
export function shapeSwatch(item, size) {
  const svg = document.createElementNS(SVG_NS, "svg");
  const s = size || 14;
  svg.setAttribute("width", String(s));
  svg.setAttribute("height", String(s));
  svg.setAttribute("viewBox", `0 0 ${s} ${s}`);
  svg.setAttribute("class", `geomap-swatch-svg geomap-swatch-${item.shape}`);
  svg.setAttribute("aria-hidden", "true");
  const c = s / 2;
  const pts = vertices(item.shape, c, c, s * 0.36);
  let node;
  if (pts) {
    node = document.createElementNS(SVG_NS, "path");
    node.setAttribute("d", pathOf(pts));
  } else {
    node = document.createElementNS(SVG_NS, "circle");
    node.setAttribute("cx", String(c));
    node.setAttribute("cy", String(c));
    node.setAttribute("r", String(s * 0.4));
  }
  node.setAttribute("fill", item.fill || "none");
  node.setAttribute("stroke", item.stroke || "#333");
  node.setAttribute("stroke-width", "1");
  if (item.dash) {
    node.setAttribute("stroke-dasharray", "2 2");
  }
  svg.appendChild(node);
  return svg;
}

/** The CSS of a hatched square cell (a suppressed public cell), from its spec. */
export function cellStyle(el, cell) {
  const s = el.style;
  s.width = `${cell.size}px`;
  s.height = `${cell.size}px`;
  s.lineHeight = `${cell.size}px`;
  s.color = cell.text;
  s.border = `1px solid ${cell.stroke}`;
  s.background = `repeating-linear-gradient(45deg, ${cell.hatch} 0 1px, ${cell.fill} 1px 5px)`;
}
