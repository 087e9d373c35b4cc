"""The store contract, run on every backend: each test once on SQLite and once on PostgreSQL (a fresh schema
per test, dropped afterwards; skipped with the reason where no PostgreSQL server is reachable)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from pg_support import pg_schema
from storyline.errors import StoreMissing, StoreReadOnly
from storyline.ingest.readers import finish_article
from storyline.records import Annotations, Assignment, Figure, Mention, Quote
from storyline.store import Store
from storyline.store.migrations import MIGRATIONS
from storyline.store.search import search_filtered
from storyline.store.views import has_table


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """Where a store lives: an SQLite file, or a PostgreSQL URL with a schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "contract.db")
    else:
        with pg_schema() as url:
            yield url


@pytest.fixture
def store(target):
    s = Store(target)
    yield s
    s.close()


def art(id, text, **kw):
    return finish_article(id=id, text=text, **kw)


def save(store, *articles):
    with store.transaction():
        for a in articles:
            store.save_article(a, signature=f"sig-{a.id}".encode())


def quote(text, start, speaker="Jan Peeters"):
    return Quote(text=text, start=start, end=start + len(text), kind="direct", speaker=speaker,
                 speaker_text=speaker, speaker_start=None, speaker_end=None, speaker_type="PER", cue="zei",
                 sentence=0, norm=text.lower())


def figure(value, start, category="dode"):
    return Figure(what=category, subject=None, value=value, low=None, high=None, qualifier=None, unit=None,
                  reported_by="politie", as_of="2022-02-28", sentence="Er vielen doden.", start=start,
                  end=start + 3, category=category)


# --------------------------------------------------------------------------- opening
def test_the_url_scheme_picks_the_backend(store, target):
    assert type(store).__name__ == ("PostgresStore" if target.startswith("postgresql://") else "SQLiteStore")
    assert store.schema_version == len(MIGRATIONS)


def test_a_reopened_store_keeps_its_rows_and_version(target):
    s = Store(target)
    save(s, art("a", "Het gesprek begon maandag in Gomel."))
    s.close()
    again = Store(target, readonly=True)
    try:
        assert again.count_articles() == 1 and again.schema_version == len(MIGRATIONS)
        with pytest.raises(StoreReadOnly):
            with again.transaction():
                pass
    finally:
        again.close()


def test_a_read_of_a_missing_database_creates_nothing(target):
    with pytest.raises(StoreMissing):
        Store(target, readonly=True)
    s = Store(target)  # still nothing there: a write command creates it
    assert s.count_articles() == 0
    s.close()


def test_a_failed_batch_stores_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_article(art("a", "Eerste bericht over de onderhandelingen."))
            raise RuntimeError("enrichment failed")
    assert store.count_articles() == 0 and store.get_article("a") is None


# --------------------------------------------------------------------------- articles
def test_articles_round_trip_and_list_in_stream_order(store):
    late = art("late", "Later bericht over de onderhandelingen in Belarus.", published="2022-03-01",
               source="NOS", title="Later", metadata={"tags": ["oorlog", "ü"]})
    early = art("early", "Eerder bericht over de onderhandelingen.", published="2022-02-27", source="NU.nl")
    undated = art("undated", "Een bericht zonder datum.")
    save(store, late, early, undated)
    assert store.get_article("late") == late
    assert [a.id for a in store.get_articles(["undated", "late", "nope"])] == ["undated", "late"]
    assert [a.id for a in store.list_articles()] == ["early", "late", "undated"]
    assert [a.id for a in store.iter_articles_in_order()] == ["early", "late", "undated"]
    assert [a.id for a in store.list_articles(source="NOS")] == ["late"]
    assert [a.id for a in store.list_articles(since="2022-02-28")] == ["late"]
    assert [a.id for a in store.list_articles(until="2022-02-27")] == ["early"]
    assert [a.id for a in store.list_articles(limit=1, offset=1)] == ["late"]
    assert store.find_existing(late) == "late" and store.find_exact_copy(early.content_hash) == "early"
    assert [i for i, _ in store.iter_signatures()] == ["late", "early", "undated"]
    assert list(store.iter_signatures(last=2)) == [("early", b"sig-early"), ("undated", b"sig-undated")]


def test_copies_are_counted(store):
    save(store, art("a", "Tekst een."), replace(art("b", "Tekst een."), copy_of="a"),
         replace(art("c", "Tekst een."), copy_of="a"))
    assert store.copy_counts() == {"a": 2}


# --------------------------------------------------------------------------- search
def test_search_finds_word_forms_and_folds_diacritics(store):
    save(store,
         art("g", "De gesprekken tussen Rusland en Oekraïne beginnen in Belarus.", title="Vredesgesprekken"),
         art("c", "In het café werd gesproken over het staakt-het-vuren.", title="Café"),
         art("x", "Het weer blijft morgen zonnig.", title="Weer"))
    assert [a.id for a, _, _ in store.search("gesprek")] == ["g"]
    assert [a.id for a, _, _ in store.search("gesprekken")] == ["g"]
    assert [a.id for a, _, _ in store.search("vredesgesprek")] == ["g"]  # the title's word, lemmatised
    assert [a.id for a, _, _ in store.search("Oekraine")] == ["g"]  # diacritics folded
    assert [a.id for a, _, _ in store.search("cafe")] == ["c"]
    assert [a.id for a, _, _ in store.search("staakt-het-vuren")] == ["c"]
    assert sorted(a.id for a, _, _ in store.search("gesprekken OR zonnig")) == ["g", "x"]
    assert store.search("gesprekken zonnig") == []
    hit = store.search("gesprekken")[0]
    assert "gesprekken" in hit[2]  # the snippet is the article's own sentence
    with pytest.raises(ValueError):
        store.search("  ...  ")


def test_filtered_search_applies_filters_before_paging(store):
    save(store, *[art(f"a{i}", f"Bericht {i} over de gesprekken.", source="NOS" if i % 2 else "RTL",
                      published=f"2022-03-{i + 1:02d}") for i in range(6)])
    hits = search_filtered(store, "gesprek", limit=10, source="NOS")
    assert sorted(a.id for a, _, _ in hits) == ["a1", "a3", "a5"]
    assert [a.id for a, _, _ in search_filtered(store, "gesprek", limit=10, since="2022-03-05")] \
        in (["a4", "a5"], ["a5", "a4"])
    assert len(search_filtered(store, "gesprek", limit=2, offset=4)) == 2


# --------------------------------------------------------------------------- entities
def test_entity_linking_queries(store):
    save(store, art("a", "Zelensky en Zelenski spraken met Poetin."))
    with store.transaction():
        store.insert_mentions("a", [Mention("Zelensky", "PER", 0, 8, 0), Mention("Zelenski", "PER", 12, 20, 0)])
        first = store.create_entity("Zelensky", "PER", "zelensky")
        second = store.create_entity("Zelenski", "PER", "zelenski", multiword=True)
        assert second == first + 1
        store.add_keys(first, [("zelensky", "name"), ("zelensky", "name"), ("", "name")])
        store.add_keys(second, [("zelenski", "name"), ("zelensk", "surname")])
        mentions = store.mentions_for_articles(["a"], unlinked_only=True)
        store.set_mention_entities([(first, mentions[0].id), (second, mentions[1].id)])
        store.add_observations(first, "a", Counter({"Zelensky": 1}), Counter({"PER": 1}))
        store.add_observations(first, "a", Counter({"Zelensky": 2}), Counter({"PER": 2}))
        store.add_observations(second, "a", Counter({"Zelenski": 1}), Counter({"PER": 1}))
        store.merge_entities(second, first)
    assert sorted(store.keys_of(first, "name")) == ["zelenski", "zelensky"]
    assert store.resolve_id(second) == first
    assert [e[0] for e in store.entities_by_key("zelenski", "name")] == [first]
    assert store.entity_variants(first) == [("Zelensky", 3), ("Zelenski", 1)]
    row = store.entity_row(first)
    assert row["mention_count"] == 4 and row["multiword"] == 1 and row["merged_into"] is None
    assert store.entities_in_article("a") == [first]
    assert store.mentions_for_articles(["a"], unlinked_only=True) == []


# --------------------------------------------------------------------------- clustering state
def test_cluster_state_and_assignments(store):
    save(store, art("a", "Eerste."), art("b", "Tweede."))
    with store.transaction():
        sid = store.create_cluster("storyline")
        e1, e2 = store.create_cluster("event"), store.create_cluster("event")
        assert e2 == e1 + 1
        for eid, day in ((e1, "2022-02-27"), (e2, "2022-02-28")):
            store.save_cluster("event", eid, title=f"E{eid}", parent=sid, state={"n": 1, "day": [1]},
                               first_date=day, last_date=day, date=day, date_precision="day", n=1, last_seq=eid,
                               keys=["l:gesprek", f"l:only{eid}"])
        store.save_assignments([Assignment("a", e1, score=0.5), Assignment("b", e1, score=0.7)])
        store.save_assignments([Assignment("a", e2, score=0.9, estimated_date="2022-02-28", date_precision="day")])
        store.add_doc_freqs({"gesprek": 2, "belarus": 1})
        store.add_doc_freqs({"gesprek": 1})
        store.set_cluster_meta("seq", 2)
        store.set_cluster_meta("seq", 3)
    assert store.load_cluster("event", e1).state == {"n": 1, "day": [1]}
    assert store.load_cluster("event", e2).parent == sid
    assert store.cluster_candidates("event", ["l:gesprek", "l:only2"], 0, 10) == [e2, e1]
    assert store.event_of_article("a") == e2 and store.event_of("b") == e1
    assert store.article_scope("a") == (e2, sid)
    assert store.doc_freqs(["gesprek", "belarus", "nieuw"]) == {"gesprek": 3, "belarus": 1}
    assert store.cluster_meta("seq") == "3" and store.cluster_meta("none", "x") == "x"
    assert store.get_article("a").estimated_date == "2022-02-28"
    assert store.event_ids() == [e1, e2]
    assert has_table(store.conn, "events") and not has_table(store.conn, "no_such_table")


# --------------------------------------------------------------------------- quotes and figures
def test_annotations_are_replaced_and_ids_follow_sqlite_rules(store):
    save(store, art("a", "Tekst a."), art("b", "Tekst b."))
    with store.transaction():
        store.save_annotations("a", Annotations(language="nl", mentions=(), quotes=(quote("We praten.", 0),
                                                                                  quote("Vrede nu.", 20)),
                                                figures=(figure(102, 5), figure(352, 30))))
    first = store.article_quotes("a")
    assert [q["norm"] for q in first] == ["we praten.", "vrede nu."]
    with store.transaction():  # re-annotation replaces: the freed top ids are given again, as SQLite does
        store.save_annotations("a", Annotations(language="nl", mentions=(), quotes=(quote("We praten.", 0),)))
        store.save_annotations("b", Annotations(language="nl", mentions=(), quotes=(quote("We praten.", 3),),
                                                figures=(figure(352, 7),)))
    ids = [q["id"] for q in store.article_quotes("a")] + [q["id"] for q in store.article_quotes("b")]
    assert ids == [first[0]["id"], first[0]["id"] + 1]
    with store.transaction():
        store.merge_quotes(ids[0], ids[1])
    assert [q["id"] for q in store.article_quotes("b")] == [ids[0]]
    figures = store.article_figures("b")
    assert [f["value"] for f in figures] == [352.0]
    with store.transaction():
        did = store.save_disagreement("dode", None, None, None, [figures[0]["id"], figures[0]["id"]])
        assert store.save_disagreement("dode", None, None, None, [figures[0]["id"]]) == did


# --------------------------------------------------------------------------- watching and alerts
def test_watch_state_alerts_and_follows(store):
    from storyline.store.alerts import WatchState

    save(store, art("a", "Tekst a.", source="NOS"), art("b", "Tekst b.", source="RTL"))
    state = WatchState(store)
    with store.transaction():
        state.save_source_state("feed", etag="e1", last_modified=None, polled=1.0, next_poll=2.0, failures=0,
                                error=None)
        state.save_source_state("feed", etag="e2", last_modified="x", polled=3.0, next_poll=4.0, failures=1,
                                error="timeout")
        state.mark_items("feed", [("i1", "a", "stored"), ("i2", None, "failed")], at=5.0)
        state.mark_items("feed", [("i1", None, "stored"), ("i2", None, "failed")], at=6.0)
        state.record_arrivals(["a", "b", "a"], at=10.0)
        first = state.add_alert(kind="new", key="k1", created_at=10.0, title="Nieuw", detail={"n": 1})
        again = state.add_alert(kind="new", key="k1", created_at=11.0, title="Nieuw", detail={"n": 1})
        second = state.add_alert(kind="burst", key="k2", created_at=12.0, title=None, detail={})
        state.record_delivery(first, "stdout", status="failed", attempts=1, error="x", at=10.0)
        state.record_delivery(first, "stdout", status="failed", attempts=1, error="y", at=11.0)
        eid = store.create_entity("Mark Rutte", "PER", "mark rutte")
        store.update_entity(eid, mention_count=3)
        follow = state.add_follow("entity", eid, at=1.0)
        assert state.add_follow("entity", eid, at=2.0) == follow
        state.advance_follow(follow, event_id=5, quote_id=0, disagreement_id=2)
        state.advance_follow(follow, event_id=3, quote_id=1, disagreement_id=0)
    assert state.source_state("feed")["etag"] == "e2" and state.source_state("feed")["failures"] == 1
    items = state.item_states("feed", ["i1", "i2", "i3"])
    assert items["i1"]["article_id"] == "a" and items["i1"]["attempts"] == 2 and items["i2"]["attempts"] == 2
    assert state.stream_count(0.0, 10.0) == 2 and state.first_arrival() == 10.0
    assert first is not None and again is None and second == first + 1
    assert [a["key"] for a in state.alerts()] == ["k2", "k1"] and state.alerts()[1]["detail"] == {"n": 1}
    assert state.failed_deliveries(max_attempts=3, since=0.0) == [{"alert_id": first, "sink": "stdout", "attempts": 2}]
    assert state.find_entity("mark RUTTE") == eid and state.entity_name(eid) == "Mark Rutte"
    (row,) = state.follows()
    assert (row["last_event_id"], row["last_quote_id"], row["last_disagreement_id"]) == (5, 1, 2)
    with store.transaction():
        assert state.remove_follow("entity", eid) and not state.remove_follow("entity", eid)


def test_sqlite_conflict_clauses_mean_the_same_on_every_backend(store):
    # The store's SQL is written once (SQLite's dialect); these clauses are what PostgreSQL must mimic exactly.
    with store.transaction() as conn:
        assert [store.create_entity(n, "PER", n.lower()) for n in ("A", "B")] == [1, 2]
        conn.executemany("INSERT OR IGNORE INTO entity_keys (key, kind, entity_id) VALUES (?,?,?)",
                         [("a", "name", 1), ("b", "name", 1), ("a", "name", 2), ("a", "name", 1)])
        conn.execute("UPDATE OR IGNORE entity_keys SET entity_id = ? WHERE entity_id = ?", (2, 1))
        conn.execute("INSERT OR REPLACE INTO cluster_meta (key, value) VALUES (?, ?)", ("seq", "1"))
        conn.execute("INSERT OR REPLACE INTO cluster_meta (key, value) VALUES (?, ?)", ("seq", "2"))
    rows = sorted(tuple(r) for r in store.conn.execute("SELECT key, kind, entity_id FROM entity_keys"))
    assert rows == [("a", "name", 1), ("a", "name", 2), ("b", "name", 2)]  # the colliding row was skipped
    assert [tuple(r) for r in store.conn.execute("SELECT key, value FROM cluster_meta")] == [("seq", "2")]
    assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                              ("entity_keys",)).fetchone() is not None
