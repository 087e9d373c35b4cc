"""Storage: the abstract :class:`Store` boundary, its SQLite implementation (the default) and, for a
``postgresql://`` target, :mod:`storyline.store.postgres` (imported on first use). All SQL stays in this package."""

from storyline.store.base import Store, register_backend
from storyline.store.sqlite import SQLiteStore, default_db_path

__all__ = ["Store", "SQLiteStore", "default_db_path", "register_backend"]
