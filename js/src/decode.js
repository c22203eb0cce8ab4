/* The one place the page config's wire format is decoded (written by geomap/map/_encode.py).
 *
 * Columns travel as base64 typed arrays ({b64, t, na}), dictionaries ({d | dz, i}),
 * days since 1970 ({days}), deflated JSON lists ({z}) or plain JSON lists; polygons
 * as a binary ragged array (ring, part and geometry offsets, and coordinates either
 * absolute {xy} or as ring starts and int16 steps {starts, steps}).
 * Large layers use the compact format: binary arrays deflated in byte planes, in base85 ({z85, t}),
 * steps between vertices a byte or two each ({z85, t, vb, n}),
 * dates as day offsets ({days: {.., o, na}}), numbered ids as a prefix and numbers
 * ({pre, w, num}), positions at scale 1e5.
 * Nothing here touches Leaflet or the DOM, so node --test runs it as is.
 */

/** The page config versions this app understands. */
export const CONFIG_VERSION = 3;

/** Missing value of an int32 column (dates as days, casualty counts). */
export const DAY_MISSING = -2147483648;

/** Throw unless the page config is of a version this app can draw. */
export function checkVersion(cfg) {
  if (cfg.version !== CONFIG_VERSION) {
    throw new Error(
      `geomap: page config version ${JSON.stringify(cfg.version)} is not supported ` +
        `(this geomap.js reads version ${CONFIG_VERSION}); render the map again with the same geomap`,
    );
  }
}

export function bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }
  return out;
}

/** The 85 digits of base85 text (geomap/map/_encode.py BASE85): no quote, &, <, > or \\. */
export const BASE85 = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => !"\"&'<>\\".includes(c))
  .slice(0, 85)
  .join("");

const DIGIT = new Uint8Array(128);
for (let i = 0; i < 85; i++) {
  DIGIT[BASE85.charCodeAt(i)] = i;
}

/** Bytes of base85 text: each 5 digits (most significant first) are 4 bytes, big-endian;
 * a last group of k + 1 digits is k bytes. */
export function bytes85(text) {
  const n = text.length;
  const whole = n - (n % 5);
  const tail = n % 5 ? (n % 5) - 1 : 0;
  const out = new Uint8Array((whole / 5) * 4 + tail);
  let o = 0;
  for (let i = 0; i < whole; i += 5) {
    const v =
      (((DIGIT[text.charCodeAt(i)] * 85 + DIGIT[text.charCodeAt(i + 1)]) * 85 +
        DIGIT[text.charCodeAt(i + 2)]) *
        85 +
        DIGIT[text.charCodeAt(i + 3)]) *
        85 +
      DIGIT[text.charCodeAt(i + 4)];
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 255;
    out[o + 2] = (v >>> 8) & 255;
    out[o + 3] = v & 255;
    o += 4;
  }
  if (tail) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      v = v * 85 + (whole + j < n ? DIGIT[text.charCodeAt(whole + j)] : 84);
    }
    for (let j = 0; j < tail; j++) {
      out[o + j] = (v >>> (24 - 8 * j)) & 255;
    }
  }
  return out;
}

const ARRAYS = {
  u1: Uint8Array,
  u2: Uint16Array,
  i2: Int16Array,
  i4: Int32Array,
  f8: Float64Array,
};

/* Bytes split into planes (every value's first byte, then every second byte...) joined back. */
export function unplane(planes, size) {
  if (size === 1) {
    return planes;
  }
  const n = planes.length / size;
  const out = new Uint8Array(planes.length);
  for (let b = 0; b < size; b++) {
    const from = b * n;
    for (let i = 0; i < n; i++) {
      out[i * size + b] = planes[from + i];
    }
  }
  return out;
}

/* Integers written a byte or two each (geomap/map/_encode.py varying), zigzagged: z under
 * vb in one byte, else vb + high byte and low byte of z - vb, or 255 and z in 4 bytes. */
export function unvary(data, vb, out) {
  let i = 0;
  for (let k = 0; k < out.length; k++) {
    let z = data[i++];
    if (z >= vb) {
      if (z < 255) {
        z = vb + ((z - vb) << 8) + data[i++];
      } else {
        z = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
        i += 4;
      }
    }
    out[k] = (z >>> 1) ^ -(z & 1);
  }
  return out;
}

/** A typed array from {b64, t}, deflated byte planes in base85 {z85, t}, or small integers {z85, t, vb, n}. */
export function typed(col) {
  const Type = ARRAYS[col.t];
  if (!Type) {
    throw new Error(`geomap: unknown column type ${col.t}`);
  }
  if (col.vb !== undefined) {
    return unvary(inflateRaw(bytes85(col.z85), null), col.vb, new Type(col.n));
  }
  if (col.z85 !== undefined) {
    const size = Type.BYTES_PER_ELEMENT;
    const raw = unplane(inflateRaw(bytes85(col.z85), null), size);
    return new Type(raw.buffer, raw.byteOffset, raw.length / size);
  }
  return new Type(bytes(col.b64).buffer);
}

/* Days since 1970 as an Int32Array (DAY_MISSING for none), from days or day offsets {o, na}. */
export function dayArray(col) {
  const d = typed(col);
  if (col.o === undefined) {
    return d;
  }
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    out[i] = d[i] === col.na ? DAY_MISSING : d[i] + col.o;
  }
  return out;
}

/* Numbered text (ids): a prefix and numbers zero-padded to w digits, the numbers as steps. */
function numbered(col) {
  const nums = typed(col.num);
  for (let i = 1; i < nums.length; i++) {
    nums[i] += nums[i - 1];
  }
  return (i) => (i < nums.length ? col.pre + String(nums[i]).padStart(col.w, "0") : null);
}

function inflateRaw(data, to = "string") {
  const pako = globalThis.pako;
  if (!pako) {
    throw new Error("geomap: a column is deflated but pako is not on the page");
  }
  return to ? pako.inflateRaw(data, { to }) : pako.inflateRaw(data);
}

/* Deflated JSON (a long list of text), inflated the first time it is needed. */
function inflated(b64) {
  let value = null;
  return () => {
    if (value === null) {
      value = JSON.parse(inflateRaw(bytes(b64)));
    }
    return value;
  };
}

function dictionary(col) {
  const codes = typed(col.i);
  const na = col.i.na;
  const words = col.d ? () => col.d : inflated(col.dz);
  return (i) => {
    const k = codes[i];
    return k === na ? null : words()[k];
  };
}

/** YYYY-MM-DD of a day number since 1970-01-01, or null for a missing day. */
export function isoDay(v) {
  return v === DAY_MISSING ? null : new Date(v * 86400000).toISOString().slice(0, 10);
}

/** A function of a row index returning the column's plain value (null when missing). */
export function getter(col) {
  if (col === undefined || col === null) {
    return () => null;
  }
  if (col.d || col.dz) {
    return dictionary(col);
  }
  if (col.days) {
    const d = dayArray(col.days);
    return (i) => isoDay(d[i]);
  }
  if (col.pre !== undefined) {
    return numbered(col);
  }
  if (col.z) {
    const list = inflated(col.z);
    return (i) => list()[i] ?? null;
  }
  if (col.b64 || col.z85) {
    const arr = typed(col);
    const miss = col.na;
    return (i) => (arr[i] === miss ? null : arr[i]);
  }
  return (i) => col[i] ?? null;
}

/** Getters for every column of a layer, by name. */
export function getters(cols) {
  const out = {};
  for (const k of Object.keys(cols || {})) {
    out[k] = getter(cols[k]);
  }
  return out;
}

/** A whole column as a plain array of n values. */
export function column(col, n) {
  const get = getter(col);
  return Array.from({ length: n }, (_, i) => get(i));
}

/** Days since 1970 for the time slider: a column of the layer, or an array of its own. */
export function timeArray(spec, key) {
  const t = spec.time?.[key];
  if (t === undefined || t === null) {
    return null;
  }
  return typeof t === "string" ? dayArray(spec.cols[t].days) : dayArray(t);
}

/** Coordinates of points as [lat, lng] functions of the row index. */
export function points(spec) {
  const xs = typed(spec.x);
  const ys = typed(spec.y);
  const s = 1 / spec.scale;
  return { lat: (i) => ys[i] * s, lng: (i) => xs[i] * s };
}

/* Absolute int coordinates from absolute values, or from ring starts and int16 steps. */
function coordinates(g, ring) {
  if (g.xy) {
    return typed(g.xy);
  }
  const steps = typed(g.steps);
  const starts = typed(g.starts);
  const out = new Int32Array(steps.length);
  for (let r = 0; r < ring.length - 1; r++) {
    let x = starts[2 * r];
    let y = starts[2 * r + 1];
    for (let c = ring[r]; c < ring[r + 1]; c++) {
      if (c > ring[r]) {
        x += steps[2 * c];
        y += steps[2 * c + 1];
      }
      out[2 * c] = x;
      out[2 * c + 1] = y;
    }
  }
  return out;
}

/** A ragged binary MultiPolygon array as typed arrays: offsets and integer coordinates. */
export function raggedInts(g) {
  const ring = typed(g.ring);
  return {
    ring,
    part: typed(g.part),
    geom: typed(g.geom),
    xy: coordinates(g, ring),
    scale: g.scale,
  };
}

const pair = (lat, lng) => [lat, lng];

/* Leaflet lat-lngs (rings of [lat, lng], or of point(lat, lng)) of ragged typed arrays. */
function latLngs({ ring, part, geom, xy, scale }, point = pair) {
  const s = 1 / scale;
  const out = new Array(geom.length - 1);
  for (let gi = 0; gi < geom.length - 1; gi++) {
    const parts = [];
    for (let pi = geom[gi]; pi < geom[gi + 1]; pi++) {
      const rings = [];
      for (let ri = part[pi]; ri < part[pi + 1]; ri++) {
        const pts = [];
        for (let ci = ring[ri]; ci < ring[ri + 1]; ci++) {
          pts.push(point(xy[2 * ci + 1] * s, xy[2 * ci] * s));
        }
        rings.push(pts);
      }
      parts.push(rings);
    }
    out[gi] = parts.length === 1 ? parts[0] : parts;
  }
  return out;
}

/** Polygons from a ragged binary MultiPolygon array, as Leaflet lat-lngs (rings of [lat, lng]). */
export function polygons(g) {
  return latLngs(raggedInts(g));
}

/**
 * A polygon layer's levels of detail: `coarse` lat-lngs to draw first, and `fine()` (or
 * null) for from `detailZoom` on. One level travels, `g`; with `coarse: {tol, kx}` (large
 * layers) the page simplifies it into the overview here and `g` itself is the fine level.
 * `point(lat, lng)` makes each vertex of the compact format's levels (default [lat, lng]).
 */
export function polygonLevels(spec, simplifyRings, point = pair) {
  if (spec.coarse && simplifyRings) {
    const fine = raggedInts(spec.g);
    const { xy, ring } = simplifyRings(fine.xy, fine.ring, spec.coarse.tol, spec.coarse.kx);
    return { coarse: latLngs({ ...fine, xy, ring }, point), fine: () => latLngs(fine, point) };
  }
  return { coarse: latLngs(raggedInts(spec.g), point), fine: null };
}
