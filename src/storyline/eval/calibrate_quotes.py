"""Fit the quote confidence (``enrich.quotes.CALIBRATION_*``) on the DPG dev labels' tune half.

Each quote the rules find in a tune-half article is an example: its features are the pattern that found it,
how its speaker was named and whether the parse agrees (what :func:`~storyline.enrich.quotes.extract_quotes`
reports in ``explain``), its label whether the scorer (:mod:`storyline.eval.quotes_dpg`: one-to-one overlap)
matches it to a gold quote with the right speaker. An L2-regularised logistic regression over the one-hot
features gives the weights, printed as the constants to paste into ``enrich/quotes.py``, and the lowest
confidence whose shown quotes keep precision ≥ ``--precision`` on the tune half, read from out-of-fold
probabilities (five folds by article, so that the threshold is not set on the examples the weights were fitted
to). The check half is never used here.

    python -m storyline.eval.calibrate_quotes [--gold FILE] [--precision 0.9] [--c 1.0]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from storyline.eval.quotes_dpg import DEFAULT_GOLD, _match, _texts, half_of, load_gold, speaker_matches

__all__ = ["examples", "fit", "main"]


def examples(gold_path: Path = DEFAULT_GOLD, half: str = "tune") -> list[tuple[tuple[str, str, bool], int, str]]:
    """((pattern, how, agrees), right, article id) for every quote found in the half's articles."""
    from storyline.enrich.quotes import extract_quotes
    from storyline.enrich.registry import STAGES
    from storyline.enrich.stages import _dedupe_within
    from storyline.enrich.syntax import available, parse_spans, sentences_to_parse
    from storyline.records import Article

    gold = [g for g in load_gold(gold_path) if half_of(str(g["id"])) == half]
    rows = _texts(str(g["id"]) for g in gold)
    articles = [Article(id=str(g["id"]), text=rows[str(g["id"])].get("text") or "", language="nl") for g in gold]
    mentions: dict = {}
    for spec in STAGES:
        if spec.batch and spec.field == "mentions":
            mentions = spec.func(articles)
    out = []
    for art, g in zip(articles, gold):
        text = art.text
        parses = parse_spans(text, sentences_to_parse(text, "nl"), "nl") if available("nl") else ()
        explain: dict = {}
        pred = _dedupe_within(extract_quotes(text, "nl", list(mentions.get(art.id) or ()), list(parses), explain))
        _, by_gold = _match(pred, g["quotes"], text)
        right = {pi for gi, pi in by_gold.items()
                 if speaker_matches(pred[pi].speaker if pred[pi].speaker is not None else pred[pi].speaker_text,
                                    g["quotes"][gi].get("speaker"))}
        for pi, q in enumerate(pred):
            out.append((explain.get((q.start, q.end), ("none", "none", False)), int(pi in right), art.id))
    return out


def fit(data: list[tuple], c: float = 1.0) -> dict:
    """Logistic regression weights: {"bias", "pattern": {...}, "how": {...}, "agrees"}."""
    from sklearn.linear_model import LogisticRegression

    data = [(d[0], d[1]) for d in data]
    patterns = sorted({f[0] for f, _ in data})
    hows = sorted({f[1] for f, _ in data})
    cols = [("pattern", p) for p in patterns] + [("how", h) for h in hows] + [("agrees", True)]
    X = [[1.0 if (k == "pattern" and f[0] == v) or (k == "how" and f[1] == v) or (k == "agrees" and f[2]) else 0.0
          for k, v in cols] for f, _ in data]
    y = [label for _, label in data]
    model = LogisticRegression(C=c, max_iter=1000).fit(X, y)
    w = model.coef_[0]
    out: dict = {"bias": float(model.intercept_[0]), "pattern": {}, "how": {}, "agrees": 0.0}
    for (k, v), weight in zip(cols, w):
        if k == "agrees":
            out["agrees"] = float(weight)
        else:
            out[k][v] = float(weight)
    return out


def _prob(weights: dict, f: tuple[str, str, bool]) -> float:
    """The confidence :func:`~storyline.enrich.quotes._confidence` gives with these weights (a parsed article)."""
    from storyline.enrich.quotes import UNSURE_CAP, UNSURE_PATTERNS

    z = weights["bias"] + weights["pattern"].get(f[0], 0.0) + weights["how"].get(f[1], 0.0) \
        + (weights["agrees"] if f[2] else 0.0)
    p = 1.0 / (1.0 + math.exp(-z))
    return min(p, UNSURE_CAP) if f[0] in UNSURE_PATTERNS else p


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--precision", type=float, default=0.9, help="target precision of shown quotes (tune half)")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    args = ap.parse_args(argv)
    data = examples(args.gold)
    w = fit(data, args.c)
    print(f"# {len(data)} quotes of the tune half, {sum(d[1] for d in data)} right")
    print(f"CALIBRATION_BIAS = {w['bias']:.3f}")
    print("CALIBRATION_PATTERN = {" + ", ".join(f'"{k}": {v:.3f}' for k, v in sorted(w["pattern"].items())) + "}")
    print("CALIBRATION_HOW = {" + ", ".join(f'"{k}": {v:.3f}' for k, v in sorted(w["how"].items())) + "}")
    print(f"CALIBRATION_AGREES = {w['agrees']:.3f}")
    articles = sorted({d[2] for d in data})
    oof = []
    for k in range(FOLDS):
        held = set(articles[k::FOLDS])
        wk = fit([d for d in data if d[2] not in held], args.c)
        oof += [(round(_prob(wk, d[0]), 3), d[1]) for d in data if d[2] in held]
    best = None
    for t in sorted({p for p, _ in oof}, reverse=True):
        shown = [y for p, y in oof if p >= t]
        if sum(shown) / len(shown) >= args.precision:
            best = (t, len(shown), sum(shown))
    if best:
        print(f"# lowest threshold with out-of-fold precision ≥ {args.precision} on the tune half: {best[0]} "
              f"({best[2]} right of {best[1]} shown)")


FOLDS = 5


if __name__ == "__main__":
    main()
