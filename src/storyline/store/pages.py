"""Reads for the overview pages (home, list pages, storyline and entity pages): whole-corpus facts in a few
SELECTs, which ``storyline.read.pages`` ranks and pages in memory.

Plain SQL only (no SQLite functions beyond COALESCE), so a second backend can run the same statements. Every
function takes an open DB-API connection whose rows can be read by column name and only SELECTs.
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["stamp", "change_marker", "article_facts", "has_column", "article_entity_pairs", "entity_rows", "event_states",
           "storyline_titles", "lead_texts", "event_rows"]


def has_column(conn: Any, table: str, column: str) -> bool:
    try:
        conn.execute(f"SELECT {column} FROM {table} LIMIT 0")
        return True
    except Exception:  # the driver's "no such column/table" error: the stage that adds it has not run
        return False


def change_marker(conn: Any) -> tuple | None:
    """Changes whenever anything is committed to the database, by this connection or another (SQLite's
    ``data_version`` and the connection's own changes): while it stays the same, so does :func:`stamp`. None on
    a backend without one."""
    if not isinstance(conn, sqlite3.Connection):
        return None
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def stamp(conn: Any) -> tuple:
    """Changes whenever articles are added, assigned to events or given a genre: a cache key for overviews."""
    # the genres' total length: a news report (4) read again as anything else changes it
    genre = "COALESCE(SUM(LENGTH(genre)), 0)" if has_column(conn, "articles", "genre") else "-1"
    row = conn.execute(f"SELECT COUNT(*), MAX(seq), {genre} FROM articles").fetchone()
    assigned = conn.execute("SELECT COUNT(*) FROM event_articles").fetchone()[0] if has_column(
        conn, "event_articles", "event_id") else 0
    return (row[0], row[1], row[2], assigned)


def article_facts(conn: Any) -> list[dict[str, Any]]:
    """One row per article: id, seq, source, language, date (published, else estimated), copy_of, title,
    event, storyline, genre (None when the store has no genre column)."""
    genre = "a.genre" if has_column(conn, "articles", "genre") else "NULL"
    if has_column(conn, "event_articles", "event_id"):
        sql = (f"SELECT a.id, a.seq, a.source, a.language, COALESCE(a.published, a.estimated_date) AS date,"
               f" a.copy_of, a.title, ea.event_id AS event, e.storyline_id AS storyline, {genre} AS genre"
               f" FROM articles a LEFT JOIN event_articles ea ON ea.article_id = a.id"
               f" LEFT JOIN events e ON e.id = ea.event_id ORDER BY a.seq")
    else:
        sql = (f"SELECT a.id, a.seq, a.source, a.language, COALESCE(a.published, a.estimated_date) AS date,"
               f" a.copy_of, a.title, NULL AS event, NULL AS storyline, {genre} AS genre"
               f" FROM articles a ORDER BY a.seq")
    return [dict(r) for r in conn.execute(sql)]


def event_rows(conn: Any) -> list[dict[str, Any]]:
    """Every event's id, title, date, date precision and storyline."""
    if not has_column(conn, "events", "id"):
        return []
    return [dict(r) for r in conn.execute("SELECT id, title, date, date_precision, storyline_id FROM events")]


def storyline_titles(conn: Any) -> dict[int, str | None]:
    if not has_column(conn, "storylines", "id"):
        return {}
    return {r[0]: r[1] for r in conn.execute("SELECT id, title FROM storylines")}


def article_entity_pairs(conn: Any) -> list[tuple[str, int]]:
    """(article id, live entity id) for every mention link (merged entities followed one step, as merges are
    flattened when they happen)."""
    if not has_column(conn, "article_entities", "entity_id"):
        return []
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT ae.article_id, COALESCE(e.merged_into, e.id) FROM article_entities ae"
        " JOIN entities e ON e.id = ae.entity_id")]


def entity_rows(conn: Any) -> dict[int, dict[str, Any]]:
    """Live entities by id: name, type, mentions, lat, lon, country, confidence (1.0 before migration 10)."""
    if not has_column(conn, "entities", "id"):
        return {}
    sure = "COALESCE(confidence, 1.0)" if has_column(conn, "entities", "confidence") else "1.0"
    return {r["id"]: dict(r) for r in conn.execute(
        f"SELECT id, name, type, mention_count AS mentions, lat, lon, country, {sure} AS confidence FROM entities"
        " WHERE merged_into IS NULL")}


def event_states(conn: Any) -> list[tuple[int, Any]]:
    """(event id, clustering state blob) of events with articles: the stored embedding sums live there."""
    if not has_column(conn, "events", "state"):
        return []
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT e.id, e.state FROM events e WHERE e.state IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id)")]


def lead_texts(conn: Any, article_ids: list[str], chars: int = 600) -> dict[str, str]:
    """The opening of each article's text (for one-line summaries), at most ``chars`` characters."""
    out: dict[str, str] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(f"SELECT id, SUBSTR(text, 1, {int(chars)}) FROM articles WHERE id IN ({marks})", chunk):
            out[r[0]] = r[1]
    return out
