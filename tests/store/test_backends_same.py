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
