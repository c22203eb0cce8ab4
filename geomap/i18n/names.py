"""Names in the chosen language, where the data have them.

A layer may carry a name per language beside its ``name``: ``name_az``, ``name_ru``,
... (any labelled field ``X`` with an ``X_<lang>`` column). :func:`local_names` gives a
layer whose ``X`` holds the name in the language where the data give one (the map);
:func:`name_field` picks the column a table shows; :func:`translated_names` maps each
name as given to its name in the language, for tables that hold names copied from a
layer (a priority area's district or nearest town: the report). A row whose
``name_ru`` is empty keeps its ``name``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from typing import TypeVar

import pandas as pd

from geomap.i18n import check_lang

__all__ = ["local_names", "name_field", "translated_names"]

Frame = TypeVar("Frame", bound=pd.DataFrame)


def local_names(frame: Frame, lang: str) -> Frame:
    """Return ``frame`` with each column ``X`` that has an ``X_<lang>`` column in that language.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        A layer (districts, places, incidents...).
    lang : str
        The language code, e.g. ``"ru"``.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A copy in which ``X`` holds ``X_<lang>`` where that is neither missing nor
        blank, and its own value elsewhere; ``frame`` itself when no column has a
        name in ``lang``.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["Shusha", "Lachin"], "name_ru": ["Шуша", None]})
    >>> local_names(df, "ru")["name"].tolist()
    ['Шуша', 'Lachin']
    >>> local_names(df, "az") is df
    True
    """
    suffix = f"_{lang}"
    columns = [c for c in frame.columns if isinstance(c, str) and f"{c}{suffix}" in frame.columns]
    if not columns:
        return frame
    out = frame.copy()
    for c in columns:
        local = frame[f"{c}{suffix}"]
        given = local.notna() & (local.astype(str).str.strip() != "")
        out[c] = frame[c].astype(object).where(~given, local.astype(object))
    return out


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
