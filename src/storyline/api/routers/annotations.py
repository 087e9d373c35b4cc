"""/api/entities, /api/quotes, /api/figures, /api/disagreements: read from the enrichment stages' tables."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from storyline.api import data
from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.store import Store

entities = APIRouter(prefix="/api/entities", tags=["entities"])
quotes = APIRouter(prefix="/api/quotes", tags=["quotes"])
figures = APIRouter(prefix="/api/figures", tags=["figures"])
disagreements = APIRouter(prefix="/api/disagreements", tags=["disagreements"])


@entities.get("", dependencies=[Depends(require_read)])
def list_entities(p: Page = Depends(page), f: Filters = Depends(filters),
                  type: str | None = Query(None, max_length=20, description="PER, LOC, ORG or MISC"),
                  event: str | None = Query(None, max_length=20, description="Only entities of this event's articles"),
                  store: Store = Depends(get_store)):
    return data.list_entities(store.conn, limit=p.limit, offset=p.offset, type=type, event=event,
                              since=f.since, until=f.until, source=f.source, language=f.language)


@entities.get("/{entity_id}", dependencies=[Depends(require_read)])
def get_entity(entity_id: int, store: Store = Depends(get_store)):
    entity = data.entity_json(store.conn, entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity with id {entity_id}")
    return entity


@quotes.get("", dependencies=[Depends(require_read)])
def list_quotes(p: Page = Depends(page), f: Filters = Depends(filters),
                event: str | None = Query(None, max_length=20, description="Only quotes from this event's articles"),
                store: Store = Depends(get_store)):
    return data.list_quotes(store.conn, limit=p.limit, offset=p.offset, event=event, speaker=f.entity,
                            since=f.since, until=f.until, source=f.source, language=f.language)


@figures.get("", dependencies=[Depends(require_read)])
def list_figures(p: Page = Depends(page), f: Filters = Depends(filters),
                 event: str | None = Query(None, max_length=20, description="Only figures from this event's articles"),
                 store: Store = Depends(get_store)):
    return data.list_figures(store.conn, limit=p.limit, offset=p.offset, event=event,
                             since=f.since, until=f.until, source=f.source, language=f.language)


@disagreements.get("", dependencies=[Depends(require_read)])
def list_disagreements(p: Page = Depends(page),
                       event: str | None = Query(None, max_length=20, description="Only disagreements within this event"),
                       store: Store = Depends(get_store)):
    return data.list_disagreements(store.conn, limit=p.limit, offset=p.offset, event=event)
