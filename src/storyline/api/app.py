"""The FastAPI application: JSON API under /api, web pages at /, OpenAPI docs at /docs (offline)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.api import web
from storyline.api.geo import world_countries
from storyline.api.limits import BodySizeLimit, HeadAsGet
from storyline.api.routers import annotations, articles, events, feeds, search
from storyline.errors import StoreReadOnly, StorylineError
from storyline.read import pages as read_pages
from storyline.settings import Settings, load_settings
from storyline.store import Store
from storyline.store.files import DatabaseError, translate as translate_store_error
from storyline.cluster.signals import embed_texts
from storyline.summarize.summary import warm_up

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "web" / "static"
# Swagger UI 5 (it reads OpenAPI 3.1, which FastAPI writes), as the fastapi-offline package ships it.
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
# Paths answered in JSON (errors too); every other path is a page and gets an HTML error page.
_JSON_PATHS = ("/api", "/docs", "/openapi", "/static")

_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
             "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_DOCS_CSP = _PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

__all__ = ["create_app"]


def create_app(db_path: str | None = None, token: str | None = None, read_open: bool | None = None,
               max_body_bytes: int | None = None, warm: bool = True, settings: Settings | None = None) -> FastAPI:
    """Build the app over one database.

    Args:
        db_path: the SQLite database (created and migrated if missing); default ``settings.store.db``.
        token: required to POST articles (and to read when ``read_open`` is False); default
            ``settings.api.token`` (``STORYLINE_TOKEN``); None disables posting.
        read_open: whether GET endpoints and pages are open to anyone; default ``settings.api.read_open``.
        max_body_bytes: larger request bodies get 413; default ``settings.api.max_body_bytes``.
        warm: load the sentence encoder and the map outlines in the background now, so the
            first event page does not pay for them.
        settings: the base settings (default: environment and config file, ``load_settings()``).

    Raises:
        StoreError: the database cannot be opened or is not a Storyline database.
    """
    api = {k: v for k, v in (("token", token), ("read_open", read_open), ("max_body_bytes", max_body_bytes))
           if v is not None}
    settings = (settings or load_settings()).replace(store={"db": str(db_path)} if db_path is not None else {},
                                                     api=api)
    try:
        Store(settings.store.db).close()  # create/migrate once here, so requests can open read-only connections
    except StoreReadOnly:
        Store(settings.store.db, readonly=True).close()  # a read-only mount: serve reads; posts get 503
    app = FastAPI(title="Storyline", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Sourced events, storylines, entities, quotes and figures from many outlets.")
    app.state.settings = settings

    for router in (articles.router, events.router, events.storylines, annotations.entities, annotations.quotes,
                   annotations.figures, annotations.disagreements, annotations.developments, search.router, feeds.router, web.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _mount_docs(app)

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        """Every error of the library, once: its status, and its message as ``detail`` (a page for pages);
        a database that is busy or full also says when to try again (``Retry-After``)."""
        if request.url.path.startswith(_JSON_PATHS):
            response = JSONResponse({"detail": exc.detail, "code": exc.code}, status_code=exc.http_status)
        else:
            response = web.error_page(exc.http_status, exc.detail, request)
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(DatabaseError)
    async def database_error(request: Request, exc: Exception):
        """A driver failure that reached a request (a damaged page mid-read): the store's error for it."""
        return await storyline_error(request, translate_store_error(exc, settings.store.db, "reading"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(_JSON_PATHS):
            return await http_exception_handler(request, exc)
        return web.error_page(exc.status_code, str(exc.detail), request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        # Defence in depth for the pages: article text is escaped, and even if something slipped
        # through, no inline or foreign script may run. The API docs page gets the same policy (its start-up
        # script is a file) except that Swagger UI sets inline styles.
        response.headers.setdefault("Content-Security-Policy",
                                    _DOCS_CSP if request.url.path.startswith("/docs") else _PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes)
    app.add_middleware(HeadAsGet)
    if warm:
        threading.Thread(target=_warm_up, args=(settings.store.db, settings), name="storyline-warm-up",
                         daemon=True).start()
    return app


def _warm_up(db: str | None = None, settings: Settings | None = None) -> None:
    try:
        web.compile_templates()
        if db is not None:  # the overview pages' facts and the events' vectors, read once
            store = Store(db, readonly=True)
            try:
                read_pages.warm(store)
                web.warm(store, settings or load_settings())
            finally:
                store.close()
        warm_up()
        world_countries()
        embed_texts(["warm"])  # the search page's encoder (the clusterer's, whose vectors the events keep)
    except Exception:  # a failed warm-up only means the first page loads these itself
        LOGGER.warning("warm-up failed", exc_info=True)


_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" href="/docs-assets/favicon.png">
<title>Storyline API</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI served from the installed package, so /docs works with no internet: every asset is local,
    the start-up script is a file (static/swagger-init.js), and the CSP allows nothing else."""
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)
