"""Commands: ``quotes``, ``figures``, ``disagreements``, ``positions`` and ``eval quotes``."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from storyline.cli import app, console, err_console, eval_app, open_store, print_json
from storyline.store import annotations as db

_EVENT = typer.Option(None, "--event", help="Only this event id")
_STORYLINE = typer.Option(None, "--storyline", help="Only this storyline id")
_JSON = typer.Option(False, "--json", help="Print JSON")


def _query(fn, event: Optional[int], storyline: Optional[int], **kw):
    if event is not None and storyline is not None:
        err_console.print("error: give --event or --storyline, not both")
        raise typer.Exit(2)
    store = open_store()
    try:
        return fn(store.conn, event_id=event, storyline_id=storyline, **kw)
    except sqlite3.OperationalError as exc:
        err_console.print(f"error: the database has no annotations yet ({exc}); run `storyline ingest` first")
        raise typer.Exit(2)


@app.command()
def quotes(event: Optional[int] = _EVENT, storyline: Optional[int] = _STORYLINE,
           limit: int = typer.Option(200, help="At most this many"), as_json: bool = _JSON):
    """Who said what: quotations with their speaker and every article that reports them."""
    rows = _query(db.list_quotes, event, storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} quotes")
    for col in ("id", "speaker", "kind", "quote", "articles"):
        table.add_column(col, overflow="fold")
    for q in rows:
        table.add_row(str(q["id"]), q["speaker"] or "—", q["kind"], q["text"][:160], "\n".join(q["articles"]))
    console.print(table)


@app.command()
def figures(event: Optional[int] = _EVENT, storyline: Optional[int] = _STORYLINE,
            limit: int = typer.Option(500, help="At most this many"), as_json: bool = _JSON):
    """Reported numbers: what they count, qualifier, unit, who reported them and as of when."""
    rows = _query(db.list_figures, event, storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} figures")
    for col in ("id", "what", "value", "qualifier", "unit", "reported by", "as of", "article"):
        table.add_column(col, overflow="fold")
    for f in rows:
        value = _fmt(f["value"]) if f["value"] is not None else f"{_fmt(f['low'])}–{_fmt(f['high'])}"
        table.add_row(str(f["id"]), f["what"], value, f["qualifier"] or "", f["unit"] or "",
                      f["reported_by"] or "—", f["as_of"] or "—", f["article"])
    console.print(table)


@app.command()
def disagreements(event: Optional[int] = _EVENT, storyline: Optional[int] = _STORYLINE, as_json: bool = _JSON):
    """Where sources disagree: the same figure reported with materially different values."""
    rows = _query(db.list_disagreements, event, storyline)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} disagreements")
    for col in ("id", "what", "values and sources", "articles"):
        table.add_column(col, overflow="fold")
    for d in rows:
        pairs = "\n".join(f"{_fmt_value(v)} — {s}" for v, s in zip(d["values"], d["sources"]))
        table.add_row(str(d["id"]), d["what"], pairs, "\n".join(d["articles"]))
    console.print(table)


@app.command()
def positions(event: Optional[int] = _EVENT, storyline: Optional[int] = _STORYLINE,
              limit: int = typer.Option(500, help="At most this many"), as_json: bool = _JSON):
    """What each actor demands, offers, accepts or rejects, over time."""
    rows = _query(db.list_positions, event, storyline, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} positions")
    for col in ("date", "actor", "stance", "object", "article"):
        table.add_column(col, overflow="fold")
    for p in rows:
        table.add_row(p["date"] or "—", p["actor"], p["stance"], p["object"][:120], p["articles"][0])
    console.print(table)


@eval_app.command("quotes")
def eval_quotes(data: Optional[Path] = typer.Option(None, help="Folder with train/dev/test of the German "
                                                                 "quotation set (default ../shared/data/...)"),
                split: str = typer.Option("test", help="train, dev or test"),
                as_json: bool = _JSON):
    """Quote span (exact, partial) and speaker accuracy on the German news quotation attribution set."""
    from storyline.eval.quotes import default_data_dir, evaluate

    folder = data or default_data_dir()
    if not (folder / split).is_dir():
        err_console.print(f"error: {folder / split} not found; set --data or STORYLINE_DATA "
                          "(see ../shared/data/german-news-quotation-attribution/README.md)")
        raise typer.Exit(2)
    result = evaluate(folder, split)
    if as_json:
        print_json(result)
        return
    console.print(f"{result['documents']} documents, {result['gold']} gold quotes, {result['predicted']} predicted")
    for kind in ("exact", "partial"):
        s = result[kind]
        console.print(f"{kind:8s} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}")
    console.print(f"speaker accuracy {result['speaker_accuracy']} (over {result['speaker_evaluated']} matched quotes)")
    console.print("recall by type: " + ", ".join(f"{k} {v:.2f}" for k, v in result["recall_by_type"].items()))


def _fmt(v) -> str:
    if v is None:
        return "?"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _fmt_value(v) -> str:
    if isinstance(v, list):
        return f"{_fmt(v[0])}–{_fmt(v[1])}"
    return _fmt(v)
