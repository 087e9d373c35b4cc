"""Candidate events come from a time-bounded index: clusters the date gate would reject are never read."""

import sqlite3
from datetime import date

from storyline.store import Store
from storyline.store import events as q
from storyline.store.migrations import MIGRATIONS, migration_parts
from storyline.store.sqlite import _statements


def _event(conn, keys, last_date, last_seq, kind="event"):
    cid = q.create_cluster(conn, kind)
    q.save_cluster(conn, kind, cid, title=None, parent=None, state={}, first_date=last_date, last_date=last_date,
                   date_=last_date, precision="day" if last_date else None, n=1, last_seq=last_seq, keys=keys)
    return cid


def _day(iso):
    return date.fromisoformat(iso).toordinal()


def test_old_event_is_not_a_candidate_but_a_recent_one_is(store):
    with store.transaction() as conn:
        old = _event(conn, ["l:brand", "n:antwerpen"], "2019-01-02", 10)
        recent = _event(conn, ["l:brand", "n:antwerpen"], "2019-03-01", 20)
        undated = _event(conn, ["l:brand"], None, 5)
        # An article of 2019-03-04 with a 7-day gate: events ending before 2019-02-25 cannot be joined.
        got = q.candidates(conn, "event", ["l:brand", "n:antwerpen"], 0, 30, _day("2019-03-04") - 7)
        assert got == [recent, undated]
        # Without a date the article keeps every posting, most shared keys first.
        assert q.candidates(conn, "event", ["l:brand", "n:antwerpen"], 0, 30) == [recent, old, undated]


def test_gate_edge_and_sequence_window_both_apply(store):
    with store.transaction() as conn:
        edge = _event(conn, ["l:brand"], "2019-02-25", 100)
        _event(conn, ["l:brand"], "2019-03-03", 1)  # a recent date, but outside the article window
        assert q.candidates(conn, "event", ["l:brand"], 50, 30, _day("2019-02-25")) == [edge]


def test_resaving_moves_the_posting_day(store):
    with store.transaction() as conn:
        cid = _event(conn, ["l:storm"], "2019-01-01", 1)
        bound = _day("2019-03-01")
        assert q.candidates(conn, "event", ["l:storm"], 0, 30, bound) == []
        q.save_cluster(conn, "event", cid, title=None, parent=None, state={}, first_date="2019-01-01",
                       last_date="2019-03-02", date_="2019-01-01", precision="day", n=2, last_seq=2,
                       keys=["l:storm"])
        assert q.candidates(conn, "event", ["l:storm"], 0, 30, bound) == [cid]


def test_storylines_use_their_own_table(store):
    with store.transaction() as conn:
        sid = _event(conn, ["l:brexit"], "2019-01-10", 3, kind="storyline")
        assert q.candidates(conn, "storyline", ["l:brexit"], 0, 30, _day("2019-01-01")) == [sid]
        assert q.candidates(conn, "storyline", ["l:brexit"], 0, 30, _day("2019-02-01")) == []
        assert q.candidates(conn, "event", ["l:brexit"], 0, 30) == []


def test_postings_are_read_through_the_day_index(store):
    plan = " ".join(r[-1] for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT event_id FROM event_keys WHERE key = ? AND last_day >= ? AND last_seq >= ?"
        " ORDER BY last_day DESC, last_seq DESC LIMIT 200", ("l:x", 1, 1)))
    assert "event_keys_day" in plan and "TEMP B-TREE" not in plan


def test_migration_fills_the_day_of_existing_postings(tmp_path):
    # A store written before the time bound existed (schema 4) gets its postings' days from the clusters.
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for entry in MIGRATIONS[:4]:
        for stmt in [s for part in migration_parts(entry, "sqlite") for s in _statements(part)]:
            conn.execute(stmt)
    conn.execute("INSERT INTO events (id, last_date, last_seq) VALUES (1, '2019-05-06', 3), (2, NULL, 4)")
    conn.execute("INSERT INTO event_keys (key, event_id, last_seq) VALUES ('l:a', 1, 3), ('l:a', 2, 4)")
    conn.execute("INSERT INTO storylines (id, \"end\", last_seq) VALUES (7, '2019-05-01', 3)")
    conn.execute("INSERT INTO storyline_keys (key, storyline_id, last_seq) VALUES ('l:a', 7, 3)")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    store = Store(path)
    rows = dict(store.conn.execute("SELECT event_id, last_day FROM event_keys").fetchall())
    assert rows == {1: _day("2019-05-06"), 2: q.UNDATED_DAY}
    assert store.conn.execute("SELECT last_day FROM storyline_keys").fetchone()[0] == _day("2019-05-01")
    with store.transaction() as c:
        assert q.candidates(c, "event", ["l:a"], 0, 30, _day("2019-05-10")) == [2]
    store.close()
