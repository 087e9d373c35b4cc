"""``storyline serve``: the HTTP API (/api, docs at /docs) and the web pages (/) over one database."""

from __future__ import annotations

from typing import Optional

import typer

from storyline.cli._app import app, err_console, plain, settings
from storyline.errors import InputError


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, min=0, max=65535, help="Port (0: any free port)"),
    db: Optional[str] = typer.Option(None, "--db", help="Database (default: the global --db)"),
    token: Optional[str] = typer.Option(None, show_default=False,
                                        help="Token required to POST articles (default $STORYLINE_TOKEN)"),
    closed: bool = typer.Option(False, "--closed", help="Require the token for reading too"),
    max_body: Optional[int] = typer.Option(None, min=1, show_default="10 MiB",
                                           help="Reject request bodies larger than this (bytes)"),
):
    """Serve the HTTP API (/api, docs at /docs) and the web page (/) over one database."""
    import uvicorn

    from storyline.api import create_app

    config = settings(store={"db": db}, api={"token": token, "read_open": False if closed else None,
                                             "max_body_bytes": max_body})
    if closed and not config.api.token:
        raise InputError("--closed needs a token (--token or STORYLINE_TOKEN)")
    web = create_app(settings=config)
    err_console.print(plain(f"Storyline on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)"
                            + ("" if config.api.token else "; posting disabled: no token")))
    uvicorn.run(web, host=host, port=port, log_level="warning")
