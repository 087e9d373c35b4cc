"""Grow a replayed store by SQL cloning, for scaling rows beyond what a live replay can reach in a session.

A store grown live by ``storyline bench --scale`` to ``N`` articles, ``N`` a whole number ``q`` of replayed
corpus copies, holds copies ``0 … q-1`` of the base corpus. Clone ``j`` adds copies ``j*q … j*q+q-1``: every
row of every table again, with article ids renamed as the replay names those copies (``<id>~r<k>``), dates
and day ordinals (also inside cluster state blobs) moved on by ``j*q`` replay shifts, arrival counters and
row ids offset, and the full-text index filled for the new rows. The indexes then have the sizes of a store
of ``copies * N`` articles, and a live replay continues the stream where the clone ends (``--scale`` on the
kept database). Entities and quotes are shared by all clones, as in a live replay, where the same names
resolve to the same entities and the same quotation from another copy merges into one quote.

Only for the benchmark: the cloned rows are not what the pipeline would compute for the shifted texts (the
texts are the source copies' own); they give the store its size, key distribution and date layout.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from storyline.store import Store
from storyline.errors import CloneError

CLONE_META = "bench_clone"
_RID = re.compile(r"~r(\d+)$")
_UNDATED = 99_999_999


def _aid(article_id: str | None, plus: int) -> str | None:
    """The replay's id of the same base article ``plus`` copies later."""
    if article_id is None:
        return None
    m = _RID.search(article_id)
    k = int(m.group(1)) if m else 0
    base = article_id[:m.start()] if m else article_id
    return f"{base}~r{k + plus}"


def _day(text: str | None, days: int) -> str | None:
    """An ISO date (or month, or timestamp) moved ``days`` on; other text unchanged."""
    if not text or days == 0:
        return text
    try:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return (date.fromisoformat(text[:10]) + timedelta(days=days)).isoformat() + text[10:]
        if len(text) == 7 and text[4] == "-":
            d = date.fromisoformat(text + "-15") + timedelta(days=days)
            return f"{d.year:04d}-{d.month:02d}"
    except ValueError:
        pass
    return text


def _state(blob, days: int):
    """A cluster state blob with its day ordinals (``day``, ``coarse``) moved on."""
    if blob is None or days == 0:
        return blob
    state = json.loads(blob)
    for key in ("day", "coarse"):
        if state.get(key):
            state[key] = [v + days for v in state[key]]
    return json.dumps(state, separators=(",", ":"))


def _ordinal(value, days: int):
    return value if value is None or value >= _UNDATED else value + days


# Per table: columns whose values clone j changes, as SQL over the source row; other columns are copied as
# they are. Placeholders: {j} copies ahead in replay terms (j*q), {d} days, {seq}/{ev}/{sl}/{men}/{fig}/{dis}/
# {pos} row offsets.
_TABLES: dict[str, dict[str, str]] = {
    "articles": {"seq": "seq + {seq}", "id": "aid(id, {j})", "published": "day(published, {d})",
                 "estimated_date": "day(estimated_date, {d})", "copy_of": "aid(copy_of, {j})"},
    "minhashes": {"article_id": "aid(article_id, {j})"},
    "storylines": {"id": "id + {sl}", "start": "day(start, {d})", "end": "day(\"end\", {d})",
                   "state": "state_shift(state, {d})", "last_seq": "last_seq + {seq}"},
    "events": {"id": "id + {ev}", "date": "day(date, {d})", "storyline_id": "storyline_id + {sl}",
               "state": "state_shift(state, {d})", "first_date": "day(first_date, {d})",
               "last_date": "day(last_date, {d})", "last_seq": "last_seq + {seq}"},
    "event_articles": {"article_id": "aid(article_id, {j})", "event_id": "event_id + {ev}"},
    "event_keys": {"event_id": "event_id + {ev}", "last_seq": "last_seq + {seq}", "last_day": "ordinal(last_day, {d})"},
    "storyline_keys": {"storyline_id": "storyline_id + {sl}", "last_seq": "last_seq + {seq}",
                       "last_day": "ordinal(last_day, {d})"},
    "article_entities": {"article_id": "aid(article_id, {j})"},
    "mentions": {"id": "id + {men}", "article_id": "aid(article_id, {j})"},
    "quote_articles": {"article_id": "aid(article_id, {j})"},
    "figures": {"id": "id + {fig}", "article_id": "aid(article_id, {j})", "as_of": "day(as_of, {d})"},
    "disagreements": {"id": "id + {dis}", "event_id": "event_id + {ev}", "storyline_id": "storyline_id + {sl}",
                      "signature": "signature || '~c{j}'"},
    "disagreement_figures": {"disagreement_id": "disagreement_id + {dis}", "figure_id": "figure_id + {fig}"},
    "positions": {"id": "id + {pos}", "article_id": "aid(article_id, {j})", "date": "day(date, {d})"},
    "event_aliases": {"merged_id": "merged_id + {ev}", "into_id": "into_id + {ev}",
                      "article_id": "aid(article_id, {j})", "seq": "seq + {seq}"},
    "storyline_aliases": {"merged_id": "merged_id + {sl}", "into_id": "into_id + {sl}"},
    "event_commentary": {"article_id": "aid(article_id, {j})", "event_id": "event_id + {ev}"},
}
# Shared by every clone (see the module note), or rebuilt: not copied row by row.
_SHARED = {"entities", "entity_keys", "entity_variants", "quotes", "cluster_df", "cluster_meta", "sqlite_sequence",
           "articles_fts",
           # the watcher's state (store/alerts.py) describes the live sources, not the replayed copies
           "watch_sources", "watch_items", "article_arrivals", "alerts", "alert_deliveries", "follows"}
_OFFSETS = {"seq": ("articles", "seq"), "ev": ("events", "id"), "sl": ("storylines", "id"),
            "men": ("mentions", "id"), "fig": ("figures", "id"), "dis": ("disagreements", "id"),
            "pos": ("positions", "id")}


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'articles_fts_%'")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info(\"{table}\")")]


def clone_store(src: str | Path, dst: str | Path, copies: int, base_articles: int, shift_days: int, *,
                progress: Callable[[str], None] | None = None) -> dict:
    """Write ``dst``: the store ``src`` (``N`` articles) and ``copies - 1`` shifted clones of it.

    ``base_articles`` and ``shift_days`` are those of the replay that grew ``src`` (``N`` must be a whole
    number of replayed copies so the clones continue the replay's ids and dates exactly).
    """
    src, dst = Path(src), Path(dst)
    if copies < 2:
        raise CloneError("copies must be at least 2")
    if dst.exists():
        raise CloneError(f"{dst} exists; cloning writes a new database")
    store = Store(src)  # brings the source to the current schema
    n = store.count_articles()
    store.close()
    if n == 0 or n % base_articles:
        raise CloneError(f"{src} holds {n} articles, not a whole number of replayed copies of {base_articles}")
    q = n // base_articles
    t0 = time.perf_counter()
    with sqlite3.connect(src) as s:
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a benchmark file written once: no rollback needed
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -2000000")  # 2 GB of page cache for the index inserts
    conn.create_function("aid", 2, _aid, deterministic=True)
    conn.create_function("day", 2, _day, deterministic=True)
    conn.create_function("state_shift", 2, _state, deterministic=True)
    conn.create_function("ordinal", 2, _ordinal, deterministic=True)
    unknown = set(_tables(conn)) - set(_TABLES) - _SHARED
    if unknown:
        raise CloneError(f"no clone rule for table(s) {sorted(unknown)}: add them to bench/clone.py")
    offsets = {k: conn.execute(f"SELECT COALESCE(MAX({col}), 0) FROM {t}").fetchone()[0]
               for k, (t, col) in _OFFSETS.items()}
    # Every cloned table has rowids (none is WITHOUT ROWID): the source rows are those up to the maximum.
    rowids = {t: conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM \"{t}\"").fetchone()[0] for t in _TABLES}
    fts_max = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM articles_fts").fetchone()[0]
    timings: dict[str, float] = {}
    for c in range(1, copies):
        conn.execute("BEGIN")
        fmt = {"j": c * q, "d": c * q * shift_days} | {k: c * v for k, v in offsets.items()}
        for table, changed in _TABLES.items():
            t1 = time.perf_counter()
            cols = _columns(conn, table)
            exprs = [changed[col].format(**fmt) if col in changed else f'"{col}"' for col in cols]
            conn.execute(f"INSERT INTO \"{table}\" ({', '.join(chr(34) + x + chr(34) for x in cols)})"
                         f" SELECT {', '.join(exprs)} FROM \"{table}\" WHERE rowid <= {rowids[table]}")
            timings[table] = timings.get(table, 0.0) + time.perf_counter() - t1
        t1 = time.perf_counter()
        # The full-text index: source rows read in chunks, then inserted (never read and written at once).
        for lo in range(0, fts_max, 5000):
            rows = conn.execute("SELECT rowid, article_id, title, body FROM articles_fts WHERE rowid > ? AND"
                                " rowid <= ?", (lo, min(lo + 5000, fts_max))).fetchall()
            conn.executemany("INSERT INTO articles_fts (rowid, article_id, title, body) VALUES (?,?,?,?)",
                             [(r + c * fts_max, _aid(a, c * q), ti, b) for r, a, ti, b in rows])
        timings["articles_fts"] = timings.get("articles_fts", 0.0) + time.perf_counter() - t1
        conn.execute("COMMIT")
        if progress:
            progress(f"clone {c}/{copies - 1}: {n * (c + 1):,} articles, {time.perf_counter() - t0:.0f} s")
    conn.execute("BEGIN")
    # Counts that a live replay would have accumulated over all copies.
    conn.execute("UPDATE cluster_df SET df = df * ?", (copies,))
    conn.execute("UPDATE cluster_meta SET value = CAST(value AS INTEGER) * ? WHERE key IN ('docs', 'seq')", (copies,))
    conn.execute("UPDATE entities SET mention_count = mention_count * ?", (copies,))
    conn.execute("UPDATE entity_variants SET n = n * ?", (copies,))
    info = {"source": str(src), "source_articles": n, "copies": copies, "articles": n * copies,
            "seconds": round(time.perf_counter() - t0, 1), "table_seconds": {k: round(v, 1) for k, v in timings.items()}}
    conn.execute("INSERT OR REPLACE INTO cluster_meta (key, value) VALUES (?, ?)", (CLONE_META, json.dumps(info)))
    conn.execute("COMMIT")
    conn.close()
    info["seconds"] = round(time.perf_counter() - t0, 1)
    return info
