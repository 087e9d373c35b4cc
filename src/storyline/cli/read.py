"""Reading commands: articles, show, search, events, storylines, timeline, summary, entities, quotes, figures,
disagreements, developments, positions. Each parses its options, calls :mod:`storyline.read` and renders the result."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from storyline import read
from storyline.cli._app import app, console, err_console, json_text, open_store, print_json, settings
from storyline.cli._text import line, plain
from storyline.cli.params import EVENT, JSON, STORYLINE
from storyline.ingest.normalize import shorten
from storyline.read import MAX_ID, ArticleDetailJSON, EventJSON, StorylineEventsJSON, StorylineJSON, pages
from storyline.store import Store


def _cell(value) -> Text:
    """Anything shown in a table: literal, sanitised text (see :mod:`storyline.cli._text`)."""
    return plain("" if value is None else value)


TABLE_ROWS = 100  # a table shows this many unless --limit says otherwise; --json and --jsonl give every record
LIMIT = typer.Option(None, "--limit", min=0, max=MAX_ID,
                     help=f"At most this many (default: {TABLE_ROWS} in a table, every record with --json/--jsonl)")
JSONL = typer.Option(False, "--jsonl", help="Print one JSON record a line, streamed (every record unless --limit)")
SORT = typer.Option("date", "--sort", help="date (oldest first), size (articles), recent (newest first) or "
                                           "sources (independent outlets)")


def _shown(limit: int | None, machine: bool) -> int | None:
    """How many records to read: as asked, else all for a program (JSON), else a screenful."""
    return limit if limit is not None else (None if machine else TABLE_ROWS)


def _machine(rows, as_json: bool, as_jsonl: bool) -> bool:
    """Print ``rows`` as JSON (an array) or JSON Lines; False when a table is wanted."""
    if as_jsonl:
        for row in rows:
            sys.stdout.write(json_text(row, indent=None) + "\n")
        return True
    if as_json:
        print_json(rows)
        return True
    return False


def _showing(shown: int, total: int, what: str, offset: int = 0) -> str:
    """The title of a table: "showing 100 of 1,264 events" (or "1,264 events" when all are shown)."""
    if shown >= total and offset == 0:
        return f"{total:,} {what}"
    if offset == 0:
        return f"showing {shown:,} of {total:,} {what}"
    return f"showing {offset + 1 if shown else offset:,}–{offset + shown:,} of {total:,} {what}"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=plain(title))
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


# --------------------------------------------------------------------------- articles
@app.command()
def articles(
    limit: Optional[int] = LIMIT,
    offset: int = typer.Option(0, min=0, max=MAX_ID),
    source: Optional[str] = typer.Option(None, help="Only this outlet"),
    language: Optional[str] = typer.Option(None),
    since: Optional[str] = typer.Option(None, help="Published on or after (YYYY-MM-DD)"),
    until: Optional[str] = typer.Option(None, help="Published on or before"),
    as_json: bool = JSON, as_jsonl: bool = JSONL,
):
    """List stored articles with source, date, language and copies."""
    store = open_store()
    rows = read.list_articles(store, limit=_shown(limit, as_json or as_jsonl), offset=offset, source=source,
                              language=language, since=since, until=until)
    if _machine(rows, as_json, as_jsonl):
        return
    copies = read.copy_counts(store)
    filtered = any((source, language, since, until))
    total = (len(read.list_articles(store, limit=None, source=source, language=language, since=since, until=until))
             if filtered else read.count_articles(store))
    table = _table(_showing(len(rows), total, "articles", offset), "id", "source", "published", "lang", "copies",
                   "title")
    for a in store.get_articles([r.id for r in rows]):
        date = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        copy_note = f"copy of {a.copy_of}" if a.copy_of else str(copies.get(a.id, 0))
        table.add_row(_cell(a.id), _cell(a.source or "—"), _cell(date), _cell(a.language or "?"), _cell(copy_note),
                      _cell(shorten(a.title, 90)))
    console.print(table)


@app.command()
def show(item_id: str = typer.Argument(..., help="An event id (E12), a storyline id (S3) or an article id; "
                                                 "article:ID, event:ID, storyline:ID choose the kind"),
         as_json: bool = JSON):
    """Show one article in full, or one event, or one storyline.

    E12 and S3 name the event and storyline; an article whose id looks like that is shown with
    article:E12. Any other id names an article (a bare number: else the event). When an id names
    more than one thing, a note on stderr says how to reach the others.
    """
    store = open_store()
    item = read.show(store, item_id)
    others = read.show_alternatives(store, item_id)
    if others:
        err_console.print(plain(f"note: {item_id!r} also names {' and '.join(others)}: "
                                + "; ".join(f"storyline show {o}" for o in others)), soft_wrap=True)
    if as_json:
        print_json(item)
    elif isinstance(item, ArticleDetailJSON):
        _print_article(store, item)
    elif isinstance(item, EventJSON):
        _print_event(store, item)
    else:
        _print_timeline(store, item)


def _print_article(store: Store, article: ArticleDetailJSON) -> None:
    console.rule(plain(article.title or article.id, single_line=True))
    console.print(line(("id", "bold"), " ", article.id, "   ", ("source", "bold"), " ", article.source or "—", "   ",
                       ("published", "bold"), " ", article.published or "—", "   ",
                       ("language", "bold"), " ", article.language or "?", "   ",
                       ("genre", "bold"), " ", article.genre or "—"))
    if article.url:
        console.print(line(("url", "bold"), " ", article.url))
    if article.copy_of:
        console.print(line(("copy of", "bold"), " ", article.copy_of))
    console.print()
    console.print(plain(article.text))


def _print_event(store: Store, event: EventJSON) -> None:
    if event.requested:
        console.print(line((event.requested, "bold"), f" merged into {event.id}"))
    console.rule(plain(f"{event.id}  {event.title or ''}", single_line=True))
    console.print(line(("date", "bold"), f" {event.date or '—'} ({event.date_precision or 'unknown'})   ",
                       ("storyline", "bold"), f" {event.storyline or '—'}   ",
                       ("independent sources", "bold"), f" {event.independent_sources}"))
    table = _table("", "article", "source", "date", "copy of", "title")
    for a in store.get_articles(event.articles):
        when = a.published or (f"~{a.estimated_date}" if a.estimated_date else "—")
        table.add_row(_cell(a.id), _cell(a.source or "—"), _cell(when), _cell(a.copy_of), _cell(shorten(a.title, 90)))
    console.print(table)
    if event.merged:
        console.print(line(("merged into it", "bold"), " ", ", ".join(event.merged)))
    if event.commentary:
        comments = _table("commentary", "article", "genre", "source", "title")
        for c in event.commentary:
            comments.add_row(_cell(c["id"]), _cell(c.get("genre") or "—"), _cell(c.get("source") or "—"),
                             _cell(shorten(c.get("title"), 80)))
        console.print(comments)


def _print_timeline(store: Store, storyline: StorylineJSON | StorylineEventsJSON) -> None:
    console.rule(plain(f"{storyline.id}  {storyline.title or ''}  ({storyline.start or '?'} – {storyline.end or '?'})",
                       single_line=True))
    events = (storyline.events if isinstance(storyline, StorylineEventsJSON)
              else [read.get_event(store, e) for e in storyline.events])
    for e in events:
        date = e.date or "undated"
        if e.date_precision not in (None, "day"):
            date += f" ({e.date_precision})"
        console.print(line("  ", (f"{date:>20}", "bold"), f"  {e.id:>6}  ", shorten(e.title, 80), "  ",
                           (f"{len(e.articles)} article(s), {e.independent_sources} source(s)", "dim")))


@app.command()
def search(query: str = typer.Argument(...), limit: int = typer.Option(20, min=0, max=MAX_ID),
           offset: int = typer.Option(0, min=0, max=MAX_ID),
           as_json: bool = JSON):
    """Full-text search (diacritics folded, Dutch word forms matched by lemma)."""
    hits = read.search(open_store(), query, limit=limit, offset=offset)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    table = _table(f"{len(hits)} results for {query!r}", "id", "source", "published", "title", "match")
    for h in hits:
        a = h.article
        table.add_row(_cell(a.id), _cell(a.source or "—"), _cell(a.published or "—"), _cell(shorten(a.title, 70)),
                      _cell(h.snippet))
    console.print(table)


# --------------------------------------------------------------------------- events and storylines
@app.command()
def events(limit: Optional[int] = LIMIT,
           offset: int = typer.Option(0, min=0, max=MAX_ID),
           storyline: Optional[int] = STORYLINE,
           min_articles: int = typer.Option(1, min=0, max=MAX_ID, help="Only events with at least this many articles"),
           sort: str = SORT,
           as_json: bool = JSON, as_jsonl: bool = JSONL):
    """List events: articles reporting the same thing, with date, sources and storyline."""
    store = open_store()
    rows, total = pages.event_listing(store, sort=sort, limit=_shown(limit, as_json or as_jsonl), offset=offset,
                                      storyline=storyline, min_articles=min_articles)
    if _machine(rows, as_json, as_jsonl):
        return
    table = _table(_showing(len(rows), total, "events", offset), "id", "date", "articles", "sources", "storyline",
                   "title")
    for e in rows:
        date = e.date or "—"
        if e.date_precision not in (None, "day"):
            date += f" ({e.date_precision})"
        table.add_row(_cell(e.id), _cell(date), _cell(len(e.articles)), _cell(e.independent_sources),
                      _cell(e.storyline or "—"), _cell(shorten(e.title, 80)))
    console.print(table)


@app.command()
def storylines(limit: Optional[int] = LIMIT, offset: int = typer.Option(0, min=0, max=MAX_ID), sort: str = SORT,
               as_json: bool = JSON, as_jsonl: bool = JSONL):
    """List storylines: events chained over weeks to months into one story."""
    rows, total = pages.storyline_listing(open_store(), sort=sort, limit=_shown(limit, as_json or as_jsonl),
                                          offset=offset)
    if _machine(rows, as_json, as_jsonl):
        return
    table = _table(_showing(len(rows), total, "storylines", offset), "id", "start", "end", "events", "title")
    for s in rows:
        table.add_row(_cell(s.id), _cell(s.start or "—"), _cell(s.end or "—"), _cell(len(s.events)),
                      _cell((s.title or "")[:80]))
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
    for story in lines:
        _print_timeline(store, story)


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
        console.print(line(f"{i}. ", s.sentence, " ", (f"[{s.source or 'unknown'} · {s.article}]", "dim")))


# --------------------------------------------------------------------------- entities, quotes, figures
@app.command()
def entities(
    event: Optional[int] = EVENT,
    storyline: Optional[int] = STORYLINE,
    article: Optional[str] = typer.Option(None, "--article", help="Only entities of this article"),
    type_: Optional[str] = typer.Option(None, "--type", help="PER, LOC, ORG or MISC"),
    limit: Optional[int] = LIMIT,
    offset: int = typer.Option(0, min=0, max=MAX_ID),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records"), as_jsonl: bool = JSONL,
    all_: bool = typer.Option(False, "--all", help="Also entities linked with little evidence (below settings "
                                                    "enrich.entity_min_confidence)"),
):
    """People, places, organisations (most mentioned first): one entity per real thing, with its spelling variants."""
    config = settings()
    every = read.list_entities(open_store(config), type=type_, event=event, storyline=storyline, article=article,
                               limit=None, min_confidence=0.0 if all_ else config.enrich.entity_min_confidence)
    shown = _shown(limit, as_json or as_jsonl)
    rows = every[offset:offset + shown] if shown is not None else every[offset:]
    if _machine(rows, as_json, as_jsonl):
        return
    scope = (f" in event E{event}" if event is not None
             else f" in storyline S{storyline}" if storyline is not None else "")
    table = _table(_showing(len(rows), len(every), "entities", offset) + scope, "id", "name", "type", "mentions",
                   "articles", "variants", "where")
    for e in rows:
        where = f"{e.country or ''} {e.lat:.2f},{e.lon:.2f}" if e.lat is not None else (e.country or "")
        others = [v for v in e.variants if v != e.name]
        table.add_row(_cell(e.id), _cell(e.name), _cell(e.type), _cell(e.mentions), _cell(len(e.articles)),
                      _cell(", ".join(others)), _cell(where.strip()))
    console.print(table)


@app.command()
def quotes(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
           limit: Optional[int] = LIMIT,
           all_: bool = typer.Option(False, "--all", help="Also quotes whose speaker is uncertain (below "
                                                           "settings enrich.quote_min_confidence)"),
           as_json: bool = JSON, as_jsonl: bool = JSONL):
    """Who said what: quotations with their speaker and every article that reports them."""
    config = settings()
    every = read.list_quotes(open_store(config), event=event, storyline=storyline, limit=None,
                             min_confidence=0.0 if all_ else config.enrich.quote_min_confidence)
    shown = _shown(limit, as_json or as_jsonl)
    rows = every[:shown] if shown is not None else every
    if _machine(rows, as_json, as_jsonl):
        return
    table = _table(_showing(len(rows), len(every), "quotes"), "id", "speaker", "kind", "quote", "articles")
    for q in rows:
        table.add_row(_cell(q.id), _cell(q.speaker or "—"), _cell(q.kind), _cell(q.text[:160]),
                      _cell("\n".join(q.articles)))
    console.print(table)


@app.command()
def figures(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
            limit: Optional[int] = LIMIT, as_json: bool = JSON, as_jsonl: bool = JSONL,
            all_figures: bool = typer.Option(False, "--all", help="Also figures read with low confidence")):
    """Reported numbers: what they count, qualifier, unit, who reported them and as of when."""
    every = read.list_figures(open_store(), event=event, storyline=storyline, limit=None, all_figures=all_figures)
    shown = _shown(limit, as_json or as_jsonl)
    rows = every[:shown] if shown is not None else every
    if _machine(rows, as_json, as_jsonl):
        return
    table = _table(_showing(len(rows), len(every), "figures"), "id", "category", "what", "value", "qualifier",
                   "unit", "reported by", "as of", "article")
    for f in rows:
        value = _number(f.value) if f.value is not None else f"{_number(f.low)}–{_number(f.high)}"
        by = f.reported_by or "—"
        if f.reporter_type == "OUTLET":
            by = f"{by} (outlet)"
        table.add_row(_cell(f.id), _cell(f.category or "—"), _cell(f.what), _cell(value), _cell(f.qualifier),
                      _cell(f.unit), _cell(by), _cell(f.as_of or "—"), _cell(f.article))
    console.print(table)


@app.command()
def disagreements(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE, as_json: bool = JSON):
    """Where sources disagree: the same figure reported with materially different values."""
    rows = read.list_disagreements(open_store(), event=event, storyline=storyline)
    if as_json:
        print_json(rows)
        return
    table = _table(f"{len(rows)} disagreements", "id", "what", "values and sources", "sentences", "articles")
    for d in rows:
        pairs = "\n".join(f"{_value(v)} — {s}" for v, s in zip(d.values, d.sources))
        table.add_row(_cell(d.id), _cell(d.what), _cell(pairs), _cell("\n".join(d.sentences)),
                      _cell("\n".join(d.articles)))
    console.print(table)


@app.command()
def developments(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE, as_json: bool = JSON):
    """Counts that changed from one reported day to the next (a death toll rising), per storyline."""
    rows = read.list_developments(open_store(), event=event, storyline=storyline)
    if as_json:
        print_json(rows)
        return
    table = _table(f"{len(rows)} developments", "storyline", "what", "day: values — reported by")
    for d in rows:
        steps = "\n".join(f"{p.day}: {' / '.join(_number(v) for v in p.values)} — {', '.join(p.reported_by)}"
                           for p in d.points)
        table.add_row(_cell(d.storyline), _cell(f"{d.what} ({d.category})"), _cell(steps))
    console.print(table)


@app.command()
def positions(event: Optional[int] = EVENT, storyline: Optional[int] = STORYLINE,
              limit: Optional[int] = LIMIT, as_json: bool = JSON, as_jsonl: bool = JSONL):
    """What each actor demands, offers, accepts or rejects, over time."""
    every = read.list_positions(open_store(), event=event, storyline=storyline, limit=None)
    shown = _shown(limit, as_json or as_jsonl)
    rows = every[:shown] if shown is not None else every
    if _machine(rows, as_json, as_jsonl):
        return
    table = _table(_showing(len(rows), len(every), "positions"), "date", "actor", "stance", "object", "article")
    for p in rows:
        table.add_row(_cell(p.date or "—"), _cell(p.actor), _cell(p.stance), _cell(p.object[:120]),
                      _cell(p.articles[0] if p.articles else "—"))
    console.print(table)


def _number(v: float | None) -> str:
    if v is None:
        return "?"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _value(v) -> str:
    if isinstance(v, list):
        return f"{_number(v[0])}–{_number(v[1])}"
    return _number(v)
