"""Writing and exporting: ``ingest`` (files, feeds, stdin into the store) and ``export``."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from dataclasses import replace
from typing import Iterable, Optional

import typer

from storyline import read
from storyline.cli._app import app, console, err_console, json_text, open_store, print_json, progress, settings
from storyline.cli._text import plain, sanitize
from storyline.errors import InputError
from storyline.records import Article
from storyline.settings import Settings
from storyline.store import Store


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories, globs, or - for JSON Lines on stdin"),
    max_article_bytes: Optional[int] = typer.Option(None, min=1, show_default="10 MiB",
                                                    help="Skip articles larger than this "
                                                         "(env STORYLINE_MAX_ARTICLE_BYTES)"),
    max_file_bytes: Optional[int] = typer.Option(None, min=1, show_default="512 MiB",
                                                 help="Skip input files (and feeds) larger than this "
                                                      "(env STORYLINE_MAX_FILE_BYTES)"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
    prefetch: Optional[bool] = typer.Option(None, "--prefetch/--no-prefetch", show_default="prefetch",
                                            help="Run the models of the next batch in a worker process while "
                                                 "this one is stored (same results, both cores)"),
    source: Optional[str] = typer.Option(None, "--source", help="Outlet of records that name none (neither a "
                                                                "source field nor a URL), e.g. for a publisher's dump"),
    workers: Optional[int] = typer.Option(None, "--workers", min=0, help="Run the models and per-article stages on "
                                          "a local Dask cluster of N worker processes (env STORYLINE_DASK__WORKERS)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:PORT",
                                            help="Use a running Dask scheduler (env STORYLINE_SCHEDULER)"),
):
    """Read articles, store each once, link near-copies, and run enrichment and event clustering.

    One ingest drives a database at a time (a second one is refused, E308); with --workers or --scheduler the
    models run on Dask workers and this process stores, clusters and links, in arrival order (same results)."""
    from storyline.ingest.readers import expand_inputs, read_path

    config = settings(ingest={"max_article_bytes": max_article_bytes, "max_file_bytes": max_file_bytes,
                              "prefetch": prefetch}, dask={"workers": workers, "scheduler": scheduler})
    store = open_store(config, write=True)
    files = list(expand_inputs(paths))
    with progress(disable=as_json, spinner=True) as bar:
        task = bar.add_task("ingesting", total=len(files))

        def items():
            for path in files:
                bar.update(task, description=sanitize(str(path)[-40:], single_line=True))
                for item in read_path(path, max_bytes=config.ingest.max_article_bytes,
                                      max_file_bytes=config.ingest.max_file_bytes):
                    yield with_default_source(item, source)
                bar.advance(task)

        summary = run_ingest(store, items(), config)
    if as_json:
        print_json(summary.to_json())
    else:
        for error in summary.errors:
            # One line per skipped item: a newline in a file name must not forge a line of the summary.
            err_console.print(plain(f"skipped: {error}", single_line=True), soft_wrap=True)
        for warning in summary.warnings:
            err_console.print(plain(f"warning: {warning}", single_line=True), soft_wrap=True)
        console.print(plain(
            f"read {summary.read}, new {summary.new}, duplicates {summary.duplicates}, "
            f"copies {summary.copies}, failed {summary.failed}"
            + (f", empty {summary.empty}" if summary.empty else "")
        ))
    if summary.failed:
        raise typer.Exit(1)


def with_default_source(item, source: str | None):
    """The article with ``source`` as its outlet when its record named none (read errors pass through)."""
    if source and isinstance(item, Article) and not item.source:
        return replace(item, source=source.strip())
    return item


def run_ingest(store: Store, items: Iterable, config: Settings):
    """Store, enrich and cluster ``items``; returns the ingest summary (read, new, duplicates, ...)."""
    # Imported here: the models' modules take seconds to load, and only ingest needs them.
    from storyline.runner import ingest

    return ingest(store, items, settings=config)


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(…), @SUM(…), +cmd|…). OWASP's
# advice: prefix such a cell with a single quote, so it is shown as text; the value is otherwise unchanged.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """``value`` safe for a spreadsheet and a terminal: control characters (ESC, BEL, C1, bidi overrides) become
    visible stand-ins as in every listing (newlines and tabs stay), and text that would start a formula gets a
    leading ``'``. (JSON Lines keeps the values exact, with such characters as ``\\u`` escapes.)"""
    if not isinstance(value, str):
        return value
    value = sanitize(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


@app.command()
def export(fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File (default stdout)")):
    """Export all articles in the JSON contract, as JSON Lines or CSV."""
    if fmt not in ("jsonl", "csv"):
        raise InputError("--format must be jsonl or csv")
    store = open_store()
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        fields = ["id", "source", "url", "title", "published", "language", "text", "copy_of", "genre"]
        writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for article in read.export_articles(store):
            record = article.model_dump()
            if writer:
                writer.writerow({key: csv_cell(value) for key, value in record.items()})
            else:
                out.write(json_text(record, indent=None) + "\n")
    finally:
        if output:
            out.close()
