"""Read-only queries for the summaries, the API and the web page.

The stage owners' query modules (``store/events.py``, ``store/entities.py``,
``store/annotations.py``) are preferred where they exist; these are the reads
the reading side needs on top of them, kept in one place so SQL stays inside
``store/``. Every function takes an open connection and only SELECTs.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from storyline.store.tables import has_table

__all__ = [
    "has_table", "event_article_ids", "event_articles", "previous_event_id", "event_row", "list_event_rows",
    "storyline_row", "list_storyline_rows", "storyline_event_ids", "event_growth", "articles_for_entity",
    "event_state_stamp", "event_members", "count_events", "cooccurring_entities", "article_ids_matching",
    "source_names", "event_of_article", "count_articles_at", "database_file", "live_event_id", "live_storyline_id",
    "event_commentary", "merged_event_ids", "event_entity_articles",
]


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind ``conn`` ("" for an in-memory database): a cache key across connections."""
    key = getattr(conn, "database_key", None)  # PostgreSQL: the database URL
    if key is not None:
        return key
    return conn.execute("PRAGMA database_list").fetchone()[2] or ""


def _live(conn: sqlite3.Connection, table: str, cluster_id: int) -> int:
    if not has_table(conn, table):
        return cluster_id
    for _ in range(64):  # merges form chains only in old logs; bounded anyway
        row = conn.execute(f"SELECT into_id FROM {table} WHERE merged_id = ?", (cluster_id,)).fetchone()
        if row is None:
            break
        cluster_id = row[0]
    return cluster_id


def live_event_id(conn: sqlite3.Connection, event_id: int) -> int:
    """The event an id names now: itself, or the event it was merged into."""
    return _live(conn, "event_aliases", event_id)


def live_storyline_id(conn: sqlite3.Connection, storyline_id: int) -> int:
    return _live(conn, "storyline_aliases", storyline_id)


def merged_event_ids(conn: sqlite3.Connection, event_id: int) -> list[int]:
    """Ids merged into this event (aliases that resolve to it)."""
    if not has_table(conn, "event_aliases"):
        return []
    return [r[0] for r in conn.execute("SELECT merged_id FROM event_aliases WHERE into_id = ? ORDER BY merged_id",
                                       (event_id,))]


def event_commentary(conn: sqlite3.Connection, event_id: int) -> list[dict[str, Any]]:
    """Opinion and rubric items linked to the event as commentary: id, title, source, genre, score."""
    if not has_table(conn, "event_commentary"):
        return []
    rows = conn.execute(
        "SELECT a.id, a.title, a.source, a.genre, c.score FROM event_commentary c JOIN articles a ON a.id = c.article_id"
        " WHERE c.event_id = ? ORDER BY c.score DESC, a.seq", (event_id,))
    return [dict(r) for r in rows]


def event_article_ids(conn: sqlite3.Connection, event_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT ea.article_id FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
        " WHERE ea.event_id = ? ORDER BY COALESCE(a.published, a.estimated_date, '9999'), a.seq", (event_id,))
    return [r[0] for r in rows]


def event_articles(conn: sqlite3.Connection, event_id: int) -> list[dict[str, Any]]:
    """The event's articles as plain dicts (id, source, title, text, published, copy_of, language)."""
    rows = conn.execute(
        "SELECT a.id, a.source, a.title, a.text, a.url, COALESCE(a.published, a.estimated_date) AS date,"
        " a.published, a.copy_of, a.language FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
        " WHERE ea.event_id = ? ORDER BY COALESCE(a.published, a.estimated_date, '9999'), a.seq", (event_id,))
    return [dict(r) for r in rows]


def event_members(conn: sqlite3.Connection, event_id: int) -> list[sqlite3.Row]:
    """The event's articles (id, source, copy_of) in date order, then arrival order."""
    return conn.execute(
        "SELECT a.id, a.source, a.copy_of FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
        " WHERE ea.event_id = ? ORDER BY COALESCE(a.published, a.estimated_date, '9999'), a.seq", (event_id,)
    ).fetchall()


def count_events(conn: sqlite3.Connection) -> int:
    """Events that have articles (an event emptied by a merge keeps its row)."""
    return conn.execute("SELECT COUNT(*) FROM events e"
                        " WHERE EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id)").fetchone()[0]


def event_row(conn: sqlite3.Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, title, date, date_precision, storyline_id, updated_at FROM events WHERE id = ?",
                       (event_id,)).fetchone()
    return dict(row) if row else None


def previous_event_id(conn: sqlite3.Connection, event_id: int) -> int | None:
    """The event just before this one in its storyline (by date, then id), or None."""
    row = conn.execute("SELECT storyline_id, date, id FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None or row["storyline_id"] is None:
        return None
    prev = conn.execute(
        "SELECT id FROM events e WHERE storyline_id = ? AND id != ?"
        " AND EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id) AND"
        " (COALESCE(date, '') < COALESCE(?, '') OR (COALESCE(date, '') = COALESCE(?, '') AND id < ?))"
        " ORDER BY COALESCE(date, '') DESC, id DESC LIMIT 1",
        (row["storyline_id"], event_id, row["date"], row["date"], event_id)).fetchone()
    return prev[0] if prev else None


def event_state_stamp(conn: sqlite3.Connection, event_id: int) -> tuple:
    """Changes whenever the event gains articles: a cache key for derived views such as summaries."""
    row = conn.execute("SELECT COUNT(*), MAX(a.seq) FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
                       " WHERE ea.event_id = ?", (event_id,)).fetchone()
    prev = previous_event_id(conn, event_id)
    return (row[0], row[1], prev)


def list_event_rows(conn: sqlite3.Connection, *, limit: int | None = 50, offset: int = 0, since: str | None = None,
                    until: str | None = None, source: str | None = None, language: str | None = None,
                    storyline: int | None = None, article_ids: list[str] | None = None,
                    order: str = "date", min_articles: int = 1) -> list[dict[str, Any]]:
    # An event emptied by a merge keeps its row; only events with articles are listed.
    clauses, params = ["EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id)"], []
    if min_articles > 1:
        clauses.append("(SELECT COUNT(*) FROM event_articles x WHERE x.event_id = e.id) >= ?")
        params.append(min_articles)
    if since:
        clauses.append("e.date >= ?")
        params.append(since)
    if until:
        clauses.append("e.date <= ?")
        params.append(until + "\uffff")
    if storyline is not None:
        clauses.append("e.storyline_id = ?")
        params.append(storyline)
    if source or language or article_ids is not None:
        sub, sub_params = [], []
        if source:
            sub.append("a.source = ?")
            sub_params.append(source)
        if language:
            sub.append("a.language = ?")
            sub_params.append(language)
        if article_ids is not None:
            sub.append(f"a.id IN ({','.join('?' * len(article_ids)) or 'NULL'})")
            sub_params.extend(article_ids)
        clauses.append("e.id IN (SELECT ea.event_id FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
                       f" WHERE {' AND '.join(sub)})")
        params.extend(sub_params)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    order_sql = {"date": "COALESCE(e.date, '9999'), e.id",
                 "recent": "COALESCE(e.date, '') DESC, e.id DESC",
                 "size": "n DESC, e.id",
                 "sources": "n_sources DESC, n DESC, e.id"}[order]
    # Independent outlets (``sources``): named outlets of its articles that copy no other; one when none is named
    # but some article is no copy (as storyline.read counts them for an event), counted here so the sort pages in SQL.
    original, named = "COALESCE(a.copy_of, '') = ''", "COALESCE(a.source, '') <> ''"
    distinct = f"COUNT(DISTINCT CASE WHEN {original} AND {named} THEN a.source END)"
    sources = (f", (SELECT CASE WHEN {distinct} > 0 THEN {distinct} WHEN SUM(CASE WHEN {original} THEN 1 ELSE 0 END)"
               f" > 0 THEN 1 ELSE 0 END FROM event_articles x JOIN articles a ON a.id = x.article_id"
               f" WHERE x.event_id = e.id) AS n_sources") if order == "sources" else ""
    sql = (f"SELECT e.id, e.title, e.date, e.date_precision, e.storyline_id, e.updated_at,"
           f" (SELECT COUNT(*) FROM event_articles x WHERE x.event_id = e.id) AS n{sources}"
           f" FROM events e {where} ORDER BY {order_sql} LIMIT ? OFFSET ?")
    return [dict(r) for r in conn.execute(sql, params + [-1 if limit is None else limit, offset])]


def event_growth(conn: sqlite3.Connection, *, limit: int = 10, window: int = 50) -> list[dict[str, Any]]:
    """Events that are growing fast: most articles among the last ``window`` ingested.

    Arrival order (``articles.seq``) rather than wall-clock time, so a replayed
    archive and a live stream rank the same way.
    """
    rows = conn.execute(
        "WITH recent AS (SELECT id FROM articles ORDER BY seq DESC LIMIT ?)"
        " SELECT e.id, e.title, e.date, e.date_precision, e.storyline_id, COUNT(*) AS new_articles,"
        " (SELECT COUNT(*) FROM event_articles x WHERE x.event_id = e.id) AS n"
        " FROM recent r JOIN event_articles ea ON ea.article_id = r.id JOIN events e ON e.id = ea.event_id"
        " GROUP BY e.id ORDER BY new_articles DESC, n DESC, e.id LIMIT ?", (window, limit))
    return [dict(r) for r in rows]


def storyline_row(conn: sqlite3.Connection, storyline_id: int) -> dict[str, Any] | None:
    row = conn.execute('SELECT id, title, start, "end", updated_at FROM storylines WHERE id = ?',
                       (storyline_id,)).fetchone()
    return dict(row) if row else None


def list_storyline_rows(conn: sqlite3.Connection, *, limit: int | None = 50, offset: int = 0, since: str | None = None,
                        until: str | None = None, order: str = "recent") -> list[dict[str, Any]]:
    clauses, params = [], []
    if since:
        clauses.append('COALESCE(s."end", s.start) >= ?')
        params.append(since)
    if until:
        clauses.append("s.start <= ?")
        params.append(until + "\uffff")
    clauses.append("EXISTS (SELECT 1 FROM events e JOIN event_articles x ON x.event_id = e.id WHERE e.storyline_id = s.id)")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    order_sql = {"recent": 'COALESCE(s."end", s.start, \'\') DESC, s.id DESC', "start": "COALESCE(s.start, '9999'), s.id"}[order]
    sql = (f'SELECT s.id, s.title, s.start, s."end", s.updated_at,'
           f" (SELECT COUNT(*) FROM events e WHERE e.storyline_id = s.id"
           f"  AND EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id)) AS n_events"
           f" FROM storylines s {where} ORDER BY {order_sql} LIMIT ? OFFSET ?")
    return [dict(r) for r in conn.execute(sql, params + [-1 if limit is None else limit, offset])]


def storyline_event_ids(conn: sqlite3.Connection, storyline_id: int) -> list[int]:
    rows = conn.execute("SELECT id FROM events e WHERE storyline_id = ?"
                        " AND EXISTS (SELECT 1 FROM event_articles x WHERE x.event_id = e.id)"
                        " ORDER BY COALESCE(date, '9999'), id", (storyline_id,))
    return [r[0] for r in rows]


def event_sources(conn: sqlite3.Connection, event_id: int) -> tuple[list[str], list[str]]:
    """(all outlets, outlets with at least one article that is not a copy of another article)."""
    rows = conn.execute(
        "SELECT a.source, a.copy_of FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
        " WHERE ea.event_id = ? ORDER BY a.seq", (event_id,)).fetchall()
    sources: list[str] = []
    independent: list[str] = []
    for r in rows:
        name = r["source"] or "unknown"
        if name not in sources:
            sources.append(name)
        if r["copy_of"] is None and name not in independent:
            independent.append(name)
    if len(independent) > 1 and "unknown" in independent:
        independent.remove("unknown")  # an unknown outlet is no extra independent source
    return sources, independent


def articles_for_entity(conn: sqlite3.Connection, entity_id: int) -> list[str]:
    """Ids of articles that mention an entity (empty when the entities stage is absent)."""
    if not has_table(conn, "article_entities"):
        return []
    return [r[0] for r in conn.execute(
        "SELECT ae.article_id FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
        " WHERE ae.entity_id = ? ORDER BY a.seq", (entity_id,))]


def event_entity_articles(conn: sqlite3.Connection, event_id: int, entity_ids: list[int]) -> dict[int, list[str]]:
    """entity id -> the event's articles naming it (in arrival order), for the given entities."""
    out: dict[int, list[str]] = {e: [] for e in entity_ids}
    if not entity_ids:
        return out
    marks = ",".join("?" * len(entity_ids))
    for r in conn.execute(
            "SELECT ae.entity_id, ae.article_id FROM event_articles ea JOIN article_entities ae"
            " ON ae.article_id = ea.article_id JOIN articles a ON a.id = ea.article_id"
            f" WHERE ea.event_id = ? AND ae.entity_id IN ({marks}) ORDER BY ae.entity_id, a.seq",
            [event_id, *entity_ids]):
        out[r[0]].append(r[1])
    return out


def cooccurring_entities(conn: sqlite3.Connection, entity_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """Entities mentioned in the same articles as this one, most shared articles first."""
    rows = conn.execute(
        "SELECT e.id, e.name, e.type, COUNT(*) AS count FROM article_entities a1"
        " JOIN article_entities a2 ON a2.article_id = a1.article_id AND a2.entity_id != a1.entity_id"
        " JOIN entities e ON e.id = a2.entity_id"
        " WHERE a1.entity_id = ? AND e.merged_into IS NULL GROUP BY e.id ORDER BY count DESC, e.id LIMIT ?",
        (entity_id, limit))
    return [dict(r) for r in rows]


def article_ids_matching(conn: sqlite3.Connection, *, since: str | None = None, until: str | None = None,
                         source: str | None = None, language: str | None = None) -> list[str]:
    from storyline.store.sqlite import _article_filters

    where, params = _article_filters(source=source, language=language, since=since, until=until)
    return [r[0] for r in conn.execute(f"SELECT id FROM articles {where}", params)]


def source_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY source")]


def event_of_article(conn: sqlite3.Connection, article_id: str) -> int | None:
    if not has_table(conn, "event_articles"):
        return None
    row = conn.execute("SELECT event_id FROM event_articles WHERE article_id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def count_articles_at(path: str) -> int:
    """Articles in the store at ``path``, opened read-only (for tools that must not migrate it).

    Raises:
        StoreError: ``path`` is not a Storyline store.
    """
    from storyline.errors import StoreError

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error as exc:
        raise StoreError(f"{path} is not a Storyline store ({exc})") from None
