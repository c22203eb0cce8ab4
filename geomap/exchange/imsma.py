"""The IMSMA Core export profile: a GeoPackage (or File Geodatabase) to append into IMSMA Core.

IMSMA Core (GICHD's information management system for mine action, on ArcGIS) links
records through two text fields that every feature class carries (GICHD, *IMSMA Data
Linking Process*):

* ``imsma_id`` (at most 50 characters): the feature type and a number, e.g.
  ``hazard_poly_145``, ``accident_34``;
* ``imsma_links`` (at most 20,000 characters): the ``imsma_id`` of every linked
  feature, comma-separated.

:func:`imsma_layers` gives each hazard area and incident such an id, links each
incident to its hazard area with :func:`geomap.analysis.link_incidents` (both ways:
the accident lists its hazard, the hazard its accidents), writes every controlled
value as the exact code of :data:`IMSMA_CODES` and the coordinates in WGS84, and names
the fields after GICHD's Minimum Data Requirements where geomap holds them
(:data:`IMSMA_FIELDS`). :func:`write_imsma` writes the two layers atomically;
:func:`imsma_mapping` is the column mapping that reads the export back into geomap
(shipped as ``examples/imsma-core-incidents.yaml`` and ``examples/imsma-core-hazards.yaml``).

Sourced: the two linking fields, their lengths and the feature-type prefixes (GICHD's
IMSMA Core documentation); the Minimum Data Requirements items (perimeter coordinates,
benchmark coordinates, status open/closed/handed over, type of area SHA/CHA, category
of devices, implementing organisation; accident coordinates, date, device category,
demining vs mine/ERW accident). Not sourced: IMSMA Core's coded-value domains are set
per programme and are not public, so the code values below are geomap's own, spelled
after IMAS 04.10's terms; a programme maps them onto its domains with ArcGIS Pro's
Append field map.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geomap._errors import GeomapError
from geomap.analysis import link_incidents
from geomap.io import PathLike
from geomap.io import atomic_path
from geomap.model import DISPLAY_CRS
from geomap.model import HAZARDS
from geomap.model import INCIDENTS

__all__ = [
    "FEATURE_TYPES",
    "IMSMA_CODES",
    "IMSMA_FIELDS",
    "MDR_STATUS",
    "imsma_driver",
    "imsma_layers",
    "imsma_mapping",
    "write_imsma",
]

log = logging.getLogger(__name__)

#: The feature type that starts each layer's ``imsma_id`` (``hazard_poly_1``, ``accident_1``).
FEATURE_TYPES = {"hazards": "hazard_poly", "incidents": "accident"}

#: IMSMA Core's limits on its linking fields.
ID_LENGTH, LINKS_LENGTH = 50, 20_000

#: geomap field → the exported field, per layer (Minimum Data Requirements names where
#: the MDR has the item; geomap's own otherwise).
IMSMA_FIELDS: dict[str, dict[str, str]] = {
    "hazards": {
        "id": "local_id",
        "hazard_class": "hazard_type",
        "status": "land_release",
        "status_date": "status_date",
        "date_recorded": "date_recorded",
        "evidence": "evidence",
        "device_category": "device_category",
        "district": "district",
        "operator": "organisation",
        "source": "info_source",
        "area_m2": "area_sqm",
    },
    "incidents": {
        "id": "local_id",
        "date": "accident_date",
        "incident_type": "accident_type",
        "killed": "killed",
        "injured": "injured",
        "victim_category": "victim_category",
        "device_category": "device_category",
        "district": "district",
        "description": "narrative",
    },
}

#: The exact code written for each value of geomap's controlled vocabularies.
IMSMA_CODES: dict[str, dict[str, str]] = {
    "hazard_class": {"SHA": "SHA", "CHA": "CHA"},
    "status": {
        "active": "Not released",
        "cancelled": "Cancelled",
        "reduced": "Reduced",
        "cleared": "Cleared",
        "handed over": "Handed over",
    },
    "evidence": {"direct": "Direct", "indirect": "Indirect", "none": "None", "unknown": "Unknown"},
    "device_category": {
        "AP mine": "Anti-personnel mine",
        "AT mine": "Anti-vehicle mine",
        "improvised mine / IED": "Improvised explosive device",
        "cluster munition remnant": "Cluster munition remnant",
        "UXO": "Unexploded ordnance",
        "AXO": "Abandoned explosive ordnance",
        "other/unknown": "Other/unknown",
    },
    "incident_type": {
        "mine/ERW accident": "Mine/ERW accident",
        "demining accident": "Demining accident",
        "incident": "Incident",
        "EO find": "EO find",
        "other": "Other",
    },
    "victim_category": {
        "civilian": "Civilian",
        "deminer": "Deminer",
        "military/security": "Military/security",
        "journalist": "Journalist",
        "unknown": "Unknown",
    },
}

#: The Minimum Data Requirements' area status (open, closed, handed over) of each status.
MDR_STATUS = {
    "active": "Open",
    "cancelled": "Closed",
    "reduced": "Closed",
    "cleared": "Closed",
    "handed over": "Handed over",
}

_SPECS = {"hazards": HAZARDS, "incidents": INCIDENTS}
_DRIVERS = {".gpkg": "GPKG", ".gdb": "OpenFileGDB"}


def _ids(gdf: pd.DataFrame) -> list[str]:
    """Each row's geomap id as linking names it: the ``id`` where there is one, else the index."""
    if "id" in gdf.columns:
        return [
            str(v) if pd.notna(v) else str(i) for i, v in zip(gdf.index, gdf["id"], strict=True)
        ]
    return [str(i) for i in gdf.index]


def _coded(gdf: gpd.GeoDataFrame, layer: str) -> pd.DataFrame:
    """Return the model fields under their export names, controlled values as exact codes."""
    spec = _SPECS[layer]
    out = pd.DataFrame(index=gdf.index)
    for name, target in IMSMA_FIELDS[layer].items():
        if name not in gdf.columns:
            continue
        col = gdf[name]
        field = spec.field(name)
        if field.kind == "code" and name in IMSMA_CODES:
            table = IMSMA_CODES[name]
            col = col.astype(object).map(lambda v, t=table: t.get(str(v)) if pd.notna(v) else None)
        elif field.kind == "count":  # 32-bit: a File Geodatabase has no 64-bit integers
            col = col.astype("Int32")
        elif field.kind in ("text", "id"):
            col = col.astype(object).where(col.notna(), None)
        out[target] = col
    return out


def _links(text: list[str], what: str) -> str | None:
    """Join ids as ``imsma_links``: comma-separated, within IMSMA Core's 20,000 characters."""
    joined = ",".join(text)
    if len(joined) > LINKS_LENGTH:
        cut = joined[:LINKS_LENGTH].rsplit(",", 1)[0]
        log.warning(
            "%s: %d links do not fit IMSMA Core's %d characters; kept the first %d",
            what,
            len(text),
            LINKS_LENGTH,
            cut.count(",") + 1,
        )
        joined = cut
    return joined or None


def imsma_layers(
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    *,
    max_distance_m: float = 500.0,
) -> dict[str, gpd.GeoDataFrame]:
    """Return the IMSMA Core export of validated layers: ids, links, exact codes, WGS84.

    Parameters
    ----------
    incidents, hazards : GeoDataFrame, optional
        Validated layers (the kept rows; not changed). Either may be None.
    max_distance_m : float
        Link an incident outside every hazard area to the nearest within this many
        metres (as :func:`geomap.analysis.link_incidents`).

    Returns
    -------
    dict
        ``{"hazards": ..., "incidents": ...}`` (those given), in EPSG:4326, with
        ``imsma_id``, ``imsma_links`` and the fields of :data:`IMSMA_FIELDS`; hazards
        also carry ``area_status`` (open/closed/handed over) and their benchmark
        (``bench_lat``, ``bench_lon``: a point inside the area); incidents their
        ``latitude``, ``longitude``, ``link`` (inside/nearby/unlinked) and
        ``link_distance_m``.

    Examples
    --------
    >>> import geomap
    >>> layers = geomap.load_layers("data/karabakh-sample.gpkg")
    >>> out = imsma_layers(layers["incidents"].kept, layers["hazards"].kept)
    >>> out["hazards"]["imsma_id"].iloc[0], out["incidents"]["imsma_id"].iloc[0]
    ('hazard_poly_1', 'accident_1')
    """
    given = {"hazards": hazards, "incidents": incidents}
    frames = {k: v.to_crs(DISPLAY_CRS) for k, v in given.items() if v is not None}
    imsma = {
        k: pd.Series([f"{FEATURE_TYPES[k]}_{i + 1}" for i in range(len(v))], index=v.index)
        for k, v in frames.items()
    }
    links: dict[str, pd.Series] = {
        k: pd.Series(None, index=v.index, dtype=object) for k, v in frames.items()
    }
    if "incidents" in frames:
        frames["incidents"] = _linked(frames, imsma, links, max_distance_m)
    out = {}
    for layer, gdf in frames.items():
        table = _coded(gdf, layer)
        table.insert(0, "imsma_links", links[layer])
        table.insert(0, "imsma_id", imsma[layer])
        table = table.assign(**_extra(gdf, layer))
        out[layer] = gpd.GeoDataFrame(
            table.reset_index(drop=True), geometry=gdf.geometry.to_numpy(), crs=DISPLAY_CRS
        )
    return out


def _linked(
    frames: dict[str, gpd.GeoDataFrame],
    imsma: dict[str, pd.Series],
    links: dict[str, pd.Series],
    max_distance_m: float,
) -> gpd.GeoDataFrame:
    """Link the incidents to the hazard areas; fill both layers' ``imsma_links``."""
    inc = frames["incidents"]
    haz = frames.get("hazards")
    if haz is None or not len(haz) or not len(inc):
        return inc.assign(link="unlinked", distance_m=float("nan"))
    linked = link_incidents(inc, haz, max_distance_m=max_distance_m)
    by_local: dict[str, str] = {}
    for local, hid in zip(_ids(haz), imsma["hazards"], strict=True):
        by_local.setdefault(local, hid)  # a repeated id links to its first area
    if len(by_local) < len(haz):
        log.warning(
            "%d hazard areas repeat another's id: accidents link to the first of each",
            len(haz) - len(by_local),
        )
    target = linked["hazard_id"].map(lambda v: by_local.get(str(v)) if pd.notna(v) else None)
    links["incidents"] = target.astype(object)
    listed = imsma["incidents"][target.notna()].groupby(target[target.notna()], sort=False)
    accidents = {str(hid): ids.tolist() for hid, ids in listed}
    links["hazards"] = imsma["hazards"].map(lambda hid: _links(accidents.get(hid, []), hid))
    return linked


def _extra(gdf: gpd.GeoDataFrame, layer: str) -> dict[str, Any]:
    """Return the computed fields: hazards' MDR status and benchmark; incidents' place, link."""
    if layer == "hazards":
        bench = gdf.geometry.representative_point()
        status = (
            gdf["status"].astype(object) if "status" in gdf else pd.Series(None, index=gdf.index)
        )
        return {
            "area_status": status.map(lambda v: MDR_STATUS.get(str(v)) if pd.notna(v) else None),
            "bench_lat": bench.y.round(7),
            "bench_lon": bench.x.round(7),
        }
    return {
        "latitude": gdf.geometry.y,
        "longitude": gdf.geometry.x,
        "link": gdf["link"].astype(str),
        "link_distance_m": gdf["distance_m"],
    }


def imsma_mapping(layer: str) -> dict[str, Any]:
    """Return the column mapping that reads an IMSMA Core export's ``layer`` back into geomap.

    Parameters
    ----------
    layer : {"incidents", "hazards"}
        The layer to read back.

    Returns
    -------
    dict
        A mapping document (:class:`geomap.io.ColumnMapping`'s keys): the export's
        fields to geomap's, its codes back to geomap's, ``imsma_id`` and
        ``imsma_links`` kept.

    Examples
    --------
    >>> imsma_mapping("hazards")["codes"]["status"]["Not released"]
    'active'
    """
    fields = {k: v for k, v in IMSMA_FIELDS[layer].items()}
    codes = {
        name: {code: value for value, code in IMSMA_CODES[name].items()}
        for name in fields
        if name in IMSMA_CODES
    }
    return {"layer": layer, "fields": fields, "codes": codes, "keep": ["imsma_id", "imsma_links"]}


@contextlib.contextmanager
def _atomic_folder(dest: Path) -> Iterator[Path]:
    """Yield a folder beside ``dest``; on success, move it to ``dest`` (which must not exist)."""
    tmp = dest.with_name(f".partial-{dest.name}")  # GDAL wants the .gdb ending
    shutil.rmtree(tmp, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield tmp
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_imsma(
    path: PathLike,
    incidents: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
    *,
    max_distance_m: float = 500.0,
) -> Path:
    """Write the IMSMA Core export (:func:`imsma_layers`) as a GeoPackage or File Geodatabase.

    Parameters
    ----------
    path : str or Path
        ``.gpkg`` (replaced whole if it exists) or ``.gdb`` (a File Geodatabase,
        written with GDAL's OpenFileGDB driver; it must not exist yet).
    incidents, hazards : GeoDataFrame, optional
        Validated layers; each becomes a layer of the same name.
    max_distance_m : float
        The linking distance, metres.

    Returns
    -------
    Path

    Raises
    ------
    GeomapError
        Another extension, a ``.gdb`` that exists, or a GDAL that cannot write one.
    """
    dest = Path(path)
    driver = imsma_driver(dest)
    layers = imsma_layers(incidents, hazards, max_distance_m=max_distance_m)
    if not layers:
        raise GeomapError(f"{dest}: nothing to export (no incidents and no hazard areas)")
    writing = _atomic_folder(dest) if driver == "OpenFileGDB" else atomic_path(dest)
    try:
        with writing as tmp:
            for name, gdf in layers.items():
                pyogrio.write_dataframe(gdf, tmp, layer=name, driver=driver)
    except (RuntimeError, ValueError) as exc:  # GDAL's errors while writing
        raise GeomapError(f"{dest}: could not write: {str(exc).splitlines()[0]}") from None
    log.info("IMSMA Core export: %s", ", ".join(f"{len(v)} {k}" for k, v in layers.items()))
    return dest


def imsma_driver(path: PathLike) -> str:
    """Return the GDAL driver that writes ``path``; fail unless it can.

    Parameters
    ----------
    path : str or Path
        ``.gpkg`` or ``.gdb`` (one that does not exist yet).

    Returns
    -------
    str
        ``"GPKG"`` or ``"OpenFileGDB"``.

    Raises
    ------
    GeomapError
        Another extension, a ``.gdb`` that exists, or a GDAL that cannot write it.

    Examples
    --------
    >>> imsma_driver("export.gpkg")
    'GPKG'
    """
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in _DRIVERS:
        raise GeomapError(
            f"{dest}: the imsma-core profile writes a .gpkg (GeoPackage) or a .gdb (File "
            f"Geodatabase), not {suffix or 'a name without extension'!r}"
        )
    driver = _DRIVERS[suffix]
    if "w" not in pyogrio.list_drivers().get(driver, ""):
        raise GeomapError(
            f"{dest}: this GDAL ({pyogrio.__gdal_version_string__}) cannot write {driver}; "
            "write a .gpkg instead"
        )
    if driver == "OpenFileGDB" and dest.exists():
        raise GeomapError(f"{dest} exists: a File Geodatabase is never replaced; remove it first")
    return driver
