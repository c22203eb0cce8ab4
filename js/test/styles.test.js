// Styles come from the layer specs (Python's style values), never from constants in JS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { getters } from "../src/decode.js";
import { hazardStyle } from "../src/layers/hazards.js";
import { incidentStyle } from "../src/layers/incidents.js";
import { choroplethStyle } from "../src/layers/polygons.js";

const GOLDEN = fileURLToPath(new URL("golden", import.meta.url));
const golden = (name) => JSON.parse(readFileSync(join(GOLDEN, name), "utf8"));

test("hazard styles take weight, opacity and fill opacity from the spec", () => {
  const { spec, style } = golden("map-hazards.json");
  const get = getters(spec.cols);
  for (let i = 0; i < spec.n; i++) {
    const klass = get.hazard_class(i);
    const active = hazardStyle(style, get, i, true);
    assert.equal(active.weight, style.weight[klass]);
    assert.equal(active.fillOpacity, style.fillOpacity.active);
    assert.equal(active.opacity, style.opacity);
    assert.equal(active.fillColor, style.palette[`active ${klass}`]);
    assert.match(active.className, /geomap-active/);
  }
  const released = hazardStyle(style, get, 2, false);
  assert.equal(released.fillOpacity, style.fillOpacity.released);
  assert.equal(released.fillColor, style.palette.cleared);
  // Changed in Python, changed on the page.
  const heavier = { ...style, weight: { CHA: 7, SHA: 5 }, opacity: 0.5 };
  assert.equal(hazardStyle(heavier, get, 0, true).weight, 7);
  assert.equal(hazardStyle(heavier, get, 0, true).opacity, 0.5);
});

test("incident styles take stroke, weight and opacities from the spec", () => {
  const { spec, style } = golden("map-incidents.json");
  const get = getters(spec.cols);
  const s = incidentStyle(style, get, 0);
  assert.equal(s.color, style.stroke);
  assert.equal(s.weight, style.weight);
  assert.equal(s.fillOpacity, style.fillOpacity);
  assert.equal(s.fillColor, style.palette.civilian);
  assert.equal(s.radius, style.base + style.scale * Math.sqrt(1));
  const suppressed = { ...style, suppressedField: "id", suppressedFill: "#abcdef" };
  const t = incidentStyle(suppressed, get, 0);
  assert.equal(t.fillColor, "#abcdef");
  assert.equal(t.fillOpacity, style.suppressedOpacity);
});

test("choropleth styles take stroke, weight and fill opacity from the spec", () => {
  const ch = {
    breaks: [1, 5],
    colors: ["#111111", "#222222"],
    nodata: "#eeeeee",
    stroke: "#555",
    weight: 1,
    fillOpacity: 0.7,
  };
  const opts = { className: "geomap-district", pane: "geomap-below" };
  assert.deepEqual(choroplethStyle(ch, 3, opts), {
    color: "#555",
    weight: 1,
    fillColor: "#222222",
    fillOpacity: 0.7,
    className: "geomap-district",
    pane: "geomap-below",
  });
  assert.equal(choroplethStyle(ch, null, opts).fillColor, "#eeeeee");
  assert.equal(choroplethStyle(ch, 9, opts).fillColor, "#eeeeee");
});
