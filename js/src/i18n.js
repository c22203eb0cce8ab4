/* The page's language: its messages, numbers and dates, as Python handed them.
 *
 * geomap formats with Babel's (CLDR) symbols, patterns and month names from the page
 * config (`config.i18n`, made by geomap.i18n.page_locale), never with the browser's
 * Intl: Chromium cannot format Azerbaijani, and the page must say what the report says.
 * Until setLocale() is called the page speaks English (the message ids). */

const ENGLISH = {
  lang: "en",
  dir: "ltr",
  messages: {},
  number: { decimal: ".", group: ",", minus: "-", grouping: [3, 3] },
  date: {
    long: "MMMM d, y",
    month: "MMM y",
    short: "MMM d, y",
    months: {
      wide: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
      ],
      abbr: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
  },
};

let current = ENGLISH;

/** Use the language handed by the page config (`config.i18n`); nothing keeps English. */
export function setLocale(data) {
  current = data ? { ...ENGLISH, ...data } : ENGLISH;
}

/** The page's language code and direction ("ltr" or "rtl"). */
export function lang() {
  return current.lang;
}
export function dir() {
  return current.dir;
}

/** A message in the page's language, its `{name}` placeholders filled from `values`. */
export function t(message, values) {
  const text = current.messages[message] || message;
  if (!values) {
    return text;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}

function group(digits, sep, [primary, secondary]) {
  if (digits.length <= primary) {
    return digits;
  }
  const parts = [digits.slice(-primary)];
  let rest = digits.slice(0, -primary);
  const size = secondary || primary;
  while (rest.length > size) {
    parts.unshift(rest.slice(-size));
    rest = rest.slice(0, -size);
  }
  parts.unshift(rest);
  return parts.join(sep);
}

/** A number as Babel writes it in the page's language, with at most `digits` decimals
 * (`exact` pads to exactly `digits`). */
export function num(v, digits = 0, exact = false) {
  if (v === null || v === undefined || Number.isNaN(v)) {
    return "";
  }
  const n = current.number;
  const fixed = Math.abs(v).toFixed(digits);
  let [int, frac = ""] = fixed.split(".");
  if (!exact) {
    frac = frac.replace(/0+$/, "");
  }
  const sign = v < 0 ? n.minus : ""; // as Babel: -0.004 with 2 decimals is "-0"
  return sign + group(int, n.group, n.grouping) + (frac ? n.decimal + frac : "");
}

function names(kind, alone) {
  const m = current.date.months;
  return (alone && m[`${kind}Alone`]) || m[kind];
}

/** Fill a CLDR date pattern (the fields geomap's patterns use: d, M/L, y and 'quoted'). */
function fill(pattern, y, m, d) {
  const fields = {
    d: () => String(d),
    dd: () => String(d).padStart(2, "0"),
    M: () => String(m),
    MM: () => String(m).padStart(2, "0"),
    MMM: () => names("abbr", false)[m - 1],
    MMMM: () => names("wide", false)[m - 1],
    L: () => String(m),
    LL: () => String(m).padStart(2, "0"),
    LLL: () => names("abbr", true)[m - 1],
    LLLL: () => names("wide", true)[m - 1],
    y: () => String(y),
    yy: () => String(y % 100).padStart(2, "0"),
    yyyy: () => String(y).padStart(4, "0"),
  };
  let out = "";
  const re = /'([^']*)'|(d+|M+|L+|y+)|([^'dMLy]+)/g;
  for (const [, quoted, field, literal] of pattern.matchAll(re)) {
    if (quoted !== undefined) {
      out += quoted === "" ? "'" : quoted;
    } else if (field) {
      out += (fields[field] || fields[field[0]])();
    } else {
      out += literal;
    }
  }
  return out;
}

function parts(value) {
  const d =
    value instanceof Date ? value : new Date(typeof value === "number" ? value * 864e5 : value);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** A day (a Date, days since 1970-01-01, or an ISO date) in the long format: "5 noyabr 2023". */
export function date(value) {
  return fill(current.date.long, ...parts(value));
}

/** A day in the short format ("5 noy 2023"), for tables and ranges. */
export function shortDate(value) {
  return fill(current.date.short, ...parts(value));
}

/** A month of a year, as on the time slider: "noy 2023". `month` is 1-12. */
export function month(year, monthNumber) {
  return fill(current.date.month, year, monthNumber, 1);
}
