"""Which files are Storyline databases, how to open them without touching anyone else's, and what
SQLite's failures mean for a person.

Nothing here writes: :func:`identify` reads the 100-byte SQLite header and, only for a database that
carries no application id, the schema through an ``immutable`` read-only connection (no lock, no journal,
no ``-wal``/``-shm`` file), so a file that turns out not to be ours is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from storyline.errors import (StoreBusy, StoreCorrupt, StoreError, StoreForeign, StoreFull, StoreMissing,
                              StoreReadOnly, StoreTooNew)

__all__ = ["APPLICATION_ID", "DatabaseError", "Identity", "identify", "ro_uri", "translate", "writable"]

# The driver's error root, for the layers above that may not import the driver (cli, api).
DatabaseError = sqlite3.Error

# PRAGMA application_id of every database Storyline creates ("STLN"); older Storyline databases carry 0 and
# are recognised by their tables (LEGACY_TABLES) and user_version instead.
APPLICATION_ID = 0x53544C4E
LEGACY_TABLES = frozenset({"articles", "articles_fts", "minhashes"})
_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Identity:
    """What a path holds: ``kind`` is ``missing``, ``empty`` (0 bytes), ``storyline`` or ``legacy`` (an older
    Storyline database without the application id); ``version`` its ``user_version``; ``wal`` its journal mode."""

    kind: str
    version: int = 0
    wal: bool = False


def ro_uri(path: str, *, immutable: bool = False) -> str:
    """A read-only SQLite URI for ``path``: never creates the file; ``immutable`` also takes no lock."""
    absolute = quote(os.path.abspath(path))
    return f"file:{absolute}?mode=ro" + ("&immutable=1" if immutable else "")


def identify(path: str, known_version: int) -> Identity:
    """What ``path`` is, read without writing; raises :class:`StoreForeign` / :class:`StoreTooNew` for a file
    Storyline must not open, :class:`StoreError` for one it cannot read."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        return Identity("missing")
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if os.path.isdir(path):
        raise StoreForeign(f"{path} is a directory, not a Storyline database")
    if size == 0:
        return Identity("empty")
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise StoreForeign(f"{path} is not a Storyline database (not an SQLite file); it was left untouched")
    version = int.from_bytes(header[60:64], "big")
    app_id = int.from_bytes(header[68:72], "big")
    wal = header[18] == 2 and header[19] == 2
    if app_id == APPLICATION_ID:
        kind = "storyline"
    elif app_id != 0:
        raise StoreForeign(f"{path} is not a Storyline database (it belongs to another application: "
                           f"application id 0x{app_id:08x}); it was left untouched")
    else:
        tables, version = _schema(path, wal)
        if not LEGACY_TABLES <= tables or version < 1:
            shown = ", ".join(sorted(tables)[:5]) or "no tables"
            raise StoreForeign(f"{path} is not a Storyline database (an SQLite file with {shown}); "
                               "it was left untouched")
        kind = "legacy"
    if version > known_version:
        raise StoreTooNew(f"{path} has schema version {version}, newer than this Storyline knows "
                          f"({known_version}): upgrade Storyline to use it; the file was left untouched")
    return Identity(kind, version, wal)


def _schema(path: str, wal: bool) -> tuple[set[str], int]:
    """(table names, user_version) read without a lock or a journal file. A WAL database with a live ``-wal``
    file is read through a shared read-only connection, so committed pages still in the log count too."""
    live_wal = wal and os.path.exists(path + "-wal")
    try:
        conn = sqlite3.connect(ro_uri(path, immutable=not live_wal), uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path, "reading") from exc
    return tables, version


def writable(path: str) -> bool:
    """Whether the database file and its directory (for the ``-wal``/``-shm`` files) accept writes."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    target = path if os.path.exists(path) else directory
    return os.access(target, os.W_OK) and os.access(directory, os.W_OK) and not _readonly_mount(directory)


def _readonly_mount(directory: str) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def translate(exc: BaseException, path: str, action: str = "using") -> StoreError:
    """The :class:`StoreError` a person should see for an SQLite or OS failure on ``path`` while ``action``."""
    if isinstance(exc, StoreError):
        return exc
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    low = text.lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in low or getattr(exc, "errno", None) == errno.ENOSPC:
        return StoreFull(f"disk full while {action} {path}; nothing of this batch was stored "
                         "(earlier batches are kept): free space and run the command again")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in low:
        return StoreBusy(f"database busy: another process holds the write lock on {path}; nothing of this batch "
                         "was stored: try again later")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in low or "not a database" in low:
        return StoreCorrupt(f"{path} is damaged ({text}) while {action} it: restore it from a backup, "
                            "or check it with `sqlite3 {path} 'PRAGMA integrity_check'`".replace("{path}", path))
    if name.startswith("SQLITE_READONLY") or "readonly database" in low or "read-only" in low:
        return StoreReadOnly(f"{path} is read-only: it can be read, but not written")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in low:
        if not Path(path).exists():
            return StoreMissing(f"no database at {path} (it was moved or deleted)")
        return StoreError(f"cannot open {path} ({text})")
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        return StoreError(f"input/output error while {action} {path} ({text})")
    if "no such table" in low or "no such column" in low:
        return StoreError(f"{path} lacks part of the current schema ({text}): run a write command "
                          "(`storyline ingest`) once to upgrade it")
    return StoreError(f"database error while {action} {path} ({text})")
