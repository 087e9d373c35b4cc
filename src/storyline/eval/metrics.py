"""Clustering metrics: pairwise ("standard") precision/recall/F1 and BCubed (Bagga & Baldwin 1998).

Written out here rather than taken from scikit-learn: sklearn has pair-confusion counts but no BCubed,
and both are a few lines over a contingency table.
"""

from __future__ import annotations

from collections import Counter


def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def pairwise(gold: list, pred: list) -> dict[str, float]:
    """Precision/recall over all pairs of items placed together. With no pair on a side, that side is 1.0."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    joint = Counter(zip(gold, pred))
    same_both = sum(n * (n - 1) // 2 for n in joint.values())
    same_pred = sum(n * (n - 1) // 2 for n in Counter(pred).values())
    same_gold = sum(n * (n - 1) // 2 for n in Counter(gold).values())
    p = same_both / same_pred if same_pred else 1.0
    r = same_both / same_gold if same_gold else 1.0
    return _prf(p, r)


def bcubed(gold: list, pred: list) -> dict[str, float]:
    """Item-averaged precision/recall of each item's predicted cluster against its gold cluster."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    if not gold:
        return _prf(1.0, 1.0)
    joint = Counter(zip(gold, pred))
    size_pred = Counter(pred)
    size_gold = Counter(gold)
    p = sum(n * n / size_pred[pl] for (gl, pl), n in joint.items()) / len(gold)
    r = sum(n * n / size_gold[gl] for (gl, pl), n in joint.items()) / len(gold)
    return _prf(p, r)


def report(gold: list, pred: list) -> dict:
    return {"pairwise": pairwise(gold, pred), "bcubed": bcubed(gold, pred),
            "clusters": len(set(pred)), "gold_clusters": len(set(gold))}
