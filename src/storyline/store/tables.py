"""Whether a table exists, on either backend (the query modules check before reading an optional section)."""

from __future__ import annotations

from typing import Any

__all__ = ["has_table"]


def has_table(conn: Any, name: str) -> bool:
    exists = getattr(conn, "table_exists", None)  # the PostgreSQL connection adapter reads its own catalog
    if exists is not None:
        return exists(name)
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?", (name,)).fetchone()
    return row is not None
