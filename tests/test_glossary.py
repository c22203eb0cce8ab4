"""The glossary of mine-action terms: every controlled code in every language, sources cited.

``geomap/i18n/glossary.csv`` holds, per term and language, the word the catalogues use
and where it comes from (an IMAS language version, a national standard or law, a
national authority's usage) or ``no official source``. The catalogues must use the
glossary's words: a message that is exactly a glossary term is translated by that term.
"""

from __future__ import annotations

import csv

import pytest
from babel.messages.pofile import read_po

from geomap import i18n
from geomap import model
from geomap.i18n import catalogues

from .conftest import ROOT

GLOSSARY = ROOT / "geomap" / "i18n" / "glossary.csv"
COLUMNS = ["vocabulary", "code", "en", "lang", "term", "source", "note"]
NO_SOURCE = "no official source"
#: Words that name an official source (an IMAS language version, a standard, a law, an authority).
SOURCE_WORDS = (
    "IMAS",
    "ДСТУ",
    "Law of Ukraine",
    "Resolution",
    "Convention",
    "Colombia",
    "ANAMA",
    "GICHD",
    "UNMAS",
    "Protocol",
)
#: The model's controlled vocabularies (SHA/CHA, evidence, devices, statuses, incidents, victims).
VOCABULARIES = [
    model.HAZARD_CLASS,
    model.EVIDENCE,
    model.DEVICE_CATEGORY,
    model.STATUS,
    model.INCIDENT_TYPE,
    model.VICTIM_CATEGORY,
]


def rows() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_every_row_is_complete_and_in_a_language_of_geomap():
    bad = [r for r in rows() if r["lang"] not in i18n.LANGUAGES[1:] or not r["term"] or not r["en"]]
    assert not bad, bad[:3]


@pytest.mark.parametrize("lang", i18n.LANGUAGES[1:])
@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.name)
def test_every_code_of_the_model_has_a_term_in_every_language(vocabulary, lang):
    have = {
        r["code"]
        for r in rows()
        if r["lang"] == lang and vocabulary.name in r["vocabulary"].split("; ")
    }
    assert set(vocabulary.codes) - have == set(), (
        f"{GLOSSARY.name}: no {lang} term for the {vocabulary.name} codes "
        f"{sorted(set(vocabulary.codes) - have)}"
    )


def test_every_row_names_its_source_or_says_it_has_none():
    unsourced = [
        (r["en"], r["lang"], r["source"])
        for r in rows()
        if r["source"] != NO_SOURCE and not any(w in r["source"] for w in SOURCE_WORDS)
    ]
    assert not unsourced, unsourced[:5]
    # a term without an official source says how it was chosen
    assert all(r["note"] for r in rows() if r["source"] == NO_SOURCE)


def test_a_term_is_one_word_per_language():
    """One English term (or code) has one translation per language, whichever vocabulary."""
    seen: dict[tuple[str, str], str] = {}
    clashes = []
    for r in rows():
        key = (r["code"] or r["en"], r["lang"])
        if seen.setdefault(key, r["term"]) != r["term"]:
            clashes.append((key, seen[key], r["term"]))
    assert not clashes, clashes


def translated(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``, both domains: msgid -> msgstr."""
    out: dict[str, str] = {}
    for domain in catalogues.SOURCES:
        with catalogues.po_path(lang, domain).open("rb") as f:
            out |= {str(m.id): str(m.string) for m in read_po(f) if m.id and m.string}
    return out


@pytest.mark.parametrize("lang", i18n.LANGUAGES[1:])
def test_the_catalogues_use_the_glossary_terms(lang):
    """A message that is exactly a glossary term (or code) is translated with that term.

    Exact match, case included: ``none`` (no evidence) is the vocabulary's word, ``None``
    (no basemap) is another message and may be worded for its own noun.
    """
    messages = translated(lang)
    wrong = []
    for r in rows():
        if r["lang"] != lang:
            continue
        for english in {r["en"], r["code"]} - {""}:
            text = messages.get(english)
            if text is not None and r["term"].casefold() not in text.casefold():
                wrong.append((english, text, r["term"]))
    assert not wrong, f"{lang}: msgid, msgstr, glossary term: {wrong[:5]}"


def test_the_catalogues_translate_the_controlled_vocabularies():
    """The consistency check above bites: the codes shown on maps are in the catalogues."""
    messages = translated("ru")
    shown = [c for v in VOCABULARIES for c in v.codes if c in messages]
    assert len(shown) >= len(model.STATUS.codes), shown
