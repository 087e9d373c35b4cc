"""``storyline eval clustering GOLD.jsonl``: ingest gold articles into a temporary store in publication
order, cluster online with the real pipeline, and score events and storylines against the gold labels.

GOLD is JSON Lines of article records (the ingest contract) plus ``event`` and optionally ``storyline`` and
``genre``. Besides all articles, events and storylines are scored over the news reports alone (``events_news``,
``storylines_news``: opinion and rubric items left out, by their gold ``genre`` or else the genre stage's), and
``merges`` counts the same-day event merges of the run.
Thresholds come from the settings passed in, e.g. ``evaluate(path, settings=get_settings().replace(cluster={
"event_threshold": 0.2}))``; the result says which were used.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from storyline.errors import GoldError
from storyline.eval.metrics import report
from storyline.settings import Settings, get_settings


def read_gold(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"gold file not found: {path}")
    records = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or record.get("event") in (None, ""):
                raise GoldError(f"{path}:{n}: each line needs an article record with a gold 'event' label")
            records.append(record)
    if not records:
        raise GoldError(f"{path}: no records")
    return records


def publication_order(records: list[dict], seed: int | None = None) -> list[dict]:
    """Dated records by date, undated ones at the end; records of one date as given, or shuffled by ``seed``.

    A stream of one day can arrive in any order, and an online clusterer's result depends on it: seeded orders
    measure how much (``evaluate_orders``).
    """
    import random

    rnd = random.Random(seed) if seed is not None else None

    def key(ir):
        i, r = ir
        return (str(r.get("published") or r.get("published_at") or "9999"), rnd.random() if rnd else i)
    return [r for _, r in sorted(enumerate(records), key=key)]


def evaluate_orders(path: str | Path, orders: int, settings: Settings | None = None, **kwargs) -> dict:
    """``evaluate`` over ``orders`` arrival orders (the file's own, then seeds 1, 2, ...): means, and the spread.

    Same shape as ``evaluate``; every F1, precision and recall is the mean over the runs, and ``spread`` gives
    the standard deviation of each F1 (on a few hundred articles one order alone moves pairwise F1 by ~0.03).
    """
    import statistics

    runs = [evaluate(path, seed=None if k == 0 else k, settings=settings, **kwargs) for k in range(orders)]
    if orders == 1:
        return runs[0]
    out = dict(runs[0])
    out["orders"] = orders
    out["articles_per_s"] = round(statistics.median(r["articles_per_s"] for r in runs if r["articles_per_s"]), 2)
    spread = {}
    out["merges"] = round(statistics.mean(r["merges"] for r in runs), 1)
    for level in ("events", "storylines", "events_news", "storylines_news"):
        if runs[0].get(level) is None:
            continue
        mean = {"gold_clusters": runs[0][level]["gold_clusters"],
                "clusters": round(statistics.mean(r[level]["clusters"] for r in runs), 1)}
        for metric in ("pairwise", "bcubed"):
            mean[metric] = {k: round(statistics.mean(r[level][metric][k] for r in runs), 4) for k in ("p", "r", "f1")}
            spread[f"{level}_{metric}_f1_sd"] = round(statistics.stdev(r[level][metric]["f1"] for r in runs), 4)
        out[level] = mean
    out["spread"] = spread
    return out


def evaluate(path: str | Path, cluster_only: bool = False, batch_size: int = 200, seed: int | None = None,
             settings: Settings | None = None) -> dict:
    """Score one run: ``events``/``storylines`` (pairwise and BCubed), counts, speed, and the thresholds used.

    Args:
        path: the gold file.
        cluster_only: run only the cluster stage (no enrichment: no mentions or quotes as signals).
        batch_size: articles per ingest batch.
        seed: shuffle the articles of each date with this seed (None: the file's order).
        settings: the settings of the run (default ``get_settings()``); its ``cluster`` section sets the
            thresholds.
    """
    from storyline.cluster.online import undated_threshold
    from storyline.ingest.readers import ReadError, article_from_record
    from storyline.runner import Runner
    from storyline.store import Store
    from storyline.store import events as q

    settings = settings or get_settings()
    records = publication_order(read_gold(path), seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "eval.db")
        runner = Runner(store, settings, steps=("cluster",) if cluster_only else ("enrich", "cluster", "link"))
        items, gold_ids = [], []
        for n, r in enumerate(records, 1):
            rec = {k: v for k, v in r.items() if k not in ("event", "storyline")}
            try:
                items.append(article_from_record(rec, f"{path}:{n}"))
            except ValueError as exc:
                items.append(ReadError(f"{path}:{n}", str(exc)))
        t0 = time.perf_counter()
        summary = runner.ingest(items, batch_size=batch_size)
        elapsed = time.perf_counter() - t0
        assigned = q.assignments(store.conn)
        merges = len(store.event_merges())
        # Exact duplicates are stored once: they take the event of the stored copy.
        ids = [str(r.get("id")) for r in records]
        canonical = {}
        for r, a in zip(records, items):
            if isinstance(a, ReadError):
                continue
            if a.id not in assigned:
                found = store.find_existing(a)
                if found:
                    canonical[a.id] = found
        store.close()
    from storyline.enrich.genre import classify_genre

    gold_ev, pred_ev, gold_sl, pred_sl, news = [], [], [], [], []
    for r, rid in zip(records, ids):
        got = assigned.get(rid) or assigned.get(canonical.get(rid, ""))
        if got is None:
            continue  # unreadable record: counted in "skipped"
        genre = r.get("genre") or classify_genre(r.get("title"), r.get("text"), r.get("language"))[0]
        news.append(genre in ("news", "liveblog"))
        gold_ev.append(str(r["event"]))
        pred_ev.append(got[0])
        if r.get("storyline") not in (None, ""):
            gold_sl.append(str(r["storyline"]))
            pred_sl.append(got[1])
    keep = [k for k, is_news in enumerate(news) if is_news]
    has_sl = len(gold_sl) == len(gold_ev)
    result = {
        "events": report(gold_ev, pred_ev),
        "storylines": report(gold_sl, pred_sl) if gold_sl else None,
        "events_news": report([gold_ev[k] for k in keep], [pred_ev[k] for k in keep]) if keep else None,
        "storylines_news": (report([gold_sl[k] for k in keep], [pred_sl[k] for k in keep])
                            if keep and has_sl else None),
        "news_articles": len(keep),
        "merges": merges,
        "articles": len(gold_ev),
        "skipped": len(records) - len(gold_ev),
        "articles_per_s": round(len(records) / elapsed, 2) if elapsed > 0 else None,
        "stages": list(runner.steps),
        "event_threshold": settings.cluster.event_threshold,
        # what this run's clusterer used for pairs whose dates say nothing
        "event_threshold_undated": undated_threshold(settings.cluster.event_threshold,
                                                     settings.cluster.event_threshold_undated),
        "undated_pair_threshold": settings.cluster.undated_pair_threshold,
    }
    if summary.errors:
        result["errors"] = summary.errors[:10]
    return result
