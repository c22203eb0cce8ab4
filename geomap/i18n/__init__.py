"""The languages of geomap's output: message catalogues and Babel's locale data.

Every user-facing word of a map, a legend, a popup, the summary and the report comes
from a gettext catalogue (``.po``, read with Babel) in ``geomap/i18n/locale``: one
domain, ``geomap``, for text made in Python, and one, ``app``, for the map app's own
text (JavaScript), handed to the page whole. Numbers, dates and month names are
formatted by Babel (CLDR) for the chosen locale: in Python for what Python writes,
and as symbols, patterns and month names handed to the page for what the map app
writes, so the page never asks the browser's formatter (Chromium's cannot format
Azerbaijani).

Conventions: in a function, ``_ = translator(lang)`` then ``_("Incidents: {n}", n=...)``;
a module-level constant is marked ``N_("Text")`` and translated where it is shown.
``make messages`` extracts the messages (``pybabel``) and updates the catalogues.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import numbers
from pathlib import Path
from typing import Any
from typing import Protocol

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import get_group_symbol

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "N_",
    "Translate",
    "app_messages",
    "check_lang",
    "format_date",
    "format_month",
    "format_number",
    "page_locale",
    "text_direction",
    "translator",
]

#: The languages of geomap's output, English first (the default and the source language).
LANGUAGES: tuple[str, ...] = ("en", "az", "ru", "uk", "es", "ar")
#: The language used when none is chosen.
DEFAULT_LANG = "en"
#: Where the catalogues live: ``locale/<lang>/LC_MESSAGES/<domain>.po``.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The gettext domains: Python-made text and the map app's text.
DOMAINS = ("geomap", "app")


class Translate(Protocol):
    """A translation function: a message id (English) and its ``{name}`` values."""

    def __call__(self, message: str, /, **values: Any) -> str:
        """Return ``message`` in the language, its placeholders filled."""


def N_(message: str) -> str:  # noqa: N802  (gettext's name for a marker)
    """Mark a module-level message for extraction; translate it where it is shown.

    Examples
    --------
    >>> N_("Suspected hazardous area")
    'Suspected hazardous area'
    """
    return message


def check_lang(lang: str) -> str:
    """Return ``lang`` if geomap speaks it, else raise ``ValueError`` naming the choices.

    Examples
    --------
    >>> check_lang("az")
    'az'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


@functools.cache
def _catalogue(lang: str, domain: str) -> dict[str, str]:
    """Read one catalogue: msgid -> msgstr (fuzzy and empty translations left out).

    English, the language of the message ids, has none to read (its catalogue is
    the translators' template), which spares every English map parsing it.
    """
    if lang == DEFAULT_LANG:
        return {}
    path = LOCALE_DIR / check_lang(lang) / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalogue = read_po(f, locale=lang, domain=domain)
    return {
        str(m.id): str(m.string)
        for m in catalogue
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translator(lang: str = DEFAULT_LANG) -> Translate:
    """Return the translation function of ``lang`` for Python-made text.

    A message missing from the catalogue is shown as given (in English).

    Parameters
    ----------
    lang : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    Translate
        ``_(message, **values)``: the translation, with ``{name}`` filled from ``values``.

    Examples
    --------
    >>> _ = translator("en")
    >>> _("Incidents: {n}", n="5")
    'Incidents: 5'
    """
    messages = _catalogue(lang, "geomap")

    def _(message: str, /, **values: Any) -> str:
        text = messages.get(message) or message
        return text.format(**values) if values else text

    return _


def app_messages(lang: str) -> dict[str, str]:
    """Return the map app's messages in ``lang`` (msgid -> text), for the page.

    English returns an empty mapping: the app shows its message ids.
    """
    return {} if lang == DEFAULT_LANG else dict(_catalogue(lang, "app"))


def text_direction(lang: str) -> str:
    """Return ``"rtl"`` for a right-to-left language, else ``"ltr"``.

    Examples
    --------
    >>> text_direction("ar"), text_direction("az")
    ('rtl', 'ltr')
    """
    return "rtl" if Locale.parse(check_lang(lang)).character_order == "right-to-left" else "ltr"


def format_number(value: float, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """Return ``value`` as Babel writes it in ``lang``, with at most ``digits`` decimals.

    Examples
    --------
    >>> format_number(1234567.891, "az", 3)
    '1.234.567,891'
    """
    lang = check_lang(lang)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0:
        # Counts (the usual case, thousands of them in a summary): Babel's grouping, by hand.
        return f"{int(value):,}".replace(",", _group_symbol(lang))
    return _format_number(value, lang, digits)


@functools.cache
def _group_symbol(lang: str) -> str:
    # English's is known (tested equal to Babel's): it spares loading its locale data.
    return "," if lang == DEFAULT_LANG else str(get_group_symbol(locale=lang))


@functools.lru_cache(maxsize=8192)
def _format_number(value: float, lang: str, digits: int) -> str:
    # Cached: figures that are not counts (km², shares) come back month after month, and
    # Babel takes ~0.2 ms a number.
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=lang)


def format_date(value: dt.date, lang: str = DEFAULT_LANG) -> str:
    """Return a date in ``lang``'s long format (Babel).

    Examples
    --------
    >>> import datetime
    >>> format_date(datetime.date(2023, 11, 5), "az")
    '5 noyabr 2023'
    """
    return _babel_date(value, format="long", locale=check_lang(lang))


def format_month(value: dt.date, lang: str = DEFAULT_LANG) -> str:
    """Return a month and year as on the time slider (Babel skeleton ``yMMM``).

    Examples
    --------
    >>> import datetime
    >>> format_month(datetime.date(2023, 11, 1), "az")
    'noy 2023'
    """
    return format_skeleton("yMMM", value, locale=check_lang(lang))


def page_locale(lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """Return what the map app needs to write text, numbers and dates in ``lang``.

    The symbols, patterns and month names are Babel's (CLDR); the app's ``i18n.js``
    formats with them, never with the browser's ``Intl``.

    Returns
    -------
    dict
        ``lang``, ``dir`` (``"ltr"``/``"rtl"``), ``messages`` (the app catalogue),
        ``number`` (``decimal``, ``group``, ``minus``, ``grouping`` [primary,
        secondary]) and ``date`` (``long``, ``month`` and ``short`` CLDR patterns;
        ``months``: wide, abbreviated and stand-alone names, January first).
    """
    return copy.deepcopy(_page_locale(check_lang(lang)))


@functools.cache
def _page_locale(lang: str) -> dict[str, Any]:
    locale = Locale.parse(lang)
    symbols = locale.number_symbols["latn"]
    grouping = locale.decimal_formats[None].grouping
    months = {
        key: [str(locale.months[context][width][m]) for m in range(1, 13)]
        for key, context, width in (
            ("wide", "format", "wide"),
            ("abbr", "format", "abbreviated"),
            ("wideAlone", "stand-alone", "wide"),
            ("abbrAlone", "stand-alone", "abbreviated"),
        )
    }
    return {
        "lang": lang,
        "dir": text_direction(lang),
        "messages": app_messages(lang),
        "number": {
            "decimal": str(symbols["decimal"]),
            "group": str(symbols["group"]),
            # the sign format_number writes (Babel's pattern path), not CLDR's minusSign
            "minus": format_number(-1, lang).removesuffix("1"),
            "grouping": [int(grouping[0]), int(grouping[1])],
        },
        "date": {
            "long": str(locale.date_formats["long"].pattern),
            "month": str(locale.datetime_skeletons["yMMM"].pattern),
            "short": str(locale.datetime_skeletons["yMMMd"].pattern),
            "months": months,
        },
    }
