"""Scaling curve: one growing store, fed by a replay of the corpus, measured at checkpoints.

Every ``every`` stored articles a row records the store size, the wall seconds per article over the
window (everything: reading, normalising, near-duplicate search, store, all stages), the online
assignment latency p50/p99 over the window (``OnlineClusterer.learn_one``), resident memory and the
database size. With ``cache=True`` (the default) the two models — NER and the sentence embedder — are
answered from a cache filled once on the base corpus before the clock starts: replayed texts differ from
their originals only by inserted marks that the cache key removes. All other work runs live.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from storyline.bench.corpus import base_records, mark_positions, replay, unperturb
from storyline.bench.harness import (Probe, cpu_seconds, current_rss_mb, load_average, machine, ner_language,
                                     peak_rss_mb, percentile_ms, probes, warm_models)
from storyline.cluster import stage as cluster_stage
from storyline.enrich import ner
from storyline.ingest.readers import article_from_record
from storyline.runner import BatchResult, Runner
from storyline.store import Store

CLONE_META = "bench_clone"  # cluster_meta key: how a store was grown by cloning (see bench/clone.py)


class ModelCache:
    """Embeddings by embedding text, NER mentions by (language, text); offsets remapped for marked texts."""

    def __init__(self):
        self.emb: dict[str, np.ndarray] = {}
        self.ner: dict[tuple[str, str], list] = {}
        self.misses = {"embed": 0, "ner": 0}

    def save(self, path: Path) -> None:
        import pickle

        with open(path, "wb") as fh:
            pickle.dump({"emb": self.emb, "ner": self.ner}, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> "ModelCache":
        import pickle

        # Only a file this bench wrote itself (see ``--cache-file``): pickle runs code from the file.
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        cache = cls()
        cache.emb, cache.ner = data["emb"], data["ner"]
        return cache

    def embed_wrapper(self, embed):
        def cached(texts):
            texts = list(texts)
            missing = [t for t in dict.fromkeys(texts) if t not in self.emb]
            if missing:
                self.misses["embed"] += len(missing)
                for t, v in zip(missing, embed(missing)):
                    self.emb[t] = v
            if not texts:
                return embed(texts)
            return np.stack([self.emb[t] for t in texts])
        return cached

    def ner_wrapper(self, batch):
        def cached(texts, lang="nl"):
            texts = list(texts)
            plain = [unperturb(t) for t in texts]
            missing = [p for p in dict.fromkeys(plain) if (lang, p) not in self.ner]
            if missing:
                self.misses["ner"] += len(missing)
                for p, mentions in zip(missing, batch(missing, lang)):
                    self.ner[(lang, p)] = mentions
            out = []
            for t, p in zip(texts, plain):
                mentions = self.ner[(lang, p)]
                out.append(mentions if t == p else _shift_mentions(mentions, mark_positions(t), len(" _q")))
            return out
        return cached


def _shift_mentions(mentions: list, marks: list[int], width: int) -> list:
    import bisect

    out = []
    for m in mentions:
        start = m.start + width * bisect.bisect_right(marks, m.start)
        end = m.end + width * bisect.bisect_left(marks, m.end)
        out.append(dataclasses.replace(m, start=start, end=end))
    return out


def fill_cache(cache: ModelCache, records: list[dict], batch_size: int = 200,
               progress: Callable[[int], None] | None = None) -> dict:
    """Run both models once on the base articles (the uncached cost, reported separately)."""
    probe = Probe()
    articles = []
    for rec in records:
        try:
            articles.append(article_from_record(dict(rec), "base"))
        except ValueError:
            continue
    t0 = time.perf_counter()
    with probes(probe, embed_wrapper=cache.embed_wrapper, ner_wrapper=cache.ner_wrapper):
        available = set(ner.available_languages())
        for i in range(0, len(articles), batch_size):
            chunk = articles[i:i + batch_size]
            cluster_stage.embed_texts([cluster_stage.embedding_text(a.title, a.text) for a in chunk])
            if available:
                groups: dict[str, list[str]] = {}
                for a in chunk:
                    use = ner_language(a.language, available)
                    if use:
                        groups.setdefault(use, []).append(a.text)
                for use, texts in groups.items():
                    ner.extract_entities_batch(texts, use)
            if progress:
                progress(len(chunk))
    return {"seconds": round(time.perf_counter() - t0, 3), "articles": len(articles),
            "model_s": {k: round(v, 3) for k, v in probe.model_s.items()}, "ner_installed": bool(available)}


def _git_commit() -> str | None:
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _db_bytes(db_path: str) -> int:
    return sum(os.path.getsize(p) for p in (db_path, db_path + "-wal") if os.path.exists(p))


def run_scaling(db_path: str, root: Path, target: int, *, every: int = 2000, batch_size: int = 200,
                cache: bool = True, out_path: Path | None = None,
                progress: Callable[[int], None] | None = None,
                on_row: Callable[[dict], None] | None = None, command: str | None = None,
                cache_file: Path | None = None, append: bool = False) -> dict:
    """Grow a store at ``db_path`` to ``target`` articles; a row per ``every`` articles (also to ``out_path``)."""
    records = base_records(root)
    reuse = bool(cache and cache_file and Path(cache_file).exists())
    model_cache = (ModelCache.load(cache_file) if reuse else ModelCache()) if cache else None
    header = {"kind": "header", "target": target, "every": every, "batch_size": batch_size,
              "cache": cache, "base_articles": len(records), "machine": machine(),
              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": _git_commit(),
              "command": command}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warm_models()
        if model_cache is not None:
            header["cache_fill"] = fill_cache(model_cache, records, batch_size)
            header["cache_fill"]["reused_file"] = str(cache_file) if reuse else None
            if cache_file and not reuse:
                model_cache.save(Path(cache_file))
    out = open(out_path, "a" if append else "w", encoding="utf-8") if out_path else None

    def emit(row: dict) -> None:
        if out:
            out.write(json.dumps(row) + "\n")
            out.flush()
        if on_row:
            on_row(row)

    # One consistent run: NER stays as installed at the start even if a model lands meanwhile.
    ner_langs = list(ner.available_languages())
    header["ner_languages"] = ner_langs
    store = Store(db_path)
    # An existing store continues the stream where it stopped (e.g. one grown by ``bench.clone``).
    start = store.count_articles()
    header["start_articles"] = start
    with store.transaction() as conn:
        from storyline.store import events as q

        clone = q.get_meta(conn, CLONE_META) if q.has_event_tables(conn) else None
    header["clone"] = json.loads(clone) if clone else None
    emit(header)
    runner = Runner(store)
    timings = runner.timings
    probe = Probe()
    state = {"n": start, "last_n": start, "next": start + every, "t": 0.0, "lat_from": 0, "timings": {}}
    rows: list[dict] = []

    def on_result(result: BatchResult) -> None:
        state["n"] += len(result.articles)
        if state["n"] >= state["next"]:
            now = time.perf_counter()
            window_n = state["n"] - state["last_n"]
            lat = probe.latencies[state["lat_from"]:]
            cpu_lat = probe.cpu_latencies[state["lat_from"]:]
            stage_window = {k: round((v - state["timings"].get(k, 0.0)) / window_n * 1000.0, 3)
                            for k, v in timings.items()}
            row = {"kind": "row", "articles": state["n"],
                   "ms_per_article": round((now - state["t"]) / window_n * 1000.0, 3),
                   "cpu_ms_per_article": round((cpu_seconds() - state["cpu"]) / window_n * 1000.0, 3),
                   "load_average": load_average(),
                   "stage_ms_per_article": stage_window,
                   "assign_p50_ms": percentile_ms(lat, 50), "assign_p99_ms": percentile_ms(lat, 99),
                   "assign_max_ms": percentile_ms(lat, 100),
                   "assign_cpu_p50_ms": percentile_ms(cpu_lat, 50), "assign_cpu_p99_ms": percentile_ms(cpu_lat, 99),
                   "rss_mb": round(current_rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1),
                   "db_mb": round(_db_bytes(db_path) / 2**20, 2),
                   "cache_misses": dict(model_cache.misses) if model_cache else None,
                   "elapsed_s": round(now - state["t0"], 1)}
            rows.append(row)
            emit(row)
            # The batch's own transaction commits after this returns; the next window starts here.
            state.update(t=time.perf_counter(), cpu=cpu_seconds(), last_n=state["n"], lat_from=len(probe.latencies),
                         timings=dict(timings), next=state["n"] + every)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with probes(probe, embed_wrapper=model_cache.embed_wrapper if model_cache else None,
                    ner_wrapper=model_cache.ner_wrapper if model_cache else None,
                    text_filter=unperturb if model_cache else None):
            state["t0"] = state["t"] = time.perf_counter()
            state["cpu"] = cpu_seconds()
            frozen = ner.available_languages
            ner.available_languages = lambda: list(ner_langs)
            try:
                summary = runner.ingest(replay(records, target, start=start), batch_size=batch_size,
                                        progress=progress, on_result=on_result)
            finally:
                ner.available_languages = frozen
    store.close()
    footer = {"kind": "footer", "summary": summary.to_json() | {"errors": summary.errors[:5]},
              "seconds": round(time.perf_counter() - state["t0"], 1), "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    emit(footer)
    if out:
        out.close()
    return {"header": header, "rows": rows, "footer": footer}


def load_rows(path: Path) -> dict:
    """A rows file: one or more runs (header, rows, footer), e.g. a live replay then windows on cloned stores.

    Each row gets ``segment`` (its run's number) and ``grown`` (``live``, or ``cloned`` when its run continued
    a store grown by :mod:`storyline.store.clone`); ``header`` is the first run's, ``segments`` all headers.
    """
    headers: list[dict] = []
    rows: list[dict] = []
    footer = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if row["kind"] == "header":
                headers.append(row)
            elif row["kind"] == "row":
                head = headers[-1] if headers else {}
                row["segment"] = len(headers) - 1
                row["grown"] = "cloned" if head.get("clone") else "live"
                rows.append(row)
            else:
                footer = row
    return {"header": headers[0] if headers else None, "segments": headers, "rows": rows, "footer": footer}
