// Decode every golden payload (written by tests/test_js_contract.py from the Python
// encoder) with js/src/decode.js, and compare with the plain values it stands for.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { inflateRaw } from "pako";
import {
  CONFIG_VERSION,
  checkVersion,
  column,
  points,
  polygons,
  timeArray,
  typed,
} from "../src/decode.js";

globalThis.pako = { inflateRaw }; // on the page, the inlined pako script sets it

const GOLDEN = fileURLToPath(new URL("golden", import.meta.url));
const files = readdirSync(GOLDEN)
  .filter((f) => f.endsWith(".json"))
  .sort();

/** Equal within 1e-6 degrees (coordinates travel as microdegrees). */
function assertClose(actual, expected, what, tol) {
  if (tol === undefined) {
    return assertClose(actual, expected, what, 1.5e-6);
  }
  if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((e, i) => {
      assertClose(actual[i], e, `${what}[${i}]`, tol);
    });
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not ${expected}`);
}

function days(t) {
  return t === null ? null : Array.from(t, (v) => (v === -2147483648 ? null : v));
}

function checkCols(spec, expected, name) {
  assert.deepEqual(Object.keys(spec.cols).sort(), Object.keys(expected.cols).sort(), name);
  for (const [key, values] of Object.entries(expected.cols)) {
    assert.deepEqual(column(spec.cols[key], spec.n), values, `${name}: column ${key}`);
  }
  for (const [key, values] of Object.entries(expected.time || {})) {
    assert.deepEqual(days(timeArray(spec, key)), values, `${name}: time ${key}`);
  }
}

const CHECKS = {
  column(g, name) {
    assert.deepEqual(column(g.column, g.n), g.expected, name);
  },
  coordinates(g, name) {
    const values = Array.from(typed(g.column), (v) => v / g.scale);
    assertClose(values, g.expected, name, g.tol);
  },
  points(g, name) {
    const { spec, expected } = g;
    const at = points(spec);
    const idx = Array.from({ length: spec.n }, (_, i) => i);
    assertClose(idx.map(at.lat), expected.lat, `${name}: lat`, g.tol);
    assertClose(idx.map(at.lng), expected.lng, `${name}: lng`, g.tol);
    checkCols(spec, expected, name);
  },
  polygons(g, name) {
    const { spec, expected } = g;
    const shapes = polygons(spec.g);
    assert.equal(shapes.length, spec.n, name);
    shapes.forEach((rings, i) => {
      assertClose(rings, expected.polygons[i], `${name}: polygon ${i}`, g.tol);
    });
    checkCols(spec, expected, name);
    assert.deepEqual(Array.from(typed(spec.released)), expected.released, `${name}: released`);
  },
};

test("there are golden payloads of every kind", () => {
  const kinds = new Set(files.map((f) => JSON.parse(readFileSync(join(GOLDEN, f))).kind));
  assert.deepEqual([...kinds].sort(), Object.keys(CHECKS).sort());
});

for (const file of files) {
  test(`decodes ${file}`, () => {
    const g = JSON.parse(readFileSync(join(GOLDEN, file), "utf8"));
    CHECKS[g.kind](g, file);
    if (g.configVersion !== undefined) {
      assert.equal(g.configVersion, CONFIG_VERSION, `${file}: the encoder's config version`);
    }
  });
}

test("a config of an unknown version is refused with a clear error", () => {
  checkVersion({ version: CONFIG_VERSION });
  const next = CONFIG_VERSION + 1;
  assert.throws(
    () => checkVersion({ version: next }),
    new RegExp(`version ${next} is not supported`),
  );
  assert.throws(() => checkVersion({}), /version undefined is not supported/);
});
