"""No English left in a translated map: every word the page shows comes from a catalogue.

The catalogue test (tests/test_i18n.py) proves that every *marked* message is translated;
this one finds text that was never marked. The sample map in Russian, Ukrainian and
Arabic is opened in Chromium with every panel opened in turn, and every text the page shows or names
(text nodes, aria-labels, titles, placeholders) is searched for runs of Latin letters.
What may stay Latin is the data itself (ids, the sample's English-only village and road
names, operators' names), proper names of sources (Leaflet, Natural Earth, GeoNames) and
codes the glossary keeps as codes (SHA, CHA, UXO, AXO, IED, MGRS, DMS).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import SAMPLE
from .conftest import app_config
from .conftest import run_cli
from .test_layout import PANELS

pytestmark = pytest.mark.browser

#: Latin words that are names or codes, not English text.
KEPT = set(
    [
        "Leaflet",
        "JavaScript",
        "Natural",
        "Earth",
        "GeoNames",
        "CC",
        "BY",
        "OpenStreetMap",
        "OSM",
        "Esri",
        "WorldImagery",
        "OpenTopoMap",
        "Mapnik",
        "SHA",
        "CHA",
        "UXO",
        "AXO",
        "IED",
        "ERW",
        "EO",
        "AP",
        "AT",
        "MGRS",
        "DMS",
        "DD",
        "UTM",
        "WGS",
        "GPS",
        "CSV",
        "PNG",
        "PDF",
        "HTML",
        "ID",
        "N",
        "E",
        "S",
        "W",
        "km",
        "m",
        "ha",
    ]
)
LATIN = re.compile(r"[A-Za-z][A-Za-z'’]+")

TEXTS = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const tag = n.parentElement && n.parentElement.tagName;
    if (tag !== "SCRIPT" && tag !== "STYLE" && n.textContent.trim()) out.push(n.textContent);
  }
  for (const e of document.querySelectorAll("[aria-label],[title],[placeholder],[alt]")) {
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      if (e.getAttribute(a)) out.push(e.getAttribute(a));
    }
  }
  return out;
}"""


def _data_words(value: Any, out: set[str]) -> set[str]:
    """Every Latin word of the strings the page config carries as data (names, ids...)."""
    if isinstance(value, str):
        out.update(LATIN.findall(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in {"i18n", "labels", "legends", "name", "group", "title", "valueLabels"}:
                _data_words(v, out)
    elif isinstance(value, list):
        for v in value:
            _data_words(v, out)
    return out


@pytest.mark.parametrize("lang", ["ru", "uk", "ar"])  # the scripts where Latin text stands out
def test_a_translated_map_shows_no_english(browser, capsys, tmp_path, lang):
    html = tmp_path / f"map-{lang}.html"
    title = "Карабах"
    code, _, err = run_cli(capsys, "render", SAMPLE, "-o", html, "--lang", lang, "--title", title)
    assert code == 0, err
    data = _data_words(app_config(html.read_text(encoding="utf-8")), set())
    with browser.page(html) as (page, _):
        seen: set[str] = set(page.evaluate(TEXTS))
        buttons = page.locator(PANELS)
        for k in range(buttons.count()):
            if buttons.nth(k).get_attribute("aria-expanded") == "false":
                buttons.nth(k).click()
            seen.update(page.evaluate(TEXTS))
    english = sorted(
        {
            text.strip()
            for text in seen
            if any(w not in KEPT and w not in data for w in LATIN.findall(text))
        }
    )
    assert english == [], f"English left in the {lang} map: {english}"
