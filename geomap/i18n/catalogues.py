"""Extract geomap's messages and keep the six catalogues up to date (``make messages``).

Two domains: ``geomap`` from the Python package (``_("...")`` and ``N_("...")``) and
``app`` from the map app's sources (``t("...")`` in ``js/src``). Run from the
repository root::

    python -m geomap.i18n.catalogues          # write the .pot files, update every .po
    python -m geomap.i18n.catalogues --check  # list messages missing from a catalogue

A new message lands in every catalogue with an empty translation; an empty or fuzzy
translation counts as missing for every language but English (the source language).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

from geomap.i18n import DEFAULT_LANG
from geomap.i18n import LANGUAGES
from geomap.i18n import LOCALE_DIR

logger = logging.getLogger(__name__)

#: A fixed header date: regenerating the catalogues changes only what changed.
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _new(domain: str, lang: str | None = None) -> Catalog:
    """Return an empty catalogue with geomap's header (fixed dates: no churn)."""
    return Catalog(
        locale=lang,
        domain=domain,
        project="geomap",
        copyright_holder="geomap contributors",
        msgid_bugs_address="https://github.com/geomap/geomap/issues",
        creation_date=_EPOCH,
        revision_date=_EPOCH,
        fuzzy=False,
        charset="utf-8",
    )


#: The repository root (the catalogues are extracted from a checkout, not a wheel).
ROOT = Path(__file__).resolve().parents[2]
#: Per domain: the source folder and Babel's method map, options and keywords.
SOURCES: dict[str, tuple[str, list[tuple[str, str]], dict[str, dict[str, str]], dict]] = {
    "geomap": (
        "geomap",
        [("**.py", "python")],
        {},
        {"_": None, "N_": None},
    ),
    "app": (
        "js/src",
        [("**.js", "javascript")],
        {"**.js": {"template_string": "true"}},
        {"t": None},
    ),
}


def extract(domain: str, root: Path = ROOT) -> Catalog:
    """Return the messages of ``domain`` found in the sources under ``root``."""
    folder, method_map, options, keywords = SOURCES[domain]
    catalogue = _new(domain)
    for filename, lineno, message, comments, context in extract_from_dir(
        root / folder, method_map, options, keywords=keywords, comment_tags=("TRANSLATORS:",)
    ):
        catalogue.add(
            message,
            None,
            [(f"{folder}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalogue


def po_path(lang: str, domain: str) -> Path:
    """Return the path of one catalogue."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def _write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalogue, sort_output=True, ignore_obsolete=True, include_lineno=False)


def update(root: Path = ROOT) -> None:
    """Write each domain's ``.pot`` and bring every language's ``.po`` up to date."""
    for domain in SOURCES:
        template = extract(domain, root)
        _write(LOCALE_DIR / f"{domain}.pot", template)
        for lang in LANGUAGES:
            path = po_path(lang, domain)
            if path.exists():
                with path.open("rb") as f:
                    catalogue = read_po(f, locale=lang, domain=domain)
            else:
                catalogue = _new(domain, lang)
            catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
            _write(path, catalogue)
            logger.info("%s: %d messages", path, len(catalogue))


def missing(lang: str, domain: str, root: Path = ROOT) -> list[str]:
    """Return the messages of the sources that ``lang``'s catalogue lacks or leaves untranslated."""
    path = po_path(lang, domain)
    have: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as f:
            have = {
                str(m.id): "" if m.fuzzy else str(m.string or "")
                for m in read_po(f, locale=lang, domain=domain)
                if m.id
            }
    return [
        str(m.id)
        for m in extract(domain, root)
        if m.id and (str(m.id) not in have or (lang != DEFAULT_LANG and not have[str(m.id)]))
    ]


def main(argv: list[str] | None = None) -> int:
    """Update the catalogues, or with ``--check`` list what is missing (exit 1 if any)."""
    parser = argparse.ArgumentParser(prog="python -m geomap.i18n.catalogues")
    parser.add_argument("--check", action="store_true", help="only list missing messages")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.check:
        update()
    gaps = {(lang, domain): missing(lang, domain) for domain in SOURCES for lang in LANGUAGES}
    for (lang, domain), ids in gaps.items():
        if ids:
            logger.warning("%s/%s: %d messages untranslated", lang, domain, len(ids))
    return 1 if args.check and any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
