"""Overviews for the pages and listings: what matters in a period, ranked, filtered and paged.

The ranking score (home page, ``sort=score``), over the articles an item has in the chosen period:

    score = (A + 2·(O − 1) + 1.5·G24 + 0.5·G7) · 0.5 ** (age / H),   H = max(7, days of the period / 4)

- ``A``: its news articles that are not near-copies of another article (wire copies count once);
- ``O``: its independent outlets (distinct named outlets of those articles; none named counts as one);
- ``G24``, ``G7``: its articles dated in the last day and in the last 7 days before the reference date;
- ``age``: days from its newest article to the reference date, halving the score every week (every quarter of
  the period when that is longer: over two months the story of the first weeks still counts).

The reference date is the end of the chosen period, else the newest article date of the corpus (not today:
an archive is ranked as of its own last day, a live stream as of now). An item needs at least two such
articles to be ranked: a single-article item (a comic strip, a letters page, a column) is no story. Articles
whose ``genre`` (when the store has that column) says opinion or rubric are not counted at all.

Whole-corpus facts are read once per database state (:func:`storyline.store.pages.stamp`) and kept in memory,
so a page is ranked in milliseconds.
"""

from __future__ import annotations

import base64
import bisect
import logging
import datetime as dt
import math
import re
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from storyline.enrich.genre import GENRES, NEWS_GENRES
from storyline.errors import InputError
from storyline.read.ids import event_label, parse_event_id, parse_storyline_id, storyline_label
from storyline.store import Store, pages as rows
from storyline.store.views import database_file

__all__ = ["SORTS", "NOT_NEWS_GENRES", "Period", "Corpus", "corpus", "period", "ranked", "outlets",
           "entity_list", "storyline_profile", "entity_profile", "related_by_embedding", "semantic_events",
           "one_line", "story_title", "warm", "languages", "article_ids", "most_named", "event_listing", "storyline_listing"]

SORTS = ("score", "size", "recent", "sources")
ENTITY_PAGE_EVENTS, ENTITY_PAGE_STORYLINES = 40, 15  # what an entity page lists
WARM_ENTITIES = 30  # the entities named most, whose pages a server prepares at start
# Genres that are opinion or rubric rather than news reports: every genre of the genre stage but its news ones.
NOT_NEWS_GENRES = frozenset(GENRES) - NEWS_GENRES
MIN_RANKED_ARTICLES = 2
HALF_LIFE_DAYS = 7.0
UNKNOWN = "unknown"


# --------------------------------------------------------------------------- the cached corpus
@dataclass
class Corpus:
    facts: dict[str, dict[str, Any]]  # article id -> facts
    by_event: dict[int, list[str]]
    by_storyline: dict[int, list[str]]
    events: dict[int, dict[str, Any]]
    storyline_titles: dict[int, str | None]
    entities: dict[int, dict[str, Any]]
    entity_articles: dict[int, set[str]]
    article_entities: dict[str, set[int]]
    first: str | None
    last: str | None
    _memo: dict[str, Any] = field(default_factory=dict)
    # Built with the facts: (day "YYYY-MM-DD", article id) of the dated articles in date order, so a period's
    # articles are found by bisection rather than by reading every article.
    by_day: list[tuple[str, str]] = field(default_factory=list)
    _lru: "OrderedDict[tuple, Any]" = field(default_factory=OrderedDict)
    seconds: float = 0.0  # how long reading these facts took

    def kept(self, key: tuple, build):
        """A derived result kept with these facts as long as they are current (a whole-store listing)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def remember(self, key: tuple, build, size: int = 256):
        """A derived result kept with these facts (the most recently used ``size`` of them)."""
        with _LOCK:
            if key in self._lru:
                self._lru.move_to_end(key)
                return self._lru[key]
        value = build()
        with _LOCK:
            self._lru[key] = value
            while len(self._lru) > size:
                self._lru.popitem(last=False)
        return value

    def idf(self, entity: int) -> float:
        return math.log((1 + len(self.facts)) / (1 + len(self.entity_articles.get(entity, ()))))


_CACHE: dict[str, tuple[tuple, Corpus]] = {}
_LOCK = threading.RLock()  # the caches' dictionaries
_BUILD = threading.Lock()  # reading the facts (one at a time: a second reader waits for the first's result)
_REFRESHING: set[str] = set()
# A store whose facts took longer than this to read is read again in the background when it changes (its readers
# meanwhile see the facts before the change); a quicker one is read again at once.
STALE_AFTER_S = 1.0
LOGGER = logging.getLogger(__name__)


def _is_news(fact: dict[str, Any]) -> bool:
    genre = (fact.get("genre") or "").strip().lower()
    return genre not in NOT_NEWS_GENRES


def corpus(store: Store) -> Corpus:
    """The whole-corpus facts of ``store``, read once per database state.

    When the state has changed and the facts took longer than ``STALE_AFTER_S`` to read last time (a big store:
    seconds), the facts read before are returned while the new state is read in the background, so no reader
    waits for it after each ingested batch; a small store is read again at once."""
    conn = store.conn
    key, current = database_file(conn), _stamp(store)
    cached = _CACHE.get(key)
    if cached and key:
        if cached[0] == current:
            return cached[1]
        if cached[1].seconds > STALE_AFTER_S and _refresh(key):
            return cached[1]
    with _BUILD:
        cached = _CACHE.get(key)
        if cached and key and cached[0] == current:  # read meanwhile by another request
            return cached[1]
        built = _read(conn)
        if key:
            _CACHE[key] = (current, built)
        return built


def _stamp(store: Store) -> tuple:
    """The store's overview stamp, read again only when something was committed since (a page asks for the
    corpus several times; the stamp counts every article)."""
    marker = rows.change_marker(store.conn)
    memo = getattr(store, "_overview_stamp", None)
    if marker is not None and memo is not None and memo[0] == marker:
        return memo[1]
    current = rows.stamp(store.conn)
    if marker is not None:
        try:
            store._overview_stamp = (marker, current)
        except AttributeError:  # a store class with slots: read the stamp each time
            pass
    return current


def _read(conn: Any) -> Corpus:
    started = time.perf_counter()
    facts = {f["id"]: f for f in rows.article_facts(conn)}
    for f in facts.values():  # parsed once here: the rankings read them for every article of a period
        f["day"] = _day(f["date"])
        f["news"] = _is_news(f)
    by_event: dict[int, list[str]] = defaultdict(list)
    by_storyline: dict[int, list[str]] = defaultdict(list)
    for f in facts.values():
        if f["event"] is not None:
            by_event[f["event"]].append(f["id"])
        if f["storyline"] is not None:
            by_storyline[f["storyline"]].append(f["id"])
    entity_articles: dict[int, set[str]] = defaultdict(set)
    article_entities: dict[str, set[int]] = defaultdict(set)
    for article, entity in rows.article_entity_pairs(conn):
        entity_articles[entity].add(article)
        article_entities[article].add(entity)
    by_day = sorted((f["date"][:10], f["id"]) for f in facts.values() if f["date"])
    return Corpus(facts=facts, by_event=dict(by_event), by_storyline=dict(by_storyline),
                  events={e["id"]: e for e in rows.event_rows(conn)},
                  storyline_titles=rows.storyline_titles(conn), entities=rows.entity_rows(conn),
                  entity_articles=dict(entity_articles), article_entities=dict(article_entities),
                  first=by_day[0][0] if by_day else None, last=by_day[-1][0] if by_day else None, by_day=by_day,
                  seconds=time.perf_counter() - started)


def _refresh(key: str) -> bool:
    """Read the store at ``key`` again in a thread of its own (one at a time per store), then rank its default
    pages; False when it cannot be opened from here."""
    with _LOCK:
        if key in _REFRESHING:
            return True
        _REFRESHING.add(key)

    def run() -> None:
        try:
            store = Store(key, readonly=True)
            try:
                with _BUILD:
                    current = rows.stamp(store.conn)
                    cached = _CACHE.get(key)
                    if not (cached and cached[0] == current):
                        _CACHE[key] = (current, _read(store.conn))
                warm(store, search_words=False)
            finally:
                store.close()
        except Exception:  # the next reader reads the store itself
            LOGGER.warning("reading the overview facts of %s again failed", key, exc_info=True)
            with _LOCK:
                _CACHE.pop(key, None)
        finally:
            with _LOCK:
                _REFRESHING.discard(key)

    threading.Thread(target=run, name="storyline-corpus-refresh", daemon=True).start()
    return True


# --------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    since: str | None
    until: str | None
    label: str  # "all", "week", "day", "custom"

    def contains(self, date: str | None) -> bool:
        if self.since is None and self.until is None:
            return True
        if not date:
            return False
        day = date[:10]
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        parts = [int(p) for p in value[:10].split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _iso(value: str | None, what: str) -> str | None:
    if value in (None, ""):
        return None
    day = _day(value)
    if day is None or not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise InputError(f"{what} must be a date YYYY-MM-DD, not {value!r}")
    return day.isoformat()


def period(c: Corpus, *, since: str | None = None, until: str | None = None, span: str | None = None) -> Period:
    """The period a page shows: ``span`` ``week``/``day``/``month`` ending at ``until`` (default: the corpus's
    newest date), or ``since``..``until``, or everything.

    Raises:
        InputError: a malformed date or an unknown span.
    """
    since_d, until_d = _iso(since, "since"), _iso(until, "until")
    if span in (None, "", "all"):
        return Period(since_d, until_d, "custom" if since_d or until_d else "all")
    days = {"day": 1, "week": 7, "month": 30}.get(span)
    if days is None:
        raise InputError(f"span must be day, week, month or all, not {span!r}")
    end = _day(until_d or c.last)
    if end is None:
        return Period(None, None, "all")
    return Period((end - dt.timedelta(days=days - 1)).isoformat(), end.isoformat(), span)


# --------------------------------------------------------------------------- ranking
def _independent(facts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in facts if not f["copy_of"]]


def _outlets(facts: Iterable[dict[str, Any]]) -> list[str]:
    """Named outlets, most articles first (ties in order of appearance); ``unknown`` only when none is named."""
    counts: dict[str, int] = {}
    for f in facts:
        name = f["source"] or UNKNOWN
        counts[name] = counts.get(name, 0) + 1
    if len(counts) == 1:  # most items: one outlet (a plain loop; this runs for every item of a ranking)
        return list(counts)
    named = sorted((s for s in counts if s != UNKNOWN), key=lambda s: -counts[s])
    return named or ([UNKNOWN] if counts else [])


def _stats(c: Corpus, ids: list[str], ref: dt.date | None, half_life: float = HALF_LIFE_DAYS) -> dict[str, Any]:
    facts = [c.facts[i] for i in ids]
    independent = _independent(facts)
    outlets = _outlets(independent or facts)
    days = [d for d in map(_fact_day, facts) if d is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    new24 = new7 = 0
    if ref is not None:
        for d in map(_fact_day, independent):
            if d is not None:
                ago = (ref - d).days
                if 0 <= ago <= 1:
                    new24 += 1
                if 0 <= ago < 7:
                    new7 += 1
    age = (ref - last).days if ref is not None and last is not None else 0
    size = len(independent)
    score = (size + 2 * (len(outlets) - 1) + 1.5 * new24 + 0.5 * new7) * 0.5 ** (max(age, 0) / half_life)
    return {"articles": len(facts), "independent": size, "copies": len(facts) - size, "outlets": outlets,
            "n_outlets": len(outlets), "new_24h": new24, "new_7d": new7, "score": round(score, 2),
            "start": first.isoformat() if first else None, "end": last.isoformat() if last else None}


def _fact_day(f: dict[str, Any]) -> dt.date | None:
    return f["day"] if "day" in f else _day(f["date"])


def _in_period(c: Corpus, p: Period) -> Iterable[str]:
    """Ids of the articles dated in the period (every article for the whole corpus), by bisection of the
    date index: as many steps as the period has articles, not as the corpus has."""
    if p.since is None and p.until is None:
        return c.facts.keys()
    lo = 0 if p.since is None else bisect.bisect_left(c.by_day, (p.since,))
    hi = len(c.by_day) if p.until is None else bisect.bisect_right(c.by_day, (p.until, "\uffff"))
    return [i for _, i in c.by_day[lo:hi]]


def _allowed(c: Corpus, p: Period, source: str | None, language: str | None) -> set[str]:
    """The news articles of the period, outlet and language (kept with the facts; do not change the set)."""
    return c.remember(("allowed", p.since, p.until, source, language), lambda: _allowed_now(c, p, source, language))


def _allowed_now(c: Corpus, p: Period, source: str | None, language: str | None) -> set[str]:
    facts = c.facts
    return {i for i in _in_period(c, p) if (f := facts[i])["news"] and p.contains(f["date"])
            and (source is None or (f["source"] or UNKNOWN) == source)
            and (language is None or f["language"] == language)}


def article_ids(store: Store, p: Period, *, source: str | None = None, language: str | None = None,
                entity: int | None = None) -> set[str]:
    """Ids of every article (news or not) dated in the period, of the outlet, language and entity given; kept
    per database state (do not change the set)."""
    c = corpus(store)

    def build() -> set[str]:
        facts = c.facts
        allowed = {i for i in _in_period(c, p) if p.contains((f := facts[i])["date"])
                   and (not source or f["source"] == source) and (not language or f["language"] == language)}
        if entity is not None:
            allowed &= c.entity_articles.get(entity, set())
        return allowed

    return c.remember(("article_ids", p.since, p.until, source, language, entity), build)


def ranked(store: Store, kind: str, *, p: Period | None = None, source: str | None = None,
           language: str | None = None, entity: int | None = None, sort: str = "score", limit: int | None = 20,
           offset: int = 0, min_articles: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Storylines (``kind="storyline"``) or events, with their statistics in the period, sorted and paged.

    Returns ``(rows, total)``. ``sort``: ``score`` (see the module), ``size`` (independent articles),
    ``recent`` (newest article), ``sources`` (independent outlets). ``min_articles``: default 2 for ``score``
    (single-article items are not stories), else 1.

    Raises:
        InputError: an unknown kind or sort.
    """
    if kind not in ("storyline", "event"):
        raise InputError(f"kind must be storyline or event, not {kind!r}")
    if sort not in SORTS:
        raise InputError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    c = corpus(store)
    p = p or Period(None, None, "all")
    floor = min_articles if min_articles is not None else (MIN_RANKED_ARTICLES if sort == "score" else 1)
    base = ("ranked", kind, p.since, p.until, source, language, entity)
    # Every item's statistics in the period once per database state (a second sort or page of the same
    # period reads them from memory), then each sort once; those of the whole corpus unfiltered (the default
    # pages) are kept as long as the state, others while recently used.
    keep = c.kept if base[2:] == (None,) * 5 else c.remember
    out = keep(base + (sort, floor), lambda: _sorted(
        [r for r in _base_rows(c, kind, p, source, language, entity) if r["independent"] >= floor], sort))
    total = len(out)
    page = out[offset:offset + limit] if limit is not None else out[offset:]
    shown = []
    for r in page:
        row = {k: v for k, v in r.items() if k != "_ids"}
        _describe(store, c, row, r["_ids"])
        shown.append(row)
    return shown, total


_SORT_KEYS = {"score": lambda r: (-r["score"], -r["independent"], r["num"]),
              "size": lambda r: (-r["independent"], -r["n_outlets"], r["num"]),
              "recent": lambda r: (r["end"] is None, "" if r["end"] is None else _neg(r["end"]), -r["independent"]),
              "sources": lambda r: (-r["n_outlets"], -r["independent"], r["num"])}


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    return sorted(rows, key=_SORT_KEYS[sort])


def _base_rows(c: Corpus, kind: str, p: Period, source: str | None, language: str | None,
               entity: int | None) -> list[dict[str, Any]]:
    """:func:`_rank_rows`, kept with the facts (as long as they are current for the whole corpus unfiltered)."""
    if (source or language) and len(_allowed(c, p, source, language)) == len(_allowed(c, p, None, None)):
        source = language = None  # the filter leaves out nothing (every article is Dutch): the rows without it
    key = ("ranked", kind, p.since, p.until, source, language, entity)
    keep = c.kept if key[2:] == (None,) * 5 else c.remember
    return keep(key, lambda: _rank_rows(c, kind, p, source, language, entity))


def _rank_rows(c: Corpus, kind: str, p: Period, source: str | None, language: str | None,
               entity: int | None) -> list[dict[str, Any]]:
    """Every item with news articles in the period (and filters), with its statistics there; in the order of
    the items' first articles (ties of a sort keep it)."""
    ref = _day(p.until or c.last)
    start = _day(p.since or c.first)
    half_life = max(HALF_LIFE_DAYS, (ref - start).days / 4) if ref and start else HALF_LIFE_DAYS
    allowed = _allowed(c, p, source, language)
    groups = c.by_storyline if kind == "storyline" else c.by_event
    column = "storyline" if kind == "storyline" else "event"
    having = None
    if entity is not None:
        having = {c.facts[i][column] for i in c.entity_articles.get(entity, ())} - {None}
    if len(allowed) * 4 < len(c.facts) or (having is not None and len(having) * 4 < len(groups)):
        # A period or filter holding few articles: only the items they belong to, not every item.
        position = c._memo.get(("position", kind))
        if position is None:
            position = c._memo[("position", kind)] = {number: k for k, number in enumerate(groups)}
        touched = having if having is not None and len(having) < len(allowed) else \
            {c.facts[i][column] for i in allowed} - {None}
        numbers: Iterable[int] = sorted(touched, key=position.__getitem__)
    else:
        numbers = groups.keys()
    out = []
    for number in numbers:
        if having is not None and number not in having:
            continue
        inside = [i for i in groups[number] if i in allowed]
        if not inside:
            continue
        out.append({"kind": kind, "num": number, "_ids": inside, **_stats(c, inside, ref, half_life)})
    return out


def _neg(day: str) -> str:
    # Descending order of ISO dates inside an ascending sort key.
    return "".join(chr(0x10000 - ord(ch)) for ch in day)


def _describe(store: Store, c: Corpus, r: dict[str, Any], inside: list[str]) -> None:
    """Adds id, title, events (in the period), the storyline and a one-line summary to a ranked row."""
    if r["kind"] == "storyline":
        ids = c.by_storyline.get(r["num"], [])
        r["id"] = storyline_label(r["num"])
        r["headline"] = c.storyline_titles.get(r["num"])
        r["title"] = story_title(c, ids) or r["headline"]
        r["n_events"] = len({c.facts[i]["event"] for i in inside if c.facts[i]["event"] is not None})
        # The summary line comes from its biggest event of the period.
        sizes = Counter(c.facts[i]["event"] for i in inside if c.facts[i]["event"] is not None)
        lead_event = sizes.most_common(1)[0][0] if sizes else None
        lead_ids = c.by_event.get(lead_event, ids)
    else:
        ids = c.by_event.get(r["num"], [])
        ev = c.events.get(r["num"], {})
        r["id"] = event_label(r["num"])
        r["title"] = r["headline"] = ev.get("title")
        r["date"] = ev.get("date")
        r["storyline"] = storyline_label(ev.get("storyline_id"))
        lead_ids = ids
    r["summary"], r["summary_article"] = one_line(store, c, lead_ids)


# A sentence ends at . ! ? (and a closing quote) before a capital or an opening quote (Dutch ,, too).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[A-Z\"'“‘(À-Ý]|,,)")


def one_line(store: Store, c: Corpus, ids: list[str]) -> tuple[str | None, str | None]:
    """The first complete sentence of the earliest news report among ``ids`` (a report's lead says what
    happened), with its article id; (None, None) when there is none."""
    candidates = sorted((c.facts[i] for i in ids if i in c.facts and not c.facts[i]["copy_of"]),
                        key=lambda f: (f["date"] or "9999", f["seq"]))
    memo = c._memo.setdefault("lead", {})
    for f in candidates[:3]:
        if f["id"] not in memo:
            memo.update(rows.lead_texts(store.conn, [g["id"] for g in candidates[:3] if g["id"] not in memo]))
        text = " ".join((memo.get(f["id"]) or "").split())
        if not text:
            continue
        parts = _SENTENCE_END.split(text, maxsplit=1)
        if len(parts) == 2 and 30 <= len(parts[0]) <= 320:
            return parts[0], f["id"]
    return None, None


# --------------------------------------------------------------------------- titles and profiles
def _key_entities(c: Corpus, ids: list[str], *, types: tuple[str, ...] | None = None,
                  min_articles: int = 1) -> list[tuple[int, int, float]]:
    """(entity, articles mentioning it, weight) for the entities of ``ids``, most telling first: the share of
    the item's articles naming it, times its rarity in the corpus."""
    counts: Counter = Counter()
    for i in ids:
        counts.update(c.article_entities.get(i, ()))
    out = []
    for entity, n in counts.items():
        info = c.entities.get(entity)
        if info is None or n < min_articles or (types and info["type"] not in types):
            continue
        out.append((entity, n, n / max(len(ids), 1) * c.idf(entity)))
    out.sort(key=lambda t: (-t[2], -t[1], t[0]))
    return out


def story_title(c: Corpus, ids: list[str], n: int = 3) -> str | None:
    """A title that names the story: its most telling entities (named in at least a third of its articles,
    and at least two when it has two), joined by " · "; None when nothing qualifies."""
    if not ids:
        return None
    memo = c._memo.setdefault("title", {})
    key = (len(ids), ids[0], ids[-1])
    if key in memo:
        return memo[key]
    floor = max(min(2, len(ids)), math.ceil(len(ids) / 3))
    names: list[str] = []
    ranked = _key_entities(c, ids, min_articles=floor)
    # Named people, places and organisations first; MISC (mostly adjectives: "Britse") only to fill up.
    ranked = [r for r in ranked if c.entities[r[0]]["type"] != "MISC"] + \
             [r for r in ranked if c.entities[r[0]]["type"] == "MISC"]
    for entity, _, _ in ranked:
        name = c.entities[entity]["name"]
        if any(name.lower() in other.lower() or other.lower() in name.lower() for other in names):
            continue  # "May" beside "Theresa May"
        names.append(name)
        if len(names) == n:
            break
    memo[key] = " · ".join(names) if names else None
    return memo[key]


def _entity_json(c: Corpus, entity: int, n: int) -> dict[str, Any]:
    info = c.entities[entity]
    return {"id": entity, "name": info["name"], "type": info["type"], "articles": n}


def _storylines_naming(c: Corpus, entity: int) -> Counter:
    """Storyline -> articles of it naming the entity (kept with the corpus facts)."""
    memo = c._memo.setdefault("storylines_naming", {})
    found = memo.get(entity)
    if found is None:
        lines = (c.facts[i]["storyline"] for i in c.entity_articles.get(entity, ()))
        found = memo[entity] = Counter(line for line in lines if line is not None)
    return found


def storyline_profile(store: Store, number: int, *, related: int = 5) -> dict[str, Any]:
    """A storyline's generated title, people, places and organisations, and the storylines most related to it
    (by the telling entities they share, weighted by rarity)."""
    c = corpus(store)
    ids = c.by_storyline.get(number, [])
    key = _key_entities(c, ids)
    people = [_entity_json(c, e, n) for e, n, _ in key if c.entities[e]["type"] == "PER"][:10]
    places = [_entity_json(c, e, n) for e, n, _ in key if c.entities[e]["type"] == "LOC"][:10]
    orgs = [_entity_json(c, e, n) for e, n, _ in key if c.entities[e]["type"] == "ORG"][:8]
    mine = {e: w for e, _, w in key[:30]}
    scores: Counter = Counter()
    for entity, weight in mine.items():
        # Per storyline naming it rather than per article: a name in thousands of articles names far fewer lines.
        for other, n in _storylines_naming(c, entity).items():
            if other != number:
                scores[other] += n * weight * c.idf(entity) / max(len(c.by_storyline.get(other, ())), 1) ** 0.5
    norm = math.sqrt(sum(w * w for w in mine.values())) or 1.0
    linked = []
    for other, s in scores.most_common(related * 3):
        others = c.by_storyline.get(other, [])
        if len(_independent(c.facts[i] for i in others)) < MIN_RANKED_ARTICLES:
            continue
        stats = _stats(c, others, None)
        linked.append({"id": storyline_label(other), "title": story_title(c, others) or c.storyline_titles.get(other),
                       "start": stats["start"], "end": stats["end"], "articles": stats["articles"],
                       "strength": round(s / norm, 2)})
        if len(linked) == related:
            break
    return {"title": story_title(c, ids), "people": people, "places": places, "organisations": orgs,
            "related": linked, **_stats(c, ids, None)}


def entity_profile(store: Store, entity: int, *, events: int | None = None,
                   storylines: int | None = None) -> dict[str, Any]:
    """An entity's events and storylines over time (newest first) and its article count per week; only the
    first ``events`` events and ``storylines`` storylines are described (``n_events``, ``n_storylines``: all).
    Kept per database state (do not change it)."""
    c = corpus(store)
    return c.remember(("entity_profile", entity, events, storylines),
                      lambda: _entity_profile(store, c, entity, events, storylines))


def most_named(store: Store, n: int) -> list[int]:
    """The ``n`` entities named in most articles (their pages cost most; a server prepares them at start)."""
    c = corpus(store)
    return sorted(c.entity_articles, key=lambda e: (-len(c.entity_articles[e]), e))[:n]


def _entity_profile(store: Store, c: Corpus, entity: int, events: int | None,
                    storylines: int | None) -> dict[str, Any]:
    ids = c.entity_articles.get(entity, set())
    by_event: dict[int, list[str]] = defaultdict(list)
    per_week: Counter = Counter()
    for i in ids:
        f = c.facts[i]
        if f["event"] is not None:
            by_event[f["event"]].append(i)
        d = _fact_day(f)
        if d is not None:
            monday = d - dt.timedelta(days=d.weekday())
            per_week[monday.isoformat()] += 1

    def start(number: int) -> str | None:
        days = [d for d in (_fact_day(c.facts[i]) for i in c.by_event.get(number, [])) if d is not None]
        return min(days).isoformat() if days else None

    # Sorted first (newest first), described only as far as shown: a name in thousands of events stays fast.
    dated = sorted(((c.events.get(number, {}).get("date") or start(number), event_label(number), number)
                    for number in by_event), key=lambda t: (t[0] or "", t[1]), reverse=True)
    event_rows = []
    for date, label, number in dated[:events] if events is not None else dated:
        ev = c.events.get(number, {})
        stats = _stats(c, c.by_event.get(number, []), None)
        event_rows.append({"id": label, "title": ev.get("title"), "date": date, "articles": stats["articles"],
                           "mentioning": len(by_event[number]), "storyline": storyline_label(ev.get("storyline_id")),
                           "outlets": stats["outlets"]})
    lines: dict[int, int] = Counter(c.facts[i]["storyline"] for i in ids if c.facts[i]["storyline"] is not None)
    line_rows = []
    # Most articles naming it first, ties by id (not by the order of a set: the same page on every start)
    for number, n in sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))[:storylines]:
        others = c.by_storyline.get(number, [])
        stats = _stats(c, others, None)
        line_rows.append({"id": storyline_label(number), "title": story_title(c, others) or
                          c.storyline_titles.get(number), "start": stats["start"], "end": stats["end"],
                          "articles": stats["articles"], "mentioning": n})
    return {"events": event_rows, "storylines": line_rows, "per_week": dict(sorted(per_week.items())),
            "n_articles": len(ids), "n_events": len(dated), "n_storylines": len(lines)}


# --------------------------------------------------------------------------- list pages
def outlets(store: Store, *, p: Period | None = None, language: str | None = None, sort: str = "size",
            limit: int | None = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Outlets with their articles, copies, events and first/last date in the period."""
    c = corpus(store)
    p = p or Period(None, None, "all")
    keys = {"size": lambda r: (-r["articles"], r["name"]), "recent": lambda r: (_neg(r["end"] or "0"), r["name"]),
            "sources": lambda r: (-r["events"], r["name"]), "score": lambda r: (-r["articles"], r["name"])}
    out = c.remember(("outlets", p.since, p.until, language, sort), lambda: sorted(
        c.remember(("outlets", p.since, p.until, language), lambda: _outlet_rows(c, p, language)),
        key=keys.get(sort, keys["size"])))
    return [dict(r) for r in (out[offset:offset + limit] if limit is not None else out[offset:])], len(out)


def _outlet_rows(c: Corpus, p: Period, language: str | None) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in _in_period(c, p):
        f = c.facts[i]
        if p.contains(f["date"]) and (language is None or f["language"] == language):
            grouped[f["source"] or UNKNOWN].append(f)
    out = []
    for name, facts in grouped.items():
        days = [f["date"][:10] for f in facts if f["date"]]
        out.append({"name": name, "articles": len(facts), "copies": sum(1 for f in facts if f["copy_of"]),
                    "events": len({f["event"] for f in facts if f["event"] is not None}),
                    "languages": sorted({f["language"] or "?" for f in facts}),
                    "start": min(days) if days else None, "end": max(days) if days else None})
    return out


def languages(store: Store) -> list[str]:
    """The languages of the stored articles, sorted."""
    c = corpus(store)
    return c.remember(("languages",), lambda: sorted({f["language"] for f in c.facts.values() if f["language"]}))


def entity_list(store: Store, *, p: Period | None = None, source: str | None = None, language: str | None = None,
                type: str | None = None, sort: str = "size", limit: int | None = 50,
                offset: int = 0, min_confidence: float = 0.0) -> tuple[list[dict[str, Any]], int]:
    """Entities with the articles, outlets and events naming them in the period; ``sort`` size (articles),
    recent (newest article), sources (outlets); only those linked with at least ``min_confidence``."""
    c = corpus(store)
    p = p or Period(None, None, "all")
    def build() -> list[dict[str, Any]]:
        every = c.remember(("entities", p.since, p.until, source, language),
                           lambda: _entity_rows(c, p, source, language))
        keys = {"size": lambda r: (-r["articles"], r["id"]), "score": lambda r: (-r["articles"], r["id"]),
                "recent": lambda r: (_neg(r["end"] or "0"), -r["articles"]),
                "sources": lambda r: (-r["n_outlets"], -r["articles"], r["id"])}
        return sorted((r for r in every if (not type or r["type"] == type.upper())
                       and c.entities[r["id"]].get("confidence", 1.0) >= min_confidence),
                      key=keys.get(sort, keys["size"]))

    out = c.remember(("entities", p.since, p.until, source, language, type, sort, min_confidence), build)
    return [dict(r) for r in (out[offset:offset + limit] if limit is not None else out[offset:])], len(out)


def _entity_rows(c: Corpus, p: Period, source: str | None, language: str | None) -> list[dict[str, Any]]:
    """Every entity named in the period's news articles (of the outlet and language), in the corpus's order."""
    allowed = _allowed(c, p, source, language)
    if len(allowed) * 4 < len(c.facts):
        # Few articles in the period: the entities they name, rather than every entity's articles.
        naming: dict[int, list[str]] = defaultdict(list)
        for i in allowed:
            for entity in c.article_entities.get(i, ()):
                naming[entity].append(i)
        items: Iterable[tuple[int, Iterable[str]]] = ((e, naming[e]) for e in c.entity_articles if e in naming)
    else:
        items = c.entity_articles.items()
    out = []
    for entity, ids in items:
        info = c.entities.get(entity)
        if info is None:
            continue
        inside = [c.facts[i] for i in ids if i in allowed]
        if not inside:
            continue
        days = [f["date"][:10] for f in inside if f["date"]]
        out.append({"id": entity, "name": info["name"], "type": info["type"], "articles": len(inside),
                    "n_outlets": len(_outlets(inside)), "events": len({f["event"] for f in inside if f["event"]}),
                    "start": min(days) if days else None, "end": max(days) if days else None})
    return out


# --------------------------------------------------------------------------- more like this
_EMB = re.compile(r'"emb"\s*:\s*"([A-Za-z0-9+/=]*)"')


def warm(store: Store, *, search_words: bool = True) -> None:
    """Read the corpus facts and the event vectors now, rank the default pages, and load the search's word lists
    (a server does this at start, so its first readers do not wait for them)."""
    from storyline.errors import StorylineError
    from storyline.read.queries import search

    _event_vectors(store)
    # What the home page and the list pages show first: every item's statistics over the whole corpus, sorted
    # as those pages sort them (a period or filter then reads only its own articles).
    for kind in ("storyline", "event"):
        for sort in SORTS:
            ranked(store, kind, sort=sort, limit=1, min_articles=None if sort == "score" else 1)
    from storyline.settings import get_settings

    entity_list(store, limit=1, min_confidence=get_settings().enrich.entity_min_confidence)  # as /entities lists
    for sort in ("size", "recent", "sources"):
        outlets(store, sort=sort, limit=1)
    languages(store)
    for entity in most_named(store, WARM_ENTITIES):
        entity_profile(store, entity, events=ENTITY_PAGE_EVENTS, storylines=ENTITY_PAGE_STORYLINES)
    if not search_words:
        return
    try:
        search(store, "nieuws", limit=1)
    except StorylineError:
        pass  # a store without a search index still serves the other pages


def _event_vectors(store: Store) -> tuple[list[int], np.ndarray]:
    """Unit vectors of the events' stored embedding sums (the clusterer's state), by event id."""
    c = corpus(store)
    if "vectors" not in c._memo:
        ids, vecs = [], []
        for number, state in rows.event_states(store.conn):
            text = state if isinstance(state, str) else bytes(state).decode("utf-8", "replace")
            # Only the embedding is needed: found in the text, without parsing the whole (large) state.
            found = _EMB.search(text)
            try:
                vec = np.frombuffer(base64.b64decode(found.group(1)), dtype=np.float32) if found else None
            except ValueError:
                vec = None
            if vec is None or not len(vec):
                continue  # a state this reader does not know: that event has no vector
            norm = float(np.linalg.norm(vec))
            if norm > 0:
                ids.append(number)
                vecs.append(vec / norm)
        c._memo["vectors"] = (ids, np.vstack(vecs) if vecs else np.zeros((0, 1), dtype=np.float32))
    return c._memo["vectors"]


def _nearest(store: Store, vec: np.ndarray, *, exclude: set[int], limit: int, floor: float) -> list[dict[str, Any]]:
    ids, matrix = _event_vectors(store)
    if not ids or matrix.shape[1] != vec.shape[0]:
        return []
    # einsum rather than a BLAS product (BLAS threads spinning on a busy machine took 20 ms) or an elementwise
    # product (a temporary the size of the matrix: 130 MB at 100,000 events).
    sims = np.einsum("ij,j->i", matrix, np.asarray(vec, dtype=np.float64) / (np.linalg.norm(vec) or 1.0))
    c = corpus(store)
    out = []
    # Only the best candidates are sorted (all of them only when fewer remain), in the order a full sort gives.
    want = limit + len(exclude) + 1
    if want < len(sims):
        top = np.argpartition(-sims, want)[:want + 1]
        order = top[np.argsort(-sims[top])]
    else:
        order = np.argsort(-sims)
    for k in order:
        number = ids[int(k)]
        if number in exclude:
            continue
        if sims[k] < floor or len(out) == limit:
            break
        ev = c.events.get(number, {})
        stats = _stats(c, c.by_event.get(number, []), None)
        out.append({"id": event_label(number), "title": ev.get("title"), "date": ev.get("date") or stats["start"],
                    "articles": stats["articles"], "outlets": stats["outlets"],
                    "storyline": storyline_label(ev.get("storyline_id")), "similarity": round(float(sims[k]), 3)})
    return out


def related_by_embedding(store: Store, event: str | int, *, limit: int = 8, floor: float = 0.5) -> list[dict[str, Any]]:
    """"More like this": the events whose stored embedding is closest to this event's (cosine ≥ ``floor``)."""
    number = event if isinstance(event, int) else parse_event_id(event)
    ids, matrix = _event_vectors(store)
    if number not in ids:
        return []
    return _nearest(store, matrix[ids.index(number)], exclude={number}, limit=limit, floor=floor)


def semantic_events(store: Store, vector: np.ndarray, *, limit: int = 10, floor: float = 0.3) -> list[dict[str, Any]]:
    """Events closest in meaning to a query vector (the sentence encoder's, any language)."""
    return _nearest(store, vector, exclude=set(), limit=limit, floor=floor)


# --------------------------------------------------------------------------- sorted listings (CLI, API)
LISTING_SORTS = ("date", "size", "recent", "sources")


def event_listing(store: Store, *, sort: str = "date", limit: int | None = None, offset: int = 0,
                  storyline: str | int | None = None, min_articles: int = 1) -> tuple[list, int]:
    """Events sorted by ``date`` (oldest first), ``size`` (articles), ``recent`` (newest first) or ``sources``
    (independent outlets), paged; with the number of events before paging.

    Raises:
        InputError: an unknown sort, or a malformed storyline id.
    """
    from storyline.read.queries import list_events

    if sort not in LISTING_SORTS:
        raise InputError(f"sort must be one of {', '.join(LISTING_SORTS)}, not {sort!r}")
    items = list_events(store, limit=None, storyline=storyline, order="size" if sort == "sources" else sort,
                        min_articles=min_articles)
    if sort == "sources":
        items.sort(key=lambda e: (-e.independent_sources, -len(e.articles)))
    return (items[offset:offset + limit] if limit is not None else items[offset:]), len(items)


def storyline_listing(store: Store, *, sort: str = "date", limit: int | None = None,
                      offset: int = 0) -> tuple[list, int]:
    """Storylines sorted by ``date`` (start, oldest first), ``size`` (articles), ``recent`` (latest activity
    first) or ``sources`` (independent outlets), paged; with the number of storylines before paging.

    Raises:
        InputError: an unknown sort.
    """
    from storyline.read.queries import list_storylines

    if sort not in LISTING_SORTS:
        raise InputError(f"sort must be one of {', '.join(LISTING_SORTS)}, not {sort!r}")
    items = list_storylines(store, limit=None, order="recent" if sort == "recent" else "start")
    if sort in ("size", "sources"):
        c = corpus(store)
        stats = {s.id: _stats(c, c.by_storyline.get(parse_storyline_id(s.id), []), None) for s in items}
        if sort == "size":
            items.sort(key=lambda s: (-stats[s.id]["articles"], -len(s.events)))
        else:
            items.sort(key=lambda s: (-stats[s.id]["n_outlets"], -stats[s.id]["articles"]))
    return (items[offset:offset + limit] if limit is not None else items[offset:]), len(items)
