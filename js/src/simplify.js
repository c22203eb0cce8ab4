/* The overview level of large polygon layers, made in the page from the detailed one (so the
 * page carries one level, not two): each ring simplified by Douglas-Peucker on its integer
 * coordinates. A ring that would keep fewer than three corners keeps every vertex, so no
 * area vanishes from the overview. Nothing here touches Leaflet or the DOM. */

/* Squared distance of point p from segment a-b (x already scaled by kx). */
function segmentDistance2(px, py, ax, ay, bx, by) {
  let dx = bx - ax;
  let dy = by - ay;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      ax = bx;
      ay = by;
    } else if (t > 0) {
      ax += dx * t;
      ay += dy * t;
    }
  }
  dx = px - ax;
  dy = py - ay;
  return dx * dx + dy * dy;
}

/* Mark the vertices of xy[first..last] that Douglas-Peucker keeps (both ends are kept). */
function douglasPeucker(xy, kx, first, last, tol2, keep, stack) {
  stack.length = 0;
  stack.push(first, last);
  while (stack.length) {
    const b = stack.pop();
    const a = stack.pop();
    let worst = tol2;
    let at = -1;
    const ax = xy[2 * a] * kx;
    const ay = xy[2 * a + 1];
    const bx = xy[2 * b] * kx;
    const by = xy[2 * b + 1];
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(xy[2 * i] * kx, xy[2 * i + 1], ax, ay, bx, by);
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    if (at >= 0) {
      keep[at] = 1;
      stack.push(a, at, at, b);
    }
  }
}

/* Douglas-Peucker over the vertices of a..b that are a tolerance or more from the vertex
 * kept before them (a cheap first pass that drops most vertices of a fine ring). */
function radialThenDP(xy, kx, a, b, tol2, keep, scratch) {
  const { near, sub, subKeep, stack } = scratch;
  let m = 0;
  near[m++] = a;
  let px = xy[2 * a] * kx;
  let py = xy[2 * a + 1];
  for (let i = a + 1; i < b; i++) {
    const dx = xy[2 * i] * kx - px;
    const dy = xy[2 * i + 1] - py;
    if (dx * dx + dy * dy >= tol2) {
      near[m++] = i;
      px += dx;
      py += dy;
    }
  }
  near[m++] = b;
  if (m === b - a + 1) {
    douglasPeucker(xy, kx, a, b, tol2, keep, stack);
    return;
  }
  // Douglas-Peucker on the thinned vertices, copied into a scratch ring.
  for (let k = 0; k < m; k++) {
    sub[2 * k] = xy[2 * near[k]];
    sub[2 * k + 1] = xy[2 * near[k] + 1];
  }
  subKeep.fill(0, 0, m);
  douglasPeucker(sub, kx, 0, m - 1, tol2, subKeep, stack);
  for (let k = 1; k < m - 1; k++) {
    if (subKeep[k]) {
      keep[near[k]] = 1;
    }
  }
}

/* Keep-flags of one closed ring r0..r1-1 (its last vertex repeats its first). */
function simplifyRing(xy, kx, r0, r1, tol2, keep, scratch) {
  const n = r1 - r0;
  if (n <= 4) {
    keep.fill(1, r0, r1);
    return n;
  }
  // Split the ring at the vertex farthest from its first one, and simplify both halves.
  let far = r0 + 1;
  let most = -1;
  for (let i = r0 + 1; i < r1 - 1; i++) {
    const d = segmentDistance2(
      xy[2 * i] * kx,
      xy[2 * i + 1],
      xy[2 * r0] * kx,
      xy[2 * r0 + 1],
      xy[2 * r0] * kx,
      xy[2 * r0 + 1],
    );
    if (d > most) {
      most = d;
      far = i;
    }
  }
  keep[r0] = 1;
  keep[far] = 1;
  keep[r1 - 1] = 1;
  radialThenDP(xy, kx, r0, far, tol2, keep, scratch);
  radialThenDP(xy, kx, far, r1 - 1, tol2, keep, scratch);
  let kept = 0;
  for (let i = r0; i < r1; i++) {
    kept += keep[i];
  }
  if (kept < 4) {
    keep.fill(1, r0, r1);
    return n;
  }
  return kept;
}

/**
 * Simplify every ring of a ragged polygon array.
 *
 * @param {Int32Array} xy interleaved integer coordinates (x, y, x, y, ...)
 * @param {Int32Array} ring offsets of the rings' first vertices (and the end)
 * @param {number} tol tolerance, in units of y
 * @param {number} kx x is multiplied by this to be in units of y (cos of the latitude)
 * @returns {{xy: Int32Array, ring: Int32Array}} the kept vertices and their ring offsets
 */
export function simplifyRings(xy, ring, tol, kx) {
  const keep = new Uint8Array(xy.length / 2);
  let most = 0;
  for (let r = 0; r < ring.length - 1; r++) {
    most = Math.max(most, ring[r + 1] - ring[r]);
  }
  const scratch = {
    near: new Int32Array(most),
    sub: new Int32Array(2 * most),
    subKeep: new Uint8Array(most),
    stack: [],
  };
  const tol2 = tol * tol;
  const out = new Int32Array(ring.length);
  for (let r = 0; r < ring.length - 1; r++) {
    out[r + 1] = out[r] + simplifyRing(xy, kx, ring[r], ring[r + 1], tol2, keep, scratch);
  }
  const kept = new Int32Array(2 * out[out.length - 1]);
  let k = 0;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i]) {
      kept[k++] = xy[2 * i];
      kept[k++] = xy[2 * i + 1];
    }
  }
  return { xy: kept, ring: out };
}
