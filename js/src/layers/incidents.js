/* Incidents: markers shaped by category and sized by casualties, or clusters
 * (supercluster) when many; a suppressed public cell is a hatched square marked "<k". */
import { getters, points, timeArray } from "../decode.js";
import { hiddenReason } from "../filter.js";
import { bindInfo, el, table } from "../format.js";
import { num, t } from "../i18n.js";
import { incidentPlaceLabel, placeBox } from "../place.js";
import { cellStyle, shapeMarker } from "./shapes.js";
import { entry, findId, renderer, visibleAt } from "./shared.js";

function radius(st, get, i) {
  let total = 0;
  for (const n of st.sizeBy || []) {
    const v = get[n] ? get[n](i) : null;
    if (v) {
      total += v;
    }
  }
  return st.base + st.scale * Math.sqrt(total);
}

/** The marker style of row i; every number and colour comes from the spec. */
export function incidentStyle(st, get, i) {
  const cat = get[st.colorBy] ? get[st.colorBy](i) : null;
  const suppressed = st.suppressedField && get[st.suppressedField]?.(i);
  const unknown = cat === null || cat === "unknown" || !st.palette[cat];
  const shape = (!unknown && st.shapes?.[cat]) || "circle";
  return {
    radius: radius(st, get, i),
    color: st.stroke,
    weight: st.weight,
    fillColor: suppressed ? st.suppressedFill : unknown ? st.fallback : st.palette[cat],
    fillOpacity: suppressed ? st.suppressedOpacity : st.fillOpacity,
    dashArray: unknown && !suppressed ? st.unknownDash || null : null,
    shape,
    suppressed: Boolean(suppressed),
    className: `${st.className} geomap-shape-${shape}${unknown ? " geomap-unknown" : ""}`,
  };
}

function clusterIcon(n) {
  const size = n < 100 ? 30 : n < 1000 ? 38 : 46;
  return L.divIcon({ className: "geomap-cluster", iconSize: [size, size] });
}

/* A suppressed public cell: a hatched square with "<k", not a town-like dot. */
function cellMarker(latlng, cell) {
  const icon = L.divIcon({
    className: "geomap-cell-suppressed",
    iconSize: [cell.size, cell.size],
  });
  const m = L.marker(latlng, { icon, keyboard: false });
  m.on("add", () => {
    const e = m.getElement();
    if (e) {
      cellStyle(e, cell);
      e.textContent = cell.label;
    }
  });
  return m;
}

export class IncidentsLayer {
  constructor(map, spec, state) {
    this.spec = spec;
    this.map = map;
    this.placeLabel = incidentPlaceLabel(state?.cfg?.public);
    this.get = getters(spec.cols);
    // A suppressed cell's values are withheld, not unknown.
    this.withheld = {};
    for (const [k, g] of Object.entries(this.get)) {
      this.withheld[k] = (i) => g(i) ?? t("withheld");
    }
    const p = points(spec);
    this.lat = p.lat;
    this.lng = p.lng;
    this.t = timeArray(spec, "t");
    this.group = L.layerGroup();
    this.renderer = renderer(spec);
    this.T = null;
    this.visible = [];
    this.markers = null;
    this.index = null;
    this.pass = null; // the filters' row test (controls/filters.js); null: every row
    if (spec.mode === "cluster") {
      map.on("moveend", () => {
        if (map.hasLayer(this.group)) {
          this.drawClusters();
        }
      });
      this.group.on("add", () => this.drawClusters());
    } else {
      this.markers = new Array(spec.n);
    }
    this.setTime(null);
  }

  attach(state) {
    state.layers.incidents = this;
    if (this.spec.searchable) {
      state.searchables.incidents = this;
    }
    state.timed.push(this);
    state.entries.push(entry(this.spec, this.group, () => this.count()));
  }

  marker(i) {
    const st = this.spec.style;
    const opts = incidentStyle(st, this.get, i);
    if (this.renderer) {
      opts.renderer = this.renderer;
    }
    const ll = [this.lat(i), this.lng(i)];
    const m = opts.suppressed && st.cell ? cellMarker(ll, st.cell) : shapeMarker(ll, opts);
    bindInfo(m, this.spec, opts.suppressed ? this.withheld : this.get, i, () => this.place(i));
    m.geomapIndex = i;
    return m;
  }

  setTime(T) {
    this.T = T;
    const vis = [];
    for (let i = 0; i < this.spec.n; i++) {
      if (visibleAt(this.t, i, T) && (this.pass === null || this.pass(i))) {
        vis.push(i);
      }
    }
    this.visible = vis;
    if (this.spec.mode === "cluster") {
      const feats = vis.map((i) => ({
        properties: { i },
        geometry: { coordinates: [this.lng(i), this.lat(i)] },
      }));
      const { radius, maxZoom } = this.spec.cluster;
      this.index = new Supercluster({ radius, maxZoom }).load(feats);
      if (this.map.hasLayer(this.group)) {
        this.drawClusters();
      }
      return;
    }
    this.group.clearLayers();
    for (const k of vis) {
      if (!this.markers[k]) {
        this.markers[k] = this.marker(k);
      }
      this.group.addLayer(this.markers[k]);
    }
  }

  clusterMarker(f) {
    const c = f.geometry.coordinates;
    const n = f.properties.point_count;
    const look = this.spec.cluster;
    const m = L.marker([c[1], c[0]], { icon: clusterIcon(n), keyboard: false });
    m.geomapCount = n; // incidents this cluster stands for
    m.on("add", () => {
      const e = m.getElement();
      if (e) {
        // TRANSLATORS: thousands on a cluster of 10,000 incidents or more: "12k".
        const thousands = t("{n}k", { n: Math.round(n / 1000) });
        e.textContent = n >= 10000 ? thousands : String(n);
        if (look.fill) {
          e.style.background = look.fill;
          e.style.color = look.text;
          e.style.borderColor = look.stroke;
        }
      }
    });
    m.bindTooltip(t("Incidents: {n} (click to zoom in)", { n: num(n) }));
    m.on("click", () => {
      const z = this.index.getClusterExpansionZoom(f.properties.cluster_id);
      this.map.setView([c[1], c[0]], Math.min(z, 18));
    });
    return m;
  }

  drawClusters() {
    if (!this.index) {
      return;
    }
    const b = this.map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const found = this.index.getClusters(bbox, Math.round(this.map.getZoom()));
    this.group.clearLayers();
    for (const f of found) {
      this.group.addLayer(
        f.properties.cluster ? this.clusterMarker(f) : this.marker(f.properties.i),
      );
    }
  }

  /** Row i's coordinates block (a popup's last part), with the layer's popup note if any
   * (what the popups leave out, e.g. descriptions in maps of a million incidents). */
  place(i) {
    const box = placeBox(this.lat(i), this.lng(i), this.placeLabel);
    if (this.spec.popupNote) {
      box.appendChild(el("div", "geomap-popup-note", this.spec.popupNote));
    }
    return box;
  }

  count() {
    return this.visible.length;
  }

  find(text) {
    return findId(this, text);
  }

  /** Why row i is not drawn (the slider, the filters), or null. */
  hiddenBy(i) {
    return hiddenReason(!visibleAt(this.t, i, this.T), this.pass !== null && !this.pass(i));
  }

  reveal(i) {
    const ll = [this.lat(i), this.lng(i)];
    this.map.setView(ll, Math.max(this.map.getZoom(), 14));
    if (!this.map.hasLayer(this.group)) {
      this.map.addLayer(this.group);
    }
    const fields = this.spec.popup.length ? this.spec.popup : ["id"];
    const box = table(this.spec.labels, this.get, fields, i, "geomap-popup", this.spec.valueLabels);
    box.appendChild(this.place(i));
    L.popup({ maxWidth: 360 }).setLatLng(ll).setContent(box).openOn(this.map);
  }
}
