"""/api/search: full-text search over articles (same contract as ``storyline search --json``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.store import Store, views

# Filters apply to the best-ranked hits; beyond this many, narrow the query instead.
MAX_FILTERED_HITS = 2000

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", dependencies=[Depends(require_read)])
def search(q: str = Query(..., max_length=500, description="Words to find; 'OR' between words for either"),
           p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    """Articles matching ``q``, best first; date, outlet, language and entity filters narrow the hits."""
    filtered = any((f.since, f.until, f.source, f.language, f.entity is not None))
    try:
        if not filtered:
            hits = store.search(q, limit=p.limit, offset=p.offset)
        else:
            hits = store.search(q, limit=MAX_FILTERED_HITS, offset=0)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    articles = [a for a, _, _ in hits]
    if filtered:
        allowed = set(views.article_ids_matching(store.conn, since=f.since, until=f.until, source=f.source,
                                                 language=f.language))
        if f.entity is not None:
            allowed &= set(views.articles_for_entity(store.conn, f.entity))
        articles = [a for a in articles if a.id in allowed][p.offset:p.offset + p.limit]
    return [a.to_json() for a in articles]
