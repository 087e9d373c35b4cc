"""The overview pages on a growing store: work bounded by what a page shows, not by the store's size."""

import shutil
import sqlite3
import time

import pytest

from storyline import read
from storyline.read import pages
from storyline.store import Store
from storyline.store.clone import clone_store


def _statements(store: Store, call) -> int:
    seen = []
    store.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    return len(seen)


@pytest.fixture
def grown(tmp_path, seed_db):
    """The example store and a store of four shifted copies of it (storyline.store.clone, as the bench grows one)."""
    n = Store(seed_db, readonly=True).count_articles()
    big = tmp_path / "grown.db"
    clone_store(seed_db, big, 4, n, 400)
    return seed_db, str(big)


def test_events_by_sources_read_a_bounded_number_of_rows_whatever_the_store_size(grown):
    counts = []
    for db in grown:
        store = Store(db, readonly=True)
        every = read.list_events(store, limit=None, order="size")
        if len(every) < 2:
            pytest.skip("the example corpus has fewer than two events")
        expected = sorted(every, key=lambda e: (-e.independent_sources, -len(e.articles)))
        assert [e.id for e in read.list_events(store, limit=None, order="sources")] == [e.id for e in expected]
        assert [e.id for e in read.list_events(store, limit=2, offset=1, order="sources")] == \
            [e.id for e in expected[1:3]]
        counts.append(_statements(store, lambda: read.list_events(store, limit=2, order="sources")))
        store.close()
    assert counts[0] == counts[1]  # two events' worth of reads, in a store of four times as many events


def test_a_page_of_figures_or_quotes_reads_that_page_not_the_whole_table(grown, monkeypatch):
    from storyline.store import annotations

    _, db = grown
    store = Store(db, readonly=True)
    figures, quotes = read.list_figures(store, limit=None), read.list_quotes(store, limit=None)
    if len(figures) < 4 or len(quotes) < 3:
        pytest.skip("the example corpus has too few figures or quotes")
    asked = []
    for name in ("list_figures", "list_quotes"):
        real = getattr(annotations, name)
        monkeypatch.setattr(annotations, name,
                            lambda *a, _real=real, **kw: asked.append(kw.get("limit")) or _real(*a, **kw))
    assert read.list_figures(store, limit=2, offset=1) == figures[1:3]
    assert read.list_quotes(store, limit=1, offset=1) == quotes[1:2]
    assert asked == [3, 2]  # the rows up to the page's end, not every row of the table
    speaker = next((q.speaker_id for q in quotes if q.speaker_id is not None), None)
    if speaker is not None:
        assert read.list_quotes(store, speaker=speaker, limit=None) == [q for q in quotes if q.speaker_id == speaker]
    store.close()


def test_rankings_of_a_period_equal_those_read_from_every_article(grown):
    _, db = grown
    store = Store(db, readonly=True)
    c = pages.corpus(store)
    for span in ("week", "month", None):
        p = pages.period(c, span=span)
        got, total = pages.ranked(store, "event", p=p, sort="size", limit=None, min_articles=1)
        allowed = {i for i, f in c.facts.items() if pages._is_news(f) and p.contains(f["date"])}
        expected = [n for n, ids in c.by_event.items() if any(i in allowed for i in ids)]
        assert total == len(expected) and sorted(r["num"] for r in got) == sorted(expected)
    store.close()


def test_an_entity_page_describes_what_it_shows_and_counts_the_rest(grown):
    _, db = grown
    store = Store(db, readonly=True)
    c = pages.corpus(store)
    if not c.entity_articles:
        pytest.skip("no entities in the example corpus")
    entity = max(c.entity_articles, key=lambda e: (len(c.entity_articles[e]), -e))
    whole = pages.entity_profile(store, entity)
    shown = pages.entity_profile(store, entity, events=1, storylines=1)
    assert shown["n_events"] == whole["n_events"] == len(whole["events"]) > 0
    assert shown["events"] == whole["events"][:1] and shown["storylines"] == whole["storylines"][:1]
    counts = [s["mentioning"] for s in whole["storylines"]]
    ids = [read.parse_storyline_id(s["id"]) for s in whole["storylines"]]
    assert list(zip([-n for n in counts], ids)) == sorted(zip([-n for n in counts], ids))  # ties by id
    store.close()


def test_a_store_slow_to_read_is_read_again_in_the_background(tmp_path, seed_db, monkeypatch):
    db = tmp_path / "live.db"
    shutil.copy(seed_db, db)
    Store(str(db)).close()  # at the current schema before readers open it read-only
    store = Store(str(db), readonly=True)
    before = pages.corpus(store)
    store.close()
    monkeypatch.setattr(pages, "STALE_AFTER_S", -1.0)  # as if reading the facts took long
    conn = sqlite3.connect(db)
    first = conn.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
    conn.execute("UPDATE articles SET genre = 'opinion' WHERE id = ?", (first,))
    conn.commit()
    conn.close()
    store = Store(str(db), readonly=True)
    assert pages.corpus(store) is before  # served at once from the facts read before the change
    deadline = time.time() + 60
    while pages.corpus(store) is before and time.time() < deadline:
        time.sleep(0.05)
    after = pages.corpus(store)
    assert after is not before and after.facts[first]["genre"] == "opinion"
    store.close()
