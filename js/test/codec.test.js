// The compact format's pieces on their own: byte planes, day offsets, numbered ids, and
// the overview the page simplifies from a polygon layer's one level.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateRaw, inflateRaw } from "pako";
import {
  BASE85,
  bytes85,
  column,
  DAY_MISSING,
  dayArray,
  typed,
  unplane,
  unvary,
} from "../src/decode.js";
import { simplifyRings } from "../src/simplify.js";

globalThis.pako = { inflateRaw };

/** Base85 text of bytes as geomap/map/_encode.py base85 writes it. */
function base85(data) {
  let text = "";
  for (let i = 0; i < data.length; i += 4) {
    const k = Math.min(4, data.length - i);
    let v = 0;
    for (let j = 0; j < 4; j++) v = v * 256 + (j < k ? data[i + j] : 0);
    const digits = [];
    for (let j = 0; j < 5; j++) {
      digits.unshift(BASE85[v % 85]);
      v = Math.floor(v / 85);
    }
    text += digits.slice(0, k === 4 ? 5 : k + 1).join("");
  }
  return text;
}

/** {z85, t} of values as the encoder writes them: byte planes, raw-deflated, base85. */
function packed(values, Type, t) {
  const bytes = new Uint8Array(new Type(values).buffer);
  const size = Type.BYTES_PER_ELEMENT;
  const n = values.length;
  const planes = new Uint8Array(bytes.length);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < size; b++) {
      planes[b * n + i] = bytes[i * size + b];
    }
  }
  return { z85: base85(deflateRaw(planes)), t };
}

test("base85 text has no character to escape and reads back every length", () => {
  assert.equal(BASE85.length, 85);
  assert.doesNotMatch(BASE85, /["&'<>\\\s]/);
  // As the Python encoder writes them (tests/test_encode.py checks the same pairs).
  assert.deepEqual(Array.from(bytes85("!!!!!xx")), [0, 0, 0, 0, 255]);
  assert.deepEqual(Array.from(bytes85("y;]0!")), [255, 255, 255, 255]);
  for (let n = 0; n < 14; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256);
    assert.deepEqual(Array.from(bytes85(base85(data))), Array.from(data));
  }
});

test("byte planes join back into values of every width", () => {
  assert.deepEqual(Array.from(unplane(Uint8Array.from([1, 2, 3, 4, 5, 6]), 2)), [1, 4, 2, 5, 3, 6]);
  const i4 = [-2147483648, -1, 0, 1, 2147483647, 4660];
  assert.deepEqual(Array.from(typed(packed(i4, Int32Array, "i4"))), i4);
  const i2 = [-32768, -2, 0, 7, 32767];
  assert.deepEqual(Array.from(typed(packed(i2, Int16Array, "i2"))), i2);
  const u1 = [0, 255, 3];
  assert.deepEqual(Array.from(typed(packed(u1, Uint8Array, "u1"))), u1);
});

test("small integers come back from a byte or two each", () => {
  // As geomap/map/_encode.py varying([0, -1, 1, 300, -70000], "i4") writes them.
  const col = { z85: "EvopIWNQ9p)khDN", t: "i4", vb: 248, n: 5 };
  assert.deepEqual(Array.from(typed(col)), [0, -1, 1, 300, -70000]);
  const big = Uint8Array.from([255, 255, 255, 255, 255, 255, 254, 255, 255, 255]);
  assert.deepEqual(Array.from(unvary(big, 248, new Int32Array(2))), [-2147483648, 2147483647]);
});

test("day offsets come back as days since 1970, the missing one as missing", () => {
  const col = { ...packed([0, 65535, 31], Uint16Array, "u2"), o: 18000, na: 65535 };
  assert.deepEqual(Array.from(dayArray(col)), [18000, DAY_MISSING, 18031]);
  assert.deepEqual(column({ days: col }, 3), ["2019-04-14", null, "2019-05-15"]);
});

test("numbered ids keep their prefix, padding and order", () => {
  const col = { pre: "INC-", w: 4, num: packed([9, 1, 0, -8, 12343], Int32Array, "i4") };
  assert.deepEqual(column(col, 5), ["INC-0009", "INC-0010", "INC-0010", "INC-0002", "INC-12345"]);
});

test("the overview drops vertices within the tolerance and keeps every ring", () => {
  // A 100 x 100 square with a vertex every 10 along its edges, and a tiny triangle.
  const sq = [];
  for (let x = 0; x < 100; x += 10) sq.push([x, 0]);
  for (let y = 0; y < 100; y += 10) sq.push([100, y]);
  for (let x = 100; x > 0; x -= 10) sq.push([x, 100]);
  for (let y = 100; y > 0; y -= 10) sq.push([0, y]);
  sq.push([0, 0]);
  const tri = [
    [500, 500],
    [501, 500],
    [500, 501],
    [500, 500],
  ];
  const xy = Int32Array.from([...sq, ...tri].flat());
  const ring = Int32Array.from([0, sq.length, sq.length + tri.length]);
  const out = simplifyRings(xy, ring, 1, 1);
  const pts = (r) => {
    const list = [];
    for (let i = out.ring[r]; i < out.ring[r + 1]; i++)
      list.push([out.xy[2 * i], out.xy[2 * i + 1]]);
    return list;
  };
  assert.deepEqual(pts(0), [
    [0, 0],
    [100, 0],
    [100, 100],
    [0, 100],
    [0, 0],
  ]);
  // At a tolerance of 5 the triangle would lose a corner: it keeps every vertex instead.
  assert.deepEqual(
    simplifyRings(xy, ring, 5, 1).ring[2] - simplifyRings(xy, ring, 5, 1).ring[1],
    4,
  );
  // Too small to lose anything at a tolerance of 1, the triangle keeps its four vertices.
  assert.deepEqual(pts(1), tri);
});

test("with a tolerance wider than the vertex spacing, thinning keeps the corners near", () => {
  // A 100 x 100 square with a vertex every 5 along its edges.
  const sq = [];
  for (let x = 0; x < 100; x += 5) sq.push([x, 0]);
  for (let y = 0; y < 100; y += 5) sq.push([100, y]);
  for (let x = 100; x > 0; x -= 5) sq.push([x, 100]);
  for (let y = 100; y > 0; y -= 5) sq.push([0, y]);
  sq.push([0, 0]);
  const out = simplifyRings(Int32Array.from(sq.flat()), Int32Array.from([0, sq.length]), 12, 1);
  const pts = [];
  for (let i = 0; i < out.ring[1]; i++) pts.push([out.xy[2 * i], out.xy[2 * i + 1]]);
  // Four corners and the closing vertex, each within the tolerance of the square's.
  const corners = [
    [0, 0],
    [100, 0],
    [100, 100],
    [0, 100],
    [0, 0],
  ];
  assert.equal(pts.length, 5);
  pts.forEach(([x, y], c) => {
    assert.ok(Math.hypot(x - corners[c][0], y - corners[c][1]) <= 12, `corner ${c}: ${x} ${y}`);
  });
});
