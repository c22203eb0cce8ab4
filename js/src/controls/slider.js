/* The month slider: calls onChange(k) shortly after the user stops moving it. */
import { el } from "../format.js";

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
    input.setAttribute("aria-label", "Show the map up to this month");
    const out = el("output", "geomap-slider-value", tl.months[tl.months.length - 1]);
    label.appendChild(el("span", null, "Up to "));
    label.appendChild(out);
    div.appendChild(label);
    div.appendChild(input);
    let pending = null;
    input.addEventListener("input", () => {
      const k = Number.parseInt(input.value, 10);
      out.textContent = tl.months[k];
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
