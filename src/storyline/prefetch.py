"""Speed lever 2: the models of batch *n+1* run in a worker process while batch *n* is stored.

The worker computes only pure, per-article model outputs (NER mentions, sentence embeddings) and writes
nothing; the main process keeps every write inside the batch transaction, so crash safety is unchanged.
The stages ask this module for precomputed outputs and compute inline whatever is absent, so a stage
called without a prefetcher (tests, evaluation, the API) behaves exactly as before.

Results are bit-identical to inline runs: NER is per text, and the embedder is called with exactly the
texts and order the cluster stage will use (``cluster.stage.embedding_inputs``); the encoder pads to the
longest text of a call, so vectors are only reused when the call would be the same.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import warnings
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from storyline.records import Article

LOGGER = logging.getLogger(__name__)

# Installed for the batch being stored, cleared after it (see Ingester): bounded to one batch.
_mentions: dict[tuple[str, str, str | None], list | None] = {}
_embeddings: dict[tuple[str, ...], np.ndarray] = {}


def _key(a: Article) -> tuple[str, str, str | None]:
    return (a.id, a.content_hash, a.language)


def take_mentions(articles: list[Article]) -> tuple[dict[str, list], list[Article]]:
    """(article id -> precomputed mentions, articles with nothing precomputed). An article whose NER found
    no model (the inline path leaves it out) is also left out of the first dict, as inline."""
    found: dict[str, list] = {}
    missing: list[Article] = []
    for a in articles:
        key = _key(a)
        if key not in _mentions:
            missing.append(a)
        elif _mentions[key] is not None:
            found[a.id] = _mentions[key]
    return found, missing


def take_embeddings(texts: list[str]) -> np.ndarray | None:
    """Vectors precomputed for exactly this call, else None (compute inline)."""
    return _embeddings.get(tuple(texts))


def clear() -> None:
    _mentions.clear()
    _embeddings.clear()


@dataclass
class Prefetched:
    mentions: dict[tuple[str, str, str | None], list | None] = field(default_factory=dict)
    embeddings: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def compute(articles: list[Article], ner: bool = True, embed: bool = True) -> Prefetched:
    """The model outputs of one batch (runs in the worker; pure)."""
    out = Prefetched()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if ner:
            try:
                from storyline.enrich.stage import _recognise
            except ImportError:
                _recognise = None
            if _recognise is not None:
                found = _recognise(articles)
                out.mentions = {_key(a): found.get(a.id) for a in articles}
        if embed and articles:
            try:
                from storyline.cluster.signals import embed_texts
                from storyline.cluster.stage import embedding_inputs
            except ImportError:
                embed_texts = None
            if embed_texts is not None:
                texts = embedding_inputs(articles)
                out.embeddings = {tuple(texts): embed_texts(texts)}
    out.warnings = [str(w.message) for w in caught]
    return out


def _warm(ner: bool, embed: bool) -> None:
    """Load the models once per worker, before the first batch arrives."""
    if ner:
        try:
            from storyline.enrich import ner as ner_module

            langs = ner_module.available_languages() if hasattr(ner_module, "available_languages") else ["nl"]
            for lang in langs:
                ner_module.extract_entities_batch(["Warm up."], lang)
        except Exception:  # a missing model is reported by the stage itself, per batch
            pass
    if embed:
        try:
            from storyline.cluster.signals import embed_texts

            embed_texts(["warm up"])
        except Exception:
            pass


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the main process is gone (killed mid-ingest), instead of idling on."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="prefetch-parent-watch").start()


class Prefetcher:
    """One worker process (both cores: the worker runs the models, the main process stores and clusters)."""

    def __init__(self, ner: bool = True, embed: bool = True):
        self.ner, self.embed = ner, embed
        # spawn, not fork: the main process holds SQLite connections and BLAS threads.
        import os

        self._pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_exit_with_parent,
                                         initargs=(os.getpid(),))
        self._ready = self._pool.submit(_warm, ner, embed)
        self._warned: set[str] = set()
        self.hits = 0
        self.failures = 0

    def wait_ready(self) -> None:
        self._ready.result()

    def submit(self, articles: list[Article]) -> Future | None:
        try:
            return self._pool.submit(compute, articles, self.ner, self.embed)
        except Exception as exc:  # a broken pool: every later batch is computed inline
            self.failures += 1
            LOGGER.warning("prefetch worker unavailable (%s); computing inline", exc)
            return None

    def install(self, future: Future | None) -> None:
        """Make a batch's precomputed outputs available to the stages; on a worker failure, inline."""
        clear()
        if future is None:
            return
        try:
            result: Prefetched = future.result()
        except Exception as exc:  # e.g. the worker died: the stages compute inline, results unchanged
            self.failures += 1
            LOGGER.warning("prefetch worker failed (%s); computing this batch inline", exc)
            return
        for message in result.warnings:
            if message not in self._warned:
                self._warned.add(message)
                warnings.warn(message, RuntimeWarning, stacklevel=2)
        _mentions.update(result.mentions)
        _embeddings.update(result.embeddings)
        self.hits += 1

    def close(self) -> None:
        clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
