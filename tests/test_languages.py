"""The sample map, its report and its printed export in each of the six languages.

What a user of each language gets from the README's commands on the bundled sample: the
page in the language (lang/dir, the layer names and legend from the catalogue, Babel's
numbers), the report's first heading, and the exported PDF page with the legend's words
(the print layout's text is the page's).
"""

from __future__ import annotations

import re

import pytest

from geomap.i18n import LANGUAGES
from geomap.i18n import format_number
from geomap.i18n import text_direction
from geomap.i18n import translator

from .conftest import SAMPLE
from .conftest import app_config
from .conftest import run_cli

pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 is in the test extra")

#: Arabic letters, as a PDF's text layer gives them (base or presentation forms).
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


def _names(layer: dict) -> list[str]:
    """The names a layer of the page config carries (districts' and places' labels)."""
    cols = layer.get("cols") or {}
    name = cols.get("name")
    return [v for v in name if isinstance(v, str)] if isinstance(name, list) else []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sample_map_speaks_the_language(capsys, tmp_path, lang):
    html = tmp_path / f"map-{lang}.html"
    code, _, err = run_cli(capsys, "render", SAMPLE, "-o", html, "--lang", lang, "-q")
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="{text_direction(lang)}">' in page
    config = app_config(page)
    _ = translator(lang)
    assert config["i18n"]["lang"] == lang
    names = {layer.get("group") for layer in config["layers"]}
    assert _("Incidents") in names
    assert _("Hazard areas") in names
    if lang != "en":
        assert _("Incidents") != "Incidents"
    # The sample's districts and towns have name_az/name_ru/name_uk: the map shows them.
    local = {"az": "Şuşa", "ru": "Шуша", "uk": "Шуша"}.get(lang, "Shusha")
    assert local in {d for layer in config["layers"] for d in _names(layer)}
    # The summary's count of the sample's incidents, as Babel writes it in the language.
    assert format_number(125, lang) in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sample_report_speaks_the_language(capsys, tmp_path, lang):
    folder = tmp_path / f"report-{lang}"
    code, _, err = run_cli(capsys, "report", SAMPLE, "-o", folder, "--lang", lang, "-q")
    assert code == 0, err
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f'lang="{lang}"' in page
    assert f'dir="{text_direction(lang)}"' in page
    _ = translator(lang)
    title = _("Explosive ordnance contamination: analysis")
    assert f"<h1>{title}</h1>" in page or f">{title}<" in page


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sample_export_speaks_the_language(browser, capsys, tmp_path, lang):
    pdf = tmp_path / f"map-{lang}.pdf"
    code, _, err = run_cli(capsys, "export", SAMPLE, "-o", pdf, "--lang", lang, "-q")
    assert code == 0, err
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) == 1
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    _ = translator(lang)
    if lang == "ar":
        # Chromium's PDF text layer gives Arabic in shaped (presentation) forms.
        assert len(ARABIC.findall(text)) > 20
    else:
        assert _("Incidents") in text
        assert _("Active hazard areas") in text
        assert _("Released land") in text
