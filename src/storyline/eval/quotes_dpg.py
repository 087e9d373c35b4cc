"""Quote attribution measured on the project's DPG 2019 dev labels (``labels/dpg-dev-quotes-figures.jsonl``,
protocol ``labels/dpg-dev-quotes-figures.md``).

Every labelled article is run through the enrichment stages as the pipeline runs them (NER, syntax where a
model is installed, quotes) on the corpus text the offsets point into. A predicted quote and a gold quote
match one-to-one:

* **exact**: the same words once both are stripped of surrounding quote marks, spaces and punctuation;
* **partial**: their character spans overlap (largest overlap first).

A matched quote has the **right speaker** (:func:`speaker_matches`) when the predicted speaker (resolved
name, else the phrase as written) and the gold speaker, both folded (lower case, diacritics removed,
determiners and punctuation dropped), are equal or end in the same token (the surname: ``Rutte`` and
``Mark Rutte``; ``de SP`` and ``SP``). A gold quote without a source (``speaker`` null) is matched rightly
by a prediction without a speaker. The headline figure is P/R/F1 of quotes with the right speaker.

The 66 articles are split in two halves by a hash of their id: ``tune`` (rules and the confidence
threshold are set on it) and ``check`` (only reported), so that a figure on ``check`` says how well the
rules carry over to articles they were not fitted on.
"""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from pathlib import Path
from typing import Iterable

from storyline.records import Article

__all__ = ["DEFAULT_GOLD", "HALVES", "half_of", "speaker_matches", "evaluate_dpg", "predict"]

DEFAULT_GOLD = Path(__file__).with_name("labels") / "dpg-dev-quotes-figures.jsonl"
HALVES = ("tune", "check")
# Confidence thresholds reported (a quote is shown from its threshold up).
THRESHOLDS = (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)

_EDGE = " \t\n,;:.!?…\"'“”„‘’‚«»‹›()-–—"
_DROP = {"de", "het", "een", "'t", "the", "a", "an", "der", "die", "das"}


def half_of(article_id: str) -> str:
    """``tune`` or ``check``: the first byte of the id's SHA-1, even or odd."""
    return HALVES[hashlib.sha1(str(article_id).encode("utf-8")).digest()[0] % 2]


def _fold(text: str | None) -> list[str]:
    if not text:
        return []
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    for ch in ",.;:!?\"“”„‘’()":
        s = s.replace(ch, " ")
    toks = [t.strip("'’-") for t in s.split()]
    toks = [t[:-2] if t.endswith(("'s", "’s")) else t for t in toks]
    return [t for t in toks if t and t not in _DROP]


def speaker_matches(predicted: str | None, gold: str | None) -> bool:
    """Whether a predicted speaker names the gold one (both folded; equal, or the same last token).

    >>> speaker_matches("Rutte", "Mark Rutte"), speaker_matches("de SP", "SP"), speaker_matches("Zoals", "Rutte")
    (True, True, False)
    """
    p, g = _fold(predicted), _fold(gold)
    if not p or not g:
        return not p and not g
    return p == g or p[-1] == g[-1]


def _norm(text: str) -> str:
    return " ".join(text.strip(_EDGE).split()).lower()


def load_gold(path: Path = DEFAULT_GOLD) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _texts(ids: Iterable[str]) -> dict[str, dict]:
    from storyline.eval.dpg import read_articles
    from storyline.settings import data_dir

    rows = read_articles(data_dir() / "dpgmedia2019-partisan-nl")
    want = set(ids)
    return {i: rows[i] for i in want if i in rows}


def predict(articles: list[Article]) -> dict[str, list]:
    """article id -> predicted quotes, from the registry's stages as the runner runs them."""
    from storyline.enrich.registry import STAGES, annotate

    mentions: dict[str, object] = {}
    for spec in STAGES:
        if spec.batch and spec.field == "mentions":
            mentions = spec.func(articles)
    return {a.id: list(annotate(a, mentions.get(a.id)).quotes) for a in articles}


def _match(pred: list, gold: list[dict], text: str) -> tuple[int, dict[int, int]]:
    """(exact matches, gold index -> predicted index of the partial one-to-one matching)."""
    exact = 0
    used: set[int] = set()
    for p in pred:
        pn = _norm(text[p.start:p.end])
        for gi, g in enumerate(gold):
            if gi not in used and _norm(g["text"]) == pn:
                used.add(gi)
                exact += 1
                break
    pairs = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            ov = min(p.end, g["end"]) - max(p.start, g["start"])
            if ov > 0:
                pairs.append((ov, pi, gi))
    pairs.sort(reverse=True)
    by_gold: dict[int, int] = {}
    taken: set[int] = set()
    for _, pi, gi in pairs:
        if pi in taken or gi in by_gold:
            continue
        taken.add(pi)
        by_gold[gi] = pi
    return exact, by_gold


def _exact_with_speaker(pred: list, gold: list[dict], text: str) -> int:
    n, used = 0, set()
    for p in pred:
        pn = _norm(text[p.start:p.end])
        for gi, g in enumerate(gold):
            if gi not in used and _norm(g["text"]) == pn and speaker_matches(_pred_speaker(p), g.get("speaker")):
                used.add(gi)
                n += 1
                break
    return n


def _pred_speaker(q) -> str | None:
    return q.speaker if q.speaker is not None else q.speaker_text


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp}


def _score(docs: list[tuple[str, list, list[dict]]], threshold: float = 0.0) -> dict:
    n_gold = n_pred = exact = partial = exact_spk = partial_spk = kind_ok = 0
    errors = []
    for text, pred, gold in docs:
        pred = [q for q in pred if getattr(q, "confidence", 1.0) >= threshold]
        n_gold += len(gold)
        n_pred += len(pred)
        ex, by_gold = _match(pred, gold, text)
        exact += ex
        exact_spk += _exact_with_speaker(pred, gold, text)
        partial += len(by_gold)
        for gi, pi in by_gold.items():
            g, p = gold[gi], pred[pi]
            if speaker_matches(_pred_speaker(p), g.get("speaker")):
                partial_spk += 1
            else:
                errors.append((g.get("speaker"), _pred_speaker(p)))
            kind_ok += p.kind == g["kind"]
    return {
        "gold": n_gold, "predicted": n_pred,
        "partial_span": _prf(partial, n_pred, n_gold),
        "exact_span": _prf(exact, n_pred, n_gold),
        "partial_speaker": _prf(partial_spk, n_pred, n_gold),
        "exact_speaker": _prf(exact_spk, n_pred, n_gold),
        "speaker_accuracy": round(partial_spk / partial, 4) if partial else None,
        "kind_accuracy": round(kind_ok / partial, 4) if partial else None,
        "matched": partial,
    }


def evaluate_dpg(gold_path: Path = DEFAULT_GOLD, *, details: bool = False) -> dict:
    """Scores on the whole set and on each half; per-threshold P/R of quotes with the right speaker.

    Raises FileNotFoundError when the DPG corpus is not in the data folder.
    """
    gold = load_gold(gold_path)
    rows = _texts(str(g["id"]) for g in gold)
    missing = [str(g["id"]) for g in gold if str(g["id"]) not in rows]
    if missing:
        raise FileNotFoundError(f"{len(missing)} labelled articles are not in the DPG corpus (e.g. {missing[0]})")
    articles = [Article(id=str(g["id"]), text=rows[str(g["id"])].get("text") or "", language="nl",
                        published=(rows[str(g["id"])].get("published_at") or "")[:10] or None) for g in gold]
    t0 = time.perf_counter()
    pred = predict(articles)
    seconds = time.perf_counter() - t0
    docs = {a.id: (a.text, pred[a.id], g["quotes"]) for a, g in zip(articles, gold)}
    from storyline.settings import get_settings

    shown = get_settings().enrich.quote_min_confidence  # the listings' threshold is always one of the rows
    result_shown = f"{shown:.2f}"
    result: dict = {"gold_file": str(gold_path), "articles": len(articles), "shown_threshold": result_shown,
                    "articles_per_second": round(len(articles) / seconds, 1) if seconds else None}
    for part in ("all",) + HALVES:
        chosen = [d for i, d in docs.items() if part == "all" or half_of(i) == part]
        scores = _score(chosen)
        scores["articles"] = len(chosen)
        scores["thresholds"] = {f"{t:.2f}": {k: v for k, v in _score(chosen, t)["partial_speaker"].items()}
                                for t in sorted(set(THRESHOLDS) | {shown})}
        result[part] = scores
    if details:
        result["details"] = [
            {"id": i, "half": half_of(i),
             "predicted": [{"start": q.start, "end": q.end, "kind": q.kind, "speaker": q.speaker,
                            "speaker_text": q.speaker_text, "confidence": getattr(q, "confidence", 1.0),
                            "text": q.text[:120]} for q in p],
             "gold": [{"start": g["start"], "end": g["end"], "kind": g["kind"], "speaker": g.get("speaker"),
                       "text": g["text"][:120]} for g in gq]}
            for i, (_, p, gq) in docs.items()]
    return result
