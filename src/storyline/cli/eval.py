"""``storyline eval``: quality on gold data (ner, entities, quotes, clustering, convert, timeline, syntax).

The scorers live in :mod:`storyline.eval`; these commands check their inputs, call them and print tables.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from rich.table import Table

from storyline.cli._app import console, err_console, eval_app, plain, print_json, settings
from storyline.errors import EvalDataError, InputError
from storyline.settings import data_dir


@eval_app.command("ner")
def eval_ner(
    conll_file: Path = typer.Argument(..., help="A CoNLL-2002 file, e.g. ../shared/data/conll2002-nl/ned.testb"),
    lang: str = typer.Option("nl", help="Model language"),
    doc_level: bool = typer.Option(False, "--doc-level", help="Harmonise a name's type across its document"),
    as_json: bool = typer.Option(False, "--json"),
):
    """Phrase-level NER precision/recall/F1 as conlleval computes them."""
    from storyline.eval.conlleval import evaluate_conll

    if not conll_file.is_file():
        raise InputError(f"no such file: {conll_file}")
    result = evaluate_conll(conll_file, lang=lang, doc_level=doc_level)
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


@eval_app.command("entities")
def eval_entities(
    data: Optional[Path] = typer.Argument(None, help="MEANTIME processed folder (default ../shared/data/"
                                                     "meantime-cdcr-processed)"),
    language: str = typer.Option("nl", "--language", help="nl, en, es or it"),
    predicted: bool = typer.Option(False, "--predicted", help="Also link NER-predicted mentions"),
    as_json: bool = typer.Option(False, "--json"),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Dutch DPG entity labels (JSON Lines, e.g. "
                                        "src/storyline/eval/labels/dpg-dev-entities.jsonl): mention F1, type "
                                        "accuracy, linking and places on them, MEANTIME beside"),
    details: bool = typer.Option(False, "--details", help="With --gold: list false merges, type and place errors"),
):
    """Cross-document entity coreference on MEANTIME: MUC, B³, CEAF-e and CoNLL F1 on gold name mentions;
    with --gold also mentions, types, links and places on the Dutch DPG labels."""
    from storyline.eval.entities import default_meantime_path, evaluate_meantime

    dpg = None
    if gold is not None:
        from storyline.eval.entities_dpg import evaluate_gold

        dpg = evaluate_gold(gold, details=details)
    result = evaluate_meantime(data or default_meantime_path(), language=language, predicted=predicted)
    if as_json:
        print_json({"meantime": result, "dpg": dpg} if dpg is not None else result)
        return
    if dpg is not None:
        _print_dpg_entities(dpg)
    table = Table(title=f"MEANTIME {language}: cross-document entity coreference ({result['mentions']} gold name "
                        f"mentions, {result['gold_entities']} gold entities, {result['documents']} documents)")
    for col in ("system", "MUC F1", "B³ P", "B³ R", "B³ F1", "CEAF-e F1", "CoNLL F1", "entities"):
        table.add_column(col)
    for name, r in result["systems"].items():
        table.add_row(name, f"{r['muc']['f1']:.3f}", f"{r['b3']['p']:.3f}", f"{r['b3']['r']:.3f}",
                      f"{r['b3']['f1']:.3f}", f"{r['ceafe']['f1']:.3f}", f"{r['conll_f1']:.3f}",
                      str(r["entities"]))
    console.print(table)


def _print_dpg_entities(r: dict) -> None:
    m = r["mentions"]
    table = Table(title=f"DPG entity labels: {r['articles']} articles, {r['gold_mentions']} mentions, "
                        f"{r['gold_entities']} entities ({r['cross_document_gold_entities']} in several articles)")
    for col in ("figure", "value"):
        table.add_column(col)
    table.add_row("mention P / R / F1", f"{m['p']:.3f} / {m['r']:.3f} / {m['f1']:.3f}")
    table.add_row("type accuracy (exact mentions)", f"{r['type_accuracy']:.3f} of {r['typed_mentions']}")
    for name, key in (("gold mentions", "gold_mentions_linking"), ("predicted mentions", "predicted_mentions_linking")):
        link = r[key]
        table.add_row(f"linking, {name}: B³ P / R / F1", f"{link['b3']['p']:.3f} / {link['b3']['r']:.3f} / "
                                                        f"{link['b3']['f1']:.3f}")
        table.add_row(f"linking, {name}: CoNLL F1", f"{link['conll_f1']:.3f}")
        table.add_row(f"linking, {name}: false merges", str(link["false_merges"]))
    table.add_row("false merges per 100 gold entities (gold mentions)", f"{r['false_merges_per_100_entities']:.2f}")
    table.add_row("same-string baseline CoNLL F1", f"{r['baseline_same_string']['conll_f1']:.3f}")
    p = r["places"]
    table.add_row("places with a point placed within 25 km", f"{p['within_25km']} of {p['with_point']}")
    table.add_row("places without a point left without", f"{p['left_without']} of {p['without_point']}")
    console.print(table)
    if "details" in r:
        print_json(r["details"])


@eval_app.command("quotes")
def eval_quotes(data: Optional[Path] = typer.Option(None, help="Folder with train/dev/test of the German "
                                                                 "quotation set (default ../shared/data/...)"),
                split: str = typer.Option("test", help="train, dev or test"),
                gold: Optional[Path] = typer.Option(None, "--gold", help="Dutch DPG quote labels (JSON Lines, e.g. "
                                                    "src/storyline/eval/labels/dpg-dev-quotes-figures.jsonl) "
                                                    "instead of the German set"),
                as_json: bool = typer.Option(False, "--json", help="Print JSON")):
    """Quote span (exact, partial) and speaker accuracy: the German quotation set, or Dutch labels (--gold)."""
    if gold is not None:
        _eval_quotes_dpg(gold, as_json)
        return
    from storyline.eval.quotes import default_data_dir, evaluate

    folder = data or default_data_dir()
    if not (folder / split).is_dir():
        raise EvalDataError(f"{folder / split} not found; set --data or STORYLINE_DATA "
                            "(see ../shared/data/german-news-quotation-attribution/README.md)")
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


def _eval_quotes_dpg(gold: Path, as_json: bool) -> None:
    from storyline.eval.quotes_dpg import evaluate_dpg

    if not gold.is_file():
        raise InputError(f"no such file: {gold}")
    try:
        result = evaluate_dpg(gold)
    except FileNotFoundError as exc:
        raise EvalDataError(f"{exc}; set STORYLINE_DATA to the folder holding dpgmedia2019-partisan-nl") from None
    if as_json:
        print_json(result)
        return
    table = Table(title=f"{gold.name}: quotes with the right speaker ({result['articles']} articles)")
    for col in ("half", "docs", "gold", "pred", "P", "R", "F1", "exact P/R/F1", "speaker acc", "kind acc"):
        table.add_column(col)
    for part in ("all", "tune", "check"):
        r = result[part]
        ps, es = r["partial_speaker"], r["exact_speaker"]
        table.add_row(part, str(r["articles"]), str(r["gold"]), str(r["predicted"]),
                      f"{ps['p']:.3f}", f"{ps['r']:.3f}", f"{ps['f1']:.3f}",
                      f"{es['p']:.2f}/{es['r']:.2f}/{es['f1']:.2f}",
                      f"{r['speaker_accuracy'] or 0:.3f}", f"{r['kind_accuracy'] or 0:.3f}")
    console.print(table)
    thr = Table(title="by confidence threshold (partial match, right speaker): P / R")
    thr.add_column("min confidence")
    for part in ("all", "tune", "check"):
        thr.add_column(part)
    for t in result["all"]["thresholds"]:
        label = f"{t} (shown)" if t == result.get("shown_threshold") else t
        thr.add_row(label, *(f"{result[p]['thresholds'][t]['p']:.3f} / {result[p]['thresholds'][t]['r']:.3f}"
                             for p in ("all", "tune", "check")))
    console.print(thr)
@eval_app.command("figures")
def eval_figures(gold: Path = typer.Option(..., "--gold", help="Figure labels (JSON Lines), e.g. src/storyline/eval/"
                                                                 "labels/dpg-dev-quotes-figures.jsonl"),
                 data: Optional[Path] = typer.Option(None, help="DPG corpus folder (default ../shared/data)"),
                 half: str = typer.Option("all", help="tune, check or all: the dev articles split by id hash"),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON (with the errors)")):
    """Figures on DPG dev labels: P/R/F1 of value+what (strict, lenient), reporter accuracy, P/R per confidence."""
    from storyline.eval.figures import HALVES, evaluate, lowest_threshold_for

    if not gold.is_file():
        raise InputError(f"no such file: {gold}")
    if half not in HALVES:
        raise InputError(f"unknown half {half!r}; use {', '.join(HALVES)}")
    try:
        result = evaluate(gold, data, half)
    except FileNotFoundError as exc:
        raise EvalDataError(f"{exc} (pass --data or set STORYLINE_DATA)") from exc
    if as_json:
        print_json(result)
        return
    console.print(f"{result['articles']} articles ({half}), {result['strict']['gold']} gold figures, "
                  f"{result['strict']['predicted']} predicted, {result['articles_per_s']} articles/s")
    table = Table(title="figures by confidence threshold")
    for col in ("threshold", "strict P", "strict R", "strict F1", "lenient P", "lenient R", "lenient F1",
                "predicted", "reporter acc."):
        table.add_column(col)
    for t, e in result["by_threshold"].items():
        table.add_row(t, *(f"{e['strict'][k]:.3f}" for k in ("p", "r", "f1")),
                      *(f"{e['lenient'][k]:.3f}" for k in ("p", "r", "f1")), str(e["lenient"]["predicted"]),
                      f"{e['reporter_accuracy']:.3f} ({e['reporter_evaluated']})" if e["reporter_accuracy"] is not None
                      else "-")
    console.print(table)
    console.print(f"lowest threshold with lenient precision >= 0.9: {lowest_threshold_for(result, 0.9)}")


@eval_app.command("clustering")
def eval_clustering(gold: Path = typer.Argument(..., help="JSON Lines: article records plus 'event' (and 'storyline')"),
                    cluster_only: bool = typer.Option(False, help="Run only the cluster stage (skip enrichment)"),
                    event_threshold: Optional[float] = typer.Option(
                        None, min=0.01, max=0.99,
                        help="Join threshold for same-day reports in this run (default: the tuned one, "
                             "settings cluster.event_threshold); pairs whose dates say nothing keep at least "
                             "the undated threshold"),
                    orders: int = typer.Option(
                        1, min=1, max=50,
                        help="Arrival orders to average over (same-day articles shuffled): means and spread"),
                    as_json: bool = typer.Option(False, "--json")):
    """Cluster gold articles online in a temporary store; pairwise and BCubed scores for events and storylines."""
    result = _evaluate_clustering(gold, orders, cluster_only, event_threshold)
    if as_json:
        print_json(result)
        return
    runs = f", mean of {orders} arrival orders" if orders > 1 else ""
    table = Table(title=f"{gold.name}: {result['articles']} articles, {result['articles_per_s']} articles/s{runs}")
    for col in ("level", "pairwise P", "pairwise R", "pairwise F1", "BCubed P", "BCubed R", "BCubed F1",
                "clusters", "gold"):
        table.add_column(col)
    for level in ("events", "storylines", "events_news", "storylines_news"):
        m = result.get(level)
        if m is None:
            continue
        table.add_row(level.replace("_news", ", news only"), *(f"{m['pairwise'][k]:.3f}" for k in ("p", "r", "f1")),
                      *(f"{m['bcubed'][k]:.3f}" for k in ("p", "r", "f1")), str(m["clusters"]), str(m["gold_clusters"]))
    console.print(table)
    console.print(f"news only: {result.get('news_articles')} articles (opinion and rubric items left out); "
                  f"same-day merges: {result.get('merges')}")
    if result.get("spread"):
        spread = ", ".join(f"{k} {v:.3f}" for k, v in result["spread"].items())
        console.print(f"standard deviation over orders: {spread}")


def _evaluate_clustering(gold: Path, orders: int, cluster_only: bool, event_threshold: float | None) -> dict:
    """Run the clustering evaluation with this run's threshold (a settings override, never a module value)."""
    from storyline.eval.clustering import evaluate_orders

    config = settings(cluster={"event_threshold": event_threshold})
    return evaluate_orders(gold, orders, settings=config, cluster_only=cluster_only)


@eval_app.command("genre")
def eval_genre(gold: Path = typer.Option(..., "--gold", help="Genre labels (JSON Lines {id, genre}), e.g. "
                                                             "src/storyline/eval/labels/dpg-genre-sample.jsonl"),
               data: Optional[Path] = typer.Option(None, help="Shared data folder (default ../shared/data)"),
               as_json: bool = typer.Option(False, "--json")):
    """Article genre against hand labels: precision/recall per genre, accuracy, news-or-not."""
    from storyline.eval.genre import evaluate

    result = evaluate(gold, data)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"genre on {gold.name}: {result['articles']} articles, accuracy {result['accuracy']:.3f}")
    for col in ("genre", "P", "R", "F1", "gold", "predicted"):
        table.add_column(col)
    for name, m in result["per_genre"].items():
        table.add_row(name, f"{m['p']:.3f}", f"{m['r']:.3f}", f"{m['f1']:.3f}", str(m["gold"]), str(m["predicted"]))
    nn = result["not_news"]
    table.add_row("not news", f"{nn['p']:.3f}", f"{nn['r']:.3f}", "", str(nn["gold"]), str(nn["predicted"]),
                  style="bold")
    console.print(table)


@eval_app.command("convert")
def eval_convert(corpus: str = typer.Argument(..., help="ecbplus, meantime or dpg (the project's silver event labels)"),
                 path: Path = typer.Argument(..., help="The corpus folder (e.g. ../shared/data/ecbplus)"),
                 split: str = typer.Option("test", help="ECB+: train, dev, test or all; dpg: dev, test or all (the "
                                           "ids of ../shared/heldout left out)"),
                 languages: str = typer.Option("en,nl", help="MEANTIME: languages, comma-separated"),
                 output: Optional[Path] = typer.Option(None, "-o", "--output", help="File (default stdout)")):
    """Convert a gold corpus into clustering GOLD JSON Lines (article records plus 'event' and 'storyline')."""
    from storyline.eval import dpg, ecbplus, meantime

    converters = {"ecbplus": lambda: ecbplus.convert(path, split),
                  "meantime": lambda: meantime.convert(path, tuple(x.strip() for x in languages.split(",")
                                                                   if x.strip())),
                  "dpg": lambda: dpg.convert(path, split)}
    if corpus not in converters:
        raise InputError(f"unknown corpus {corpus!r}; use ecbplus, meantime or dpg")
    try:
        records = list(converters[corpus]())
    except (FileNotFoundError, ValueError) as exc:  # the converters' own reasons: a missing or malformed corpus
        raise EvalDataError(str(exc)) from None
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if output:
        err_console.print(plain(f"wrote {len(records)} records to {output}"))


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
    from storyline.eval.timeline_run import SYSTEMS, mean_scores, run_topic

    root = Path(data) if data else data_dir(settings=settings()) / "ml-crisis-tls"
    languages = [l.strip() for l in langs.split(",") if l.strip()]
    if not (root / "es" / "reference").is_dir() and not any((root / l / "reference").is_dir() for l in languages):
        raise EvalDataError(f"ML-Crisis not found at {root} (pass --data or set STORYLINE_DATA)")
    methods = [m.strip() for m in method.split(",") if m.strip()]
    unknown = [m for m in methods if m not in SYSTEMS]
    if unknown or encoder not in ("use", "tfidf"):
        raise InputError(f"unknown method {unknown} or encoder {encoder!r}; methods: {', '.join(SYSTEMS)}; "
                         "encoders: use, tfidf")
    results = []
    for m in methods:
        for lang in languages:
            for topic in [t.strip() for t in topics.split(",") if t.strip()]:
                if not (root / lang / topic).is_dir():
                    err_console.print(plain(f"skipped: no {root / lang / topic}"))
                    continue
                r = run_topic(root, lang, topic, m, encoder=encoder)
                results.append(r)
                # Progress on stderr, also with --json (stdout stays pure JSON).
                err_console.print(plain(f"{m} {lang}/{topic}: AR1-F {r.scores['ar1_f']:.3f} "
                                        f"AR2-F {r.scores['ar2_f']:.3f} date F1 {r.scores['date_f1']:.3f} "
                                        f"({r.articles} articles, {r.seconds:.0f}s)"))
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


@eval_app.command("syntax")
def eval_syntax(data: Optional[Path] = typer.Option(None, help="Shared data folder holding ud-dutch/ "
                                                                 "(default ../shared/data)"),
                model: Optional[Path] = typer.Option(None, help="A spaCy model folder (default: the installed one)"),
                as_json: bool = typer.Option(False, "--json", help="Print JSON")):
    """The Dutch syntax model on UD Alpino test (news), gold tokens: UPOS, lemma, UAS, LAS."""
    from storyline.eval.syntax import score_syntax

    r = score_syntax(data_dir(data), model)
    if as_json:
        print_json(r)
        return
    table = Table(title=f"Dutch syntax on {r['file']} ({r['sentences']} sentences, {r['words']} words, gold tokens)")
    for col in ("UPOS", "lemma", "lemma (simplemma)", "UAS", "LAS", "LAS (universal)", "sentences/s"):
        table.add_column(col)
    table.add_row(f"{r['upos']:.3f}", f"{r['lemma']:.3f}",
                  f"{r['lemma_simplemma']:.3f}" if r["lemma_simplemma"] is not None else "-",
                  f"{r['uas']:.3f}", f"{r['las']:.3f}", f"{r['las_universal']:.3f}", f"{r['sentences_per_second']:.0f}")
    console.print(table)
