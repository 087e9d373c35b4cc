"""The link work: what joins articles, run after clustering, through the store's record-level methods.

:func:`link_batch` for a stored, clustered batch:

1. mentions merged into entities across articles, events and languages, places geocoded
   (:func:`storyline.enrich.entities.link_mentions`);
2. speakers, reporters and actors tied to those entities;
3. the same quote reported by several outlets merged into one;
4. disagreements between sources flagged (:func:`storyline.summarize.disagreements.detect_for_articles`).
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Sequence

from storyline.enrich.entities import entity_for_name as _entity_for_name, link_mentions, plan_links
from storyline.enrich.quotes import quote_similarity
from storyline.enrich.stages import SAME_QUOTE
from storyline.records import Article
from storyline.store import Store
from storyline.summarize.disagreements import detect_for_articles

__all__ = ["link_batch", "plan_batch", "link_speakers", "merge_reported_quotes"]


def link_batch(store: Store, articles: Sequence[Article], *, gazetteer=None, plans: dict | None = None) -> None:
    """Entities for the batch's mentions, then speakers tied to them, shared quotes merged, disagreements.
    ``plans`` (article id -> :class:`storyline.enrich.entities.LinkPlan`, from :func:`plan_batch` before the
    write transaction) leave only the store's part of entity linking here; the results are the same."""
    if not articles:
        return
    ids = [a.id for a in articles]
    link_mentions(store, ids, gazetteer=gazetteer, languages=_languages(articles), plans=plans)
    for article_id in ids:
        link_speakers(store, article_id)
        merge_reported_quotes(store, article_id)
    detect_for_articles(store, ids)


def _languages(articles: Sequence[Article]) -> dict[str, str]:
    return {a.id: a.language or "nl" for a in articles}


def plan_batch(articles: Sequence[Article], mentions: dict[str, Sequence | None], *, gazetteer=None) -> dict:
    """The linking work of a batch that reads no store (article id -> plan), for its articles' mentions as
    they will be stored (article id -> mentions; None: no mentions will be stored, nothing to plan)."""
    return plan_links({a.id: mentions[a.id] for a in articles if mentions.get(a.id) is not None},
                      _languages(articles), gazetteer=gazetteer)


def link_speakers(store: Store, article_id: str) -> None:
    """Tie an article's quote speakers, figure reporters and position actors to entity ids."""
    local: set[int] | None = None  # the article's entities, read once (linking speakers does not change them)
    found: dict[str, int | None] = {}  # name -> entity: tying names to entities changes no entity, so read once

    def entity_for_name(store: Store, name: str, article_id: str) -> int | None:
        nonlocal local
        if name not in found:
            if local is None:
                local = set(store.entities_in_article(article_id))
            found[name] = _entity_for_name(store, name, article_id=article_id, local=local)
        return found[name]

    for row in store.article_quotes(article_id):
        if row["speaker"] and row["speaker_id"] is None:
            eid = entity_for_name(store, row["speaker"], article_id=article_id)
            if eid is not None:
                store.set_quote_speaker(row["id"], eid)
    for row in store.article_figures(article_id):
        if row["reported_by"] and row["reported_by_id"] is None:
            eid = entity_for_name(store, row["reported_by"], article_id=article_id)
            if eid is not None:
                store.set_figure_reporter(row["id"], eid)
    for row in store.unlinked_positions(article_id):
        eid = entity_for_name(store, row["actor"], article_id=article_id)
        if eid is not None:
            store.set_position_actor(row["id"], eid)


def merge_reported_quotes(store: Store, article_id: str) -> None:
    """One quote reported by several outlets (same speaker, close enough words) becomes one quote."""
    scope = None  # the event/storyline part of the candidates: read once, again only after a merge changed it
    by_speaker: dict[int, list] = {}  # the candidates of a speaker entity, read once likewise
    for own in store.article_quotes(article_id):
        best, best_sim = None, 0.0
        if scope is None:
            scope = store.candidate_quotes(article_id, None)
            by_speaker.clear()
        if own["speaker_id"] is None:
            candidates = scope
        else:
            candidates = by_speaker.get(own["speaker_id"])
            if candidates is None:
                candidates = by_speaker[own["speaker_id"]] = store.candidate_quotes(article_id, own["speaker_id"],
                                                                                      scope)
        for cand in candidates:
            if cand["id"] == own["id"] or not _same_speaker(own, cand):
                continue
            sim = quote_similarity(own["norm"], cand["norm"])
            if sim > best_sim:
                best, best_sim = cand, sim
        if best is not None and best_sim >= SAME_QUOTE:
            keep, drop = min(best["id"], own["id"]), max(best["id"], own["id"])
            store.merge_quotes(keep, drop)
            scope = None


def _fold(name: str | None) -> str:
    if not name:
        return ""
    s = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in s if not unicodedata.combining(c))


def _same_speaker(a, b) -> bool:
    if a["speaker_id"] is not None and b["speaker_id"] is not None:
        return a["speaker_id"] == b["speaker_id"]
    sa, sb = _fold(a["speaker"]), _fold(b["speaker"])
    if not sa or not sb:
        return True  # an unresolved speaker does not block: the event scope and the words decide
    la, lb = sa.split()[-1], sb.split()[-1]
    # surnames across spellings (Zelensky / Zelenski): close enough as strings
    return la == lb or difflib.SequenceMatcher(None, la, lb).ratio() >= 0.8
