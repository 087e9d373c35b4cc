"""Memory of a long ``storyline watch`` run: the DPG corpus replayed as a live stream several passes in a row.

Runs :func:`storyline.watch.replay.replay_corpus` (the engine of ``storyline watch --replay --repeat K``) with the
settings as they are (defaults unless ``STORYLINE_*`` variables say otherwise) into a fresh store, and at the end
of each pass (every article of the corpus once; pass *k* renames every capitalised word and takes new ids, so
each pass brings names never seen, as a live stream does) records:

* ``rss_mb`` — resident memory (``/proc/self/statm``);
* ``heap_in_use_mb`` / ``heap_free_mb`` — glibc ``mallinfo2``: bytes malloc hands out, and bytes it holds free
  (fragmentation and arenas: RSS that no Python object owns);
* ``spacy_strings`` / ``spacy_lexemes`` — the Dutch syntax model's StringStore and Vocab sizes;
* ``containers`` — the length of every dict, list, set and deque held by an attribute of a Storyline object or
  a module of the ``storyline`` package, and of every ``lru_cache`` there (``currsize``), as
  ``Class.attribute``/``module.name``; the report lists those that grew since the previous pass;
* ``objects_grown`` — the types of which the garbage collector tracks 1,000 objects more than after the pass
  before;
* with ``--tracemalloc N``: the N source lines whose allocations grew most since the previous pass (tracing
  slows the run several times; RSS under tracing includes tracemalloc's own bookkeeping).

Usage (from the repository root; about 2-5 minutes a pass on a loaded 2-core machine)::

    PYTHONPATH=src python scripts/measure_watch_memory.py --passes 5 [--limit 600] --json /tmp/mem.json

The printed table gives RSS per pass and the growth after warm-up (pass 2 -> last pass), the figure issue 21
asks to be near zero.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "dpgmedia2019-partisan-nl"
CORPUS = DATA / "dpgMedia2019-articles-byarticle-all.jsonl"
OUTLETS = DATA / "dpgMedia2019-labels-byarticle.jsonl"
EXCLUDE = ROOT.parent / "shared" / "heldout" / "dpg-quotes-figures-ids.txt"

_CONTAINERS = (dict, list, set, frozenset, deque)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap() -> dict[str, float]:
    """glibc's view of the heap (empty elsewhere): in use, and held free (MB)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    mb = 2 ** 20
    return {"heap_in_use_mb": round((info.uordblks + info.hblkhd) / mb, 1),
            "heap_free_mb": round(info.fordblks / mb, 1)}


def spacy_sizes() -> dict[str, int]:
    from storyline.enrich import syntax

    out = {}
    for nlp in list(syntax._models.values()):
        out["spacy_strings"] = len(nlp.vocab.strings)
        out["spacy_lexemes"] = len(nlp.vocab)
    return out


def _size(value) -> int | None:
    if isinstance(value, _CONTAINERS):
        return len(value)
    info = getattr(value, "cache_info", None)
    if callable(info):
        try:
            return info().currsize
        except TypeError:
            return None
    return None


def containers() -> dict[str, int]:
    """Sizes of the containers Storyline objects and modules hold (the largest instance of each name)."""
    sizes: dict[str, int] = {}

    def note(name: str, value) -> None:
        n = _size(value)
        if n is not None and n > sizes.get(name, -1):
            sizes[name] = n

    for name, module in list(sys.modules.items()):
        if name.startswith("storyline") and module is not None:
            for attr, value in list(vars(module).items()):
                note(f"{name}.{attr}", value)
    for obj in gc.get_objects():
        cls = type(obj)
        if not str(getattr(cls, "__module__", "")).startswith("storyline"):
            continue
        try:
            attrs = vars(obj)
        except TypeError:
            continue
        for attr, value in list(attrs.items()):
            note(f"{cls.__name__}.{attr}", value)
    return sizes


def _census() -> dict[str, int]:
    """Objects the garbage collector tracks, by type (strings and numbers are not tracked: see containers)."""
    counts: dict[str, int] = {}
    for obj in gc.get_objects():
        name = type(obj).__qualname__
        counts[name] = counts.get(name, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passes", type=int, default=5, help="passes over the corpus (at least 4 to see warm-up end)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--outlets", type=Path, default=OUTLETS)
    ap.add_argument("--exclude", type=Path, default=EXCLUDE, help="ids left out (the held-out evaluation ids)")
    ap.add_argument("--limit", type=int, default=0, metavar="N", help="only the N earliest articles of the corpus "
                                                                      "in each pass (a shorter run)")
    ap.add_argument("--db", type=Path, help="the store to fill (default: a temporary file)")
    ap.add_argument("--tracemalloc", type=int, default=0, metavar="N", help="trace allocations; list the N lines "
                                                                            "that grew most per pass")
    ap.add_argument("--json", type=Path, help="write the per-pass records here")
    args = ap.parse_args(argv)

    from storyline.settings import get_settings
    from storyline.store import Store
    from storyline.watch.replay import _load, _outlets, _rss_mb, replay_corpus

    settings = get_settings()
    excluded = {x.strip() for x in args.exclude.read_text(encoding="utf-8").splitlines() if x.strip()} \
        if args.exclude and args.exclude.exists() else set()
    articles = _load(args.corpus, excluded, _outlets(args.outlets))
    tmp = tempfile.TemporaryDirectory(prefix="storyline-mem-")
    corpus = args.corpus
    if args.limit:
        keep = {a.id for a in articles[:args.limit]}
        corpus = Path(tmp.name) / "corpus.jsonl"
        with args.corpus.open(encoding="utf-8") as lines, corpus.open("w", encoding="utf-8") as out:
            out.writelines(line for line in lines if line.strip() and str(json.loads(line).get("id")) in keep)
        articles = _load(corpus, excluded, {})
    per_pass = len(articles)
    db = args.db or Path(tmp.name) / "watch.db"
    store = Store(str(db), readonly=False)
    if args.tracemalloc:
        tracemalloc.start(1)
    passes: list[dict] = []
    state = {"done": 0, "t0": time.perf_counter(), "snap": None, "sizes": containers(), "census": _census()}

    def on_day(day: dict) -> None:
        state["done"] += day["articles"]
        if state["done"] < per_pass * (len(passes) + 1):
            return
        gc.collect()
        record = {"pass": len(passes) + 1, "articles": state["done"], "rss_mb": _rss_mb(), **heap(),
                  **spacy_sizes(), "wall_s": round(time.perf_counter() - state["t0"], 1)}
        sizes = containers()
        census = _census()
        record["objects_grown"] = dict(sorted(((k, v - state["census"].get(k, 0)) for k, v in census.items()
                                               if v - state["census"].get(k, 0) >= 1000), key=lambda kv: -kv[1])[:15])
        state["census"] = census
        record["containers_grown"] = {k: [state["sizes"].get(k, 0), v] for k, v in sorted(sizes.items())
                                      if v > state["sizes"].get(k, 0) and v >= 50}
        state["sizes"] = sizes
        if args.tracemalloc:
            snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            if state["snap"] is not None:
                top = snap.compare_to(state["snap"], "lineno")[:args.tracemalloc]
                record["tracemalloc_growth"] = [f"{s.size_diff / 2 ** 20:+.1f} MB {s.count_diff:+d} "
                                                f"{s.traceback[0].filename}:{s.traceback[0].lineno}" for s in top]
            state["snap"] = snap
        passes.append(record)
        print(json.dumps(record), file=sys.stderr, flush=True)

    report = replay_corpus(store, corpus, settings, exclude=args.exclude if excluded else None,
                           outlets=args.outlets, repeat=args.passes, on_day=on_day)
    store.close()
    print(f"{'pass':>4} {'articles':>8} {'RSS MB':>8} {'heap MB':>8} {'free MB':>8} {'spaCy strings':>13}")
    for r in passes:
        print(f"{r['pass']:>4} {r['articles']:>8} {r['rss_mb']:>8} {r.get('heap_in_use_mb', '')!s:>8} "
              f"{r.get('heap_free_mb', '')!s:>8} {r.get('spacy_strings', '')!s:>13}")
    if len(passes) >= 3:
        a, b = passes[1]["rss_mb"], passes[-1]["rss_mb"]
        print(f"growth after warm-up (pass 2 -> {len(passes)}): {b - a:+.1f} MB ({100 * (b - a) / a:+.1f} %); "
              f"stored {report.stored} of {report.articles}, {report.failures} failures")
    if args.json:
        args.json.write_text(json.dumps({"passes": passes, "replay": report.to_json()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
