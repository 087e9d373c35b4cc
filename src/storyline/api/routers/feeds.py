"""Atom feeds a user can subscribe to (/feeds/alerts.atom, /feeds/storylines/S3.atom), /api/alerts and
/api/follows (following needs the token)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from storyline.alerts.service import alerts_atom, follow, list_alerts, list_follows, storyline_atom, unfollow
from storyline.api.deps import get_settings, get_store, require_read, require_write
from storyline.settings import Settings
from storyline.store import Store

router = APIRouter(tags=["alerts"], dependencies=[Depends(require_read)])

_ATOM = "application/atom+xml; charset=utf-8"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/feeds/alerts.atom", response_class=Response)
def alerts_feed(request: Request, store: Store = Depends(get_store)):
    """The newest alerts as an Atom feed."""
    return Response(alerts_atom(store, base_url=_base(request)), media_type=_ATOM)


@router.get("/feeds/storylines/{storyline_id}.atom", response_class=Response)
def storyline_feed(storyline_id: str, request: Request, store: Store = Depends(get_store)):
    """One storyline's newest articles as an Atom feed."""
    return Response(storyline_atom(store, storyline_id, base_url=_base(request)), media_type=_ATOM)


@router.get("/api/alerts")
def alerts(since: Optional[str] = Query(None, max_length=40, description="A span (24h, 7d) or an ISO date/time"),
           storyline: Optional[str] = Query(None, max_length=40, description="Only this storyline (S3)"),
           limit: int = Query(50, ge=1, le=500), store: Store = Depends(get_store)):
    """Alerts (new stories, bursts, follows), newest first."""
    return list_alerts(store, since=since, storyline=storyline, limit=limit)


@router.get("/api/follows")
def follows(store: Store = Depends(get_store)):
    """What is followed: storylines and entities whose news raise ``follow`` alerts."""
    return list_follows(store)


@router.post("/api/follows", dependencies=[Depends(require_write)], status_code=201)
def add_follow(storyline: Optional[str] = Query(None, max_length=40, description="A storyline id (S3)"),
               entity: Optional[str] = Query(None, max_length=200, description="An entity name or id"),
               settings: Settings = Depends(get_settings)):
    """Follow a storyline or an entity (needs the token, like posting articles)."""
    store = Store(settings.store.db)
    try:
        return follow(store, storyline=storyline, entity=entity)
    finally:
        store.close()


@router.delete("/api/follows", dependencies=[Depends(require_write)])
def remove_follow(storyline: Optional[str] = Query(None, max_length=40), entity: Optional[str] = Query(None,
                                                                                                       max_length=200),
                  settings: Settings = Depends(get_settings)):
    """Stop following a storyline or an entity."""
    store = Store(settings.store.db)
    try:
        return {"removed": unfollow(store, storyline=storyline, entity=entity)}
    finally:
        store.close()
