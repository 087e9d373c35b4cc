"""Rendering of events and storylines for the CLI (the API can use ``storyline.store.events`` directly)."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from storyline.ingest.normalize import shorten as short
from storyline.store import events as q


def show_event(store, item_id: str, as_json: bool = False, console: Console | None = None) -> bool:
    """Print one event (``E12`` or ``12``) or storyline (``S3``); False if there is no such item."""
    console = console or Console()
    if not q.has_event_tables(store.conn):
        return False
    text = (item_id or "").strip()
    if text[:1] in ("S", "s"):
        sid = q.parse_storyline_id(text)
        storyline = q.get_storyline(store.conn, sid) if sid is not None else None
        if storyline is None:
            return False
        if as_json:
            _dump(storyline)
        else:
            print_timeline(store, storyline, console)
        return True
    eid = q.parse_event_id(text)
    event = q.get_event(store.conn, eid) if eid is not None else None
    if event is None or not event["articles"]:
        return False
    if as_json:
        _dump(event)
        return True
    console.rule(f"{event['id']}  {event['title'] or ''}")
    console.print(f"[bold]date[/bold] {event['date'] or '—'} ({event['date_precision'] or 'unknown'})   "
                  f"[bold]storyline[/bold] {event['storyline']}   "
                  f"[bold]independent sources[/bold] {event['independent_sources']}")
    table = Table()
    for col in ("article", "source", "date", "copy of", "title"):
        table.add_column(col, overflow="fold")
    for a in store.get_articles(event["articles"]):
        when = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        table.add_row(a.id, a.source or "—", when, a.copy_of or "", short(a.title, 90))
    console.print(table)
    return True


def events_table(events: list[dict], title: str) -> Table:
    table = Table(title=title)
    for col in ("id", "date", "articles", "sources", "storyline", "title"):
        table.add_column(col, overflow="fold")
    for e in events:
        date = e["date"] or "—"
        if e["date_precision"] not in (None, "day"):
            date += f" ({e['date_precision']})"
        table.add_row(e["id"], date, str(len(e["articles"])), str(e["independent_sources"]), e["storyline"] or "—",
                      short(e["title"], 80))
    return table


def print_timeline(store, storyline: dict, console: Console) -> None:
    console.rule(f"{storyline['id']}  {storyline['title'] or ''}  ({storyline['start'] or '?'} – "
                 f"{storyline['end'] or '?'})")
    for eid in storyline["events"]:
        e = q.get_event(store.conn, q.parse_event_id(eid))
        date = e["date"] or "undated"
        if e["date_precision"] not in (None, "day"):
            date += f" ({e['date_precision']})"
        console.print(f"  [bold]{date:>20}[/bold]  {e['id']:>6}  {short(e['title'], 80)}  "
                      f"[dim]{len(e['articles'])} article(s), {e['independent_sources']} source(s)[/dim]",
                      highlight=False)


def _dump(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
