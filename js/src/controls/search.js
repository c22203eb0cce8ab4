/* Search box: an incident or hazard id first, then a place or district by name. */
import { parseCoordinate } from "../coords.js";
import { el } from "../format.js";
import { t } from "../i18n.js";
import { goToCoordinate } from "./goto.js";

/** What the search says of a row the slider or the filters hide (filter.hiddenReason). */
const HIDDEN = {
  slider: (text) => t("\u201c{text}\u201d is hidden by the time slider", { text }),
  filters: (text) => t("\u201c{text}\u201d is hidden by the filters", { text }),
  both: (text) => t("\u201c{text}\u201d is hidden by the time slider and the filters", { text }),
};

function findPlace(places, q) {
  return (
    places.find((p) => p.label.toLowerCase() === q) ||
    places.find((p) => p.label.toLowerCase().includes(q)) ||
    null
  );
}

function showPlace(map, hit) {
  const b = hit.bounds;
  if (b) {
    map.fitBounds([
      [b[1], b[0]],
      [b[3], b[2]],
    ]);
  } else {
    map.setView([hit.y, hit.x], 13);
  }
  const at = b ? [(b[1] + b[3]) / 2, (b[0] + b[2]) / 2] : [hit.y, hit.x];
  const text = hit.kind ? t("{place} ({kind})", { place: hit.label, kind: hit.kind }) : hit.label;
  L.popup()
    .setLatLng(at)
    .setContent(el("div", "geomap-popup", text))
    .openOn(map);
}

/** Reveal what `q` (lower case) names: true; false when nothing does; or why it is hidden. */
function search(map, state, places, q, typed) {
  for (const layer of Object.values(state.searchables)) {
    const i = layer.find(q);
    if (i !== null) {
      // Never show what the slider or the filters hide: say so instead.
      const why = layer.hiddenBy?.(i);
      if (why) {
        return HIDDEN[why](typed);
      }
      layer.reveal(i);
      return true;
    }
  }
  const hit = findPlace(places, q);
  if (hit) {
    showPlace(map, hit);
  }
  return hit !== null;
}

export function searchControl(map, state, places) {
  const ctl = L.control({ position: "topleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-search leaflet-control");
    const form = el("form");
    const input = el("input");
    input.type = "search";
    input.placeholder = t("Search id, place or coordinate");
    input.setAttribute(
      "aria-label",
      t("Search by id, district, place or coordinate (DD, DMS, MGRS)"),
    );
    const list = el("datalist");
    list.id = `geomap-search-${state.id}`;
    input.setAttribute("list", list.id);
    for (const p of places) {
      const o = el("option");
      o.value = p.label;
      list.appendChild(o);
    }
    const msg = el("div", "geomap-search-msg");
    form.appendChild(input);
    form.appendChild(list);
    div.appendChild(form);
    div.appendChild(msg);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const q = input.value.trim().toLowerCase();
      msg.textContent = "";
      msg.classList.remove("geomap-search-ok");
      const at = parseCoordinate(q);
      if (at && !at.error) {
        goToCoordinate(map, at, msg, state);
      } else if (q) {
        const found = search(map, state, places, q, input.value.trim());
        if (found !== true) {
          msg.textContent =
            found ||
            (at ? at.error : t("Nothing found for \u201c{text}\u201d", { text: input.value }));
        }
      }
    });
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  ctl.addTo(map);
}
