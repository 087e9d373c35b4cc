"""A lock file that keeps one ingest driver per database file (SQLite's :meth:`Store.driver_lock`).

The lock is an ``flock`` on ``<database>.driver.lock``, which holds the holder's pid, host and start time
for the message a second driver gets. The kernel drops an ``flock`` when its process dies, however it dies
(SIGKILL, power cut of the process): a file left behind by a dead driver is stale by construction and the
next driver takes it over, with no pid guessing (a reused pid cannot keep a dead driver's lock). A lock file
rather than SQLite's own locks because the driver commits batch by batch and must keep its claim between
transactions, while readers and short writers (API posts) keep using the database.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

from storyline.errors import DriverLocked, StoreError

LOGGER = logging.getLogger(__name__)

__all__ = ["LockFile", "lock_path"]


def lock_path(db_path: str | os.PathLike) -> Path:
    return Path(f"{db_path}.driver.lock")


class LockFile:
    """``with LockFile(path, what):`` holds the lock or raises :class:`DriverLocked` naming the holder."""

    def __init__(self, path: str | os.PathLike, what: str):
        self.path = Path(path)
        self.what = what  # the database, for the message
        self._fd: int | None = None

    def __enter__(self) -> "LockFile":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(f"cannot create the driver lock {self.path}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                raise DriverLocked(
                    f"another ingest is driving {self.what} ({_describe(holder)}); one driver per database "
                    "keeps events and storylines in arrival order. Wait for it to finish or stop it; a lock "
                    f"whose holder has died is taken over by the next ingest ({self.path})") from None
            # The previous holder may have removed the file between our open and our lock: then we hold a
            # lock on a file no one else will see; take the one at the path instead.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        stale = _read(fd)
        if stale.get("pid"):
            LOGGER.warning("took over the driver lock of %s left by a driver that is gone (%s)", self.what,
                           _describe(stale))
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "since": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
        except OSError as exc:  # a full disk: the lock holds without its note; the ingest reports the disk
            LOGGER.debug("driver lock %s: holder not written (%s)", self.path, exc)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still locked: no one can be holding this file
        finally:
            os.close(self._fd)
            self._fd = None


def _read(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data.decode()) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def _describe(holder: dict) -> str:
    if not holder:
        return "holder unknown"
    return f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"
