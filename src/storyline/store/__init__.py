"""Storage: the abstract :class:`Store` boundary and its SQLite implementation. All SQL stays in this package."""

from storyline.store.base import Store, register_backend
from storyline.store.sqlite import SQLiteStore, default_db_path

__all__ = ["Store", "SQLiteStore", "default_db_path", "register_backend"]
