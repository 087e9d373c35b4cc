"""Phrase-level NER evaluation, as the CoNLL shared tasks' ``conlleval`` script.

A predicted entity counts as correct only when its start, end and type all equal
those of a gold entity. Chunks are read from IOB tags the way conlleval reads them
(an ``I-X`` that follows ``O`` or another type starts a new chunk), so IOB1 and IOB2
input are both scored correctly.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["read_conll", "chunks", "score", "evaluate_conll"]


def read_conll(path: str | Path, with_docs: bool = False):
    """Sentences of a CoNLL file as ``(tokens, gold_tags)``; first column = token, last = tag.

    ``-DOCSTART-`` lines and blank lines end a sentence. With ``with_docs`` also return, per
    sentence, the index of its document (documents are separated by ``-DOCSTART-``).
    """
    sentences: list[tuple[list[str], list[str]]] = []
    doc_ids: list[int] = []
    doc = 0
    toks: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if toks:
                    sentences.append((toks, tags))
                    doc_ids.append(doc)
                    toks, tags = [], []
                if parts and sentences and doc_ids[-1] == doc:
                    doc += 1
                continue
            toks.append(parts[0])
            tags.append(parts[-1] if len(parts) > 1 else "O")
    if toks:
        sentences.append((toks, tags))
        doc_ids.append(doc)
    if with_docs:
        return sentences, doc_ids
    return sentences


def chunks(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity chunks ``(start, end_exclusive, type)`` exactly as conlleval delimits them."""
    out = set()
    start = None
    cur = None
    for i, t in enumerate(list(tags) + ["O"]):
        if t in ("O", "-X-", ""):
            typ, prefix = None, "O"
        else:
            prefix, _, typ = t.partition("-")
            if not typ:  # a bare type like "PER"
                prefix, typ = "I", prefix
        begins = prefix in ("B", "S") or (prefix in ("I", "E") and typ != cur)
        if cur is not None and (typ != cur or begins):
            out.add((start, i, cur))
            cur = None
        if typ is not None and (begins or cur is None):
            start, cur = i, typ
    return out


def _prf(correct: int, found: int, gold: int) -> dict:
    p = correct / found if found else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "correct": correct, "found": found, "gold": gold}


def score(gold_seqs: Iterable[Sequence[str]], pred_seqs: Iterable[Sequence[str]]) -> dict:
    """conlleval P/R/F1 over paired tag sequences (one pair per sentence)."""
    correct, found, gold = Counter(), Counter(), Counter()
    tokens = tok_correct = 0
    for g, p in zip(gold_seqs, pred_seqs, strict=True):
        if len(g) != len(p):
            raise ValueError("gold and predicted sequences differ in length")
        gc, pc = chunks(g), chunks(p)
        for _, _, t in gc:
            gold[t] += 1
        for _, _, t in pc:
            found[t] += 1
        for _, _, t in gc & pc:
            correct[t] += 1
        tokens += len(g)
        tok_correct += sum(a == b for a, b in zip(g, p))
    overall = _prf(sum(correct.values()), sum(found.values()), sum(gold.values()))
    types = sorted(set(gold) | set(found))
    overall["per_type"] = {t: _prf(correct[t], found[t], gold[t]) for t in types}
    overall["accuracy"] = tok_correct / tokens if tokens else 0.0
    overall["tokens"] = tokens
    return overall


def evaluate_conll(path: str | Path, lang: str = "nl", doc_level: bool = False) -> dict:
    """Tag every sentence of a CoNLL file with :func:`storyline.enrich.ner.tag_tokens`, score it.

    With ``doc_level`` the tags are then made consistent per ``-DOCSTART-`` document
    (:func:`storyline.enrich.ner.harmonise_types`, as ``extract_entities`` does per text).
    Returns ``{"p", "r", "f1", "per_type": {TYPE: {"p", "r", "f1", ...}}, "tokens_per_s", ...}``.
    """
    from storyline.enrich.ner import get_model, harmonise_types, tag_tokens

    sentences, doc_ids = read_conll(path, with_docs=True)
    get_model(lang)  # load outside the timed loop
    t0 = time.perf_counter()
    preds = [tag_tokens(toks, lang=lang) for toks, _ in sentences]
    if doc_level:
        by_doc: dict[int, list[int]] = {}
        for i, d in enumerate(doc_ids):
            by_doc.setdefault(d, []).append(i)
        for idx in by_doc.values():
            new = harmonise_types([sentences[i][0] for i in idx], [preds[i] for i in idx])
            for i, tags in zip(idx, new):
                preds[i] = tags
    elapsed = time.perf_counter() - t0
    result = score([g for _, g in sentences], preds)
    result["sentences"] = len(sentences)
    result["seconds"] = elapsed
    result["tokens_per_s"] = result["tokens"] / elapsed if elapsed > 0 else float("inf")
    result["file"] = str(path)
    result["lang"] = lang
    result["doc_level"] = doc_level
    return result
