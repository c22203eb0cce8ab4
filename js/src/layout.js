/* Layout by the map's own size (never the window's): a phone, a tablet, a desktop and a
 * small embed all get controls that stay clear of one another.
 *
 * - The map's container carries its measured size as CSS variables (--geomap-w, --geomap-h)
 *   and classes (geomap-narrow, geomap-short) for geomap.css.
 * - Foldable panels (layer panel, summary) start folded where they would cover the map, and
 *   follow the map's size until the user opens or folds them.
 * - arrange() measures every control in the four corners, whoever added it, and moves them
 *   apart: a right-hand corner steps past the left-hand one it would overlap, and the
 *   scrolling parts (class geomap-scroll) of a panel shrink to the room left in its column.
 * - Popups pan clear of the controls; the map refits its data when its container gets (or
 *   changes) its size, until someone moves it. */
import { mirrored } from "./direction.js";
import { t } from "./i18n.js";

import { fitData } from "./layers/batch.js";

/** Below this width (px) the map is narrow; below SHORT it is short. */
export const NARROW = 600;
export const SHORT = 500;
/** Space (px) kept between two controls, and the least a scrolling part shrinks to. */
const GAP = 4;
const MIN_SCROLL = 72;

const LAYOUTS = new WeakMap();

function registry(map) {
  let r = LAYOUTS.get(map);
  if (!r) {
    r = { foldables: [], arrange: () => {} };
    LAYOUTS.set(map, r);
  }
  return r;
}

function containerSize(map) {
  const box = map.getContainer();
  return { w: box.clientWidth, h: box.clientHeight };
}

/**
 * Make `button` fold and unfold `parts` (elements) of a control.
 *
 * @param {L.Map} map the map the control is on
 * @param {object} o {control, button, parts, opensAt(w, h)}: opensAt says whether the
 *   panel starts open in a map of that size
 * @returns {object} {set(open), open}
 */
export function foldable(map, { control, button, parts, opensAt }) {
  const f = { open: null, touched: false, opensAt };
  f.set = (open) => {
    if (open === f.open) {
      return;
    }
    for (const p of parts) {
      p.style.display = open ? "" : "none";
    }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    f.open = open;
  };
  const byUser = (open) => {
    f.touched = true;
    f.set(open);
    registry(map).arrange();
  };
  button.addEventListener("click", () => byUser(!f.open));
  control.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && f.open) {
      ev.stopPropagation();
      byUser(false);
      button.focus();
    }
  });
  const { w, h } = containerSize(map);
  f.set(w > 0 && h > 0 ? opensAt(w, h) : false);
  registry(map).foldables.push(f);
  return f;
}

/** A panel opens at start on a map at least `minWidth` wide and `minHeight` high. */
export function opensFrom(minWidth, minHeight) {
  return (w, h) => w >= minWidth && h >= minHeight;
}

/* ---------- measuring ---------- */

function controlsOf(corner, origin) {
  const out = [];
  for (const c of corner.children) {
    const r = c.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      out.push({
        el: c,
        left: r.left - origin.left,
        right: r.right - origin.left,
        top: r.top - origin.top,
        bottom: r.bottom - origin.top,
      });
    }
  }
  return out;
}

function overlap(a, b, gap) {
  return (
    a.left < b.right + gap &&
    b.left < a.right + gap &&
    a.top < b.bottom + gap &&
    b.top < a.bottom + gap
  );
}

/** Every visible control of the map, by corner, in the container's coordinates. */
export function controlBoxes(map) {
  const box = map.getContainer();
  const origin = box.getBoundingClientRect();
  const out = {};
  for (const [name, corner] of Object.entries(map._controlCorners || {})) {
    out[name] = controlsOf(corner, origin);
  }
  return out;
}

/* ---------- arranging ---------- */

function px(v) {
  return Number.parseFloat(v) || 0;
}

/** Move corner `right` of a row past the controls of corner `left` it overlaps. */
function separateRow(map, left, right, side) {
  const boxes = controlBoxes(map);
  let need = 0;
  for (const a of boxes[left]) {
    for (const b of boxes[right]) {
      if (overlap(a, b, GAP)) {
        need = Math.max(need, side === "top" ? a.bottom + GAP - b.top : b.bottom + GAP - a.top);
      }
    }
  }
  if (need <= 0) {
    return false;
  }
  const corner = map._controlCorners[right];
  corner.style[side] = `${px(corner.style[side]) + Math.ceil(need)}px`;
  return true;
}

function scrollsIn(corner) {
  return Array.from(corner.querySelectorAll(".geomap-scroll")).filter((s) => s.offsetHeight > 0);
}

/** Shrink the tallest scrolling part (if any can) of two corners by `deficit` px. */
function shrink(corners, deficit) {
  const scrolls = [...scrollsIn(corners[0]), ...scrollsIn(corners[1])];
  scrolls.sort((x, y) => y.offsetHeight - x.offsetHeight);
  const s = scrolls[0];
  if (!s || s.offsetHeight <= MIN_SCROLL) {
    return false;
  }
  // (.geomap-scroll is border-box: its max-height is its whole height.)
  s.style.maxHeight = `${Math.max(MIN_SCROLL, s.offsetHeight - Math.max(deficit, 1))}px`;
  return true;
}

/** Move a bottom corner sideways, past the top control `a` that its control `b` meets. */
function sidestep(map, corner, a, b) {
  const { w } = containerSize(map);
  const left = corner === "bottomleft";
  const step = Math.ceil(left ? a.right + GAP - b.left : b.right - (a.left - GAP));
  const room = left ? w - GAP - b.right : b.left - GAP;
  if (step <= 0 || step > room) {
    return false;
  }
  const el = map._controlCorners[corner];
  const side = left ? "left" : "right";
  el.style[side] = `${px(el.style[side]) + step}px`;
  return true;
}

/** Part a top control from a bottom one it meets: shrink a scrolling part, or step aside. */
function squeezeColumns(map) {
  const boxes = controlBoxes(map);
  const corners = map._controlCorners;
  for (const top of ["topleft", "topright"]) {
    for (const bottom of ["bottomleft", "bottomright"]) {
      for (const a of boxes[top]) {
        for (const b of boxes[bottom]) {
          if (!overlap(a, b, GAP)) {
            continue;
          }
          const deficit = Math.ceil(a.bottom + GAP - b.top);
          if (shrink([corners[top], corners[bottom]], deficit) || sidestep(map, bottom, a, b)) {
            return true;
          }
        }
      }
    }
  }
  return false;
}

function arrange(map) {
  const box = map.getContainer();
  const { w, h } = containerSize(map);
  if (!w || !h || !map._controlCorners) {
    return;
  }
  box.style.setProperty("--geomap-w", `${w}px`);
  box.style.setProperty("--geomap-h", `${h}px`);
  box.classList.toggle("geomap-narrow", w < NARROW);
  box.classList.toggle("geomap-short", h < SHORT);
  for (const f of registry(map).foldables) {
    if (!f.touched) {
      f.set(f.opensAt(w, h));
    }
  }
  for (const corner of Object.values(map._controlCorners)) {
    corner.style.top = "";
    corner.style.bottom = "";
    corner.style.left = "";
    corner.style.right = "";
  }
  for (const s of box.querySelectorAll(".leaflet-control-container .geomap-scroll")) {
    s.style.maxHeight = "";
  }
  // The corner that steps aside is the right-hand one; the left-hand one in a mirrored
  // (right-to-left) map, whose controls changed sides.
  const [first, second] = mirrored(map) ? ["right", "left"] : ["left", "right"];
  // Each step only moves a corner further or shrinks a part: a few passes settle it.
  for (let pass = 0; pass < 40; pass++) {
    const moved =
      separateRow(map, `top${first}`, `top${second}`, "top") ||
      separateRow(map, `bottom${first}`, `bottom${second}`, "bottom") ||
      squeezeColumns(map);
    if (!moved) {
      break;
    }
  }
}

/* ---------- popups ---------- */

function inside(r, w, h) {
  return r.left >= GAP && r.top >= GAP && r.right <= w - GAP && r.bottom <= h - GAP;
}

function shifted(r, dx, dy) {
  return { left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy };
}

/** The smallest move of rectangle r that keeps it in the map and off every obstacle. */
export function clearMove(r, obstacles, w, h) {
  const xs = [0, GAP - r.left, w - GAP - r.right];
  const ys = [0, GAP - r.top, h - GAP - r.bottom];
  for (const o of obstacles) {
    xs.push(o.right + GAP - r.left, o.left - GAP - r.right);
    ys.push(o.bottom + GAP - r.top, o.top - GAP - r.bottom);
  }
  let best = null;
  for (const dx of xs) {
    for (const dy of ys) {
      const s = shifted(r, dx, dy);
      if (!inside(s, w, h) || obstacles.some((o) => overlap(s, o, 0))) {
        continue;
      }
      const d = Math.hypot(dx, dy);
      if (!best || d < best.d) {
        best = { dx, dy, d };
      }
    }
  }
  return best;
}

/** Pan the map so that an open popup sits clear of every control (when it can). */
function keepClear(map, popup) {
  const el = popup.getElement();
  if (!el) {
    return;
  }
  // Its text may scroll (a small map): reachable by keyboard then.
  const content = el.querySelector(".leaflet-popup-content");
  if (content && content.scrollHeight > content.clientHeight) {
    content.tabIndex = 0;
  }
  const origin = map.getContainer().getBoundingClientRect();
  const p = el.getBoundingClientRect();
  const r = {
    left: p.left - origin.left,
    right: p.right - origin.left,
    top: p.top - origin.top,
    bottom: p.bottom - origin.top,
  };
  const obstacles = Object.values(controlBoxes(map)).flat();
  const { w, h } = containerSize(map);
  if (inside(r, w, h) && !obstacles.some((o) => overlap(r, o, 0))) {
    return;
  }
  // Clear of the controls if there is room; at least inside the map (Leaflet's own autoPan).
  const move = clearMove(r, obstacles, w, h) || clearMove(r, [], w, h);
  if (move && (move.dx || move.dy)) {
    map.panBy([-move.dx, -move.dy]);
  }
}

/* ---------- one panel at a time ---------- */

/** On a narrow or short map, opening a panel (a button that controls a part of its
 * control, whoever made it) folds the others that are open: they could not all fit. */
function oneAtATime(map) {
  const box = map.getContainer();
  const panels = "button[aria-controls][aria-expanded=true]";
  map._controlContainer.addEventListener("click", (ev) => {
    const opened = ev.target.closest?.(panels);
    const { w, h } = containerSize(map);
    if (!opened || (w >= NARROW && h >= SHORT)) {
      return;
    }
    for (const other of box.querySelectorAll(`.leaflet-control-container ${panels}`)) {
      if (other !== opened) {
        other.click();
      }
    }
  });
}

/* ---------- names ---------- */

/** Markers a keyboard can reach (Leaflet gives them role="button") get a name to read out,
 * whoever made them and however often a plugin swaps their icon. */
function nameMarkers(map) {
  const pane = map.getPane("markerPane");
  const name = (el) => {
    if (el.getAttribute?.("role") === "button" && !el.getAttribute("aria-label") && !el.title) {
      el.setAttribute("aria-label", el.getAttribute("alt") || t("Map marker"));
    }
  };
  if (pane && typeof MutationObserver === "function") {
    new MutationObserver((changes) => {
      for (const c of changes) {
        c.addedNodes.forEach(name);
      }
    }).observe(pane, { childList: true });
  }
}

/* ---------- refit ---------- */

/** Fit `bounds` whenever the container gets a new size, until someone moves the map. */
function refitter(map, bounds) {
  const b = L.latLngBounds(bounds);
  const s = { moved: false, fitting: false };
  map.on("movestart zoomstart", () => {
    if (!s.fitting) {
      s.moved = true;
    }
  });
  return () => {
    map.invalidateSize({ pan: false });
    if (s.moved || !bounds) {
      return;
    }
    s.fitting = true;
    try {
      fitData(map, b);
    } finally {
      s.fitting = false;
    }
  };
}

/**
 * Lay a map's controls out by its container's size, now and whenever it changes.
 *
 * @param {L.Map} map the map, with its controls added
 * @param {object} cfg the page config (its `bounds`: [[s, w], [n, e]] of the data)
 * @returns {function} arrange(): lay the controls out again now
 */
export function layout(map, cfg) {
  const reg = registry(map);
  const box = map.getContainer();
  box.classList.add("geomap-map");
  // The controls first in the Tab order: Leaflet makes every feature with a tooltip a tab
  // stop (it shows the tooltip on focus), hundreds of them before the controls otherwise.
  // (Their z-index, not their order, puts them above the map.)
  if (map._controlContainer) {
    box.insertBefore(map._controlContainer, box.firstChild);
  }
  const refit = refitter(map, cfg.bounds || null);
  reg.arrange = () => arrange(map);
  let last = containerSize(map);
  let frame = null;
  const onResize = () => {
    frame = null;
    const now = containerSize(map);
    if (now.w !== last.w || now.h !== last.h) {
      last = now;
      if (now.w && now.h) {
        refit();
      }
    }
    arrange(map);
  };
  const later = () => {
    if (frame === null) {
      frame = requestAnimationFrame(onResize);
    }
  };
  if (typeof ResizeObserver === "function") {
    const ro = new ResizeObserver(later);
    ro.observe(box);
    for (const corner of Object.values(map._controlCorners)) {
      ro.observe(corner);
    }
  } else {
    window.addEventListener("resize", later);
  }
  // One pan per popup, ours: two in a row (Leaflet's, then ours) race the mini-map's sync.
  L.Popup.prototype.options.autoPan = false;
  map.on("popupopen", (e) => keepClear(map, e.popup));
  nameMarkers(map);
  oneAtATime(map);
  if (last.w && last.h) {
    refit();
  }
  arrange(map);
  return reg.arrange;
}
