"""/api/events and /api/storylines, with cited summaries and timelines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from storyline.api import data
from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.store import Store

router = APIRouter(prefix="/api/events", tags=["events"])
storylines = APIRouter(prefix="/api/storylines", tags=["storylines"])


@router.get("", dependencies=[Depends(require_read)])
def list_events(p: Page = Depends(page), f: Filters = Depends(filters),
                storyline: str | None = Query(None, max_length=20, description="Only events of this storyline (S3)"),
                order: str = Query("date", pattern="^(date|recent|size)$"), store: Store = Depends(get_store)):
    return data.list_events(store.conn, limit=p.limit, offset=p.offset, since=f.since, until=f.until,
                            source=f.source, language=f.language, entity=f.entity, storyline=storyline, order=order)


@router.get("/{event_id}", dependencies=[Depends(require_read)])
def get_event(event_id: str, store: Store = Depends(get_store)):
    """One event; the id as the CLI prints it (``E12``) or the bare number."""
    event = data.event_json(store.conn, event_id)
    if event is None:
        raise HTTPException(404, f"no event with id {event_id}")
    return event


@router.get("/{event_id}/summary", dependencies=[Depends(require_read)])
def event_summary(event_id: str, store: Store = Depends(get_store)):
    """3–5 sentences from the event's articles, each with its article id and outlet."""
    from storyline.summarize.summary import summarize_event

    if data.event_json(store.conn, event_id) is None:
        raise HTTPException(404, f"no event with id {event_id}")
    return summarize_event(store.conn, data.event_id(event_id))


@storylines.get("", dependencies=[Depends(require_read)])
def list_storylines(p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    return data.list_storylines(store.conn, limit=p.limit, offset=p.offset, since=f.since, until=f.until)


@storylines.get("/{storyline_id}", dependencies=[Depends(require_read)])
def get_storyline(storyline_id: str, store: Store = Depends(get_store)):
    line = data.storyline_json(store.conn, storyline_id)
    if line is None:
        raise HTTPException(404, f"no storyline with id {storyline_id}")
    return line


@storylines.get("/{storyline_id}/timeline", dependencies=[Depends(require_read)])
def storyline_timeline(storyline_id: str, store: Store = Depends(get_store)):
    """The storyline's events by date, each with a one-sentence cited summary."""
    from storyline.summarize.timeline import storyline_timeline as build

    if data.storyline_json(store.conn, storyline_id) is None:
        raise HTTPException(404, f"no storyline with id {storyline_id}")
    return build(store.conn, data.storyline_id(storyline_id))
