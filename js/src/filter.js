/* Filters as pure functions of a layer's rows: which rows pass, and the summary's figures.
 * Nothing here touches Leaflet or the DOM (node --test runs it as is); the panel that sets
 * them is controls/filters.js. */
import { DAY_MISSING } from "./decode.js";

/** The value a filter shows for a missing one. */
export const UNKNOWN = "unknown";

/** Days since 1970-01-01 of a YYYY-MM-DD text, or null (empty or not a date). */
export function dayNumber(iso) {
  if (!iso) {
    return null;
  }
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(ms) ? null : Math.round(ms / 86400000);
}

/** The value a filter sees in row i: the text, or "unknown" where it is missing. */
export function filterValue(get, i) {
  const v = get(i);
  return v === null || v === undefined ? UNKNOWN : String(v);
}

/**
 * A layer's row test: each category filter keeps the row's value and its date is in range.
 *
 * @param {Array<{get: Function, keep: Set<string>|null}>} cats the layer's category
 *   filters: a getter of the field, and the values kept (null: every value)
 * @param {{t: Int32Array, from: number|null, to: number|null, undated: boolean}|null} dates
 *   days of each row, the first and last day kept (null: open) and whether undated rows are
 * @returns {Function|null} row index -> kept; null when the filters keep every row
 */
export function rowTest(cats, dates) {
  const active = cats.filter((c) => c.keep !== null);
  const range =
    dates && (dates.from !== null || dates.to !== null || !dates.undated) ? dates : null;
  if (!active.length && range === null) {
    return null;
  }
  return (i) => {
    for (const c of active) {
      if (!c.keep.has(filterValue(c.get, i))) {
        return false;
      }
    }
    if (range !== null) {
      const d = range.t[i];
      if (d === DAY_MISSING) {
        return range.undated;
      }
      return (range.from === null || d >= range.from) && (range.to === null || d <= range.to);
    }
    return true;
  };
}

/**
 * Incidents, killed and injured over rows `rows`, in all and per victim category.
 *
 * @param {number[]} rows the row indices counted (those drawn)
 * @param {{killed?: Function, injured?: Function, victim?: Function}} get getters
 * @returns {{incidents: number, killed: number, injured: number, victims: object}}
 *   missing counts add nothing; `victims[category]` is {killed, injured}
 */
export function incidentFigures(rows, get) {
  const out = { incidents: rows.length, killed: 0, injured: 0, victims: {} };
  for (const i of rows) {
    const killed = get.killed?.(i) ?? 0;
    const injured = get.injured?.(i) ?? 0;
    out.killed += killed;
    out.injured += injured;
    if (get.victim) {
      const cat = filterValue(get.victim, i);
      const v = out.victims[cat] || { killed: 0, injured: 0 };
      v.killed += killed;
      v.injured += injured;
      out.victims[cat] = v;
    }
  }
  return out;
}

/**
 * The summary's area rows (km²) at step k (null: the last) over the device categories kept.
 *
 * @param {object} areas category -> row key -> one value per step
 * @param {Set<string>} keep the categories kept
 * @param {number|null} k the slider's step
 * @returns {object} row key -> km², rounded to 0.01
 */
export function areaFigures(areas, keep, k) {
  const out = {};
  for (const [cat, rows] of Object.entries(areas)) {
    for (const [key, values] of Object.entries(rows)) {
      const v = keep.has(cat) ? values[k === null ? values.length - 1 : k] : 0;
      out[key] = (out[key] || 0) + v;
    }
  }
  for (const key of Object.keys(out)) {
    out[key] = Math.round(out[key] * 100) / 100;
  }
  return out;
}

/** Why a row is not drawn ("slider", "filters", "both"), or null: it is. */
export function hiddenReason(bySlider, byFilters) {
  if (bySlider && byFilters) {
    return "both";
  }
  return bySlider ? "slider" : byFilters ? "filters" : null;
}
