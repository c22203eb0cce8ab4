/* Measure a path's length and the area it encloses, on the WGS84 ellipsoid.
 *
 * geomap's own small control, not a plugin. leaflet-measure 3.1 (unmaintained since 2018)
 * breaks with Leaflet >= 1.8: its focusable markers pan the map on every click (so the
 * points land elsewhere and it reported 430 km for three points 200 px apart), it measures
 * on a sphere, and its floating panel sat under the time slider. Patching its markers would
 * leave the other two; leaflet.polylinemeasure also measures on a sphere and brings its own
 * layout. This one draws with L.Polyline and L.CircleMarker (nothing focusable: no pan),
 * measures with GeographicLib (geodesy.js: the geodesics pyproj.Geod uses), keeps its panel
 * inside its control and lifts its corner above the others while it is open. */
import { el } from "../format.js";
import { formatArea, formatLength, geodesicPoints, pathLength, polygonArea } from "../geodesy.js";
import { num, t } from "../i18n.js";

const LINE = { color: "#111", weight: 3, interactive: false, className: "geomap-measure-line" };
const DOT = {
  radius: 4,
  color: "#111",
  weight: 2,
  fillColor: "#fff",
  fillOpacity: 1,
  interactive: false,
};

function button(text, cls, label) {
  const b = el("button", cls, text);
  b.type = "button";
  if (label) {
    b.setAttribute("aria-label", label);
    b.title = label;
  }
  return b;
}

function geodesicPath(points) {
  const out = [];
  for (let i = 1; i < points.length; i++) {
    out.push(...geodesicPoints(points[i - 1], points[i]).slice(i > 1 ? 1 : 0));
  }
  return points.length === 1 ? points : out;
}

class Measure {
  constructor(map, div) {
    this.map = map;
    this.div = div;
    this.points = [];
    this.active = false;
    this.drawn = L.layerGroup().addTo(map);
    this.rubber = L.polyline([], { ...LINE, dashArray: "4 6", weight: 2 });
    this.toggle = button("\u21a6", "geomap-measure-toggle", t("Measure distance and area"));
    this.toggle.setAttribute("aria-expanded", "false");
    this.panel = el("div", "geomap-measure-panel");
    this.panel.hidden = true;
    this.help = el("p", "geomap-measure-help");
    this.result = el("div", "geomap-measure-result");
    this.result.setAttribute("aria-live", "polite");
    this.buttons = el("div", "geomap-measure-buttons");
    this.panel.append(this.help, this.result, this.buttons);
    div.append(this.toggle, this.panel);
    this.toggle.addEventListener("click", () => (this.active ? this.cancel() : this.start()));
    this.onClick = (e) => this.add(e.latlng);
    this.onMove = (e) => this.follow(e.latlng);
    this.onPopup = () => map.closePopup();
    this.onKey = (e) => {
      if (e.target.closest?.("input, select, textarea")) {
        return;
      }
      if (e.key === "Escape") {
        this.cancel();
      } else if (e.key === "Enter" && this.points.length > 1) {
        this.finish();
      }
    };
  }

  start() {
    this.clear();
    this.map.closePopup();
    this.listen(true);
    this.rubber.addTo(this.map);
    this.panel.hidden = false;
    this.help.textContent = t("Click the map to add points; Finish (or Enter) when done.");
    this.show();
  }

  stop() {
    this.listen(false);
    this.rubber.remove();
  }

  /* Measuring (on) or not: the map's clicks, the keys, the crosshair, the lifted corner. */
  listen(on) {
    const map = this.map;
    const fn = on ? "on" : "off";
    this.active = on;
    map.getContainer().classList.toggle("geomap-measuring", on);
    this.div.parentElement?.classList.toggle("geomap-measure-over", on);
    map.doubleClickZoom[on ? "disable" : "enable"]();
    map[fn]("click", this.onClick);
    map[fn]("mousemove", this.onMove);
    map[fn]("popupopen", this.onPopup);
    document[on ? "addEventListener" : "removeEventListener"]("keydown", this.onKey);
    this.toggle.setAttribute("aria-expanded", String(on));
  }

  add(latlng) {
    const ll = latlng.wrap();
    this.points.push([ll.lat, ll.lng]);
    L.circleMarker(ll, DOT).addTo(this.drawn);
    this.redraw();
    this.show();
  }

  follow(latlng) {
    const last = this.points[this.points.length - 1];
    this.rubber.setLatLngs(last ? [last, [latlng.lat, latlng.lng]] : []);
  }

  undo() {
    this.points.pop();
    const dots = this.drawn.getLayers().filter((l) => l instanceof L.CircleMarker);
    if (dots.length) {
      this.drawn.removeLayer(dots[dots.length - 1]);
    }
    this.redraw();
    this.show();
  }

  redraw() {
    if (this.path) {
      this.drawn.removeLayer(this.path);
    }
    this.path = this.points.length > 1 ? L.polyline(geodesicPath(this.points), LINE) : null;
    this.path?.addTo(this.drawn);
    this.rubber.setLatLngs([]);
  }

  finish() {
    this.stop();
    this.help.textContent = t("Measured (geodesic, WGS84).");
    this.show();
  }

  cancel() {
    this.stop();
    this.clear();
    this.panel.hidden = true;
  }

  clear() {
    this.points = [];
    this.path = null;
    this.drawn.clearLayers();
    this.result.textContent = "";
  }

  show() {
    const n = this.points.length;
    const metres = pathLength(this.points);
    this.result.textContent = "";
    const line = (cls, text) => this.result.appendChild(el("div", cls, text));
    const distance = t("Distance: {length}", { length: formatLength(metres) });
    line("geomap-measure-distance", distance).dataset.metres = metres;
    if (n > 2) {
      const area = polygonArea(this.points);
      const closed = t("Area (closed): {area}", { area: formatArea(area) });
      line("geomap-measure-area", closed).dataset.squareMetres = area;
    }
    line("geomap-measure-count", t("Points: {n}", { n: num(n) }));
    this.buttons.textContent = "";
    const actions = this.active
      ? [
          [t("Undo"), "geomap-measure-undo", () => this.undo(), n === 0],
          [t("Finish"), "geomap-measure-finish", () => this.finish(), n < 2],
          [t("Cancel"), "geomap-measure-cancel", () => this.cancel(), false],
        ]
      : [
          [t("Measure again"), "geomap-measure-again", () => this.start(), false],
          [t("Clear"), "geomap-measure-clear", () => this.cancel(), false],
        ];
    for (const [text, cls, act, disabled] of actions) {
      const b = button(text, cls);
      b.disabled = disabled;
      // The button goes with the next show(): stop the click here, or Leaflet (which looks
      // for a control among the target's ancestors) takes it for a click on the map.
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        act();
      });
      this.buttons.appendChild(b);
    }
  }
}

/** The measure control (top left); returns its Measure, which tests and notebooks can drive. */
export function measureControl(map) {
  const ctl = L.control({ position: "topleft" });
  let measure = null;
  ctl.onAdd = () => {
    const div = el("div", "leaflet-control-measure geomap-measure leaflet-bar leaflet-control");
    measure = new Measure(map, div);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo(map);
  return measure;
}
