"""Lever 2 (storyline.prefetch): models run ahead in a worker process; the store must be the same as without."""

from __future__ import annotations

import sqlite3

from storyline.ingest.pipeline import Ingester
from storyline.ingest.readers import finish_article
from storyline.pipeline import make_batch_handler
from storyline.prefetch import Prefetcher
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
    worker = Prefetcher() if prefetch else None
    try:
        summary = Ingester(store, batch_size=5).ingest(iter(_corpus()), on_batch=make_batch_handler(store),
                                                       prefetch=worker)
        hits = worker.hits if worker else 0
    finally:
        if worker:
            worker.close()
        store.close()
    with sqlite3.connect(db) as conn:
        mentions = conn.execute('SELECT article_id, text, type, start, "end", sentence, entity_id FROM mentions '
                                "ORDER BY id").fetchall()
        events = conn.execute("SELECT article_id, event_id, score FROM event_articles ORDER BY article_id").fetchall()
    return {**summary.to_json(), "hits": hits}, mentions, events


def test_prefetch_stores_identical_mentions_and_events(tmp_path):
    plain, plain_mentions, plain_events = _run(tmp_path / "plain.db", prefetch=False)
    ahead, ahead_mentions, ahead_events = _run(tmp_path / "ahead.db", prefetch=True)
    assert plain["new"] == ahead["new"] == 24 and plain["duplicates"] == ahead["duplicates"] == 2
    assert ahead["hits"] == 6  # every batch was computed ahead by the worker, none failed
    assert plain_events and len(plain_events) == 24
    # Same scores to the last bit: the embeddings are identical, not merely close.
    assert ahead_events == plain_events
    assert ahead_mentions == plain_mentions


def test_prefetch_stores_mentions_when_a_model_is_installed(tmp_path):
    from storyline.enrich import ner

    if "nl" not in ner.available_languages():
        import pytest

        pytest.skip("no Dutch NER model installed (make train-ner)")
    _, mentions, _ = _run(tmp_path / "ahead.db", prefetch=True)
    assert {m[1] for m in mentions} >= {"Amsterdam", "Rotterdam"}


def test_stages_compute_inline_when_nothing_was_prefetched(tmp_path):
    from storyline import prefetch

    prefetch.clear()
    articles = _corpus()[:4]
    found, missing = prefetch.take_mentions(articles)
    assert found == {} and missing == articles
    assert prefetch.take_embeddings(["iets"]) is None
