"""Queries for events and storylines (schema: migration 2).

Event and storyline ids are shown to users as ``E<n>`` and ``S<n>`` so ``storyline show`` can tell
them from article ids (which are often plain numbers); :func:`parse_event_id` accepts either form.
The functions take a connection so they run inside the caller's transaction. :class:`ClusterStore` is the
record-level face of the clustering state that ``storyline.cluster`` talks to: the SQLite ``Store`` mixes it in,
and it runs on the store's own connection (inside the batch transaction the runner opened).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

from storyline.records import Assignment

_PAGE = 200  # postings read per key: the most recently active clusters only


def event_label(event_id: int | None) -> str | None:
    return None if event_id is None else f"E{event_id}"


def storyline_label(storyline_id: int | None) -> str | None:
    return None if storyline_id is None else f"S{storyline_id}"


def parse_event_id(text: str) -> int | None:
    m = re.fullmatch(r"\s*[Ee]?(\d+)\s*", text or "")
    return int(m.group(1)) if m else None


def parse_storyline_id(text: str) -> int | None:
    m = re.fullmatch(r"\s*[Ss]?(\d+)\s*", text or "")
    return int(m.group(1)) if m else None


def has_event_tables(conn: sqlite3.Connection) -> bool:
    from storyline.store.tables import has_table

    return has_table(conn, "events")


# --------------------------------------------------------------------------- clustering state
def candidates(conn: sqlite3.Connection, kind: str, keys: Iterable[str], min_seq: int, limit: int,
               min_day: int | None = None) -> list[int]:
    """Clusters sharing the most index keys with an article, among those active since ``min_seq`` and, with
    ``min_day`` (a day ordinal), whose date span reaches that day.

    ``min_day`` is the article's first day minus the clusterer's hard gap: a cluster ending before it could
    never be joined, so leaving it out changes no decision, while keeping postings per key bounded by time
    in any stream (a replayed or republished article shares all its keys with copies months old). One
    indexed range read per key, newest days first, at most ``_PAGE`` rows each: cost does not grow with
    the store.
    """
    table, col = ("event_keys", "event_id") if kind == "event" else ("storyline_keys", "storyline_id")
    day = _NO_DAY_BOUND if min_day is None else int(min_day)
    hits: dict[int, int] = {}
    sql = (f"SELECT {col} FROM {table} WHERE key = ? AND last_day >= ? AND last_seq >= ?"
           f" ORDER BY last_day DESC, last_seq DESC LIMIT {_PAGE}")
    for key in keys:
        for (cid,) in conn.execute(sql, (key, day, min_seq)):
            hits[cid] = hits.get(cid, 0) + 1
    return [cid for cid, _ in sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]]


# ``last_day`` of a cluster with no dated member: later than any real day, so a time bound never drops it
# (an undated cluster passes every date gate of the clusterer). ``_NO_DAY_BOUND`` admits every row.
UNDATED_DAY = 99_999_999
_NO_DAY_BOUND = 0


def day_ordinal(iso: str | None) -> int:
    """``YYYY-MM-DD…`` -> proleptic Gregorian ordinal (``date.toordinal``); :data:`UNDATED_DAY` without one."""
    if not iso:
        return UNDATED_DAY
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return UNDATED_DAY


def load_cluster(conn: sqlite3.Connection, kind: str, cluster_id: int) -> sqlite3.Row | None:
    if kind == "event":
        return conn.execute("SELECT id, title, storyline_id AS parent, state, last_seq FROM events WHERE id = ?",
                            (cluster_id,)).fetchone()
    return conn.execute("SELECT id, title, NULL AS parent, state, last_seq FROM storylines WHERE id = ?",
                        (cluster_id,)).fetchone()


def create_cluster(conn: sqlite3.Connection, kind: str) -> int:
    table = "events" if kind == "event" else "storylines"
    return conn.execute(f"INSERT INTO {table} (title) VALUES (NULL)").lastrowid


def save_cluster(conn: sqlite3.Connection, kind: str, cluster_id: int, *, title: str | None, parent: int | None,
                 state: dict, first_date: str | None, last_date: str | None, date_: str | None,
                 precision: str | None, n: int, last_seq: int, keys: Iterable[str]) -> None:
    blob = json.dumps(state, separators=(",", ":"))
    if kind == "event":
        conn.execute(
            "UPDATE events SET title = ?, storyline_id = ?, state = ?, first_date = ?, last_date = ?, date = ?,"
            " date_precision = ?, n_articles = ?, last_seq = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
            " WHERE id = ?",
            (title, parent, blob, first_date, last_date, date_, precision, n, last_seq, cluster_id))
        table, col = "event_keys", "event_id"
    else:
        conn.execute(
            "UPDATE storylines SET title = ?, state = ?, start = ?, \"end\" = ?, last_seq = ?,"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
            (title, blob, first_date, last_date, last_seq, cluster_id))
        table, col = "storyline_keys", "storyline_id"
    last_day = day_ordinal(last_date)
    conn.execute(f"DELETE FROM {table} WHERE {col} = ?", (cluster_id,))
    conn.executemany(f"INSERT INTO {table} (key, {col}, last_seq, last_day) VALUES (?,?,?,?)",
                     [(k, cluster_id, last_seq, last_day) for k in keys])


def cluster_alias(conn: sqlite3.Connection, kind: str, cluster_id: int) -> int | None:
    """The id ``cluster_id`` was merged into (followed to the live one), or None when it is live."""
    table = "event_aliases" if kind == "event" else "storyline_aliases"
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is None:
        return None
    target, seen = None, 0
    while seen < 64:
        row = conn.execute(f"SELECT into_id FROM {table} WHERE merged_id = ?", (cluster_id,)).fetchone()
        if row is None:
            return target
        target = cluster_id = row[0]
        seen += 1
    return target


def merge_clusters(conn: sqlite3.Connection, kind: str, drop: int, keep: int, *, article: str | None = None,
                   score: float | None = None, seq: int = 0) -> None:
    """``drop`` merged into ``keep``: its articles (or events) move, its id is kept as an alias, logged with the
    article that joined them. The merged row stays, empty, so its id is never reused."""
    if kind == "event":
        conn.execute("UPDATE event_articles SET event_id = ? WHERE event_id = ?", (keep, drop))
        conn.execute("UPDATE OR IGNORE event_commentary SET event_id = ? WHERE event_id = ?", (keep, drop))
        conn.execute("DELETE FROM event_commentary WHERE event_id = ?", (drop,))
        conn.execute("UPDATE events SET n_articles = 0, state = NULL WHERE id = ?", (drop,))
        conn.execute("DELETE FROM event_keys WHERE event_id = ?", (drop,))
        conn.execute("UPDATE event_aliases SET into_id = ? WHERE into_id = ?", (keep, drop))
        conn.execute("INSERT OR REPLACE INTO event_aliases (merged_id, into_id, article_id, score, seq, merged_at)"
                     " VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                     (drop, keep, article, score, seq))
    else:
        conn.execute("UPDATE events SET storyline_id = ? WHERE storyline_id = ?", (keep, drop))
        conn.execute("UPDATE storylines SET state = NULL WHERE id = ?", (drop,))
        conn.execute("DELETE FROM storyline_keys WHERE storyline_id = ?", (drop,))
        conn.execute("UPDATE storyline_aliases SET into_id = ? WHERE into_id = ?", (keep, drop))
        conn.execute("INSERT OR REPLACE INTO storyline_aliases (merged_id, into_id) VALUES (?, ?)", (drop, keep))


def event_merges(conn: sqlite3.Connection) -> list[dict]:
    """The merge log: each merged event, the event it went into, the article that joined them, oldest first."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='event_aliases'").fetchone() is None:
        return []
    return [dict(r) for r in conn.execute(
        "SELECT merged_id, into_id, article_id, score, seq, merged_at FROM event_aliases ORDER BY seq, merged_id")]


def link_commentary(conn: sqlite3.Connection, article_id: str, links: Iterable[tuple[int, float]]) -> None:
    conn.execute("DELETE FROM event_commentary WHERE article_id = ?", (article_id,))
    conn.executemany("INSERT OR REPLACE INTO event_commentary (article_id, event_id, score) VALUES (?, ?, ?)",
                     [(article_id, int(e), float(s)) for e, s in links])


def assign_article(conn: sqlite3.Connection, article_id: str, event_id: int, score: float) -> None:
    conn.execute("INSERT OR REPLACE INTO event_articles (article_id, event_id, score) VALUES (?,?,?)",
                 (article_id, event_id, score))


def event_of_article(conn: sqlite3.Connection, article_id: str) -> int | None:
    row = conn.execute("SELECT event_id FROM event_articles WHERE article_id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def get_df(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, int]:
    terms = list(terms)
    out: dict[str, int] = {}
    for i in range(0, len(terms), 500):
        chunk = terms[i:i + 500]
        marks = ",".join("?" * len(chunk))
        out.update((t, n) for t, n in conn.execute(f"SELECT term, df FROM cluster_df WHERE term IN ({marks})", chunk))
    return out


def add_df(conn: sqlite3.Connection, counts: dict[str, int]) -> None:
    conn.executemany("INSERT INTO cluster_df (term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + ?",
                     [(t, n, n) for t, n in counts.items()])


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM cluster_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta(conn: sqlite3.Connection, key: str, value) -> None:
    conn.execute("INSERT OR REPLACE INTO cluster_meta (key, value) VALUES (?, ?)", (key, str(value)))


# --------------------------------------------------------------------------- read side (CLI, API)
def _event_json(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    members = conn.execute(
        "SELECT a.id, a.source, a.copy_of FROM event_articles ea JOIN articles a ON a.id = ea.article_id"
        " WHERE ea.event_id = ? ORDER BY COALESCE(a.published, a.estimated_date, '9999'), a.seq", (row["id"],)
    ).fetchall()
    sources = []
    for m in members:
        if m["source"] and m["source"] not in sources:
            sources.append(m["source"])
    # An article without a known outlet never adds an independent source; it counts once only when no outlet
    # of the event is known.
    independent = {m["source"] for m in members if not m["copy_of"] and m["source"]}
    if not independent and any(not m["copy_of"] for m in members):
        independent = {"unknown"}
    return {
        "id": event_label(row["id"]), "title": row["title"], "date": row["date"],
        "date_precision": row["date_precision"], "articles": [m["id"] for m in members], "sources": sources,
        "independent_sources": len(independent), "storyline": storyline_label(row["storyline_id"]),
    }


_EVENT_COLS = "id, title, date, date_precision, storyline_id"


def list_events(conn: sqlite3.Connection, *, limit: int | None = None, offset: int = 0,
                storyline_id: int | None = None, min_articles: int = 1) -> list[dict]:
    sql = f"SELECT {_EVENT_COLS} FROM events WHERE n_articles >= ?"
    params: list = [min_articles]
    if storyline_id is not None:
        sql += " AND storyline_id = ?"
        params.append(storyline_id)
    sql += " ORDER BY COALESCE(date, '9999'), id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [_event_json(conn, r) for r in conn.execute(sql, params).fetchall()]


def get_event(conn: sqlite3.Connection, event_id: int) -> dict | None:
    row = conn.execute(f"SELECT {_EVENT_COLS} FROM events WHERE id = ?", (event_id,)).fetchone()
    return _event_json(conn, row) if row else None


def count_events(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM events WHERE n_articles > 0").fetchone()[0]


def _storyline_json(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    events = conn.execute("SELECT id FROM events WHERE storyline_id = ? AND n_articles > 0"
                          " ORDER BY COALESCE(date, '9999'), id", (row["id"],)).fetchall()
    return {"id": storyline_label(row["id"]), "title": row["title"], "start": row["start"], "end": row["end"],
            "events": [event_label(e["id"]) for e in events]}


def list_storylines(conn: sqlite3.Connection, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    sql = "SELECT id, title, start, \"end\" FROM storylines ORDER BY COALESCE(start, '9999'), id"
    params: list = []
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [limit, offset]
    return [_storyline_json(conn, r) for r in conn.execute(sql, params).fetchall()]


def get_storyline(conn: sqlite3.Connection, storyline_id: int) -> dict | None:
    row = conn.execute("SELECT id, title, start, \"end\" FROM storylines WHERE id = ?", (storyline_id,)).fetchone()
    return _storyline_json(conn, row) if row else None


def assignments(conn: sqlite3.Connection) -> dict[str, tuple[int, int | None]]:
    """article id -> (event id, storyline id), for evaluation."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT ea.article_id, ea.event_id, e.storyline_id FROM event_articles ea JOIN events e ON e.id = ea.event_id")}


def iso_day(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat()


# --------------------------------------------------------------------------- the clusterer's store methods
@dataclass(frozen=True)
class StoredCluster:
    """One event or storyline as the clusterer saved it: its state document and what sits beside it."""

    id: int
    kind: str  # "event" or "storyline"
    title: str | None
    parent: int | None  # an event's storyline
    state: dict[str, Any]
    last_seq: int


class ClusterStore:
    """Record-level methods of the clustering state and assignments (mixed into the SQLite ``Store``).

    Expects ``self.conn``. Nothing here commits: the caller's transaction holds the batch.
    """

    conn: sqlite3.Connection

    def cluster_candidates(self, kind: str, keys: Iterable[str], min_seq: int, limit: int,
                           min_day: int | None = None) -> list[int]:
        """Ids of the clusters sharing most index keys with an article (see :func:`candidates`)."""
        return candidates(self.conn, kind, keys, min_seq, limit, min_day)

    def load_cluster(self, kind: str, cluster_id: int) -> StoredCluster | None:
        """A saved cluster, or None when there is none (or it was created and never saved)."""
        row = load_cluster(self.conn, kind, cluster_id)
        if row is None or row["state"] is None:
            return None
        return StoredCluster(id=row["id"], kind=kind, title=row["title"], parent=row["parent"],
                             state=json.loads(row["state"]), last_seq=row["last_seq"])

    def create_cluster(self, kind: str) -> int:
        """A new, empty event or storyline; its id."""
        return create_cluster(self.conn, kind)

    def save_cluster(self, kind: str, cluster_id: int, *, title: str | None, parent: int | None, state: dict,
                     first_date: str | None, last_date: str | None, date: str | None, date_precision: str | None,
                     n: int, last_seq: int, keys: Iterable[str]) -> None:
        """A cluster's state, dates and index keys (replacing its earlier keys)."""
        save_cluster(self.conn, kind, cluster_id, title=title, parent=parent, state=state, first_date=first_date,
                     last_date=last_date, date_=date, precision=date_precision, n=n, last_seq=last_seq, keys=keys)

    def event_of_article(self, article_id: str) -> int | None:
        return event_of_article(self.conn, article_id)

    def cluster_alias(self, kind: str, cluster_id: int) -> int | None:
        """The live event (storyline) a merged one went into; None when ``cluster_id`` was not merged."""
        return cluster_alias(self.conn, kind, cluster_id)

    def merge_clusters(self, kind: str, drop: int, keep: int, *, article: str | None = None,
                       score: float | None = None, seq: int = 0) -> None:
        """Record a merge (see :func:`merge_clusters`); the clusterer saves ``keep``'s state itself."""
        merge_clusters(self.conn, kind, drop, keep, article=article, score=score, seq=seq)

    def event_merges(self) -> list[dict]:
        return event_merges(self.conn)

    def link_commentary(self, article_id: str, links: Iterable[tuple[int, float]]) -> None:
        """An opinion item's commentary links: (news event id, score) pairs, replacing earlier ones."""
        link_commentary(self.conn, article_id, links)

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequencies counted in this store, for the given terms (absent ones left out)."""
        return get_df(self.conn, terms)

    def add_doc_freqs(self, counts: Mapping[str, int]) -> None:
        add_df(self.conn, dict(counts))

    def cluster_meta(self, key: str, default: str | None = None) -> str | None:
        """A counter of the clusterer (``seq``: articles clustered; ``docs``: documents counted)."""
        return get_meta(self.conn, key, default)

    def set_cluster_meta(self, key: str, value: Any) -> None:
        set_meta(self.conn, key, value)

    def save_assignments(self, assignments: Iterable[Assignment]) -> None:
        """Each article's event (and score); a date the clusterer refined goes onto the article."""
        for a in assignments:
            assign_article(self.conn, a.article_id, a.event_id, a.score)
            if a.estimated_date is not None:
                self.set_article_dates(a.article_id, a.estimated_date, a.date_precision)

    def event_sizes(self) -> list[int]:
        """Articles per event (events with at least one)."""
        return [n for (n,) in self.conn.execute("SELECT n_articles FROM events WHERE n_articles > 0")]

    def storyline_sizes(self) -> list[int]:
        """Events per storyline (events with at least one article)."""
        return [n for (n,) in self.conn.execute(
            "SELECT COUNT(*) FROM events WHERE n_articles > 0 GROUP BY storyline_id")]

    def event_ids(self, min_articles: int = 1) -> list[int]:
        """Ids of the events with at least ``min_articles`` articles, in id order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM events WHERE n_articles >= ? ORDER BY id",
                                                (min_articles,))]

