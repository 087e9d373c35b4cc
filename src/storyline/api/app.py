"""The FastAPI application: JSON API under /api, web pages at /, OpenAPI docs at /docs (offline)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.api.data import NotAvailable
from storyline.api.deps import DEFAULT_MAX_BODY_BYTES, ApiSettings
from storyline.api.limits import BodySizeLimit
from storyline.store import Store
from storyline.store.sqlite import StoreError

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "web" / "static"

__all__ = ["create_app"]


def create_app(db_path: str, token: str | None = None, read_open: bool = True,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, warm: bool = True) -> FastAPI:
    """Build the app over one database.

    Args:
        db_path: the SQLite database (created and migrated if missing).
        token: required to POST articles (and to read when ``read_open`` is False); None disables posting.
        read_open: whether GET endpoints and pages are open to anyone.
        max_body_bytes: larger request bodies get 413.
        warm: load the sentence encoder and the map outlines in the background now, so the
            first event page does not pay for them.

    Raises:
        StoreError: the database cannot be opened or is not a Storyline database.
    """
    Store(db_path).close()  # create/migrate once here, so requests can open read-only connections
    app = FastAPI(title="Storyline", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Sourced events, storylines, entities, quotes and figures from many outlets.")
    app.state.settings = ApiSettings(db_path=str(db_path), token=token or None, read_open=read_open,
                                     max_body_bytes=max_body_bytes)

    from storyline.api.routers import annotations, articles, events, search
    from storyline.api import web

    for router in (articles.router, events.router, events.storylines, annotations.entities, annotations.quotes,
                   annotations.figures, annotations.disagreements, search.router, web.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _mount_docs(app)

    @app.exception_handler(NotAvailable)
    async def not_available(request: Request, exc: NotAvailable):
        return JSONResponse({"detail": str(exc)}, status_code=501)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        path = request.url.path
        if path.startswith(("/api", "/docs", "/openapi", "/static")):
            return await http_exception_handler(request, exc)
        from storyline.api.web import render

        response = render("message.html", title=f"{exc.status_code}", message=str(exc.detail))
        response.status_code = exc.status_code
        return response

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        # Defence in depth for the pages: article text is escaped, and even if something slipped
        # through, no inline or foreign script may run. /docs needs swagger's inline init script.
        if not request.url.path.startswith("/docs"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    if warm:
        threading.Thread(target=_warm_up, name="storyline-warm-up", daemon=True).start()
    return app


def _warm_up() -> None:
    from storyline.api.geo import world_countries
    from storyline.summarize.summary import warm_up

    try:
        warm_up()
        world_countries()
    except Exception:  # a failed warm-up only means the first page loads these itself
        LOGGER.warning("warm-up failed", exc_info=True)


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI served from the swagger-ui-bundle package, so /docs works with no internet."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # /openapi.json still works; /docs says why it cannot render
        swagger_ui_path = None
    if swagger_ui_path:
        app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if not swagger_ui_path:
            return HTMLResponse("<p>Install swagger-ui-bundle for the interactive docs; the schema is at "
                                "<a href='/openapi.json'>/openapi.json</a>.</p>", status_code=503)
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="Storyline API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")
