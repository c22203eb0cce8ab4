"""Hostile and odd column mappings: what a user sees for each (issue 8, "mappings that fit").

Every case runs ``geomap`` in-process through the harness (no traceback, inputs unchanged,
``read = kept + rejected (+ filtered)`` in every summary line) and checks the lines a user
reads: the counts, the warning or error naming the file, the key and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from .harness import Outcome
from .harness import one_line_error
from .harness import run

# --- small inputs ------------------------------------------------------------------------


def _square(i: int) -> list[list[list[float]]]:
    x, y = 46.80 + 0.02 * i, 39.80 + 0.01 * (i % 3)
    return [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.008], [x, y + 0.008], [x, y]]]


def geojson(path: Path, rows: list[dict], kind: str = "Polygon") -> Path:
    """Write ``rows`` as a GeoJSON of squares (hazards) or points (incidents)."""
    feats = []
    for i, props in enumerate(rows):
        geom = (
            {"type": "Polygon", "coordinates": _square(i)}
            if kind == "Polygon"
            else {"type": "Point", "coordinates": [46.8 + 0.02 * i, 39.8 + 0.01 * (i % 3)]}
        )
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def csv(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    """Write an incidents CSV: ``lat,lon`` then ``header``'s columns, one point per row."""
    lines = [f"lat,lon,{header}"] + [
        f"{39.8 + 0.01 * (i % 3)},{46.8 + 0.02 * i},{r}" for i, r in enumerate(rows)
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def mapping(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


HAZ = [
    {"ref": "A1", "kind": "CHA", "state": "active", "year": 2023},
    {"ref": "A2", "kind": "SHA", "state": "closed", "year": 2022},
    {"ref": "A3", "kind": "CHA", "state": "cancelled", "year": 2023},
]
INC = ["E1,mine/ERW accident,1", "E2,EO find,0", "E3,demining accident,2"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run each case in its own folder, so a default rejects file lands there."""
    monkeypatch.chdir(tmp_path)


def validate(capsys, *args: object, inputs: list[Path], expect: int | None = None) -> Outcome:
    return run(capsys, "validate", *args, "--rejects", "rejects.csv", inputs=inputs, expect=expect)


def render_two(
    capsys, tmp_path: Path, files: tuple[Path, Path], maps: tuple[Path, Path]
) -> Outcome:
    """Render two files with a mapping each, expecting success."""
    args = [*files, "--mapping", maps[0], "--mapping", maps[1], "-o", tmp_path / "map.html"]
    return run(capsys, "render", *args, inputs=[*files, *maps], expect=0)


def counts(outcome: Outcome, file: str) -> str:
    """The summary line of ``file``."""
    return next(
        ln for ln in outcome.out.splitlines() if ln.startswith(f"{file}: ") and " read = " in ln
    )


# --- one column feeding two model fields --------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [{}, {"status": "???"}],
    ids=["plain", "beside-a-same-named-column"],  # the mapping says where status is
)
def test_one_column_feeds_two_fields(capsys, tmp_path, extra):
    h = geojson(tmp_path / "h.geojson", [{**r, **extra} for r in HAZ])
    m = mapping(
        tmp_path / "m.yaml",
        "fields: {id: ref, hazard_class: kind, status: kind}\n"
        "codes: {status: {CHA: active, SHA: reduced}}\n",
    )
    out = validate(capsys, h, "--mapping", m, inputs=[h, m], expect=0)
    assert "3 hazards read = 3 kept + 0 rejected" in counts(out, str(h))


@pytest.mark.parametrize(
    ("header", "text"),
    [
        ("ID,T,K", "fields: {id: ID, incident_type: T, description: T}\n"),
        ("ID,T,K", "fields: {incident_type: T, description: T}\nkeep: [T]\n"),
        ("id,what,killed", "constants: {incident_type: mine/ERW accident}\n"),
    ],
    ids=["code-and-text-field", "mapped-twice-and-kept", "constants-fix"],
)
def test_mapping_keeps_every_row(capsys, tmp_path, header, text):
    f = csv(tmp_path / "e.csv", header, INC)
    m = mapping(tmp_path / "m.yaml", text)
    out = validate(capsys, f, "--mapping", m, inputs=[f, m], expect=0)
    assert "3 incidents read = 3 kept + 0 rejected" in counts(out, str(f))


def test_one_column_feeds_a_code_and_a_text_field_on_the_map(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "ID,T,K", INC)
    m = mapping(tmp_path / "m.yaml", "fields: {id: ID, incident_type: T, description: T}\n")
    rendered = tmp_path / "map.html"
    run(capsys, "render", f, "--mapping", m, "-o", rendered, inputs=[f, m], expect=0)
    assert "demining accident" in rendered.read_text("utf-8")


# --- which mapping applies to which file --------------------------------------------------

SCHEMA_B = [
    {"CODE": "B1", "TIPO": "confirmada", "ESTADO": "activa"},
    {"CODE": "B2", "TIPO": "sospechosa", "ESTADO": "cancelada"},
]
MAP_A = "layer: hazards\nfiles: [{files}]\nfields: {{id: ref, hazard_class: kind, status: state}}\n"
MAP_B = (
    "layer: hazards\nfiles: [{files}]\nfields: {{id: CODE, hazard_class: TIPO, status: ESTADO}}\n"
    "codes:\n  hazard_class: {{confirmada: CHA, sospechosa: SHA}}\n"
    "  status: {{activa: active, cancelada: cancelled}}\n"
)


def _two_schemas(tmp_path: Path, name_a: str, name_b: str) -> tuple[Path, Path]:
    rows_a = [r for r in HAZ if r["state"] != "closed"]
    return geojson(tmp_path / name_a, rows_a), geojson(tmp_path / name_b, SCHEMA_B)


def test_two_hazard_files_with_their_own_mappings_render_together(capsys, tmp_path):
    a, b = _two_schemas(tmp_path, "hazards-2023.geojson", "hazards-2024.geojson")
    ma = mapping(tmp_path / "a.yaml", MAP_A.format(files="hazards-2023.geojson"))
    mb = mapping(tmp_path / "b.yaml", MAP_B.format(files="hazards-2024.geojson"))
    out = render_two(capsys, tmp_path, (a, b), (ma, mb))
    assert "total: 4 hazards read = 4 kept + 0 rejected" in out.out
    assert "4 hazards" in out.text


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("hazards-2023*.geojson", "hazards-2023-q1.geojson"),
        ("HAZARDS-2023*.GEOJSON", "hazards-2023-q2.geojson"),
        ("sub/*.geojson", "sub/other.geojson"),
        ("hazards-202[34].geojson", "hazards-2024.geojson"),
    ],
    ids=["glob", "any-case", "folder-glob", "character-class"],
)
def test_files_patterns_match(capsys, tmp_path, monkeypatch, pattern, name):
    monkeypatch.chdir(tmp_path)
    b = geojson(tmp_path / name, SCHEMA_B)
    m = mapping(tmp_path / "b.yaml", MAP_B.format(files=json.dumps(pattern)))
    out = validate(capsys, Path(name), "--mapping", m, inputs=[b, m], expect=0)
    assert "2 hazards read = 2 kept + 0 rejected" in counts(out, name)


def test_mapping_for_other_files_is_not_applied(capsys, tmp_path):
    b = geojson(tmp_path / "hazards-2024.geojson", SCHEMA_B)
    m = mapping(tmp_path / "b.yaml", MAP_B.format(files="hazards-2023*.geojson"))
    out = validate(capsys, b, "--mapping", m, inputs=[b, m], expect=2)
    assert "0 kept + 2 rejected" in counts(out, str(b))
    assert f"{b}: error: no column for hazard_class" in out.out


def test_files_mapping_wins_over_layer_and_general_mappings(capsys, tmp_path):
    a, b = _two_schemas(tmp_path, "hazards-a.geojson", "hazards-b.geojson")
    general = mapping(tmp_path / "g.yaml", MAP_A.replace("files: [{files}]\n", "").format())
    named = mapping(tmp_path / "b.yaml", MAP_B.format(files="hazards-b.geojson"))
    out = validate(capsys, a, b, "--mapping", general, "--mapping", named, inputs=[a, b], expect=0)
    assert "2 hazards read = 2 kept + 0 rejected" in counts(out, str(a))
    assert "2 hazards read = 2 kept + 0 rejected" in counts(out, str(b))


def test_first_matching_files_mapping_is_used(capsys, tmp_path):
    b = geojson(tmp_path / "hazards-b.geojson", SCHEMA_B)
    right = mapping(tmp_path / "1.yaml", MAP_B.format(files="hazards-*.geojson"))
    wrong = mapping(tmp_path / "2.yaml", MAP_A.format(files="hazards-b.geojson"))
    out = validate(capsys, b, "--mapping", right, "--mapping", wrong, inputs=[b], expect=0)
    assert "2 kept + 0 rejected" in counts(out, str(b))


def test_a_mapping_for_incidents_never_applies_to_hazards(capsys, tmp_path):
    a = geojson(tmp_path / "h.geojson", [r for r in HAZ if r["state"] != "closed"])
    m = mapping(tmp_path / "m.yaml", "layer: incidents\nfiles: [h.geojson]\nfields: {id: ref}\n")
    out = validate(capsys, a, "--mapping", m, inputs=[a, m], expect=0)
    line = counts(out, str(a))
    assert "2 hazards read = 2 kept" in line
    assert "ids made from file name" in line


def test_files_as_one_name(capsys, tmp_path):
    b = geojson(tmp_path / "hazards-b.geojson", SCHEMA_B)
    m = mapping(tmp_path / "b.yaml", MAP_B.replace("[{files}]", "hazards-b.geojson").format())
    out = validate(capsys, b, "--mapping", m, inputs=[b, m], expect=0)
    assert "2 kept + 0 rejected" in counts(out, str(b))


# --- filters ------------------------------------------------------------------------------

BASE = "fields: {id: ref, hazard_class: kind, status: state}\n"


@pytest.mark.parametrize(
    ("where", "kept", "filtered", "shown"),
    [
        (
            "{state: [active, cancelled]}",
            2,
            1,
            "where state in ['active', 'cancelled'] (was 'closed')",
        ),
        ("{state: active}", 1, 2, "where state in ['active'] (was 'closed')"),
        ("{state: {not: [closed]}}", 2, 1, "where state not in ['closed'] (was 'closed')"),
        ("{year: 2023}", 2, 1, "where year in ['2023'] (was '2022')"),
        ("{year: [2023.0]}", 2, 1, "where year in ['2023'] (was '2022')"),
        ("{status: [active]}", 1, 2, "where status in ['active'] (was 'cleared')"),
        ("{kind: CHA, year: 2023}", 2, 1, "where kind in ['CHA'] (was 'SHA')"),
    ],
    ids=["list", "one-value", "not", "number", "number-as-float", "model-field", "two-columns"],
)
def test_where_filters_are_counted_as_filtered(capsys, tmp_path, where, kept, filtered, shown):
    h = geojson(tmp_path / "h.geojson", HAZ)
    m = mapping(
        tmp_path / "m.yaml",
        BASE + "codes: {status: {closed: cleared}}\n" + f"where: {where}\n",
    )
    out = validate(capsys, h, "--mapping", m, inputs=[h, m], expect=0)
    line = counts(out, str(h))
    assert f"3 hazards read = {kept} kept + 0 rejected + {filtered} filtered" in line
    assert f"filtered: {shown}" in out.out
    assert not (tmp_path / "rejects.csv").exists()


def test_where_null_matches_empty_cells(capsys, tmp_path):
    f = csv(
        tmp_path / "e.csv",
        "ID,T,REVIEW",
        [*(r.rsplit(",", 1)[0] + ",ok" for r in INC[:2]), "E3,EO find,"],
    )
    m = mapping(
        tmp_path / "m.yaml", "fields: {id: ID, incident_type: T}\nwhere: {REVIEW: [null]}\n"
    )
    out = validate(capsys, f, "--mapping", m, inputs=[f, m], expect=0)
    assert "3 incidents read = 1 kept + 0 rejected + 2 filtered" in counts(out, str(f))


def test_filtered_and_rejected_rows_reconcile(capsys, tmp_path):
    rows = [*HAZ, {"ref": "A4", "kind": "XXX", "state": "active", "year": 2023}]
    h = geojson(tmp_path / "h.geojson", rows)
    m = mapping(tmp_path / "m.yaml", BASE + "where: {state: [active, cancelled]}\n")
    out = validate(capsys, h, "--mapping", m, inputs=[h, m], expect=2)
    assert "4 hazards read = 2 kept + 1 rejected + 1 filtered" in counts(out, str(h))
    rejects = pd.read_csv(tmp_path / "rejects.csv")
    assert list(rejects["id"]) == ["A4"]  # the filtered row is not a reject


def test_filter_that_leaves_nothing(capsys, tmp_path):
    h = geojson(tmp_path / "h.geojson", HAZ)
    m = mapping(tmp_path / "m.yaml", BASE + "where: {state: [none of these]}\n")
    out = validate(capsys, h, "--mapping", m, inputs=[h, m], expect=0)
    assert "3 hazards read = 0 kept + 0 rejected + 3 filtered" in counts(out, str(h))


def test_filter_totals_over_files(capsys, tmp_path):
    a = geojson(tmp_path / "h1.geojson", HAZ)
    b = geojson(tmp_path / "h2.geojson", [{**r, "ref": r["ref"] + "b"} for r in HAZ])
    m = mapping(tmp_path / "m.yaml", BASE + "where: {state: [active, cancelled]}\n")
    out_html = tmp_path / "map.html"
    out = run(capsys, "render", a, b, "--mapping", m, "-o", out_html, inputs=[a, b, m], expect=0)
    assert "total: 6 hazards read = 4 kept + 0 rejected + 2 filtered" in out.out


def test_filter_value_is_text_never_code(capsys, tmp_path):
    evil = "__import__('os').system('touch pwned')"
    h = geojson(tmp_path / "h.geojson", HAZ)
    m = mapping(tmp_path / "m.yaml", BASE + f'where: {{state: "{evil}"}}\n')
    out = validate(capsys, h, "--mapping", m, inputs=[h, m], expect=0)
    assert "0 kept + 0 rejected + 3 filtered" in counts(out, str(h))
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("where", "needles"),
    [
        ("{NOPE: [a]}", ["`where` names column 'NOPE'", "it has ["]),
        ("[state, active]", ["`where` must map column names"]),
        ("{state: {only: [a]}}", ["`where.state` accepts"]),
        ("{state: [[a, b]]}", ["`where.state` values must be plain values"]),
    ],
    ids=["unknown-column", "not-a-mapping", "unknown-operator", "nested-list"],
)
def test_bad_filters_are_one_line(capsys, tmp_path, where, needles):
    h = geojson(tmp_path / "h.geojson", HAZ)
    m = mapping(tmp_path / "m.yaml", BASE + f"where: {where}\n")
    out = validate(capsys, h, "--mapping", m, inputs=[h, m])
    one_line_error(out, str(m), *needles)


# --- common spellings and missing required fields ----------------------------------------


@pytest.mark.parametrize(
    ("header", "warned"),
    [
        ("id,Type,killed", "column 'Type' read as incident_type"),
        ("id,category,killed", "column 'category' read as incident_type"),
        ("id,Incident Type,killed", None),
        ("ID,INCIDENT_TYPE,Killed", None),
    ],
    ids=["type", "category", "spaced-name", "upper-case"],
)
def test_common_spellings_are_recognised(capsys, tmp_path, header, warned):
    f = csv(tmp_path / "e.csv", header, INC)
    out = validate(capsys, f, inputs=[f], expect=0)
    assert "3 incidents read = 3 kept + 0 rejected" in counts(out, str(f))
    if warned:
        assert f"{f}: warning: {warned}" in out.out
    else:
        assert "warning: column" not in out.out


def test_hazard_spellings_class_and_state(capsys, tmp_path):
    rows = [{"id": r["ref"], "Class": r["kind"], "state": r["state"]} for r in HAZ[::2]]
    h = geojson(tmp_path / "h.geojson", rows)
    out = validate(capsys, h, inputs=[h], expect=0)
    assert "2 hazards read = 2 kept + 0 rejected" in counts(out, str(h))
    assert "column 'Class' read as hazard_class" in out.out
    assert "column 'state' read as status" in out.out


def test_victim_spelling(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "id,type,victim", [r.rsplit(",", 1)[0] + ",deminer" for r in INC])
    m = mapping(tmp_path / "m.yaml", "fields: {incident_type: type}\n")
    out = validate(capsys, f, "--mapping", m, inputs=[f], expect=0)
    assert "column 'victim' read as victim_category" in out.out


def test_two_columns_with_one_spelling_are_left_alone(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "id,Type,TYPE", [r.rsplit(",", 1)[0] + ",x" for r in INC])
    out = validate(capsys, f, inputs=[f], expect=2)
    assert f"{f}: error: no column for incident_type" in out.out


def test_a_column_the_mapping_uses_is_not_respelled(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "id,type,killed", INC)
    m = mapping(tmp_path / "m.yaml", "fields: {description: type}\n")
    out = validate(capsys, f, "--mapping", m, inputs=[f], expect=2)
    assert f"{f}: error: no column for incident_type" in out.out


def test_missing_required_field_is_one_line_for_the_file(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "id,what,killed", INC)
    out = validate(capsys, f, inputs=[f], expect=2)
    assert "3 incidents read = 0 kept + 3 rejected" in counts(out, str(f))
    errors = [ln for ln in out.out.splitlines() if ": error: " in ln]
    assert errors == [
        f"{f}: error: no column for incident_type, which is required, so its 3 rows are "
        "rejected; in a mapping, name the column that holds it (fields: {incident_type: "
        "YOUR_COLUMN}) or give every row one value (constants: {incident_type: mine/ERW "
        "accident}); its columns are ['id', 'what', 'killed', 'lat', 'lon']"
    ]


def test_missing_hazard_fields_are_a_line_each(capsys, tmp_path):
    h = geojson(tmp_path / "h.geojson", [{"name": "x"}, {"name": "y"}])
    out = validate(capsys, h, inputs=[h], expect=2)
    errors = [ln for ln in out.out.splitlines() if ": error: " in ln]
    assert [e.split(",")[0] for e in errors] == [
        f"{h}: error: no column for hazard_class",
        f"{h}: error: no column for status",
    ]
    assert "constants: {status: active}" in errors[1]


def test_missing_field_only_in_the_file_that_lacks_it(capsys, tmp_path):
    good = csv(tmp_path / "good.csv", "id,incident_type,killed", INC)
    bad = csv(tmp_path / "bad.csv", "id,what,killed", [r.replace("E", "F") for r in INC])
    out = run(
        capsys,
        "render",
        good,
        bad,
        "-o",
        tmp_path / "m.html",
        "--rejects",
        "r.csv",
        inputs=[good, bad],
    )
    assert f"{bad}: error: no column for incident_type" in out.out
    assert f"{good}: error" not in out.out
    assert "3 incidents read = 3 kept + 0 rejected" in counts(out, str(good))


def test_per_file_date_formats(capsys, tmp_path):
    a = csv(
        tmp_path / "a.csv", "id,incident_type,D", [f"A{i},EO find,0{i}/03/2021" for i in (1, 2)]
    )
    b = csv(tmp_path / "b.csv", "id,incident_type,D", [f"B{i},EO find,2021.0{i}" for i in (1, 2)])
    ma = mapping(
        tmp_path / "a.yaml", "files: [a.csv]\nfields: {date: D}\ndates: {date: '%d/%m/%Y'}\n"
    )
    mb = mapping(tmp_path / "b.yaml", "files: [b.csv]\nfields: {date: D}\ndates: {date: '%Y.%m'}\n")
    out = render_two(capsys, tmp_path, (a, b), (ma, mb))
    assert "total: 4 incidents read = 4 kept + 0 rejected" in out.out


def test_date_not_in_the_mapping_format_is_rejected_with_it(capsys, tmp_path):
    f = csv(
        tmp_path / "e.csv", "id,incident_type,D", ["A,EO find,01/03/2021", "B,EO find,2021-03-01"]
    )
    m = mapping(tmp_path / "m.yaml", "fields: {date: D}\ndates: {date: '%d/%m/%Y'}\n")
    out = validate(capsys, f, "--mapping", m, inputs=[f, m], expect=2)
    assert "2 incidents read = 1 kept + 1 rejected" in counts(out, str(f))
    assert "error: date: '2021-03-01' is not a date (expected %d/%m/%Y)" in out.out


def test_mapping_encoding_reads_cp1251(capsys, tmp_path):
    rows = [r.rsplit(",", 1)[0] + ",Шуша" for r in INC]
    f = csv(tmp_path / "e.csv", "id,incident_type,district", rows, encoding="cp1251")
    m = mapping(tmp_path / "m.yaml", "encoding: cp1251\n")
    out_html = tmp_path / "m.html"
    run(capsys, "render", f, "--mapping", m, "-o", out_html, inputs=[f, m], expect=0)
    assert "Шуша" in out_html.read_text("utf-8")


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            "csv: {encoding: klingon-8}\n",
            ["`csv.encoding` was 'klingon-8'", "not a known text encoding"],
        ),
        ("encoding: utf-99\n", ["`encoding` was 'utf-99'", "not a known text encoding"]),
        ("dates: {date: '%Q-%m'}\n", ["`dates.date` was '%Q-%m'", "bad directive"]),
        ("dates: {date: 'YYYY-MM-DD'}\n", ["`dates.date` was 'YYYY-MM-DD'", "no % directive"]),
        ("dates: {date: '%Y-%'}\n", ["`dates.date` was '%Y-%'"]),
        ("crs: EPSG:999999\n", ["`crs` was 'EPSG:999999'", "not a known CRS"]),
        ("crs: [1, 2]\n", ["`crs` was [1, 2]", "not a known CRS"]),
        ("fields: {a: [\n", ["could not parse the mapping", "(line 2, column 1)"]),
        ("fields:\n  id: A\n id: B\n", ["could not parse the mapping", "line 3"]),
        ("- id\n- date\n", ["expected a mapping of keys, got list"]),
        ("files: {a: b}\n", ["`files` must be a list of names"]),
        ("keep: {a: b}\n", ["`keep` must be a list of names"]),
        ("layer: points\n", ["`layer` was 'points'"]),
        ("feilds: {id: A}\n", ["unknown key(s) ['feilds']"]),
    ],
    ids=[
        "csv-encoding",
        "encoding",
        "strptime-bad-directive",
        "strptime-no-directive",
        "strptime-stray-percent",
        "crs-unknown",
        "crs-list",
        "yaml-unclosed",
        "yaml-indent",
        "yaml-list",
        "files-mapping",
        "keep-mapping",
        "unknown-layer",
        "typo-key",
    ],
)
def test_mapping_mistakes_are_one_line(capsys, tmp_path, text, needles):
    f = csv(tmp_path / "e.csv", "id,incident_type,killed", INC)
    m = mapping(tmp_path / "m.yaml", text)
    out = validate(capsys, f, "--mapping", m, inputs=[f, m])
    one_line_error(out, str(m), *needles)


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("m.toml", b'fields = {id = "A"\n', ["could not parse the mapping"]),
        ("m.yaml", "fields: {id: AÑO}\n".encode("latin-1"), ["not UTF-8 text", "save it as UTF-8"]),
        ("m.txt", b"fields: {}\n", ["must end in .yaml, .yml or .toml"]),
    ],
    ids=["toml", "not-utf8", "extension"],
)
def test_mapping_files_that_cannot_be_read_are_one_line(capsys, tmp_path, name, content, needles):
    f = csv(tmp_path / "e.csv", "id,incident_type,killed", INC)
    m = tmp_path / name
    m.write_bytes(content)
    out = validate(capsys, f, "--mapping", m, inputs=[f, m])
    one_line_error(out, str(m), *needles)


def test_missing_mapping_file_is_one_line(capsys, tmp_path):
    f = csv(tmp_path / "e.csv", "id,incident_type,killed", INC)
    out = validate(capsys, f, "--mapping", tmp_path / "nope.yaml", inputs=[f])
    one_line_error(out, "nope.yaml", "mapping file not found")


@pytest.mark.parametrize("crs", ["EPSG:999999", "not-a-crs", "EPSG:"])
def test_unknown_crs_option_is_one_line(capsys, tmp_path, crs):
    f = csv(tmp_path / "e.csv", "id,incident_type,killed", INC)
    out = validate(capsys, f, "--crs", crs, inputs=[f])
    one_line_error(out, "--crs", repr(crs), "is not a CRS")
