"""SQLite store: WAL mode, versioned migrations, one transaction per batch.

A thin repository over the standard library's sqlite3 rather than an ORM: the
queries are few, FTS5 is SQLite-specific anyway, and a PostgreSQL backend would
implement the same public methods.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from storyline.errors import StoreBusy, StoreError, StoreForeign, StoreMissing, StoreReadOnly, StoreTooNew
from storyline.records import Annotations, Article
from storyline.settings import get_settings
from storyline.store.annotations import AnnotationQueries
from storyline.store.base import Store, register_backend
from storyline.store.driverlock import LockFile, lock_path
from storyline.store.entities import EntityRepo
from storyline.store.files import APPLICATION_ID, identify, ro_uri, translate, writable
from storyline.store.events import ClusterStore
from storyline.store.migrations import MIGRATIONS, migration_parts
from storyline.store.search import fold_query, matching_sentence, search_document
from storyline.store.textfold import fold_script


def default_db_path() -> str:
    """The configured database (settings ``store.db``: ``$STORYLINE_DB``, else ``storyline.db``)."""
    return get_settings().store.db


# Lock waits of a writer: SQLite's own handler waits one slice, then we retry with doubling pauses.
_BUSY_SLICE_S = 0.5
_FIRST_RETRY_S = 0.1
_MAX_RETRY_S = 2.0


def _notify(message: str) -> None:
    """A line on stderr for a person waiting (the CLI and the server log both show it)."""
    print(message, file=sys.stderr, flush=True)


_ARTICLE_COLUMNS = (
    "id, source, url, title, published, published_precision, estimated_date, date_precision, "
    "language, author, text, raw_text, metadata, content_hash, copy_of, seq, genre"
)


class ArticleQueries:
    """The article, annotation and signature methods of :class:`storyline.store.base.Store` in SQL every
    backend runs (PostgreSQL through :mod:`storyline.store.dialect`); expects ``self.conn``."""

    conn: Any

    def _insert_article_row(self, article: Article) -> None:
        """The article's own row (its search documents and signature are the backend's)."""
        self.conn.execute(
            "INSERT INTO articles (id, source, url, title, published, published_precision, estimated_date,"
            " date_precision, language, author, text, raw_text, metadata, content_hash, copy_of)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.id, article.source, article.url, article.title, article.published,
                article.date_precision if article.published else None,
                article.estimated_date, article.date_precision, article.language, article.author,
                article.text, article.raw_text, json.dumps(article.metadata, ensure_ascii=False, default=str),
                article.content_hash, article.copy_of,
            ),
        )

    def find_existing(self, article: Article) -> str | None:
        """The stored id of the same article (same id). The same text under another id is a
        republication, stored and linked to the earliest by ``copy_of`` (see ``find_exact_copy``)."""
        row = self.conn.execute("SELECT id FROM articles WHERE id = ?", (article.id,)).fetchone()
        return row["id"] if row else None

    def find_exact_copy(self, content_hash: str) -> str | None:
        row = self.conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY seq LIMIT 1", (content_hash,)
        ).fetchone()
        return row["id"] if row else None

    def set_article_dates(self, article_id: str, estimated: str | None, precision: str | None) -> None:
        self.conn.execute("UPDATE articles SET estimated_date = ?, date_precision = ? WHERE id = ?",
                          (estimated, precision, article_id))

    # ------------------------------------------------------------------ annotations
    def save_annotations(self, article_id: str, annotations: Annotations) -> None:
        self.save_annotations_many([(article_id, annotations)])

    def save_annotations_many(self, items: Sequence[tuple[str, Annotations]]) -> None:
        """Every article's mentions first, then each article's quotes, figures and positions: row ids (shown
        to users) come out as they always have."""
        with_mentions = [(article_id, a.mentions) for article_id, a in items if a.mentions is not None]
        self.delete_mentions([article_id for article_id, _ in with_mentions])  # re-enrichment replaces
        for article_id, mentions in with_mentions:
            self.insert_mentions(article_id, mentions)
        for article_id, annotations in items:
            self.write_annotations(article_id, annotations)

    def iter_signatures(self, last: int | None = None) -> Iterator[tuple[str, bytes]]:
        """Near-duplicate signatures in storage order; with ``last``, only the latest ``last`` of them."""
        if last is None:
            rows = self.conn.execute("SELECT article_id, signature FROM minhashes ORDER BY rowid")
        else:
            rows = self.conn.execute("SELECT article_id, signature FROM (SELECT rowid AS r, article_id, signature"
                                     " FROM minhashes ORDER BY rowid DESC LIMIT ?) AS latest ORDER BY r", (int(last),))
        for row in rows:
            yield row["article_id"], row["signature"]

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _row_to_article(row) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        ids = list(ids)
        out: dict[str, Article] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk):
                out[row["id"]] = _row_to_article(row)
        return [out[i] for i in ids if i in out]

    def list_articles(
        self, *, limit: int | None = None, offset: int = 0, source: str | None = None,
        language: str | None = None, since: str | None = None, until: str | None = None,
    ) -> list[Article]:
        where, params = _article_filters(source=source, language=language, since=since, until=until)
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles {where} ORDER BY COALESCE(published, estimated_date, '9999'), seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_row_to_article(r) for r in self.conn.execute(sql, params)]

    def iter_articles_in_order(self) -> Iterator[Article]:
        """All articles in stream order: publication date (estimated where missing), then arrival."""
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY COALESCE(published, estimated_date, '9999'), seq"
        for row in self.conn.execute(sql):
            yield _row_to_article(row)

    def count_articles(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def copy_counts(self) -> dict[str, int]:
        return {
            r["copy_of"]: r["n"]
            for r in self.conn.execute(
                "SELECT copy_of, COUNT(*) AS n FROM articles WHERE copy_of IS NOT NULL GROUP BY copy_of"
            )
        }


class SQLiteStore(ArticleQueries, ClusterStore, EntityRepo, AnnotationQueries, Store):
    """The SQLite implementation of :class:`storyline.store.base.Store` (``Store(path)`` opens one)."""

    def __init__(self, path: str | os.PathLike | None = None, *, readonly: bool = False):
        """Open the database at ``path``.

        ``readonly=False`` (a write command): a missing path gets a new database; an existing Storyline
        database is migrated after its version is checked. ``readonly=True`` (a read command): the file must
        exist and is opened with a read-only URI, so nothing is ever created or changed. Any other file
        (another application's database, a newer Storyline's, junk) is refused and left untouched.
        """
        self.path = str(path or default_db_path())
        self.readonly = readonly
        settings = get_settings().store
        self.busy_timeout_s = settings.busy_timeout_s
        self.conn: sqlite3.Connection
        if self.path == ":memory:":
            self.conn = self._connect(self.path)
            self._initialise(new=True)
            return
        parent = Path(self.path).parent
        if not parent.exists():
            raise StoreError(f"directory for database does not exist: {parent}")
        identity = identify(self.path, len(MIGRATIONS))
        if readonly:
            if identity.kind == "missing":
                raise StoreMissing(f"no database at {self.path}: a read command creates none "
                                   "(check --db / STORYLINE_DB, or ingest articles first)")
            if identity.kind == "empty":
                raise StoreForeign(f"{self.path} is an empty file, not a Storyline database yet "
                                   "(ingest articles to create one)")
            self.conn = self._connect_readonly()
            return
        if identity.kind in ("storyline", "legacy") and not writable(self.path):
            raise StoreReadOnly(f"{self.path} is read-only (file, directory or mount): read commands work, "
                                "writes are refused")
        if identity.kind in ("missing", "empty") and not writable(self.path):
            raise StoreReadOnly(f"cannot create a database at {self.path}: the directory is read-only")
        self.conn = self._connect(self.path)
        self._initialise(new=identity.kind in ("missing", "empty"))

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(target, timeout=self.busy_timeout_s, isolation_level=None,
                                   check_same_thread=False, uri=uri)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")
        except sqlite3.Error as exc:
            raise translate(exc, self.path, "opening") from exc
        return conn

    def _connect_readonly(self) -> sqlite3.Connection:
        """A read-only connection; on a read-only directory or mount, where SQLite cannot keep the WAL index
        beside the file, an immutable one (the file cannot change under us there either)."""
        for immutable in (False, True):
            if immutable and writable(self.path):
                break
            conn = None
            try:
                conn = self._connect(ro_uri(self.path, immutable=immutable), uri=True)
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return conn
            except (sqlite3.Error, StoreError) as exc:
                if conn is not None:
                    conn.close()
                error = exc
        raise error if isinstance(error, StoreError) else translate(error, self.path, "opening")

    def _initialise(self, *, new: bool) -> None:
        try:
            if new:
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise translate(exc, self.path, "preparing") from exc
        except StoreError:
            self.conn.close()
            raise

    # ------------------------------------------------------------------ schema
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreTooNew(
                f"database schema v{current} is newer than this Storyline (v{len(MIGRATIONS)}); upgrade Storyline"
            )
        for version, entry in enumerate(MIGRATIONS[current:], start=current + 1):
            portable, own = migration_parts(entry, "sqlite")
            with self.transaction() as conn:
                for statement in _statements(portable) + _statements(own):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
        if self.conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            with self.transaction() as conn:  # an older Storyline database: mark it as ours from now on
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: a batch is committed whole or not at all.

        A writer that finds the database locked says so on stderr and retries with backoff for up to
        ``store.busy_timeout_s``, then raises :class:`StoreBusy`. Any SQLite failure inside (disk full, a
        damaged page) rolls the batch back and surfaces once, as the matching :class:`StoreError`.
        """
        if self.readonly:
            raise StoreReadOnly(f"{self.path} was opened for reading: writes are refused")
        self._begin()
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self.path, "writing") from exc
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise translate(exc, self.path, "writing") from exc

    def _begin(self) -> None:
        deadline = time.monotonic() + self.busy_timeout_s
        delay, told = _FIRST_RETRY_S, False
        # The lock wait is ours (with a message), not SQLite's silent busy handler.
        self.conn.execute(f"PRAGMA busy_timeout={int(_BUSY_SLICE_S * 1000)}")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    error = translate(exc, self.path, "writing")
                    if not isinstance(error, StoreBusy):
                        raise error from exc
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreBusy(f"database busy: another process has held the write lock on {self.path} "
                                        f"for over {self.busy_timeout_s:g} s (store.busy_timeout_s); nothing of "
                                        "this batch was stored: try again later") from exc
                    if not told:
                        told = True
                        _notify(f"storyline: {self.path} is busy (another process is writing); waiting up to "
                                f"{self.busy_timeout_s:g} s and retrying")
                    time.sleep(min(delay, max(left, 0.0)))
                    delay = min(delay * 2, _MAX_RETRY_S)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}")

    def _rollback(self) -> None:
        # After SQLITE_FULL or an I/O error SQLite may already have rolled back: rolling back again would
        # only add "cannot rollback - no transaction is active" on top of the real cause.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def close(self) -> None:
        self.conn.close()

    def driver_lock(self):
        """A lock file beside the database (:mod:`storyline.store.driverlock`); none for ``:memory:``."""
        if self.path == ":memory:":
            return nullcontext()
        return LockFile(lock_path(self.path), self.path)

    # ------------------------------------------------------------------ articles
    def index_documents(self, article: Article) -> tuple[str, str]:
        """The search-index documents (title, body) of an article: pure, computed before the transaction."""
        return (search_document(fold_script(article.title or ""), article.language),
                search_document(fold_script(article.text), article.language))

    def save_article(self, article: Article, signature: bytes | None = None,
                     documents: tuple[str, str] | None = None) -> None:
        conn = self.conn
        self._insert_article_row(article)
        conn.execute(
            "INSERT INTO articles_fts (article_id, title, body) VALUES (?,?,?)",
            (article.id, *(documents or self.index_documents(article))),
        )
        if signature is not None:
            conn.execute("INSERT INTO minhashes (article_id, signature) VALUES (?,?)", (article.id, signature))

    def fts_rows(self, query: str, clauses: list[str], params: list, *, limit: int, offset: int = 0) -> list:
        """(article id, rank) of the articles matching ``query`` and the SQL ``clauses`` on ``articles a``, best
        first (BM25, title weighted twice the body). Raises ValueError for an unusable query."""
        match = fold_query(query)
        if not match:
            raise ValueError("empty search query")
        sql = ("SELECT articles_fts.article_id, bm25(articles_fts, 0.0, 2.0, 1.0) AS rank FROM articles_fts"
               " JOIN articles a ON a.id = articles_fts.article_id WHERE " + " AND ".join(["articles_fts MATCH ?"] + clauses) +
               " ORDER BY rank LIMIT ? OFFSET ?")
        try:
            return self.conn.execute(sql, (match, *params, limit, offset)).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"cannot search for {query!r}: {exc}") from exc

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[tuple[Article, float, str]]:
        """Full-text search; returns (article, rank, snippet). Raises ValueError for an unusable query."""
        match = fold_query(fold_script(query))
        if not match:
            raise ValueError("empty search query")
        try:
            rows = self.conn.execute(
                "SELECT article_id, bm25(articles_fts, 0.0, 2.0, 1.0) AS rank"
                " FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                (match, limit, offset),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"cannot search for {query!r}: {exc}") from exc
        articles = {a.id: a for a in self.get_articles([r["article_id"] for r in rows])}
        # FTS5's snippet() would quote the indexed lemmas; show the article's own sentence instead.
        return [(articles[r["article_id"]], r["rank"], matching_sentence(articles[r["article_id"]], query))
                for r in rows if r["article_id"] in articles]


register_backend("sqlite", SQLiteStore)


def _article_filters(**filters: Any) -> tuple[str, list]:
    clauses, params = [], []
    if filters.get("source"):
        clauses.append("source = ?")
        params.append(filters["source"])
    if filters.get("language"):
        clauses.append("language = ?")
        params.append(filters["language"])
    if filters.get("since"):
        clauses.append("COALESCE(published, estimated_date) >= ?")
        params.append(filters["since"])
    if filters.get("until"):
        clauses.append("COALESCE(published, estimated_date) <= ?")
        params.append(filters["until"] + "\uffff")
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"], source=row["source"], url=row["url"], title=row["title"], published=row["published"],
        estimated_date=row["estimated_date"], date_precision=row["date_precision"] or row["published_precision"],
        language=row["language"], author=row["author"], text=row["text"], raw_text=row["raw_text"],
        metadata=json.loads(row["metadata"] or "{}"), copy_of=row["copy_of"], genre=row["genre"],
    )


def _statements(script: str) -> list[str]:
    # executescript would COMMIT on its own; split so a migration stays in our transaction.
    parts, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            parts.append("\n".join(buf).strip())
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
