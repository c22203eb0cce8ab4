"""geomap's exceptions and warnings.

One small hierarchy, each class also a built-in exception (as Fiona does), so a
caller can catch ``GeomapError`` or the familiar ``ValueError``/``OSError``.
"""

from __future__ import annotations

__all__ = [
    "AssetError",
    "GeomapError",
    "GeomapWarning",
    "InputError",
    "MappingError",
    "ValidationError",
]


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class InputError(GeomapError, OSError):
    """A file could not be read as a layer (missing, empty, corrupt, ambiguous).

    The message names the file and the problem; ``path`` holds the file.
    """

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MappingError(GeomapError, ValueError):
    """A column-mapping file is malformed or names something that does not exist."""


class ValidationError(GeomapError, ValueError):
    """Rows failed validation and ``strict`` was asked for, or nothing was usable.

    ``problems`` holds the rejected rows' report (a DataFrame) when there is one.
    """

    def __init__(self, message: str, problems: object = None) -> None:
        super().__init__(message)
        self.problems = problems


class AssetError(GeomapError, RuntimeError):
    """A JavaScript or CSS asset needed for a self-contained map is not installed."""


class GeomapWarning(UserWarning):
    """Something was assumed or repaired; the data was kept."""
