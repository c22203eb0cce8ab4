"""Place and district names in the chosen language, where the data has them.

A layer may carry a name per language beside its ``name``: ``name_az``, ``name_ru``,
... (the language's code after an underscore). :func:`name_field` picks the column a
map or a report shows; :func:`translated_names` maps each name as given to its name in
the language, for tables that hold names copied from a layer (a priority area's
district or nearest town).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geomap.i18n import check_lang

__all__ = ["name_field", "translated_names"]


def name_field(columns: Iterable[str], lang: str, field: str = "name") -> str:
    """Return ``"<field>_<lang>"`` when ``columns`` has it, else ``field``.

    Parameters
    ----------
    columns : iterable of str
        A layer's columns.
    lang : str
        One of :data:`geomap.i18n.LANGUAGES`.
    field : str, default "name"
        The column of the names as given.

    Examples
    --------
    >>> name_field(["name", "name_az"], "az"), name_field(["name", "name_az"], "ru")
    ('name_az', 'name')
    """
    wanted = f"{field}_{check_lang(lang)}"
    return wanted if wanted in set(columns) else field


def translated_names(layer: Any, lang: str, field: str = "name") -> dict[str, str]:
    """Map each name of ``layer`` (as given) to its name in ``lang``, where it has one.

    Parameters
    ----------
    layer : DataFrame or None
        A layer with a ``field`` column and maybe ``<field>_<lang>``.
    lang : str
        One of :data:`geomap.i18n.LANGUAGES`.
    field : str, default "name"
        The column of the names as given.

    Returns
    -------
    dict
        Name as given → name in ``lang`` (only names with a non-empty translation).

    Examples
    --------
    >>> import pandas as pd
    >>> towns = pd.DataFrame({"name": ["Shusha", "Lachin"], "name_az": ["Şuşa", None]})
    >>> translated_names(towns, "az")
    {'Shusha': 'Şuşa'}
    """
    if layer is None or field not in layer.columns:
        return {}
    column = name_field(layer.columns, lang, field)
    if column == field:
        return {}
    pairs = layer[[field, column]].dropna()
    return {
        str(given): str(local)
        for given, local in zip(pairs[field], pairs[column], strict=True)
        if str(local).strip() and str(given) != str(local)
    }
