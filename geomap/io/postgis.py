"""PostgreSQL/PostGIS as a source and a sink: read layers, write result tables in one transaction.

A database source is a libpq URL, ``postgresql://user@host:port/db``, with what to read
as a query parameter: ``?table=incidents`` (``schema.table`` allowed) or ``?sql=SELECT
...`` (``sql=`` goes last and is taken as written, to the end of the text). With
neither, the table named like the layer is read (``incidents``, ``hazards``,
``districts``, ...), as a GeoPackage's layers are. Other query parameters (``sslmode``,
``connect_timeout``, ...) go to libpq, which also reads what the URL leaves out from the
standard ``PG*`` environment variables (``PGPASSWORD``, ``PGHOST``, ...) and
``~/.pgpass``.

The password is never printed, logged or kept in a row: messages and ``source_file``
name the database as :func:`redact` writes it (``postgresql://user@host:port/db``), and
any driver message is scrubbed of it. Needs ``pip install 'geomap[postgis]'``
(psycopg 3, SQLAlchemy, GeoAlchemy2).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap._errors import InputError
from geomap.io.vector import _kind_of_geometry_type

if TYPE_CHECKING:
    import sqlalchemy as sa
    from psycopg import sql as pg_sql

__all__ = [
    "DatabaseError",
    "DatabaseSource",
    "check_database",
    "detect_tables",
    "is_database",
    "open_database",
    "read_database",
    "redact",
    "table_names",
    "write_tables",
]

log = logging.getLogger(__name__)

#: The URL schemes of a database source.
SCHEMES = ("postgresql://", "postgres://")
#: How long to wait for the server before saying it cannot be reached, seconds.
CONNECT_TIMEOUT = 10


class DatabaseError(InputError):
    """A database could not be reached, read or written; the message names it, password removed."""


def is_database(source: object) -> bool:
    """Tell whether ``source`` is a database URL (``postgresql://...``), not a file.

    Examples
    --------
    >>> is_database("postgresql://me@localhost/mines?table=incidents"), is_database("a.gpkg")
    (True, False)
    """
    return isinstance(source, str) and source.strip().lower().startswith(SCHEMES)


def _split(url: str) -> tuple[str, str, str, str]:
    """Split a database URL into scheme, user info, host part and the rest (path + query)."""
    scheme, _, rest = url.strip().partition("://")
    netloc, slash, tail = rest.partition("/")
    before_query, q, query = netloc.partition("?")
    if q:  # no path: postgresql://host?table=x
        netloc, tail, slash = before_query, f"?{query}", ""
    userinfo, at, hostport = netloc.rpartition("@")
    return scheme, userinfo if at else "", hostport, f"{slash}{tail}"


def _password(url: str) -> str | None:
    """Return the password written in a database URL, if any."""
    userinfo = _split(url)[1]
    _user, colon, password = userinfo.partition(":")
    return unquote(password) if colon and password else None


def redact(url: str) -> str:
    """Return a database URL as it may be shown: ``postgresql://user@host:port/db``.

    The password and every query parameter (some carry secrets, e.g. ``password=``)
    are removed; what the URL leaves out is left out (libpq fills it in from ``PG*``).

    Examples
    --------
    >>> redact("postgresql://ana:s3cr3t@db.example.org:5433/mines?sslmode=require")
    'postgresql://ana@db.example.org:5433/mines'
    >>> redact("postgres://:pw@/mines?host=/var/run/postgresql")
    'postgres:///mines'
    """
    scheme, userinfo, hostport, rest = _split(url)
    user = userinfo.partition(":")[0]
    path = rest.partition("?")[0]
    return f"{scheme}://{user}{'@' if user else ''}{hostport}{path}"


@dataclass(frozen=True)
class DatabaseSource:
    """A database source parsed from its URL: where to connect and what to read.

    Attributes
    ----------
    conninfo : str
        The URL handed to libpq (``table``/``sql`` removed). It may hold the password:
        never show it; show :attr:`name`.
    table : str or None
        The table (or view) to read, ``schema.table`` allowed.
    sql : str or None
        The query to read, instead of a table.
    password : str or None
        The password written in the URL, to scrub from driver messages.
    """

    conninfo: str = field(repr=False)
    table: str | None = None
    sql: str | None = None
    password: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"DatabaseSource({self.name!r})"

    @classmethod
    def parse(cls, url: str, table: str | None = None, sql: str | None = None) -> DatabaseSource:
        """Parse ``postgresql://...[?table=NAME | ?sql=QUERY]``; ``table``/``sql`` override."""
        base, _, query = url.strip().partition("?")
        query, _, sql_text = query.partition("sql=") if "sql=" in query else (query, "", "")
        if sql_text and query and not query.endswith("&"):  # e.g. "nosql=": not ours
            query, sql_text = f"{query}sql={sql_text}", ""
        params = parse_qsl(query.rstrip("&"), keep_blank_values=True)
        tables = [v for k, v in params if k == "table"]
        libpq = [(k, v) for k, v in params if k != "table"]
        conninfo = f"{base}?{urlencode(libpq)}" if libpq else base
        return cls(
            conninfo,
            table or (tables[0] if tables else None),
            sql or (sql_text.strip() or None),
            _password(url) or dict(libpq).get("password"),
        )

    @property
    def database(self) -> str:
        """The database, shown without password: ``postgresql://user@host:port/db``."""
        return redact(self.conninfo)

    @property
    def name(self) -> str:
        """What is read, as rows' ``source_file`` and messages show it (no password)."""
        if self.sql:
            return f"{self.database}?sql={self.sql}"
        return f"{self.database}?table={self.table}" if self.table else self.database

    @property
    def url(self) -> str:
        """The URL to read this source again (it may hold the password: never show it)."""
        sep = "&" if "?" in self.conninfo else "?"
        if self.sql:
            return f"{self.conninfo}{sep}sql={self.sql}"
        return f"{self.conninfo}{sep}table={quote(self.table)}" if self.table else self.conninfo

    def with_table(self, table: str) -> DatabaseSource:
        """Return the same database, reading ``table``."""
        return DatabaseSource(self.conninfo, table, None, self.password)

    def scrub(self, text: str) -> str:
        """Remove the password (and any URL holding it) from a driver's message."""
        text = re.sub(r"postgres(?:ql)?://\S+", lambda m: redact(m[0]), text)
        written = _split(self.conninfo)[1].partition(":")[2]  # as in the URL (%-encoded)
        found = (self.password, written, os.environ.get("PGPASSWORD"))
        for secret in sorted({str(x) for x in found if x}, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def _first_line(exc: BaseException) -> str:
    """Return the first line of a driver's message (SQLAlchemy's wrapped error unwrapped)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [x.strip() for x in str(orig).strip().splitlines() if x.strip()]
    return lines[0] if lines else type(orig).__name__


def _reason(exc: BaseException) -> tuple[str | None, str]:
    """Say what kind of database error this is (None: another), and its first line."""
    orig = getattr(exc, "orig", None) or exc
    text = re.sub(r"^connection (?:failed|is bad): ", "", _first_line(exc))
    psycopg = _psycopg()
    if isinstance(orig, psycopg.errors.InsufficientPrivilege):
        return "permission denied", text
    if isinstance(
        orig, psycopg.OperationalError | psycopg.errors.InvalidAuthorizationSpecification
    ):
        return "could not connect", text
    if isinstance(orig, psycopg.ProgrammingError) and "invalid" in text and "conn" in text:
        return "not a valid connection string", text
    return None, text


@contextlib.contextmanager
def _reported(src: DatabaseSource, doing: str) -> Iterator[None]:
    """Turn any driver error into one :class:`DatabaseError` line, password removed."""
    try:
        yield
    except GeomapError:
        raise
    except Exception as exc:
        kind, text = _reason(exc)
        raise DatabaseError(f"{src.name}: {kind or doing}: {src.scrub(text)}", src.name) from None


def _psycopg() -> Any:
    """Import psycopg 3 (the postgis extra) when a database is first used: it is slow to load."""
    import psycopg
    import psycopg.conninfo
    import psycopg.errors
    import psycopg.sql

    return psycopg


def _sa() -> Any:
    """Import SQLAlchemy (the postgis extra) when a database is first used."""
    import sqlalchemy

    return sqlalchemy


def _need_driver(src: DatabaseSource) -> None:
    try:
        _psycopg(), _sa()
    except ImportError:
        raise DatabaseError(
            f"{src.name}: reading a database needs psycopg, SQLAlchemy and GeoAlchemy2: "
            "pip install 'geomap[postgis]'",
            src.name,
        ) from None


def open_database(src: DatabaseSource) -> sa.Engine:
    """Return a SQLAlchemy engine on ``src`` (psycopg 3, libpq's URL and ``PG*`` settings).

    Raises
    ------
    DatabaseError
        The driver is not installed, or the URL is not a valid connection string.
    """
    _need_driver(src)
    with _reported(src, "not a valid connection string"):
        _psycopg().conninfo.conninfo_to_dict(src.conninfo)

    def connect() -> Any:
        return _psycopg().connect(src.conninfo, connect_timeout=CONNECT_TIMEOUT)

    sa = _sa()
    return sa.create_engine("postgresql+psycopg://", creator=connect, poolclass=sa.NullPool)


def check_database(url: str) -> None:
    """Connect to a database once, to fail early (before a long analysis) if it cannot be reached.

    Raises
    ------
    DatabaseError
        The URL is not valid or the server cannot be reached; the message holds no password.
    """
    src = DatabaseSource.parse(url)
    engine = open_database(src)
    try:
        with _reported(src, "could not connect"), engine.connect():
            pass
    finally:
        engine.dispose()


def _raw(conn: sa.Connection) -> Any:
    """Return the psycopg connection under a SQLAlchemy one (for quoting and plain queries)."""
    return conn.connection.dbapi_connection


def _relation(table: str) -> pg_sql.Composable:
    """``schema.table`` or ``table`` as a quoted SQL identifier."""
    return _psycopg().sql.Identifier(*table.split(".", 1))


def _geometry_tables(conn: sa.Connection) -> list[str]:
    """List the tables and views with a geometry column (``schema.table`` outside ``public``)."""
    if conn.exec_driver_sql("SELECT to_regclass('geometry_columns')").scalar() is None:
        raise GeomapError("PostGIS is not installed in this database (CREATE EXTENSION postgis)")
    rows = conn.exec_driver_sql(
        "SELECT f_table_schema, f_table_name FROM geometry_columns "
        "ORDER BY f_table_schema <> 'public', f_table_schema, f_table_name"
    ).all()
    return list(dict.fromkeys(t if s == "public" else f"{s}.{t}" for s, t in rows))


def table_names(src: DatabaseSource) -> list[str]:
    """Return the database's tables and views that hold a geometry column.

    Raises
    ------
    DatabaseError
        The server cannot be reached, or PostGIS is not installed there.
    """
    engine = open_database(src)
    try:
        with _reported(src, "could not list its tables"), engine.connect() as conn:
            try:
                return _geometry_tables(conn)
            except GeomapError as exc:
                raise DatabaseError(f"{src.name}: {exc}", src.name) from None
    finally:
        engine.dispose()


def _query(conn: sa.Connection, src: DatabaseSource) -> str:
    """Return the SQL that reads ``src``: its query, or all of its table (which must exist)."""
    if src.sql:
        return src.sql.rstrip().rstrip(";")
    if not src.table:
        raise DatabaseError(
            f"{src.database}: name the table to read (?table=NAME) or a query (?sql=SELECT ...)",
            src.name,
        )
    raw = _raw(conn)
    found = conn.exec_driver_sql(
        "SELECT to_regclass(%s)", (_relation(src.table).as_string(raw),)
    ).scalar()
    if found is None:
        tables = _geometry_tables(conn)
        have = f"its tables with geometry are {', '.join(tables)}" if tables else "it has none"
        raise DatabaseError(f"{src.name}: no such table {src.table!r}; {have}", src.name)
    return f"SELECT * FROM {_relation(src.table).as_string(raw)}"


def _geometry_column(conn: sa.Connection, src: DatabaseSource, query: str) -> str:
    """Return the (first) geometry column the query returns; a clear error when none."""
    oids = {
        r[0]
        for r in conn.exec_driver_sql("SELECT oid FROM pg_type WHERE typname = 'geometry'").all()
    }
    cur = _raw(conn).cursor()
    try:
        cur.execute(f"SELECT * FROM ({query}) AS geomap_q LIMIT 0")
        columns = [(str(d[0]), d[1]) for d in cur.description or []]
    finally:
        cur.close()
    geoms = [name for name, oid in columns if oid in oids]
    if not geoms:
        what = "query" if src.sql else f"table {src.table!r}"
        names = ", ".join(name for name, _ in columns) or "none"
        raise DatabaseError(
            f"{src.name}: the {what} has no geometry column (its columns: {names}); "
            "select one (PostGIS geometry)",
            src.name,
        )
    if len(geoms) > 1:
        log.info("%s: %d geometry columns; reading %r", src.name, len(geoms), geoms[0])
    return geoms[0]


def read_database(
    source: str | DatabaseSource, *, table: str | None = None, sql: str | None = None
) -> gpd.GeoDataFrame:
    """Read a PostGIS table or query as it is (its geometry column, CRS from its SRID).

    Parameters
    ----------
    source : str or DatabaseSource
        ``postgresql://user@host:port/db[?table=NAME | ?sql=QUERY]``.
    table, sql : str, optional
        The table or query to read (over the URL's).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows in the order the server returns them; ``attrs["geomap_source"]`` holds
        the redacted name. The geometry column is called ``geometry``.

    Raises
    ------
    DatabaseError
        The URL is not valid, the server cannot be reached, the table does not exist,
        holds no geometry column, may not be read; the message never holds the password.

    Examples
    --------
    >>> read_database("postgresql://me@localhost/mines?table=incidents")  # doctest: +SKIP
    """
    src = source if isinstance(source, DatabaseSource) else DatabaseSource.parse(source)
    if table or sql:
        src = DatabaseSource(src.conninfo, table, sql, src.password)
    engine = open_database(src)
    try:
        with _reported(src, "could not be read"), engine.connect() as conn:
            query = _query(conn, src)
            geom = _geometry_column(conn, src, query)
            # pandas hands the text to psycopg with (no) parameters: a literal % is %%
            sql = f"SELECT * FROM ({query}) AS geomap_q".replace("%", "%%")
            gdf = gpd.read_postgis(sql, conn, geom_col=geom)
    finally:
        engine.dispose()
    if geom != "geometry":
        gdf = gdf.drop(columns="geometry", errors="ignore").rename_geometry("geometry")
    log.info("%s: read %d rows", src.name, len(gdf))
    gdf.attrs["geomap_source"] = src.name
    return gdf


def _frame_for_sql(df: pd.DataFrame) -> pd.DataFrame:
    """Return a table as SQL can hold it: categories as plain text."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def write_tables(
    url: str,
    tables: Mapping[str, pd.DataFrame],
    *,
    schema: str | None = None,
    if_exists: str = "fail",
) -> dict[str, int]:
    """Write tables to a database in one transaction: all of them, or none.

    Tables with a geometry (GeoDataFrames) become PostGIS tables (``geometry`` column,
    their CRS's SRID, a spatial index); others plain tables. If any table fails, the
    transaction is rolled back: no table is created or replaced.

    Parameters
    ----------
    url : str
        ``postgresql://user@host:port/db`` (password from the URL or ``PG*``).
    tables : dict of str to DataFrame
        Table name → table, e.g. :meth:`geomap.analysis.AnalysisResult.tables`.
    schema : str, optional
        The schema to write into (created if missing); the connection's default
        (``public``) when None.
    if_exists : {"fail", "replace"}, default "fail"
        What to do when a table exists already.

    Returns
    -------
    dict of str to int
        Table name (``schema.name`` when a schema is given) → rows written.

    Raises
    ------
    DatabaseError
        The server cannot be reached, a table exists (``if_exists="fail"``), or
        permission is denied; nothing was written. The message never holds the password.

    Examples
    --------
    >>> write_tables(url, result.tables(), schema="geomap", if_exists="replace")  # doctest: +SKIP
    {'geomap.links': 125, ...}
    """
    if if_exists not in ("fail", "replace"):
        raise ValueError(f"`if_exists` was {if_exists!r} but is expected to be 'fail' or 'replace'")
    src = DatabaseSource.parse(url)
    if src.table or src.sql:
        raise DatabaseError(
            f"{src.name}: give the database only (the tables are named by what is written)",
            src.name,
        )
    engine = open_database(src)
    written: dict[str, int] = {}
    try:
        with _reported(src, "nothing was written"), engine.begin() as conn:
            if schema:
                raw = _raw(conn)
                ident = _psycopg().sql.Identifier(schema).as_string(raw)
                conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {ident}")
            for name, df in tables.items():
                qualified = f"{schema}.{name}" if schema else name
                _write_one(conn, src, df, name, schema, if_exists, qualified)
                written[qualified] = len(df)
    finally:
        engine.dispose()
    log.info("%s: wrote %d tables in one transaction", src.database, len(written))
    return written


def _write_one(
    conn: sa.Connection,
    src: DatabaseSource,
    df: pd.DataFrame,
    name: str,
    schema: str | None,
    if_exists: str,
    qualified: str,
) -> None:
    """Write one table inside the open transaction."""
    if if_exists == "fail" and _sa().inspect(conn).has_table(name, schema=schema):
        raise DatabaseError(
            f"{src.database}: table {qualified!r} exists already; nothing was written "
            "(replace it: if_exists='replace', --replace on the command line)",
            src.name,
        )
    frame = _frame_for_sql(df)
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        frame.to_postgis(name, conn, schema=schema, if_exists="replace", index=False)
    else:
        pd.DataFrame(frame).to_sql(name, conn, schema=schema, if_exists="replace", index=False)


def detect_tables(
    source: str | DatabaseSource, layer: str | None = None
) -> list[tuple[str, str | None]]:
    """Say which model layers a database source holds, as :func:`geomap.io.detect_layers` does.

    With a table or query (in the URL, or ``layer``), its geometry type says
    (points are incidents, polygons hazard areas); with neither, the tables
    ``incidents`` and ``hazards`` are taken, as a GeoPackage's layers are.

    Returns
    -------
    list of (kind, table or None)
        The table to read (None: the URL's table or query).

    Raises
    ------
    DatabaseError
        The server cannot be reached, or nothing says what to read.
    """
    src = source if isinstance(source, DatabaseSource) else DatabaseSource.parse(source)
    own = bool(src.table or src.sql)  # the URL says what to read
    if layer and not own:
        src = src.with_table(layer)
    if not (src.table or src.sql):
        tables = table_names(src)
        found = [k for k in ("incidents", "hazards") if k in tables]
        if not found:
            have = ", ".join(tables) or "none"
            raise DatabaseError(
                f"{src.database}: has no table called incidents or hazards (its tables with "
                f"geometry: {have}); name one: ?table=NAME, or --layer NAME",
                src.name,
            )
        return [(k, k) for k in found]
    engine = open_database(src)
    try:
        with _reported(src, "could not be read"), engine.connect() as conn:
            query = _query(conn, src).replace("%", "%%")
            geom = _psycopg().sql.Identifier(_geometry_column(conn, src, query.replace("%%", "%")))
            ident = geom.as_string(_raw(conn))
            types = conn.exec_driver_sql(
                f"SELECT GeometryType({ident}) FROM ({query}) AS geomap_q "
                f"WHERE {ident} IS NOT NULL LIMIT 200"
            ).scalars()
            kinds = pd.Series([_kind_of_geometry_type(t) for t in types], dtype=object)
    finally:
        engine.dispose()
    kinds = kinds.dropna()
    kind = str(kinds.mode().iloc[0]) if len(kinds) else "incidents"
    return [(kind, None if own else src.table)]
