// The filters' pure logic (js/src/filter.js): which rows pass, and the summary's figures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DAY_MISSING } from "../src/decode.js";
import {
  areaFigures,
  dayNumber,
  filterValue,
  hiddenReason,
  incidentFigures,
  rowTest,
  UNKNOWN,
} from "../src/filter.js";

const victims = ["civilian", null, "deminer", "civilian", "military/security"];
const device = ["AP mine", "AT mine", null, "UXO", "AP mine"];
const get = (col) => (i) => col[i] ?? null;
const t = Int32Array.from([
  dayNumber("2021-03-01"),
  dayNumber("2021-05-17"),
  DAY_MISSING,
  dayNumber("2022-08-30"),
  dayNumber("2023-02-11"),
]);
const rows = [0, 1, 2, 3, 4];
const kept = (test_) => rows.filter((i) => test_(i));

test("dayNumber reads YYYY-MM-DD as days since 1970, and nothing else", () => {
  assert.equal(dayNumber("1970-01-02"), 1);
  assert.equal(dayNumber("2021-03-01"), 18687);
  assert.equal(dayNumber(""), null);
  assert.equal(dayNumber("not a date"), null);
});

test("a missing value is the category 'unknown'", () => {
  assert.equal(filterValue(get(victims), 1), UNKNOWN);
  assert.equal(filterValue(get(victims), 0), "civilian");
  assert.equal(
    filterValue(() => undefined, 0),
    UNKNOWN,
  );
});

test("no test at all when the filters keep every row", () => {
  const all = { t, from: null, to: null, undated: true };
  assert.equal(rowTest([{ get: get(victims), keep: null }], all), null);
  assert.equal(rowTest([], null), null);
});

test("category filters keep the ticked values, unknown included, and combine with AND", () => {
  const v = rowTest([{ get: get(victims), keep: new Set(["civilian", UNKNOWN]) }], null);
  assert.deepEqual(kept(v), [0, 1, 3]);
  const both = rowTest(
    [
      { get: get(victims), keep: new Set(["civilian", UNKNOWN]) },
      { get: get(device), keep: new Set(["AP mine", "UXO"]) },
    ],
    null,
  );
  assert.deepEqual(kept(both), [0, 3]);
  const none = rowTest([{ get: get(victims), keep: new Set() }], null);
  assert.deepEqual(kept(none), []);
});

test("the date range keeps days inside it (ends included), undated rows as asked", () => {
  const range = (from, to, undated) =>
    rowTest([], { t, from: dayNumber(from), to: dayNumber(to), undated });
  assert.deepEqual(kept(range("2021-05-17", "2022-08-30", true)), [1, 2, 3]);
  assert.deepEqual(kept(range("2021-05-17", "2022-08-30", false)), [1, 3]);
  assert.deepEqual(kept(range(null, "2021-03-01", true)), [0, 2]);
  assert.deepEqual(kept(range("2023-01-01", null, true)), [2, 4]);
  // Only leaving out undated rows is a filter too.
  assert.deepEqual(kept(range(null, null, false)), [0, 1, 3, 4]);
});

test("incident figures add what the rows drawn say, missing counts adding nothing", () => {
  const killed = [1, 0, 2, null, 0];
  const injured = [0, 2, 1, 1, null];
  const f = incidentFigures([0, 1, 3], {
    killed: get(killed),
    injured: get(injured),
    victim: get(victims),
  });
  assert.equal(f.incidents, 3);
  assert.equal(f.killed, 1);
  assert.equal(f.injured, 3);
  assert.deepEqual(f.victims, {
    civilian: { killed: 1, injured: 1 },
    [UNKNOWN]: { killed: 0, injured: 2 },
  });
  assert.deepEqual(incidentFigures([], {}), { incidents: 0, killed: 0, injured: 0, victims: {} });
});

test("area figures sum the kept device categories at the slider's step", () => {
  const areas = {
    "AP mine": { active_km2: [1.1, 2.2], released_km2: [0, 0.5] },
    UXO: { active_km2: [0.2, 0.31], released_km2: [0.1, 0.1] },
    [UNKNOWN]: { active_km2: [5, 5], released_km2: [1, 1] },
  };
  assert.deepEqual(areaFigures(areas, new Set(["AP mine", "UXO"]), 0), {
    active_km2: 1.3,
    released_km2: 0.1,
  });
  assert.deepEqual(areaFigures(areas, new Set(["AP mine", "UXO"]), null), {
    active_km2: 2.51,
    released_km2: 0.6,
  });
  assert.deepEqual(areaFigures(areas, new Set(), null), { active_km2: 0, released_km2: 0 });
});

test("the search says what hides a row", () => {
  assert.equal(hiddenReason(false, false), null);
  assert.equal(hiddenReason(true, false), "slider");
  assert.equal(hiddenReason(false, true), "filters");
  assert.equal(hiddenReason(true, true), "both");
});
