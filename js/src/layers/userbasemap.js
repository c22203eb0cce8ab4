/* The user's own basemap: a PMTiles archive (npm `pmtiles`), embedded in the page as base64
 * or kept in a file beside it that the user opens with an "Open basemap file…" button (a
 * page from file:// may read a file the user picks, never a neighbour by itself). Raster
 * tiles are drawn as images; vector tiles by protomaps-leaflet, in the quiet style the
 * config carries (or Protomaps' own for a Protomaps basemap). One archive per spec: the
 * main map and the mini-map share it, and both draw once the file is opened. */
import { bytes } from "../decode.js";
import { el } from "../format.js";
import { num, t } from "../i18n.js";

const MIME = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };
const POINT = 1;
const LINE = 2;
const POLYGON = 3;

/** A pmtiles Source over bytes already in the page. */
class MemorySource {
  constructor(key, data) {
    this.key = key;
    this.data = data;
  }

  getKey() {
    return this.key;
  }

  async getBytes(offset, length) {
    const start = this.data.byteOffset + offset;
    return { data: this.data.buffer.slice(start, start + length) };
  }
}

/** Per basemap spec: its opened archive (or null until the user picks the file). */
const archives = new WeakMap();

function archiveOf(b) {
  let a = archives.get(b);
  if (!a) {
    a = { pm: null, fills: [], picker: false };
    if (b.pmtiles.data) {
      a.pm = new globalThis.pmtiles.PMTiles(new MemorySource(b.name, bytes(b.pmtiles.data)));
    }
    archives.set(b, a);
  }
  return a;
}

function bounds(u) {
  const [w, s, e, n] = u.bounds;
  return L.latLngBounds([s, w], [n, e]);
}

/** Raster tiles: each tile's bytes as an image (blank where the archive has none). */
function rasterLayer(pm, b) {
  const type = MIME[b.pmtiles.tileType];
  const Layer = L.GridLayer.extend({
    createTile(coords, done) {
      const img = el("img");
      img.alt = "";
      pm.getZxy(coords.z, coords.x, coords.y).then(
        (tile) => {
          if (!tile) {
            done(null, img);
            return;
          }
          const url = URL.createObjectURL(new Blob([tile.data], { type }));
          img.onload = () => {
            URL.revokeObjectURL(url);
            done(null, img);
          };
          img.onerror = () => {
            URL.revokeObjectURL(url);
            done(new Error(`geomap: basemap tile ${coords.z}/${coords.x}/${coords.y}`), img);
          };
          img.src = url;
        },
        (err) => done(err, img),
      );
      return img;
    },
  });
  return new Layer({
    attribution: b.attribution,
    bounds: bounds(b.pmtiles),
    minNativeZoom: b.pmtiles.minZoom,
    maxNativeZoom: b.maxZoom,
    maxZoom: 22,
    className: "geomap-user-basemap",
  });
}

/** Paint and label rules for any vector archive: each layer drawn by its geometry. */
function vectorRules(P, u) {
  const s = u.style;
  const is = (kind) => (_z, f) => f.geomType === kind;
  const paintRules = [];
  const labelRules = [];
  for (const { name } of u.layers) {
    paintRules.push(
      { dataLayer: name, filter: is(POLYGON), symbolizer: new P.PolygonSymbolizer(s.polygon) },
      { dataLayer: name, filter: is(LINE), symbolizer: new P.LineSymbolizer(s.line) },
      { dataLayer: name, filter: is(POINT), symbolizer: new P.CircleSymbolizer(s.point) },
    );
    labelRules.push(
      {
        dataLayer: name,
        filter: is(POINT),
        symbolizer: new P.OffsetTextSymbolizer({ labelProps: ["name"], offsetX: 6, ...s.label }),
      },
      {
        dataLayer: name,
        filter: is(LINE),
        symbolizer: new P.LineLabelSymbolizer({ labelProps: ["name"], ...s.label }),
      },
    );
  }
  return { paintRules, labelRules, backgroundColor: s.background };
}

function vectorLayer(pm, b) {
  const P = globalThis.protomapsL;
  const u = b.pmtiles;
  const look = u.flavor ? { flavor: u.flavor } : vectorRules(P, u);
  return P.leafletLayer({
    url: pm,
    attribution: b.attribution,
    bounds: bounds(u),
    maxDataZoom: b.maxZoom,
    maxZoom: 22,
    className: "geomap-user-basemap",
    ...look,
  });
}

/** The "Open basemap file…" button, for an archive kept beside the map. */
function pickerControl(map, b, archive) {
  const u = b.pmtiles;
  const ctl = L.control({ position: "bottomleft" });
  ctl.onAdd = () => {
    const div = el("div", "geomap-basemap-picker leaflet-control");
    const mb = num(u.size / 1048576, 1, true);
    const note = el(
      "p",
      null,
      t("The basemap {file} ({size} MB) is a file beside this map.", { file: u.file, size: mb }),
    );
    const input = el("input", "geomap-basemap-input");
    input.type = "file";
    input.accept = ".pmtiles";
    input.hidden = true;
    const button = el("button", "geomap-basemap-open", t("Open basemap file…"));
    button.type = "button";
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (!file) {
        return;
      }
      const pm = new globalThis.pmtiles.PMTiles(new globalThis.pmtiles.FileSource(file));
      pm.getHeader().then(
        () => {
          archive.pm = pm;
          for (const fill of archive.fills) {
            fill();
          }
          map.removeControl(ctl);
        },
        () => {
          note.textContent = t("{name} is not a PMTiles archive; choose {file}.", {
            name: file.name,
            file: u.file,
          });
        },
      );
    });
    div.append(note, button, input);
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  ctl.addTo(map);
}

/**
 * The Leaflet layer of a user basemap spec (config `basemaps[k].pmtiles`): empty until
 * its archive is open, then drawing it. The first call for a spec on a map whose archive
 * is beside the page adds the "Open basemap file…" button to that map.
 *
 * @param {L.Map} map the map the layer is for
 * @param {object} b the basemap spec
 * @returns {L.FeatureGroup} the layer
 */
export function userBasemap(map, b) {
  const archive = archiveOf(b);
  const group = L.featureGroup();
  const fill = () => {
    if (archive.pm && group.getLayers().length === 0) {
      const make = b.pmtiles.tileType === "mvt" ? vectorLayer : rasterLayer;
      group.addLayer(make(archive.pm, b));
    }
  };
  archive.fills.push(fill);
  fill();
  if (!archive.pm && !archive.picker) {
    archive.picker = true;
    pickerControl(map, b, archive);
  }
  return group;
}
