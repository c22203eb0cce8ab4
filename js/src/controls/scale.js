/* Leaflet's scale bar, its lengths written in the page's language ("500 m", "2 km"). */
import { num, t } from "../i18n.js";

/* Leaflet writes "<number> <unit>" (m, km, ft, mi); the unit is a message like the
 * measure control's lengths. */
const UNITS = {
  m: (n) => t("{n} m", { n }),
  km: (n) => t("{n} km", { n }),
  ft: (n) => t("{n} ft", { n }),
  mi: (n) => t("{n} mi", { n }),
};

function written(text) {
  const [value, unit] = String(text).split(" ");
  return UNITS[unit] ? UNITS[unit](num(Number(value), 3)) : String(text);
}

export function scaleControl(map) {
  const scale = L.control.scale({ position: "bottomright" });
  const update = scale._updateScale;
  scale._updateScale = function scaled(bar, text, ratio) {
    update.call(this, bar, "", ratio);
    bar.textContent = written(text);
  };
  scale.addTo(map);
}
