/* An overview map of the first basemap (leaflet-minimap), when its script is on the page;
 * returns the control (or undefined). */
import { t } from "../i18n.js";
import { userBasemap } from "../layers/userbasemap.js";

export function minimapControl(map, cfg) {
  if (L.Control.MiniMap && cfg.basemaps.length) {
    const b0 = cfg.basemaps[0];
    const tiles = b0.pmtiles
      ? userBasemap(map, b0)
      : L.tileLayer(b0.url, { attribution: "", subdomains: b0.subdomains || "abc" });
    return new L.Control.MiniMap(tiles, {
      toggleDisplay: true,
      position: "bottomright",
      width: 130,
      height: 130,
      strings: { hideText: t("Hide the overview map"), showText: t("Show the overview map") },
    }).addTo(map);
  }
}
