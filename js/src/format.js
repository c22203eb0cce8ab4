/* Text on the page. Every value, field name, label and title goes in through
 * textContent, never innerHTML: text from the data stays text. Numbers and dates are
 * written in the page's language (i18n.js: Babel's symbols and patterns). */
import { date, dir, month, num, shortDate, t } from "./i18n.js";

/** A day as the data hand it (decode.isoDay): YYYY-MM-DD. */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A new element with a class and text. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) {
    e.className = cls;
  }
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  return e;
}

/** A value as shown in a popup, a tooltip or the summary: "unknown" for nothing, numbers
 * grouped, a day in the long date format (`short`: the short one, as in tables). */
export function show(v, short = false) {
  if (v === null || v === undefined || v === "") {
    return t("unknown");
  }
  if (typeof v === "number") {
    return num(v, 3);
  }
  if (typeof v === "string" && ISO_DAY.test(v)) {
    return short ? shortDate(v) : date(v);
  }
  return String(v);
}

/** A step of the time slider ("2023-11" or, in a public map, "2023Q4") in the page's
 * language: "noy 2023", "Q4 2023". */
export function period(p) {
  const m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) {
    return month(Number(m[1]), Number(m[2]));
  }
  const q = /^(\d{4})Q([1-4])$/.exec(p);
  return q ? t("Q{quarter} {year}", { quarter: q[2], year: q[1] }) : String(p);
}

/** Text that reads left to right (a coordinate, an id) kept whole inside right-to-left
 * text: wrapped in Unicode isolates on a right-to-left page, as is on another. */
export function ltr(text) {
  return dir() === "rtl" ? `\u2066${text}\u2069` : String(text);
}

/** Mark an element's text as left to right (coordinates: "40.12345, 46.45678"). */
export function ltrEl(e) {
  e.setAttribute("dir", "ltr");
  return e;
}

/** Row i's value of a field as shown: a code's label in the page's language where the
 * layer's spec gives one (`valueLabels`, made in Python), else the value itself. */
export function shownValue(get, valueLabels, name, i) {
  const v = get[name] ? get[name](i) : null;
  return valueLabels?.[name]?.[v] ?? v;
}

/** A two-column table of a row's fields (label, value); `valueLabels`: see shownValue. */
export function table(labels, get, fields, i, cls, valueLabels) {
  const box = el("div", cls);
  const tbl = el("table");
  for (const name of fields) {
    const tr = el("tr");
    tr.appendChild(el("th", null, labels[name] || name));
    tr.appendChild(el("td", null, show(shownValue(get, valueLabels, name, i))));
    tbl.appendChild(tr);
  }
  box.appendChild(tbl);
  return box;
}

/** The popup (on click) and tooltip (on hover) of row i of a layer; `extra()`, if given,
 * makes an element added below the popup's table (its coordinates). */
export function bindInfo(layer, spec, get, i, extra) {
  if (spec.popup?.length) {
    layer.bindPopup(
      () => {
        const box = table(spec.labels, get, spec.popup, i, "geomap-popup", spec.valueLabels);
        if (extra) {
          box.appendChild(extra());
        }
        return box;
      },
      { maxWidth: 360 },
    );
  }
  if (spec.tooltip?.length) {
    const tip = () => table(spec.labels, get, spec.tooltip, i, "geomap-tooltip", spec.valueLabels);
    layer.bindTooltip(tip, {
      sticky: true,
    });
  }
}
