"""Reading commands: articles, show, search, events, storylines, timeline, summary, entities, quotes, figures,
disagreements, positions. Each parses its options, calls :mod:`storyline.read` and renders the result."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from storyline import read
from storyline.cli._app import app, console, open_store, print_json
from storyline.cli.params import EVENT, JSON, STORYLINE
from storyline.ingest.normalize import shorten
from storyline.read import ArticleDetailJSON, EventJSON, StorylineEventsJSON, StorylineJSON
from storyline.store import Store


def _cell(text: str | None) -> str:
    """Article text shown in a table: literal, never read as Rich markup."""
    return escape(text or "")


# --------------------------------------------------------------------------- articles
@app.command()
def articles(
    limit: int = typer.Option(100, help="At most this many"),
    offset: int = typer.Option(0),
    source: Optional[str] = typer.Option(None, help="Only this outlet"),
    language: Optional[str] = typer.Option(None),
    since: Optional[str] = typer.Option(None, help="Published on or after (YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, help="Published on or before"),
    as_json: bool = JSON,
):
    """List stored articles with source, date, language and copies."""
    store = open_store()
    rows = read.list_articles(store, limit=limit, offset=offset, source=source, language=language, since=since,
                              until=until)
    if as_json:
        print_json(rows)
        return
    copies = read.copy_counts(store)
    table = Table(title=f"{read.count_articles(store)} articles")
    for col in ("id", "source", "published", "lang", "copies", "title"):
        table.add_column(col, overflow="fold")
    for a in store.get_articles([r.id for r in rows]):
        date = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        copy_note = f"copy of {a.copy_of}" if a.copy_of else str(copies.get(a.id, 0))
        table.add_row(_cell(a.id), _cell(a.source or "—"), date, a.language or "?", _cell(copy_note),
                      _cell(shorten(a.title, 90)))
    console.print(table)


@app.command()
def show(item_id: str = typer.Argument(..., help="An article id, an event id (E12) or a storyline id (S3)"),
         as_json: bool = JSON):
    """Show one article in full, or one event, or one storyline."""
    store = open_store()
    item = read.show(store, item_id)
    if as_json:
        print_json(item)
    elif isinstance(item, ArticleDetailJSON):
        _print_article(store, item)
    elif isinstance(item, EventJSON):
        _print_event(store, item)
    else:
        _print_timeline(store, item)


def _print_article(store: Store, article: ArticleDetailJSON) -> None:
    console.rule(_cell(article.title or article.id))
    console.print(f"[bold]id[/bold] {_cell(article.id)}   [bold]source[/bold] {_cell(article.source or '—')}   "
                  f"[bold]published[/bold] {article.published or '—'}   "
                  f"[bold]language[/bold] {_cell(article.language or '?')}")
    if article.url:
        console.print(f"[bold]url[/bold] {_cell(article.url)}", highlight=False)
    if article.copy_of:
        console.print(f"[bold]copy of[/bold] {_cell(article.copy_of)}")
    console.print()
    console.print(article.text, markup=False, highlight=False)


def _print_event(store: Store, event: EventJSON) -> None:
    console.rule(f"{event.id}  {_cell(event.title)}")
    console.print(f"[bold]date[/bold] {event.date or '—'} ({event.date_precision or 'unknown'})   "
                  f"[bold]storyline[/bold] {event.storyline}   "
                  f"[bold]independent sources[/bold] {event.independent_sources}")
    table = Table()
    for col in ("article", "source", "date", "copy of", "title"):
        table.add_column(col, overflow="fold")
    for a in store.get_articles(event.articles):
        when = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        table.add_row(_cell(a.id), _cell(a.source or "—"), when, _cell(a.copy_of), _cell(shorten(a.title, 90)))
    console.print(table)


def _print_timeline(store: Store, line: StorylineJSON | StorylineEventsJSON) -> None:
    console.rule(f"{line.id}  {_cell(line.title)}  ({line.start or '?'} – {line.end or '?'})")
    events = line.events if isinstance(line, StorylineEventsJSON) else [read.get_event(store, e) for e in line.events]
    for e in events:
        date = e.date or "undated"
        if e.date_precision not in (None, "day"):
            date += f" ({e.date_precision})"
        console.print(f"  [bold]{date:>20}[/bold]  {e.id:>6}  {_cell(shorten(e.title, 80))}  "
                      f"[dim]{len(e.articles)} article(s), {e.independent_sources} source(s)[/dim]",
                      highlight=False)


@app.command()
def search(query: str = typer.Argument(...), limit: int = typer.Option(20), offset: int = typer.Option(0),
           as_json: bool = JSON):
    """Full-text search (diacritics folded, Dutch word forms matched by lemma)."""
    hits = read.search(open_store(), query, limit=limit, offset=offset)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    table = Table(title=f"{len(hits)} results for {_cell(repr(query))}")
    for col in ("id", "source", "published", "title", "match"):
        table.add_column(col, overflow="fold")
    for h in hits:
        a = h.article
        table.add_row(_cell(a.id), _cell(a.source or "—"), a.published or "—", _cell(shorten(a.title, 70)),
                      _cell(h.snippet))
    console.print(table)


# --------------------------------------------------------------------------- events and storylines
@app.command()
def events(limit: int = typer.Option(100, help="At most this many"), offset: int = typer.Option(0),
           storyline: Optional[int] = STORYLINE,
           min_articles: int = typer.Option(1, help="Only events with at least this many articles"),
           as_json: bool = JSON):
    """List events: articles reporting the same thing, with date, sources and storyline."""
    store = open_store()
    rows = read.list_events(store, limit=limit, offset=offset, storyline=storyline, min_articles=min_articles)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{read.count_events(store)} events")
    for col in ("id", "date", "articles", "sources", "storyline", "title"):
        table.add_column(col, overflow="fold")
    for e in rows:
        date = e.date or "—"
        if e.date_precision not in (None, "day"):
            date += f" ({e.date_precision})"
        table.add_row(e.id, date, str(len(e.articles)), str(e.independent_sources), e.storyline or "—",
                      _cell(shorten(e.title, 80)))
    console.print(table)


@app.command()
def storylines(limit: int = typer.Option(100), offset: int = typer.Option(0), as_json: bool = JSON):
    """List storylines: events chained over weeks to months into one story."""
    rows = read.list_storylines(open_store(), limit=limit, offset=offset, order="start")
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} storylines")
    for col in ("id", "start", "end", "events", "title"):
        table.add_column(col, overflow="fold")
    for s in rows:
        table.add_row(s.id, s.start or "—", s.end or "—", str(len(s.events)), _cell((s.title or "")[:80]))
    console.print(table)


@app.command()
def timeline(storyline_id: Optional[str] = typer.Argument(None, help="A storyline id (S3); default all"),
             as_json: bool = JSON):
    """Events of a storyline (or of every storyline) in date order."""
    store = open_store()
    lines = read.storyline_events(store, storyline_id)
    if as_json:
        print_json(lines)
        return
    for line in lines:
        _print_timeline(store, line)


@app.command()
def summary(event: str = typer.Argument(..., help="An event id (E12)"),
            sentences: Optional[int] = typer.Option(None, min=1, max=10, help="How many (default 3–5 by outlets)"),
            as_json: bool = JSON):
    """The cited summary of one event: sentences from its articles, each with article id and outlet."""
    result = read.summary(open_store(), event, max_sentences=sentences)
    if as_json:
        print_json(result)
        return
    for i, s in enumerate(result, 1):
        console.print(f"{i}. {_cell(s.sentence)} [dim]\\[{_cell(s.source or 'unknown')} · {_cell(s.article)}][/dim]",
                      highlight=False)


# --------------------------------------------------------------------------- entities, quotes, figures
@app.command()
def entities(
    event: Optional[int] = EVENT,
    storyline: Optional[int] = STORYLINE,
    article: Optional[str] = typer.Option(None, "--article", help="Only entities of this article"),
    type_: Optional[str] = typer.Option(None, "--type", help="PER, LOC, ORG or MISC"),
    limit: int = typer.Option(50, help="At most this many (most mentioned first)"),
    offset: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records"),
):
    """People, places, organisations: one entity per real thing, with its spelling variants."""
    rows = read.list_entities(open_store(), type=type_, event=event, storyline=storyline, article=article,
                              limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    scope = f" in event {event}" if event is not None else f" in storyline {storyline}" if storyline is not None else ""
    table = Table(title=f"{len(rows)} entities{scope}")
    for col in ("id", "name", "type", "mentions", "articles", "variants", "where"):
        table.add_column(col, overflow="fold")
    for e in rows:
        where = f"{e.country or ''} {e.lat:.2f},{e.lon:.2f}" if e.lat is not None else (e.country or "")
        others = [v for v in e.variants if v != e.name]
        table.add_row(str(e.id), _cell(e.name), e.type, str(e.mentions), str(len(e.articles)),
                      _cell(", ".join(others)), _cell(where.strip()))
    console.print(table)


@app.command()
def quotes(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
           limit: int = typer.Option(200, help="At most this many"), as_json: bool = JSON):
    """Who said what: quotations with their speaker and every article that reports them."""
    rows = read.list_quotes(open_store(), event=event, storyline=storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} quotes")
    for col in ("id", "speaker", "kind", "quote", "articles"):
        table.add_column(col, overflow="fold")
    for q in rows:
        table.add_row(str(q.id), _cell(q.speaker or "—"), q.kind, _cell(q.text[:160]), _cell("\n".join(q.articles)))
    console.print(table)


@app.command()
def figures(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
            limit: int = typer.Option(500, help="At most this many"), as_json: bool = JSON,
            all_figures: bool = typer.Option(False, "--all", help="Also figures read with low confidence")):
    """Reported numbers: what they count, qualifier, unit, who reported them and as of when."""
    rows = read.list_figures(open_store(), event=event, storyline=storyline, limit=limit, all_figures=all_figures)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} figures")
    for col in ("id", "category", "what", "value", "qualifier", "unit", "reported by", "as of", "article"):
        table.add_column(col, overflow="fold")
    for f in rows:
        value = _number(f.value) if f.value is not None else f"{_number(f.low)}–{_number(f.high)}"
        by = f.reported_by or "—"
        if f.reporter_type == "OUTLET":
            by = f"{by} (outlet)"
        table.add_row(str(f.id), _cell(f.category or "—"), _cell(f.what), value, _cell(f.qualifier), _cell(f.unit),
                      _cell(by), f.as_of or "—", _cell(f.article))
    console.print(table)


@app.command()
def disagreements(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE, as_json: bool = JSON):
    """Where sources disagree: the same figure reported with materially different values."""
    rows = read.list_disagreements(open_store(), event=event, storyline=storyline)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} disagreements")
    for col in ("id", "what", "values and sources", "sentences", "articles"):
        table.add_column(col, overflow="fold")
    for d in rows:
        pairs = "\n".join(f"{_value(v)} — {s}" for v, s in zip(d.values, d.sources))
        table.add_row(str(d.id), _cell(d.what), _cell(pairs), _cell("\n".join(d.sentences)),
                      _cell("\n".join(d.articles)))
    console.print(table)


@app.command()
def positions(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
              limit: int = typer.Option(500, help="At most this many"), as_json: bool = JSON):
    """What each actor demands, offers, accepts or rejects, over time."""
    rows = read.list_positions(open_store(), event=event, storyline=storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} positions")
    for col in ("date", "actor", "stance", "object", "article"):
        table.add_column(col, overflow="fold")
    for p in rows:
        table.add_row(p.date or "—", _cell(p.actor), p.stance, _cell(p.object[:120]), _cell(p.articles[0]))
    console.print(table)


def _number(v: float | None) -> str:
    if v is None:
        return "?"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _value(v) -> str:
    if isinstance(v, list):
        return f"{_number(v[0])}–{_number(v[1])}"
    return _number(v)
