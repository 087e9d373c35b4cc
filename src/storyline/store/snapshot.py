"""A store's content, canonical and backend-neutral: what two stores must share to hold the same results.

:func:`snapshot` reads every table of a SQLite or PostgreSQL store (wall-clock columns and each backend's own
bookkeeping left out: the search index, ``rowid`` columns, schema versions), rows sorted, JSON held in a column
compared as data. :func:`compare` says table by table whether two snapshots are identical. Used by the
comparison of SQLite, PostgreSQL and Dask runs (``scripts/compare_stores.py``) and its tests.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["CLOCK_COLUMNS", "compare", "snapshot"]

# Columns the database fills with the wall clock when a row is written (``strftime(…'now')``): when, not what.
CLOCK_COLUMNS = frozenset({"ingested_at", "updated_at", "created_at", "detected_at", "fetched_at", "merged_at"})
# Backend bookkeeping: SQLite's FTS5 table and its shadow tables, autoincrement counters; PostgreSQL's
# search table (the same documents, another index) and schema versions.
_SKIP_PREFIXES = ("articles_fts", "sqlite_")
_SKIP_TABLES = frozenset({"storyline_schema"})
_SKIP_COLUMNS = CLOCK_COLUMNS | {"rowid"}


def _tables(store) -> list[str]:
    conn = store.conn
    if getattr(conn, "table_exists", None) is not None:  # PostgreSQL
        rows = conn.raw.execute("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                                " current_schema() AND table_type = 'BASE TABLE'").fetchall()
    else:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    names = [r[0] for r in rows]
    return sorted(n for n in names if n not in _SKIP_TABLES and not n.startswith(_SKIP_PREFIXES))


def _columns(store, table: str) -> list[str]:
    conn = store.conn
    if getattr(conn, "table_exists", None) is not None:
        return [r[0] for r in conn.raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s ORDER BY ordinal_position", [table])]
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def snapshot(store) -> dict[str, list[list[Any]]]:
    """table -> [column names] + sorted rows, of an open store (see the module)."""
    out: dict[str, list[list[Any]]] = {}
    for table in _tables(store):
        keep = [c for c in _columns(store, table) if c not in _SKIP_COLUMNS]
        select = ", ".join(f'"{c}"' for c in keep)
        rows = [[_plain(v) for v in row] for row in store.conn.execute(f'SELECT {select} FROM "{table}"')]
        rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        out[table] = [keep] + rows
    return out


def _plain(value):
    """Bytes as text where they are text; JSON in a column as canonical JSON (key order is not a result)."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return "sha1:" + hashlib.sha1(value).hexdigest()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(_canonical(json.loads(value)), sort_keys=True, ensure_ascii=False)
        except ValueError:
            pass
    return value


def _canonical(data):
    if isinstance(data, dict):
        return {k: _canonical(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_canonical(v) for v in data]
    if isinstance(data, str) and data[:1] in "{[":
        try:
            return _canonical(json.loads(data))
        except ValueError:
            return data
    return data


def compare(a: dict, b: dict) -> list[str]:
    """One line per table: ``identical (N rows)``, or how it differs."""
    lines = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            lines.append(f"{table}: only in {'second' if table not in a else 'first'}")
            continue
        ra, rb = a[table], b[table]
        if ra == rb:
            lines.append(f"{table}: identical ({len(ra) - 1} rows)")
            continue
        if ra[0] != rb[0]:
            lines.append(f"{table}: columns differ {ra[0]} vs {rb[0]}")
            continue
        sa = {json.dumps(r, sort_keys=True) for r in ra[1:]}
        sb = {json.dumps(r, sort_keys=True) for r in rb[1:]}
        lines.append(f"{table}: DIFFERENT ({len(ra) - 1} vs {len(rb) - 1} rows, {len(sa - sb)} only in first, "
                     f"{len(sb - sa)} only in second)")
    return lines
