"""EventClusterer: records in, assignments out; the articles untouched; predict_one changes nothing."""

import copy
from types import SimpleNamespace

import numpy as np
import pytest

from storyline.cluster import EventClusterer, OnlineClusterer, embedding_inputs
from storyline.cluster.online import MemoryBackend
from storyline.cluster.signals import Signals, date_interval
from storyline.ingest.readers import article_from_record
from storyline.records import Assignment
from storyline.settings import ClusterSettings

TALKS = [
    ("nos-1", "2022-02-28", "Gesprekken tussen Rusland en Oekraïne in Belarus begonnen",
     "De delegaties van Rusland en Oekraïne zijn maandagochtend in Belarus aan tafel gegaan. Minister Reznikov "
     "leidt de Oekraïense delegatie, Medinski de Russische. Kiev eist een staakt-het-vuren."),
    ("ad-1", "2022-02-28", "Russische en Oekraïense delegaties praten in Belarus",
     "In Belarus zijn maandag de onderhandelingen tussen Rusland en Oekraïne begonnen. De Oekraïense delegatie "
     "onder leiding van Reznikov vraagt om een staakt-het-vuren; Medinski leidt de Russische delegatie."),
]
FLOOD = ("rtl-1", "2022-02-28", "Zware overstromingen in Limburg na hevige regen",
         "Na dagen van hevige regen zijn delen van Zuid-Limburg overstroomd. De Geul trad buiten haar oevers in "
         "Valkenburg; bewoners worden geëvacueerd en de brandweer zet pompen in.")
# No publication date: the clusterer dates it from its event.
UNDATED = ("nrc-1", None, "Onderhandelingen Rusland en Oekraïne in Belarus van start",
           "Rusland en Oekraïne zijn in Belarus begonnen met onderhandelingen. Reznikov leidt de Oekraïense "
           "delegatie en Medinski de Russische; Kiev wil een staakt-het-vuren.")


def _articles(rows):
    return [article_from_record({"id": i, "source": i.split("-")[0], "published": d, "title": t, "text": x,
                                 "language": "nl"}, "test") for i, d, t, x in rows]


def _stored(store, articles):
    with store.transaction() as conn:
        for a in articles:
            store.save_article(a)
    return articles


def _clustering_tables(store) -> dict:
    tables = ("events", "storylines", "event_keys", "storyline_keys", "event_articles", "cluster_df",
              "cluster_meta", "articles")
    return {t: sorted(map(tuple, store.conn.execute(f"SELECT * FROM {t}").fetchall()), key=repr) for t in tables}


def test_learn_many_returns_one_assignment_per_article_and_leaves_the_articles_alone(store):
    articles = _stored(store, _articles(TALKS + [FLOOD, UNDATED]))
    before = copy.deepcopy(articles)
    mentions = {"nos-1": [SimpleNamespace(text="Reznikov"), SimpleNamespace(text="Medinski")]}
    quotes = {"rtl-1": [SimpleNamespace(kind="direct", text="We hebben nog nooit zoveel water gezien", start=5),
                        SimpleNamespace(kind="indirect", text="het water stijgt", start=1)]}
    clusterer = EventClusterer(store, ClusterSettings())
    with store.transaction():
        got = clusterer.learn_many(articles, mentions, quotes)
    assert articles == before  # not a field changed
    assert all(isinstance(a, Assignment) for a in got)
    assert [a.article_id for a in got] == [a.id for a in articles]
    by_id = {a.article_id: a for a in got}
    assert by_id["nos-1"].event_id == by_id["ad-1"].event_id == by_id["nrc-1"].event_id != by_id["rtl-1"].event_id
    assert by_id["nos-1"].storyline_id == by_id["ad-1"].storyline_id is not None
    assert by_id["ad-1"].score > 0.5
    # The undated article is dated from its event; the store keeps that only when the runner saves it.
    assert (by_id["nrc-1"].estimated_date, by_id["nrc-1"].date_precision) == ("2022-02-28", "estimated")
    assert by_id["nos-1"].estimated_date is None
    assert store.get_article("nrc-1").estimated_date is None
    with store.transaction():
        store.save_assignments(got)
    assert store.get_article("nrc-1").estimated_date == "2022-02-28"
    assert store.event_of_article("ad-1") == by_id["ad-1"].event_id


def test_learn_many_with_precomputed_embeddings_gives_the_same_assignments(tmp_path):
    from storyline.cluster.signals import embed_texts
    from storyline.store import Store

    results = []
    for name, ahead in (("inline", False), ("ahead", True)):
        store = Store(tmp_path / f"{name}.db")
        articles = _stored(store, _articles(TALKS + [FLOOD]))
        embeddings = embed_texts(embedding_inputs(articles)) if ahead else None
        with store.transaction():
            results.append(EventClusterer(store, ClusterSettings()).learn_many(articles, embeddings=embeddings))
        store.close()
    assert results[0] == results[1]


def test_settings_set_the_thresholds(store):
    articles = _stored(store, _articles(TALKS))
    strict = EventClusterer(store, ClusterSettings(event_threshold=0.99999, event_threshold_undated=0.99999))
    with store.transaction():
        got = strict.learn_many(articles)
    assert got[0].event_id != got[1].event_id


def test_a_failed_batch_drops_the_cached_state(store):
    articles = _stored(store, _articles(TALKS))
    clusterer = EventClusterer(store, ClusterSettings())
    with store.transaction():
        clusterer.learn_many(articles[:1])
    assert clusterer._backend is not None and clusterer._backend.cache
    with pytest.raises(ValueError):
        with store.transaction():
            clusterer.learn_many(articles[1:], embeddings=np.zeros((3, 4), dtype=np.float32))
    assert clusterer._backend is None


def test_predict_one_says_where_an_article_would_go_and_changes_nothing(store):
    articles = _stored(store, _articles(TALKS + [FLOOD]))
    clusterer = EventClusterer(store, ClusterSettings())
    with store.transaction():
        first = {a.article_id: a for a in clusterer.learn_many([articles[0], articles[2]])}
    before = _clustering_tables(store)
    cached = {k: c.to_state() for k, c in clusterer._backend.cache.items()}
    prediction = clusterer.predict_one(articles[1])
    assert prediction.event_id == first["nos-1"].event_id
    assert prediction.storyline_id == first["nos-1"].storyline_id
    assert _clustering_tables(store) == before
    assert {k: c.to_state() for k, c in clusterer._backend.cache.items() if k in cached} == cached
    # Learning it afterwards puts it where the prediction said.
    with store.transaction():
        (learned,) = clusterer.learn_many([articles[1]])
    assert learned.event_id == prediction.event_id and learned.score == pytest.approx(prediction.score)


def _sig(direction, words, day="2022-02-03"):
    emb = np.zeros(512, dtype=np.float32)
    emb[direction] = 1.0
    lex = {w: 1 / np.sqrt(len(words)) for w in words}
    return Signals(emb=emb, lex=lex, names=dict(lex), interval=date_interval(day), language="nl")


def test_online_predict_one_is_read_only():
    backend = MemoryBackend()
    c = OnlineClusterer(backend)
    first = c.learn_one(_sig(0, ["overleg", "belarus", "delegatie"]), 1, True, "Overleg")
    state = ({k: v.to_state() for k, v in backend.clusters.items()}, copy.deepcopy(backend.postings),
             dict(backend.next_id), copy.deepcopy(backend.indexed))
    same = c.predict_one(_sig(0, ["overleg", "belarus", "delegatie"]), 2)
    other = c.predict_one(_sig(5, ["storm", "limburg", "regen"]), 2)
    assert same.event_id == first.event_id and same.storyline_id == first.storyline_id and same.score > 0.5
    assert other.event_id is None
    assert state == ({k: v.to_state() for k, v in backend.clusters.items()}, backend.postings,
                     dict(backend.next_id), backend.indexed)
    assert c.learn_one(_sig(0, ["overleg", "belarus", "delegatie"]), 2, True).event_id == same.event_id
