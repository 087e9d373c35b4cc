"""PostgreSQL store: ``--db postgresql://user@host/dbname`` (or ``$STORYLINE_DB``) selects it.

psycopg 3 with one connection pool per database URL in a process (the API opens a store per request). The
queries are the SQLite store's own (the mixins in this package): :class:`PgConnection` gives them the
``sqlite3.Connection`` face they were written against (``execute``, ``executemany``, rows by index and by
name, ``lastrowid``) and :class:`storyline.store.dialect.PgDialect` rewrites their few SQLite idioms. What is
PostgreSQL's own lives here: migrations recorded in ``storyline_schema``, the search index (a ``tsvector``
over the same lemma documents SQLite's FTS5 indexes, GIN-indexed) and the driver lock (an advisory lock).

A schema other than ``public``: ``postgresql://host/db?options=-csearch_path%3Dmyschema``.
"""

from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import psycopg
from psycopg.types.numeric import NumericLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from storyline.errors import DriverLocked, StoreBusy, StoreError, StoreForeign, StoreFull, StoreMissing, StoreReadOnly, \
    StoreTooNew
from storyline.records import Article
from storyline.settings import get_settings
from storyline.store.annotations import AnnotationQueries
from storyline.store.base import Store, register_backend
from storyline.store.dialect import PgDialect, TableInfo, translate_ddl
from storyline.store.entities import EntityRepo
from storyline.store.events import ClusterStore
from storyline.store.migrations import MIGRATIONS, migration_parts
from storyline.store.search import _WORD, _fold, _lemma, matching_sentence, search_document
from storyline.store.sqlite import ArticleQueries, default_db_path
from storyline.store.textfold import fold_script

__all__ = ["PostgresStore", "PgConnection", "close_pools", "scratch_schema"]

_POOLS: dict[str, ConnectionPool] = {}
_DIALECTS: dict[tuple[str, int], PgDialect] = {}
_LOCK = threading.Lock()
_FTS_INSERT = ("INSERT INTO articles_fts (article_id, document) VALUES (%s, setweight(to_tsvector('simple', %s), 'A')"
               " || setweight(to_tsvector('simple', %s), 'B'))")
# ts_rank weights {D, C, B, A}: the title (A) counts twice the body (B), as the SQLite store's bm25 weights.
_RANK_WEIGHTS = "{0, 0, 0.5, 1.0}"


def _safe_url(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url.split("@")[-1]
    return f"postgresql://{info.get('user', '')}@{info.get('host', '')}/{info.get('dbname', '')}"


class _Numeric(NumericLoader):
    """``numeric`` (PostgreSQL's SUM of integers) as SQLite hands it back: an int when whole, else a float."""

    def load(self, data):
        value = super().load(data)
        return int(value) if value == value.to_integral_value() else float(value)


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("numeric", _Numeric)
    timeout_ms = int(get_settings().store.busy_timeout_s * 1000)
    conn.execute(f"SET lock_timeout = {timeout_ms}")


def _pool(url: str) -> ConnectionPool:
    with _LOCK:
        pool = _POOLS.get(url)
        if pool is None:
            settings = get_settings().store
            pool = ConnectionPool(url, min_size=1, max_size=settings.pool_size, open=False,
                                  kwargs={"autocommit": True}, configure=_configure,
                                  check=ConnectionPool.check_connection, timeout=settings.busy_timeout_s,
                                  name=f"storyline:{_safe_url(url)}")
            try:
                pool.open(wait=True, timeout=min(settings.busy_timeout_s, 10.0))
            except PoolTimeout as exc:
                pool.close()
                raise StoreError(f"cannot connect to PostgreSQL at {_safe_url(url)}: is the server running "
                                 "and the URL right (postgresql://user@host:port/dbname)?") from exc
            _POOLS[url] = pool
        return pool


def close_pools(url: str | None = None) -> None:
    """Close the pool of ``url`` (every pool of this process when None): tests, a server shutting down."""
    with _LOCK:
        for key in [url] if url is not None else list(_POOLS):
            pool = _POOLS.pop(key, None)
            if pool is not None:
                pool.close()
        for key in [k for k in _DIALECTS if url is None or k[0].startswith(url + "#")]:
            del _DIALECTS[key]


@contextmanager
def scratch_schema(url: str, prefix: str = "storyline_scratch", keep: bool = False) -> Iterator[str]:
    """A URL whose tables go to a new, empty schema of ``url``'s database (benchmarks, comparisons, tests); the
    schema is dropped afterwards unless ``keep``."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        raise _translate(exc, url, "creating a schema") from exc
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    try:
        yield scoped
    finally:
        close_pools(scoped)
        if not keep:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _translate(exc: psycopg.Error, url: str, doing: str) -> Exception:
    """A driver failure as the :class:`StoreError` a person can act on; other errors (bugs) unchanged."""
    where = _safe_url(url)
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return StoreBusy(f"database busy: another process held a lock on {where} longer than store.busy_timeout_s "
                         f"while {doing}; nothing of this batch was stored: try again later")
    if isinstance(exc, (psycopg.errors.DiskFull, psycopg.errors.OutOfMemory)):
        return StoreFull(f"PostgreSQL at {where} is out of space while {doing}: {exc}")
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
        return StoreReadOnly(f"PostgreSQL at {where} is read-only (a standby?): writes are refused")
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return StoreError(f"lost the PostgreSQL connection to {where} while {doing} ({str(exc).strip()}); "
                          "the open batch was rolled back: run the command again once the server is back")
    return exc


# --------------------------------------------------------------------------- the sqlite3-shaped adapter
class Row(tuple):
    """A result row by position and by column name (``row[0]``, ``row["id"]``, ``dict(row)``), as
    ``sqlite3.Row``."""

    def __new__(cls, values: Sequence[Any], index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor):
    index = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class PgCursor:
    """What ``execute`` returns: rows, ``lastrowid`` (an inserted row's id) and ``rowcount``.

    Rows are fetched when first asked for: inside a write transaction (pipeline mode, see
    :meth:`PostgresStore.transaction`) a statement whose result no one reads (an ``INSERT``, an ``UPDATE``)
    costs no round trip of its own; one that is read waits for its result there.
    """

    def __init__(self, cursor: psycopg.Cursor, returns_id: bool, url: str):
        self._cursor = cursor
        self._url = url
        self._rows: list | None = None
        self.lastrowid = None
        if returns_id:
            row = self._fetch(cursor.fetchone)
            self.lastrowid = row[0] if row else None
            self._rows = []

    def _fetch(self, how):
        try:
            return how()
        except psycopg.Error as exc:
            if type(exc) is psycopg.ProgrammingError:  # "the last operation didn't produce a result"
                return None
            raise _translate(exc, self._url, "running a query") from exc

    def _all(self) -> list:
        if self._rows is None:
            self._rows = self._fetch(self._cursor.fetchall) or []
        return self._rows

    @property
    def rowcount(self) -> int:
        self._all()
        return self._cursor.rowcount

    @property
    def description(self):
        self._all()
        return self._cursor.description

    def fetchone(self):
        rows = self._all()
        return rows.pop(0) if rows else None

    def fetchall(self) -> list:
        rows, self._rows = self._all(), []
        return rows

    def __iter__(self):
        rows, self._rows = self._all(), []
        return iter(rows)


class PgConnection:
    """One pooled PostgreSQL connection behind the ``sqlite3.Connection`` calls the store's queries make."""

    def __init__(self, raw: psycopg.Connection, dialect: PgDialect, url: str):
        self.raw = raw
        self.dialect = dialect
        self.url = url
        self.database_key = url  # a cache key across connections (store/views.py: database_file)

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> PgCursor:
        statement = self.dialect.statement(sql)
        values = self.dialect.params(statement, params)
        try:
            if statement.replace:
                delete, positions = statement.replace
                self.raw.execute(delete, [values[i] for i in positions])
            cursor = self.raw.cursor(row_factory=_row_factory)
            cursor.execute(statement.sql, values)
            return PgCursor(cursor, statement.returns_id, self.url)
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "running a query") from exc

    def executemany(self, sql: str, seq_of_params: Iterable[Sequence[Any]]) -> None:
        statement = self.dialect.statement(sql)
        rows = [self.dialect.params(statement, p) for p in seq_of_params]
        if not rows:
            return
        if statement.replace:
            for params in rows:
                self._execute_prepared(statement, params)
            return
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(statement.many, rows)
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "running a query") from exc

    def _execute_prepared(self, statement, values) -> None:
        try:
            if statement.replace:
                delete, positions = statement.replace
                self.raw.execute(delete, [values[i] for i in positions])
            self.raw.execute(statement.sql, values)
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "running a query") from exc

    def table_exists(self, name: str) -> bool:
        return self.raw.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def _tsquery(query: str, language: str = "nl") -> tuple[str, list[str]]:
    """The PostgreSQL form of :func:`storyline.store.search.fold_query`: each word's lemma (diacritics folded,
    as the documents are), a hyphenated word's parts all required, ``OR`` kept, all words required. A word is
    a ``phraseto_tsquery`` so it is cut into tokens exactly as the document was."""
    terms: list[str] = []
    params: list[str] = []
    pending_or = False
    for word in _WORD.findall(query.lower()):
        if word == "or":
            pending_or = True
            continue
        parts = [p for p in word.split("-") if p] if "-" in word else [word]
        exprs = []
        for part in parts:
            exprs.append("phraseto_tsquery('simple', %s)")
            params.append(_fold(_lemma(part, language)).replace('"', ""))
        term = exprs[0] if len(exprs) == 1 else "(" + " && ".join(exprs) + ")"
        if pending_or and terms:
            terms[-1] = f"({terms[-1]} || {term})"
        else:
            terms.append(term)
        pending_or = False
    return " && ".join(terms), params


# --------------------------------------------------------------------------- the store
class PostgresStore(ArticleQueries, ClusterStore, EntityRepo, AnnotationQueries, Store):
    """The PostgreSQL implementation of :class:`storyline.store.base.Store` (``Store("postgresql://…")``)."""

    def __init__(self, url: str | None = None, *, readonly: bool = False):
        """Connect to the database at ``url``. ``readonly=False`` (a write command) creates or migrates the
        schema; ``readonly=True`` requires a Storyline schema there and never changes anything."""
        self.url = self.path = str(url or default_db_path())
        self.readonly = readonly
        self._pool = _pool(self.url)
        try:
            self._raw = self._pool.getconn()
        except PoolTimeout as exc:
            raise StoreBusy(f"all {self._pool.max_size} connections to {_safe_url(self.url)} are in use "
                            "(settings store.pool_size); try again later") from exc
        self._closed = False
        try:
            version = self._prepare()
            self.conn = PgConnection(self._raw, self._dialect(version), self.url)
        except BaseException:
            self.close()
            raise

    def _prepare(self) -> int:
        """Check (and unless read-only, migrate) the schema; its version."""
        raw = self._raw
        try:
            has_schema = raw.execute("SELECT to_regclass('storyline_schema') IS NOT NULL").fetchone()[0]
            if not has_schema and raw.execute("SELECT to_regclass('articles') IS NOT NULL").fetchone()[0]:
                raise StoreForeign(f"{_safe_url(self.url)} has a table 'articles' but no storyline_schema: not a "
                                   "Storyline database; it was left untouched (use another database or schema)")
            if self.readonly:
                if not has_schema:
                    raise StoreMissing(f"no Storyline database at {_safe_url(self.url)}: a read command creates "
                                       "none (check --db / STORYLINE_DB, or ingest articles first)")
                version = self._version()
                if version > len(MIGRATIONS):
                    raise StoreTooNew(f"database schema v{version} is newer than this Storyline "
                                      f"(v{len(MIGRATIONS)}); upgrade Storyline")
                return version
            return self.migrate()
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "opening") from exc

    def _version(self) -> int:
        return self._raw.execute("SELECT COALESCE(MAX(version), 0) FROM storyline_schema").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return self._version()

    def migrate(self) -> int:
        """Apply the pending migrations in one transaction, under a lock so two processes opening a new
        database at once do not both create it. The schema's version after."""
        raw = self._raw
        with raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(hashtext('storyline-migrate:' || current_database() || '.'"
                        " || current_schema()))")
            raw.execute("CREATE TABLE IF NOT EXISTS storyline_schema (version INTEGER PRIMARY KEY,"
                        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            current = self._version()
            if current > len(MIGRATIONS):
                raise StoreTooNew(f"database schema v{current} is newer than this Storyline "
                                  f"(v{len(MIGRATIONS)}); upgrade Storyline")
            for version, entry in enumerate(MIGRATIONS[current:], start=current + 1):
                portable, own = migration_parts(entry, "postgresql")
                for statement in translate_ddl(portable) + _plain_statements(own):
                    raw.execute(statement)
                raw.execute("INSERT INTO storyline_schema (version) VALUES (%s)", [version])
        return len(MIGRATIONS) if current <= len(MIGRATIONS) else current

    def _dialect(self, version: int) -> PgDialect:
        """The statement rewriter for this schema (its tables' keys), read from the catalog once per version."""
        schema = self._raw.execute("SELECT current_database() || '.' || current_schema()").fetchone()[0]
        key = (f"{self.url}#{schema}", version)
        with _LOCK:
            found = _DIALECTS.get(key)
        if found is not None:
            return found
        columns: dict[str, list[tuple[str, str, bool]]] = {}
        for table, column, type_, identity in self._raw.execute(
                "SELECT table_name, column_name, data_type, is_identity = 'YES' FROM information_schema.columns"
                " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
            columns.setdefault(table, []).append((column, type_, identity))
        keys: dict[str, list[str]] = {}
        for table, column in self._raw.execute(
                "SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc"
                " JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name"
                " AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name"
                " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()"
                " ORDER BY tc.table_name, k.ordinal_position"):
            keys.setdefault(table, []).append(column)
        tables = {}
        for table, cols in columns.items():
            pk = tuple(keys.get(table, ()))
            types = {c: (t, ident) for c, t, ident in cols}
            alias = pk[0] if len(pk) == 1 and types[pk[0]] == ("bigint", False) else None
            identity = next((c for c, t, ident in cols if ident and c != "rowid"), None)
            tables[table] = TableInfo(columns=tuple(c for c, _, _ in cols), primary_key=pk, rowid_alias=alias,
                                      identity=identity)
        dialect = PgDialect(tables)
        with _LOCK:
            _DIALECTS[key] = dialect
        return dialect

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """One transaction: a batch is committed whole or not at all (a lost connection rolls it back).

        In pipeline mode: statements are sent without waiting for each one's answer, and only a statement whose
        result is read (a lookup, an id) waits, so a batch's many small writes cost no round trip each. The
        server runs the same statements in the same order; an error surfaces at the next read or at commit, and
        rolls the whole batch back as before."""
        if self.readonly:
            raise StoreReadOnly(f"{_safe_url(self.url)} was opened for reading: writes are refused")
        try:
            with self._raw.pipeline(), self._raw.transaction():
                yield self.conn
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "writing") from exc

    @contextmanager
    def driver_lock(self) -> Iterator[None]:
        """Held by the one process that clusters and writes to this database (an ingest's driver): a session
        advisory lock on a connection of its own, released when the block ends or the process dies.

        Raises:
            DriverLocked: another driver holds it.
        """
        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "taking the driver lock") from exc
        key = "hashtext('storyline-driver:' || current_database() || '.' || current_schema())"
        try:
            if not conn.execute(f"SELECT pg_try_advisory_lock({key})").fetchone()[0]:
                raise DriverLocked(f"another storyline process is already ingesting into {_safe_url(self.url)} "
                                "(it holds the driver lock); run one ingest per database at a time, or wait for it "
                                "to finish")
            try:
                yield
            finally:
                try:
                    conn.execute(f"SELECT pg_advisory_unlock({key})")
                except psycopg.Error:
                    pass  # the connection is gone: so is its lock
        finally:
            conn.close()

    def server_cpu_seconds(self) -> float | None:
        """User + system CPU seconds of this connection's server process (``/proc``: a server on this machine;
        None for a remote one)."""
        try:
            host = self._raw.info.host
            if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
                return None
            with open(f"/proc/{self._raw.info.backend_pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, psycopg.Error):
            return None

    def close(self) -> None:
        if getattr(self, "_closed", True):
            return
        self._closed = True
        try:
            self._pool.putconn(self._raw)
        except Exception:  # a pool closed under us (interpreter exit): nothing to give back
            pass

    # ------------------------------------------------------------------ articles and search
    def index_documents(self, article: Article) -> tuple[str, str]:
        """The lemma documents the SQLite store indexes (title, body), diacritics folded as FTS5's tokenizer
        does there: computed before the transaction."""
        return (_fold(search_document(fold_script(article.title or ""), article.language)),
                _fold(search_document(fold_script(article.text), article.language)))

    def save_article(self, article: Article, signature: bytes | None = None,
                     documents: tuple[str, str] | None = None) -> None:
        self._insert_article_row(article)
        title, body = documents or self.index_documents(article)
        try:
            self._raw.execute(_FTS_INSERT, [article.id, title, body])
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "writing") from exc
        if signature is not None:
            self.conn.execute("INSERT INTO minhashes (article_id, signature) VALUES (?,?)", (article.id, signature))

    def iter_articles_in_order(self) -> Iterator[Article]:
        """All articles in stream order, read through a server-side cursor: an export of millions of articles
        holds a few hundred in memory at a time (a plain query would fetch them all first)."""
        from storyline.store.sqlite import _ARTICLE_COLUMNS, _row_to_article

        sql = (f"SELECT {_ARTICLE_COLUMNS} FROM articles"
               " ORDER BY COALESCE(published, estimated_date, '9999'), seq")
        try:
            with self._raw.transaction(), self._raw.cursor(name="storyline_articles",
                                                           row_factory=_row_factory) as cursor:
                cursor.itersize = 500
                cursor.execute(sql)
                for row in cursor:
                    yield _row_to_article(row)
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "reading") from exc

    def fts_rows(self, query: str, clauses: list[str], params: list, *, limit: int, offset: int = 0) -> list:
        """(article id, rank) of the articles matching ``query`` and the SQL ``clauses`` on ``articles a``, best
        first (rank: minus ``ts_rank``, so lower is better as with SQLite's bm25). ValueError for an unusable query."""
        expr, terms = _tsquery(query)
        if not expr:
            raise ValueError("empty search query")
        # The tsquery's own parameters come first; the filter clauses are the shared store SQL (``?``).
        where = "".join(f" AND {c}" for c in clauses).replace("?", "%s")
        sql = (f"SELECT f.article_id, -ts_rank('{_RANK_WEIGHTS}', f.document, q.query) AS rank"
               f" FROM articles_fts f JOIN articles a ON a.id = f.article_id,"
               f" (SELECT {expr} AS query) q WHERE f.document @@ q.query{where}"
               " ORDER BY rank, a.seq LIMIT %s OFFSET %s")
        try:
            return self._raw.execute(sql, [*terms, *params, limit, offset]).fetchall()
        except psycopg.Error as exc:
            raise _translate(exc, self.url, "searching") from exc

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[tuple[Article, float, str]]:
        """Full-text search; returns (article, rank, snippet). Raises ValueError for an unusable query."""
        rows = self.fts_rows(fold_script(query), [], [], limit=limit, offset=offset)
        articles = {a.id: a for a in self.get_articles([r[0] for r in rows])}
        return [(articles[r[0]], r[1], matching_sentence(articles[r[0]], query)) for r in rows if r[0] in articles]


register_backend("postgresql", PostgresStore)


def _plain_statements(script: str) -> list[str]:
    """A backend part of a migration (written for PostgreSQL already) as single statements."""
    from storyline.store.dialect import _statements

    return _statements(script)
