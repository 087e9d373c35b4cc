"""The processing stages that run on each stored batch, in order, inside its transaction.

Each stage is a plain function ``stage(store, conn, articles) -> None``. Ingest stores
the articles; ``enrich`` annotates each article alone (entity mentions, quotes,
figures, time expressions); ``cluster`` assigns them online to events and
storylines; ``link`` works across articles (one entity per real thing, one quote
reported by many outlets, disagreements between sources). Keeping the list here lets the CLI, the API and the benchmark
share one pipeline.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from storyline import prefetch
from storyline.cluster import EventClusterer, embedding_inputs
from storyline.records import Article
from storyline.settings import Settings, get_settings
from storyline.store import Store

Stage = Callable[[Store, sqlite3.Connection, list[Article]], None]


class ClusterStage:
    """The clusterer on a stored batch: its inputs read back from the store, its assignments written to it.

    (Until the runner hands the enrich stage's records to ``EventClusterer.learn_many`` directly.)
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self._store: Store | None = None
        self._clusterer: EventClusterer | None = None

    def __call__(self, store: Store, conn: sqlite3.Connection, articles: list[Article]) -> None:
        if not articles:
            return
        if self._clusterer is None or self._store is not store:
            self._store, self._clusterer = store, EventClusterer(store, self.settings.cluster)
        ids = [a.id for a in articles]
        mentions = {k: [_Text(t) for t in v] for k, v in store.article_mention_texts(ids).items()}
        quotes = {k: [_Text(t, "direct", n) for n, t in enumerate(v)]
                  for k, v in store.article_direct_quotes(ids).items()}
        embeddings = prefetch.take_embeddings(embedding_inputs(articles))  # computed ahead by a worker process
        store.save_assignments(self._clusterer.learn_many(articles, mentions, quotes, embeddings))


@dataclass(frozen=True)
class _Text:
    """A stored mention or quote as the clusterer reads it."""

    text: str
    kind: str | None = None
    start: int = 0


def default_stages(settings: Settings | None = None) -> list[tuple[str, Stage]]:
    stages: list[tuple[str, Stage]] = []
    try:
        from storyline.enrich.stage import enrich_batch
    except ImportError:
        enrich_batch = None
    if enrich_batch is not None:
        stages.append(("enrich", enrich_batch))
    stages.append(("cluster", ClusterStage(settings)))
    try:
        from storyline.enrich.stage import link_batch
    except ImportError:
        link_batch = None
    if link_batch is not None:
        stages.append(("link", link_batch))
    return stages


def make_batch_handler(store: Store, stages: list[tuple[str, Stage]] | None = None,
                       timings: dict[str, float] | None = None, settings: Settings | None = None):
    import time

    stages = default_stages(settings) if stages is None else stages

    def handle(articles: list[Article]) -> None:
        conn = store.conn
        for name, stage in stages:
            t0 = time.perf_counter()
            stage(store, conn, articles)
            if timings is not None:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

    return handle
