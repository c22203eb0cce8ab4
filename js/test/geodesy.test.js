// The measure tool's numbers: GeographicLib on WGS84, the same as pyproj.Geod(ellps="WGS84").
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatArea,
  formatLength,
  geodesicPoints,
  pathLength,
  polygonArea,
} from "../src/geodesy.js";

const close = (got, want, tol) => assert.ok(Math.abs(got - want) < tol, `${got} != ${want}`);

test("lengths are the ellipsoid's, as pyproj's Geod gives them", () => {
  // pyproj: Geod(ellps="WGS84").line_length([0, 1], [0, 0]) == 111319.49079327357
  close(
    pathLength([
      [0, 0],
      [0, 1],
    ]),
    111319.49079327357,
    1e-6,
  );
  // Three points across the sample's region: 140188.93555342898 m.
  const path = [
    [39.2, 46.2],
    [39.7, 46.6],
    [40.3, 46.2],
  ];
  close(pathLength(path), 140188.93555342898, 1e-6);
  assert.equal(pathLength([]), 0);
  assert.equal(pathLength([[10, 10]]), 0);
});

test("areas are the ellipsoid's, whichever way round the points go", () => {
  const square = [
    [0, 0],
    [0, 1],
    [1, 1],
    [1, 0],
  ];
  // pyproj: polygon_area_perimeter([0, 1, 1, 0], [0, 0, 1, 1])[0] == 12308778361.469452
  close(polygonArea(square), 12308778361.469452, 1e-2);
  close(polygonArea([...square].reverse()), 12308778361.469452, 1e-2);
  close(
    polygonArea([
      [39.2, 46.2],
      [39.7, 46.6],
      [40.3, 46.2],
    ]),
    2094992560.5792542,
    1e-2,
  );
  assert.equal(polygonArea(square.slice(0, 2)), 0);
});

test("a long segment is drawn along its geodesic", () => {
  const pts = geodesicPoints([0, 0], [0, 5], 100000);
  assert.equal(pts.length, 7);
  for (const [lat] of pts) {
    close(lat, 0, 1e-9);
  }
  assert.equal(geodesicPoints([1, 1], [1, 1.001]).length, 2);
});

test("lengths and areas as a person reads them", () => {
  assert.equal(formatLength(850.4), "850 m");
  assert.equal(formatLength(12345.6789), "12.346 km");
  assert.equal(formatArea(12345.6), "12,346 m\u00b2 (1.23 ha)");
  assert.equal(formatArea(1409160292), "1,409.16 km\u00b2 (140,916 ha)");
});
