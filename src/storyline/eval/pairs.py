"""How well single signals rank article pairs, before any clustering (a ceiling for the clusterer).

For every pair of gold articles published within ``--days`` of each other: is it one gold event? Reports, per
signal (embedding cosine, lemma TF-IDF cosine, the clusterer's logistic score of one article against the
other as a one-article event), ROC AUC, average precision and the best pair-classification F1 over all
thresholds. A clustering of these scores cannot do much better than the best pair F1.

    python -m storyline.eval.pairs dpg_test.jsonl [--days 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np


def pair_report(records: list[dict], days: int = 3) -> dict:
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

    from storyline.cluster import online, params
    from storyline.cluster.signals import sparse_cos
    from storyline.eval.tune_clustering import prepared

    prep = prepared(records)
    day = [sig.interval[0] if sig.interval else None for sig, _ in prep]
    idx = [(i, j) for i in range(len(records)) for j in range(i + 1, len(records))
           if day[i] is None or day[j] is None or abs(day[i] - day[j]) <= days]
    y = np.array([records[i]["event"] == records[j]["event"] for i, j in idx])

    clusterer = online.OnlineClusterer(online.MemoryBackend())  # scores a pair as the stream would

    def model_score(i: int, j: int) -> float:
        c = online.Cluster(id=1, kind="event")
        c.add(prep[i][0], prep[i][1].precise)
        return clusterer.event_score(prep[j][0], c, online.features(prep[j][0], c, params.EVENT_MODEL["tau_days"]))

    signals = {
        "embedding": [float(prep[i][0].emb @ prep[j][0].emb) for i, j in idx],
        "lemma_tfidf": [sparse_cos(prep[i][0].lex, prep[j][0].lex) for i, j in idx],
        "model": [model_score(i, j) for i, j in idx],
    }
    out = {"pairs": len(idx), "positive_pairs": int(y.sum()), "days": days, "signals": {}}
    if not y.any() or y.all():
        return out
    for name, scores in signals.items():
        s = np.array(scores)
        p, r, _ = precision_recall_curve(y, s)
        f1 = 2 * p * r / np.maximum(p + r, 1e-9)
        out["signals"][name] = {"roc_auc": round(float(roc_auc_score(y, s)), 4),
                                "average_precision": round(float(average_precision_score(y, s)), 4),
                                "best_pair_f1": round(float(f1.max()), 4)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", type=Path, help="clustering GOLD JSON Lines (storyline eval convert ...)")
    ap.add_argument("--days", type=int, default=3, help="only pairs published within this many days")
    args = ap.parse_args(argv)
    if not args.gold.exists():
        print(f"error: no such file: {args.gold}", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    print(json.dumps(pair_report(records, args.days), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
