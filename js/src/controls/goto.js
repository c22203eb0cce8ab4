/* Go to a coordinate typed in the search box: fly there, drop a marker until its popup is
 * closed (or the next search), and say what was read, in all three notations. */
import { formatDD, formatMGRS } from "../coords.js";
import { placeBox } from "../place.js";

const LABELS = { DD: "decimal degrees", DMS: "degrees, minutes, seconds", MGRS: "MGRS" };

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
  marker.bindPopup(() =>
    placeBox(at.lat, at.lng, `Searched coordinate (read as ${LABELS[at.kind]})`),
  );
  marker.on("popupclose", () => marker.remove());
  state.gotoMarker = marker;
  const mgrs = formatMGRS(at.lat, at.lng);
  msg.classList.add("geomap-search-ok");
  msg.textContent = `Went to ${formatDD(at.lat, at.lng)}${mgrs ? ` (MGRS ${mgrs})` : ""}`;
  map.once("moveend", () => marker.openPopup());
  map.flyTo(ll, Math.max(map.getZoom(), 14), { duration: 0.8 });
}
