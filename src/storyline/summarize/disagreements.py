"""Disagreements: sources reporting materially different values for the same figure.

Two figures disagree when they count the same thing (same category and subject:
``killed (civilians)``), come from the same event or storyline, are dated within a
short window of each other, are reported by different sources, and their values
differ materially: by at least :data:`MIN_RELATIVE` of the larger one and by more
than :data:`MIN_ABSOLUTE`. A vague range (``duizenden``) disagrees only with a value
outside it. A lower bound (``zeker 102``) still disagrees with a much larger figure:
readers take the number as the count.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Sequence

from storyline.store import Store

__all__ = ["detect_for_articles", "materially_different", "within_window", "WINDOW_DAYS"]

MIN_RELATIVE = 0.2
MIN_ABSOLUTE = 2
WINDOW_DAYS = 3


def detect_for_articles(store: Store, article_ids: Sequence[str]) -> int:
    """Compare the figures of these articles with those in their events/storylines; returns how many pairs."""
    found = 0
    for aid in article_ids:
        event_id, storyline_id = store.article_scope(aid)
        if event_id is None:
            continue
        for f in store.article_figures(aid):
            for g in store.candidate_figures(aid, f["what"]):
                if g["id"] == f["id"] or (g["subject"] or "") != (f["subject"] or ""):
                    continue
                if _source(f) == _source(g):
                    continue
                if not within_window(f["as_of"] or f["date"], g["as_of"] or g["date"]):
                    continue
                if not materially_different((f["value"], f["low"], f["high"]), (g["value"], g["low"], g["high"])):
                    continue
                g_event, g_story = store.article_scope(g["article_id"])
                same_event = g_event == event_id
                store.save_disagreement(f["what"], f["subject"], event_id if same_event else None,
                                     storyline_id, sorted([f["id"], g["id"]]))
                found += 1
    return found


def _source(row) -> str:
    s = row["reported_by"] or row["source"] or ""
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c)).strip()


def _point(v) -> float | None:
    value, low, high = v
    if value is not None:
        return float(value)
    return None


def materially_different(a, b) -> bool:
    """``a`` and ``b`` are (value, low, high) triples.

    >>> materially_different((102, 102, None), (352, 352, 352))
    True
    >>> materially_different((500000, 500000, None), (500000, 500000, None))
    False
    >>> materially_different((None, 2000, 9999), (5000, 5000, None))
    False
    """
    pa, pb = _point(a), _point(b)
    if pa is None and pb is None:
        return False  # two vague ranges
    if pa is None or pb is None:
        point, rng = (pa, b) if pa is not None else (pb, a)
        low, high = rng[1], rng[2]
        return (low is not None and point < low * (1 - MIN_RELATIVE)) or \
            (high is not None and point > high * (1 + MIN_RELATIVE))
    diff = abs(pa - pb)
    return diff > MIN_ABSOLUTE and diff >= MIN_RELATIVE * max(abs(pa), abs(pb))


def _parse(d: str | None) -> tuple[date, str] | None:
    if not d:
        return None
    try:
        if len(d) >= 10:
            return date.fromisoformat(d[:10]), "day"
        if len(d) == 7:
            return date(int(d[:4]), int(d[5:7]), 1), "month"
        if len(d) == 4:
            return date(int(d), 1, 1), "year"
    except ValueError:
        return None
    return None


def within_window(a: str | None, b: str | None, days: int = WINDOW_DAYS) -> bool:
    """Dated close enough to be about the same moment; an unknown date does not rule it out."""
    pa, pb = _parse(a), _parse(b)
    if pa is None or pb is None:
        return True
    (da, ka), (db_, kb) = pa, pb
    if ka == "day" and kb == "day":
        return abs((da - db_).days) <= days
    if "year" in (ka, kb):
        return da.year == db_.year
    # a month-precise date: the same month, or a day within the window of its month's edges
    if ka == "month" and kb == "month":
        return (da.year, da.month) == (db_.year, db_.month)
    day, month = (da, db_) if ka == "day" else (db_, da)
    start = month
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start - timedelta(days=days) <= day <= end + timedelta(days=days)
