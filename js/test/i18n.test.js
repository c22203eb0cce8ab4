// Numbers, dates and months written by the map app equal Babel's output in all six
// languages (golden files written by tests/test_i18n.py from geomap.i18n.page_locale).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { date, month, num, setLocale, t } from "../src/i18n.js";

const DIR = fileURLToPath(new URL("./golden/locale/", import.meta.url));

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json"))) {
  const golden = JSON.parse(readFileSync(join(DIR, file), "utf-8"));
  test(`${file}: numbers, dates and months as Babel writes them`, () => {
    setLocale(golden.locale);
    for (const [v, digits, expected] of golden.numbers) {
      assert.equal(num(v, digits), expected, `${v} with ${digits} decimals`);
    }
    for (const [iso, expected] of golden.dates) {
      assert.equal(date(iso), expected, iso);
    }
    for (const [y, m, expected] of golden.months) {
      assert.equal(month(y, m), expected, `${y}-${m}`);
    }
    setLocale(null);
  });
}

test("messages: translated when the catalogue has them, placeholders filled", () => {
  setLocale({ lang: "az", messages: { "Incidents: {n}": "Hadisələr: {n}" } });
  assert.equal(t("Incidents: {n}", { n: "1.234" }), "Hadisələr: 1.234");
  assert.equal(t("Not in the catalogue"), "Not in the catalogue");
  setLocale(null);
  assert.equal(t("Incidents: {n}", { n: "5" }), "Incidents: 5");
});
