/* Coordinate readout: the coordinate under the mouse (the map's centre when there is no
 * mouse, as on a phone), in DD; a click (or Enter) switches to DMS, then MGRS. */
import { FORMATS } from "../coords.js";
import { el, ltrEl } from "../format.js";
import { t } from "../i18n.js";

const NAMES = Object.keys(FORMATS);

export function cursorControl(map) {
  const ctl = L.control({ position: "bottomright" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-cursor leaflet-control");
    const button = el("button", "geomap-cursor-button");
    button.type = "button";
    const kind = el("span", "geomap-cursor-kind");
    const value = ltrEl(el("span", "geomap-cursor-value"));
    button.appendChild(kind);
    button.appendChild(value);
    div.appendChild(button);
    let k = 0;
    let at = null;
    const draw = () => {
      const ll = (at || map.getCenter()).wrap();
      const name = NAMES[k];
      kind.textContent = at ? name : t("{format} (centre)", { format: name });
      value.textContent = FORMATS[name](ll.lat, ll.lng);
      // The name is the text shown (axe: label-content-name-mismatch); the title describes.
      button.title = t("Coordinates as {format}: click for {next}", {
        format: name,
        next: NAMES[(k + 1) % NAMES.length],
      });
    };
    map.on("mousemove", (e) => {
      at = e.latlng;
      draw();
    });
    map.on("mouseout", () => {
      at = null;
      draw();
    });
    map.on("move", () => {
      if (!at) {
        draw();
      }
    });
    button.addEventListener("click", () => {
      k = (k + 1) % NAMES.length;
      draw();
    });
    L.DomEvent.disableClickPropagation(div);
    draw();
    return div;
  };
  ctl.addTo(map);
  return ctl;
}
