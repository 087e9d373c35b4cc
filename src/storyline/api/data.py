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

from storyline.store import views

__all__ = ["NotAvailable", "event_json", "list_events", "storyline_json", "list_storylines", "stage_module"]


class NotAvailable(Exception):
    """A section whose pipeline stage is not installed or has not created its tables yet."""

    def __init__(self, what: str, module: str):
        super().__init__(f"{what} are not available: the stage providing them ({module}) is not installed "
                         f"or this database was built without it; re-ingest after installing it.")
        self.what = what


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
def _event_from_row(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    sources, independent = views.event_sources(conn, row["id"])
    return {
        "id": row["id"],
        "title": row["title"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        "articles": views.event_article_ids(conn, row["id"]),
        "sources": sources,
        "independent_sources": len(independent),
        "storyline": row["storyline_id"],
    }


def event_json(conn: sqlite3.Connection, event_id: int) -> dict[str, Any] | None:
    row = views.event_row(conn, event_id)
    return _event_from_row(conn, row) if row else None


def list_events(conn: sqlite3.Connection, **filters: Any) -> list[dict[str, Any]]:
    entity = filters.pop("entity", None)
    if entity is not None:
        filters["article_ids"] = views.articles_for_entity(conn, entity)
    return [_event_from_row(conn, row) for row in views.list_event_rows(conn, **filters)]


# --------------------------------------------------------------------------- storylines
def _storyline_from_row(conn: sqlite3.Connection, row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "title": row["title"], "start": row["start"], "end": row["end"],
            "events": views.storyline_event_ids(conn, row["id"])}


def storyline_json(conn: sqlite3.Connection, storyline_id: int) -> dict[str, Any] | None:
    row = views.storyline_row(conn, storyline_id)
    return _storyline_from_row(conn, row) if row else None


def list_storylines(conn: sqlite3.Connection, **filters: Any) -> list[dict[str, Any]]:
    return [_storyline_from_row(conn, row) for row in views.list_storyline_rows(conn, **filters)]


# --------------------------------------------------------------------------- enrichment sections
# Adapters over the stage owners' query modules; each filters by event through the event's articles.
def _event_article_set(conn: sqlite3.Connection, event: int | None) -> set[str] | None:
    return None if event is None else set(views.event_article_ids(conn, event))


def list_entities(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    stage_module("entities", "entities", "entities", conn)
    raise NotAvailable("entities", "storyline.store.entities")


def entity_json(conn: sqlite3.Connection, entity_id: int) -> dict[str, Any] | None:
    stage_module("entities", "entities", "entities", conn)
    raise NotAvailable("entities", "storyline.store.entities")


def list_quotes(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    stage_module("annotations", "quotes", "quotes", conn)
    raise NotAvailable("quotes", "storyline.store.annotations")


def list_figures(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    stage_module("annotations", "figures", "figures", conn)
    raise NotAvailable("figures", "storyline.store.annotations")


def list_disagreements(conn: sqlite3.Connection, **kw: Any) -> list[dict[str, Any]]:
    stage_module("annotations", "disagreements", "disagreements", conn)
    raise NotAvailable("disagreements", "storyline.store.annotations")


def cooccurring_entities(conn: sqlite3.Connection, entity_id: int, limit: int = 20) -> list[dict[str, Any]]:
    stage_module("entities", "entities", "entities", conn)
    raise NotAvailable("entities", "storyline.store.entities")
