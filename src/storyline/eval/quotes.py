"""Quotation extraction measured on the German news quotation attribution set
(Petersen-Frey & Biemann 2024; ``../shared/data/german-news-quotation-attribution``).

Each gold quotation has a quote span (one or more character ranges) and a speaker span.
A predicted quote matches a gold one one-to-one:

* **exact**: the same text once surrounding quote marks, spaces and end punctuation
  are stripped from both (the set includes the marks in direct quotes, not the period);
* **partial**: the character ranges overlap.

Speaker accuracy is over partially matched quotes whose gold has a speaker: the
predicted speaker phrase (as written, before pronoun/role resolution) overlaps the
gold speaker span.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from storyline.enrich.quotes import extract_quotes
from storyline.settings import data_dir

_EDGE = " \t\n,;:.!?…\"'“”„‘’‚«»‹›"


def default_data_dir() -> Path:
    return data_dir() / "german-news-quotation-attribution" / "data"


def _gold(doc: dict) -> list[dict]:
    out = []
    for a in doc.get("annotations", []):
        q = a.get("quote") or {}
        spans = [(s["charBegin"], s["charEnd"]) for s in q.get("spans", [])]
        if not spans:
            continue
        sp = a.get("speaker") or {}
        out.append({
            "spans": spans,
            "type": a.get("type"),
            "speaker": [(s["charBegin"], s["charEnd"]) for s in sp.get("spans", [])],
        })
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _norm(text: str) -> str:
    return " ".join(text.strip(_EDGE).split())


def evaluate(data_dir: Path | None = None, split: str = "test", mentions_lang: str | None = "de",
             limit: int | None = None) -> dict:
    """Span and speaker scores of :func:`extract_quotes` on one split. Raises FileNotFoundError."""
    folder = (data_dir or default_data_dir()) / split
    files = sorted(folder.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no JSON documents in {folder}")
    if limit:
        files = files[:limit]
    ner = _ner(mentions_lang)
    n_gold = n_pred = exact = partial = 0
    spk_total = spk_ok = 0
    by_type: Counter = Counter()
    by_type_found: Counter = Counter()
    kinds: Counter = Counter()
    t0 = time.perf_counter()
    chars = 0
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        text = doc["originalText"]
        chars += len(text)
        gold = _gold(doc)
        mentions = ner(text) if ner else []
        pred = extract_quotes(text, "de", mentions)
        n_gold += len(gold)
        n_pred += len(pred)
        for g in gold:
            by_type[g["type"]] += 1
        # exact matches first, then partial, each one-to-one
        used_g: set[int] = set()
        used_p: set[int] = set()
        for pi, p in enumerate(pred):
            pn = _norm(text[p.start:p.end])
            for gi, g in enumerate(gold):
                if gi in used_g:
                    continue
                gn = _norm(text[g["spans"][0][0]:g["spans"][-1][1]])
                if pn == gn:
                    used_g.add(gi)
                    used_p.add(pi)
                    exact += 1
                    break
        pairs = []
        for pi, p in enumerate(pred):
            best, best_ov = None, 0
            for gi, g in enumerate(gold):
                ov = _overlap([(p.start, p.end)], g["spans"])
                if ov > best_ov:
                    best, best_ov = gi, ov
            if best is not None:
                pairs.append((best_ov, pi, best))
        pairs.sort(reverse=True)
        matched_g: dict[int, int] = {}
        matched_p: set[int] = set()
        for _, pi, gi in pairs:
            if pi in matched_p or gi in matched_g:
                continue
            matched_p.add(pi)
            matched_g[gi] = pi
        partial += len(matched_g)
        for gi, pi in matched_g.items():
            g, p = gold[gi], pred[pi]
            by_type_found[g["type"]] += 1
            kinds[p.kind] += 1
            if g["speaker"]:
                spk_total += 1
                if p.speaker_start is not None and _overlap([(p.speaker_start, p.speaker_end)], g["speaker"]) > 0:
                    spk_ok += 1
    seconds = time.perf_counter() - t0

    def prf(tp: int) -> dict:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}

    return {
        "split": split,
        "documents": len(files),
        "gold": n_gold,
        "predicted": n_pred,
        "exact": prf(exact),
        "partial": prf(partial),
        "speaker_accuracy": round(spk_ok / spk_total, 4) if spk_total else None,
        "speaker_evaluated": spk_total,
        "recall_by_type": {t: round(by_type_found[t] / n, 4) for t, n in sorted(by_type.items())},
        "ner": bool(ner),
        "docs_per_second": round(len(files) / seconds, 1) if seconds else None,
    }


def _ner(lang: str | None):
    if not lang:
        return None
    try:
        from storyline.enrich.ner import extract_entities, get_model

        get_model(lang)
    except Exception:  # no model for this language: speakers come from the phrase rules alone
        return None
    return lambda text: extract_entities(text, lang)
