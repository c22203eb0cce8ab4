/* "Save image": the map as a PNG (html-to-image, when its script is on the page), in the
 * print layout (legend, north arrow, notices), without the buttons. */
import { el } from "../format.js";
import { t } from "../i18n.js";

/** A file name from the map's title: "Karabakh: mines" -> "karabakh-mines.png". */
export function imageName(title) {
  const slug = String(title || "map")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "map"}.png`;
}

function download(blob, name) {
  const a = el("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

async function save(map, cfg, button) {
  const state = globalThis.__geomap?.maps?.[cfg.id] || {};
  const node = map.getContainer();
  button.disabled = true;
  node.classList.add("geomap-printing");
  state.preparePrint?.();
  try {
    const blob = await globalThis.htmlToImage.toBlob(node, { skipFonts: true, pixelRatio: 1 });
    download(blob, imageName(cfg.title));
  } finally {
    node.classList.remove("geomap-printing");
    state.preparePrint?.();
    button.disabled = false;
  }
}

export function saveImageControl(map, cfg) {
  if (!globalThis.htmlToImage) {
    return;
  }
  const ctl = L.control({ position: "topleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-save-image leaflet-bar leaflet-control");
    const button = el("button", null, "\u2913");
    button.type = "button";
    button.title = t("Save the map as an image (PNG)");
    button.setAttribute("aria-label", button.title);
    button.addEventListener("click", () => save(map, cfg, button));
    div.appendChild(button);
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  ctl.addTo(map);
}
