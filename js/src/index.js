/* geomap's one global: `geomap.app(map, config)` draws a map and returns its handle,
 * which is kept in `geomap.maps[<map id>]`. Several maps on one page keep their state
 * apart; a second copy of this script on the page (two embedded maps) changes nothing. */
import { app } from "./app.js";
import { CONFIG_VERSION } from "./decode.js";

if (!globalThis.geomap) {
  const maps = {};
  globalThis.geomap = {
    version: CONFIG_VERSION,
    maps,
    app(map, cfg) {
      const state = app(map, cfg);
      maps[cfg.id] = state;
      return state;
    },
  };
}
