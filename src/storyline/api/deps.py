"""Shared dependencies: the settings, a per-request store, and the token checks."""

from __future__ import annotations

import hmac
from typing import Iterator

from fastapi import Depends, HTTPException, Request

from storyline.settings import Settings
from storyline.store import Store

__all__ = ["get_settings", "get_store", "require_read", "require_write"]


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (``create_app``); tests may override this dependency."""
    return request.app.state.settings


def get_store(settings: Settings = Depends(get_settings)) -> Iterator[Store]:
    # One connection per request: sqlite3 connections are not meant to be shared across
    # the threads FastAPI runs sync handlers on; WAL lets readers run beside a writer.
    store = Store(settings.store.db, readonly=True)
    try:
        yield store
    finally:
        store.close()


def _presented_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, and nothing else.

    Not from a cookie, a query parameter or another header: a browser attaches cookies to a request another
    site makes it send (cross-site request forgery), but it sends an ``Authorization`` header only when the
    page's own script sets it, which a foreign origin cannot do without a CORS grant this server never gives.
    """
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


def _token_ok(request: Request, settings: Settings) -> bool:
    token = settings.api.token
    presented = _presented_token(request)
    return bool(token and presented and hmac.compare_digest(presented.encode(), token.encode()))


def require_read(request: Request, settings: Settings = Depends(get_settings)) -> None:
    if settings.api.read_open or _token_ok(request, settings):
        return
    raise HTTPException(401, "reading is closed on this server: send 'Authorization: Bearer <token>'",
                        headers={"WWW-Authenticate": "Bearer"})


def require_write(request: Request, settings: Settings = Depends(get_settings)) -> None:
    if not settings.api.token:
        raise HTTPException(403, "posting articles is disabled: start the server with a token "
                                 "(STORYLINE_TOKEN or --token)")
    if not _token_ok(request, settings):
        raise HTTPException(401, "a valid token is required to post: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
