"""The reads behind every surface: the CLI, the JSON API and the web pages call these and nothing else.

Each function takes an open :class:`~storyline.store.Store`, reads through ``storyline.store``
(no SQL here) and returns contracts from :mod:`storyline.read.contracts`. Ids are taken as
users type them (``E12``, ``12``, ``S3``). Errors are :mod:`storyline.errors` classes:
``NotFound`` for an id that names nothing, ``InputError`` for a malformed id or option,
``BadQuery`` for an unusable search, ``NotAvailable`` for a section the database lacks.
"""

from __future__ import annotations

from typing import Any, Iterator

from storyline.errors import BadQuery, InputError, NotAvailable, NotFound
from storyline.read.contracts import (
    ArticleDetailJSON, ArticleJSON, CooccurrenceJSON, DisagreementJSON, EntityJSON, EventJSON, FigureJSON,
    PositionJSON, QuoteJSON, SearchHit, StorylineEventsJSON, StorylineJSON, SummarySentenceJSON, TimelineEntryJSON,
)
from storyline.read.ids import (
    MAX_ID, event_id, event_label, parse_event_id, parse_storyline_id, storyline_id, storyline_label,
)
from storyline.records import Article
from storyline.settings import get_settings
from storyline.enrich.figures import UNKNOWN_OUTLET
from storyline.store import Store, views
from storyline.store import annotations as annotation_rows
from storyline.store.entities import EntityRepo
from storyline.store.search import search_filtered
from storyline.summarize.summary import summarize_event
from storyline.summarize.timeline import storyline_timeline

__all__ = [
    "ENTITY_TYPES", "article_json", "list_articles", "get_article", "export_articles", "count_articles",
    "copy_counts", "search", "list_events", "get_event", "count_events", "list_storylines", "get_storyline",
    "storyline_events", "timeline", "summary", "show", "show_alternatives", "list_entities", "event_entities", "get_entity",
    "cooccurring_entities",
    "list_quotes", "list_figures", "list_disagreements", "list_positions", "storyline_rows", "growing_events",
    "event_articles", "event_of_article", "entity_article_ids",
]

ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")


# --------------------------------------------------------------------------- helpers
def _in_range(number: int | None) -> bool:
    return number is not None and 0 <= number <= MAX_ID


def _page(items: list, limit: int | None, offset: int) -> list:
    return items[offset:offset + limit] if limit is not None else items[offset:]


def _check_page(limit: int | None, offset: int) -> None:
    if (limit is not None and limit < 0) or offset < 0:
        raise InputError("limit and offset must not be negative")
    if (limit is not None and limit > MAX_ID) or offset > MAX_ID:
        raise InputError(f"limit and offset must be at most {MAX_ID}")


def _article_filter(store: Store, since: str | None, until: str | None, source: str | None,
                    language: str | None) -> set[str] | None:
    """Ids of the articles the date, outlet and language filters allow; None when there are none."""
    if not any((since, until, source, language)):
        return None
    return set(views.article_ids_matching(store.conn, since=since, until=until, source=source, language=language))


def _scope(event: str | int | None, storyline: str | int | None) -> tuple[int | None, int | None, bool]:
    """(event number, storyline number, matches nothing) of the scope options."""
    if event is not None and storyline is not None:
        raise InputError("give an event or a storyline, not both")
    eid = event_id(event) if event is not None else None
    sid = storyline_id(storyline) if storyline is not None else None
    empty = (eid is not None and not _in_range(eid)) or (sid is not None and not _in_range(sid))
    return eid, sid, empty


def resolve_scope(store: Store, event: str | int | None,
                  storyline: str | int | None) -> tuple[int | None, int | None, bool]:
    """As ``_scope``, merged ids resolved to the live event or storyline."""
    eid, sid, empty = _scope(event, storyline)
    if not empty:
        eid = _live_event(store, eid) if eid is not None else None
        sid = _live_storyline(store, sid) if sid is not None else None
    return eid, sid, empty


def _require(store: Store, table: str, what: str) -> None:
    if not views.has_table(store.conn, table):
        raise NotAvailable(what, f"storyline.store ({table})")


# --------------------------------------------------------------------------- articles
def article_json(article: Article) -> ArticleJSON:
    return ArticleJSON(**article.to_json())


def list_articles(store: Store, *, limit: int | None = 100, offset: int = 0, source: str | None = None,
                  language: str | None = None, since: str | None = None, until: str | None = None,
                  entity: int | None = None) -> list[ArticleJSON]:
    """Articles in stream order (publication date, then arrival); ``entity``: only those mentioning it."""
    _check_page(limit, offset)
    if entity is None:
        rows = store.list_articles(limit=limit, offset=offset, source=source, language=language, since=since,
                                   until=until)
    else:
        ids = views.articles_for_entity(store.conn, entity)  # in arrival order
        allowed = _article_filter(store, since, until, source, language)
        if allowed is not None:
            ids = [i for i in ids if i in allowed]
        rows = store.get_articles(_page(ids, limit, offset))
    return [article_json(a) for a in rows]


def get_article(store: Store, article_id: str) -> ArticleDetailJSON:
    """One article with its metadata.

    Raises:
        NotFound: no article has this id.
    """
    article = store.get_article(article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id!r}")
    return ArticleDetailJSON(**article.to_json(), metadata=article.metadata)


def export_articles(store: Store) -> Iterator[ArticleJSON]:
    """Every article in stream order."""
    for article in store.iter_articles_in_order():
        yield article_json(article)


def count_articles(store: Store) -> int:
    return store.count_articles()


def copy_counts(store: Store) -> dict[str, int]:
    """article id -> how many near-copies of it are stored."""
    return store.copy_counts()


def entity_article_ids(store: Store, entity_id: int) -> list[str]:
    return views.articles_for_entity(store.conn, entity_id)


def event_of_article(store: Store, article_id: str) -> str | None:
    """The article's event as users see it (``E12``), or None."""
    return event_label(views.event_of_article(store.conn, article_id))


# --------------------------------------------------------------------------- search
def search(store: Store, query: str, *, limit: int = 20, offset: int = 0, since: str | None = None,
           until: str | None = None, source: str | None = None, language: str | None = None,
           entity: int | None = None) -> list[SearchHit]:
    """Articles matching ``query``, best first; the filters are applied before ranking, so every
    matching article they allow can be paged to (none is dropped for ranking below a cut-off).

    Raises:
        BadQuery: the query has no searchable word or cannot be parsed.
        InputError: a negative or out-of-range limit or offset.
    """
    _check_page(limit, offset)
    filtered = any((since, until, source, language, entity is not None))
    try:
        if filtered:
            hits = search_filtered(store, query, limit=limit, offset=offset, since=since, until=until,
                                   source=source, language=language, entity=entity)
        else:
            hits = store.search(query, limit=limit, offset=offset)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    return [SearchHit(article=article_json(a), rank=rank, snippet=snippet) for a, rank, snippet in hits]


# --------------------------------------------------------------------------- events
def _event(store: Store, row: dict[str, Any]) -> EventJSON:
    members = views.event_members(store.conn, row["id"])
    sources: list[str] = []
    for m in members:
        if m["source"] and m["source"] not in sources:
            sources.append(m["source"])
    # An article without a known outlet never adds an independent source (it may be a copy of a named one);
    # it counts once only when no outlet of the event is known.
    independent = {m["source"] for m in members if not m["copy_of"] and m["source"]}
    if not independent and any(not m["copy_of"] for m in members):
        independent = {UNKNOWN_OUTLET}
    return EventJSON(id=event_label(row["id"]), title=row["title"], date=row["date"],
                     date_precision=row["date_precision"], articles=[m["id"] for m in members], sources=sources,
                     independent_sources=len(independent), storyline=storyline_label(row["storyline_id"]),
                     commentary=views.event_commentary(store.conn, row["id"]),
                     merged=[event_label(e) for e in views.merged_event_ids(store.conn, row["id"])])


def list_events(store: Store, *, limit: int | None = 100, offset: int = 0, since: str | None = None,
                until: str | None = None, source: str | None = None, language: str | None = None,
                entity: int | None = None, storyline: str | int | None = None, order: str = "date",
                min_articles: int = 1) -> list[EventJSON]:
    """Events with articles; ``order`` is ``date`` (oldest first), ``recent``, ``size`` or ``sources``
    (independent outlets, then articles).

    Raises:
        InputError: ``storyline`` is not a storyline id, or ``order`` is unknown.
    """
    _check_page(limit, offset)
    if order not in ("date", "recent", "size", "sources"):
        raise InputError(f"order must be date, recent, size or sources, not {order!r}")
    sid = storyline_id(storyline) if storyline is not None else None
    if sid is not None and not _in_range(sid):
        return []
    _require(store, "events", "events")
    sid = _live_storyline(store, sid) if sid is not None else None
    article_ids = views.articles_for_entity(store.conn, entity) if entity is not None else None
    rows = views.list_event_rows(store.conn, limit=limit, offset=offset, since=since, until=until, source=source,
                                 language=language, storyline=sid, article_ids=article_ids, order=order,
                                 min_articles=min_articles)
    return [_event(store, r) for r in rows]


def get_event(store: Store, event: str | int) -> EventJSON:
    """One event by id (``E12`` or ``12``).

    Raises:
        NotFound: no event with articles has this id.
    """
    number = parse_event_id(event)
    live = _live_event(store, number)
    row = (views.event_row(store.conn, live)
           if _in_range(live) and views.has_table(store.conn, "events") else None)
    found = _event(store, row) if row else None
    if found is None or not found.articles:
        raise NotFound(f"no event with id {event}")
    if live != number:
        found = found.model_copy(update={"requested": event_label(number)})
    return found


def _live_event(store: Store, number: int | None) -> int | None:
    """The event an id names now: a merged event's id resolves to the event it went into (links never break)."""
    return views.live_event_id(store.conn, number) if _in_range(number) else number


def _live_storyline(store: Store, number: int | None) -> int | None:
    return views.live_storyline_id(store.conn, number) if _in_range(number) else number


def count_events(store: Store) -> int:
    return views.count_events(store.conn) if views.has_table(store.conn, "events") else 0


def growing_events(store: Store, *, limit: int = 10, window: int = 50) -> list[dict[str, Any]]:
    """Events with the most articles among the last ``window`` ingested (home page rows)."""
    return views.event_growth(store.conn, limit=limit, window=window)


def event_articles(store: Store, event: str | int) -> list[dict[str, Any]]:
    """The event's articles with their text, in date order (event page rows)."""
    return views.event_articles(store.conn, _live_event(store, event_id(event)))


# --------------------------------------------------------------------------- storylines
def _storyline(store: Store, row: dict[str, Any]) -> StorylineJSON:
    events = [event_label(e) for e in views.storyline_event_ids(store.conn, row["id"])]
    return StorylineJSON(id=storyline_label(row["id"]), title=row["title"], start=row["start"], end=row["end"],
                         events=events)


def storyline_rows(store: Store, *, limit: int | None = 20, offset: int = 0, since: str | None = None,
                   until: str | None = None, order: str = "recent") -> list[dict[str, Any]]:
    """Storyline rows with their number of events (home page rows)."""
    if not views.has_table(store.conn, "storylines"):
        return []
    return views.list_storyline_rows(store.conn, limit=limit, offset=offset, since=since, until=until, order=order)


def list_storylines(store: Store, *, limit: int | None = 100, offset: int = 0, since: str | None = None,
                    until: str | None = None, order: str = "recent") -> list[StorylineJSON]:
    """Storylines with events; ``order`` is ``recent`` (latest activity first) or ``start``."""
    _check_page(limit, offset)
    if order not in ("recent", "start"):
        raise InputError(f"order must be recent or start, not {order!r}")
    return [_storyline(store, r) for r in storyline_rows(store, limit=limit, offset=offset, since=since,
                                                           until=until, order=order)]


def get_storyline(store: Store, line: str | int) -> StorylineJSON:
    """One storyline by id (``S3`` or ``3``).

    Raises:
        NotFound: no storyline has this id.
    """
    number = _live_storyline(store, parse_storyline_id(line))
    row = (views.storyline_row(store.conn, number)
           if _in_range(number) and views.has_table(store.conn, "storylines") else None)
    if row is None:
        raise NotFound(f"no storyline with id {line}")
    return _storyline(store, row)


def storyline_events(store: Store, line: str | int | None = None) -> list[StorylineEventsJSON]:
    """One storyline (or all, by start date) with its events in full, for ``timeline``."""
    lines = [get_storyline(store, line)] if line is not None else list_storylines(store, limit=None, order="start")
    return [StorylineEventsJSON(**{**s.model_dump(), "events": [get_event(store, e) for e in s.events]})
            for s in lines]


def timeline(store: Store, line: str | int) -> list[TimelineEntryJSON]:
    """A storyline's events by date, each with its one-sentence cited summary."""
    number = parse_storyline_id(get_storyline(store, line).id)
    return [TimelineEntryJSON(**entry) for entry in storyline_timeline(store.conn, number)]


def summary(store: Store, event: str | int, *, max_sentences: int | None = None) -> list[SummarySentenceJSON]:
    """The cited summary of one event: 3–5 sentences (or ``max_sentences``), each with article and outlet.

    Raises:
        NotFound: no event has this id.
    """
    number = parse_event_id(get_event(store, event).id)
    return [SummarySentenceJSON(**s) for s in summarize_event(store.conn, number, max_sentences=max_sentences)]


SHOW_KINDS = ("article", "event", "storyline")


def _show_candidates(item_id: str) -> list[tuple[str, str]]:
    """What ``item_id`` may name, in the order ``show`` tries them: (kind, id) pairs.

    ``article:ID``, ``event:ID`` and ``storyline:ID`` name one kind. Without a prefix, an id written as the
    CLI prints events and storylines (``E12``, ``S3``) names the event or storyline first and an article
    second; any other id (a bare number too) names an article first and then the event with that number.
    """
    kind, sep, rest = (item_id or "").partition(":")
    if sep and kind.strip().lower() in SHOW_KINDS:
        return [(kind.strip().lower(), rest)]
    text = (item_id or "").strip()
    if text[:1] in ("E", "e") and parse_event_id(text) is not None:
        return [("event", item_id), ("article", item_id)]
    if text[:1] in ("S", "s") and parse_storyline_id(text) is not None:
        return [("storyline", item_id), ("article", item_id)]
    return [("article", item_id)] + ([("event", item_id)] if parse_event_id(text) is not None else [])


def _show_one(store: Store, kind: str, key: str) -> ArticleDetailJSON | EventJSON | StorylineJSON | None:
    if kind == "article":
        article = store.get_article(key)
        return None if article is None else ArticleDetailJSON(**article.to_json(), metadata=article.metadata)
    try:
        return get_event(store, key) if kind == "event" else get_storyline(store, key)
    except NotFound:
        return None


def show(store: Store, item_id: str) -> ArticleDetailJSON | EventJSON | StorylineJSON:
    """An article, an event or a storyline by id; see :func:`show_alternatives` for ids naming several.

    ``article:ID``, ``event:ID``, ``storyline:ID`` choose the kind. Without a prefix, ``E12`` and ``S3``
    name the event and storyline (an article with such an id is shown only when there is no such event or
    storyline); any other id names an article, else the event with that number.

    Raises:
        NotFound: nothing has this id.
    """
    for kind, key in _show_candidates(item_id):
        found = _show_one(store, kind, key)
        if found is not None:
            return found
    kinds = sorted({kind for kind, _ in _show_candidates(item_id)}, key=SHOW_KINDS.index)
    raise NotFound(f"no {' or '.join(kinds)} with id {item_id!r}")


def show_alternatives(store: Store, item_id: str) -> list[str]:
    """The other things an unprefixed ``item_id`` also names, as explicit ids (``article:E1``); empty
    when ``show`` is unambiguous."""
    found = [f"{kind}:{key}" for kind, key in _show_candidates(item_id) if _show_one(store, kind, key) is not None]
    return found[1:]


# --------------------------------------------------------------------------- entities
def _entity(row: Any, variants: list[str], articles: list[str]) -> EntityJSON:
    return EntityJSON(id=row["id"], name=row["name"], type=row["type"], variants=variants, articles=articles,
                      lat=row["lat"], lon=row["lon"], country=row["country"], mentions=row["mention_count"])


def list_entities(store: Store, *, type: str | None = None, event: str | int | None = None,
                  storyline: str | int | None = None, article: str | None = None, limit: int | None = 50,
                  offset: int = 0, since: str | None = None, until: str | None = None, source: str | None = None,
                  language: str | None = None, min_confidence: float = 0.0) -> list[EntityJSON]:
    """People, places, organisations: most mentioned first (within the scope, when one is given); only entities
    linked with at least ``min_confidence`` (callers pass settings enrich.entity_min_confidence unless all).

    Raises:
        InputError: an unknown ``type``, a malformed event or storyline id, or both given.
    """
    if type is not None and type.upper() not in ENTITY_TYPES:
        raise InputError(f"entity type must be one of {', '.join(ENTITY_TYPES)}, not {type!r}")
    _check_page(limit, offset)
    eid, sid, empty = resolve_scope(store, event, storyline)
    _require(store, "article_entities", "entities")
    if empty:
        return []
    repo = EntityRepo(store.conn)
    allowed = _article_filter(store, since, until, source, language)
    if allowed is None:
        rows = repo.list_entities(type_=type, event_id=eid, storyline_id=sid, article_id=article, limit=limit,
                                  offset=offset, min_confidence=min_confidence)
    else:
        rows = repo.list_entities(type_=type, event_id=eid, storyline_id=sid, article_id=article, limit=None,
                                  min_confidence=min_confidence)
    ids = [r["id"] for r in rows]
    variants, articles = repo.variants_for(ids), repo.articles_for(ids)
    out = [_entity(r, variants[r["id"]], articles[r["id"]]) for r in rows]
    if allowed is not None:
        out = _page([e for e in out if allowed.intersection(e.articles)], limit, offset)
    return out


def event_entities(store: Store, event: str | int, *, limit: int | None = 100,
                   min_confidence: float = 0.0) -> list[EntityJSON]:
    """The entities of one event linked with at least ``min_confidence``, most mentioned there first, as
    :func:`list_entities` orders them; each one's ``articles`` are the event's articles naming it (not all of
    them: a name in thousands of articles stays cheap).

    Raises:
        InputError: a malformed event id.
    """
    eid, _, empty = resolve_scope(store, event, None)
    _require(store, "article_entities", "entities")
    if empty:
        return []
    repo = EntityRepo(store.conn)
    rows = repo.list_entities(event_id=eid, limit=limit, min_confidence=min_confidence)
    ids = [r["id"] for r in rows]
    variants, articles = repo.variants_for(ids), views.event_entity_articles(store.conn, eid, ids)
    return [_entity(r, variants[r["id"]], articles[r["id"]]) for r in rows]


def get_entity(store: Store, entity_id: int) -> EntityJSON:
    """One entity; the id of a merged entity leads to the one it was merged into.

    Raises:
        NotFound: no entity has this id.
    """
    _require(store, "article_entities", "entities")
    repo = EntityRepo(store.conn)
    row = repo.entity_row(entity_id) if _in_range(entity_id) else None
    if row is None:
        raise NotFound(f"no entity with id {entity_id}")
    if row["merged_into"] is not None:
        row = repo.entity_row(repo.resolve_id(entity_id))
    number = row["id"]
    return _entity(row, repo.variants_for([number])[number], repo.articles_for([number])[number])


def cooccurring_entities(store: Store, entity_id: int, limit: int = 20) -> list[CooccurrenceJSON]:
    """Entities mentioned in the same articles as this one, most shared articles first."""
    _require(store, "article_entities", "entities")
    return [CooccurrenceJSON(**r) for r in views.cooccurring_entities(store.conn, entity_id, limit=limit)]


# --------------------------------------------------------------------------- quotes, figures, positions
def list_quotes(store: Store, *, event: str | int | None = None, storyline: str | int | None = None,
                speaker: int | None = None, limit: int | None = 200, offset: int = 0, since: str | None = None,
                until: str | None = None, source: str | None = None,
                language: str | None = None, min_confidence: float = 0.0) -> list[QuoteJSON]:
    """Who said what: one quote with every article that reports it, most reported first; only quotes whose
    attribution is at least ``min_confidence`` sure (callers pass settings enrich.quote_min_confidence)."""
    _check_page(limit, offset)
    eid, sid, empty = resolve_scope(store, event, storyline)
    _require(store, "quotes", "quotes")
    if empty:
        return []
    allowed = _article_filter(store, since, until, source, language)
    # Unfiltered, the page is cut in SQL: a page of a big store reads its rows, not every quote.
    upto = offset + limit if allowed is None and limit else None
    items = annotation_rows.list_quotes(store.conn, event_id=eid, storyline_id=sid, min_confidence=min_confidence,
                                        limit=upto, speaker_id=speaker)
    if allowed is not None:
        items = [q for q in items if allowed.intersection(q.get("articles") or [])]
    return [QuoteJSON(**q) for q in _page(items, limit, offset)]


def list_figures(store: Store, *, event: str | int | None = None, storyline: str | int | None = None,
                 limit: int | None = 500, offset: int = 0, since: str | None = None, until: str | None = None,
                 source: str | None = None, language: str | None = None,
                 all_figures: bool = False) -> list[FigureJSON]:
    """Reported numbers: what they count, value or range, qualifier, unit, who reported them, as of when.

    Only figures read with at least settings ``enrich.figure_threshold`` confidence, unless ``all_figures``."""
    _check_page(limit, offset)
    eid, sid, empty = resolve_scope(store, event, storyline)
    _require(store, "figures", "figures")
    if empty:
        return []
    threshold = 0.0 if all_figures else get_settings().enrich.figure_threshold
    allowed = _article_filter(store, since, until, source, language)
    # Unfiltered, the page is cut in SQL: a page of a big store reads its rows, not every figure.
    upto = offset + limit if allowed is None and limit else None
    items = annotation_rows.list_figures(store.conn, event_id=eid, storyline_id=sid, min_confidence=threshold,
                                         limit=upto)
    if allowed is not None:
        items = [f for f in items if f.get("article") in allowed]
    return [FigureJSON(**f) for f in _page(items, limit, offset)]


def list_disagreements(store: Store, *, event: str | int | None = None, storyline: str | int | None = None,
                       limit: int | None = None, offset: int = 0) -> list[DisagreementJSON]:
    """Where sources report materially different values for the same figure."""
    _check_page(limit, offset)
    eid, sid, empty = resolve_scope(store, event, storyline)
    _require(store, "disagreements", "disagreements")
    if empty:
        return []
    items = annotation_rows.list_disagreements(store.conn, event_id=eid, storyline_id=sid)
    return [DisagreementJSON(**d) for d in _page(items, limit, offset)]


def list_positions(store: Store, *, event: str | int | None = None, storyline: str | int | None = None,
                   limit: int | None = 500, offset: int = 0) -> list[PositionJSON]:
    """What each actor demands, offers, accepts or rejects, by actor and date."""
    _check_page(limit, offset)
    eid, sid, empty = resolve_scope(store, event, storyline)
    _require(store, "positions", "positions")
    if empty:
        return []
    items = annotation_rows.list_positions(store.conn, event_id=eid, storyline_id=sid)
    return [PositionJSON(**p) for p in _page(items, limit, offset)]
