"""Command line: a thin Typer layer over the library. Every listing takes ``--json``."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.ingest.normalize import shorten
from storyline.store import Store, default_db_path
from storyline.store.sqlite import StoreError

app = typer.Typer(help="Storyline: news articles from many outlets into sourced events and storylines.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Measure quality on gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

console = Console()
err_console = Console(stderr=True)


class State:
    db: str = default_db_path()


state = State()


@app.callback()
def main(db: Optional[str] = typer.Option(None, "--db", help="SQLite database (default $STORYLINE_DB or ./storyline.db)")):
    state.db = db or default_db_path()


def open_store() -> Store:
    try:
        return Store(state.db)
    except StoreError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- ingest
@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories, globs, or - for JSON Lines on stdin"),
    max_article_bytes: int = typer.Option(10 * 1024 * 1024, min=1, envvar="STORYLINE_MAX_ARTICLE_BYTES",
                                          help="Skip articles larger than this"),
    max_file_bytes: int = typer.Option(512 * 1024 * 1024, min=1, envvar="STORYLINE_MAX_FILE_BYTES",
                                       help="Skip input files (and feeds) larger than this"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
    prefetch: bool = typer.Option(True, "--prefetch/--no-prefetch", help="Run the models of the next batch in "
                                  "a worker process while this one is stored (same results, both cores)"),
):
    """Read articles, store each once, link near-copies, and run enrichment and event clustering."""
    from storyline.ingest.readers import expand_inputs, read_path
    from storyline.runner import ingest as run_ingest

    store = open_store()
    files = list(expand_inputs(paths))
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, disable=as_json or not err_console.is_terminal) as bar:
        task = bar.add_task("ingesting", total=len(files))

        def items():
            for path in files:
                bar.update(task, description=f"{str(path)[-40:]}")
                yield from read_path(path, max_bytes=max_article_bytes, max_file_bytes=max_file_bytes)
                bar.advance(task)

        summary = run_ingest(store, items(), prefetch=prefetch)
    if as_json:
        print_json(summary.to_json())
    else:
        for error in summary.errors:
            err_console.print(f"skipped: {error}", highlight=False, markup=False, soft_wrap=True)
        console.print(
            f"read {summary.read}, new {summary.new}, duplicates {summary.duplicates}, "
            f"copies {summary.copies}, failed {summary.failed}"
            + (f", empty {summary.empty}" if summary.empty else "")
        )
    if summary.failed:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- articles
@app.command()
def articles(
    limit: int = typer.Option(100, help="At most this many"),
    offset: int = typer.Option(0),
    source: Optional[str] = typer.Option(None, help="Only this outlet"),
    language: Optional[str] = typer.Option(None),
    since: Optional[str] = typer.Option(None, help="Published on or after (YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, help="Published on or before"),
    as_json: bool = typer.Option(False, "--json"),
):
    """List stored articles with source, date, language and copies."""
    store = open_store()
    rows = store.list_articles(limit=limit, offset=offset, source=source, language=language, since=since, until=until)
    if as_json:
        print_json([a.to_json() for a in rows])
        return
    copies = store.copy_counts()
    table = Table(title=f"{store.count_articles()} articles")
    for col in ("id", "source", "published", "lang", "copies", "title"):
        table.add_column(col, overflow="fold")
    for a in rows:
        date = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        copy_note = f"copy of {a.copy_of}" if a.copy_of else str(copies.get(a.id, 0))
        table.add_row(a.id, a.source or "—", date, a.language or "?", copy_note, shorten(a.title, 90))
    console.print(table)


@app.command()
def show(item_id: str = typer.Argument(..., help="An article id (or an event id once events exist)"),
         as_json: bool = typer.Option(False, "--json")):
    """Show one article in full (or one event)."""
    store = open_store()
    article = store.get_article(item_id)
    if article is None:
        try:
            from storyline.cluster.views import show_event
        except ImportError:
            show_event = None
        if show_event is not None and show_event(store, item_id, as_json=as_json, console=console):
            return
        err_console.print(f"error: no article or event with id {item_id!r}")
        raise typer.Exit(1)
    if as_json:
        data = article.to_json()
        data["metadata"] = article.metadata
        print_json(data)
        return
    console.rule(article.title or article.id)
    console.print(f"[bold]id[/bold] {article.id}   [bold]source[/bold] {article.source or '—'}   "
                  f"[bold]published[/bold] {article.published or '—'}   [bold]language[/bold] {article.language or '?'}")
    if article.url:
        console.print(f"[bold]url[/bold] {article.url}", markup=True, highlight=False)
    if article.copy_of:
        console.print(f"[bold]copy of[/bold] {article.copy_of}")
    console.print()
    console.print(article.text, markup=False, highlight=False)


@app.command()
def search(query: str = typer.Argument(...), limit: int = typer.Option(20), offset: int = typer.Option(0),
           as_json: bool = typer.Option(False, "--json")):
    """Full-text search (diacritics folded, Dutch word forms matched by lemma)."""
    store = open_store()
    try:
        hits = store.search(query, limit=limit, offset=offset)
    except ValueError as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    if as_json:
        print_json([a.to_json() for a, _, _ in hits])
        return
    table = Table(title=f"{len(hits)} results for {query!r}")
    for col in ("id", "source", "published", "title", "match"):
        table.add_column(col, overflow="fold")
    for a, _, snippet in hits:
        table.add_row(a.id, a.source or "—", a.published or "—", shorten(a.title, 70), snippet)
    console.print(table)


@app.command()
def export(fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File (default stdout)")):
    """Export all articles in the JSON contract, as JSON Lines or CSV."""
    if fmt not in ("jsonl", "csv"):
        err_console.print("error: --format must be jsonl or csv")
        raise typer.Exit(2)
    store = open_store()
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        fields = ["id", "source", "url", "title", "published", "language", "text", "copy_of"]
        writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for article in store.iter_articles_in_order():
            record = article.to_json()
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()


# Each stage keeps its own commands next to its code (storyline/<stage>/cli.py) and
# registers them on `app` / `eval_app` when imported here.
def _register_stage_commands() -> None:
    import importlib

    for module in ("storyline.cluster.cli", "storyline.enrich.cli", "storyline.summarize.cli",
                   "storyline.api.cli", "storyline.bench.cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise


_register_stage_commands()

if __name__ == "__main__":
    app()
