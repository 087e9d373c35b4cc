"""/api/search: full-text search over articles (same contract as ``storyline search --json``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from storyline import read
from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.read import ArticleJSON
from storyline.store import Store

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", dependencies=[Depends(require_read)], response_model=list[ArticleJSON])
def search(q: str = Query(..., max_length=500, description="Words to find; 'OR' between words for either"),
           p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    """Articles matching ``q``, best first; date, outlet, language and entity filters narrow the hits."""
    hits = read.search(store, q, limit=p.limit, offset=p.offset, since=f.since, until=f.until, source=f.source,
                       language=f.language, entity=f.entity)
    return [h.article for h in hits]
