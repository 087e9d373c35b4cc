"""CLI: ``events``, ``storylines``, ``timeline``, ``eval clustering``, ``eval convert``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from storyline.cli import app, console, err_console, eval_app, open_store, print_json
from storyline.store import events as q


@app.command()
def events(limit: int = typer.Option(100, help="At most this many"), offset: int = typer.Option(0),
           storyline: Optional[str] = typer.Option(None, help="Only events of this storyline (S3)"),
           min_articles: int = typer.Option(1, help="Only events with at least this many articles"),
           as_json: bool = typer.Option(False, "--json")):
    """List events: articles reporting the same thing, with date, sources and storyline."""
    from storyline.cluster.views import events_table

    store = open_store()
    sid = None
    if storyline is not None:
        sid = q.parse_storyline_id(storyline)
        if sid is None:
            err_console.print(f"error: not a storyline id: {storyline!r} (expected e.g. S3)")
            raise typer.Exit(2)
    rows = q.list_events(store.conn, limit=limit, offset=offset, storyline_id=sid, min_articles=min_articles)
    if as_json:
        print_json(rows)
        return
    console.print(events_table(rows, f"{q.count_events(store.conn)} events"))


@app.command()
def storylines(limit: int = typer.Option(100), offset: int = typer.Option(0),
               as_json: bool = typer.Option(False, "--json")):
    """List storylines: events chained over weeks to months into one story."""
    from rich.table import Table

    store = open_store()
    rows = q.list_storylines(store.conn, limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} storylines")
    for col in ("id", "start", "end", "events", "title"):
        table.add_column(col, overflow="fold")
    for s in rows:
        table.add_row(s["id"], s["start"] or "—", s["end"] or "—", str(len(s["events"])), (s["title"] or "")[:80])
    console.print(table)


@app.command()
def timeline(storyline_id: Optional[str] = typer.Argument(None, help="A storyline id (S3); default all"),
             as_json: bool = typer.Option(False, "--json")):
    """Events of a storyline (or of every storyline) in date order."""
    store = open_store()
    if storyline_id is None:
        rows = q.list_storylines(store.conn)
    else:
        sid = q.parse_storyline_id(storyline_id)
        row = q.get_storyline(store.conn, sid) if sid is not None else None
        if row is None:
            err_console.print(f"error: no storyline with id {storyline_id!r}")
            raise typer.Exit(1)
        rows = [row]
    if as_json:
        print_json([{**s, "events": [q.get_event(store.conn, q.parse_event_id(e)) for e in s["events"]]}
                    for s in rows])
        return
    from storyline.cluster.views import print_timeline

    for s in rows:
        print_timeline(store, s, console)


@eval_app.command("clustering")
def eval_clustering(gold: Path = typer.Argument(..., help="JSON Lines: article records plus 'event' (and 'storyline')"),
                    cluster_only: bool = typer.Option(False, help="Run only the cluster stage (skip enrichment)"),
                    event_threshold: Optional[float] = typer.Option(
                        None, min=0.01, max=0.99,
                        help="Join threshold for same-day reports in this run (default: the tuned one in "
                             "cluster/params.py); pairs whose dates say nothing keep at least "
                             "params.EVENT_THRESHOLD_UNDATED"),
                    orders: int = typer.Option(
                        1, min=1, max=50,
                        help="Arrival orders to average over (same-day articles shuffled): means and spread"),
                    as_json: bool = typer.Option(False, "--json")):
    """Cluster gold articles online in a temporary store; pairwise and BCubed scores for events and storylines."""
    from storyline.cluster import params
    from storyline.cluster.online import undated_threshold
    from storyline.eval.clustering import GoldError, evaluate_orders

    shipped = params.EVENT_THRESHOLD
    if event_threshold is not None:
        params.EVENT_THRESHOLD = event_threshold  # read by every clusterer built during this evaluation
    try:
        result = evaluate_orders(gold, orders, cluster_only=cluster_only)
        result["event_threshold"] = params.EVENT_THRESHOLD
        result["event_threshold_undated"] = undated_threshold(params.EVENT_THRESHOLD)  # what this run's clusterers used
        result["undated_pair_threshold"] = params.UNDATED_PAIR_THRESHOLD
    except GoldError as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    finally:
        params.EVENT_THRESHOLD = shipped  # the library in this process keeps the tuned value
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    runs = f", mean of {orders} arrival orders" if orders > 1 else ""
    table = Table(title=f"{gold.name}: {result['articles']} articles, {result['articles_per_s']} articles/s{runs}")
    for col in ("level", "pairwise P", "pairwise R", "pairwise F1", "BCubed P", "BCubed R", "BCubed F1",
                "clusters", "gold"):
        table.add_column(col)
    for level in ("events", "storylines"):
        m = result[level]
        if m is None:
            continue
        table.add_row(level, *(f"{m['pairwise'][k]:.3f}" for k in ("p", "r", "f1")),
                      *(f"{m['bcubed'][k]:.3f}" for k in ("p", "r", "f1")), str(m["clusters"]), str(m["gold_clusters"]))
    console.print(table)
    if result.get("spread"):
        spread = ", ".join(f"{k} {v:.3f}" for k, v in result["spread"].items())
        console.print(f"standard deviation over orders: {spread}")


@eval_app.command("convert")
def eval_convert(corpus: str = typer.Argument(..., help="ecbplus, meantime or dpg (the project's silver event labels)"),
                 path: Path = typer.Argument(..., help="The corpus folder (e.g. ../shared/data/ecbplus)"),
                 split: str = typer.Option("test", help="ECB+: train, dev, test or all; dpg: dev, test or all"),
                 languages: str = typer.Option("en,nl", help="MEANTIME: languages, comma-separated"),
                 output: Optional[Path] = typer.Option(None, "-o", "--output", help="File (default stdout)")):
    """Convert a gold corpus into clustering GOLD JSON Lines (article records plus 'event' and 'storyline')."""
    from storyline.eval import dpg, ecbplus, meantime

    try:
        if corpus == "ecbplus":
            records = list(ecbplus.convert(path, split))
        elif corpus == "meantime":
            records = list(meantime.convert(path, tuple(x.strip() for x in languages.split(",") if x.strip())))
        elif corpus == "dpg":
            records = list(dpg.convert(path, split))
        else:
            err_console.print(f"error: unknown corpus {corpus!r}; use ecbplus, meantime or dpg")
            raise typer.Exit(2)
    except (FileNotFoundError, ValueError) as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if output:
        err_console.print(f"wrote {len(records)} records to {output}")
