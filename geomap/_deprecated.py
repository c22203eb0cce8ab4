"""Warn that a module of geomap 0.1 moved (the old paths are kept for one release)."""

import warnings
from collections.abc import Sequence


def moved(old: str, new: str, names: Sequence[str]) -> None:
    """Warn, once per import, that ``old`` is deprecated and ``names`` live in ``new``."""
    warnings.warn(
        f"{old} is deprecated: import {', '.join(names)} from {new}",
        DeprecationWarning,
        stacklevel=3,
    )
