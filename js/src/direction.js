/* The map's language and direction. The page config's `i18n` (geomap.i18n.page_locale)
 * sets the app's messages, numbers and dates; a right-to-left language (Arabic) mirrors
 * the map's controls: what is declared top right goes top left and the other way round
 * (the layer panel on the left, the title on the right), whoever declares it (geomap's
 * controls, Leaflet's zoom and credits, the plugins). geomap.css mirrors the text inside. */
import { dir, lang, setLocale, t } from "./i18n.js";

const MIRROR = {
  topleft: "topright",
  topright: "topleft",
  bottomleft: "bottomright",
  bottomright: "bottomleft",
};

let patched = false;

/** Whether the map's controls are mirrored (its language reads right to left). */
export function mirrored(map) {
  return map._geomapMirrored === true;
}

/* A control added to a mirrored map goes to the mirrored corner (Leaflet's addTo asks
 * getPosition for its corner). Maps that are not mirrored are not touched. */
function mirrorNewControls() {
  if (patched) {
    return;
  }
  patched = true;
  const getPosition = L.Control.prototype.getPosition;
  L.Control.prototype.getPosition = function mirroredPosition() {
    const p = getPosition.call(this);
    return this._map && mirrored(this._map) ? MIRROR[p] || p : p;
  };
}

/* The controls already on the map (folium's zoom buttons, the credits) change corners. */
function mirrorPresentControls(map) {
  const corners = map._controlCorners || {};
  for (const [a, b] of [
    ["topleft", "topright"],
    ["bottomleft", "bottomright"],
  ]) {
    if (corners[a] && corners[b]) {
      const left = Array.from(corners[a].children);
      const right = Array.from(corners[b].children);
      corners[a].append(...right);
      corners[b].append(...left);
    }
  }
}

function name(button, text) {
  if (button) {
    button.title = text;
    button.setAttribute("aria-label", text);
  }
}

/* Leaflet's own words on the map: the zoom buttons (folium added them before the app ran)
 * and a popup's close button. */
function leafletWords(map) {
  name(map.zoomControl?._zoomInButton, t("Zoom in"));
  name(map.zoomControl?._zoomOutButton, t("Zoom out"));
  // The credit line is HTML Leaflet rebuilds on every change: translate its prefix's title.
  const credit = map.attributionControl;
  const english = "A JavaScript library for interactive maps";
  const translated = t("A JavaScript library for interactive maps");
  if (credit && typeof credit.options.prefix === "string") {
    const title = translated.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    credit.setPrefix(credit.options.prefix.replace(`title="${english}"`, `title="${title}"`));
  }
  map.on("popupopen", (e) => {
    const close = e.popup.getElement()?.querySelector(".leaflet-popup-close-button");
    close?.setAttribute("aria-label", t("Close popup"));
  });
}

/**
 * Speak the page config's language on this map, and mirror it if it reads right to left.
 *
 * @param {L.Map} map the Leaflet map
 * @param {object} cfg the page config (its `i18n`; absent: English)
 */
export function pageLanguage(map, cfg) {
  setLocale(cfg.i18n);
  const box = map.getContainer();
  box.setAttribute("lang", lang());
  box.setAttribute("dir", dir());
  // geomap's own page says it in <html> too (Python does; this is the fallback). A map
  // embedded in a host page (geomap.embed_html's fragment) leaves the host's alone.
  const root = globalThis.document?.documentElement;
  if (root && !box.closest(".geomap-embed")) {
    root.setAttribute("lang", lang());
    root.setAttribute("dir", dir());
  }
  if (lang() !== "en") {
    leafletWords(map);
  }
  if (dir() === "rtl") {
    map._geomapMirrored = true;
    mirrorNewControls();
    mirrorPresentControls(map);
  }
}
