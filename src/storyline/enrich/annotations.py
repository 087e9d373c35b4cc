"""Entry points the enrich and link stages call for quotes, figures and positions.

* :func:`annotate_article` (enrich stage, one article, its NER mentions given): quotes,
  figures and positions found in the text and stored per article.
* :func:`link_articles` (link stage, after event clustering and entity linking of the batch):
  speakers tied to entities, the same quote from several outlets merged into one,
  disagreements between sources flagged.
"""

from __future__ import annotations

import difflib
import logging
import sqlite3
import unicodedata
from typing import Sequence

from storyline.enrich.figures import extract_figures
from storyline.enrich.quotes import QuoteHit, extract_quotes, normalise_quote, quote_similarity
from storyline.records import Article
from storyline.store import annotations as db

LOGGER = logging.getLogger(__name__)

__all__ = ["annotate_article", "link_articles", "SAME_QUOTE"]

# Two reports of a quote are one quote from this similarity up (see quote_similarity):
# the seeds' three wordings of one videotoespraak score 0.80-1.0, unrelated quotes of
# one speaker stay under 0.5 on the German set's multi-quote speakers.
SAME_QUOTE = 0.72


def annotate_article(conn: sqlite3.Connection, article: Article, mentions: Sequence) -> None:
    """Find and store the quotes, figures and positions of one article (replacing earlier ones)."""
    text = article.text or ""
    lang = (article.language or "nl")[:2]
    db.clear_article(conn, article.id)
    if not text.strip():
        return
    quotes = _dedupe_within(extract_quotes(text, lang, mentions))
    for q in quotes:
        db.insert_quote(conn, article.id, text=q.text, norm=normalise_quote(q.text), kind=q.kind,
                        speaker=q.speaker, speaker_id=None, language=lang, start=q.start, end=q.end,
                        speaker_text=q.speaker_text, cue=q.cue, sentence=q.sentence)
    times = _time_expressions(text, article, lang)
    for fig in extract_figures(text, lang, quotes, source=article.source or article.id,
                               published=article.published or article.estimated_date, time_expressions=times):
        db.insert_figure(conn, article.id, fig, None)
    try:
        from storyline.enrich.positions import extract_positions
    except ImportError:  # pragma: no cover - positions are optional
        return
    for pos in extract_positions(text, lang, mentions, quotes):
        db.insert_position(conn, article.id, pos, None, article.published or article.estimated_date)


def link_articles(conn: sqlite3.Connection, articles: Sequence[Article]) -> None:
    """Tie speakers to entities, merge one quote reported by many outlets, flag disagreements."""
    entity_for_name = _entity_lookup()
    for article in articles:
        if entity_for_name is not None:
            _link_entities(conn, article.id, entity_for_name)
        _merge_quotes(conn, article.id)
    from storyline.summarize.disagreements import detect_for_articles

    detect_for_articles(conn, [a.id for a in articles])


# --------------------------------------------------------------------------- helpers
def _dedupe_within(quotes: list[QuoteHit]) -> list[QuoteHit]:
    """Drop a speakerless quote that repeats a longer one of the same article (a headline, a lead)."""
    norms = [normalise_quote(q.text) for q in quotes]
    keep = []
    for i, q in enumerate(quotes):
        if q.speaker is None and q.speaker_text is None:
            if any(j != i and quotes[j].speaker_text and len(norms[j]) >= len(norms[i])
                   and quote_similarity(norms[i], norms[j]) >= SAME_QUOTE for j in range(len(quotes))):
                continue
        keep.append(q)
    return keep


def _time_expressions(text: str, article: Article, lang: str):
    ref = article.published or article.estimated_date
    try:
        from storyline.enrich.timex import find_time_expressions
    except ImportError:
        return []
    try:
        return find_time_expressions(text, ref, lang)
    except Exception as exc:  # a time expression must never cost the article its figures
        LOGGER.warning("time expressions failed for %s: %s", article.id, exc)
        return []


def _entity_lookup():
    try:
        from storyline.enrich.entities import entity_for_name
    except ImportError:
        return None
    return entity_for_name


def _link_entities(conn: sqlite3.Connection, article_id: str, entity_for_name) -> None:
    for row in db.article_quotes(conn, article_id):
        if row["speaker"] and row["speaker_id"] is None:
            eid = entity_for_name(conn, row["speaker"], article_id=article_id)
            if eid is not None:
                conn.execute("UPDATE quotes SET speaker_id = ? WHERE id = ?", (eid, row["id"]))
    for row in db.article_figures(conn, article_id):
        if row["reported_by"] and row["reported_by_id"] is None:
            eid = entity_for_name(conn, row["reported_by"], article_id=article_id)
            if eid is not None:
                conn.execute("UPDATE figures SET reported_by_id = ? WHERE id = ?", (eid, row["id"]))
    for row in conn.execute("SELECT id, actor FROM positions WHERE article_id = ? AND actor_id IS NULL",
                            (article_id,)).fetchall():
        eid = entity_for_name(conn, row["actor"], article_id=article_id)
        if eid is not None:
            conn.execute("UPDATE positions SET actor_id = ? WHERE id = ?", (eid, row["id"]))


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


def _merge_quotes(conn: sqlite3.Connection, article_id: str) -> None:
    for own in db.article_quotes(conn, article_id):
        best, best_sim = None, 0.0
        for cand in db.candidate_quotes(conn, article_id, own["speaker_id"]):
            if cand["id"] == own["id"] or not _same_speaker(own, cand):
                continue
            sim = quote_similarity(own["norm"], cand["norm"])
            if sim > best_sim:
                best, best_sim = cand, sim
        if best is not None and best_sim >= SAME_QUOTE:
            keep, drop = min(best["id"], own["id"]), max(best["id"], own["id"])
            db.merge_quotes(conn, keep, drop)
