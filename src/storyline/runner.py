"""One runner owns a batch: the pure stages, then the store, then the clusterer, then the link work.

    summary = ingest(store, read_path("news.jsonl"))          # CLI, API and benchmark call this
    runner = Runner(store); runner.run_batch(stored_articles)  # inside a transaction, articles stored

For each batch of newly stored articles (inside the batch's transaction, so it lands whole or not at all),
:meth:`Runner.run_batch`

1. runs the enrichment stages of :mod:`storyline.enrich.registry` on the records (no database access);
   the model outputs (NER mentions, syntax parses, sentence embeddings) may come precomputed from an executor;
2. stores the annotations (:meth:`storyline.store.Store.save_annotations_many`);
3. assigns events and storylines (:class:`storyline.cluster.EventClusterer`) and stores the dates it refined;
4. links across articles (:func:`storyline.enrich.link.link_batch`: entities, speakers, shared quotes,
   disagreements).

:meth:`Runner.prepare` computes beforehand, outside the transaction, whatever of these reads no store (the
annotations, the clusterer's per-article inputs and signal keys, entity linking's name groups and places), so
the transaction holds only the store's reads and writes; a plan made for other mentions than the stored ones
is not used (the work is then done inside, with the same result).

Executors: :class:`ProcessExecutor` computes the model outputs of batch *n+1* in a worker process while
batch *n* is stored (both cores); it returns them as values and writes nothing, so every write stays in
the batch transaction. Results are bit-identical to inline runs: NER is per text, and the embedder is
called with exactly the texts and order the clusterer uses (``cluster.embedding_inputs``); the encoder pads
to the longest text of a call, so vectors are only reused for the very same call.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from contextlib import nullcontext
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from storyline.cluster import EventClusterer, embedding_inputs
from storyline.cluster import stage as cluster_stage
from storyline.cluster.stage import article_inputs, article_signal_parts, inputs_key
from storyline.enrich.link import link_batch, plan_batch
from storyline.enrich.places import get_gazetteer
from storyline.enrich.registry import annotate
from storyline.enrich.stages import parse_sentences_many, recognise_mentions
from storyline.ingest.dedup import WINDOW
from storyline.ingest.pipeline import Ingester, IngestSummary
from storyline.ingest.readers import ReadError
from storyline.model_outputs import ModelOutputs, _embedding_key, _model_key, compute_batch_outputs, \
    compute_model_outputs, warm as _warm, warn_once
from storyline.records import Annotations, Article, Assignment
from storyline.settings import Settings, get_settings
from storyline.store import Store

LOGGER = logging.getLogger(__name__)

__all__ = ["Runner", "BatchResult", "ModelOutputs", "compute_model_outputs", "compute_batch_outputs", "InlineExecutor",
           "ProcessExecutor", "make_executor", "ingest", "IngestSummary", "STEPS"]

STEPS = ("enrich", "cluster", "link")  # the timed steps of a batch, in order


# --------------------------------------------------------------------------- executors
class InlineExecutor:
    """Computes nothing ahead: the runner runs every model inline, batch by batch."""

    ahead = False  # batches are stored as they are read, with no overlap

    def submit(self, articles: Sequence[Article]) -> None:
        return None

    def collect(self, handle: None) -> ModelOutputs | None:
        return None

    def close(self) -> None:
        pass

    def __enter__(self) -> "InlineExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the main process is gone (killed mid-ingest), instead of idling on."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="executor-parent-watch").start()


class ProcessExecutor:
    """One worker process computes the next batch's model outputs while the main process stores this one.

    A worker that fails or dies costs nothing but time: that batch (and, with a broken pool, every later
    one) is computed inline, with the same results.
    """

    ahead = True  # batch n+1 is handed over before batch n is stored

    def __init__(self, ner: bool = True, embed: bool = True, syntax: bool | None = None):
        self.ner, self.embed = ner, embed
        self.syntax = ner if syntax is None else syntax  # the parses travel with the mentions by default
        # spawn, not fork: the main process holds SQLite connections and BLAS threads.
        self._pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_exit_with_parent,
                                         initargs=(os.getpid(),))
        self._ready = self._pool.submit(_warm, ner, embed, self.syntax)
        self._warned: set[str] = set()
        self.hits = 0
        self.failures = 0

    def wait_ready(self) -> None:
        self._ready.result()

    def submit(self, articles: Sequence[Article]) -> Future | None:
        try:
            return self._pool.submit(compute_model_outputs, list(articles), self.ner, self.embed, self.syntax)
        except Exception as exc:  # a broken pool: every later batch is computed inline
            self.failures += 1
            LOGGER.warning("model worker unavailable (%s); computing inline", exc)
            return None

    def collect(self, handle: Future | None) -> ModelOutputs | None:
        """The outputs of a submitted batch; None (compute inline) when the worker failed."""
        if handle is None:
            return None
        try:
            result: ModelOutputs = handle.result()
        except Exception as exc:  # e.g. the worker died: the stages compute inline, results unchanged
            self.failures += 1
            LOGGER.warning("model worker failed (%s); computing this batch inline", exc)
            return None
        warn_once(result.warnings, self._warned)
        self.hits += 1
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ProcessExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------- the runner
@dataclass(frozen=True)
class BatchResult:
    """What one batch became: its articles (with refined dates), their annotations and assignments."""

    articles: tuple[Article, ...]
    annotations: dict[str, Annotations]
    assignments: tuple[Assignment, ...]


class Runner:
    """Runs the stages on stored batches; holds the clusterer (and its cache) for the life of the runner.

    Args:
        store: the store the batches are written to.
        settings: the settings (default: :func:`storyline.settings.get_settings`).
        executor: computes model outputs ahead (:class:`ProcessExecutor`); default inline.
        steps: the steps to run, a subset of :data:`STEPS` (evaluation clusters without enrichment).
    """

    def __init__(self, store: Store, settings: Settings | None = None, *, executor=None,
                 steps: Sequence[str] = STEPS):
        unknown = set(steps) - set(STEPS)
        if unknown:
            raise ValueError(f"Unknown runner steps {sorted(unknown)}; the steps are {', '.join(STEPS)}")
        self.steps = tuple(s for s in STEPS if s in steps)
        self.store = store
        self.settings = settings or get_settings()
        self.executor = executor if executor is not None else InlineExecutor()
        self.clusterer = EventClusterer(store, self.settings.cluster)
        self.timings: dict[str, float] = {}  # step -> seconds, summed over batches

    def prepare(self, articles: Sequence[Article], models: ModelOutputs | None = None) -> ModelOutputs:
        """Everything of a batch that needs no database, computed before its write transaction opens: the
        model outputs not computed ahead, the annotations, the clusterer's per-article inputs and signal keys,
        and entity linking's plans (name groups, gazetteer places). The same values ``run_batch`` would compute
        inline (results are identical); it only keeps the lock short."""
        articles = list(articles)
        models = models or ModelOutputs()
        if not articles:
            return models
        # Timed under the step each part belongs to (the steps' times keep meaning what they measured).
        t0 = time.perf_counter()
        mentions_by_key = dict(models.mentions)
        annotations: dict = {}
        if "enrich" in self.steps:
            # Articles a worker annotated already (DaskExecutor) are not annotated again.
            annotations = {_model_key(a): models.annotations[_model_key(a)] for a in articles
                           if _model_key(a) in models.annotations}
            todo = [a for a in articles if _model_key(a) not in annotations]
            found, missing = models.mentions_for(todo)
            if missing:
                computed = recognise_mentions(missing)
                for a in missing:
                    mentions_by_key[_model_key(a)] = computed.get(a.id)
                found.update(computed)
            parses = models.parses_for(todo)
            unparsed = [a for a in todo if a.id not in parses]
            if unparsed:  # one model call for the batch, not one per article
                parses.update(parse_sentences_many(unparsed))
            annotations.update({_model_key(a): annotate(a, found.get(a.id), {"parses": parses[a.id]}) for a in todo})
            t0 = self._timed("enrich", t0)
        embeddings, key, inputs, parts = models.embeddings, models.embedding_key, {}, {}
        if "cluster" in self.steps:
            if models.embeddings_for(articles) is None:
                # Through the cluster stage's name, as the clusterer itself embeds (benchmark probes and
                # caches wrap that one).
                embeddings = cluster_stage.embed_texts(embedding_inputs(articles))
                key = _embedding_key(articles)
            inputs = {inputs_key(a): models.cluster_inputs.get(inputs_key(a)) or article_inputs(a) for a in articles}
            for a in articles:  # with the annotations run_batch will pass (the prepared ones)
                ready = annotations.get(_model_key(a))
                if ready is not None or "enrich" not in self.steps:
                    parts[_model_key(a)] = article_signal_parts(
                        a, ready.mentions if ready is not None else None, ready.quotes if ready is not None else None)
            t0 = self._timed("cluster", t0)
        plans: dict = {}
        if "link" in self.steps:
            try:
                get_gazetteer()  # built once per process (seconds): before the lock, not inside the first batch's
            except Exception:  # linking reports a missing gazetteer itself
                LOGGER.debug("gazetteer not loaded ahead", exc_info=True)
            else:
                # Entity linking's store-independent part (groups of names, gazetteer places), from the
                # mentions about to be stored; run_batch checks they are the stored ones.
                by_id = {a.id: annotations[_model_key(a)].mentions for a in articles if _model_key(a) in annotations}
                plans = {_model_key(a): plan for a in articles
                         for plan in [plan_batch([a], by_id).get(a.id)] if plan is not None}
            self._timed("link", t0)
        return replace(models, mentions=mentions_by_key, embedding_key=key, embeddings=embeddings,
                       annotations=annotations, cluster_inputs=inputs, link_plans=plans, signal_parts=parts)

    def run_batch(self, articles: Sequence[Article], models: ModelOutputs | None = None) -> BatchResult:
        """Enrich, store, cluster and link a batch of stored articles, inside the caller's transaction
        (with ``models`` from :meth:`prepare`, only the database work is left for the transaction)."""
        articles = list(articles)
        if not articles:
            return BatchResult((), {}, ())
        models = models or ModelOutputs()

        annotations: dict[str, Annotations] = {}
        assignments: list[Assignment] = []
        prepared: set[str] = set()  # articles whose annotations are the prepared ones
        if "enrich" in self.steps:
            t0 = time.perf_counter()
            mentions, missing = models.mentions_for(articles)
            if missing:
                mentions.update(recognise_mentions(missing))
            for a in articles:
                ready = models.annotations.get(_model_key(a))
                annotations[a.id] = ready if ready is not None else annotate(a, mentions.get(a.id))
                if ready is not None:
                    prepared.add(a.id)
            self.store.save_annotations_many([(a.id, annotations[a.id]) for a in articles])
            self._timed("enrich", t0)
        if "cluster" in self.steps:
            t0 = time.perf_counter()
            assignments = self.clusterer.learn_many(
                articles, {i: list(x.mentions or ()) for i, x in annotations.items()},
                {i: list(x.quotes) for i, x in annotations.items()}, models.embeddings_for(articles),
                models.cluster_inputs,
                {a.id: models.signal_parts[_model_key(a)] for a in articles if _model_key(a) in models.signal_parts
                 and (a.id in prepared or "enrich" not in self.steps)})
            self.store.save_assignments(assignments)  # before linking: entity linking reads the events
            dated = {x.article_id: x for x in assignments if x.estimated_date is not None}
            articles = [replace(a, estimated_date=dated[a.id].estimated_date,
                                date_precision=dated[a.id].date_precision) if a.id in dated else a for a in articles]
            self._timed("cluster", t0)
        if "link" in self.steps:
            t0 = time.perf_counter()
            link_batch(self.store, articles, plans={a.id: models.link_plans[_model_key(a)] for a in articles
                                                    if _model_key(a) in models.link_plans})
            self._timed("link", t0)
        return BatchResult(tuple(articles), annotations, tuple(assignments))

    def ingest(self, items: Iterable[Article | ReadError], *, summary: IngestSummary | None = None,
               progress: Callable[[int], None] | None = None, batch_size: int | None = None,
               dedup_window: int | None = WINDOW,
               on_result: Callable[[BatchResult], None] | None = None) -> IngestSummary:
        """Store ``items`` in batches (one transaction each) and run the stages on every batch;
        ``on_result`` sees each batch's :class:`BatchResult` (inside its transaction)."""
        ingester = Ingester(self.store, batch_size=batch_size or self.settings.ingest.batch_size,
                            dedup_window=dedup_window)

        def on_batch(stored: list[Article], models: ModelOutputs | None) -> None:
            result = self.run_batch(stored, models)
            if on_result is not None:
                on_result(result)

        return ingester.ingest(items, summary=summary, on_batch=on_batch, progress=progress,
                               executor=self.executor if self.executor.ahead else None, prepare=self.prepare)

    def _timed(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[step] = self.timings.get(step, 0.0) + now - since
        return now


def ingest(store: Store, items: Iterable[Article | ReadError], *, settings: Settings | None = None,
           prefetch: bool | None = None, progress: Callable[[int], None] | None = None,
           batch_size: int | None = None, executor=None, exclusive: bool = True) -> IngestSummary:
    """Read ``items`` into ``store``: deduplicate, store, enrich, cluster and link, batch by batch.

    Args:
        store: where the articles go.
        items: articles (and read errors, which are counted) from :mod:`storyline.ingest.readers`.
        settings: default :func:`storyline.settings.get_settings`.
        prefetch: compute the next batch's models in a worker process (default ``settings.ingest.prefetch``);
            results are the same either way.
        progress: called with 1 for every item read.
        batch_size: articles per transaction (default ``settings.ingest.batch_size``).
        executor: computes batches ahead (closed here); default: a Dask cluster when ``settings.dask`` names
            workers or a scheduler (:class:`storyline.dask_executor.DaskExecutor`), else as ``prefetch`` says.
        exclusive: hold the store's driver lock for the whole ingest (a second driver is refused); short
            writers that may run beside a driver (an API post) pass False.

    Returns:
        What happened to the items (:class:`IngestSummary`).

    Raises:
        DriverLocked: another ingest drives this database.
        ClusterError: the Dask scheduler cannot be reached, or was lost (batches stored so far stay).
    """
    settings = settings or get_settings()
    with store.driver_lock() if exclusive else nullcontext():
        if executor is None:
            executor = make_executor(settings, prefetch)
        try:
            return Runner(store, settings, executor=executor).ingest(items, progress=progress,
                                                                     batch_size=batch_size)
        finally:
            executor.close()


def make_executor(settings: Settings, prefetch: bool | None = None):
    """The executor the settings ask for: Dask (``dask.scheduler`` or ``dask.workers``), else a model worker
    process (``prefetch``, default ``ingest.prefetch``), else inline."""
    if settings.dask.scheduler or settings.dask.workers:
        from storyline.dask_executor import DaskExecutor  # imported only when asked for: dask loads in seconds

        return DaskExecutor.from_settings(settings.dask)
    use_worker = settings.ingest.prefetch if prefetch is None else prefetch
    return ProcessExecutor() if use_worker else InlineExecutor()
