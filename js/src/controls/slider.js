/* The month slider: calls onChange(k) shortly after the user stops moving it. */
import { el, period } from "../format.js";
import { t } from "../i18n.js";

export function sliderControl(map, tl, onChange) {
  const ctl = L.control({ position: "bottomleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-slider leaflet-control");
    const label = el("label", "geomap-slider-label");
    const input = el("input");
    input.type = "range";
    input.min = "0";
    input.max = String(tl.months.length - 1);
    input.step = "1";
    input.value = input.max;
    input.setAttribute("aria-label", t("Show the map up to this month"));
    const out = el("output", "geomap-slider-value", period(tl.months[tl.months.length - 1]));
    input.setAttribute("aria-valuetext", out.textContent);
    // "Up to {month}": the words around the month, in the language's order.
    const [before, after] = t("Up to {month}").split("{month}");
    label.appendChild(el("span", null, before));
    label.appendChild(out);
    if (after) {
      label.appendChild(el("span", null, after));
    }
    div.appendChild(label);
    div.appendChild(input);
    let pending = null;
    input.addEventListener("input", () => {
      const k = Number.parseInt(input.value, 10);
      out.textContent = period(tl.months[k]);
      input.setAttribute("aria-valuetext", out.textContent);
      if (pending) {
        clearTimeout(pending);
      }
      pending = setTimeout(() => {
        pending = null;
        onChange(k);
      }, 30);
    });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
}
