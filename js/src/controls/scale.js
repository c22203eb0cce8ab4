/* Leaflet's scale bar. */
export function scaleControl(map) {
  L.control.scale({ position: "bottomright" }).addTo(map);
}
