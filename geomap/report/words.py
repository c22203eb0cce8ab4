"""The report's tables in a language: headings, controlled vocabulary, numbers, dates, names.

``report.html`` shows the analysis tables with their cells written for a reader of the
chosen language: numbers and dates by Babel (CLDR), codes of the controlled vocabularies
(SHA/CHA, statuses, device and victim categories, ...) by their translated labels, place
and district names from a layer's ``name_<lang>`` column where it has one. The CSV files
and GeoPackages keep the machine-readable column names and codes: they are data for
other tools.

A column heading's message id is the column's name (as in the CSV); a code's message id
is the code itself, which is also its English label.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from geomap.analysis.quality import detail_parts
from geomap.i18n import DEFAULT_LANG
from geomap.i18n import N_
from geomap.i18n import format_date
from geomap.i18n import format_number
from geomap.i18n import translator

__all__ = [
    "CODE_COLUMNS",
    "NAME_COLUMNS",
    "code_label",
    "detail_text",
    "number_text",
    "table_html",
]

#: Columns whose values are codes of a controlled vocabulary (or lists of them, ", "-joined).
CODE_COLUMNS = frozenset(
    {
        "contamination",
        "hazard_class",
        "status",
        "link",
        "layer",
        "check",
        "evidence",
        "device_category",
        "incident_type",
        "victim_category",
        "victim_categories",
        "device_categories",
    }
)
#: Columns of place and district names (shown in the language where a layer has it), and
#: the context layer each column's names come from.
NAME_COLUMNS = {
    "name": "districts",
    "district": "districts",
    "nearest_town": "towns",
    "nearest_road": "roads",
}
#: Columns of identifiers, shown as given (never as numbers with separators).
_ID_COLUMNS = frozenset({"id", "district_id", "hazard_id", "incident_ids"})

#: The report's table headings: the CSV files' column names, shown translated.
_HEADINGS = (
    # TRANSLATORS: this and the messages like it (district_id, n_incidents, ...) are the
    # report's table headings, the CSV files' column names: translate them as short
    # headings (the CSV keeps the English name).
    N_("district_id"),
    N_("name"),
    N_("incidents"),
    N_("killed"),
    N_("injured"),
    N_("casualties"),
    N_("casualties_unknown"),
    N_("active_km2"),
    N_("released_km2"),
    N_("rank"),
    N_("score"),
    N_("id"),
    N_("hazard_class"),
    N_("district"),
    N_("area_km2"),
    N_("nearest_town"),
    N_("town_distance_m"),
    N_("towns_within"),
    N_("nearest_road"),
    N_("road_distance_m"),
    N_("n_incidents"),
    N_("incident_ids"),
    N_("first_date"),
    N_("last_date"),
    N_("victim_categories"),
    N_("device_categories"),
    N_("contamination"),
    N_("status"),
    N_("n_areas"),
    N_("recorded_km2"),
    N_("overlap_km2"),
    N_("layer"),
    N_("check"),
    N_("detail"),
    N_("flags"),
    N_("town_distance"),
    N_("road_distance"),
    N_("area"),
)

#: Codes of the analysis, shown translated (the vocabularies' codes: geomap.model).
_CODES = (
    # TRANSLATORS: this and the messages after it in geomap/report/words.py are codes of
    # the analysis as the report's tables show them (the controlled vocabularies' codes
    # are marked in geomap/model.py); the English label is the code itself.
    N_("contaminated"),
    N_("released"),
    N_("all"),
    N_("inside"),
    N_("nearby"),
    N_("unlinked"),
    N_("hazards"),
    N_("incidents"),
    N_("overlap"),
    N_("date_in_future"),
    N_("date_before_record"),
    N_("duplicate_geometry"),
    N_("few_vertices"),
    N_("invalid"),
    N_("sliver"),
    N_("spike"),
)

#: Text the analysis writes into a table cell, shown translated.
_CELL_TEXT = (N_("unknown"), N_("(outside every district)"))


def code_label(code: str, lang: str = DEFAULT_LANG) -> str:
    """Return a vocabulary code (or a ", "-joined list of codes) as shown in ``lang``.

    Examples
    --------
    >>> code_label("AP mine, UXO")
    'AP mine, UXO'
    """
    _ = translator(lang)
    return ", ".join(_(part) for part in str(code).split(", "))


def number_text(value: float, lang: str = DEFAULT_LANG) -> str:
    """Format a table's number: thousands as whole numbers, small ones to 4 significant digits.

    Examples
    --------
    >>> number_text(2195.8), number_text(13.9632, "az"), number_text(0.0478, "ru")
    ('2,196', '13,96', '0,0478')
    """
    if not math.isfinite(value):
        return ""
    size = abs(value)
    digits = 0 if size >= 1000 or size == 0 else max(0, 3 - math.floor(math.log10(size)))
    return format_number(value, lang, digits)


_EN_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def detail_text(detail: str, lang: str = DEFAULT_LANG) -> str:
    """Return a data-quality flag's sentence in ``lang``, its numbers and dates by Babel.

    The quality check writes its sentences in English (:data:`geomap.analysis.quality.DETAILS`);
    the values are read back and the sentence written from the catalogue. A sentence of no
    known form (none today) is shown as written.

    Examples
    --------
    >>> detail_text("overlaps HA-2 by 160,414 m² (58.7% of this area)", "en")
    'overlaps HA-2 by 160,414 m² (58.7% of this area)'
    """
    parts = detail_parts(detail) if lang != DEFAULT_LANG else None
    if parts is None:
        return detail
    template, values = parts

    def local(value: str) -> str:
        if _ISO_DAY.fullmatch(value):
            return format_date(dt.date.fromisoformat(value), lang)
        if _EN_NUMBER.fullmatch(value):
            digits = len(value.split(".")[1]) if "." in value else 0
            return format_number(float(value.replace(",", "")), lang, digits)
        return value

    return translator(lang)(template, **{k: local(v) for k, v in values.items()})


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is not missing
        return False


def _cell(value: Any, column: str, lang: str, names: Mapping[str, Mapping[str, str]]) -> str:
    """One table cell as text in ``lang``."""
    if _missing(value):
        return ""
    if column in _ID_COLUMNS:
        return str(value)
    if column in CODE_COLUMNS:
        return code_label(str(value), lang)
    if isinstance(value, (pd.Timestamp, dt.date)):
        return format_date(value.date() if isinstance(value, dt.datetime) else value, lang)
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return format_number(int(value), lang)
    if isinstance(value, (float, np.floating)):
        return number_text(float(value), lang)
    text = str(value)
    if column == "detail":
        return detail_text(text, lang)
    if text in _CELL_TEXT:
        return translator(lang)(text)
    return names.get(column, {}).get(text, text)


def table_html(
    df: pd.DataFrame,
    lang: str = DEFAULT_LANG,
    *,
    max_rows: int | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Return ``df`` as an HTML table for a reader of ``lang`` (every cell escaped).

    Parameters
    ----------
    df : DataFrame
        An analysis table (machine-readable column names and codes).
    lang : str
        One of :data:`geomap.i18n.LANGUAGES`.
    max_rows : int, optional
        Show the first rows only, with a note that the CSV has them all.
    names : mapping, optional
        Per column of :data:`NAME_COLUMNS`: each name as given → as shown (see
        :func:`geomap.i18n.names.translated_names`).

    Returns
    -------
    str
        The ``<table>`` (and the note), HTML.
    """
    _ = translator(lang)
    shown = df if max_rows is None else df.head(max_rows)
    names = names or {}
    cells = pd.DataFrame(
        {i: [_cell(v, str(c), lang, names) for v in shown[c]] for i, c in enumerate(shown)},
        index=shown.index,
    )
    cells.columns = [_(str(c)) for c in shown.columns]
    text = cells.to_html(index=False, escape=True, na_rep="", border=0)
    if max_rows is not None and len(df) > max_rows:
        note = _(
            "First {shown} of {total} rows; all in the CSV.",
            shown=format_number(max_rows, lang),
            total=format_number(len(df), lang),
        )
        text += f'<p class="note">{html.escape(note)}</p>'
    return text
