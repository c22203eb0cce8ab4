/* An overview map of the first basemap (leaflet-minimap), when its script is on the page. */
export function minimapControl(map, cfg) {
  if (L.Control.MiniMap && cfg.basemaps.length) {
    const b0 = cfg.basemaps[0];
    const tiles = L.tileLayer(b0.url, { attribution: "", subdomains: b0.subdomains || "abc" });
    new L.Control.MiniMap(tiles, {
      toggleDisplay: true,
      position: "bottomright",
      width: 130,
      height: 130,
    }).addTo(map);
  }
}
