"""Batch baseline for the benchmarks: HDBSCAN (scikit-learn) over the same embeddings the clusterer uses.

Unlike the online clusterer it sees the whole collection at once and may regroup anything; noise points
are counted as singleton events. Run: ``python -m storyline.eval.baseline GOLD.jsonl [--min-cluster-size 2]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from storyline.cluster.signals import embed_texts, embedding_text
from storyline.eval.clustering import publication_order, read_gold
from storyline.eval.metrics import report


def hdbscan_labels(emb: np.ndarray, min_cluster_size: int = 2, min_samples: int | None = 1) -> list[int]:
    from sklearn.cluster import HDBSCAN

    if len(emb) < 2:
        return list(range(len(emb)))
    labels = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, metric="cosine", copy=True,
                     algorithm="brute").fit_predict(emb)
    nxt = int(labels.max()) + 1
    out = []
    for lab in labels:
        if lab < 0:
            out.append(nxt)
            nxt += 1
        else:
            out.append(int(lab))
    return out


def evaluate(path, min_cluster_size: int = 2, min_samples: int | None = 1) -> dict:
    records = publication_order(read_gold(path))
    t0 = time.perf_counter()
    emb = embed_texts([embedding_text(r.get("title"), r.get("text") or "") for r in records])
    labels = hdbscan_labels(emb, min_cluster_size, min_samples)
    elapsed = time.perf_counter() - t0
    gold_ev = [str(r["event"]) for r in records]
    result = {"events": report(gold_ev, labels), "articles": len(records),
              "articles_per_s": round(len(records) / elapsed, 2),
              "params": {"min_cluster_size": min_cluster_size, "min_samples": min_samples}}
    if all(r.get("storyline") not in (None, "") for r in records):
        result["storylines"] = report([str(r["storyline"]) for r in records], labels)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("--min-cluster-size", type=int, default=2)
    ap.add_argument("--min-samples", type=int, default=1)
    args = ap.parse_args(argv)
    print(json.dumps(evaluate(args.gold, args.min_cluster_size, args.min_samples), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
