"""/api/entities, /api/quotes, /api/figures, /api/disagreements, /api/developments: the enrichment stages' results."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from storyline import read
from storyline.api.deps import get_settings, get_store, require_read
from storyline.api.routers.common import EventParam, Filters, Page, filters, page
from storyline.read import DevelopmentJSON, DisagreementJSON, EntityJSON, FigureJSON, QuoteJSON
from storyline.settings import Settings
from storyline.store import Store

entities = APIRouter(prefix="/api/entities", tags=["entities"])
quotes = APIRouter(prefix="/api/quotes", tags=["quotes"])
figures = APIRouter(prefix="/api/figures", tags=["figures"])
disagreements = APIRouter(prefix="/api/disagreements", tags=["disagreements"])
developments = APIRouter(prefix="/api/developments", tags=["disagreements"])


@entities.get("", dependencies=[Depends(require_read)], response_model=list[EntityJSON])
def list_entities(p: Page = Depends(page), f: Filters = Depends(filters),
                  type: str | None = Query(None, max_length=20, description="PER, LOC, ORG or MISC"),
                  event: EventParam = None,
                  all: bool = Query(False, description="Also entities linked with little evidence "
                                                       "(below settings enrich.entity_min_confidence)"),
                  store: Store = Depends(get_store), settings: Settings = Depends(get_settings)):
    """People, places and organisations, most mentioned first (within the event, when one is given);
    ``all=true`` adds entities linked with little evidence."""
    return read.list_entities(store, limit=p.limit, offset=p.offset, type=type, event=event,
                              since=f.since, until=f.until, source=f.source, language=f.language,
                              min_confidence=0.0 if all else settings.enrich.entity_min_confidence)


@entities.get("/{entity_id}", dependencies=[Depends(require_read)], response_model=EntityJSON)
def get_entity(entity_id: int, store: Store = Depends(get_store)):
    return read.get_entity(store, entity_id)


@quotes.get("", dependencies=[Depends(require_read)], response_model=list[QuoteJSON])
def list_quotes(p: Page = Depends(page), f: Filters = Depends(filters), event: EventParam = None,
                all: bool = Query(False, description="Also quotes below the confidence threshold "
                                                     "(settings enrich.quote_min_confidence)"),
                store: Store = Depends(get_store), settings: Settings = Depends(get_settings)):
    """Who said what; ``entity`` selects quotes by that speaker; ``all=true`` adds uncertain attributions."""
    return read.list_quotes(store, limit=p.limit, offset=p.offset, event=event, speaker=f.entity,
                            since=f.since, until=f.until, source=f.source, language=f.language,
                            min_confidence=0.0 if all else settings.enrich.quote_min_confidence)


@figures.get("", dependencies=[Depends(require_read)], response_model=list[FigureJSON])
def list_figures(p: Page = Depends(page), f: Filters = Depends(filters), event: EventParam = None,
                 all: bool = Query(False, description="Also figures read with low confidence"),
                 store: Store = Depends(get_store)):
    return read.list_figures(store, limit=p.limit, offset=p.offset, event=event,
                             since=f.since, until=f.until, source=f.source, language=f.language, all_figures=all)


@disagreements.get("", dependencies=[Depends(require_read)], response_model=list[DisagreementJSON])
def list_disagreements(p: Page = Depends(page), event: EventParam = None, store: Store = Depends(get_store)):
    return read.list_disagreements(store, limit=p.limit, offset=p.offset, event=event)


@developments.get("", dependencies=[Depends(require_read)], response_model=list[DevelopmentJSON])
def list_developments(event: EventParam = None,
                      storyline: str | None = Query(None, max_length=24, description="A storyline id: S3 or 3"),
                      store: Store = Depends(get_store)):
    """Counts that changed from one reported day to the next (a death toll rising): developments, not
    disagreements. Of one storyline, of an event's storyline, or of all."""
    return read.list_developments(store, storyline=storyline, event=event)
