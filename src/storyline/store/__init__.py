"""Storage. Everything SQLite-specific stays in this package."""

from storyline.store.sqlite import Store, default_db_path

__all__ = ["Store", "default_db_path"]
