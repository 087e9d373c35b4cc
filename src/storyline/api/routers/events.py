"""/api/events and /api/storylines, with cited summaries and timelines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from storyline import read
from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Filters, Page, StorylineParam, filters, page
from storyline.read import EventJSON, StorylineJSON, SummarySentenceJSON, TimelineEntryJSON
from storyline.store import Store

router = APIRouter(prefix="/api/events", tags=["events"])
storylines = APIRouter(prefix="/api/storylines", tags=["storylines"])


@router.get("", dependencies=[Depends(require_read)], response_model=list[EventJSON])
def list_events(p: Page = Depends(page), f: Filters = Depends(filters), storyline: StorylineParam = None,
                order: str = Query("date", pattern="^(date|recent|size|sources)$",
                                   description="date (oldest first), recent, size (articles) or sources (outlets)"), store: Store = Depends(get_store)):
    return read.list_events(store, limit=p.limit, offset=p.offset, since=f.since, until=f.until,
                            source=f.source, language=f.language, entity=f.entity, storyline=storyline, order=order)


@router.get("/{event_id}", dependencies=[Depends(require_read)], response_model=EventJSON)
def get_event(event_id: str, store: Store = Depends(get_store)):
    """One event; the id as the CLI prints it (``E12``) or the bare number."""
    return read.get_event(store, event_id)


@router.get("/{event_id}/summary", dependencies=[Depends(require_read)], response_model=list[SummarySentenceJSON])
def event_summary(event_id: str, store: Store = Depends(get_store)):
    """3–5 sentences from the event's articles, each with its article id and outlet."""
    return read.summary(store, event_id)


@storylines.get("", dependencies=[Depends(require_read)], response_model=list[StorylineJSON])
def list_storylines(p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    return read.list_storylines(store, limit=p.limit, offset=p.offset, since=f.since, until=f.until)


@storylines.get("/{storyline_id}", dependencies=[Depends(require_read)], response_model=StorylineJSON)
def get_storyline(storyline_id: str, store: Store = Depends(get_store)):
    return read.get_storyline(store, storyline_id)


@storylines.get("/{storyline_id}/timeline", dependencies=[Depends(require_read)],
                response_model=list[TimelineEntryJSON])
def storyline_timeline(storyline_id: str, store: Store = Depends(get_store)):
    """The storyline's events by date, each with a one-sentence cited summary."""
    return read.timeline(store, storyline_id)
