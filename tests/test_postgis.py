"""PostGIS as a source and a sink, against a real PostgreSQL server with PostGIS.

The server is the one ``GEOMAP_TEST_POSTGRES`` names (``.ci/run`` installs, starts
and names one); each test module run creates its own database and drops it after.
Without a server the tests skip with the reason; with ``GEOMAP_REQUIRE_POSTGIS=1`` (CI)
they fail instead. The sample GeoPackage, with a few bad rows added, is loaded into
PostGIS tables; reading, checking, analysing and writing back through the database
must give what the same data gives from the file.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

import geomap
from geomap.analysis import run_analysis
from geomap.cli import main
from geomap.io import DatabaseError
from geomap.io import DatabaseSource
from geomap.io import read_database
from geomap.io import redact
from geomap.io.postgis import write_tables
from geomap.load import load_context

from .conftest import ROOT
from .conftest import SAMPLE
from .conftest import _require

psycopg = pytest.importorskip("psycopg", reason="pip install -e '.[postgis]'")
sa = pytest.importorskip("sqlalchemy", reason="pip install -e '.[postgis]'")

CANARY = "s3cr3t-CANARY"
CONTEXT = ("districts", "towns", "roads")


def _unavailable(reason: str) -> None:
    if _require("GEOMAP_REQUIRE_POSTGIS"):
        pytest.fail(f"{reason} and GEOMAP_REQUIRE_POSTGIS=1")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> str:
    """The URL of a PostgreSQL server where the tests may create databases."""
    url = os.environ.get("GEOMAP_TEST_POSTGRES")
    if not url:
        _unavailable("no PostgreSQL server: set GEOMAP_TEST_POSTGRES (bash .ci/run does)")
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {redact(url)} cannot be reached ({type(exc).__name__})")
    return str(url)


def _with_db(url: str, db: str) -> str:
    base, sep, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/{db}{sep}{query}"


def _admin(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


@pytest.fixture(scope="module")
def db(server: str) -> Iterator[str]:
    """A new database with PostGIS, dropped after the module: its URL (with password)."""
    name = f"geomap_test_{secrets.token_hex(4)}"
    _admin(server, f"CREATE DATABASE {name}")
    url = _with_db(server, name)
    try:
        _admin(url, "CREATE EXTENSION postgis")
        yield url
    finally:
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _engine(url: str) -> sa.Engine:
    return sa.create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url))


def _bad_incidents() -> gpd.GeoDataFrame:
    """The sample's incidents plus three bad rows (a negative count, an unknown type, no point)."""
    inc = gpd.read_file(SAMPLE, layer="incidents")
    bad = inc.head(3).copy()
    bad["id"] = ["BAD-1", "BAD-2", "BAD-3"]
    bad.loc[bad.index[0], "killed"] = -4
    bad.loc[bad.index[1], "incident_type"] = "picnic"
    bad.loc[bad.index[2], "geometry"] = None
    return gpd.GeoDataFrame(pd.concat([inc, bad], ignore_index=True), crs=inc.crs)


@pytest.fixture(scope="module")
def loaded(db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample (with bad incident rows) in PostGIS and in a GeoPackage: both sources."""
    gpkg = tmp_path_factory.mktemp("pg") / "sample-bad.gpkg"
    engine = _engine(db)
    try:
        layers = {"incidents": _bad_incidents()}
        layers.update({n: gpd.read_file(SAMPLE, layer=n) for n in ("hazards", *CONTEXT)})
        for name, gdf in layers.items():
            gdf.to_file(gpkg, layer=name)
            gdf.to_postgis(name, engine, if_exists="replace")
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE notes (id int, text varchar)")
            conn.exec_driver_sql("INSERT INTO notes VALUES (1, 'no geometry here')")
    finally:
        engine.dispose()
    return {"db": db, "gpkg": str(gpkg)}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"postgresql://ana:{CANARY}@db.example.org:5433/mines",
            "postgresql://ana@db.example.org:5433/mines",
        ),
        (f"postgres://ana:{CANARY}@h/m?table=incidents&sslmode=require", "postgres://ana@h/m"),
        (f"postgresql://h/m?password={CANARY}", "postgresql://h/m"),
        ("postgresql:///mines", "postgresql:///mines"),
        (f"postgresql://ana:{CANARY}@h:notaport/m", "postgresql://ana@h:notaport/m"),
    ],
)
def test_redact_keeps_user_host_port_db_and_drops_the_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    src = DatabaseSource.parse(url)
    assert CANARY not in src.name
    assert CANARY not in repr(src)


def test_a_source_names_its_table_or_query_and_passes_other_parameters_to_libpq() -> None:
    src = DatabaseSource.parse("postgresql://u@h/db?sslmode=disable&table=mine.incidents")
    assert (src.table, src.sql) == ("mine.incidents", None)
    assert src.conninfo == "postgresql://u@h/db?sslmode=disable"
    assert src.name == "postgresql://u@h/db?table=mine.incidents"
    query = "SELECT * FROM incidents WHERE killed + injured > 0 AND id LIKE 'A%&B'"
    src = DatabaseSource.parse(f"postgresql://u@h/db?sql={query}")
    assert (src.table, src.sql, src.conninfo) == (None, query, "postgresql://u@h/db")


def test_driver_messages_are_scrubbed_of_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "env-CANARY-pw")
    src = DatabaseSource.parse(f"postgresql://u:{CANARY}@h/db")
    text = src.scrub(f"missing = after {CANARY}; postgresql://u:x@h/db; env-CANARY-pw")
    assert CANARY not in text
    assert "env-CANARY-pw" not in text
    assert "postgresql://u@h/db" in text


# --------------------------------------------------------------------------- reading


def _problems(result: geomap.ValidationResult) -> list[tuple[str, str]]:
    rej = result.rejected
    return sorted(zip(rej["id"].astype(str), rej["field"].astype(str), strict=True))


def test_tables_validate_exactly_like_the_file(loaded: dict[str, str]) -> None:
    from_file = geomap.load_layers(loaded["gpkg"])
    from_db = geomap.load_layers(loaded["db"])
    for kind in ("incidents", "hazards"):
        f, d = from_file[kind], from_db[kind]
        assert (len(d.kept), len(d.rejected)) == (len(f.kept), len(f.rejected))
        assert _problems(d) == _problems(f)
        assert sorted(d.kept["id"]) == sorted(f.kept["id"])
    inc = from_db["incidents"]
    assert len(inc.rejected) == 3
    assert {i for i, _ in _problems(inc)} == {"BAD-1", "BAD-2", "BAD-3"}
    name = f"{redact(loaded['db'])}?table=incidents"
    (line,) = inc.summary()[:1]
    assert line.startswith(f"{name}: 128 incidents read = 125 kept + 3 rejected")
    assert set(inc.rejected["source_file"]) == {name}
    assert sorted(inc.rejected["source_row"]) == [126, 127, 128]
    assert CANARY not in " ".join(inc.summary())


def test_a_query_is_read_and_checked_like_a_table(loaded: dict[str, str]) -> None:
    query = "SELECT * FROM incidents WHERE id NOT LIKE 'BAD-%' AND killed + injured >= 1"
    res = geomap.load_layers(f"{loaded['db']}?sql={query}")
    expected = gpd.read_file(SAMPLE, layer="incidents")
    expected = expected[expected["killed"] + expected["injured"] >= 1]
    assert list(res) == ["incidents"]
    assert len(res["incidents"].kept) == len(expected)
    assert not len(res["incidents"].rejected)
    assert res["incidents"].kept["source_file"].iloc[0].endswith(f"?sql={query}")


def test_context_layers_come_from_the_same_database(loaded: dict[str, str]) -> None:
    for name in CONTEXT:
        from_db = load_context(name, search=[f"{loaded['db']}?table=incidents"])
        from_file = load_context(name, search=[loaded["gpkg"]])
        assert from_db is not None
        assert from_file is not None
        assert len(from_db) == len(from_file)
        assert from_db.crs == from_file.crs
    districts = load_context("districts", f"{loaded['db']}?table=districts")
    assert sorted(districts["name"]) == sorted(gpd.read_file(SAMPLE, layer="districts")["name"])


# --------------------------------------------------------------------------- round trip


def _read_table(url: str, schema: str, name: str) -> pd.DataFrame:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            cols = conn.exec_driver_sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND udt_name = 'geometry'",
                (schema, name),
            ).scalars()
            if list(cols):
                return read_database(url, table=f"{schema}.{name}")
            return pd.read_sql_table(name, conn, schema=schema)
    finally:
        engine.dispose()


def test_stats_to_db_writes_back_what_the_file_gives(
    loaded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = loaded["db"]
    status, out, err = run(capsys, "stats", db, "--to-db", db, "--schema", "results")
    assert status == 0, err
    shown = redact(db)
    assert f"wrote table results.links (128 rows) to {shown}" not in out  # kept rows only
    assert f"wrote table results.links (125 rows) to {shown}" in out
    assert CANARY not in out + err
    assert db not in out + err
    layers = geomap.load_layers(loaded["gpkg"])
    districts = load_context("districts", search=[loaded["gpkg"]])
    expected = run_analysis(
        layers["incidents"],
        layers["hazards"],
        districts=districts,
        towns=load_context("towns", search=[loaded["gpkg"]]),
        roads=load_context("roads", search=[loaded["gpkg"]]),
    ).tables()
    written = {line.split()[2] for line in out.splitlines() if line.startswith("wrote table")}
    assert written == {f"results.{n}" for n in expected}
    for name, table in expected.items():
        back = _read_table(db, "results", name)
        assert len(back) == len(table), name
        assert sorted(back.columns) == sorted(map(str, table.columns)), name
    links = _read_table(db, "results", "links").set_index("id").sort_index()
    want = expected["links"].set_index("id").sort_index()
    assert links["link"].tolist() == want["link"].astype(str).tolist()
    assert links["hazard_id"].fillna("").tolist() == want["hazard_id"].fillna("").tolist()
    prio = _read_table(db, "results", "priorities")
    assert (
        prio[["id", "rank"]].values.tolist()
        == expected["priorities"][["id", "rank"]].values.tolist()
    )
    np.testing.assert_allclose(prio["score"], expected["priorities"]["score"])
    proposed = _read_table(db, "results", "proposed_hazard_areas")
    assert (
        proposed["incident_ids"].tolist()
        == expected["proposed_hazard_areas"]["incident_ids"].tolist()
    )
    assert proposed.crs.to_epsg() == 4326
    assert proposed.geometry.geom_equals_exact(
        expected["proposed_hazard_areas"].geometry, 1e-9
    ).all()
    quality = _read_table(db, "results", "quality")
    assert quality.values.tolist() == expected["quality"].values.tolist()


def test_writing_fails_when_a_table_exists_and_replaces_when_asked(
    loaded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = loaded["db"]
    args = ("stats", "-q", loaded["gpkg"], "--to-db", db, "--schema", "again")
    assert run(capsys, *args)[0] == 0
    status, out, err = run(capsys, *args)
    assert status == 2
    assert "wrote table" not in out  # (with -q only the rejected rows' error lines)
    assert err.strip() == (
        f"geomap: error: {redact(db)}: table 'again.links' exists already; nothing was "
        "written (replace it: if_exists='replace', --replace on the command line)"
    )
    assert run(capsys, *args, "--replace")[0] == 0


def test_results_never_replace_an_input_table(
    loaded: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = loaded["db"]
    status, _out, err = run(
        capsys, "stats", "-q", db, "--to-db", db, "--schema", "public", "--replace"
    )
    assert status == 2
    assert "would replace the input table 'public.districts'" in err
    assert len(read_database(db, table="districts")) == 11


def _tables_in(url: str, schema: str) -> set[str]:
    engine = _engine(url)
    try:
        return set(sa.inspect(engine).get_table_names(schema=schema))
    finally:
        engine.dispose()


def test_one_transaction_a_failing_third_table_leaves_none_written(loaded: dict[str, str]) -> None:
    db = loaded["db"]
    pts = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(46.7, 39.8)], crs=4326)
    good = {"first": pd.DataFrame({"n": [1, 2]}), "second": pts}
    broken = {**good, "third": pd.DataFrame({"bad": [{"a dict": "cannot be stored"}]})}
    with pytest.raises(DatabaseError) as caught:
        write_tables(db, broken, schema="tx")
    assert str(caught.value).startswith(f"{redact(db)}: nothing was written: ")
    assert CANARY not in str(caught.value)
    assert _tables_in(db, "tx") == set()
    assert write_tables(db, good, schema="tx") == {"tx.first": 2, "tx.second": 1}
    # Replacing: the failure leaves the earlier tables as they were.
    changed = {
        "first": pd.DataFrame({"n": [9]}),
        **{k: v for k, v in broken.items() if k != "first"},
    }
    with pytest.raises(DatabaseError):
        write_tables(db, changed, schema="tx", if_exists="replace")
    assert _tables_in(db, "tx") == {"first", "second"}
    assert _read_table(db, "tx", "first")["n"].tolist() == [1, 2]


# --------------------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def reader(loaded: dict[str, str]) -> str:
    """A role that may connect but not read the incidents, with the canary password."""
    role = f"geomap_reader_{secrets.token_hex(3)}"
    _admin(
        loaded["db"],
        f"CREATE ROLE {role} LOGIN PASSWORD '{CANARY}'",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE ALL ON incidents FROM {role}",
    )
    base = loaded["db"]
    scheme, _, rest = base.partition("://")
    hostpart = rest.split("@", 1)[-1]
    yield f"{scheme}://{role}:{CANARY}@{hostpart}"
    _admin(loaded["db"], f"DROP OWNED BY {role}", f"DROP ROLE {role}")


def _host_db(url: str) -> tuple[str, str]:
    rest = url.partition("://")[2].split("@", 1)[-1]
    hostport, _, db = rest.partition("/")
    return hostport, db.partition("?")[0]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bad connection string", r'could not connect: invalid integer value "notaport"'),
        (
            "unknown parameter",
            r'not a valid connection string: invalid URI query parameter: "bogus"',
        ),
        (
            "unreachable server",
            r"could not connect: connection to server at \"127\.0\.0\.1\", port 1 failed",
        ),
        ("wrong password", r"could not connect: .*password authentication failed for user"),
        (
            "missing table",
            # geometry_columns lists only what the role may read
            r"no such table 'nowhere'; its tables with geometry are districts, hazards, roads, "
            "towns$",
        ),
        (
            "table without geometry",
            r"the table 'notes' has no geometry column \(its columns: id, text\)",
        ),
        ("query without geometry", r"the query has no geometry column \(its columns: n\)"),
        ("permission denied", r"permission denied: permission denied for table incidents"),
    ],
)
def test_database_errors_are_one_line_exit_2_and_never_show_the_password(
    loaded: dict[str, str],
    reader: str,
    capsys: pytest.CaptureFixture[str],
    case: str,
    expected: str,
) -> None:
    hostport, dbname = _host_db(loaded["db"])
    user = loaded["db"].partition("://")[2].split(":", 1)[0]
    urls = {
        "bad connection string": f"postgresql://{user}:{CANARY}@127.0.0.1:notaport/{dbname}?table=incidents",
        "unknown parameter": f"postgresql://{user}:{CANARY}@{hostport}/{dbname}?bogus=1&table=incidents",
        "unreachable server": f"postgresql://{user}:{CANARY}@127.0.0.1:1/{dbname}?table=incidents",
        "wrong password": f"postgresql://{user}:{CANARY}@{hostport}/{dbname}?table=incidents",
        "missing table": f"{reader}?table=nowhere",
        "table without geometry": f"{reader}?table=notes",
        "query without geometry": f"{reader}?sql=SELECT 1 AS n",
        "permission denied": f"{reader}?table=incidents",
    }
    status, out, err = run(capsys, "validate", urls[case])
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("geomap: error: postgresql://"), err
    assert re.search(expected, lines[0]), lines[0]
    assert CANARY not in err
    assert "Traceback" not in err
    assert f"geomap: error: {redact(urls[case])}" in lines[0]


def test_to_db_is_checked_before_the_analysis_runs(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://me:{CANARY}@127.0.0.1:1/mines"
    status, out, err = run(capsys, "stats", str(SAMPLE), "--to-db", url)
    assert status == 2
    assert out == ""
    assert err.startswith("geomap: error: postgresql://me@127.0.0.1:1/mines: could not connect:")
    assert "[1/8]" not in err
    assert CANARY not in err


# --------------------------------------------------------------------------- README


def test_readme_database_commands_run_against_the_server(
    loaded: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # `geomap validate` writes its rejects file here
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Working with a database") :]
    section = section[: section.index("\n## ", 3)]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [ln for ln in block[1].replace("\\\n", " ").splitlines() if ln.startswith("geomap ")]
    assert len(lines) >= 2
    outputs = []
    for line in lines:
        argv = shlex.split(line.replace("$DB", loaded["db"]), comments=True)
        status, out, _err = run(capsys, *argv[1:])
        outputs.append((status, out))
    (v_status, v_out), (s_status, s_out) = outputs[:2]
    assert v_status == 2
    assert "128 incidents read = 125 kept + 3 rejected" in v_out
    assert s_status == 0
    assert "wrote table geomap_results.links (125 rows)" in s_out


def test_writing_without_permission_is_one_line_and_writes_nothing(
    loaded: dict[str, str], reader: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "stats", "-q", loaded["gpkg"], "--to-db", reader)
    assert status == 2
    assert "wrote table" not in out
    assert err.splitlines()[-1] == (
        f"geomap: error: {redact(reader)}: permission denied: permission denied for database "
        f"{_host_db(reader)[1]}"
    )
    assert CANARY not in out + err
    assert _tables_in(loaded["db"], "geomap") == set()


def test_a_map_from_the_database_holds_no_password(
    loaded: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = loaded["db"]
    password = DatabaseSource.parse(db).password
    out_html = tmp_path / "map.html"
    status, out, err = run(capsys, "render", db, "-o", str(out_html))
    assert status == 0, err
    assert f"{redact(db)}?table=incidents: 128 incidents read = 125 kept + 3 rejected" in out
    page = out_html.read_text(encoding="utf-8")
    assert password
    assert password not in page
    assert password not in out + err
