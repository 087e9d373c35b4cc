"""The reads behind both the JSON API and the web page, in the CLI's JSON contracts.

Events and storylines come from the events stage's tables; entities, quotes,
figures and disagreements from the enrichment stages' query modules when those
are installed. A section whose stage is missing raises :class:`NotAvailable`,
which the API turns into 501 and the page into a short note.
"""

from __future__ import annotations

import importlib
import sqlite3
from typing import Any

from storyline.errors import NotAvailable
from storyline.store import views

__all__ = ["NotAvailable", "event_json", "list_events", "storyline_json", "list_storylines", "stage_module",
           "event_id", "storyline_id", "list_entities", "entity_json", "cooccurring_entities", "list_quotes",
           "list_figures", "list_disagreements"]


def stage_module(name: str, what: str, table: str | None = None, conn: sqlite3.Connection | None = None):
    """Import ``storyline.store.<name>`` (a stage owner's query module) or raise NotAvailable."""
    module = f"storyline.store.{name}"
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotAvailable(what, module) from None
        raise
    if table and conn is not None and not views.has_table(conn, table):
        raise NotAvailable(what, module)
    return mod


# --------------------------------------------------------------------------- events
# The events stage's own JSON (storyline.store.events) is the contract; ids are labelled E<n> / S<n>.
MAX_ID = 2 ** 63 - 1  # SQLite INTEGER range: a larger id cannot exist (and would not bind)


def _in_range(value: int | None) -> int | None:
    return value if value is not None and 0 <= value <= MAX_ID else None


def event_id(text: str | int | None) -> int | None:
    """``E12``, ``e12`` or ``12`` -> 12; None when it is not an event id."""
    from storyline.store.events import parse_event_id

    return _in_range(text if isinstance(text, int) else parse_event_id(str(text or "")))


def storyline_id(text: str | int | None) -> int | None:
    from storyline.store.events import parse_storyline_id

    return _in_range(text if isinstance(text, int) else parse_storyline_id(str(text or "")))


def event_json(conn: sqlite3.Connection, event: str | int) -> dict[str, Any] | None:
    from storyline.store import events as q

    eid = event_id(event)
    if eid is None or not views.has_table(conn, "events"):
        return None
    data = q.get_event(conn, eid)
    return data if data and data["articles"] else None


def list_events(conn: sqlite3.Connection, **filters: Any) -> list[dict[str, Any]]:
    from storyline.store import events as q

    entity = filters.pop("entity", None)
    if entity is not None:
        filters["article_ids"] = views.articles_for_entity(conn, entity)
    if filters.get("storyline") is not None:
        filters["storyline"] = storyline_id(filters["storyline"])
        if filters["storyline"] is None:
            return []
    rows = views.list_event_rows(conn, **filters)
    return [e for e in (q.get_event(conn, r["id"]) for r in rows) if e]


# --------------------------------------------------------------------------- storylines
def storyline_json(conn: sqlite3.Connection, line: str | int) -> dict[str, Any] | None:
    from storyline.store import events as q

    sid = storyline_id(line)
    if sid is None or not views.has_table(conn, "storylines"):
        return None
    return q.get_storyline(conn, sid)


def list_storylines(conn: sqlite3.Connection, **filters: Any) -> list[dict[str, Any]]:
    from storyline.store import events as q

    rows = views.list_storyline_rows(conn, **filters)
    return [s for s in (q.get_storyline(conn, r["id"]) for r in rows) if s]


# --------------------------------------------------------------------------- enrichment sections
# Adapters over the stage owners' modules (storyline.enrich.entities, storyline.store.annotations):
# they scope by event; the API's other filters (dates, outlet, language) apply through the articles.
def _entities_module(conn: sqlite3.Connection):
    try:
        import storyline.enrich.entities as mod
    except ModuleNotFoundError as exc:
        if exc.name and "storyline.enrich.entities".startswith(exc.name):
            raise NotAvailable("entities", "storyline.enrich.entities") from None
        raise
    if not views.has_table(conn, "article_entities"):
        raise NotAvailable("entities", "storyline.enrich.entities")
    return mod


def _article_filter(conn: sqlite3.Connection, kw: dict[str, Any]) -> set[str] | None:
    wanted = {k: kw.get(k) for k in ("since", "until", "source", "language")}
    if not any(wanted.values()):
        return None
    return set(views.article_ids_matching(conn, **wanted))


def _page(items: list, kw: dict[str, Any]) -> list:
    offset = kw.get("offset") or 0
    limit = kw.get("limit")
    return items[offset:offset + limit] if limit is not None else items[offset:]


def _bad_event(kw: dict[str, Any]) -> bool:
    """An event filter that names no possible event matches nothing (rather than everything)."""
    return kw.get("event") is not None and event_id(kw["event"]) is None


def list_entities(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    mod = _entities_module(conn)
    if _bad_event(kw):
        return []
    allowed = _article_filter(conn, kw)
    if allowed is None:
        return mod.list_entities(conn, type_=kw.get("type"), event_id=event_id(kw.get("event")),
                                 limit=kw.get("limit"), offset=kw.get("offset") or 0)
    items = mod.list_entities(conn, type_=kw.get("type"), event_id=event_id(kw.get("event")), limit=None)
    return _page([e for e in items if allowed.intersection(e.get("articles") or [])], kw)


def entity_json(conn: sqlite3.Connection, entity_id: int) -> dict[str, Any] | None:
    mod = _entities_module(conn)
    from storyline.store.entities import EntityRepo

    if _in_range(entity_id) is None:
        return None
    repo = EntityRepo(conn)
    row = repo.entity_row(entity_id)
    if row is None:
        return None
    if row["merged_into"] is not None:
        row = repo.entity_row(repo.resolve_id(entity_id))
    eid = row["id"]
    return mod.entity_json(row, repo.variants_for([eid])[eid], repo.articles_for([eid])[eid])


def cooccurring_entities(conn: sqlite3.Connection, entity_id: int, limit: int = 20) -> list[dict[str, Any]]:
    _entities_module(conn)
    return views.cooccurring_entities(conn, entity_id, limit=limit)


def _annotations(conn: sqlite3.Connection, what: str, table: str):
    return stage_module("annotations", what, table, conn)


def list_quotes(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    mod = _annotations(conn, "quotes", "quotes")
    if _bad_event(kw):
        return []
    items = mod.list_quotes(conn, event_id=event_id(kw.get("event")))
    if kw.get("speaker") is not None:
        items = [q for q in items if q.get("speaker_id") == kw["speaker"]]
    allowed = _article_filter(conn, kw)
    if allowed is not None:
        items = [q for q in items if allowed.intersection(q.get("articles") or [])]
    return _page(items, kw)


def list_figures(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    mod = _annotations(conn, "figures", "figures")
    if _bad_event(kw):
        return []
    items = mod.list_figures(conn, event_id=event_id(kw.get("event")))
    allowed = _article_filter(conn, kw)
    if allowed is not None:
        items = [f for f in items if f.get("article") in allowed]
    return _page(items, kw)


def list_disagreements(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    mod = _annotations(conn, "disagreements", "disagreements")
    if _bad_event(kw):
        return []
    return _page(mod.list_disagreements(conn, event_id=event_id(kw.get("event"))), kw)
