/* Legend items under a layer's checkbox: a swatch and a label, or a sub-heading. */
import { el } from "../format.js";
import { cellStyle, shapeSwatch } from "../layers/shapes.js";

const SHAPES = new Set(["circle", "square", "triangle", "diamond", "cross", "pentagon"]);

function swatch(item) {
  if (SHAPES.has(item.shape)) {
    return shapeSwatch(item, item.size ? 2 * item.size : 14);
  }
  if (item.shape === "cell") {
    const cell = el("span", "geomap-swatch-cell", item.text);
    cellStyle(cell, {
      size: 16,
      fill: item.fill,
      hatch: item.stroke,
      stroke: item.stroke,
      text: "#333",
    });
    return cell;
  }
  const sw = el("span", `geomap-swatch geomap-swatch-${item.shape || "rect"}`);
  sw.style.background = item.fill || "transparent";
  sw.style.borderColor = item.stroke;
  if (item.dash) {
    sw.style.borderStyle = "dashed";
  }
  if (item.size) {
    sw.style.width = `${2 * item.size}px`;
    sw.style.height = sw.style.width;
  }
  return sw;
}

export function legendBox(items) {
  const box = el("div", "geomap-legend-items");
  for (const item of items) {
    if (item.heading) {
      box.appendChild(el("div", "geomap-legend-sub", item.heading));
      continue;
    }
    const row = el("div", "geomap-legend-item");
    row.appendChild(swatch(item));
    row.appendChild(el("span", null, item.label));
    box.appendChild(row);
  }
  return box;
}
