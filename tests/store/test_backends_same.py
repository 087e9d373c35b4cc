"""The example corpus ingested into SQLite and into PostgreSQL gives the same store: articles, events,
storylines, entities, mentions, quotes, figures, positions, disagreements and the clustering state."""

from __future__ import annotations

from pathlib import Path

from pg_support import pg_schema
from storyline.store import Store
from storyline.store.snapshot import compare, snapshot

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def _ingest(target: str) -> dict:
    from storyline.ingest.readers import expand_inputs, read_path
    from storyline.runner import ingest

    store = Store(target)
    try:
        items = (item for path in expand_inputs([str(SEEDS)]) for item in read_path(path))
        summary = ingest(store, items, prefetch=False).to_json()
        assert summary["new"] == 5, summary
        return snapshot(store)
    finally:
        store.close()


def test_seeds_give_identical_stores_on_both_backends(tmp_path):
    with pg_schema() as url:
        on_pg = _ingest(url)
    on_sqlite = _ingest(str(tmp_path / "seeds.db"))
    lines = compare(on_sqlite, on_pg)
    assert all(": identical" in line for line in lines), "\n".join(lines)
    # the comparison covers what users see: none of these sections is empty
    for table in ("articles", "events", "storylines", "entities", "mentions", "quotes", "figures", "event_articles"):
        assert len(on_sqlite[table]) > 1, table


def test_when_an_event_was_merged_is_not_a_result(tmp_path):
    """``event_aliases.merged_at`` is the wall clock of the merge: two runs that merged the same events at other
    times hold the same results (the whole-DPG comparison differed in this column alone)."""

    def store_with(db: str, merged_at: str, score: float) -> dict:
        store = Store(db)
        try:
            with store.transaction() as conn:
                conn.execute("INSERT INTO event_aliases (merged_id, into_id, article_id, score, seq, merged_at)"
                             " VALUES (2, 1, 'a', ?, 3, ?)", (score, merged_at))
            return snapshot(store)
        finally:
            store.close()

    first = store_with(str(tmp_path / "a.db"), "2026-12-03T19:23:22Z", 0.9)
    later = store_with(str(tmp_path / "b.db"), "2026-12-03T19:58:00Z", 0.9)
    other = store_with(str(tmp_path / "c.db"), "2026-12-03T19:23:22Z", 0.8)
    assert compare(first, later) == compare(first, first)
    assert "event_aliases: DIFFERENT" in " ".join(compare(first, other))
