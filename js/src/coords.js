/* Coordinates the way field teams write them: parse and format decimal degrees (DD),
 * degrees-minutes-seconds (DMS, and degrees-decimal-minutes) and MGRS. Pure: no Leaflet,
 * no page, so node's test runner checks every format (js/test/coords.test.js). */
import { forward, inverse, toPoint } from "mgrs/mgrs.js";
import { t } from "./i18n.js";

/** MGRS latitude bands, 8° each from 80°S (X is 12°: 72°N to 84°N). */
const BANDS = "CDEFGHJKLMNPQRSTUVWX";

/** MGRS: zone, band, 100 km square, then 0-10 digits (half easting, half northing). */
const MGRS_RE = /^(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z]{2})(\d*)$/;

/** Unicode marks people paste (primes, curly quotes, ordinal and ring) -> ASCII marks. */
const MARKS = [
  [/[\u00ba\u02da\u2070]/g, "\u00b0"],
  [/[\u2032\u2019\u2018\u00b4`]/g, "'"],
  [/[\u2033\u201d\u201c]|''/g, '"'],
  [/\u2212/g, "-"],
];

/** One token: a number with its mark, a hemisphere letter, or a separator. */
const TOKEN_RE = /\s*(?:([+-]?\d+(?:\.\d+)?)\s*([\u00b0'":]?)|([NSEW])|([,;/]))/y;

function tokens(text) {
  const out = [];
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.lastIndex < text.length) {
    const at = TOKEN_RE.lastIndex;
    const m = TOKEN_RE.exec(text);
    if (!m) {
      return text.slice(at).trim() === "" ? out : null;
    }
    if (m[1] !== undefined) {
      out.push({ num: m[1], mark: m[2] || "" });
    } else if (m[3]) {
      out.push({ hemi: m[3] });
    } else {
      out.push({ sep: true });
    }
  }
  return out;
}

/** Split tokens into the two coordinates' parts: at a separator, by hemisphere, or by marks. */
function halves(toks) {
  const sep = toks.findIndex((tok) => tok.sep);
  if (sep >= 0) {
    return toks.filter((tok) => tok.sep).length === 1
      ? [toks.slice(0, sep), toks.slice(sep + 1)]
      : null;
  }
  const hemis = toks.map((tok, k) => (tok.hemi ? k : -1)).filter((k) => k >= 0);
  if (hemis.length === 2) {
    const cut = hemis[0] === 0 ? hemis[1] : hemis[0] + 1;
    return [toks.slice(0, cut), toks.slice(cut)];
  }
  if (hemis.length) {
    return null;
  }
  const degrees = toks.map((tok, k) => (tok.mark === "\u00b0" ? k : -1)).filter((k) => k >= 0);
  if (degrees.length === 2 && degrees[0] === 0) {
    return [toks.slice(0, degrees[1]), toks.slice(degrees[1])];
  }
  if (toks.length % 2 || degrees.length) {
    return null;
  }
  return [toks.slice(0, toks.length / 2), toks.slice(toks.length / 2)];
}

/** Degrees (signed), minutes and seconds -> decimal degrees; an error message if not valid. */
function component(toks) {
  const hemi = toks.filter((tok) => tok.hemi).map((tok) => tok.hemi);
  const nums = toks.filter((tok) => tok.num !== undefined);
  if (
    hemi.length > 1 ||
    nums.length < 1 ||
    nums.length > 3 ||
    hemi.length + nums.length !== toks.length
  ) {
    return null;
  }
  if (hemi.length && toks[0].hemi === undefined && toks[toks.length - 1].hemi === undefined) {
    return null;
  }
  const marks = ["\u00b0", "'", '"'];
  const values = [];
  for (const [k, tok] of nums.entries()) {
    if (tok.mark && tok.mark !== ":" && tok.mark !== marks[k]) {
      return null;
    }
    if (k > 0 && /^[+-]/.test(tok.num)) {
      return null;
    }
    if (k < nums.length - 1 && tok.num.includes(".")) {
      return {
        error: t("only the last number of \u201c{text}\u201d may have decimals", {
          text: text(toks),
        }),
      };
    }
    values.push(Number(tok.num));
  }
  const [deg, min = 0, sec = 0] = values;
  if (min >= 60 || sec >= 60) {
    return {
      error: t("minutes and seconds must be below 60 in \u201c{text}\u201d", { text: text(toks) }),
    };
  }
  const negative = nums[0].num.startsWith("-");
  if (negative && hemi.length) {
    return {
      error: t("\u201c{text}\u201d has both a minus sign and a hemisphere letter", {
        text: text(toks),
      }),
    };
  }
  let value = Math.abs(deg) + min / 60 + sec / 3600;
  if (negative || hemi[0] === "S" || hemi[0] === "W") {
    value = -value;
  }
  return { value, hemi: hemi[0] || null, parts: nums.length };
}

function text(toks) {
  return toks.map((tok) => (tok.hemi ? tok.hemi : tok.sep ? "," : tok.num + tok.mark)).join(" ");
}

function checkRange(lat, lng) {
  if (!(Math.abs(lat) <= 90)) {
    return t("latitude {value} is out of range (-90 to 90)", { value: lat });
  }
  if (!(Math.abs(lng) <= 180)) {
    return t("longitude {value} is out of range (-180 to 180)", { value: lng });
  }
  return null;
}

/** Latitude and longitude of two parsed components, by hemisphere letters or in that order. */
function latLng(a, b) {
  const axis = (c) => (c.hemi === "N" || c.hemi === "S" ? "lat" : c.hemi ? "lng" : null);
  const [ax, bx] = [axis(a), axis(b)];
  if ((ax === null) !== (bx === null)) {
    return { error: t("give a hemisphere letter for both coordinates or for neither") };
  }
  if (ax !== null && ax === bx) {
    return {
      error:
        ax === "lat"
          ? t("both coordinates are latitudes (N/S)")
          : t("both coordinates are longitudes (E/W)"),
    };
  }
  return ax === "lng" ? { lat: b.value, lng: a.value } : { lat: a.value, lng: b.value };
}

/** What to write instead, when a text reads like a coordinate but is none. */
export function coordinateHelp() {
  return t(
    "write a coordinate as DD (40.123, 46.456), DMS (40\u00b007'22\"N 46\u00b027'21\"E) or MGRS (38T NK 12345 67890)",
  );
}

function parseDegrees(s) {
  const toks = tokens(s);
  if (!toks || toks.filter((tok) => tok.num !== undefined).length < 2) {
    return null;
  }
  const two = halves(toks);
  const [a, b] = two ? two.map(component) : [null, null];
  if (!a || !b) {
    return {
      error: t("\u201c{text}\u201d is not a coordinate: {help}", {
        text: text(toks),
        help: coordinateHelp(),
      }),
    };
  }
  const bad = a.error || b.error;
  if (bad) {
    return { error: bad };
  }
  const ll = latLng(a, b);
  if (ll.error) {
    return ll;
  }
  const range = checkRange(ll.lat, ll.lng);
  if (range) {
    return { error: range };
  }
  const kind = a.parts > 1 || b.parts > 1 ? "DMS" : "DD";
  return { lat: ll.lat, lng: ll.lng, kind };
}

function parseMgrs(s) {
  const compact = s.replace(/\s+/g, "");
  const m = MGRS_RE.exec(compact);
  if (!m) {
    return /^\d{1,2}[A-Z]{3}\d*$/.test(compact)
      ? { error: t("{ref} is not a valid MGRS grid reference", { ref: compact }) }
      : null;
  }
  const [, zone, band, square, digits] = m;
  const ref = `${zone}${band} ${square}${digits ? ` ${digits.slice(0, digits.length / 2)} ${digits.slice(digits.length / 2)}` : ""}`;
  if (Number(zone) < 1 || Number(zone) > 60) {
    return { error: t("MGRS zone {zone} is out of range (1 to 60)", { zone }) };
  }
  if (digits.length % 2 || digits.length > 10) {
    return {
      error: t("MGRS {ref}: give the same number of easting and northing digits (up to 5 each)", {
        ref,
      }),
    };
  }
  let pt;
  let box;
  try {
    pt = toPoint(ref);
    box = inverse(ref);
  } catch {
    return { error: t("MGRS {ref} is not a valid grid reference", { ref }) };
  }
  const south = -80 + 8 * BANDS.indexOf(band);
  const north = band === "X" ? 84 : south + 8;
  if (!Number.isFinite(pt[1]) || box[3] < south || box[1] > north) {
    return {
      error: t("MGRS {ref}: square {square} is not in zone {zone}", {
        ref,
        square,
        zone: `${zone}${band}`,
      }),
    };
  }
  return { lat: pt[1], lng: pt[0], kind: "MGRS" };
}

/**
 * Read a coordinate typed by a person.
 *
 * Accepts decimal degrees ("40.123, 46.456", "40.123 N 46.456 E", "N40.123 E46.456",
 * "-33.9 18.4"), degrees-minutes-seconds and degrees-decimal-minutes
 * (40°07'22"N 46°27'21"E, 40 07 22 N 46 27 21 E, N 40°07.367' E 46°27.35') and MGRS
 * ("38T NK 12345 67890", "38TNK1234567890"). Without hemisphere letters the order is
 * latitude, longitude.
 *
 * @param {string} input what was typed
 * @returns {null|{lat:number,lng:number,kind:string}|{error:string}} null when the text is
 *   not a coordinate at all (search it as a name), the point, or why it is not a valid one
 */
export function parseCoordinate(input) {
  let s = String(input).trim().toUpperCase();
  if (!s || !/\d/.test(s)) {
    return null;
  }
  for (const [re, to] of MARKS) {
    s = s.replace(re, to);
  }
  return parseMgrs(s) || parseDegrees(s);
}

/** Decimal degrees, 5 decimals (about 1 m), latitude first: "40.12300, 46.45600". */
export function formatDD(lat, lng) {
  return `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
}

function dms(value, pos, neg) {
  // Round to tenths of a second first, so 59.96" carries into the minute.
  const tenths = Math.round(Math.abs(value) * 36000);
  const deg = Math.floor(tenths / 36000);
  const min = Math.floor((tenths % 36000) / 600);
  const sec = (tenths % 600) / 10;
  const mm = String(min).padStart(2, "0");
  const ss = sec.toFixed(1).padStart(4, "0");
  return `${deg}\u00b0${mm}'${ss}"${value < 0 && tenths ? neg : pos}`;
}

/** Degrees, minutes, seconds (tenths, about 3 m): 40°07'22.8"N 46°27'21.6"E. */
export function formatDMS(lat, lng) {
  return `${dms(lat, "N", "S")} ${dms(lng, "E", "W")}`;
}

/**
 * MGRS to 1 m, spaced as teams read it ("38T NK 12345 67890"); null outside 80°S-84°N.
 *
 * @param {number} lat latitude
 * @param {number} lng longitude
 * @returns {string|null}
 */
export function formatMGRS(lat, lng) {
  if (!(lat >= -80 && lat <= 84) || !(Math.abs(lng) <= 180)) {
    return null;
  }
  const m = /^(\d{1,2}[A-Z])([A-Z]{2})(\d{5})(\d{5})$/.exec(forward([lng, lat], 5));
  return m ? `${m[1]} ${m[2]} ${m[3]} ${m[4]}` : null;
}

/** The ways a coordinate is shown, in the order a readout cycles through them. */
export const FORMATS = {
  DD: formatDD,
  DMS: formatDMS,
  MGRS: (lat, lng) => formatMGRS(lat, lng) || t("outside MGRS (80\u00b0S to 84\u00b0N)"),
};

/** Signed area of a ring of [lat, lng] (planar, in degrees scaled by cos(lat)). */
function ringArea(ring, k) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][1] * k - ring[i][1] * k) * (ring[j][0] + ring[i][0]);
  }
  return a / 2;
}

function centroid(ring, k) {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [y0, x0] = [ring[j][0], ring[j][1] * k];
    const [y1, x1] = [ring[i][0], ring[i][1] * k];
    const f = x0 * y1 - x1 * y0;
    a += f;
    x += (x0 + x1) * f;
    y += (y0 + y1) * f;
  }
  return a ? [y / (3 * a), x / (3 * a) / k] : [ring[0][0], ring[0][1]];
}

/** Where the horizontal line at `lat` crosses the rings, sorted by longitude. */
function crossings(rings, lat) {
  const xs = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [a, b] = [ring[j], ring[i]];
      if (a[0] > lat !== b[0] > lat) {
        xs.push(a[1] + ((lat - a[0]) / (b[0] - a[0])) * (b[1] - a[1]));
      }
    }
  }
  return xs.sort((p, q) => p - q);
}

/**
 * A point inside a polygon to name its location by: the centroid of its largest part when
 * that lies inside it, else the middle of the widest inside stretch on the centroid's
 * latitude (as a representative point).
 *
 * @param {Array} latlngs a Leaflet polygon's rings ([lat, lng] pairs), or parts of rings
 * @returns {[number, number]} [lat, lng]
 */
export function labelPoint(latlngs) {
  const parts = Array.isArray(latlngs[0][0][0]) ? latlngs : [latlngs];
  const k = Math.cos((parts[0][0][0][0] * Math.PI) / 180) || 1;
  let best = parts[0];
  for (const p of parts) {
    if (Math.abs(ringArea(p[0], k)) > Math.abs(ringArea(best[0], k))) {
      best = p;
    }
  }
  const c = centroid(best[0], k);
  const xs = crossings(best, c[0]);
  let mid = null;
  let width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i] <= c[1] && c[1] <= xs[i + 1]) {
      return c;
    }
    if (xs[i + 1] - xs[i] > width) {
      width = xs[i + 1] - xs[i];
      mid = (xs[i] + xs[i + 1]) / 2;
    }
  }
  return mid === null ? c : [c[0], mid];
}
