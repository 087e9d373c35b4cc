"""Figures against the DPG dev labels: P/R/F1 of value + what, reporter accuracy, P/R per confidence.

Gold: ``labels/dpg-dev-quotes-figures.jsonl`` (protocol ``dpg-dev-quotes-figures.md``): per article the
figures with ``start``/``end``/``value``/``low``/``high``/``what``/``category``/``reporter``/``reporter_type``.
The texts are read from the DPG corpus in ``../shared/data``; each article is run through the real enrich
stages (NER, quotes, time expressions, syntax when installed, figures) with its publisher as the outlet.

Matching, one-to-one, a predicted figure against a gold figure whose span overlaps its number:

* **value**: the same number within rounding (:func:`same_value`); a range compares its bounds;
* **strict**: value, and the heads are compatible (:func:`same_head`: a shared content word after a light
  Dutch stemming, or one a compound ending of the other: ``burgerdoden`` ~ ``dode``);
* **lenient**: value, and the heads are compatible *or* the categories are (:func:`same_category`).

Reporter accuracy is over the leniently matched figures whose gold has a reporter: ``OUTLET`` gold wants
``reporter_type == "OUTLET"``; a named reporter wants the same name (surname match counts: ``Grandi`` ~
``Filippo Grandi``); a role (``een woordvoerder van de politie``) wants the role's head noun.

The 66 articles split in two halves by a hash of their id (:func:`half_of`): ``tune`` (thresholds and rules
may be fitted on it) and ``check`` (reported to confirm).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Iterable

GOLD_PATH = Path(__file__).with_name("labels") / "dpg-dev-quotes-figures.jsonl"
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
HALVES = ("tune", "check", "all")
# Old category names and finer people categories, compared in the labels' vocabulary.
_CATEGORY_ALIAS = {"killed": "dead", "refugees": "displaced", "evacuated": "displaced", "missing": "people",
                   "voters": "people", "members": "people", "votes": "votes"}
_PEOPLE = {"dead", "injured", "arrested", "displaced", "people"}


def half_of(article_id: str) -> str:
    """``tune`` or ``check``: a stable split of the dev articles by the first byte of their id's SHA-1."""
    return "tune" if hashlib.sha1(str(article_id).encode()).digest()[0] % 2 == 0 else "check"


def load_gold(path: str | Path = GOLD_PATH) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", (s or "").lower())
    return "".join(c for c in s if not unicodedata.combining(c))


_STOP = {"de", "het", "een", "van", "in", "op", "aan", "voor", "met", "en", "die", "dat", "t.o.v.", "per", "bij",
         "naar", "uit", "over", "om", "tot", "door", "als", "of", "the", "of", "a"}


def _stem(w: str) -> str:
    w = _fold(w)
    for suf in ("eren", "en", "es", "s", "e", "'s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _words(phrase: str | None) -> list[str]:
    return [_stem(w) for w in re.findall(r"[\w'-]+", phrase or "") if _fold(w) not in _STOP and not w.isdigit()]


def same_head(a: str | None, b: str | None) -> bool:
    """A content word shared after stemming, or one word a compound ending of another (``burgerdode``/``dode``)."""
    wa, wb = _words(a), _words(b)
    for x in wa:
        for y in wb:
            if x == y or (len(y) >= 3 and x.endswith(y)) or (len(x) >= 3 and y.endswith(x)):
                return True
    return False


def norm_category(c: str | None) -> str | None:
    return _CATEGORY_ALIAS.get(c, c) if c else c


def same_category(a: str | None, b: str | None) -> bool:
    """Equal after aliasing; a person count (``people``) is compatible with any finer person category."""
    a, b = norm_category(a), norm_category(b)
    if not a or not b:
        return False
    if a == b:
        return True
    return ("people" in (a, b)) and a in _PEOPLE and b in _PEOPLE


def _number(value, low, high) -> tuple[float | None, float | None]:
    if value is not None:
        return float(value), float(value)
    return (float(low) if low is not None else None), (float(high) if high is not None else None)


def _close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= max(0.005 * max(abs(x), abs(y)), 1e-9) or round(x) == round(y) and abs(x - y) < 0.5


def same_value(pred: tuple, gold: tuple) -> bool:
    """(value, low, high) triples equal within rounding; a point and a bound compare their one number."""
    pv, gv = pred[0], gold[0]
    if pv is not None and gv is not None:
        return _close(float(pv), float(gv))
    pl, ph = _number(*pred)
    gl, gh = _number(*gold)
    if pv is not None or gv is not None:  # one point, one range/bound: the point must be a bound
        point = float(pv if pv is not None else gv)
        lo, hi = (gl, gh) if pv is not None else (pl, ph)
        return (lo is not None and _close(point, lo)) or (hi is not None and _close(point, hi))
    return _close(pl, gl) and _close(ph, gh)


def _reporter_ok(pred: dict, gold: dict) -> bool:
    gtype, gname = gold.get("reporter_type"), gold.get("reporter")
    if gtype == "OUTLET" or gname == "OUTLET":
        return pred["reporter_type"] == "OUTLET"
    if pred["reporter_type"] == "OUTLET" or not pred["reporter"]:
        return False
    p, g = _fold(pred["reporter"]), _fold(gname or "")
    if not g:
        return False
    if p == g or p in g or g in p:
        return True
    pw, gw = set(re.findall(r"\w{3,}", p)), set(re.findall(r"\w{3,}", g))
    if gtype == "ROLE":
        return bool(pw & gw)
    return g.split()[-1] in p.split() or p.split()[-1] in g.split()  # surname: Grandi ~ Filippo Grandi


def _predict(articles: list) -> dict[str, list[dict]]:
    """Each article through the enrich stages; its figures as plain dicts."""
    from storyline.enrich.registry import annotate
    from storyline.enrich.stages import recognise_mentions

    mentions = recognise_mentions(articles)
    out: dict[str, list[dict]] = {}
    for a in articles:
        ann = annotate(a, mentions.get(a.id))
        figs = []
        for f in ann.figures:
            rtype = getattr(f, "reporter_type", None)
            if rtype is None:  # figures without a reporter type: the outlet or the article id meant the journalist
                rtype = "OUTLET" if f.reported_by in (None, a.source, a.id) else "PER"
            figs.append({"start": f.start, "end": f.end, "value": f.value, "low": f.low, "high": f.high,
                         "what": f.what if getattr(f, "category", None) else None,
                         "category": getattr(f, "category", None) or f.what,
                         "confidence": getattr(f, "confidence", 1.0), "reporter": f.reported_by,
                         "reporter_type": rtype, "text": a.text[f.start:f.end], "sentence": f.sentence})
        out[a.id] = figs
    return out


def _match(pred: list[dict], gold: list[dict], lenient: bool) -> list[tuple[int, int]]:
    pairs = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            if p["start"] < g["end"] and g["start"] < p["end"] or (p["start"] <= g["start"] and g["end"] <= p["end"]):
                if not same_value((p["value"], p["low"], p["high"]), (g["value"], g["low"], g["high"])):
                    continue
                head = same_head(p["what"], g["what"])
                if head or (lenient and same_category(p["category"], g["category"])):
                    pairs.append((0 if head else 1, abs(p["start"] - g["start"]), pi, gi))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for _, _, pi, gi in pairs:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            out.append((pi, gi))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def score(predicted: dict[str, list[dict]], gold_rows: Iterable[dict]) -> dict:
    """Scores of ``predicted`` (article id -> figure dicts) against the gold rows."""
    gold_rows = list(gold_rows)
    by_threshold = {}
    result: dict = {}
    errors: dict[str, list] = {"missed": [], "spurious": [], "reporter": []}
    for t in THRESHOLDS:
        counts = {"strict": 0, "lenient": 0, "pred": 0, "gold": 0, "rep_ok": 0, "rep_n": 0}
        for row in gold_rows:
            preds = [p for p in predicted.get(row["id"], []) if p["confidence"] >= t]
            gold = row["figures"]
            counts["pred"] += len(preds)
            counts["gold"] += len(gold)
            counts["strict"] += len(_match(preds, gold, lenient=False))
            matched = _match(preds, gold, lenient=True)
            counts["lenient"] += len(matched)
            for pi, gi in matched:
                if gold[gi].get("reporter"):
                    counts["rep_n"] += 1
                    ok = _reporter_ok(preds[pi], gold[gi])
                    counts["rep_ok"] += ok
                    if t == 0.0 and not ok:
                        errors["reporter"].append({"id": row["id"], "text": gold[gi]["text"],
                                                   "gold": gold[gi]["reporter"], "pred": preds[pi]["reporter"],
                                                   "pred_type": preds[pi]["reporter_type"]})
            if t == 0.0:
                mp = {pi for pi, _ in matched}
                mg = {gi for _, gi in matched}
                errors["missed"] += [{"id": row["id"], "text": g["text"], "what": g["what"],
                                      "category": g["category"]} for gi, g in enumerate(gold) if gi not in mg]
                errors["spurious"] += [{"id": row["id"], "text": p["text"], "what": p["what"],
                                        "category": p["category"], "confidence": p["confidence"]}
                                       for pi, p in enumerate(preds) if pi not in mp]
        entry = {"strict": _prf(counts["strict"], counts["pred"], counts["gold"]),
                 "lenient": _prf(counts["lenient"], counts["pred"], counts["gold"]),
                 "reporter_accuracy": round(counts["rep_ok"] / counts["rep_n"], 4) if counts["rep_n"] else None,
                 "reporter_evaluated": counts["rep_n"]}
        by_threshold[f"{t:.1f}"] = entry
    result.update(by_threshold["0.0"])
    result["articles"] = len(gold_rows)
    result["by_threshold"] = by_threshold
    result["errors"] = errors
    return result


def lowest_threshold_for(result: dict, precision: float, kind: str = "lenient") -> float | None:
    """The lowest confidence threshold whose precision reaches ``precision`` (None if none does)."""
    for t, entry in sorted(result["by_threshold"].items(), key=lambda kv: float(kv[0])):
        if entry[kind]["p"] >= precision and entry[kind]["predicted"]:
            return float(t)
    return None


def evaluate(gold_path: str | Path = GOLD_PATH, data: str | Path | None = None, half: str = "all") -> dict:
    """Run the enrich stages on the gold articles of ``half`` and score their figures."""
    from storyline.eval.dpg import _publishers, corpus_root, read_articles
    from storyline.records import Article
    from storyline.settings import data_dir

    if half not in HALVES:
        raise ValueError(f"unknown half {half!r}; use {', '.join(HALVES)}")
    rows = [r for r in load_gold(gold_path) if half == "all" or half_of(r["id"]) == half]
    root = corpus_root(data or data_dir())
    texts = read_articles(root)
    publishers = _publishers(root)
    articles = []
    for r in rows:
        row = texts.get(r["id"])
        if row is None:
            raise FileNotFoundError(f"article {r['id']} of the gold file is not in {root}")
        articles.append(Article(id=r["id"], text=row.get("text") or "", title=row.get("title"),
                                source=publishers.get(r["id"]), published=(row.get("published_at") or "")[:10] or None,
                                language="nl"))
    t0 = time.perf_counter()
    predicted = _predict(articles)
    seconds = time.perf_counter() - t0
    result = score(predicted, rows)
    result["half"] = half
    result["articles_per_s"] = round(len(articles) / seconds, 1) if seconds else None
    return result
