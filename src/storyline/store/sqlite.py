"""SQLite store: WAL mode, versioned migrations, one transaction per batch.

A thin repository over the standard library's sqlite3 rather than an ORM: the
queries are few, FTS5 is SQLite-specific anyway, and a PostgreSQL backend would
implement the same public methods.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from storyline.errors import StoreError
from storyline.records import Annotations, Article
from storyline.settings import get_settings
from storyline.store.annotations import AnnotationQueries
from storyline.store.base import Store, register_backend
from storyline.store.entities import EntityRepo
from storyline.store.events import ClusterStore
from storyline.store.migrations import MIGRATIONS
from storyline.store.search import fold_query, matching_sentence, search_document


def default_db_path() -> str:
    """The configured database (settings ``store.db``: ``$STORYLINE_DB``, else ``storyline.db``)."""
    return get_settings().store.db


_ARTICLE_COLUMNS = (
    "id, source, url, title, published, published_precision, estimated_date, date_precision, "
    "language, author, text, raw_text, metadata, content_hash, copy_of, seq"
)


class SQLiteStore(ClusterStore, EntityRepo, AnnotationQueries, Store):
    """The SQLite implementation of :class:`storyline.store.base.Store` (``Store(path)`` opens one)."""

    def __init__(self, path: str | os.PathLike | None = None, *, readonly: bool = False):
        self.path = str(path or default_db_path())
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.exists():
                raise StoreError(f"directory for database does not exist: {parent}")
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a Storyline database ({exc})") from exc

    # ------------------------------------------------------------------ schema
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"database schema v{current} is newer than this Storyline (v{len(MIGRATIONS)}); upgrade Storyline"
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction() as conn:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: a batch is committed whole or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------ articles
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

    def save_article(self, article: Article, signature: bytes | None = None) -> None:
        conn = self.conn
        conn.execute(
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
        conn.execute(
            "INSERT INTO articles_fts (article_id, title, body) VALUES (?,?,?)",
            (article.id, search_document(article.title or "", article.language),
             search_document(article.text, article.language)),
        )
        if signature is not None:
            conn.execute("INSERT INTO minhashes (article_id, signature) VALUES (?,?)", (article.id, signature))

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
                                     " FROM minhashes ORDER BY rowid DESC LIMIT ?) ORDER BY r", (int(last),))
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

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[tuple[Article, float, str]]:
        """Full-text search; returns (article, rank, snippet). Raises ValueError for an unusable query."""
        match = fold_query(query)
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
        metadata=json.loads(row["metadata"] or "{}"), copy_of=row["copy_of"],
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
