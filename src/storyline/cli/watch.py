"""Live stream commands: ``watch`` (follow feeds, sitemaps and folders), ``alerts`` and ``follow``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from storyline.cli._app import (
    app, console, err_console, json_text, line, open_store, plain, print_json, settings, terminal_safe_json,
)
from storyline.cli.params import JSON
from storyline.errors import InputError
from storyline.read import MAX_ID


def _print_alert(alert: dict, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json_text(alert, indent=None) + "\n")
        sys.stdout.flush()
        return
    where = alert["storyline"] or alert["event"] or ""
    console.print(line(f"{alert['created_at']} ", (alert["kind"], "bold"), f" {where} ", alert["title"] or "", " ",
                       (alert["reason"] or "", "dim")), soft_wrap=True)


@app.command()
def watch(
    sources: Optional[list[str]] = typer.Argument(None, help="Feed or sitemap URLs and folders"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="A sources.toml: sources, outlets, languages, "
                                                                        "alert rules"),
    interval: Optional[float] = typer.Option(None, "--interval", min=0.01, show_default="600",
                                             help="Seconds between polls of a source (settings watch.interval_s)"),
    once: bool = typer.Option(False, "--once", help="Poll every source once, then exit"),
    replay: Optional[Path] = typer.Option(None, "--replay", help="Replay a JSON Lines corpus as a live stream from a "
                                                                 "local server, a simulated day per --day-seconds"),
    day_seconds: float = typer.Option(0.0, "--day-seconds", min=0, help="Replay: wall seconds per simulated day at "
                                                                        "least (0: as fast as the pipeline)"),
    exclude: Optional[Path] = typer.Option(None, "--exclude", help="Replay: a file of article ids to leave out"),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Replay: JSON Lines of id and publisher/source, "
                                                                   "for articles without an outlet"),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Replay: passes over the corpus, later ones with names "
                                                          "renamed (a long run for watching memory)"),
    as_json: bool = typer.Option(False, "--json", help="Alerts as JSON Lines on stdout"),
):
    """Follow sources until stopped (Ctrl-C or SIGTERM finish the current batch); alerts go to stdout."""
    from storyline.watch import Watcher, install_signal_handlers, load_sources, source_from_arg
    from storyline.watch.sources import WatchConfig

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    cfg = settings(watch={"interval_s": interval})
    if replay is not None:
        from storyline.watch.replay import replay_corpus

        def on_day(day: dict) -> None:  # progress: resident memory after each simulated day (its polls)
            err_console.print(f"{day['date']}: {day['articles']} articles, {len(day['alerts'])} alerts, "
                              f"RSS {day['rss_mb']} MB", markup=False, highlight=False)

        report = replay_corpus(open_store(cfg, write=True), replay, cfg, day_seconds=day_seconds, exclude=exclude,
                               outlets=outlets, repeat=repeat, on_alert=lambda a: _print_alert(a, as_json),
                               on_day=on_day)
        err_console.print(plain(report.describe()))
        if as_json:
            print_json(report.to_json())
        return
    base = load_sources(config) if config else WatchConfig(())
    extra = tuple(source_from_arg(s) for s in sources or ())
    watch_config = WatchConfig(base.sources + extra, base.rules)
    if not watch_config.sources:
        raise InputError("nothing to watch: give feed URLs or folders, or --config sources.toml")
    store = open_store(cfg, write=True)
    watcher = Watcher(store, watch_config, cfg, on_alert=lambda a: _print_alert(a, as_json),
                      emit=lambda text: (sys.stdout.write(terminal_safe_json(text) + "\n"), sys.stdout.flush()))
    restore = install_signal_handlers(watcher)

    def on_cycle(report) -> None:
        err_console.print(f"polled {report.polled} ({report.not_modified} unchanged), new items {report.new_items}, "
                          f"stored {report.stored}, alerts {len(report.alerts)}, failures {len(report.failures)}",
                          markup=False, highlight=False)

    try:
        watcher.run(max_cycles=1 if once else None, on_cycle=on_cycle)
    finally:
        restore()
        watcher.close()
        store.close()
    err_console.print("stopped", markup=False, highlight=False)


@app.command()
def alerts(since: Optional[str] = typer.Option(None, "--since", help="A span (24h, 7d) or an ISO date/time"),
           storyline: Optional[str] = typer.Option(None, "--storyline", help="Only this storyline (S3)"),
           limit: int = typer.Option(100, min=1, max=MAX_ID), as_json: bool = JSON):
    """List alerts (new stories, bursts, follows), newest first."""
    from storyline.alerts.service import list_alerts

    rows = list_alerts(open_store(), since=since, storyline=storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No alerts.")
    for alert in rows:
        _print_alert(alert, False)


@app.command()
def follow(storyline: Optional[str] = typer.Argument(None, help="A storyline id (S3)"),
           entity: Optional[str] = typer.Option(None, "--entity", help="An entity name or id instead"),
           remove: bool = typer.Option(False, "--remove", help="Stop following it"),
           show: bool = typer.Option(False, "--list", help="List what is followed"), as_json: bool = JSON):
    """Follow a storyline or an entity: its new events, quotes and disagreements raise alerts."""
    from storyline.alerts.service import follow as do_follow, list_follows, unfollow

    listing = show or (storyline is None and entity is None)
    store = open_store(write=not listing)
    if listing:
        rows = list_follows(store)
        if as_json:
            print_json(rows)
        else:
            for row in rows:
                console.print(plain(f"{row['kind']} {row['target']} {row['name'] or ''} since {row['since']}"))
            if not rows:
                console.print("Nothing followed.")
        return
    if remove:
        gone = unfollow(store, storyline=storyline, entity=entity)
        console.print("unfollowed" if gone else "was not followed")
        return
    row = do_follow(store, storyline=storyline, entity=entity)
    if as_json:
        print_json(row)
    else:
        console.print(plain(f"following {row['kind']} {row['target']} {row['name'] or ''}"))
