/* Go to a coordinate typed in the search box: fly there, drop a marker until its popup is
 * closed (or the next search), and say what was read, in all three notations. */
import { formatDD, formatMGRS } from "../coords.js";
import { ltr } from "../format.js";
import { t } from "../i18n.js";
import { placeBox } from "../place.js";

/* What the search read, by notation (translated when shown). */
const LABELS = {
  DD: () => t("Searched coordinate (read as decimal degrees)"),
  DMS: () => t("Searched coordinate (read as degrees, minutes, seconds)"),
  MGRS: () => t("Searched coordinate (read as MGRS)"),
};

/**
 * Show a parsed coordinate on the map.
 *
 * @param {L.Map} map the map
 * @param {{lat:number,lng:number,kind:string}} at what coords.parseCoordinate read
 * @param {HTMLElement} msg where the search box says what it did
 * @param {object} state the map's state (holds the one marker of the last search)
 */
export function goToCoordinate(map, at, msg, state) {
  state.gotoMarker?.remove();
  const ll = L.latLng(at.lat, at.lng);
  const marker = L.circleMarker(ll, {
    radius: 9,
    weight: 3,
    color: "#000",
    fillColor: "#fff",
    fillOpacity: 0.6,
    className: "geomap-goto",
  });
  marker.addTo(map);
  marker.bindPopup(() => placeBox(at.lat, at.lng, LABELS[at.kind]()));
  marker.on("popupclose", () => marker.remove());
  state.gotoMarker = marker;
  const mgrs = formatMGRS(at.lat, at.lng);
  msg.classList.add("geomap-search-ok");
  const place = ltr(formatDD(at.lat, at.lng));
  msg.textContent = mgrs
    ? t("Went to {place} (MGRS {mgrs})", { place, mgrs: ltr(mgrs) })
    : t("Went to {place}", { place });
  map.once("moveend", () => marker.openPopup());
  map.flyTo(ll, Math.max(map.getZoom(), 14), { duration: 0.8 });
}
