"""The six languages: complete catalogues, and numbers and dates exactly as Babel writes them.

The map app formats numbers and dates with the symbols, patterns and month names that
:func:`geomap.i18n.page_locale` hands it. The golden files in ``js/test/golden/locale``
hold that data with Babel's own output for many numbers and dates; ``npm test``
(``js/test/i18n.test.js``) formats the same values with ``js/src/i18n.js`` and must
write exactly Babel's text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import numpy as np
import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from geomap import i18n
from geomap.i18n import catalogues

from .conftest import ROOT

LOCALE_GOLDEN = ROOT / "js" / "test" / "golden" / "locale"
NUMBERS = [
    (0, 0),
    (7, 0),
    (1234, 0),
    (-1234, 0),
    (12345.5, 1),
    (1234567.891, 3),
    (1234567891, 0),
    (0.25, 2),
    (-0.004, 2),
    (999.95, 1),
    (45.678912, 6),
]
DATES = [dt.date(2020, 11, 10) + dt.timedelta(days=37 * k) for k in range(40)]


@pytest.mark.parametrize("domain", catalogues.SOURCES)
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_of_the_sources_is_in_every_catalogue(lang, domain):
    """A user-facing string missing from a catalogue (or untranslated) fails here."""
    gaps = catalogues.missing(lang, domain)
    assert not gaps, (
        f"{len(gaps)} messages of the {domain} domain are missing or untranslated in "
        f"{catalogues.po_path(lang, domain).relative_to(ROOT)}: {gaps[:10]}. Run "
        "`make messages`, then translate them."
    )


@pytest.mark.parametrize("domain", catalogues.SOURCES)
@pytest.mark.parametrize("lang", i18n.LANGUAGES[1:])
def test_translations_keep_every_placeholder(lang, domain):
    with catalogues.po_path(lang, domain).open("rb") as f:
        entries = [m for m in read_po(f, locale=lang, domain=domain) if m.id and m.string]
    wrong = [
        (m.id, m.string)
        for m in entries
        if sorted(re.findall(r"\{(\w*)\}", str(m.id)))
        != sorted(re.findall(r"\{(\w*)\}", str(m.string)))
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("domain", catalogues.SOURCES)
def test_the_english_catalogue_is_a_template(domain):
    """English maps show the message ids and never read their catalogue: it must hold none."""
    with catalogues.po_path("en", domain).open("rb") as f:
        changed = [m.id for m in read_po(f, locale="en", domain=domain) if m.id and m.string]
    assert not changed, f"English msgstr would be ignored (ids are English): {changed[:5]}"


def test_azerbaijani_as_the_issue_asks():
    assert i18n.format_number(1234567.891, "az", 3) == "1.234.567,891"
    assert i18n.format_date(dt.date(2023, 11, 5), "az") == "5 noyabr 2023"
    assert i18n.text_direction("ar") == "rtl"
    with pytest.raises(ValueError, match="lang must be one of en, az, ru, uk, es, ar"):
        i18n.check_lang("fr")


def locale_golden(lang: str) -> str:
    """The golden file of one language: the page's locale data and Babel's output."""
    case = {
        "locale": i18n.page_locale(lang) | {"messages": {}},
        "numbers": [[v, d, i18n.format_number(v, lang, d)] for v, d in NUMBERS],
        "dates": [[d.isoformat(), i18n.format_date(d, lang)] for d in DATES],
        "months": [[d.year, d.month, i18n.format_month(d, lang)] for d in DATES],
    }
    return json.dumps(case, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_locale_goldens_are_what_babel_writes(lang):
    path = LOCALE_GOLDEN / f"{lang}.json"
    text = locale_golden(lang)
    if os.environ.get("GEOMAP_WRITE_GOLDEN") == "1":
        LOCALE_GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    assert path.read_text(encoding="utf-8") == text, (
        f"{path.relative_to(ROOT)} is not what Babel writes now: regenerate with "
        "`GEOMAP_WRITE_GOLDEN=1 pytest tests/test_i18n.py` and run `npm test`."
    )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_counts_are_grouped_as_babel_groups_them(lang):
    format_number = i18n.format_number
    for n in (0, 7, 999, 1000, 12_345, 1_234_567, 2_000_000_000):
        assert format_number(n, lang) == format_decimal(n, format="#,##0", locale=lang)
        assert format_number(np.int64(n), lang) == format_number(n, lang)
    assert format_number(-1234, lang) == format_decimal(-1234, format="#,##0", locale=lang)
