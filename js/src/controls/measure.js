/* Measure distances and areas (leaflet-measure), when its script is on the page. */
export function measureControl(map) {
  if (L.control.measure) {
    L.control
      .measure({
        position: "topleft",
        primaryLengthUnit: "meters",
        secondaryLengthUnit: "kilometers",
        primaryAreaUnit: "hectares",
        secondaryAreaUnit: "sqmeters",
      })
      .addTo(map);
  }
}
