"""``storyline serve`` (API + web page) and ``storyline eval timeline`` (ML-Crisis)."""

from __future__ import annotations

from typing import Optional

import typer

from storyline.cli import app, err_console, eval_app, state


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port"),
    db: Optional[str] = typer.Option(None, "--db", help="Database (default: the global --db)"),
    token: Optional[str] = typer.Option(None, envvar="STORYLINE_TOKEN", show_default=False,
                                        help="Token required to POST articles (env STORYLINE_TOKEN)"),
    closed: bool = typer.Option(False, "--closed", help="Require the token for reading too"),
    max_body: int = typer.Option(10 * 1024 * 1024, help="Reject request bodies larger than this (bytes)"),
):
    """Serve the HTTP API (/api, docs at /docs) and the web page (/) over one database."""
    import uvicorn

    from storyline.api import create_app
    from storyline.store.sqlite import StoreError

    if closed and not token:
        err_console.print("error: --closed needs a token (--token or STORYLINE_TOKEN)")
        raise typer.Exit(2)
    try:
        web = create_app(db or state.db, token=token, read_open=not closed, max_body_bytes=max_body)
    except StoreError as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    err_console.print(f"Storyline on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)"
                      + ("" if token else "; posting disabled: no token"))
    uvicorn.run(web, host=host, port=port, log_level="warning")
