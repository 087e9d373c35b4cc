"""/api/search: full-text search over articles (same contract as ``storyline search --json``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from storyline.api.deps import get_store, require_read
from storyline.api.routers.common import Page, page
from storyline.store import Store

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("", dependencies=[Depends(require_read)])
def search(q: str = Query(..., max_length=500, description="Words to find; 'OR' between words for either"),
           p: Page = Depends(page), store: Store = Depends(get_store)):
    try:
        hits = store.search(q, limit=p.limit, offset=p.offset)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return [a.to_json() for a, _, _ in hits]
