/* Where a feature is, in a popup: latitude/longitude (DD), DMS and MGRS, copy-ready.
 * In a public map an incident's marker is its generalised cell, so its coordinates are the
 * cell's (which the marker already shows) and the popup says so. */
import { formatDD, formatDMS, formatMGRS, labelPoint } from "./coords.js";
import { el, ltrEl } from "./format.js";
import { t } from "./i18n.js";

/** The heading of an incident's coordinates: its own place, or its cell in a public map. */
export function incidentPlaceLabel(pub) {
  if (!pub) {
    return t("Location");
  }
  return pub.generalise === "district"
    ? t("Centre of the district (generalised, not an incident\u2019s location)")
    : t("Centre of the {size} cell (generalised, not an incident\u2019s location)", {
        size: pub.generalise,
      });
}

/** A hazard area's coordinates are those of a point inside it (see coords.labelPoint). */
export function hazardPlaceLabel() {
  return t("Inside the area (centre)");
}

/**
 * The coordinates block of a popup.
 *
 * @param {number} lat latitude
 * @param {number} lng longitude
 * @param {string} label what the point is
 * @returns {HTMLElement}
 */
export function placeBox(lat, lng, label) {
  const box = el("div", "geomap-place");
  box.appendChild(el("div", "geomap-place-label", label));
  const tbl = el("table");
  for (const [name, cls, value] of [
    [t("Lat, lon"), "geomap-dd", formatDD(lat, lng)],
    ["DMS", "geomap-dms", formatDMS(lat, lng)],
    ["MGRS", "geomap-mgrs", formatMGRS(lat, lng) || "\u2014"],
  ]) {
    const tr = el("tr");
    tr.appendChild(el("th", null, name));
    // Coordinates read left to right, also in a right-to-left page.
    tr.appendChild(ltrEl(el("td", cls, value)));
    tbl.appendChild(tr);
  }
  box.appendChild(tbl);
  return box;
}

/** The coordinates block of a polygon layer: a point inside its current shape. */
export function polygonPlace(polygon) {
  const rings = polygon.getLatLngs();
  const toArrays = (a) => (Array.isArray(a) ? a.map(toArrays) : [a.lat, a.lng]);
  const [lat, lng] = labelPoint(toArrays(rings));
  return placeBox(lat, lng, hazardPlaceLabel());
}
