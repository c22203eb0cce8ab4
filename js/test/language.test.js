// The map app's own words, numbers and dates in the page's language (Azerbaijani and
// Arabic locale data as geomap.i18n.page_locale hands them: the golden files).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { filterValueText } from "../src/controls/filters.js";
import { rejectedText } from "../src/controls/notices.js";
import { ltr, period, show, shownValue } from "../src/format.js";
import { formatArea, formatLength } from "../src/geodesy.js";
import { setLocale } from "../src/i18n.js";

function locale(lang) {
  const url = new URL(`./golden/locale/${lang}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf-8")).locale;
}

test("Azerbaijani: values, days, months, lengths and areas as Babel writes them", () => {
  setLocale({ ...locale("az"), messages: { unknown: "naməlum", "{n} km": "{n} km" } });
  try {
    assert.equal(show(1234567.891), "1.234.567,891");
    assert.equal(show(null), "naməlum");
    assert.equal(show("2023-11-05"), "5 noyabr 2023");
    assert.equal(show("2023-11-05", true), "5 noy 2023");
    assert.equal(show("INC-0001"), "INC-0001");
    assert.equal(period("2023-11"), "noy 2023");
    assert.equal(period("2023Q4"), "Q4 2023");
    assert.equal(formatLength(12345.6789), "12,346 km");
    assert.equal(formatArea(12345.6), "12.346 m\u00b2 (1,23 ha)");
    assert.equal(
      rejectedText({ rejected: 1234, rejectsFile: null }),
      "Input rows rejected and not drawn: 1.234",
    );
    assert.equal(
      filterValueText({ value: "AP mine", counts: { incidents: 1234 } }),
      "AP mine (1.234)",
    );
    assert.equal(ltr("40.12345, 46.45678"), "40.12345, 46.45678");
  } finally {
    setLocale(null);
  }
});

test("Arabic: a coordinate keeps its left-to-right order inside right-to-left text", () => {
  setLocale(locale("ar"));
  try {
    assert.equal(ltr("40.12345, 46.45678"), "\u206640.12345, 46.45678\u2069");
  } finally {
    setLocale(null);
  }
});

test("English: the messages are their ids, numbers grouped as before", () => {
  assert.equal(show(1234.5), "1,234.5");
  assert.equal(show("2023-11-05"), "November 5, 2023");
  assert.equal(period("2021-03"), "Mar 2021");
  assert.equal(
    filterValueText({ value: "AP mine", counts: { incidents: 44, hazards: 110 } }),
    "AP mine (incidents: 44, areas: 110)",
  );
});

test("A code is shown by the label Python gave it in the page's language, else as it is", () => {
  const get = { victim_category: (i) => ["civilian", "journalist", null][i] };
  const labels = { victim_category: { civilian: "гражданское лицо" } };
  assert.equal(shownValue(get, labels, "victim_category", 0), "гражданское лицо");
  assert.equal(shownValue(get, labels, "victim_category", 1), "journalist");
  assert.equal(shownValue(get, labels, "victim_category", 2), null);
  assert.equal(shownValue(get, undefined, "victim_category", 0), "civilian");
  assert.equal(shownValue(get, labels, "date", 0), null);
  assert.equal(
    filterValueText({ value: "civilian", label: "гражданское лицо", counts: { incidents: 3 } }),
    "гражданское лицо (3)",
  );
});
