"""Atom feeds a user can subscribe to (/feeds/alerts.atom, /feeds/storylines/S3.atom) and /api/alerts."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from storyline.alerts.service import alerts_atom, list_alerts, storyline_atom
from storyline.api.deps import get_store, require_read
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
