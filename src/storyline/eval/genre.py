"""``storyline eval genre --gold FILE``: article genre against hand labels (per-genre P/R/F1, accuracy).

Gold: JSON Lines ``{"id", "genre"}`` with DPG 2019 article ids (``labels/dpg-genre-sample.jsonl``, protocol
``labels/dpg-genre-sample.md``); the texts are read from the DPG corpus in ``../shared/data``. A gold row may
instead carry its own ``title``/``text``. Precision of the non-news genres matters most: an opinion piece
taken for news joins a news event as before, a news report taken for opinion is lost to its event.
"""

from __future__ import annotations

import json
from pathlib import Path

from storyline.enrich.genre import GENRES, classify_genre
from storyline.errors import GoldError

GOLD_PATH = Path(__file__).with_name("labels") / "dpg-genre-sample.jsonl"


def load_gold(path: str | Path = GOLD_PATH) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise GoldError(f"gold file not found: {path}")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                row = json.loads(line)
                if row.get("genre") not in GENRES:
                    raise GoldError(f"{path}:{n}: genre must be one of {', '.join(GENRES)}")
                rows.append(row)
    return rows


def evaluate(gold_path: str | Path = GOLD_PATH, data: str | Path | None = None) -> dict:
    """Per-genre precision/recall/F1, accuracy, news-vs-rest precision/recall, and the confusions."""
    gold = load_gold(gold_path)
    articles = {}
    if any("text" not in g for g in gold):
        from storyline.eval.dpg import read_articles
        from storyline.settings import data_dir
        articles = read_articles(data or data_dir())
    pairs, missing = [], 0
    for g in gold:
        row = g if "text" in g else articles.get(str(g["id"]))
        if row is None:
            missing += 1
            continue
        pred, cue = classify_genre(row.get("title"), row.get("text"))
        pairs.append((str(g["id"]), g["genre"], pred, cue))
    per = {}
    for genre in GENRES:
        tp = sum(1 for _, g, p, _ in pairs if g == genre and p == genre)
        npred = sum(1 for _, _, p, _ in pairs if p == genre)
        ngold = sum(1 for _, g, _, _ in pairs if g == genre)
        if npred or ngold:
            prec = tp / npred if npred else 0.0
            rec = tp / ngold if ngold else 0.0
            per[genre] = {"p": round(prec, 3), "r": round(rec, 3),
                          "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0,
                          "gold": ngold, "predicted": npred}
    # Event membership only asks: news or not?
    tp = sum(1 for _, g, p, _ in pairs if g != "news" and p != "news")
    npred = sum(1 for _, _, p, _ in pairs if p != "news")
    ngold = sum(1 for _, g, _, _ in pairs if g != "news")
    return {
        "articles": len(pairs), "missing": missing,
        "accuracy": round(sum(1 for _, g, p, _ in pairs if g == p) / max(1, len(pairs)), 3),
        "per_genre": per,
        "not_news": {"p": round(tp / npred, 3) if npred else 0.0, "r": round(tp / ngold, 3) if ngold else 0.0,
                     "gold": ngold, "predicted": npred},
        "errors": [{"id": i, "gold": g, "predicted": p, "cue": c} for i, g, p, c in pairs if g != p],
    }
