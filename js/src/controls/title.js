/* The map's title and subtitle, top left. */
import { el } from "../format.js";

export function titleControl(map, cfg) {
  const ctl = L.control({ position: "topleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-title leaflet-control");
    div.appendChild(el("div", "geomap-title-main", cfg.title));
    if (cfg.subtitle) {
      div.appendChild(el("div", "geomap-title-sub", cfg.subtitle));
    }
    return div;
  };
  ctl.addTo(map);
}
