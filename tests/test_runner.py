"""The runner: the same store inline and with the models computed ahead by a worker process (executor)."""

from __future__ import annotations

import sqlite3

import pytest

from storyline.ingest.readers import finish_article
from storyline.records import Annotations, Assignment
from storyline.runner import (STEPS, BatchResult, InlineExecutor, ModelOutputs, ProcessExecutor, Runner,
                              compute_model_outputs, ingest)
from storyline.store import Store

PLACES = ["Amsterdam", "Rotterdam", "Utrecht", "Groningen", "Maastricht", "Zwolle", "Eindhoven"]
PEOPLE = ["Mark Rutte", "Sigrid Kaag", "Hugo de Jonge", "Wopke Hoekstra", "Femke Halsema", "Ahmed Aboutaleb"]
TOPICS = [
    ("Kabinet presenteert plan voor woningbouw in {p}",
     "Minister {n} heeft dinsdag in {p} een plan gepresenteerd om meer woningen te bouwen. Volgens {n} krijgen "
     "gemeenten meer geld. De oppositie noemt het plan onvoldoende."),
    ("Storm veroorzaakt schade in {p}",
     "Een zware storm heeft in de nacht van zondag op maandag in {p} veel schade aangericht. Burgemeester {n} "
     "sprak van een zware nacht. De brandweer rukte meer dan honderd keer uit."),
    ("Ajax wint van PSV",
     "Ajax heeft zondag in {p} met 3-1 gewonnen van PSV. {n} was op de tribune. PSV sprak van een "
     "verdiende nederlaag na een zwakke tweede helft."),
]


def _corpus() -> list:
    out = []
    for k in range(23):
        title, text = TOPICS[k % len(TOPICS)]
        place, person = PLACES[k % len(PLACES)], PEOPLE[(k * 5) % len(PEOPLE)]
        # Texts of different lengths per batch: the embedder pads to the longest text of a call.
        extra = " Het nieuws werd later bevestigd door de politie." * (k % 4)
        out.append(finish_article(id=f"gen-{k}", title=title.format(p=place), source="nos" if k % 2 else "nu",
                                  text=text.format(p=place, n=person) + extra,
                                  published=f"2024-03-{1 + k % 9:02d}", language="en" if k % 7 == 3 else "nl"))
    # An id repeated within a batch and one repeated in the next batch (duplicates, not stored twice),
    # and a republication under a new id (a copy).
    out.insert(3, out[1])
    out.insert(9, out[2])
    out.append(finish_article(id="gen-copy", title=out[0].title, text=out[0].text, source="ad",
                              published=out[0].published, language="nl"))
    return out


def _run(db, prefetch: bool) -> tuple[dict, list, list]:
    store = Store(str(db))
    executor = ProcessExecutor() if prefetch else InlineExecutor()
    try:
        summary = Runner(store, executor=executor).ingest(iter(_corpus()), batch_size=5)
        hits = executor.hits if prefetch else 0
    finally:
        executor.close()
        store.close()
    with sqlite3.connect(db) as conn:
        mentions = conn.execute('SELECT article_id, text, type, start, "end", sentence, entity_id FROM mentions '
                                "ORDER BY id").fetchall()
        events = conn.execute("SELECT article_id, event_id, score FROM event_articles ORDER BY article_id").fetchall()
        rest = {}
        for table in ("articles", "quotes", "quote_articles", "figures", "positions", "disagreements", "events",
                      "storylines", "entities"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if not r[1].endswith("_at")]
            select = ", ".join(f'"{c}"' for c in cols)
            rest[table] = conn.execute(f"SELECT {select} FROM {table} ORDER BY rowid").fetchall()
    return {**summary.to_json(), "hits": hits, "tables": rest}, mentions, events


def test_prefetch_stores_identical_mentions_and_events(tmp_path):
    plain, plain_mentions, plain_events = _run(tmp_path / "plain.db", prefetch=False)
    ahead, ahead_mentions, ahead_events = _run(tmp_path / "ahead.db", prefetch=True)
    assert plain["new"] == ahead["new"] == 24 and plain["duplicates"] == ahead["duplicates"] == 2
    assert ahead["hits"] == 6  # every batch was computed ahead by the worker, none failed
    assert plain_events and len(plain_events) == 24
    # Same scores to the last bit: the embeddings are identical, not merely close.
    assert ahead_events == plain_events
    assert ahead_mentions == plain_mentions
    for table, rows in plain["tables"].items():
        assert ahead["tables"][table] == rows, table


def test_prefetch_stores_mentions_when_a_model_is_installed(tmp_path):
    from storyline.enrich import ner

    if "nl" not in ner.available_languages():
        import pytest

        pytest.skip("no Dutch NER model installed (make train-ner)")
    _, mentions, _ = _run(tmp_path / "ahead.db", prefetch=True)
    assert {m[1] for m in mentions} >= {"Amsterdam", "Rotterdam"}


def test_nothing_computed_ahead_means_everything_inline():
    articles = _corpus()[:4]
    found, missing = ModelOutputs().mentions_for(articles)
    assert found == {} and missing == articles
    assert ModelOutputs().embeddings_for(articles) is None


def test_model_outputs_are_values_for_exactly_their_articles():
    articles = _corpus()[:3]
    out = compute_model_outputs(articles, ner=False, embed=True)
    assert out.embeddings is not None and out.embeddings.shape[0] == 3
    assert out.embeddings_for(articles) is out.embeddings
    assert out.embeddings_for(articles[:2]) is None  # another call would pad differently: not reused
    assert out.mentions_for(articles) == ({}, articles)  # NER not asked for: computed inline


def test_run_batch_returns_annotations_and_assignments_and_persists_dates(tmp_path):
    store = Store(str(tmp_path / "r.db"))
    try:
        results: list[BatchResult] = []
        summary = Runner(store).ingest(iter(_corpus()[:6]), batch_size=3, on_result=results.append)
        assert summary.new == 5 and len(results) == 2
        for result in results:
            assert set(result.annotations) == {a.id for a in result.articles}
            assert all(isinstance(x, Annotations) for x in result.annotations.values())
            assert [x.article_id for x in result.assignments] == [a.id for a in result.articles]
            assert all(isinstance(x, Assignment) for x in result.assignments)
            for a, x in zip(result.articles, result.assignments):
                stored = store.get_article(a.id)
                if x.estimated_date is not None:
                    assert (stored.estimated_date, a.estimated_date) == (x.estimated_date, x.estimated_date)
    finally:
        store.close()


def test_the_ingest_function_is_the_runner_with_settings(tmp_path):
    store = Store(str(tmp_path / "i.db"))
    try:
        summary = ingest(store, iter(_corpus()[:4]), prefetch=False)
        assert summary.new == 3 and summary.duplicates == 1
        assert store.count_articles() == 3
    finally:
        store.close()


def test_a_failing_batch_leaves_nothing_behind(tmp_path, monkeypatch):
    store = Store(str(tmp_path / "f.db"))
    runner = Runner(store)

    def broken(*args, **kwargs):
        raise RuntimeError("link failed")

    monkeypatch.setattr("storyline.runner.link_batch", broken)
    with pytest.raises(RuntimeError):
        runner.ingest(iter(_corpus()[:3]), batch_size=10)
    assert store.count_articles() == 0
    with sqlite3.connect(tmp_path / "f.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM event_articles").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == 0
    store.close()


def test_runner_steps_are_checked():
    with pytest.raises(ValueError, match="Unknown runner steps"):
        Runner(Store(":memory:"), steps=("enrich", "summarise"))
    assert Runner(Store(":memory:"), steps=("cluster",)).steps == ("cluster",)
    assert STEPS == ("enrich", "cluster", "link")
