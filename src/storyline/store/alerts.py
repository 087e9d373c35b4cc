"""Queries for watching and alerting (schema: the watch migration in ``migrations.py``).

:class:`WatchState` wraps an open :class:`storyline.store.Store`'s connection: the polling state of each
source (validators, failures), the items each source listed, when the watcher stored each article, the
alerts raised, their deliveries and the follows. Times are seconds since the epoch on the watcher's clock
(a replay runs a simulated clock), so bursts count arrivals, not publication dates.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

__all__ = ["WatchState"]

_CHUNK = 500  # ids per IN (...) list: under SQLite's variable limit


def _chunks(items: Sequence, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class WatchState:
    """Record-level access to the watch tables of one store (writes inside the caller's transaction)."""

    def __init__(self, store):
        self.store = store
        self.conn = store.conn

    # ------------------------------------------------------------------ sources
    def source_state(self, source: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM watch_sources WHERE source = ?", (source,)).fetchone()
        return dict(row) if row else {"source": source, "etag": None, "last_modified": None, "last_polled": None,
                                      "next_poll": None, "failures": 0, "last_error": None}

    def save_source_state(self, source: str, *, etag: str | None, last_modified: str | None, polled: float,
                          next_poll: float, failures: int, error: str | None) -> None:
        self.conn.execute(
            "INSERT INTO watch_sources (source, etag, last_modified, last_polled, next_poll, failures, last_error)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified, last_polled = excluded.last_polled,"
            " next_poll = excluded.next_poll, failures = excluded.failures, last_error = excluded.last_error",
            (source, etag, last_modified, polled, next_poll, failures, error))

    # ------------------------------------------------------------------ items
    def item_states(self, source: str, items: Sequence[str]) -> dict[str, dict[str, Any]]:
        """item -> {article_id, attempts, status} for the items of ``source`` already listed."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(items)):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT item, article_id, attempts, status FROM watch_items"
                                         f" WHERE source = ? AND item IN ({marks})", (source, *chunk)):
                out[row["item"]] = dict(row)
        return out

    def mark_items(self, source: str, rows: Iterable[tuple[str, str | None, str]], at: float) -> None:
        """Record (item, article id or None, status); a failed item counts one more attempt."""
        self.conn.executemany(
            "INSERT INTO watch_items (source, item, article_id, attempts, status, seen_at) VALUES (?,?,?,1,?,?)"
            " ON CONFLICT(source, item) DO UPDATE SET article_id = COALESCE(excluded.article_id, article_id),"
            " attempts = attempts + 1, status = excluded.status, seen_at = excluded.seen_at",
            [(source, item, article_id, status, at) for item, article_id, status in rows])

    def stored_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return found

    # ------------------------------------------------------------------ arrivals and counts
    def record_arrivals(self, article_ids: Iterable[str], at: float) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO article_arrivals (article_id, arrived_at) VALUES (?, ?)",
                              [(i, at) for i in article_ids])

    def first_arrival(self) -> float | None:
        return self.conn.execute("SELECT MIN(arrived_at) FROM article_arrivals").fetchone()[0]

    def stream_count(self, start: float, end: float) -> int:
        """Original articles (not copies) that arrived in (start, end]."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM article_arrivals r JOIN articles a ON a.id = r.article_id"
            " WHERE r.arrived_at > ? AND r.arrived_at <= ? AND a.copy_of IS NULL", (start, end)).fetchone()[0]

    def storyline_counts(self, start: float, end: float) -> dict[int, tuple[int, set[str]]]:
        """storyline id -> (original articles arrived in (start, end], their known outlets)."""
        out: dict[int, tuple[int, set[str]]] = {}
        rows = self.conn.execute(
            "SELECT e.storyline_id AS sid, a.source AS source FROM article_arrivals r"
            " JOIN articles a ON a.id = r.article_id JOIN event_articles ea ON ea.article_id = a.id"
            " JOIN events e ON e.id = ea.event_id"
            " WHERE r.arrived_at > ? AND r.arrived_at <= ? AND a.copy_of IS NULL AND e.storyline_id IS NOT NULL",
            (start, end))
        for row in rows:
            n, outlets = out.get(row["sid"], (0, set()))
            if row["source"]:
                outlets.add(row["source"])
            out[row["sid"]] = (n + 1, outlets)
        return out

    def storylines_of(self, article_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """article id -> (event id, storyline id)."""
        out: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT ea.article_id, e.id, e.storyline_id FROM event_articles ea JOIN events e"
                    f" ON e.id = ea.event_id WHERE ea.article_id IN ({marks}) AND e.storyline_id IS NOT NULL",
                    chunk):
                out[row[0]] = (row[1], row[2])
        return out

    def storyline_outlets(self, storyline_id: int, exclude: Sequence[str] = ()) -> set[str]:
        """Distinct known outlets of the storyline's original articles, leaving out ``exclude``."""
        rows = self.conn.execute(
            "SELECT DISTINCT a.id, a.source FROM events e JOIN event_articles ea ON ea.event_id = e.id"
            " JOIN articles a ON a.id = ea.article_id"
            " WHERE e.storyline_id = ? AND a.copy_of IS NULL AND a.source IS NOT NULL", (storyline_id,))
        skip = set(exclude)
        return {r["source"] for r in rows if r["id"] not in skip}

    def storyline_brief(self, storyline_id: int) -> dict[str, Any]:
        """Title, size, outlets, newest event and entity names of a storyline (for alerts and rules)."""
        row = self.conn.execute("SELECT id, title FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
        members = self.conn.execute(
            "SELECT e.id AS event_id, e.title AS event_title, a.id, a.title, a.source FROM events e"
            " JOIN event_articles ea ON ea.event_id = e.id JOIN articles a ON a.id = ea.article_id"
            " WHERE e.storyline_id = ? ORDER BY a.seq", (storyline_id,)).fetchall()
        entities = self.conn.execute(
            "SELECT DISTINCT en.id, en.name FROM events e JOIN event_articles ea ON ea.event_id = e.id"
            " JOIN article_entities ae ON ae.article_id = ea.article_id JOIN entities en ON en.id = ae.entity_id"
            " WHERE e.storyline_id = ? LIMIT 500", (storyline_id,)).fetchall() \
            if self._has("article_entities") else []
        newest = members[-1] if members else None
        return {
            "id": storyline_id,
            "title": (row["title"] if row else None) or (newest["event_title"] if newest else None),
            "n_articles": len(members),
            "outlets": sorted({m["source"] for m in members if m["source"]}),
            "event_id": newest["event_id"] if newest else None,
            "event_title": newest["event_title"] if newest else None,
            "titles": [m["title"] for m in members[-50:] if m["title"]],
            "entities": [{"id": e["id"], "name": e["name"]} for e in entities],
        }

    def _has(self, table: str) -> bool:
        from storyline.store.tables import has_table

        return has_table(self.conn, table)

    # ------------------------------------------------------------------ alerts
    def add_alert(self, *, kind: str, key: str, created_at: float, title: str | None, detail: dict[str, Any],
                  storyline_id: int | None = None, event_id: int | None = None,
                  entity_id: int | None = None) -> int | None:
        """Store an alert; None when one with the same ``key`` exists (each alert is raised once)."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO alerts (kind, storyline_id, event_id, entity_id, created_at, title, detail, key)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (kind, storyline_id, event_id, entity_id, created_at, title,
             json.dumps(detail, ensure_ascii=False, default=str), key))
        return cur.lastrowid if cur.rowcount else None

    def has_alert(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM alerts WHERE key = ?", (key,)).fetchone() is not None

    def last_alert_at(self, kind: str, storyline_id: int) -> float | None:
        return self.conn.execute("SELECT MAX(created_at) FROM alerts WHERE kind = ? AND storyline_id = ?",
                                 (kind, storyline_id)).fetchone()[0]

    def alerts(self, *, since: float | None = None, storyline_id: int | None = None, limit: int = 100,
               ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Alerts, newest first."""
        where, args = [], []
        if since is not None:
            where.append("created_at >= ?")
            args.append(since)
        if storyline_id is not None:
            where.append("storyline_id = ?")
            args.append(storyline_id)
        if ids is not None:
            if not ids:
                return []
            where.append(f"id IN ({','.join('?' * len(ids))})")
            args.extend(ids)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self.conn.execute(f"SELECT * FROM alerts{clause} ORDER BY created_at DESC, id DESC LIMIT ?",
                                 (*args, limit))
        return [{**dict(r), "detail": json.loads(r["detail"] or "{}")} for r in rows]

    def record_delivery(self, alert_id: int, sink: str, *, status: str, attempts: int, error: str | None,
                        at: float) -> None:
        self.conn.execute(
            "INSERT INTO alert_deliveries (alert_id, sink, status, attempts, last_error, updated_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(alert_id, sink) DO UPDATE SET status = excluded.status,"
            " attempts = alert_deliveries.attempts + excluded.attempts, last_error = excluded.last_error,"
            " updated_at = excluded.updated_at", (alert_id, sink, status, attempts, error, at))

    def failed_deliveries(self, *, max_attempts: int, since: float) -> list[dict[str, Any]]:
        """Deliveries still failed after fewer than ``max_attempts`` attempts, of alerts raised since ``since``."""
        rows = self.conn.execute(
            "SELECT d.alert_id, d.sink, d.attempts FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id"
            " WHERE d.status = 'failed' AND d.attempts < ? AND a.created_at >= ? ORDER BY d.alert_id, d.sink",
            (max_attempts, since))
        return [dict(r) for r in rows]

    def deliveries(self, alert_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM alert_deliveries WHERE alert_id = ?"
                                                   " ORDER BY sink", (alert_id,))]

    # ------------------------------------------------------------------ follows
    def newest_ids(self) -> tuple[int, int, int]:
        """The highest event, quote and disagreement ids (a new follow alerts on later ones only)."""
        def top(table: str) -> int:
            if not self._has(table):
                return 0
            return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
        return top("events"), top("quotes"), top("disagreements")

    def add_follow(self, kind: str, target_id: int, at: float) -> int:
        event, quote, disagreement = self.newest_ids()
        self.conn.execute(
            "INSERT OR IGNORE INTO follows (kind, target_id, created_at, last_event_id, last_quote_id,"
            " last_disagreement_id) VALUES (?,?,?,?,?,?)", (kind, target_id, at, event, quote, disagreement))
        return self.conn.execute("SELECT id FROM follows WHERE kind = ? AND target_id = ?",
                                 (kind, target_id)).fetchone()[0]

    def remove_follow(self, kind: str, target_id: int) -> bool:
        return self.conn.execute("DELETE FROM follows WHERE kind = ? AND target_id = ?",
                                 (kind, target_id)).rowcount > 0

    def follows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM follows ORDER BY id")]

    def storyline_exists(self, storyline_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM storylines WHERE id = ?", (storyline_id,)).fetchone() is not None

    def entity_name(self, entity_id: int) -> str | None:
        row = self.conn.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone() \
            if self._has("entities") else None
        return row[0] if row else None

    def find_entity(self, name: str) -> int | None:
        """The most mentioned entity named ``name`` (case-insensitive), following merges."""
        if not self._has("entities"):
            return None
        row = self.conn.execute("SELECT id, merged_into FROM entities WHERE name = ? COLLATE NOCASE"
                                " ORDER BY mention_count DESC LIMIT 1", (name,)).fetchone()
        if row is None:
            return None
        return row["merged_into"] or row["id"]

    def live_entity(self, entity_id: int) -> int:
        """The entity ``entity_id`` was merged into (merges keep one hop: a survivor's losers point at it)."""
        row = self.conn.execute("SELECT merged_into FROM entities WHERE id = ?", (entity_id,)).fetchone() \
            if self._has("entities") else None
        return row["merged_into"] if row and row["merged_into"] else entity_id

    def entity_ids(self, entity_id: int) -> list[int]:
        """The live entity ``entity_id`` now is (merges followed) and every entity merged into it: a merge
        moves mentions to the survivor but leaves quotes' speaker and figures' reporter ids as they were."""
        if not self._has("entities"):
            return [entity_id]
        live = self.live_entity(entity_id)
        merged = [r[0] for r in self.conn.execute("SELECT id FROM entities WHERE merged_into = ?", (live,))]
        return sorted({live, entity_id, *merged})

    def events_after(self, last_event_id: int, *, storyline_id: int | None = None,
                     entity_ids: Sequence[int] = ()) -> list[dict[str, Any]]:
        """Events with an id above ``last_event_id`` in a storyline, or whose articles mention an entity."""
        if storyline_id is not None:
            rows = self.conn.execute("SELECT id, title, storyline_id FROM events WHERE storyline_id = ? AND id > ?"
                                     " ORDER BY id", (storyline_id, last_event_id))
        else:
            marks = ",".join("?" * len(entity_ids))
            rows = self.conn.execute(
                f"SELECT DISTINCT e.id, e.title, e.storyline_id FROM article_entities ae"
                f" JOIN event_articles ea ON ea.article_id = ae.article_id JOIN events e ON e.id = ea.event_id"
                f" WHERE ae.entity_id IN ({marks}) AND e.id > ? ORDER BY e.id", (*entity_ids, last_event_id))
        return [dict(r) for r in rows]

    def quotes_after(self, last_quote_id: int, *, speaker_ids: Sequence[int],
                     min_confidence: float = 0.0) -> list[dict[str, Any]]:
        """Quotes with an id above ``last_quote_id`` by one of ``speaker_ids``, read with at least
        ``min_confidence``; each with its first article and that article's event and storyline."""
        if not self._has("quotes") or not speaker_ids:
            return []
        marks = ",".join("?" * len(speaker_ids))
        rows = self.conn.execute(
            f"SELECT q.id, q.speaker, q.text, MIN(qa.article_id) AS article_id FROM quotes q"
            f" JOIN quote_articles qa ON qa.quote_id = q.id WHERE q.speaker_id IN ({marks}) AND q.id > ?"
            f" AND q.confidence >= ? GROUP BY q.id ORDER BY q.id", (*speaker_ids, last_quote_id, min_confidence))
        out = [dict(r) for r in rows]
        scopes = self.storylines_of([q["article_id"] for q in out])
        for q in out:
            q["event_id"], q["storyline_id"] = scopes.get(q["article_id"], (None, None))
        return out

    def disagreements_after(self, last_id: int, *, storyline_id: int | None = None,
                            entity_ids: Sequence[int] = ()) -> list[dict[str, Any]]:
        """Disagreements with an id above ``last_id`` in a storyline, or among figures an entity reported;
        each with its figures' values (``values``) and reporters (``reporters``), in figure order."""
        if not self._has("disagreements"):
            return []
        if storyline_id is not None:
            rows = self.conn.execute(
                "SELECT DISTINCT d.id, d.what, d.subject, d.event_id, d.storyline_id FROM disagreements d"
                " LEFT JOIN events e ON e.id = d.event_id"
                " WHERE d.id > ? AND (d.storyline_id = ? OR e.storyline_id = ?) ORDER BY d.id",
                (last_id, storyline_id, storyline_id))
        else:
            marks = ",".join("?" * len(entity_ids))
            rows = self.conn.execute(
                f"SELECT DISTINCT d.id, d.what, d.subject, d.event_id, d.storyline_id FROM disagreements d"
                f" JOIN disagreement_figures df ON df.disagreement_id = d.id JOIN figures f ON f.id = df.figure_id"
                f" WHERE d.id > ? AND f.reported_by_id IN ({marks}) ORDER BY d.id", (last_id, *entity_ids))
        out = [dict(r) for r in rows]
        for d in out:
            figures = self.conn.execute(
                "SELECT f.value, f.reported_by, f.article_id FROM disagreement_figures df JOIN figures f"
                " ON f.id = df.figure_id WHERE df.disagreement_id = ? ORDER BY f.id", (d["id"],)).fetchall()
            d["values"] = [f["value"] for f in figures]
            d["reporters"] = [f["reported_by"] for f in figures]
            d["articles"] = [f["article_id"] for f in figures]
        return out

    def advance_follow(self, follow_id: int, *, event_id: int, quote_id: int, disagreement_id: int) -> None:
        self.conn.execute(
            "UPDATE follows SET last_event_id = MAX(last_event_id, ?), last_quote_id = MAX(last_quote_id, ?),"
            " last_disagreement_id = MAX(last_disagreement_id, ?) WHERE id = ?",
            (event_id, quote_id, disagreement_id, follow_id))

    # ------------------------------------------------------------------ feeds
    def storyline_entries(self, storyline_id: int, limit: int = 50) -> list[dict[str, Any]]:
        """The storyline's newest articles (for its Atom feed), newest first, with their event."""
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.url, a.source, a.published, a.ingested_at, substr(a.text, 1, 400) AS lead,"
            " e.id AS event_id, r.arrived_at FROM events e JOIN event_articles ea ON ea.event_id = e.id"
            " JOIN articles a ON a.id = ea.article_id LEFT JOIN article_arrivals r ON r.article_id = a.id"
            " WHERE e.storyline_id = ? AND a.copy_of IS NULL ORDER BY a.seq DESC LIMIT ?", (storyline_id, limit))
        return [dict(r) for r in rows]
