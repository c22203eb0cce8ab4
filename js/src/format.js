/* Text on the page. Every value, field name, label and title goes in through
 * textContent, never innerHTML: text from the data stays text. */

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

/** A value as shown in a popup, a tooltip or the summary: "unknown" for nothing, numbers grouped. */
export function show(v) {
  if (v === null || v === undefined || v === "") {
    return "unknown";
  }
  if (typeof v === "number") {
    return v.toLocaleString("en-US");
  }
  return String(v);
}

/** A two-column table of a row's fields (label, value). */
export function table(labels, get, fields, i, cls) {
  const box = el("div", cls);
  const t = el("table");
  for (const name of fields) {
    const tr = el("tr");
    tr.appendChild(el("th", null, labels[name] || name));
    tr.appendChild(el("td", null, show(get[name] ? get[name](i) : null)));
    t.appendChild(tr);
  }
  box.appendChild(t);
  return box;
}

/** The popup (on click) and tooltip (on hover) of row i of a layer; `extra()`, if given,
 * makes an element added below the popup's table (its coordinates). */
export function bindInfo(layer, spec, get, i, extra) {
  if (spec.popup?.length) {
    layer.bindPopup(
      () => {
        const box = table(spec.labels, get, spec.popup, i, "geomap-popup");
        if (extra) {
          box.appendChild(extra());
        }
        return box;
      },
      { maxWidth: 360 },
    );
  }
  if (spec.tooltip?.length) {
    layer.bindTooltip(() => table(spec.labels, get, spec.tooltip, i, "geomap-tooltip"), {
      sticky: true,
    });
  }
}
