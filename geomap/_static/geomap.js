/* geomap: builds map layers from compact column data.
 *
 * Every attribute value and field name reaches the page through textContent,
 * never innerHTML, so text from the data stays text.
 */
(function (root) {
  "use strict";
  if (root.geomap) { return; }

  function column(spec, name) {
    var col = spec.cols[name];
    if (col === undefined) { return function () { return null; }; }
    if (col && col.d) {
      var dict = col.d, codes = col.i;
      return function (i) { var k = codes[i]; return k < 0 ? null : dict[k]; };
    }
    return function (i) { var v = col[i]; return v === undefined ? null : v; };
  }

  function getters(spec) {
    var out = {};
    Object.keys(spec.cols).forEach(function (name) { out[name] = column(spec, name); });
    return out;
  }

  function show(v) {
    if (v === null || v === undefined || v === "") { return "\u2014"; }
    return String(v);
  }

  function table(spec, get, fields, i, cls) {
    var box = document.createElement("div");
    box.className = cls;
    var t = document.createElement("table");
    fields.forEach(function (name) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = spec.labels[name] || name;
      var td = document.createElement("td");
      td.textContent = show(get[name] ? get[name](i) : null);
      tr.appendChild(th);
      tr.appendChild(td);
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  function hazardStyle(st, get, i) {
    var status = get[st.statusField] ? get[st.statusField](i) : null;
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
      className: st.className
    };
  }

  function incidentRadius(st, get, i) {
    var total = 0;
    st.sizeBy.forEach(function (name) { var v = get[name] ? get[name](i) : null; if (v) { total += v; } });
    return st.base + st.scale * Math.sqrt(total);
  }

  function incidentStyle(st, get, i) {
    var cat = get[st.colorBy] ? get[st.colorBy](i) : null;
    return {
      radius: incidentRadius(st, get, i),
      color: "#222",
      weight: 1,
      fillColor: st.palette[cat] || st.fallback,
      fillOpacity: 0.85,
      className: st.className
    };
  }

  function bind(layer, spec, get, i) {
    if (spec.popup.length) {
      layer.bindPopup(function () { return table(spec, get, spec.popup, i, "geomap-popup"); },
                      { maxWidth: 360 });
    }
    if (spec.tooltip.length) {
      layer.bindTooltip(function () { return table(spec, get, spec.tooltip, i, "geomap-tooltip"); },
                        { sticky: true });
    }
  }

  /* Build a Leaflet layer from a geomap layer spec. */
  function buildLayer(spec) {
    var get = getters(spec);
    var st = spec.style;
    var opts = spec.canvas ? { renderer: L.canvas({ padding: 0.5 }) } : {};
    var group = L.featureGroup();
    var i, layer;
    if (spec.kind === "points") {
      for (i = 0; i < spec.n; i++) {
        var o = incidentStyle(st, get, i);
        if (opts.renderer) { o.renderer = opts.renderer; }
        layer = L.circleMarker([spec.y[i], spec.x[i]], o);
        bind(layer, spec, get, i);
        group.addLayer(layer);
      }
    } else {
      for (i = 0; i < spec.n; i++) {
        var s = hazardStyle(st, get, i);
        if (opts.renderer) { s.renderer = opts.renderer; }
        layer = L.geoJSON({ type: "Feature", properties: {}, geometry: spec.g[i] }, { style: s });
        bind(layer, spec, get, i);
        group.addLayer(layer);
      }
    }
    group.geomapCount = spec.n;
    return group;
  }

  function swatch(item) {
    var sw = document.createElement("span");
    sw.className = "geomap-swatch geomap-swatch-" + (item.shape || "rect");
    sw.style.background = item.fill || "transparent";
    sw.style.borderColor = item.stroke || item.fill || "#333";
    if (item.dash) { sw.style.borderStyle = "dashed"; }
    if (item.size) { sw.style.width = sw.style.height = (2 * item.size) + "px"; }
    return sw;
  }

  /* A legend control: sections of swatches with labels, all as text. */
  function legend(map, sections, position) {
    var ctl = L.control({ position: position || "bottomright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-legend leaflet-control");
      sections.forEach(function (sec) {
        var h = document.createElement("div");
        h.className = "geomap-legend-title";
        h.textContent = sec.title;
        div.appendChild(h);
        sec.items.forEach(function (item) {
          var row = document.createElement("div");
          row.className = "geomap-legend-item";
          row.appendChild(swatch(item));
          var label = document.createElement("span");
          label.textContent = item.label;
          row.appendChild(label);
          div.appendChild(row);
        });
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
    return ctl;
  }

  function title(map, text, subtitle) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "geomap-title leaflet-control");
      var h = document.createElement("div");
      h.className = "geomap-title-main";
      h.textContent = text;
      div.appendChild(h);
      if (subtitle) {
        var s = document.createElement("div");
        s.className = "geomap-title-sub";
        s.textContent = subtitle;
        div.appendChild(s);
      }
      return div;
    };
    ctl.addTo(map);
    return ctl;
  }

  root.geomap = { buildLayer: buildLayer, legend: legend, title: title, layers: {} };
})(window);
