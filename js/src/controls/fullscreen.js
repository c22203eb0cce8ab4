/* Full screen (leaflet.fullscreen), when its script is on the page. */
export function fullscreenControl(map) {
  if (L.control.fullscreen) {
    L.control.fullscreen({ position: "topleft", title: "Full screen" }).addTo(map);
  }
}
