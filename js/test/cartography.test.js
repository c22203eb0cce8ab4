// Point symbols by shape, and risk styles by class: geometry and colours from the spec.
import assert from "node:assert/strict";
import { test } from "node:test";
import { riskStyle } from "../src/layers/risk.js";
import { vertices } from "../src/layers/shapes.js";

test("each shape has its own outline around the point; a circle has none", () => {
  assert.equal(vertices("circle", 10, 10, 5), null);
  const counts = { square: 4, triangle: 3, diamond: 4, pentagon: 5, cross: 12 };
  for (const [shape, n] of Object.entries(counts)) {
    const pts = vertices(shape, 10, 20, 5);
    assert.equal(pts.length, n, shape);
    const cx = pts.reduce((s, p) => s + p[0], 0) / n;
    assert.ok(Math.abs(cx - 10) < 1e-9, shape);
    for (const [x, y] of pts) {
      assert.ok(Math.hypot(x - 10, y - 20) <= 5 * 1.6, shape);
    }
  }
  // A square of radius r has the area of the circle of radius r.
  const sq = vertices("square", 0, 0, 10);
  const side = sq[1][0] - sq[0][0];
  assert.ok(Math.abs(side * side - Math.PI * 100) < 1);
});

test("a risk feature is filled with its class's colour from the spec", () => {
  const spec = {
    colors: ["#feebe2", "#f768a1", "#7a0177"],
    style: {
      color: "#7f7f7f",
      weight: 0.5,
      fillOpacity: 0.65,
      radius: 6,
      className: "geomap-risk",
    },
  };
  const cls = new Uint8Array([2, 0, 1]);
  assert.equal(riskStyle(spec, cls, 0).fillColor, "#7a0177");
  assert.equal(riskStyle(spec, cls, 1).fillColor, "#feebe2");
  assert.equal(riskStyle(spec, cls, 2).className, "geomap-risk geomap-risk-class-1");
  assert.equal(riskStyle(spec, cls, 2).fillOpacity, 0.65);
});
