/* Lengths and areas on the WGS84 ellipsoid, with GeographicLib (Karney's geodesics: the
 * algorithm PROJ, and so pyproj.Geod, use). Pure: node's test runner checks it. */
import geodesic from "geographiclib-geodesic";
import { num, t } from "./i18n.js";

const WGS84 = geodesic.Geodesic.WGS84;
const G = geodesic.Geodesic;
const LINE_CAPS = G.LATITUDE | G.LONGITUDE | G.DISTANCE_IN;

/** Geodesic length, in metres, of a path of [lat, lng] points. */
export function pathLength(points) {
  let s = 0;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    s += WGS84.Inverse(a[0], a[1], b[0], b[1]).s12;
  }
  return s;
}

/** Geodesic area, in square metres, of the polygon the points enclose (0 under 3 points). */
export function polygonArea(points) {
  if (points.length < 3) {
    return 0;
  }
  const poly = WGS84.Polygon(false);
  for (const [lat, lng] of points) {
    poly.AddPoint(lat, lng);
  }
  return Math.abs(poly.Compute(false, true).area);
}

/** Points along the geodesic from a to b (every `step` metres at most), to draw it. */
export function geodesicPoints(a, b, step = 10000) {
  const line = WGS84.InverseLine(a[0], a[1], b[0], b[1], LINE_CAPS);
  const n = Math.min(100, Math.ceil(line.s13 / step));
  const out = [a];
  for (let k = 1; k < n; k++) {
    const p = line.Position((line.s13 * k) / n, LINE_CAPS);
    out.push([p.lat2, p.lon2]);
  }
  out.push(b);
  return out;
}

/** A length as a person reads it: metres to 1 m below 1 km, then km to 1 m. */
export function formatLength(m) {
  return m < 1000 ? t("{n} m", { n: num(m, 0) }) : t("{n} km", { n: num(m / 1000, 3, true) });
}

/** An area in square metres (as IMSMA records them; km² from 1 km²) and hectares. */
export function formatArea(m2) {
  const ha = t("{n} ha", { n: num(m2 / 10000, m2 < 1e6 ? 2 : 0) });
  return m2 < 1e6
    ? t("{n} m\u00b2 ({hectares})", { n: num(m2, 0), hectares: ha })
    : t("{n} km\u00b2 ({hectares})", { n: num(m2 / 1e6, 2), hectares: ha });
}
