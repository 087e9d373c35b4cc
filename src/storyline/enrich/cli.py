"""CLI commands of the entity stage: ``storyline entities`` and ``storyline eval entities``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from storyline.cli import app, console, err_console, eval_app, open_store, print_json

ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")


@app.command()
def entities(
    event: Optional[int] = typer.Option(None, "--event", help="Only entities of this event"),
    storyline: Optional[int] = typer.Option(None, "--storyline", help="Only entities of this storyline"),
    article: Optional[str] = typer.Option(None, "--article", help="Only entities of this article"),
    type_: Optional[str] = typer.Option(None, "--type", help="PER, LOC, ORG or MISC"),
    limit: int = typer.Option(50, help="At most this many (most mentioned first)"),
    offset: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json", help="Print JSON records"),
):
    """People, places, organisations: one entity per real thing, with its spelling variants."""
    from storyline.enrich.entities import list_entities

    if type_ is not None and type_.upper() not in ENTITY_TYPES:
        err_console.print(f"error: --type must be one of {', '.join(ENTITY_TYPES)}, not {type_!r}")
        raise typer.Exit(2)
    if limit < 0 or offset < 0:
        err_console.print("error: --limit and --offset must not be negative")
        raise typer.Exit(2)
    store = open_store()
    rows = list_entities(store.conn, type_=type_, event_id=event, storyline_id=storyline, article_id=article,
                         limit=limit, offset=offset)
    if as_json:
        print_json(rows)
        return
    scope = f" in event {event}" if event is not None else f" in storyline {storyline}" if storyline is not None else ""
    table = Table(title=f"{len(rows)} entities{scope}")
    for col in ("id", "name", "type", "mentions", "articles", "variants", "where"):
        table.add_column(col, overflow="fold")
    for e in rows:
        where = f"{e['country'] or ''} {e['lat']:.2f},{e['lon']:.2f}" if e["lat"] is not None else (e["country"] or "")
        others = [v for v in e["variants"] if v != e["name"]]
        table.add_row(str(e["id"]), e["name"], e["type"], str(e["mentions"]), str(len(e["articles"])),
                      ", ".join(others), where.strip())
    console.print(table)


@eval_app.command("entities")
def eval_entities(
    data: Optional[Path] = typer.Argument(None, help="MEANTIME processed folder (default ../shared/data/"
                                                     "meantime-cdcr-processed)"),
    language: str = typer.Option("nl", "--language", help="nl, en, es or it"),
    predicted: bool = typer.Option(False, "--predicted", help="Also link NER-predicted mentions"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Cross-document entity coreference on MEANTIME: MUC, B³, CEAF-e and CoNLL F1 on gold name mentions."""
    from storyline.eval.entities import EvalDataError, default_meantime_path, evaluate_meantime

    path = data or default_meantime_path()
    try:
        result = evaluate_meantime(path, language=language, predicted=predicted)
    except EvalDataError as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"MEANTIME {language}: cross-document entity coreference ({result['mentions']} gold name "
                        f"mentions, {result['gold_entities']} gold entities, {result['documents']} documents)")
    for col in ("system", "MUC F1", "B³ P", "B³ R", "B³ F1", "CEAF-e F1", "CoNLL F1", "entities"):
        table.add_column(col)
    for name, r in result["systems"].items():
        table.add_row(name, f"{r['muc']['f1']:.3f}", f"{r['b3']['p']:.3f}", f"{r['b3']['r']:.3f}",
                      f"{r['b3']['f1']:.3f}", f"{r['ceafe']['f1']:.3f}", f"{r['conll_f1']:.3f}",
                      str(r["entities"]))
    console.print(table)


@eval_app.command("ner")
def eval_ner(
    conll_file: Path = typer.Argument(..., help="A CoNLL-2002 file, e.g. ../shared/data/conll2002-nl/ned.testb"),
    lang: str = typer.Option("nl", help="Model language"),
    doc_level: bool = typer.Option(False, "--doc-level", help="Harmonise a name's type across its document"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Phrase-level NER precision/recall/F1 as conlleval computes them."""
    from storyline.eval.conlleval import evaluate_conll
    from storyline.enrich.ner import ModelMissingError

    if not conll_file.is_file():
        err_console.print(f"error: no such file: {conll_file}")
        raise typer.Exit(2)
    try:
        result = evaluate_conll(conll_file, lang=lang, doc_level=doc_level)
    except ModelMissingError as exc:
        err_console.print(f"error: {exc}")
        raise typer.Exit(2)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"NER on {conll_file.name} ({lang})")
    for col in ("type", "P", "R", "F1"):
        table.add_column(col)
    for name, scores in sorted(result["per_type"].items()):
        table.add_row(name, f"{scores['p']:.3f}", f"{scores['r']:.3f}", f"{scores['f1']:.3f}")
    table.add_row("all", f"{result['p']:.3f}", f"{result['r']:.3f}", f"{result['f1']:.3f}", style="bold")
    console.print(table)
    console.print(f"{result.get('tokens_per_s', 0):.0f} tokens/s")
