"""What is PostgreSQL's own: the SQLite-dialect translation, migrations from the one list, the URL setting,
the driver lock (the translator tests need no server; the rest skip where none is reachable)."""

from __future__ import annotations

import pytest

from pg_support import pg_schema
from storyline.errors import StoreError, StoreForeign, StoreTooNew
from storyline.store import Store
from storyline.store.dialect import PgDialect, TableInfo, UntranslatableSQL, translate_ddl
from storyline.store.migrations import MIGRATIONS, migration_parts

TABLES = {
    "quotes": TableInfo(columns=("id", "text"), primary_key=("id",), rowid_alias="id"),
    "event_articles": TableInfo(columns=("rowid", "article_id", "event_id", "score"), primary_key=("article_id",)),
    "cluster_df": TableInfo(columns=("term", "df"), primary_key=("term",)),
    "entity_variants": TableInfo(columns=("entity_id", "variant", "n"), primary_key=("entity_id", "variant")),
}


def test_statements_are_rewritten_for_postgresql():
    d = PgDialect(TABLES)
    assert d.statement("INSERT OR IGNORE INTO entity_keys (key, kind, entity_id) VALUES (?,?,?)").sql == \
        "INSERT INTO entity_keys (key, kind, entity_id) VALUES (%s,%s,%s) ON CONFLICT DO NOTHING"
    replace = d.statement("INSERT OR REPLACE INTO event_articles (article_id, event_id, score) VALUES (?,?,?)")
    assert replace.replace == ('DELETE FROM "event_articles" WHERE "article_id" = %s', (0,))
    assert replace.sql.startswith("INSERT INTO event_articles")
    upsert = d.statement("INSERT INTO entity_variants (entity_id, variant, n) VALUES (?,?,?)"
                         " ON CONFLICT(entity_id, variant) DO UPDATE SET n = n + excluded.n").sql
    assert upsert.endswith('DO UPDATE SET n = "entity_variants".n + excluded.n')
    assert d.statement("UPDATE t SET a = MAX(a, ?), b = MIN(b, 2) WHERE c = (SELECT MAX(c) FROM t)").sql == \
        "UPDATE t SET a = GREATEST(a, %s), b = LEAST(b, 2) WHERE c = (SELECT MAX(c) FROM t)"
    assert d.statement("SELECT id FROM e WHERE name = ? COLLATE NOCASE LIMIT ?").sql == \
        "SELECT id FROM e WHERE lower(name) = lower(%s) LIMIT NULLIF(%s, -1)"
    assert d.statement("SELECT group_concat(a, 'x%') FROM t WHERE +f.c = ?1 AND g = ?1").sql == \
        "SELECT string_agg(a, 'x%%') FROM t WHERE f.c = %(p1)s AND g = %(p1)s"
    insert = d.statement("INSERT INTO quotes (text) VALUES (?)")
    assert insert.sql == ('INSERT INTO quotes ("id", text) VALUES ((SELECT COALESCE(MAX("id"), 0) + 1 FROM'
                          ' "quotes"), %s) RETURNING "id"') and insert.returns_id
    assert d.params(insert, (True,)) == [1]
    assert d.statement("INSERT OR IGNORE INTO quotes (text) VALUES (?)").sql == (
        'INSERT INTO quotes ("id", text) VALUES ((SELECT COALESCE(MAX("id"), 0) + 1 FROM "quotes"), %s)'
        ' ON CONFLICT DO NOTHING RETURNING "id"')
    assert d.statement("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").sql == \
        "SELECT 1 WHERE to_regclass(%s) IS NOT NULL"
    assert d.statement("INSERT OR REPLACE INTO event_articles (article_id, event_id, score) VALUES (?, 7, ?)"
                       ).replace == ('DELETE FROM "event_articles" WHERE "article_id" = %s', (0,))
    with pytest.raises(UntranslatableSQL):
        d.statement("SELECT name FROM sqlite_master")
    with pytest.raises(UntranslatableSQL):
        d.statement("INSERT OR REPLACE INTO event_articles (article_id, event_id) SELECT a, b FROM t")


def test_portable_ddl_is_translated_and_sqlite_only_ddl_refused():
    out = translate_ddl("""
        -- a new table as a later migration writes it
        CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB,
            PRIMARY KEY (id)) WITHOUT ROWID;
        ALTER TABLE events ADD COLUMN genre TEXT;
        CREATE INDEX things_name ON things(name);
    """)
    assert out[0].startswith("CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL,"
                             " score DOUBLE PRECISION, data BYTEA,")
    assert "ROWID" not in out[0].upper().replace("ROWID_", "")
    assert out[1] == 'ALTER TABLE events ADD COLUMN genre TEXT COLLATE "C"'
    assert out[2] == "CREATE INDEX things_name ON things(name)"
    with pytest.raises(UntranslatableSQL):
        translate_ddl("CREATE VIRTUAL TABLE x USING fts5(a)")
    with pytest.raises(UntranslatableSQL):
        translate_ddl("CREATE TABLE y (a JSONB)")


def test_every_migration_has_a_postgresql_form():
    for version, entry in enumerate(MIGRATIONS, start=1):
        portable, _ = migration_parts(entry, "postgresql")
        assert translate_ddl(portable) or migration_parts(entry, "postgresql")[1], f"migration {version}"


def test_the_url_in_storyline_db_selects_postgresql(monkeypatch):
    from storyline.settings import get_settings

    with pg_schema() as url:
        monkeypatch.setenv("STORYLINE_DB", url)
        get_settings.cache_clear()
        try:
            store = Store()
            assert type(store).__name__ == "PostgresStore" and store.url == url
            store.close()
        finally:
            monkeypatch.delenv("STORYLINE_DB")
            get_settings.cache_clear()


def test_a_second_driver_is_refused_until_the_first_ends():
    with pg_schema() as url:
        store = Store(url)
        other = Store(url)
        try:
            with store.driver_lock():
                with pytest.raises(StoreError, match="already ingesting") as refused:
                    with other.driver_lock():
                        pass
                assert refused.value.code in ("E301", "E308")  # store busy; the driver lock's own code
            with other.driver_lock():  # released: the next driver may start
                pass
        finally:
            store.close()
            other.close()


def test_foreign_and_newer_schemas_are_refused():
    import psycopg

    with pg_schema() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE articles (x int)")
        with pytest.raises(StoreForeign):
            Store(url)
    with pg_schema() as url:
        Store(url).close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO storyline_schema (version) VALUES (%s)", [len(MIGRATIONS) + 1])
        with pytest.raises(StoreTooNew):
            Store(url, readonly=True)


def test_candidate_postings_are_an_index_range_read():
    # The clusterer's candidate lookup (store/events.py: candidates) is served by event_keys_day in key, day,
    # arrival order: no sort, no table scan, however many postings the store holds.
    with pg_schema() as url:
        store = Store(url)
        try:
            raw = store.conn.raw
            raw.execute("SET enable_seqscan = off")
            plan = " ".join(r[0] for r in raw.execute(
                "EXPLAIN SELECT event_id FROM event_keys WHERE key = %s AND last_day >= %s AND last_seq >= %s"
                " ORDER BY last_day DESC, last_seq DESC LIMIT 200", ["l:x", 1, 1]))
            raw.execute("RESET enable_seqscan")
        finally:
            store.close()
    assert "event_keys_day" in plan and "Sort" not in plan, plan


def test_a_write_transaction_sends_unread_statements_without_waiting_and_reads_stay_right():
    """Inside a transaction the store's writes are pipelined (no round trip per INSERT/UPDATE); a statement
    whose result is read still gets it: rows, lastrowid, rowcount. An error in an unread write rolls the whole
    batch back when it surfaces."""
    import psycopg

    with pg_schema() as url:
        store = Store(url)
        try:
            conn = store.conn
            with store.transaction():
                assert conn.raw.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF
                conn.execute("INSERT INTO cluster_meta (key, value) VALUES (?, ?)", ("a", "1"))
                conn.execute("INSERT INTO cluster_meta (key, value) VALUES (?, ?)", ("b", "2"))
                assert conn.execute("UPDATE cluster_meta SET value = '3' WHERE key IN ('a', 'b')").rowcount == 2
                assert [tuple(r) for r in conn.execute("SELECT key, value FROM cluster_meta WHERE key IN ('a','b')"
                                                       " ORDER BY key")] == [("a", "3"), ("b", "3")]
                first = conn.execute("INSERT INTO quotes (text, norm, kind, language) VALUES ('x','x','direct','nl')")
                second = conn.execute("INSERT INTO quotes (text, norm, kind, language) VALUES ('y','y','direct','nl')")
                assert second.lastrowid == first.lastrowid + 1
            assert conn.raw.pgconn.pipeline_status == psycopg.pq.PipelineStatus.OFF
            with pytest.raises(Exception):
                with store.transaction():
                    conn.execute("INSERT INTO cluster_meta (key, value) VALUES (?, ?)", ("c", "1"))
                    conn.execute("INSERT INTO cluster_meta (key, value) VALUES (?, ?)", ("a", "again"))  # key taken
            assert [r[0] for r in conn.execute("SELECT key FROM cluster_meta WHERE key IN ('a','b','c') ORDER BY key")] \
                == ["a", "b"]
        finally:
            store.close()
