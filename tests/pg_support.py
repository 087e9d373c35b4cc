"""PostgreSQL for the tests: a fresh schema per test on the server at ``$STORYLINE_TEST_PG``
(default ``postgresql://root@127.0.0.1/test``), dropped afterwards; a clear skip where none is reachable."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

PG_BASE = os.environ.get("STORYLINE_TEST_PG", "postgresql://root@127.0.0.1/test")
START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
_REACHABLE: list[str | None] = []


def unreachable() -> str | None:
    """Why PostgreSQL cannot be used here, or None (checked once per test session)."""
    if not _REACHABLE:
        try:
            import psycopg

            with psycopg.connect(PG_BASE, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            _REACHABLE.append(None)
        except ImportError:
            _REACHABLE.append("psycopg is not installed (pip install -e '.[dev]')")
        except Exception as exc:  # any failure to connect: the reason is in the skip message
            _REACHABLE.append(f"PostgreSQL not reachable at {PG_BASE} ({str(exc).strip()[:160]}); start it with "
                              f"`{START}` or point STORYLINE_TEST_PG at a server")
    return _REACHABLE[0]


def require_pg() -> None:
    reason = unreachable()
    if reason:
        pytest.skip(reason)


@contextmanager
def pg_schema() -> Iterator[str]:
    """A ``postgresql://`` URL whose tables go to a new, empty schema; the schema is dropped afterwards."""
    import psycopg

    from storyline.store.postgres import close_pools

    require_pg()
    schema = "storyline_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_BASE else "?"
    url = f"{PG_BASE}{sep}options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        close_pools(url)
        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
