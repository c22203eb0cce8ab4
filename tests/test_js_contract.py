"""The Python -> page contract: golden payloads from the encoder, decoded by the map app.

Each golden file in ``js/test/golden`` holds a payload written by :mod:`geomap.map._encode`
(or taken from a map that :func:`geomap.render_map` made) and the plain values it stands
for. ``js/test/*.test.js`` (``npm test``) decodes every file with ``js/src/decode.js``
and compares. Here, the committed files must be what the encoder writes today, so the
encoder and the decoder cannot drift apart unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from unittest import mock

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geomap
from geomap.map import _encode
from geomap.map._assets import ASSETS
from geomap.map._assets import DIST
from geomap.map._assets import asset_text
from geomap.map.options import COMPACT_THRESHOLD

from .conftest import ROOT
from .conftest import _require
from .conftest import app_config

GOLDEN = ROOT / "js" / "test" / "golden"
REGENERATE = "GEOMAP_WRITE_GOLDEN"


def _plain(values: Any) -> list[Any]:
    """Values as JSON has them: None for missing, dates as YYYY-MM-DD, numpy as Python."""
    out = []
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        elif isinstance(v, pd.Timestamp):
            out.append(v.strftime("%Y-%m-%d"))
        elif isinstance(v, np.generic):
            out.append(v.item())
        else:
            out.append(v)
    return out


def _column_case(values: pd.Series, what: str, **kwargs: Any) -> dict[str, Any]:
    # Low thresholds, so a few values show the deflated encodings (the format is the same).
    with (
        mock.patch.object(_encode, "COMPRESS_ABOVE", 64),
        mock.patch.object(_encode, "DEFLATE_ABOVE", 0),
    ):
        col = _encode.column(values, **kwargs)
    return {
        "kind": "column",
        "what": what,
        "n": len(values),
        "column": col,
        "expected": _plain(values),
    }


def _column_cases() -> dict[str, dict[str, Any]]:
    words = ["civilian", "deminer", None, "civilian", "civilian", "deminer", "civilian", None]
    text = [f"Field report {i}: <b>near</b> the road" for i in range(6)] + [None, "ünïcode ✓"]
    days = pd.to_datetime(["2021-03-01", None, "1969-12-31", "2024-02-29", "1970-01-01"])
    cases = {
        "dictionary": (pd.Series(words), "dictionary-coded categories", {}),
        "dictionary-deflated": (
            pd.Series([f"category number {i % 4} of four" for i in range(12)]),
            "dictionary-coded categories, the dictionary deflated",
            {"compress": True},
        ),
        "days": (pd.Series(days), "dates as days since 1970, with a missing one", {}),
        "text-deflated": (pd.Series(text), "a deflated list of text", {"compress": True}),
        "text": (pd.Series(["a", "b", None, "c"]), "a plain list of text", {}),
        "u1": (pd.Series([0, 3, None, 254], dtype="Int64"), "uint8 with missing", {}),
        "u2": (pd.Series([0, 300, None, 65534], dtype="Int64"), "uint16 with missing", {}),
        "i4": (pd.Series([-5, 70000, None, 0], dtype="Int64"), "int32 with missing", {}),
        "float-integral": (pd.Series([1.0, np.nan, 7.0]), "integral floats as integers", {}),
        "float": (pd.Series([1.25, np.nan, -7.5]), "floats as a list", {}),
        # The compact format of large layers.
        "compact-days": (pd.Series(days), "compact: dates as deflated day offsets", COMPACT),
        "compact-ids": (
            pd.Series(["INC-0009", "INC-0010", "INC-0010", "INC-0002", "INC-12345"]),
            "compact: numbered ids as a prefix and deflated number steps",
            COMPACT,
        ),
        "compact-ids-unpadded": (
            pd.Series(["HA-7", "HA-8", "HA-100"]),
            "compact: numbered ids without zero padding",
            COMPACT,
        ),
        "compact-ids-irregular": (
            pd.Series(["HA-7", "HA-08", "X-1", None]),
            "compact: ids that follow no pattern stay text",
            COMPACT,
        ),
        "compact-i4": (
            pd.Series([-5, 70000, None, 0], dtype="Int64"),
            "compact: int32 in deflated byte planes",
            COMPACT,
        ),
        "compact-dictionary": (
            pd.Series(words),
            "compact: dictionary codes deflated",
            COMPACT,
        ),
    }
    out = {f"column-{k}": _column_case(v, w, **kw) for k, (v, w, kw) in cases.items()}
    lngs = [46.93, -0.000001, 180.0, 47.123456]
    out["coordinates"] = {
        "kind": "coordinates",
        "what": "coordinates as int32 microdegrees",
        "scale": _encode.COORD_SCALE,
        "column": _encode.coords(np.array(lngs)),
        "expected": lngs,
    }
    with mock.patch.object(_encode, "DEFLATE_ABOVE", 0):
        compact = _encode.coords(np.array(lngs), _encode.COMPACT_SCALE, deflate=True)
    out["coordinates-compact"] = {
        "kind": "coordinates",
        "what": "compact: coordinates as int32 1e-5 degrees in deflated byte planes",
        "scale": _encode.COMPACT_SCALE,
        "tol": 0.6e-5,
        "column": compact,
        "expected": lngs,
    }
    return out


#: Column options of the compact format (large layers).
COMPACT = {"compress": True, "compact": True}


def _tiny_layers(
    incidents: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The conftest layers, validated, with a missing date and a missing count."""
    inc = incidents.copy()
    inc["date"] = inc["date"].astype(object)
    inc.loc[2, "date"] = None
    inc["killed"] = inc["killed"].astype("Int64")
    inc.loc[4, "killed"] = None
    inc.loc[1, "description"] = "shepherd </script>"
    return geomap.validate_incidents(inc).kept, geomap.validate_hazards(hazards).kept


#: The keys of a layer spec that carry encoded data (style and labels are not decoded).
WIRE_KEYS = ("n", "x", "y", "scale", "cols", "g", "coarse", "detailZoom", "time", "released")


def _days(values: pd.Series) -> list[int | None]:
    dt = pd.to_datetime(values)
    return [None if pd.isna(v) else (v - pd.Timestamp("1970-01-01")).days for v in dt]


def _map_cases(
    inc: gpd.GeoDataFrame, haz: gpd.GeoDataFrame, compact: bool = False
) -> dict[str, dict[str, Any]]:
    with mock.patch.object(_encode, "DEFLATE_ABOVE", 0 if compact else _encode.DEFLATE_ABOVE):
        m = _golden_map(inc, haz, compact)
    config = app_config(m.get_root().render())
    specs = {s["key"]: s for s in config["layers"]}
    hspec, ispec = specs["hazards"], specs["incidents"]
    hcols = {c: _plain(haz[c]) for c in hspec["cols"]}
    rings = [
        [
            [[y, x] for x, y in g.exterior.coords],
            *[[[y, x] for x, y in r.coords] for r in g.interiors],
        ]
        for g in haz.geometry
    ]
    tag = "-compact" if compact else ""
    what = " (compact format)" if compact else ""
    tol = {"tol": 0.6e-5} if compact else {}
    return {
        f"map-hazards{tag}": {
            "kind": "polygons",
            "what": f"the hazards layer of a map from render_map{what}",
            "configVersion": config["version"],
            "spec": {k: hspec[k] for k in WIRE_KEYS if k in hspec},
            "style": hspec["style"],
            **tol,
            "expected": {
                "polygons": rings,
                "cols": hcols,
                "time": {"t0": _days(haz["date_recorded"]), "t1": _days(haz["status_date"])},
                "released": [int(s == "cleared") for s in haz["status"]],
            },
        },
        f"map-incidents{tag}": {
            "kind": "points",
            "what": f"the incidents layer of a map from render_map{what}",
            "configVersion": config["version"],
            "spec": {k: ispec[k] for k in WIRE_KEYS if k in ispec},
            "style": ispec["style"],
            **tol,
            "expected": {
                "lng": [p.x for p in inc.geometry],
                "lat": [p.y for p in inc.geometry],
                "cols": {c: _plain(inc[c]) for c in ispec["cols"]},
                "time": {"t": _days(inc["date"])},
            },
        },
    }


def _golden_map(inc: gpd.GeoDataFrame, haz: gpd.GeoDataFrame, compact: bool) -> Any:
    return geomap.render_map(
        inc,
        haz,
        tiles=None,
        simplify_m=0,
        compact_above=0 if compact else COMPACT_THRESHOLD,
        popup_fields={
            "incidents": ["id", "date", "killed", "injured", "description"],
            "hazards": ["id", "hazard_class", "status", "status_date", "date_recorded"],
        },
        tooltip_fields={"incidents": ["id"], "hazards": ["id"]},
    )


def golden_files(incidents: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame) -> dict[str, str]:
    """Every golden file's name and text, as the encoder writes them now."""
    layers = _tiny_layers(incidents, hazards)
    cases = {**_column_cases(), **_map_cases(*layers), **_map_cases(*layers, compact=True)}
    return {
        f"{name}.json": json.dumps(case, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        for name, case in cases.items()
    }


def test_golden_payloads_are_what_the_encoder_writes(incidents_gdf, hazards_gdf):
    files = golden_files(incidents_gdf, hazards_gdf)
    if os.environ.get(REGENERATE) == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for old in GOLDEN.glob("*.json"):
            old.unlink()
        for name, text in files.items():
            (GOLDEN / name).write_text(text, encoding="utf-8")
    committed = {p.name: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.json")}
    stale = sorted(n for n in files.keys() | committed.keys() if files.get(n) != committed.get(n))
    assert not stale, (
        f"golden payloads in {GOLDEN.relative_to(ROOT)} differ from what the encoder writes "
        f"now: {stale}. If the change is meant, regenerate them with "
        f"`{REGENERATE}=1 pytest tests/test_js_contract.py`, update js/src/decode.js to "
        "match, and run `npm test`."
    )


def _package_file(file: str) -> Path:
    """A file of the geomap package in use (package data)."""
    return Path(geomap.__file__).parent / file


def test_every_bundled_asset_is_package_data_of_its_pinned_version():
    manifest = json.loads(_package_file(f"{DIST}/manifest.json").read_text())
    for name, asset in ASSETS.items():
        text = asset_text(name)
        assert text.strip(), name
        if asset.package == "geomap":
            built = manifest[name.removesuffix("_css")]
            assert f"/{built['package']}@{built['version']}/" in asset.cdn, name
    licences = _package_file("_static/THIRD_PARTY_LICENSES").read_text()
    for built in manifest.values():
        assert f"\n{built['package']} {built['version']} - " in licences


def _npm() -> str:
    """The npm command, when node_modules is installed; skip (or fail) otherwise."""
    npm = shutil.which("npm")
    reason = None
    if not npm or not shutil.which("node"):
        reason = "node/npm are not on PATH"
    elif not (ROOT / "node_modules" / "esbuild").is_dir():
        reason = "node_modules is not installed (npm ci)"
    if reason:
        if _require("GEOMAP_REQUIRE_NODE"):
            pytest.fail(reason + " and GEOMAP_REQUIRE_NODE=1")
        pytest.skip(reason)
    assert npm is not None
    return npm


@pytest.mark.parametrize("script", ["test", "check"])
def test_npm_script_passes(script):
    """``npm test`` decodes the golden payloads; ``npm run check``: the build is up to date."""
    done = subprocess.run(
        [_npm(), "run", "--silent", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
