/* Show my location (leaflet.locatecontrol), when its script is on the page. */
import { el } from "../format.js";
import { t } from "../i18n.js";

/* Never alert(): say it in the map, quietly (no GPS, or permission refused). */
function sayUnavailable(map, err) {
  let box = map.getContainer().querySelector(".geomap-locate-msg");
  if (!box) {
    box = el("div", "geomap-locate-msg");
    map.getContainer().appendChild(box);
  }
  box.textContent = t("Location unavailable: {reason}", { reason: err.message });
  setTimeout(() => box.remove(), 5000);
}

export function locateControl(map) {
  if (L.control.locate) {
    L.control
      .locate({
        position: "topleft",
        flyTo: false,
        showPopup: false,
        strings: { title: t("Show my location") },
        onLocationError: (err) => sayUnavailable(map, err),
      })
      .addTo(map);
  }
}
