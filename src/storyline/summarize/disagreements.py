"""Disagreements: independent sources reporting materially different values for the same thing.

Two figures disagree only when all of these hold:

* they count the same thing: the same category (``dead``), a compatible head (:func:`compatible_what`:
  ``burgerslachtoffer`` ~ ``burger``, ``kind`` ≠ ``mens``), the same subject and unit;
* they come from the same event or storyline, dated within :data:`WINDOW_DAYS` of each other;
* they are from different articles that are not copies of one another (``copy_of``), by different reporters,
  and a figure the journalist states (reporter type OUTLET) from an *unknown* outlet is no independent source;
* both were read with at least settings ``enrich.figure_threshold`` confidence;
* their values differ beyond rounding and beyond what their qualifiers allow (:func:`materially_different`:
  ``ruim 300`` and ``352`` agree; ``zeker 102`` and ``352`` do not);
* neither is a forecast or a poll (``gaat mogelijk naar acht zetels``, ``gepeild op zeven zetels``): an
  expectation is not a reported count, and two expectations differing is no dispute between sources;
* it is not a development: a cumulative count (dead, injured, arrested, displaced, evacuated) that is larger
  on a later day grew, it was not disputed.

Conflicting figures of one scope form one disagreement (a figure already in one joins it: no mirrors).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Sequence

from storyline.store import Store

__all__ = ["detect_for_articles", "materially_different", "within_window", "compatible_what", "hedged", "WINDOW_DAYS"]

MIN_RELATIVE = 0.2
MIN_ABSOLUTE = 2
WINDOW_DAYS = 3
# A lower bound ("ruim 300", "zeker 102") is read as the count give or take this much upwards: "ruim 300"
# agrees with 352, "zeker 102" does not agree with 352 (the example corpus's two UN figures).
BOUND_SLACK = 0.5
# Counts that only grow while a story unfolds: larger on a later day is a development, not a dispute.
CUMULATIVE = {"dead", "injured", "arrested", "displaced", "evacuated", "killed", "refugees"}
# Heads that name no particular group: "mens" is compatible with any head of the same category -- but only in
# a category that says what happened to them (dead, injured, ...); "5 miljoen mensen" and "483.000 mensen" of
# two unrelated sentences are no dispute.
_GENERIC = {"mens", "persoon", "slachtoffer", "people", "person", "mensen", "personen"}
# Pronouns and comparatives read as heads ("45 procent van hen", "28 procent hoger"): they name nothing.
_UNSPECIFIC = {"hen", "hun", "ze", "zij", "die", "dat", "deze", "hem", "ons", "them", "those", "ihnen", "hoger",
               "lager", "meer", "minder", "totaal", "geheel", "rest", "helft"}
# Categories specific enough on their own: compared across the storyline, and with a generic head.
SPECIFIC = CUMULATIVE | {"seats", "votes"}
# What a unit-only figure is called when no counted noun was found ("8 procent", "15.000 euro"): no head.
_UNIT_WORDS = {"percent", "eur", "usd", "gbp", "km", "m", "kg", "km/h", "year", "month", "week", "day", "hour",
               "minute", "mile", "straf"}


def _threshold() -> float:
    from storyline.settings import get_settings

    return get_settings().enrich.figure_threshold


def detect_for_articles(store: Store, article_ids: Sequence[str]) -> int:
    """Compare the figures of these articles with those in their events/storylines; returns how many pairs."""
    found = 0
    threshold = _threshold()
    for aid in article_ids:
        event_id, storyline_id = store.article_scope(aid)
        if event_id is None:
            continue
        for f in store.article_figures(aid):
            if (f.get("confidence") or 0) < threshold or not _independent_source(f):
                continue
            category = f.get("category") or f["what"]
            for g in store.candidate_figures(aid, category):
                if g["article_id"] == f["article_id"] or (g.get("confidence") or 0) < threshold:
                    continue
                g_event, g_story = store.article_scope(g["article_id"])
                same_event = g_event == event_id
                if not same_event and category not in SPECIFIC:
                    continue  # only counts of a story's casualties, seats and votes are compared across events
                if not conflicting(f, g):
                    continue
                store.save_disagreement(category, _label(f, g), event_id if same_event else None,
                                        storyline_id, sorted([f["id"], g["id"]]))
                found += 1
    return found


def conflicting(f: dict, g: dict) -> bool:
    """Two stored figures (rows with what, subject, unit, category, value, low, high, qualifier, reporter,
    source, copy_of, article_id, as_of, date) that disagree by the rules of the module doc."""
    if (f.get("category") or f["what"]) != (g.get("category") or g["what"]):
        return False
    if (g["subject"] or "") != (f["subject"] or "") or (f.get("unit") or "") != (g.get("unit") or ""):
        return False
    if f.get("category") and g.get("category"):
        category = f["category"]
        if category not in SPECIFIC and not (_specific(f["what"]) and _specific(g["what"])):
            return False  # "8 procent" vs "12 procent": of what?
        if not compatible_what(f["what"], g["what"]):
            return False
    if not same_scope(f, g):
        return False
    if hedged(f["sentence"]) or hedged(g["sentence"]):
        return False
    if {"from", "whole"} & {f.get("qualifier"), g.get("qualifier")} or \
            any((x.get("qualifier") or "").startswith("of ") for x in (f, g)):
        return False  # "van 4 naar 8 zetels": the earlier value of a change; "zes van de twaalf": a part
    if _fold(f["sentence"]) == _fold(g["sentence"]):
        return False  # one sentence in two articles: one report, its numbers are not two sources
    if f["article_id"] in (g.get("copy_of"), g["article_id"]) or g["article_id"] == f.get("copy_of") \
            or (f.get("copy_of") and f.get("copy_of") == g.get("copy_of")):
        return False
    if not _independent_source(g) or _source(f) == _source(g):
        return False
    da, db_ = f["as_of"] or f["date"], g["as_of"] or g["date"]
    if not within_window(da, db_):
        return False
    if not materially_different(_triple(f), _triple(g)):
        return False
    if (f.get("category") or f["what"]) in CUMULATIVE and _grew(f, g):
        return False
    return True


# Words that make a sentence's figures an expectation (nl, en, de, fr, es, it). Precision first: anywhere in the
# sentence, since the stored figure keeps its sentence, not its clause.
_HEDGE = re.compile(
    r"\b(?:mogelijk|waarschijnlijk|wellicht|misschien|naar verwachting|verwacht\w*|prognose\w*|gepeild|peiling\w*|"
    r"\w*poll\w*|possibly|probably|likely|expected|forecast\w*|projected|möglicherweise|wahrscheinlich|"
    r"voraussichtlich|umfrage\w*|prognose|probablement|peut-être|sondage\w*|probablemente|posiblemente|"
    r"encuesta\w*|probabilmente|forse|sondaggi\w*)\b", re.IGNORECASE)


def hedged(sentence: str) -> bool:
    """The sentence states an expectation, a forecast or a poll rather than a count."""
    return bool(_HEDGE.search(sentence or ""))


def _triple(row: dict) -> tuple:
    value, low, high = row["value"], row["low"], row["high"]
    return value, low, high


def _grew(f: dict, g: dict) -> bool:
    """The later-dated (by day) of two cumulative counts is the larger: a development."""
    pf, pg = _parse(f["as_of"] or f["date"]), _parse(g["as_of"] or g["date"])
    if pf is None or pg is None or pf[1] != "day" or pg[1] != "day" or pf[0] == pg[0]:
        return False
    early, late = (f, g) if pf[0] < pg[0] else (g, f)
    a, b = _point(_triple(early)), _point(_triple(late))
    if a is None:
        a = early["low"] or early["high"]
    if b is None:
        b = late["low"] or late["high"]
    return a is not None and b is not None and b > a


def _label(f: dict, g: dict) -> str | None:
    """The thing disputed: the more specific of the two heads (``burgerslachtoffer`` over ``mens``)."""
    heads = [h for h in (f["what"], g["what"]) if h and _fold(h) not in _GENERIC]
    subject = f["subject"]
    head = heads[0] if heads else f["what"]
    return f"{head} ({subject})" if subject else head


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", (s or "").lower())
    return "".join(c for c in s if not unicodedata.combining(c)).strip()


def _stem(w: str) -> str:
    w = _fold(w)
    for suf in ("eren", "en", "s", "e"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def compatible_what(a: str | None, b: str | None) -> bool:
    """The same head after stemming, one a compound part of the other, or one of them generic.

    >>> compatible_what("burgerslachtoffer", "burger")
    True
    >>> compatible_what("kind", "mens")
    True
    >>> compatible_what("zetel", "kiezer")
    False
    """
    if not a or not b:
        return True
    wa = [_stem(w) for w in _fold(a).split() if len(w) > 2] or [_stem(a)]
    wb = [_stem(w) for w in _fold(b).split() if len(w) > 2] or [_stem(b)]
    if any(x in _GENERIC for x in wa + wb) or _fold(a) in _GENERIC or _fold(b) in _GENERIC:
        return True
    for x in wa:
        for y in wb:
            if x == y or (len(y) >= 4 and (x.startswith(y) or x.endswith(y))) or \
                    (len(x) >= 4 and (y.startswith(x) or y.endswith(x))):
                return True
    return False


def same_scope(f: dict, g: dict) -> bool:
    """The names of the two figures' clauses (their scope: "CDA", "Istanbul") agree: the same names; for counts
    of casualties one set may hold the other ("352 in Oekraïne" and "zeker 102")."""
    a = set((f.get("scope") or "").split("|")) - {""}
    b = set((g.get("scope") or "").split("|")) - {""}
    if (f.get("category") or f["what"]) not in CUMULATIVE:
        return bool(a) and a == b  # seats of "het CDA" and of "de partij": no comparable scope
    return a <= b or b <= a


def _specific(what: str | None) -> bool:
    w = _fold(what or "")
    return bool(w) and w not in _UNIT_WORDS and w not in _GENERIC and w not in _UNSPECIFIC


def _independent_source(row: dict) -> bool:
    """A figure the journalist states from an unknown outlet stands for no independent source."""
    if row.get("reporter_type") == "OUTLET":
        return bool(row["source"]) and _fold(row["reported_by"] or row["source"]) != "unknown"
    return True


def _source(row) -> str:
    s = row["reported_by"] or row["source"] or ""
    return _fold(s)


def _point(v) -> float | None:
    value, low, high = v
    if value is not None:
        return float(value)
    return None


def _interval(v) -> tuple[float, float] | None:
    """What a reported figure allows: a point ± rounding; a lower bound up to BOUND_SLACK more."""
    value, low, high = v
    if value is not None and low is not None and high is None:  # "ruim 300", "zeker 102"
        return float(value), float(value) * (1 + BOUND_SLACK)
    if value is not None and high is not None and low is None:  # "bijna 40"
        return float(value) * (1 - BOUND_SLACK), float(value)
    return None


def materially_different(a, b) -> bool:
    """``a`` and ``b`` are (value, low, high) triples.

    >>> materially_different((102, 102, None), (352, 352, 352))
    True
    >>> materially_different((500000, 500000, None), (500000, 500000, None))
    False
    >>> materially_different((None, 2000, 9999), (5000, 5000, None))
    False
    >>> materially_different((300, 300, None), (352, 352, 352))
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
    if diff <= MIN_ABSOLUTE or diff < MIN_RELATIVE * max(abs(pa), abs(pb)):
        return False
    for bound, other in ((_interval(a), pb), (_interval(b), pa)):
        if bound is not None and bound[0] <= other <= bound[1]:
            return False  # within what the qualifier allows
    return True


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
