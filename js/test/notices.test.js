// The notices' wording and the saved image's file name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { rejectedText } from "../src/controls/notices.js";
import { imageName } from "../src/controls/saveimage.js";

test("rejected rows are counted, and their file named when there is one", () => {
  assert.equal(
    rejectedText({ rejected: 1, rejectsFile: null }),
    "Input rows rejected and not drawn: 1",
  );
  assert.equal(
    rejectedText({ rejected: 1234, rejectsFile: "map-rejects.csv" }),
    "Input rows rejected and not drawn: 1,234 (listed in map-rejects.csv)",
  );
});

test("the saved image is named after the map's title", () => {
  assert.equal(
    imageName("Karabakh: mine contamination (synthetic sample)"),
    "karabakh-mine-contamination-synthetic-sample.png",
  );
  assert.equal(imageName("Карабах, 2024"), "карабах-2024.png");
  assert.equal(imageName(""), "map.png");
});
