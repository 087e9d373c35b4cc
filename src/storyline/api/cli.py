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


@eval_app.command("timeline")
def eval_timeline(
    data: Optional[str] = typer.Option(None, help="ML-Crisis folder (default $STORYLINE_DATA/ml-crisis-tls "
                                                  "or ../shared/data/ml-crisis-tls)"),
    langs: str = typer.Option("es,fr,it", help="Comma-separated languages"),
    topics: str = typer.Option("egypt,libya,syria,yemen", help="Comma-separated topics"),
    method: str = typer.Option("events,pubdate", help="Systems to score: events (full pipeline), pubdate (baseline)"),
    encoder: str = typer.Option("use", help="Sentence embeddings for the summaries: use or tfidf"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Timeline summarisation on ML-Crisis: AR-1/AR-2 F (align+ m:1) and date F1, as in news-tls."""
    import os
    from pathlib import Path

    from rich.table import Table

    from storyline.cli import console, print_json
    from storyline.eval.timeline_run import SYSTEMS, mean_scores, run_topic

    root = Path(data) if data else Path(os.environ.get("STORYLINE_DATA") or Path.cwd().parent / "shared" / "data") / "ml-crisis-tls"
    if not (root / "es" / "reference").is_dir() and not any((root / l / "reference").is_dir() for l in langs.split(",")):
        err_console.print(f"error: ML-Crisis not found at {root} (pass --data or set STORYLINE_DATA)")
        raise typer.Exit(2)
    methods = [m.strip() for m in method.split(",") if m.strip()]
    unknown = [m for m in methods if m not in SYSTEMS]
    if unknown or encoder not in ("use", "tfidf"):
        err_console.print(f"error: unknown method {unknown} or encoder {encoder!r}; methods: {', '.join(SYSTEMS)}; "
                          "encoders: use, tfidf")
        raise typer.Exit(2)
    results = []
    for m in methods:
        for lang in [l.strip() for l in langs.split(",") if l.strip()]:
            for topic in [t.strip() for t in topics.split(",") if t.strip()]:
                if not (root / lang / topic).is_dir():
                    err_console.print(f"skipped: no {root / lang / topic}")
                    continue
                r = run_topic(root, lang, topic, m, encoder=encoder)
                results.append(r)
                # Progress on stderr, also with --json (stdout stays pure JSON).
                err_console.print(f"{m} {lang}/{topic}: AR1-F {r.scores['ar1_f']:.3f} AR2-F {r.scores['ar2_f']:.3f} "
                                  f"date F1 {r.scores['date_f1']:.3f} ({r.articles} articles, {r.seconds:.0f}s)")
    summary = {m: {"all": mean_scores([r for r in results if r.method == m]),
                   **{lang: mean_scores([r for r in results if r.method == m and r.lang == lang])
                      for lang in sorted({r.lang for r in results})}} for m in methods}
    if as_json:
        print_json({"metric": "align_date_content_costs_many_to_one", "topics": [r.to_json() for r in results],
                    "mean": summary})
        return
    table = Table(title="ML-Crisis timelines (mean over topics)")
    for col in ("method", "languages", "AR1-F", "AR2-F", "date F1"):
        table.add_column(col)
    for m, by_lang in summary.items():
        for lang, s in by_lang.items():
            if s:
                table.add_row(m, lang, f"{s['ar1_f']:.3f}", f"{s['ar2_f']:.3f}", f"{s['date_f1']:.3f}")
    console.print(table)


@app.command()
def summary(event: str = typer.Argument(..., help="An event id (E12)"),
            sentences: Optional[int] = typer.Option(None, min=1, max=10, help="How many (default 3–5 by outlets)"),
            as_json: bool = typer.Option(False, "--json")):
    """The cited summary of one event: sentences from its articles, each with article id and outlet."""
    from storyline.api.data import event_id, event_json
    from storyline.cli import console, open_store, print_json
    from storyline.summarize.summary import summarize_event

    store = open_store()
    if event_json(store.conn, event) is None:
        err_console.print(f"error: no event with id {event!r} (see `storyline events`)")
        raise typer.Exit(1)
    result = summarize_event(store.conn, event_id(event), max_sentences=sentences)
    if as_json:
        print_json(result)
        return
    for i, s in enumerate(result, 1):
        console.print(f"{i}. {s['sentence']} [dim]\\[{s['source'] or 'unknown'} · {s['article']}][/dim]",
                      highlight=False)
