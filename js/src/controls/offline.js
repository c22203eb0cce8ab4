/* Offline orientation: when the basemap's tiles cannot load (or there is no basemap), show
 * the built-in frame, say so in one line, credit what is drawn instead of the tile
 * providers, and hide the mini-map (it would be blank). */
import { el } from "../format.js";
import { FrameLayer } from "../layers/frame.js";

function noticeControl(map) {
  const box = el("div", "geomap-offline-notice leaflet-control");
  box.setAttribute("role", "status");
  box.style.display = "none";
  const ctl = L.control({ position: "bottomleft" });
  ctl.onAdd = () => box;
  ctl.addTo(map);
  return (text) => {
    box.textContent = text || "";
    box.style.display = text ? "" : "none";
  };
}

/* Take the mini-map off the map while it would be blank, and put it back. Removed, not
 * hidden: a hidden mini-map still syncs, and its size change moved the main map back. */
function showMinimap(map, state, on) {
  const mini = state.controls?.minimap;
  if (!mini) {
    return;
  }
  if (on && !mini._map) {
    mini.addTo(map);
  } else if (!on && mini._map) {
    map.removeControl(mini);
  }
}

/* Count a tile layer's loads and errors per batch (the tiles a view asks for); when a whole
 * batch failed (offline, or the network dropped), call fail(layer); when a tile loads, ok(layer). */
function watchTiles(layer, fail, ok) {
  let loaded = 0;
  let errors = 0;
  layer.on("loading", () => {
    loaded = 0;
    errors = 0;
  });
  layer.on("tileload", () => {
    loaded++;
    ok(layer);
  });
  layer.on("tileerror", () => {
    errors++;
  });
  layer.on("load", () => {
    if (!loaded && errors) {
      fail(layer);
    }
  });
}

/** Set a panel entry's layer on or off, through its checkbox once the panel has one. */
function setEntry(map, entry, on) {
  if (entry.input) {
    if (entry.input.checked !== on) {
      entry.input.checked = on;
      entry.input.dispatchEvent(new Event("change"));
    }
  } else if (on) {
    map.addLayer(entry.layer);
  } else {
    map.removeLayer(entry.layer);
  }
}

/**
 * Add the built-in frame (a layer panel entry) and watch the basemaps' tiles.
 *
 * @param {L.Map} map the Leaflet map
 * @param {object} state the map's state (its basemaps, layers and panel entries)
 * @param {object} cfg the page config (`cfg.frame`: the frame, or null)
 */
export function offlineFrame(map, state, cfg) {
  const spec = cfg.frame;
  if (!spec) {
    return;
  }
  const frame = new FrameLayer(map, spec, state);
  const { key, group, name, legend } = spec;
  const entry = { key, group, name, show: spec.show, legend, layer: frame.group, counter: null };
  state.entries.push(entry);
  state.layers[key] = frame;
  const notice = noticeControl(map);
  const failed = new Set();
  const uncredited = new Set();
  let auto = false;
  const update = () => {
    const active = Object.values(state.basemaps).filter((t) => map.hasLayer(t));
    for (const t of active) {
      if (failed.has(t) && !uncredited.has(t)) {
        map.attributionControl?.removeAttribution(t.getAttribution());
        uncredited.add(t);
      }
    }
    const working = active.some((t) => !failed.has(t));
    const reason = working ? null : active.length ? "offline" : "none";
    state.offline = reason;
    notice(reason ? spec.notice[reason] : null);
    showMinimap(map, state, reason !== "offline");
    if (reason && !map.hasLayer(frame.group)) {
      auto = true;
      entry.show = true;
      setEntry(map, entry, true);
    } else if (!reason && auto) {
      auto = false;
      setEntry(map, entry, false);
    }
  };
  const ok = (t) => {
    if (failed.delete(t)) {
      if (uncredited.delete(t) && map.hasLayer(t)) {
        map.attributionControl?.addAttribution(t.getAttribution());
      }
      update();
    }
  };
  for (const t of Object.values(state.basemaps)) {
    const fail = (layer) => {
      failed.add(layer);
      update();
    };
    watchTiles(t, fail, ok);
  }
  map.on("layeradd layerremove", (e) => {
    if (Object.values(state.basemaps).includes(e.layer)) {
      if (e.type === "layerremove") {
        uncredited.delete(e.layer);
      }
      update();
    }
  });
  update();
}
