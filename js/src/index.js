/* geomap's namespace: `__geomap.app(map, config)` draws a map and returns its handle, which
 * is kept in `__geomap.maps[<map id>]`. The page's scripts call it under that name; it is
 * also `geomap` for people, unless the host page has a `geomap` of its own. A host element
 * with `id="geomap"` (or `"__geomap"`) cannot shadow either: an element's named access is
 * never an own property of `window`, so each name is checked as one. Several maps on one
 * page keep their state apart; a second copy of this script (two embedded maps) changes
 * nothing. */
import { app } from "./app.js";
import { CONFIG_VERSION } from "./decode.js";

const BRAND = "geomap-app";

/** The value of a global the page itself set (an own property of the global object). */
function own(name) {
  // (Object.hasOwn is ES2022; field laptops may run older browsers than the es2020 target.)
  return Object.getOwnPropertyDescriptor(globalThis, name) ? globalThis[name] : undefined;
}

function isOurs(value) {
  return value != null && value.brand === BRAND;
}

if (!isOurs(own("__geomap"))) {
  const maps = {};
  globalThis.__geomap = {
    brand: BRAND,
    version: CONFIG_VERSION,
    maps,
    app(map, cfg) {
      const state = app(map, cfg);
      maps[cfg.id] = state;
      return state;
    },
  };
}
if (own("geomap") === undefined) {
  globalThis.geomap = globalThis.__geomap;
}
