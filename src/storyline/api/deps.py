"""Shared dependencies: settings, a per-request store, and the token checks."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Iterator

from fastapi import Depends, HTTPException, Request

from storyline.store import Store

__all__ = ["ApiSettings", "get_settings", "get_store", "require_read", "require_write"]

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ApiSettings:
    db_path: str
    token: str | None = None
    read_open: bool = True
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


def get_store(settings: ApiSettings = Depends(get_settings)) -> Iterator[Store]:
    # One connection per request: sqlite3 connections are not meant to be shared across
    # the threads FastAPI runs sync handlers on; WAL lets readers run beside a writer.
    store = Store(settings.db_path, readonly=True)
    try:
        yield store
    finally:
        store.close()


def _presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-storyline-token") or request.cookies.get("storyline_token")


def _token_ok(request: Request, settings: ApiSettings) -> bool:
    presented = _presented_token(request)
    return bool(settings.token and presented and hmac.compare_digest(presented.encode(), settings.token.encode()))


def require_read(request: Request, settings: ApiSettings = Depends(get_settings)) -> None:
    if settings.read_open or _token_ok(request, settings):
        return
    raise HTTPException(401, "reading is closed on this server: send 'Authorization: Bearer <token>'",
                        headers={"WWW-Authenticate": "Bearer"})


def require_write(request: Request, settings: ApiSettings = Depends(get_settings)) -> None:
    if not settings.token:
        raise HTTPException(403, "posting articles is disabled: start the server with a token "
                                 "(STORYLINE_TOKEN or --token)")
    if not _token_ok(request, settings):
        raise HTTPException(401, "a valid token is required to post: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
