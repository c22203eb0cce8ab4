/* Full screen (leaflet.fullscreen), when its script is on the page. */
import { t } from "../i18n.js";

export function fullscreenControl(map) {
  if (L.control.fullscreen) {
    L.control
      .fullscreen({
        position: "topleft",
        title: t("Full screen"),
        titleCancel: t("Exit full screen"),
      })
      .addTo(map);
  }
}
