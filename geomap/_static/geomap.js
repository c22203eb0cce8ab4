/* geomap: builds a contamination map from compact column data.
 *
 * Every attribute value, field name, label and title reaches the page through
 * textContent, never innerHTML: text from the data stays text.
 * One global, `geomap`; several maps on one page keep their state apart in
 * geomap.maps[<map id>].
 */
(function (root) {
  "use strict";
  if (root.geomap) { return; }

  var DAY_MISSING = -2147483648;

  /* ---------- decoding ---------- */

  function bytes(b64) {
    var bin = atob(b64), n = bin.length, out = new Uint8Array(n);
    for (var i = 0; i < n; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function typed(col) {
    var buf = bytes(col.b64).buffer;
    switch (col.t) {
      case "u1": return new Uint8Array(buf);
      case "u2": return new Uint16Array(buf);
      case "i2": return new Int16Array(buf);
      case "i4": return new Int32Array(buf);
      case "f8": return new Float64Array(buf);
      default: throw new Error("geomap: unknown column type " + col.t);
    }
  }

  /* Deflated JSON (a long list of text), inflated by pako the first time it is needed. */
  function inflated(b64) {
    var value = null;
    return function () {
      if (value === null) { value = JSON.parse(pako.inflateRaw(bytes(b64), { to: "string" })); }
      return value;
    };
  }

  function getter(col) {
    if (col === undefined || col === null) { return function () { return null; }; }
    if (col.d || col.dz) {
      var codes = typed(col.i), na = col.i.na;
      var dict = col.d ? function () { return col.d; } : inflated(col.dz);
      return function (i) { var k = codes[i]; return k === na ? null : dict()[k]; };
    }
    if (col.days) {
      var d = typed(col.days);
      return function (i) {
        var v = d[i];
        return v === DAY_MISSING ? null : new Date(v * 86400000).toISOString().slice(0, 10);
      };
    }
    if (col.z) {
      var list = inflated(col.z);
      return function (i) { var v = list()[i]; return v === undefined ? null : v; };
    }
    if (col.b64) {
      var arr = typed(col), miss = col.na;
      return function (i) { var v = arr[i]; return v === miss ? null : v; };
    }
    return function (i) { var v = col[i]; return v === undefined ? null : v; };
  }

  function getters(cols) {
    var out = {};
    Object.keys(cols || {}).forEach(function (k) { out[k] = getter(cols[k]); });
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function show(v) {
    if (v === null || v === undefined || v === "") { return "\u2014"; }
    if (typeof v === "number") { return v.toLocaleString("en-US"); }
    return String(v);
  }

  function table(labels, get, fields, i, cls) {
    var box = el("div", cls), t = el("table");
    fields.forEach(function (name) {
      var tr = el("tr");
      tr.appendChild(el("th", null, labels[name] || name));
      tr.appendChild(el("td", null, show(get[name] ? get[name](i) : null)));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  function bindInfo(layer, spec, get, i) {
    if (spec.popup && spec.popup.length) {
      layer.bindPopup(function () { return table(spec.labels, get, spec.popup, i, "geomap-popup"); },
                      { maxWidth: 360 });
    }
    if (spec.tooltip && spec.tooltip.length) {
      layer.bindTooltip(function () { return table(spec.labels, get, spec.tooltip, i, "geomap-tooltip"); },
                        { sticky: true });
    }
  }

  /* Absolute int coordinates from absolute values, or from ring starts and int16 steps. */
  function coordinates(g, ring) {
    if (g.xy) { return typed(g.xy); }
    var steps = new Int16Array(bytes(g.steps.b64).buffer), starts = typed(g.starts);
    var out = new Int32Array(steps.length);
    for (var r = 0; r < ring.length - 1; r++) {
      var a = ring[r], b = ring[r + 1], x = starts[2 * r], y = starts[2 * r + 1];
      for (var c = a; c < b; c++) {
        if (c > a) { x += steps[2 * c]; y += steps[2 * c + 1]; }
        out[2 * c] = x;
        out[2 * c + 1] = y;
      }
    }
    return out;
  }

  /* Polygons from a ragged binary MultiPolygon array. */
  function polygonsLatLngs(g) {
    var ring = typed(g.ring), part = typed(g.part), geom = typed(g.geom), xy = coordinates(g, ring);
    var s = 1 / g.scale, out = new Array(geom.length - 1);
    for (var gi = 0; gi < geom.length - 1; gi++) {
      var parts = [];
      for (var pi = geom[gi]; pi < geom[gi + 1]; pi++) {
        var rings = [];
        for (var ri = part[pi]; ri < part[pi + 1]; ri++) {
          var pts = [];
          for (var ci = ring[ri]; ci < ring[ri + 1]; ci++) {
            pts.push([xy[2 * ci + 1] * s, xy[2 * ci] * s]);
          }
          rings.push(pts);
        }
        parts.push(rings);
      }
      out[gi] = parts.length === 1 ? parts[0] : parts;
    }
    return out;
  }

  /* ---------- layers ---------- */

  /* Days since 1970 for the time slider: a column of the layer, or an array of its own. */
  function timeArray(spec, key) {
    var t = spec.time && spec.time[key];
    if (t === undefined || t === null) { return null; }
    return typeof t === "string" ? typed(spec.cols[t].days) : typed(t);
  }

  function visibleAt(t, i, T) {
    return t === null || T === null || t[i] === DAY_MISSING || t[i] <= T;
  }

  function incidentRadius(st, get, i) {
    var total = 0;
    (st.sizeBy || []).forEach(function (n) { var v = get[n] ? get[n](i) : null; if (v) { total += v; } });
    return st.base + st.scale * Math.sqrt(total);
  }

  function incidentStyle(st, get, i, renderer) {
    var cat = get[st.colorBy] ? get[st.colorBy](i) : null;
    var suppressed = st.suppressedField && get[st.suppressedField] && get[st.suppressedField](i);
    var o = {
      radius: incidentRadius(st, get, i),
      color: "#222", weight: 1,
      fillColor: suppressed ? "#ffffff" : (st.palette[cat] || st.fallback),
      fillOpacity: suppressed ? 0.6 : 0.85,
      className: st.className
    };
    if (renderer) { o.renderer = renderer; }
    return o;
  }

  function PointsLayer(map, spec, app) {
    var self = this;
    this.spec = spec;
    this.get = getters(spec.cols);
    var xs = typed(spec.x), ys = typed(spec.y), sc = 1 / spec.scale;
    this.lat = function (i) { return ys[i] * sc; };
    this.lng = function (i) { return xs[i] * sc; };
    this.t = timeArray(spec, "t");
    this.group = L.layerGroup();
    this.renderer = spec.canvas ? L.canvas({ padding: 0.5 }) : null;
    this.T = null;
    this.visible = [];
    this.markers = null;
    this.map = map;
    if (spec.mode === "cluster") {
      this.index = null;
      map.on("moveend", function () { if (map.hasLayer(self.group)) { self.drawClusters(); } });
      this.group.on("add", function () { self.drawClusters(); });
    } else {
      this.markers = new Array(spec.n);
    }
    this.setTime(null);
  }

  PointsLayer.prototype.marker = function (i) {
    var m = L.circleMarker([this.lat(i), this.lng(i)], incidentStyle(this.spec.style, this.get, i, this.renderer));
    bindInfo(m, this.spec, this.get, i);
    m.geomapIndex = i;
    return m;
  };

  PointsLayer.prototype.setTime = function (T) {
    this.T = T;
    var n = this.spec.n, vis = [];
    for (var i = 0; i < n; i++) { if (visibleAt(this.t, i, T)) { vis.push(i); } }
    this.visible = vis;
    if (this.spec.mode === "cluster") {
      var self = this;
      var feats = new Array(vis.length);
      for (var f = 0; f < vis.length; f++) {
        var i = vis[f];
        feats[f] = { properties: { i: i }, geometry: { coordinates: [self.lng(i), self.lat(i)] } };
      }
      this.index = new Supercluster({ radius: 70, maxZoom: 12 }).load(feats);
      if (this.map.hasLayer(this.group)) { this.drawClusters(); }
    } else {
      this.group.clearLayers();
      for (var j = 0; j < vis.length; j++) {
        var k = vis[j];
        if (!this.markers[k]) { this.markers[k] = this.marker(k); }
        this.group.addLayer(this.markers[k]);
      }
    }
  };

  PointsLayer.prototype.drawClusters = function () {
    if (!this.index) { return; }
    var map = this.map, b = map.getBounds(), z = map.getZoom(), self = this;
    var found = this.index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(z));
    this.group.clearLayers();
    found.forEach(function (f) {
      var c = f.geometry.coordinates;
      if (f.properties.cluster) {
        var n = f.properties.point_count;
        var size = n < 100 ? 30 : n < 1000 ? 38 : 46;
        var icon = L.divIcon({ className: "geomap-cluster", iconSize: [size, size] });
        var m = L.marker([c[1], c[0]], { icon: icon, keyboard: false });
        m.on("add", function () {
          var e = m.getElement();
          if (e) { e.textContent = n >= 10000 ? Math.round(n / 1000) + "k" : String(n); }
        });
        m.bindTooltip(n.toLocaleString("en-US") + " incidents: click to zoom in");
        m.on("click", function () {
          map.setView([c[1], c[0]], Math.min(self.index.getClusterExpansionZoom(f.properties.cluster_id), 18));
        });
        self.group.addLayer(m);
      } else {
        self.group.addLayer(self.marker(f.properties.i));
      }
    });
  };

  PointsLayer.prototype.count = function () { return this.visible.length; };

  /* The row whose id is `text` (lower case), or null. */
  function findId(layer, text) {
    var ids = layer.get.id;
    if (!ids) { return null; }
    for (var i = 0; i < layer.spec.n; i++) {
      var v = ids(i);
      if (v !== null && String(v).toLowerCase() === text) { return i; }
    }
    return null;
  }

  PointsLayer.prototype.find = function (text) { return findId(this, text); };

  PointsLayer.prototype.reveal = function (i) {
    var ll = [this.lat(i), this.lng(i)];
    this.map.setView(ll, Math.max(this.map.getZoom(), 14));
    if (!this.map.hasLayer(this.group)) { this.map.addLayer(this.group); }
    L.popup({ maxWidth: 360 }).setLatLng(ll)
      .setContent(table(this.spec.labels, this.get, this.spec.popup.length ? this.spec.popup : ["id"], i, "geomap-popup"))
      .openOn(this.map);
  };

  function hazardStyle(st, get, i, activeNow) {
    var status = activeNow ? "active" : (get[st.statusField] ? get[st.statusField](i) : null);
    var klass = get[st.classField] ? get[st.classField](i) : null;
    var key = status === "active" ? "active " + klass : status;
    var fill = st.palette[key] || st.fallback;
    return {
      color: status === "active" ? (st.outline[klass] || fill) : fill,
      weight: klass === "CHA" ? 2.5 : 1.5,
      dashArray: st.dash[klass] || null,
      fillColor: fill,
      fillOpacity: status === "active" ? 0.45 : 0.3,
      opacity: 0.9,
      className: st.className + (status === "active" ? " geomap-active" : " geomap-released")
    };
  }

  /* Hazard areas: one layer for what is active at the slider's date, one for released land. */
  function HazardLayers(map, spec) {
    this.spec = spec;
    this.map = map;
    this.get = getters(spec.cols);
    this.t0 = timeArray(spec, "t0");
    this.t1 = timeArray(spec, "t1");
    this.released = spec.released ? typed(spec.released) : null;
    this.renderer = spec.canvas ? L.canvas({ padding: 0.5 }) : null;
    this.latlngs = polygonsLatLngs(spec.g);
    this.fine = null;
    this.detailed = new Uint8Array(spec.n);
    if (spec.gFine) {
      var self = this;
      map.on("moveend", function () { self.refine(); });
    }
    this.active = L.layerGroup();
    this.releasedGroup = L.layerGroup();
    this.shapes = new Array(spec.n);
    this.state = new Int8Array(spec.n).fill(-1);
    this.nActive = 0;
    this.nReleased = 0;
    this.setTime(null);
  }

  HazardLayers.prototype.shape = function (i) {
    if (!this.shapes[i]) {
      var opts = hazardStyle(this.spec.style, this.get, i, false);
      if (this.renderer) { opts.renderer = this.renderer; }
      var p = L.polygon(this.latlngs[i], opts);
      bindInfo(p, this.spec, this.get, i);
      this.shapes[i] = p;
    }
    return this.shapes[i];
  };

  /* Zoomed in past detailZoom: give the polygons in view their full detail. */
  HazardLayers.prototype.refine = function () {
    if (!this.spec.gFine || this.map.getZoom() < this.spec.detailZoom) { return; }
    if (!this.fine) { this.fine = polygonsLatLngs(this.spec.gFine); }
    var view = this.map.getBounds().pad(0.5);
    for (var i = 0; i < this.spec.n; i++) {
      var s = this.shapes[i];
      if (s && !this.detailed[i] && view.intersects(s.getBounds())) {
        s.setLatLngs(this.fine[i]);
        this.detailed[i] = 1;
      }
    }
  };

  HazardLayers.prototype.setTime = function (T) {
    var n = this.spec.n, a = 0, r = 0;
    for (var i = 0; i < n; i++) {
      var recorded = visibleAt(this.t0, i, T);
      var rel = recorded && this.released && this.released[i] === 1 && visibleAt(this.t1, i, T);
      var state = !recorded ? 0 : rel ? 2 : 1;
      if (state === 1) { a++; } else if (state === 2) { r++; }
      if (state === this.state[i]) { continue; }
      var s = this.shapes[i];
      if (s) { this.active.removeLayer(s); this.releasedGroup.removeLayer(s); }
      if (state > 0) {
        s = this.shape(i);
        s.setStyle(hazardStyle(this.spec.style, this.get, i, state === 1));
        (state === 1 ? this.active : this.releasedGroup).addLayer(s);
      }
      this.state[i] = state;
    }
    this.nActive = a;
    this.nReleased = r;
  };

  HazardLayers.prototype.find = function (text) { return findId(this, text); };

  HazardLayers.prototype.reveal = function (i) {
    var s = this.shape(i);
    this.map.fitBounds(s.getBounds(), { maxZoom: 16 });
    var group = this.state[i] === 2 ? this.releasedGroup : this.active;
    if (!this.map.hasLayer(group)) { this.map.addLayer(group); }
    if (this.map.hasLayer(s)) { s.openPopup(); } else {
      L.popup().setLatLng(s.getBounds().getCenter())
        .setContent(table(this.spec.labels, this.get, this.spec.popup, i, "geomap-popup")).openOn(this.map);
    }
  };

  /* Plain polygons or lines with one style (districts outline, proposed areas, roads). */
  function SimpleLayer(map, spec) {
    this.spec = spec;
    this.get = getters(spec.cols);
    var opts = spec.style || {};
    if (spec.pane) { opts.pane = spec.pane; }
    var latlngs = spec.g ? polygonsLatLngs(spec.g) : null;
    var group = L.featureGroup();
    var self = this;
    var px = spec.kind === "points" ? typed(spec.x) : null, py = spec.kind === "points" ? typed(spec.y) : null;
    this.valueStyle = null;
    if (spec.choropleth) {
      var ch = spec.choropleth, vals = this.get[ch.field];
      this.valueStyle = function (i) {
        var v = vals(i), c = ch.nodata;
        if (v !== null) { for (var k = 0; k < ch.breaks.length; k++) { if (v <= ch.breaks[k]) { c = ch.colors[k]; break; } } }
        return { color: "#555", weight: 1, fillColor: c, fillOpacity: 0.7, className: opts.className,
                 pane: opts.pane || "overlayPane" };
      };
    }
    for (var i = 0; i < spec.n; i++) {
      var layer;
      if (spec.kind === "lines") {
        layer = L.polyline(L.GeoJSON.coordsToLatLngs(spec.lines[i], spec.lines[i].length && Array.isArray(spec.lines[i][0][0]) ? 1 : 0), opts);
      } else if (spec.kind === "points") {
        layer = L.circleMarker([py[i] / spec.scale, px[i] / spec.scale], opts);
      } else {
        layer = L.polygon(latlngs[i], this.valueStyle ? this.valueStyle(i) : opts);
      }
      bindInfo(layer, spec, this.get, i);
      group.addLayer(layer);
    }
    this.group = group;
    this.count = function () { return self.spec.n; };
  }

  function HeatLayer(map, points, spec) {
    this.points = points;
    this.weight = spec.weight || [];
    this.layer = L.heatLayer([], { radius: 18, blur: 15, maxZoom: 12, minOpacity: 0.3 });
    this.stale = true;
    var self = this;
    // Built when first shown (it starts hidden), and again after the slider moves.
    this.layer.on("add", function () { if (self.stale) { self.setTime(); } });
  }

  HeatLayer.prototype.setTime = function () {
    var shown = this.layer._map;
    this.stale = !shown;
    if (!shown) { return; }
    var p = this.points, get = p.get, w = this.weight, data = new Array(p.visible.length);
    var max = 1;
    for (var j = 0; j < p.visible.length; j++) {
      var i = p.visible[j], c = 0;
      for (var k = 0; k < w.length; k++) { var v = get[w[k]] ? get[w[k]](i) : null; if (v) { c += v; } }
      c = Math.max(c, 1);
      if (c > max) { max = c; }
      data[j] = [p.lat(i), p.lng(i), c];
    }
    this.layer.setOptions({ max: Math.min(max, 5) });
    this.layer.setLatLngs(data);
    this.stale = false;
  };

  /* ---------- controls ---------- */

  function swatch(item) {
    var sw = el("span", "geomap-swatch geomap-swatch-" + (item.shape || "rect"));
    sw.style.background = item.fill || "transparent";
    sw.style.borderColor = item.stroke || item.fill || "#333";
    if (item.dash) { sw.style.borderStyle = "dashed"; }
    if (item.size) { sw.style.width = sw.style.height = (2 * item.size) + "px"; }
    return sw;
  }

  function legendBox(items) {
    var box = el("div", "geomap-legend-items");
    items.forEach(function (item) {
      if (item.heading) { box.appendChild(el("div", "geomap-legend-sub", item.heading)); return; }
      var row = el("div", "geomap-legend-item");
      row.appendChild(swatch(item));
      row.appendChild(el("span", null, item.label));
      box.appendChild(row);
    });
    return box;
  }

  /* One panel: basemaps, then groups of layers, each with its checkbox and legend. */
  function layerPanel(map, app, cfg) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var div = el("div", "geomap-panel leaflet-control");
      var head = el("div", "geomap-panel-head");
      var toggle = el("button", "geomap-panel-toggle", "Layers & legend");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "true");
      head.appendChild(toggle);
      div.appendChild(head);
      var body = el("div", "geomap-panel-body");
      div.appendChild(body);
      toggle.addEventListener("click", function () {
        var open = body.style.display === "none";
        body.style.display = open ? "" : "none";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
      if (cfg.basemaps.length) {
        var bg = el("fieldset", "geomap-group");
        bg.appendChild(el("legend", null, "Basemap"));
        var name = "geomap-base-" + app.id;
        var choices = cfg.basemaps.map(function (b) { return { label: b.name, layer: app.basemaps[b.name] }; });
        choices.push({ label: "None", layer: null });
        choices.forEach(function (c, k) {
          var lab = el("label", "geomap-row");
          var input = el("input");
          input.type = "radio";
          input.name = name;
          input.checked = k === 0;
          input.addEventListener("change", function () {
            Object.keys(app.basemaps).forEach(function (n) { map.removeLayer(app.basemaps[n]); });
            if (c.layer) { map.addLayer(c.layer); c.layer.bringToBack(); }
          });
          lab.appendChild(input);
          lab.appendChild(el("span", null, c.label));
          bg.appendChild(lab);
        });
        body.appendChild(bg);
      }
      var groups = {};
      app.entries.forEach(function (entry) {
        var g = groups[entry.group];
        if (!g) {
          g = groups[entry.group] = el("fieldset", "geomap-group");
          g.appendChild(el("legend", null, entry.group));
          body.appendChild(g);
        }
        var row = el("div", "geomap-entry");
        row.setAttribute("data-layer", entry.key);
        var lab = el("label", "geomap-row");
        var input = el("input");
        input.type = "checkbox";
        input.checked = entry.show;
        var text = el("span", "geomap-entry-name", entry.name);
        var count = el("span", "geomap-count");
        entry.countEl = count;
        lab.appendChild(input);
        lab.appendChild(text);
        lab.appendChild(count);
        row.appendChild(lab);
        var legend = entry.legend && entry.legend.length ? legendBox(entry.legend) : null;
        if (legend) { row.appendChild(legend); }
        var sync = function () {
          if (input.checked) { map.addLayer(entry.layer); } else { map.removeLayer(entry.layer); }
          if (legend) { legend.style.display = input.checked ? "" : "none"; }
        };
        input.addEventListener("change", sync);
        entry.input = input;
        sync();
        g.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
  }

  function titleControl(map, cfg) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var div = el("div", "geomap-title leaflet-control");
      div.appendChild(el("div", "geomap-title-main", cfg.title));
      if (cfg.subtitle) { div.appendChild(el("div", "geomap-title-sub", cfg.subtitle)); }
      return div;
    };
    ctl.addTo(map);
  }

  function summaryControl(map, app, s) {
    var ctl = L.control({ position: "bottomleft" });
    var cells = {};
    ctl.onAdd = function () {
      var div = el("div", "geomap-summary leaflet-control");
      var head = el("button", "geomap-summary-title", s.title);
      head.type = "button";
      div.appendChild(head);
      var when = el("div", "geomap-summary-when");
      cells.when = when;
      div.appendChild(when);
      var t = el("table");
      s.rows.forEach(function (r) {
        var tr = el("tr", r.indent ? "geomap-indent" : null);
        tr.appendChild(el("th", null, r.label));
        var td = el("td");
        td.setAttribute("data-key", r.key);
        cells[r.key] = td;
        tr.appendChild(td);
        t.appendChild(tr);
      });
      div.appendChild(t);
      var note = s.note ? el("div", "geomap-summary-note", s.note) : null;
      if (note) { div.appendChild(note); }
      // Collapsible; collapsed from the start in a small map (an embed, a phone).
      var setOpen = function (open) {
        t.style.display = open ? "" : "none";
        if (note) { note.style.display = open ? "" : "none"; }
        head.setAttribute("aria-expanded", open ? "true" : "false");
      };
      setOpen(map.getSize().y >= 560);
      head.addEventListener("click", function () { setOpen(t.style.display === "none"); });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    ctl.addTo(map);
    return function (k) {
      cells.when.textContent = k === null ? "" : "Up to the end of " + s.months[k];
      s.rows.forEach(function (r) {
        var v = r.values[k === null ? r.values.length - 1 : k];
        cells[r.key].textContent = v === null ? "\u2014" : (typeof v === "number" ? v.toLocaleString("en-US") : String(v));
      });
    };
  }

  function sliderControl(map, tl, onChange) {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      var div = el("div", "geomap-slider leaflet-control");
      var label = el("label", "geomap-slider-label");
      var input = el("input");
      input.type = "range";
      input.min = "0";
      input.max = String(tl.months.length - 1);
      input.step = "1";
      input.value = input.max;
      input.setAttribute("aria-label", "Show the map up to this month");
      var out = el("output", "geomap-slider-value", tl.months[tl.months.length - 1]);
      label.appendChild(el("span", null, "Up to "));
      label.appendChild(out);
      div.appendChild(label);
      div.appendChild(input);
      var pending = null;
      input.addEventListener("input", function () {
        var k = parseInt(input.value, 10);
        out.textContent = tl.months[k];
        if (pending) { clearTimeout(pending); }
        pending = setTimeout(function () { pending = null; onChange(k); }, 30);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
  }

  function searchControl(map, app, places) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var div = el("div", "geomap-search leaflet-control");
      var form = el("form");
      var input = el("input");
      input.type = "search";
      input.placeholder = "Search id, district or place";
      input.setAttribute("aria-label", "Search by id, district or place");
      var listId = "geomap-search-" + app.id;
      input.setAttribute("list", listId);
      var list = el("datalist");
      list.id = listId;
      places.forEach(function (p) { var o = el("option"); o.value = p.label; list.appendChild(o); });
      var msg = el("div", "geomap-search-msg");
      form.appendChild(input);
      form.appendChild(list);
      div.appendChild(form);
      div.appendChild(msg);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var q = input.value.trim().toLowerCase();
        msg.textContent = "";
        if (!q) { return; }
        var keys = Object.keys(app.searchables);
        for (var k = 0; k < keys.length; k++) {
          var layer = app.searchables[keys[k]], i = layer.find(q);
          if (i !== null) { layer.reveal(i); return; }
        }
        var hit = null;
        places.forEach(function (p) { if (!hit && p.label.toLowerCase() === q) { hit = p; } });
        if (!hit) { places.forEach(function (p) { if (!hit && p.label.toLowerCase().indexOf(q) >= 0) { hit = p; } }); }
        if (hit) {
          if (hit.bounds) { map.fitBounds([[hit.bounds[1], hit.bounds[0]], [hit.bounds[3], hit.bounds[2]]]); }
          else { map.setView([hit.y, hit.x], 13); }
          L.popup().setLatLng(hit.bounds ? [(hit.bounds[1] + hit.bounds[3]) / 2, (hit.bounds[0] + hit.bounds[2]) / 2] : [hit.y, hit.x])
            .setContent(el("div", "geomap-popup", hit.label + (hit.kind ? " (" + hit.kind + ")" : ""))).openOn(map);
          return;
        }
        msg.textContent = "Nothing found for \u201c" + input.value + "\u201d";
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    ctl.addTo(map);
  }

  /* ---------- the app ---------- */

  function app(map, cfg) {
    var id = cfg.id;
    // Choropleths go under everything else drawn.
    map.createPane("geomap-below").style.zIndex = 350;
    if (cfg.icons) { L.Icon.Default.mergeOptions(cfg.icons); L.Icon.Default.prototype.options.imagePath = ""; }
    var state = { id: id, map: map, layers: {}, entries: [], basemaps: {}, searchables: {}, cfg: cfg };
    cfg.basemaps.forEach(function (b, k) {
      var t = L.tileLayer(b.url, { attribution: b.attribution, maxZoom: b.maxZoom || 19, subdomains: b.subdomains || "abc" });
      state.basemaps[b.name] = t;
      if (k === 0) { t.addTo(map); }
    });
    var timed = [];
    var clock = function () { return (root.performance && performance.now) ? performance.now() : Date.now(); };
    state.timings = {};
    cfg.layers.forEach(function (spec) {
      var t0 = clock();
      var entry = { key: spec.key, group: spec.group, name: spec.name, show: spec.show, legend: spec.legend };
      var obj = null;
      if (spec.kind === "hazards") {
        obj = new HazardLayers(map, spec);
        state.layers.hazards = obj;
        state.searchables.hazards = obj;
        timed.push(obj);
        state.entries.push({ key: "hazards-active", group: spec.group, name: spec.names.active, show: spec.show,
                             legend: spec.legends.active, layer: obj.active, counter: function () { return obj.nActive; } });
        state.entries.push({ key: "hazards-released", group: spec.group, name: spec.names.released, show: spec.show,
                             legend: spec.legends.released, layer: obj.releasedGroup, counter: function () { return obj.nReleased; } });
        state.layers["hazards-active"] = obj.active;
        state.layers["hazards-released"] = obj.releasedGroup;
        state.timings[spec.key] = clock() - t0;
        return;
      }
      if (spec.kind === "incidents") {
        obj = new PointsLayer(map, spec, state);
        state.layers.incidents = obj;
        if (spec.searchable) { state.searchables.incidents = obj; }
        timed.push(obj);
        entry.layer = obj.group;
        entry.counter = function () { return obj.count(); };
      } else if (spec.kind === "heat") {
        obj = new HeatLayer(map, state.layers.incidents, spec);
        state.layers.heat = obj;
        timed.push(obj);
        entry.layer = obj.layer;
      } else {
        obj = new SimpleLayer(map, spec);
        state.layers[spec.key] = obj;
        entry.layer = obj.group;
        entry.counter = function () { return obj.count(); };
      }
      state.entries.push(entry);
      state.timings[spec.key] = clock() - t0;
    });
    titleControl(map, cfg);
    if (cfg.search) { searchControl(map, state, cfg.search.places || []); }
    layerPanel(map, state, cfg);
    var controls = cfg.controls || {};
    if (controls.fullscreen && L.control.fullscreen) { L.control.fullscreen({ position: "topleft", title: "Full screen" }).addTo(map); }
    if (controls.locate && L.control.locate) {
      L.control.locate({
        position: "topleft", flyTo: false, showPopup: false,
        strings: { title: "Show my location" },
        // Never alert(): say it in the map, quietly (no GPS, or permission refused).
        onLocationError: function (err) {
          var box = map.getContainer().querySelector(".geomap-locate-msg");
          if (!box) { box = el("div", "geomap-locate-msg"); map.getContainer().appendChild(box); }
          box.textContent = "Location unavailable: " + err.message;
          setTimeout(function () { if (box.parentNode) { box.parentNode.removeChild(box); } }, 5000);
        }
      }).addTo(map);
    }
    if (controls.measure && L.control.measure) {
      L.control.measure({ position: "topleft", primaryLengthUnit: "meters", secondaryLengthUnit: "kilometers",
                          primaryAreaUnit: "hectares", secondaryAreaUnit: "sqmeters" }).addTo(map);
    }
    if (controls.minimap && L.Control.MiniMap && cfg.basemaps.length) {
      var b0 = cfg.basemaps[0];
      new L.Control.MiniMap(L.tileLayer(b0.url, { attribution: "", subdomains: b0.subdomains || "abc" }),
                            { toggleDisplay: true, position: "bottomright", width: 130, height: 130 }).addTo(map);
    }
    if (controls.scale) { L.control.scale({ position: "bottomright" }).addTo(map); }
    var refresh = function () {
      state.entries.forEach(function (e) { if (e.countEl && e.counter) { e.countEl.textContent = " (" + e.counter().toLocaleString("en-US") + ")"; } });
    };
    var summary = cfg.summary ? summaryControl(map, state, cfg.summary) : null;
    state.setMonth = function (k) {
      var T = k === null ? null : cfg.timeline.days[k];
      timed.forEach(function (o) { o.setTime(T); });
      state.month = k;
      refresh();
      if (summary) { summary(k); }
    };
    if (cfg.timeline) { sliderControl(map, cfg.timeline, state.setMonth); }
    refresh();
    if (summary) { summary(null); }
    root.geomap.maps[id] = state;
    root.geomap.layers = state.layers;
    return state;
  }

  root.geomap = { app: app, maps: {}, layers: {} };
})(window);
