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
from typing import Callable

from storyline.records import Article
from storyline.store import Store

Stage = Callable[[Store, sqlite3.Connection, list[Article]], None]


def default_stages() -> list[tuple[str, Stage]]:
    stages: list[tuple[str, Stage]] = []
    try:
        from storyline.enrich.stage import enrich_batch
    except ImportError:
        enrich_batch = None
    if enrich_batch is not None:
        stages.append(("enrich", enrich_batch))
    try:
        from storyline.cluster.stage import cluster_batch
    except ImportError:
        cluster_batch = None
    if cluster_batch is not None:
        stages.append(("cluster", cluster_batch))
    try:
        from storyline.enrich.stage import link_batch
    except ImportError:
        link_batch = None
    if link_batch is not None:
        stages.append(("link", link_batch))
    return stages


def make_batch_handler(store: Store, stages: list[tuple[str, Stage]] | None = None,
                       timings: dict[str, float] | None = None):
    import time

    stages = default_stages() if stages is None else stages

    def handle(articles: list[Article]) -> None:
        conn = store.conn
        for name, stage in stages:
            t0 = time.perf_counter()
            stage(store, conn, articles)
            if timings is not None:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

    return handle
