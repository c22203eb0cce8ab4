"""Names in the map's language: a ``<field>_<lang>`` column where the data have one.

Place, district and other labelled names are shown in the chosen language where
the data give it (``name_az``, ``name_ru``, ``district_ru``, ...), otherwise as
given: a row whose ``name_ru`` is empty keeps its ``name``.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

__all__ = ["local_names"]

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
