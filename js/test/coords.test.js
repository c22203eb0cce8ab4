// Coordinates as teams type them: DD, DMS, degrees-decimal-minutes and MGRS; formatting back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDD, formatDMS, formatMGRS, labelPoint, parseCoordinate } from "../src/coords.js";

// 40°07'22.8"N 46°27'21.6"E
const LAT = 40 + 7 / 60 + 22.8 / 3600;
const LNG = 46 + 27 / 60 + 21.6 / 3600;

function near(got, lat, lng, tol = 1e-6) {
  assert.ok(got && !got.error, `parsed: ${JSON.stringify(got)}`);
  assert.ok(Math.abs(got.lat - lat) < tol, `lat ${got.lat} != ${lat}`);
  assert.ok(Math.abs(got.lng - lng) < tol, `lng ${got.lng} != ${lng}`);
}

test("decimal degrees in the ways people write them", () => {
  for (const s of [
    "40.123, 46.456",
    "40.123,46.456",
    "40.123 46.456",
    "40.123; 46.456",
    "40.123 N 46.456 E",
    "40.123N, 46.456E",
    "40.123n 46.456e",
    "N40.123 E46.456",
    "N 40.123, E 46.456",
    "46.456 E 40.123 N",
    "40.123\u00b0 N, 46.456\u00b0 E",
    "  +40.123 , +46.456  ",
  ]) {
    const got = parseCoordinate(s);
    near(got, 40.123, 46.456);
    assert.equal(got.kind, "DD", s);
  }
});

test("hemisphere letters and minus signs give the sign", () => {
  near(parseCoordinate("33.9249 S 18.4241 E"), -33.9249, 18.4241);
  near(parseCoordinate("-33.9249, 18.4241"), -33.9249, 18.4241);
  near(parseCoordinate("40.7 N 74.0 W"), 40.7, -74.0);
  near(parseCoordinate("S 12.5, W 77.1"), -12.5, -77.1);
  near(parseCoordinate("12.5 -77.1"), 12.5, -77.1);
  near(parseCoordinate("\u221212.5, \u221277.1"), -12.5, -77.1);
  near(parseCoordinate("40\u00b007'22.8\"S 46\u00b027'21.6\"W"), -LAT, -LNG);
});

test("degrees, minutes and seconds with every spacing and mark", () => {
  for (const s of [
    "40\u00b007'22.8\"N 46\u00b027'21.6\"E",
    "40\u00b0 07' 22.8\" N, 46\u00b0 27' 21.6\" E",
    "40\u00b007\u203222.8\u2033N 46\u00b027\u203221.6\u2033E",
    "40\u00b007\u201922.8\u201dN 46\u00b027\u201921.6\u201dE",
    "40\u00b007'22.8''N 46\u00b027'21.6''E",
    "40\u00ba07'22.8\"N 46\u00ba27'21.6\"E",
    "N 40\u00b007'22.8\" E 46\u00b027'21.6\"",
    "40 07 22.8 N 46 27 21.6 E",
    "40 07 22.8, 46 27 21.6",
    "40 07 22.8 46 27 21.6",
    "40:07:22.8N 46:27:21.6E",
    "40\u00b007'22.8\" 46\u00b027'21.6\"",
  ]) {
    const got = parseCoordinate(s);
    near(got, LAT, LNG);
    assert.equal(got.kind, "DMS", s);
  }
});

test("degrees and decimal minutes (as GPS units show them)", () => {
  near(parseCoordinate("40\u00b007.38'N 46\u00b027.36'E"), 40 + 7.38 / 60, 46 + 27.36 / 60);
  near(parseCoordinate("N 40 07.38 E 46 27.36"), 40 + 7.38 / 60, 46 + 27.36 / 60);
});

test("MGRS with and without spaces, at every precision", () => {
  // Checked against PyPI mgrs (GeoTrans): 38TNK1234567890 is 40.36149 N 45.14540 E.
  for (const s of [
    "38T NK 12345 67890",
    "38TNK1234567890",
    "38t nk 12345 67890",
    " 38T NK1234567890",
  ]) {
    const got = parseCoordinate(s);
    near(got, 40.36149, 45.1454, 2e-5);
    assert.equal(got.kind, "MGRS");
  }
  // 10 m, 1 km and 100 km squares: the centre of the square.
  near(parseCoordinate("38T NK 1234 6789"), 40.36149, 45.1454, 2e-4);
  near(parseCoordinate("38TNK1267"), 40.36, 45.14, 0.01);
  assert.equal(parseCoordinate("38TNK").kind, "MGRS");
});

test("invalid coordinates say why", () => {
  for (const [s, why] of [
    ["95.0, 46.0", /latitude 95 is out of range/],
    ["40.0, 190.0", /longitude 190 is out of range/],
    ["91 N 46 E", /latitude 91 is out of range/],
    ["40 N 46 N", /both coordinates are latitudes/],
    ["40 E 46 W", /both coordinates are longitudes/],
    ["40 N, 46", /both coordinates or for neither/],
    ["-40 N 46 E", /minus sign and a hemisphere/],
    ["40\u00b075'00\"N 46\u00b000'00\"E", /below 60/],
    ["40\u00b007'61\"N 46\u00b000'00\"E", /below 60/],
    ["40.5 07 22 N 46 27 21 E", /may have decimals/],
    ["40.1 46.2 47.3", /is not a coordinate/],
    ['40"07\u00b0 N 46 E', /is not a coordinate/],
    ["38T PK 2406 424", /same number of easting and northing digits/],
    ["61T PK 24062 42425", /zone 61 is out of range/],
    ["38C PK 24062 42425", /not in zone 38C/],
    ["38T PZ 24062 42425", /not a valid grid reference/],
    ["38TII12", /not a valid MGRS/],
  ]) {
    const got = parseCoordinate(s);
    assert.ok(got?.error, `${s}: ${JSON.stringify(got)}`);
    assert.match(got.error, why, s);
  }
});

test("names and ids are not coordinates", () => {
  for (const s of ["Shusha", "INC-0032", "HA-0007", "", "  ", "12345", "Road 7", "N", "E 12"]) {
    assert.equal(parseCoordinate(s), null, s);
  }
});

test("formats: DD to 5 decimals, DMS to tenths of a second, MGRS to 1 m", () => {
  assert.equal(formatDD(LAT, LNG), "40.12300, 46.45600");
  assert.equal(formatDD(-33.92487, -0.000001), "-33.92487, -0.00000");
  assert.equal(formatDMS(LAT, LNG), "40\u00b007'22.8\"N 46\u00b027'21.6\"E");
  assert.equal(formatDMS(-33.5, -70.25), "33\u00b030'00.0\"S 70\u00b015'00.0\"W");
  // 59.96" rounds up into the next minute, not to 60.0".
  assert.equal(formatDMS(10 + 59.99 / 3600, 0), "10\u00b001'00.0\"N 0\u00b000'00.0\"E");
  // PyPI mgrs: toMGRS(40.123, 46.456) == "38TPK2406242425".
  assert.equal(formatMGRS(40.123, 46.456), "38T PK 24062 42425");
  assert.equal(formatMGRS(85, 10), null);
  assert.equal(formatMGRS(-81, 10), null);
});

test("what is formatted parses back to the same place", () => {
  for (const [lat, lng] of [
    [LAT, LNG],
    [-33.9249, 18.4241],
    [0.5, -0.5],
    [60.1, 5.2],
    [-45.0001, 170.9999],
  ]) {
    near(parseCoordinate(formatDD(lat, lng)), lat, lng, 1e-5);
    near(parseCoordinate(formatDMS(lat, lng)), lat, lng, 5e-5);
    near(parseCoordinate(formatMGRS(lat, lng)), lat, lng, 3e-5);
  }
});

test("a polygon's label point is inside it, also for a U shape and a hole", () => {
  const square = [
    [
      [0, 0],
      [0, 2],
      [2, 2],
      [2, 0],
    ],
  ];
  assert.deepEqual(
    labelPoint(square).map((v) => Math.round(v * 1e6) / 1e6),
    [1, 1],
  );
  // A U: its centroid (lat 1.2-ish, lng 1.5) falls in the notch.
  const u = [
    [
      [0, 0],
      [0, 3],
      [3, 3],
      [3, 2],
      [1, 2],
      [1, 1],
      [3, 1],
      [3, 0],
    ],
  ];
  const [lat, lng] = labelPoint(u);
  const inNotch = lat > 1 && lat < 3 && lng > 1 && lng < 2;
  assert.ok(!inNotch, `label point ${lat},${lng} is in the notch`);
  // The largest part of a multipolygon wins.
  const multi = [
    square,
    [
      [
        [10, 10],
        [10, 20],
        [20, 20],
        [20, 10],
      ],
    ],
  ];
  const [mlat, mlng] = labelPoint(multi);
  assert.ok(mlat > 10 && mlat < 20 && mlng > 10 && mlng < 20);
});
