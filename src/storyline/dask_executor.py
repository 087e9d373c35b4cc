"""Distributed enrichment on Dask: the costly, database-free work of each batch runs on Dask workers.

    with DaskExecutor(workers=2) as executor:                     # a local cluster: 2 processes, 1 thread each
        Runner(store, executor=executor).ingest(items)
    DaskExecutor(scheduler="tcp://10.0.0.5:8786")                 # or a running cluster

What runs where:

* **workers** — :func:`storyline.model_outputs.compute_batch_outputs` per batch: NER, the syntax parser, sentence
  embeddings, then the per-article stages that are pure functions of the article and those outputs (quotes,
  time expressions, figures, positions) and the clusterer's per-article inputs. A worker loads the models
  once, when it joins (:class:`ModelLoader`, a worker plugin), not per task; a task returns a value and
  writes nothing.
* **the driver** (the ``storyline ingest`` process, one per database: :meth:`Store.driver_lock`) — reading,
  near-duplicates, the store writes, the online clusterer and the links across articles, batch by batch in
  the order the articles arrived, whatever order the workers finish in. That order is what makes results
  identical to an inline run: the clusterer is online, and each batch sees exactly the store an inline run
  would have shown it.

Faults: a worker that dies mid-batch costs time only. The scheduler hands its task to another worker (Dask's
own recovery); a task that fails, is lost too often (``KilledWorker``) or runs past ``batch_timeout_s`` is
computed by the driver itself, with the same results. Nothing is stored twice: only the driver writes, one
transaction per batch, and articles are stored once by id (a rerun after the driver was killed continues
where the store stands). A scheduler that cannot be reached, or is lost during the ingest, stops the ingest
with :class:`storyline.errors.ClusterError` (exit 69); the batches stored so far stay.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any, Sequence

from distributed import Client, LocalCluster, WorkerPlugin
from distributed.client import FutureCancelledError

from storyline.errors import ClusterError
from storyline.records import Article
from storyline.model_outputs import ModelOutputs, compute_batch_outputs, warm, warn_once
from storyline.settings import DaskSettings

LOGGER = logging.getLogger(__name__)

__all__ = ["DaskExecutor", "ModelLoader"]

_POLL_S = 0.5  # how often a wait for a batch looks at the scheduler connection


class ModelLoader(WorkerPlugin):
    """Loads the models once per worker process, when the worker joins (the stages keep them in their
    module-level caches, which every later task of that process reuses)."""

    name = "storyline-models"

    def __init__(self, ner: bool = True, embed: bool = True, syntax: bool = True):
        self.ner, self.embed, self.syntax = ner, embed, syntax

    def setup(self, worker: Any) -> None:
        t0 = time.perf_counter()
        warm(self.ner, self.embed, self.syntax)
        LOGGER.info("worker %s: models loaded in %.1f s", getattr(worker, "address", "?"), time.perf_counter() - t0)


class DaskExecutor:
    """Computes batches' model outputs and annotations on a Dask cluster, ``depth`` batches ahead.

    Args:
        workers: start a local cluster of this many worker processes (one thread each).
        scheduler: the address of a running scheduler (``tcp://HOST:PORT``) instead.
        ner, embed, syntax: which models the workers run (the runner's steps).
        depth: batches in flight ahead of the one being stored (default two per worker).
        connect_timeout_s: to reach the scheduler, and to win it back before the ingest stops.
        batch_timeout_s: a batch not finished by then is computed by the driver.

    Raises:
        ClusterError: the scheduler cannot be reached (here), or is lost later (in :meth:`collect`).
    """

    ahead = True

    def __init__(self, workers: int = 0, scheduler: str | None = None, *, ner: bool = True, embed: bool = True,
                 syntax: bool | None = None, depth: int = 0, connect_timeout_s: float = 10.0,
                 batch_timeout_s: float = 600.0):
        if not scheduler and workers < 1:
            raise ValueError("DaskExecutor needs workers >= 1 (a local cluster) or a scheduler address")
        self.ner, self.embed = ner, embed
        self.syntax = ner if syntax is None else syntax
        self.connect_timeout_s, self.batch_timeout_s = connect_timeout_s, batch_timeout_s
        self.address = scheduler
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._warned: set[str] = set()
        self.hits = 0  # batches computed by a worker
        self.failures = 0  # batches the driver computed itself after a worker failure
        # The client's own log lines (a lost scheduler's comm traceback at INFO, its failed reconnect with a
        # traceback at ERROR) are not for the user: the executor reports failures as ClusterError once, in the
        # CLI's words.
        logging.getLogger("distributed").setLevel(logging.ERROR)
        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=connect_timeout_s, set_as_default=False)
            else:
                # Processes, not threads: the models hold the GIL. No dashboard: no port to collide with.
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR)
                self._client = Client(self._cluster, timeout=connect_timeout_s, set_as_default=False)
            self._client.register_plugin(ModelLoader(ner, embed, self.syntax))
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "the local cluster"
            raise ClusterError(f"cannot reach the Dask scheduler at {where} ({exc}); is it running "
                               "(`dask scheduler`) and is the address tcp://HOST:PORT?") from None
        self.workers = workers or len(self._client.scheduler_info().get("workers", {}))
        self.depth = depth or max(2, 2 * max(self.workers, 1))

    @classmethod
    def from_settings(cls, settings: DaskSettings, **models: bool) -> "DaskExecutor":
        return cls(settings.workers, settings.scheduler, depth=settings.batches_ahead,
                   connect_timeout_s=settings.connect_timeout_s, batch_timeout_s=settings.batch_timeout_s, **models)

    @property
    def client(self) -> Client:
        assert self._client is not None
        return self._client

    def submit(self, articles: Sequence[Article]) -> Any:
        articles = list(articles)
        if not articles:
            return None
        self._check_connected()
        future = self.client.submit(compute_batch_outputs, articles, self.ner, self.embed, self.syntax, pure=False,
                                    key=f"storyline-batch-{uuid.uuid4().hex}")
        # Woken by the future itself; Future.result(timeout=...) is not used for polling, as a timed-out wait
        # there can surface as an UnboundLocalError (distributed 2026.8's sync() under load).
        finished = threading.Event()
        future.add_done_callback(lambda _: finished.set())
        return future, finished

    def collect(self, handle: Any) -> ModelOutputs | None:
        """A batch's outputs, waiting for them; None (the driver computes the batch) when its task failed.

        Raises:
            ClusterError: the scheduler is gone and did not come back within ``connect_timeout_s``.
        """
        if handle is None:
            return None
        future, finished = handle
        deadline = time.monotonic() + self.batch_timeout_s
        while not finished.wait(_POLL_S):
            self._check_connected()
            if time.monotonic() > deadline:
                future.cancel()
                return self._inline(f"no worker finished it in {self.batch_timeout_s:g} s")
        try:
            result: ModelOutputs = future.result()
        except FutureCancelledError as exc:
            self._check_connected()
            return self._inline(str(exc))
        except Exception as exc:  # KilledWorker (lost too often), or the task raised: same results inline
            self._check_connected()
            return self._inline(f"{type(exc).__name__}: {exc}")
        warn_once(result.warnings, self._warned)
        self.hits += 1
        return result

    def _inline(self, why: str) -> None:
        self.failures += 1
        LOGGER.warning("a Dask worker failed a batch (%s); the driver computes it", why)
        return None

    def _check_connected(self) -> None:
        """Raise :class:`ClusterError` when the scheduler has been gone for ``connect_timeout_s``."""
        client = self.client
        if client.status == "running":
            return
        deadline = time.monotonic() + self.connect_timeout_s
        while client.status in ("connecting", "newly-created") and time.monotonic() < deadline:
            time.sleep(0.2)
        if client.status != "running":
            where = self.address or "the local cluster"
            raise ClusterError(f"lost the Dask scheduler at {where} during the ingest (client {client.status}); "
                               "the batches stored so far are kept: restart the scheduler and rerun the same "
                               "ingest, which continues where the store stands")

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.close(timeout=self.connect_timeout_s)
            except Exception:  # a lost scheduler: nothing left to close politely
                LOGGER.debug("closing the Dask client", exc_info=True)
            self._client = None
        if self._cluster is not None:
            try:
                self._cluster.close(timeout=30)
            except Exception:
                LOGGER.debug("closing the local cluster", exc_info=True)
            self._cluster = None

    def __enter__(self) -> "DaskExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
