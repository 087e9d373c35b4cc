"""Cross-document entity coreference evaluation on MEANTIME (``storyline eval entities``).

Data: the processed MEANTIME release in ``../shared/data/meantime-cdcr-processed``
(``<lang>/meantime.conll`` for tokens, ``<lang>/entities_mentions.json`` for gold
mentions with cross-document chain ids). 120 Wikinews articles in 4 topics.

What is measured: the linker of :mod:`storyline.enrich.entities` on the gold *name*
mentions (head is a proper noun, span cut to the capitalised run around the head:
"de grootste autobouwer in de V.S., General Motors" -> "General Motors"). Pronouns and
common-noun mentions are out of scope for a name linker and left out. Every document
is one article; events are not used (they would leak the gold topic grouping).

Metrics (standard, as in the CoNLL-2012 scorer): MUC (link-based), B³ (mention-based),
CEAF-e (entity-based, optimal alignment by Hungarian matching), and CoNLL F1, their
mean. Baselines: every mention alone, and same case-folded string = same entity.

With ``--predicted`` the articles also run through the NER: a gold mention takes the
entity of the predicted mention covering its head token, or stays alone when the NER
missed it, so NER misses count against the score.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Hashable, Iterable
from storyline.errors import EvalDataError
from storyline.settings import data_dir

__all__ = ["EvalDataError", "default_meantime_path", "evaluate_meantime", "muc", "b_cubed", "ceaf_e", "conll_f1"]

TYPE_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}  # PRO, FIN, OTH -> MISC
_LOWER_PARTS = {"van", "von", "der", "den", "de", "of", "and", "&", "-", "'s", "du", "la", "le", "del"}


def default_meantime_path() -> Path:
    return data_dir() / "meantime-cdcr-processed"


# --------------------------------------------------------------------------- metrics
Clusters = list[set]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _index(clusters: Clusters) -> dict:
    return {m: i for i, c in enumerate(clusters) for m in c}


def muc(key: Clusters, response: Clusters) -> dict:
    """MUC (Vilain et al. 1995): links recovered; singletons contribute nothing."""
    def score(a: Clusters, b: Clusters) -> float:
        idx = _index(b)
        num = den = 0
        for c in a:
            parts = {idx.get(m, ("alone", m)) for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num / den if den else 0.0
    r, p = score(key, response), score(response, key)
    return {"p": p, "r": r, "f1": _f1(p, r)}


def b_cubed(key: Clusters, response: Clusters) -> dict:
    """B³ (Bagga & Baldwin 1998), averaged over mentions."""
    kidx, ridx = _index(key), _index(response)
    mentions = set(kidx) | set(ridx)
    p = r = 0.0
    for m in mentions:
        k = key[kidx[m]] if m in kidx else {m}
        s = response[ridx[m]] if m in ridx else {m}
        inter = len(k & s)
        p += inter / len(s)
        r += inter / len(k)
    n = len(mentions) or 1
    p, r = p / n, r / n
    return {"p": p, "r": r, "f1": _f1(p, r)}


def ceaf_e(key: Clusters, response: Clusters) -> dict:
    """Entity-based CEAF (Luo 2005) with phi4 similarity and optimal one-to-one alignment."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not key or not response:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    ridx = _index(response)
    sim = np.zeros((len(key), len(response)))
    for i, k in enumerate(key):
        for m in k:
            j = ridx.get(m)
            if j is not None and sim[i, j] == 0:
                s = response[j]
                sim[i, j] = 2 * len(k & s) / (len(k) + len(s))
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    p, r = total / len(response), total / len(key)
    return {"p": float(p), "r": float(r), "f1": float(_f1(p, r))}


def conll_f1(key: Clusters, response: Clusters) -> dict:
    m, b, c = muc(key, response), b_cubed(key, response), ceaf_e(key, response)
    return {"muc": m, "b3": b, "ceafe": c, "conll_f1": (m["f1"] + b["f1"] + c["f1"]) / 3,
            "entities": len(response)}


def clusters_of(assignment: dict[Hashable, Hashable]) -> Clusters:
    groups: dict = defaultdict(set)
    for mention, cluster in assignment.items():
        groups[cluster].add(mention)
    return list(groups.values())


# --------------------------------------------------------------------------- data
@dataclass
class GoldMention:
    id: int
    doc: str
    chain: str
    type: str
    start: int      # char offsets into the rebuilt document text
    end: int
    head_start: int
    sentence: int
    text: str


def _read_docs(conll: Path) -> dict[str, list[list[str]]]:
    docs: dict[str, dict[int, list[str]]] = defaultdict(dict)
    with open(conll, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            doc, sent, tok, text = parts[0], int(parts[1]), int(parts[2]), parts[3]
            sentence = docs[doc].setdefault(sent, [])
            if tok != len(sentence):
                raise EvalDataError(f"{conll}: token numbering breaks in {doc} sentence {sent}")
            sentence.append(text)
    return {d: [s[i] for i in sorted(s)] for d, s in docs.items()}


def _name_span(tokens: list[str], ids: list[int], head: int) -> list[int]:
    """The capitalised run of the mention's tokens that contains its head (lower-case name particles allowed inside)."""
    ids = sorted(ids)
    if head not in ids:
        return ids
    def namey(i: int) -> bool:
        t = tokens[i]
        return t[:1].isupper() or t[:1].isdigit()
    lo = hi = ids.index(head)
    while lo > 0 and ids[lo - 1] == ids[lo] - 1 and (namey(ids[lo - 1]) or
                                                     (tokens[ids[lo - 1]].lower() in _LOWER_PARTS and lo > 1
                                                      and namey(ids[lo - 2]))):
        lo -= 1
    while hi < len(ids) - 1 and ids[hi + 1] == ids[hi] + 1 and (namey(ids[hi + 1]) or
                                                                (tokens[ids[hi + 1]].lower() in _LOWER_PARTS
                                                                 and hi + 2 < len(ids) and namey(ids[hi + 2]))):
        hi += 1
    return ids[lo:hi + 1]


def load_meantime(path: Path, language: str = "nl") -> tuple[dict[str, str], list[GoldMention]]:
    """Documents (id -> text, tokens joined by spaces, one sentence per line) and gold name mentions."""
    folder = Path(path) / language
    conll, mentions_file = folder / "meantime.conll", folder / "entities_mentions.json"
    for f in (conll, mentions_file):
        if not f.exists():
            raise EvalDataError(f"{f} not found: is {path} the processed MEANTIME folder "
                                f"(meantime-cdcr-processed, see its README)?")
    docs = _read_docs(conll)
    texts: dict[str, str] = {}
    offsets: dict[str, list[list[int]]] = {}
    sent_start: dict[str, list[int]] = {}
    for doc, sentences in docs.items():
        buf, pos, offs, starts = [], 0, [], []
        for s in sentences:
            starts.append(pos)
            row = []
            for t in s:
                row.append(pos)
                pos += len(t) + 1
            buf.append(" ".join(s))
            offs.append(row)
        texts[doc] = "\n".join(buf)
        offsets[doc] = offs
        sent_start[doc] = starts
    with open(mentions_file, encoding="utf-8") as fh:
        raw = json.load(fh)
    gold: list[GoldMention] = []
    for m in raw:
        if m.get("mention_head_pos") != "PROPN":
            continue
        doc, sent = m["conll_doc_key"], int(m["sent_id"])
        if doc not in docs or sent >= len(docs[doc]):
            continue
        tokens = docs[doc][sent]
        ids = [int(i) for i in m["tokens_number"] if int(i) < len(tokens)]
        if not ids:
            continue
        span = _name_span(tokens, ids, int(m["mention_head_id"]))
        start = offsets[doc][sent][span[0]]
        end = offsets[doc][sent][span[-1]] + len(tokens[span[-1]])
        head = int(m["mention_head_id"]) if int(m["mention_head_id"]) < len(tokens) else span[0]
        gold.append(GoldMention(len(gold), doc, m["coref_chain"], TYPE_MAP.get(m["mention_type"], "MISC"),
                                start, end, offsets[doc][sent][head], sent, texts[doc][start:end]))
    if not gold:
        raise EvalDataError(f"no gold name mentions found in {mentions_file}")
    return texts, gold


# --------------------------------------------------------------------------- systems
def _link_in_store(texts: dict[str, str], mentions_by_doc: dict[str, list], language: str,
                   gazetteer) -> dict[tuple[str, int, int], int]:
    """Run the real linker on an in-memory store; returns (doc, start, end) -> entity id."""
    from storyline.enrich.entities import link_mentions
    from storyline.records import Article
    from storyline.store import Store

    store = Store(":memory:")
    try:
        ids = sorted(texts)
        with store.transaction():
            for doc in ids:
                store.save_article(Article(id=doc, text=texts[doc], language=language, source=doc))
                store.insert_mentions(doc, mentions_by_doc.get(doc, []))
            link_mentions(store, ids, gazetteer=gazetteer, use_events=False,
                          languages={i: language for i in ids})
            out = {}
            for m in store.mentions_for_articles(ids):
                out[(m.article_id, m.start, m.end)] = store.resolve_id(m.entity_id) if m.entity_id else None
        return out
    finally:
        store.close()


@dataclass(frozen=True)
class _M:
    text: str
    type: str
    start: int
    end: int
    sentence: int


def evaluate_meantime(path: Path, language: str = "nl", predicted: bool = False) -> dict:
    """Scores of the baselines and the linker (with and without gazetteer); see the module docstring."""
    texts, gold = load_meantime(path, language)
    key = clusters_of({g.id: g.chain for g in gold})
    systems: dict[str, dict] = {}
    systems["singletons"] = conll_f1(key, [{g.id} for g in gold])
    systems["same string"] = conll_f1(key, clusters_of({g.id: g.text.lower() for g in gold}))
    by_doc: dict[str, list] = defaultdict(list)
    for g in gold:
        by_doc[g.doc].append(_M(g.text, g.type, g.start, g.end, g.sentence))
    timings = {}
    for name, gaz in (("storyline, no gazetteer", False), ("storyline", None)):
        if gaz is None:
            from storyline.enrich.places import get_gazetteer
            gaz = get_gazetteer()  # built before timing: a one-off cost per process
        t0 = time.perf_counter()
        linked = _link_in_store(texts, by_doc, language, gaz)
        timings[name] = time.perf_counter() - t0
        systems[name] = conll_f1(key, clusters_of({g.id: linked.get((g.doc, g.start, g.end), ("alone", g.id))
                                                   for g in gold}))
    result = {"language": language, "documents": len(texts), "mentions": len(gold), "gold_entities": len(key),
              "cross_document_gold_entities": sum(1 for c in key if len({gold[i].doc for i in c}) > 1),
              "systems": systems, "link_seconds": timings}
    if predicted:
        result.update(_evaluate_predicted(texts, gold, key, language))
    return result


def _evaluate_predicted(texts: dict[str, str], gold: list[GoldMention], key: Clusters, language: str) -> dict:
    from storyline.enrich import ner
    from storyline.enrich.places import get_gazetteer

    docs = sorted(texts)
    t0 = time.perf_counter()
    try:
        from storyline.enrich.mentions import recognise_batch

        results = recognise_batch([texts[d] for d in docs], language)  # as the mention stage runs it
    except FileNotFoundError as exc:
        raise EvalDataError(f"--predicted needs the NER model: {exc}") from exc
    ner_seconds = time.perf_counter() - t0
    by_doc = dict(zip(docs, results))
    linked = _link_in_store(texts, by_doc, language, get_gazetteer())
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for (doc, start, end), entity in linked.items():
        spans[doc].append((start, end, entity))
    assignment = {}
    found = 0
    for g in gold:
        hit = next((e for s, t, e in spans[g.doc] if s <= g.head_start < t), None)
        if hit is not None:
            found += 1
        assignment[g.id] = hit if hit is not None else ("alone", g.id)
    scores = conll_f1(key, clusters_of(assignment))
    scores["gold_mentions_found"] = found
    return {"predicted": scores, "ner_seconds": ner_seconds}
