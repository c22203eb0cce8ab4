"""Public maps: nothing personal, nothing precise, no small counts."""

from __future__ import annotations

import base64
import itertools
import json
import zlib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geomap
from geomap import GeomapError
from geomap.geo import metric_crs
from geomap.map import PUBLIC_FIELDS
from geomap.map import public_incidents
from geomap.map._encode import I4_MISSING
from geomap.map.public import PUBLIC_POPUP_FIELDS

from .conftest import SAMPLE
from .conftest import app_config
from .conftest import payloads

CANARY = "CANARY7f3a"
PERSONAL = ("victim_name", "date_of_birth", "home_address", "phone", "notes")


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


@pytest.fixture(scope="module")
def planted(sample):
    """The sample incidents with canary values in every field that must not be published."""
    inc = sample["incidents"].kept.copy()
    for col in PERSONAL:
        inc[col] = [f"{CANARY}-{col}-{i}" for i in range(len(inc))]
    inc["description"] = [f"{CANARY}-description-{i}" for i in range(len(inc))]
    inc["id"] = [f"{CANARY}-id-{i}" for i in range(len(inc))]
    inc["source_file"] = f"/home/{CANARY}/secret.gpkg"
    return inc


def decode(col: dict) -> np.ndarray:
    dtype = {"u1": "<u1", "u2": "<u2", "i4": "<i4", "f8": "<f8"}[col["t"]]
    return np.frombuffer(base64.b64decode(col["b64"]), dtype=dtype)


def public_points(html: str) -> np.ndarray:
    spec = payloads(html)["incidents"]
    return np.column_stack([decode(spec["x"]), decode(spec["y"])]) / spec["scale"]


@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
def test_no_canary_reaches_the_public_html(planted, sample, generalise):
    districts = gpd.read_file(SAMPLE, layer="districts")
    m = geomap.render_map(
        planted,
        sample["hazards"],
        districts=districts,
        public=True,
        generalise=generalise,
        cell_m=2000,
        k=3,
    )
    html = m.get_root().render()
    assert CANARY not in html
    for value in planted["description"].head(3):
        assert value not in html
    # Nor any true coordinate: points are cell centres.
    exact = {(round(p.x, 6), round(p.y, 6)) for p in planted.geometry}
    shown = {(round(x, 6), round(y, 6)) for x, y in public_points(html)}
    assert exact.isdisjoint(shown)


def test_public_points_are_grid_cell_centres_and_hold_their_incidents(planted):
    cell = 2000.0
    html = geomap.render_map(planted, public=True, cell_m=cell, k=3).get_root().render()
    pts = public_points(html)
    crs = metric_crs(planted)
    metric = gpd.GeoSeries(shapely.points(pts[:, 0], pts[:, 1]), crs=4326).to_crs(crs)
    # Every published point is the centre of a grid cell (to the 1e-6° rounding, < 0.2 m).
    for v in (metric.x.to_numpy(), metric.y.to_numpy()):
        offset = v / cell - 0.5
        assert np.abs(offset - np.round(offset)).max() * cell < 0.2
    # No published point is nearer a true location than the grid allows, and each true
    # incident lies within its cell (half a diagonal) of a published point.
    true = planted.geometry.to_crs(crs)
    dist = np.hypot(
        true.x.to_numpy()[:, None] - metric.x.to_numpy()[None, :],
        true.y.to_numpy()[:, None] - metric.y.to_numpy()[None, :],
    )
    nearest = dist.min(axis=1)
    assert nearest.max() <= cell / np.sqrt(2) + 1
    assert len(pts) < len(planted)  # cells really aggregate


def test_counts_below_k_are_suppressed(sample):
    inc = sample["incidents"].kept
    cells = public_incidents(inc, cell_m=2000, k=3)
    assert int(cells["suppressed"].sum()) > 0
    small = cells[cells["suppressed"]]
    assert small[["incidents", "killed", "injured"]].isna().all().all()
    big = cells[~cells["suppressed"]]
    assert (big["incidents"] >= 3).all()
    # Nothing is lost: the counts published plus the suppressed cells' account for all incidents.
    assert int(big["incidents"].sum()) + len(small) <= len(inc)
    assert int(big["incidents"].sum()) < len(inc)


def test_public_summary_steps_by_quarter_in_releases_of_k(sample):
    html = geomap.render_map(sample["incidents"], public=True, k=5).get_root().render()

    config = app_config(html)
    assert all("Q" in m for m in config["timeline"]["months"])
    rows = {r["key"]: r["values"] for r in config["summary"]["rows"]}
    assert set(rows) == {"incidents", "killed", "injured"}  # no breakdown by victim category
    assert rows["incidents"][-1] == 125  # the total is published
    exact = [v for v in rows["incidents"] if isinstance(v, int)]
    assert all(b - a >= 5 for a, b in itertools.pairwise(exact))
    assert "at least" in " ".join(str(v) for v in rows["killed"]) or len(exact) == len(
        rows["incidents"]
    )


def test_non_public_fields_are_refused(sample):
    with pytest.raises(GeomapError, match=r"fields \['description'\] may not be published"):
        geomap.render_map(
            sample["incidents"], public=True, popup_fields={"incidents": ["description"]}
        )


def test_cli_public(tmp_path, planted):
    from geomap.cli import main

    src = tmp_path / "incidents.gpkg"
    planted.drop(columns=["source_file", "source_row"]).to_file(src, layer="incidents")
    out = tmp_path / "public.html"
    assert (
        main(["render", str(src), "-o", str(out), "--public", "--cell", "5000", "-k", "4", "-q"])
        == 0
    )
    html = out.read_text()
    assert CANARY not in html
    assert payloads(html)["incidents"]["name"] == "Incidents (generalised to grid cells)"


# ---------------------------------------------------------------- the policy


def test_policy_is_applied_once_before_layers(planted, sample):
    from geomap.map import MapOptions
    from geomap.map import PublicPolicy
    from geomap.map._inputs import MapInputs
    from geomap.map.public import prepare

    assert PublicPolicy.from_options(MapOptions()) is None
    opts = MapOptions(public=True, generalise="hex", cell_m=3000, k=4)
    policy = PublicPolicy.from_options(opts)
    assert policy == PublicPolicy(generalise="hex", cell_m=3000, k=4)
    data = MapInputs.of(planted, sample["hazards"], proposed=sample["hazards"].kept)
    public, view = prepare(data, opts)
    assert public.proposed is None  # proposed areas trace incidents
    assert public.true_incidents is data.incidents  # figures suppressed by count, not moved
    assert set(public.incidents.columns) <= {*PUBLIC_FIELDS["incidents"], "geometry"}
    assert set(public.hazards.columns) <= {*PUBLIC_FIELDS["hazards"], "geometry"}
    assert public.incidents["suppressed"].any()
    assert (view.k, view.searchable, view.suppressed_field) == (4, False, "suppressed")
    assert view.public == {"k": 4, "generalise": "hex", "cell_m": 3000}
    assert view.popup["incidents"][0] == "incidents"
    same, private = prepare(data, MapOptions())
    assert same is data
    assert (private.k, private.public) == (None, None)


def test_policy_rejects_what_may_not_be_published():
    from geomap.map import PublicPolicy

    policy = PublicPolicy()
    policy.check_fields({"incidents": ["killed"]}, None, {"hazards": ["status"]})
    with pytest.raises(GeomapError, match=r"hazards fields \['operator'\] may not be published"):
        policy.check_fields(None, {"hazards": ["id", "operator"]})
    with pytest.raises(GeomapError, match="`generalise` was 'circle'"):
        PublicPolicy(generalise="circle")
    with pytest.raises(GeomapError, match="`k` was 0 but is expected to be a whole number"):
        PublicPolicy(k=0)
    with pytest.raises(GeomapError, match="cells must be at least 250 m"):
        PublicPolicy(cell_m=10)
    with pytest.raises(GeomapError, match="k must be at least 2"):
        PublicPolicy(k=1)
    unsafe = PublicPolicy(cell_m=10, k=1, allow_unsafe=True)
    assert not unsafe.safe
    assert "NOT safe to publish" in unsafe.view().incident_name
    assert "generalised" not in unsafe.view().incident_name


# ---------------------------------------------------------------- differencing attacks


def values_of(col, n: int) -> list:
    """Decode one page column (as ``geomap.map._encode.column`` wrote it) to Python values."""
    if isinstance(col, list):
        return col
    if "z" in col or "dz" in col:
        raw = base64.b64decode(col.get("z") or col["dz"])
        words = json.loads(zlib.decompress(raw, -15).decode("utf-8"))
        return words if "z" in col else values_of({"d": words, "i": col["i"]}, n)
    if "days" in col:
        return values_of(col["days"], n)
    if "d" in col:
        idx = values_of(col["i"], n)
        return [None if i is None else col["d"][i] for i in idx]
    arr = decode(col)
    missing = col.get("na", I4_MISSING)
    return [None if v == missing else int(v) for v in arr]


def published(html: str) -> dict:
    """Everything a public page tells about incidents: summary steps, cells, district values."""
    config = app_config(html)
    specs = {layer["key"]: layer for layer in config["layers"]}
    inc = specs["incidents"]
    cells = {c: values_of(v, inc["n"]) for c, v in inc["cols"].items()}
    cells["x"], cells["y"] = (
        list(decode(inc["x"]) / inc["scale"]),
        list(decode(inc["y"]) / inc["scale"]),
    )
    rows = {r["key"]: r["values"] for r in (config["summary"] or {"rows": []})["rows"]}
    districts = None
    if "districts-casualties" in specs:
        d = specs["districts-casualties"]
        districts = values_of(d["cols"]["value"], d["n"])
    return {"rows": rows, "cells": cells, "districts": districts}


def _pinned(total: int, shown: list, withheld: int, lo: int) -> int | None:
    """The value of a withheld member when ``withheld`` members (each >= lo) sum to ``total``."""
    rest = total - sum(shown)
    if withheld == 1:
        return rest if rest > 0 else None
    if withheld > 1 and rest - (withheld - 1) * lo == lo and lo > 0:
        return lo
    return None


def recover(
    pub: dict, k: int, outside: dict | None = None, in_district=None, cells_cover_all=True
) -> list:
    """Every withheld count an attacker can pin, from every combination of published figures.

    ``outside`` (incidents, killed, injured outside every district) is given to the
    attacker, the worst case; ``in_district(x, y)`` gives the district index holding a
    cell's point (district-generalised maps), to cross cells with the choropleth.
    ``cells_cover_all`` is False where the cells leave out incidents outside every district.
    """
    outside = outside or {}
    found = []
    rows, cells = pub["rows"], pub["cells"]
    # Slider steps: any two steps with exact figures differ by 0 or at least k incidents,
    # and an "at least" figure is one released before.
    steps = rows.get("incidents", [])
    exact = [(t, v) for t, v in enumerate(steps) if isinstance(v, int)]
    for (t1, a), (t2, b) in itertools.combinations(exact, 2):
        if 0 < b - a < k:
            found.append(("steps", t1, t2, b - a))
    for key, values in rows.items():
        released = {v for v in values if isinstance(v, int)}
        for v in values:
            held = isinstance(v, str) and v.startswith("at least ")
            if held and int(v[len("at least ") :].replace(",", "")) not in released:
                found.append(("at least", key, v))
    # Totals minus the cells shown, per figure.
    withheld = [i for i, s in enumerate(cells.get("suppressed", [])) if s]
    for key, lo in (("incidents", 1), ("killed", 0), ("injured", 0)):
        total = rows.get(key, [None])[-1]
        if not isinstance(total, int) or key not in cells:
            continue
        shown = [v for i, v in enumerate(cells[key]) if i not in withheld and v is not None]
        hidden = 0 if cells_cover_all else outside.get(key, 0)
        value = _pinned(total - hidden, shown, len(withheld), lo)
        if value is not None:
            found.append(("cells", key, value))
    # Totals minus the districts shown.
    killed, injured = rows.get("killed", [None])[-1], rows.get("injured", [None])[-1]
    if pub["districts"] is not None and isinstance(killed, int) and isinstance(injured, int):
        values = pub["districts"]
        hidden = [i for i, v in enumerate(values) if v is None]
        casualties = killed + injured - outside.get("killed", 0) - outside.get("injured", 0)
        value = _pinned(casualties, [v for v in values if v is not None], len(hidden), 0)
        if value is not None:
            found.append(("districts", value))
        # A district-generalised map: a cell and its district tell the same figures.
        if in_district is not None:
            for i in range(len(cells["suppressed"])):
                d = in_district(cells["x"][i], cells["y"][i])
                if cells["suppressed"][i] != (values[d] is None):
                    found.append(("cell and district disagree", i, d))
    return found


def crafted(outside: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Four districts (0.1° squares) holding 10, 1, 4 and 6 incidents, plus ``outside``.

    District 1's single incident (2 killed) is alone in its month and its grid cell:
    every naive publication gives it away.
    """
    boxes = [
        shapely.box(46.0 + dx, 40.0 + dy, 46.1 + dx, 40.1 + dy)
        for dy in (0, 0.1)
        for dx in (0, 0.1)
    ]
    districts = gpd.GeoDataFrame({"name": ["A", "B", "C", "D"]}, geometry=boxes, crs=4326)
    rows = []
    for d, n in enumerate((10, 1, 4, 6)):
        c = boxes[d].centroid
        for i in range(n):
            month = 1 + (3 * i + d) % 24 if d != 1 else 7
            rows.append(
                (
                    c.x + 0.001 * (i % 3),
                    c.y + 0.001 * (i // 3),
                    2 if d == 1 else i % 2,
                    1,
                    f"2021-{(month - 1) % 12 + 1:02d}-15"
                    if month <= 12
                    else f"2022-{month - 12:02d}-15",
                )
            )
    for i in range(outside):
        rows.append((46.5, 40.5 + 0.001 * i, 1, 0, "2021-07-20"))
    x, y, killed, injured, date = zip(*rows, strict=True)
    inc = gpd.GeoDataFrame(
        {
            "id": [f"I{i}" for i in range(len(rows))],
            "date": pd.to_datetime(list(date)),
            "killed": list(killed),
            "injured": list(injured),
            "victim_category": "civilian",
            "incident_type": "mine/ERW accident",
        },
        geometry=shapely.points(x, y),
        crs=4326,
    )
    return inc, districts


def _outside(inc, districts) -> dict:
    out = ~inc.geometry.within(districts.union_all())
    return {
        "incidents": int(out.sum()),
        "killed": int(inc.loc[out, "killed"].sum()),
        "injured": int(inc.loc[out, "injured"].sum()),
    }


def _in_district(districts):
    def find(x, y):
        hits = districts.index[districts.contains(shapely.Point(x, y))]
        return int(hits[0])

    return find


@pytest.mark.parametrize("outside", [0, 1, 5])
@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
@pytest.mark.parametrize("k", [3, 5])
def test_no_suppressed_count_is_recovered_from_a_crafted_map(generalise, k, outside):
    inc, districts = crafted(outside)
    html = (
        geomap.render_map(
            inc, districts=districts, public=True, generalise=generalise, cell_m=2000, k=k
        )
        .get_root()
        .render()
    )
    pub = published(html)
    finder = _in_district(districts) if generalise == "district" else None
    every = generalise != "district"
    assert recover(pub, k, _outside(inc, districts), finder, cells_cover_all=every) == []
    assert any(pub["cells"]["suppressed"])  # there was something to protect


@pytest.mark.parametrize("generalise", ["grid", "hex", "district"])
def test_no_suppressed_count_is_recovered_from_the_sample(sample, generalise):
    districts = gpd.read_file(SAMPLE, layer="districts")
    inc = sample["incidents"].kept
    html = (
        geomap.render_map(
            inc, sample["hazards"], districts=districts, public=True, generalise=generalise, k=3
        )
        .get_root()
        .render()
    )
    inside = inc.sjoin(districts[["geometry"]], predicate="within").index
    out = inc.drop(index=inside.unique())
    outside = {
        "incidents": len(out),
        "killed": int(out["killed"].fillna(0).sum()),
        "injured": int(out["injured"].fillna(0).sum()),
    }
    every = generalise != "district"
    assert recover(published(html), 3, outside, cells_cover_all=every) == []


def test_the_attack_finds_the_leaks_of_a_naive_publication(monkeypatch):
    """Control: without complementary suppression and released steps, the attack succeeds."""
    inc, districts = crafted()

    def primary(counts, k, hidden=0):
        n = counts.fillna(0)
        return (n > 0) & (n < k)

    monkeypatch.setattr(geomap.map.public, "protect", primary)
    monkeypatch.setattr(geomap.map.layers.districts, "protect", primary)
    html = (
        geomap.render_map(inc, districts=districts, public=True, generalise="district", k=3)
        .get_root()
        .render()
    )
    found = recover(published(html), 3)
    assert ("cells", "incidents", 1) in found
    assert ("cells", "killed", 2) in found
    assert ("districts", 3) in found
    monthly = {"rows": {"incidents": [0, 1, 4, 6]}, "cells": {}, "districts": None}
    assert recover(monthly, 3) == [("steps", 0, 1, 1), ("steps", 2, 3, 2)]


def test_withheld_cells_show_nothing_but_their_place():
    inc, districts = crafted()
    cells = public_incidents(inc, generalise="district", districts=districts, k=3)
    withheld = cells[cells["suppressed"]]
    assert len(withheld) >= 2  # district 1 (one incident) and one to protect it
    cols = PUBLIC_POPUP_FIELDS["incidents"]
    assert withheld[cols].isna().all().all()


# ---------------------------------------------------------------- every file a public run writes

#: Digits of exact coordinates planted in the input: they must appear in no file written.
EXACT = (46.91827364, 39.81726354)


def _planted_file(tmp_path, planted, sample) -> list:
    """A GeoPackage of planted incidents (three rejected) and hazards with private fields."""
    inc = planted.drop(columns=["source_file", "source_row"]).copy()
    inc.loc[inc.index[0], "geometry"] = shapely.Point(*EXACT)
    bad = inc.head(3).copy()
    bad["id"] = [f"{CANARY}-rejected-{i}" for i in range(3)]
    bad["killed"] = -5
    bad["geometry"] = [shapely.Point(EXACT[0] + 0.01 * i, EXACT[1]) for i in range(3)]
    inc = pd.concat([inc, bad], ignore_index=True)
    haz = sample["hazards"].kept.drop(columns=["source_file", "source_row"]).copy()
    haz["operator"] = f"{CANARY}-operator"
    haz["notes"] = [f"{CANARY}-hazard-note-{i}" for i in range(len(haz))]
    src = tmp_path / "in" / "data.gpkg"
    src.parent.mkdir()
    inc.to_file(src, layer="incidents")
    haz.to_file(src, layer="hazards")
    return [src]


def _leaks(files) -> list:
    digits = [f"{v:.8f}"[-8:] for v in EXACT]
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        out += [(f.name, w) for w in (CANARY, *digits) if w in text]
    return out


PUBLIC_COMMANDS = {
    "render": ["render", "--public"],
    "embed-iframe": ["embed", "--public", "--as", "iframe"],
    "embed-fragment": ["embed", "--public", "--as", "fragment"],
}


@pytest.mark.parametrize("command", list(PUBLIC_COMMANDS))
@pytest.mark.parametrize("generalise", ["grid", "district"])
def test_no_canary_in_any_file_a_public_command_writes(
    tmp_path, monkeypatch, capsys, planted, sample, command, generalise
):
    from geomap.cli import main

    (src,) = _planted_file(tmp_path, planted, sample)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.chdir(out_dir)
    args = [*PUBLIC_COMMANDS[command], str(src), "-o", "public.html", "--generalise", generalise]
    if generalise == "district":
        args += ["--districts", str(SAMPLE)]
    assert main(args) == 0
    said = capsys.readouterr()
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p != src)
    assert [p.name for p in written] == ["public.html"]  # no rejects, nothing else
    assert "3 rejected rows not written" in said.out
    assert _leaks(written) == []
    if command == "render":  # and no exact location among the points drawn
        shown = {(round(x, 5), round(y, 5)) for x, y in public_points(written[0].read_text())}
        assert (round(EXACT[0], 5), round(EXACT[1], 5)) not in shown


def test_rejects_of_a_public_run_go_only_where_named_and_are_called_private(
    tmp_path, monkeypatch, capsys, planted, sample
):
    from geomap.cli import main

    (src,) = _planted_file(tmp_path, planted, sample)
    monkeypatch.chdir(tmp_path)
    private = tmp_path / "private" / "rejects.csv"
    private.parent.mkdir()
    assert (
        main(["render", str(src), "-o", "public.html", "--public", "--rejects", str(private)]) == 0
    )
    said = capsys.readouterr().out
    assert f"{private} holds the rejected rows in full: it is NOT public" in said
    assert CANARY in private.read_text()  # the user asked for them, in full
    assert _leaks([tmp_path / "public.html"]) == []
    assert not (tmp_path / "public-rejects.csv").exists()


def test_a_failing_public_run_writes_nothing(tmp_path, monkeypatch, capsys, planted, sample):
    from geomap.cli import main

    (src,) = _planted_file(tmp_path, planted, sample)
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "render",
            str(src),
            "-o",
            "public.html",
            "--public",
            "--popup-fields",
            "incidents=description",
        ]
    )
    assert code == 2
    assert "may not be published" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
