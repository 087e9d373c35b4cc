"""``storyline bench``: end-to-end speed against the models alone; ``--scale`` for the scaling curve."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.table import Table

from storyline.cli._app import app, console, err_console, plain, print_json, progress
from storyline.errors import InputError
from storyline.store import views

REPO = Path(__file__).resolve().parents[3]


@app.command()
def bench(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
    scale: bool = typer.Option(False, "--scale", help="Scaling run: replay the corpus into one growing store"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N input records"),
    corpus: str = typer.Option("dpg", help="dpg, crisis (ML-Crisis es/fr/it) or both"),
    data: Optional[Path] = typer.Option(None, help="Data directory (default $STORYLINE_DATA or ../shared/data)"),
    target: int = typer.Option(100_000, min=1, help="--scale: grow the store to this many articles"),
    every: int = typer.Option(2_000, min=1, help="--scale: a measurement row every N articles"),
    no_cache: bool = typer.Option(False, "--no-cache", help="--scale: run the models on every replayed copy"),
    rows: Optional[Path] = typer.Option(None, help="--scale: rows file to write (JSON Lines)"),
    from_rows: Optional[Path] = typer.Option(None, help="--scale: only plot and report an existing rows file"),
    cache_file: Optional[Path] = typer.Option(None, help="--scale: keep the model cache in this file (reused "
                                                         "when it exists; only a file this command wrote)"),
    keep_db: Optional[Path] = typer.Option(None, help="Keep the benchmark database at this path (--scale: an "
                                                       "existing store is continued)"),
    clone_from: Optional[Path] = typer.Option(None, help="--scale: first grow --keep-db by SQL cloning of this "
                                                         "live-replayed store (see storyline.store.clone)"),
    copies: int = typer.Option(10, min=2, help="--scale --clone-from: the cloned store holds this many copies"),
    append_rows: bool = typer.Option(False, "--append-rows", help="--scale: add this run to the rows file"),
    embed_threads: Optional[int] = typer.Option(None, min=1, help="Experiment: BLAS threads of the sentence "
                                                                  "embedder (default: the cluster stage's own)"),
    prefetch: bool = typer.Option(True, "--prefetch/--no-prefetch", help="Run the models of the next batch "
                                  "in a worker process while this one is stored (same results)"),
    docs: Optional[Path] = typer.Option(None, help="Write plots and a section of docs/benchmarks-speed.md here "
                                                   "(default: docs/ with --scale, nothing otherwise)"),
    workers: Optional[list[int]] = typer.Option(None, "--workers", min=1, help="Also run on a local Dask cluster "
                                                "of N workers, beside the ordinary run (repeat: --workers 1 "
                                                "--workers 2); reports the driver's own cost per article"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:PORT",
                                            help="Also run on this running Dask cluster"),
):
    """Ingest real articles end to end into a temporary store and report articles/s, stage times, memory,
    and the ratio of the pipeline to its models run alone on the same texts."""
    from storyline.bench.corpus import count_inputs, data_dir, read_corpus

    root = data_dir(data)
    command = "storyline bench " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    if corpus not in ("dpg", "crisis", "both"):
        raise InputError("--corpus must be dpg, crisis or both")
    if scale:
        _scale(root, target, every, not no_cache, rows, from_rows, keep_db, docs or REPO / "docs", as_json,
               command, cache_file, clone_from, copies, append_rows)
        return
    total = count_inputs(corpus, root)
    if limit:
        total = min(total, limit)
    from storyline.bench.harness import bench as run_bench

    runs = [{"prefetch": prefetch}] + [{"workers": n} for n in workers or []] + \
        ([{"scheduler": scheduler}] if scheduler else [])
    target = keep_db or _passed_db()
    server = target if target and "://" in str(target) else None
    if server:
        # PostgreSQL: every run in a new schema of that database (dropped afterwards), beside one ordinary run
        # on SQLite, the laptop default, measured in the same invocation.
        runs = [{"prefetch": prefetch, "sqlite": True}] + runs
    results = []
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        for i, mode in enumerate(runs):
            db = str(target) if target else str(Path(tmp) / f"bench-{i}.db")
            if mode.get("sqlite"):
                db = str(Path(tmp) / f"bench-{i}.db")
            elif target and not server and len(runs) > 1:
                db = f"{target}-{_label(mode)}"
            if "://" not in db and Path(db).exists():
                raise InputError(f"{db} exists; the benchmark needs a new database")
            items = read_corpus(corpus, root)
            if limit:
                items = itertools.islice(items, limit)
            with progress() as bar, _scratch(db) as url:
                task = bar.add_task(f"bench {corpus} {_label(mode)}", total=total)
                models = results[0].get("models_alone_run", True) if results else True
                results.append(run_bench(items, url, progress=lambda k: bar.advance(task, k),
                                         embed_threads=embed_threads, models=models,
                                         prefetch=mode.get("prefetch", False), workers=mode.get("workers", 0),
                                         scheduler=mode.get("scheduler")))
    for r in results:
        r.pop("models_alone_run", None)
        r["corpus"] = corpus
        r["command"] = command
    result = results[0]
    if len(results) > 1:
        if as_json:
            print_json({"runs": results, "command": command})
        else:
            _print_runs(results)
        return
    if docs:
        from storyline.bench.report import e2e_markdown, replace_section

        section = f"e2e-{corpus}" + (f"-threads{embed_threads}" if embed_threads else "")
        replace_section(docs / "benchmarks-speed.md", section, e2e_markdown(result, command))
    if as_json:
        print_json(result)
        return
    _print_result(result)


def _print_result(r: dict) -> None:
    table = Table(title=f"storyline bench: {r['articles']} articles ({r['corpus']})")
    table.add_column("measure")
    table.add_column("value", overflow="fold")
    table.add_row("articles/s end-to-end", f"{r['articles_per_s']}  ({r['seconds']} s wall, {r['cpu_s']} s CPU)")
    table.add_row("models alone", f"{r.get('models_only_articles_per_s')} articles/s  {r.get('models_only_s')}")
    table.add_row("ratio pipeline / models", f"{r.get('ratio')} (CPU {r.get('cpu_ratio')}; vs slowest model "
                                             f"{r.get('slowest_model')}: {r.get('ratio_vs_slowest')})")
    table.add_row("stages (s)", ", ".join(f"{k} {v}" for k, v in r["stages"].items()))
    table.add_row("models inside pipeline (s)", ", ".join(f"{k} {v}" for k, v in r["models_in_pipeline_s"].items()))
    table.add_row("assignment p50 / p99 (ms)", f"{r['assignment_ms']['p50']} / {r['assignment_ms']['p99']}")
    table.add_row("driver CPU ms/article", f"{r.get('driver_cpu_ms_per_article')} (models included when they run "
                                            "in the driver)")
    table.add_row("peak RSS (MB)", str(r["peak_rss_mb"]))
    table.add_row("load average", f"{r['load_average_start']} -> {r['load_average_end']}")
    if r.get("models_note"):
        table.add_row("note", r["models_note"])
    for w in r.get("warnings", []):
        table.add_row("warning", w)
    console.print(table)


def _passed_db() -> str | None:
    """The global ``--db`` when given on the command line (the benchmark otherwise uses temporary files)."""
    from storyline.cli._app import _state

    return (_state.overrides.get("store") or {}).get("db")


@contextmanager
def _scratch(db: str) -> Iterator[str]:
    """``db`` itself for a file; for a PostgreSQL URL, a new schema of that database for this run (dropped
    afterwards: every run starts from an empty store)."""
    if "://" not in db:
        yield db
        return
    from storyline.store.postgres import scratch_schema

    with scratch_schema(db, prefix="storyline_bench") as url:
        yield url


def _backend_name(result: dict) -> str:
    return "PostgreSQL" if result.get("backend") == "PostgresStore" else "SQLite"


def _label(mode: dict) -> str:
    if mode.get("workers"):
        return f"dask{mode['workers']}"
    if mode.get("scheduler"):
        return "dask-scheduler"
    return "prefetch" if mode.get("prefetch") else "inline"


def _print_runs(runs: list[dict]) -> None:
    """The runs of one invocation side by side (same corpus, same models-alone figure)."""
    table = Table(title=f"storyline bench: {runs[0]['articles']} articles ({runs[0]['corpus']})")
    table.add_column("measure")
    for r in runs:
        table.add_column(f"{r['mode']}, {_backend_name(r)}", overflow="fold")
    rows = [
        ("articles/s end-to-end", lambda r: f"{r['articles_per_s']} ({r['seconds']} s)"),
        ("models alone (articles/s)", lambda r: str(r.get("models_only_articles_per_s"))),
        ("ratio pipeline / models", lambda r: str(r.get("ratio"))),
        ("stages in the driver (s)", lambda r: ", ".join(f"{k} {v}" for k, v in r["stages"].items())),
        ("models in the driver (s)", lambda r: ", ".join(f"{k} {v}" for k, v in r["models_in_pipeline_s"].items())
         or "none"),
        ("driver CPU ms/article", lambda r: str(r["driver_cpu_ms_per_article"])),
        ("its PostgreSQL server CPU ms/article", lambda r: str(r.get("server_cpu_ms_per_article") or "-")),
        ("driver ceiling (articles/day)", lambda r: f"{r['driver_ceiling_articles_per_day']:,}"
         if r["driver_ceiling_articles_per_day"] else "-"),
        ("batches by workers / inline", lambda r: f"{r['prefetch_batches']} / {r['worker_failures']}"),
        ("start-up (s)", lambda r: str(r["startup_s"])),
        ("load average", lambda r: f"{r['load_average_start']} -> {r['load_average_end']}"),
    ]
    for name, cell in rows:
        table.add_row(name, *[cell(r) for r in runs])
    console.print(table)


def _scale(root: Path, target: int, every: int, cache: bool, rows: Optional[Path], from_rows: Optional[Path],
           keep_db: Optional[Path], docs: Path, as_json: bool, command: str, cache_file: Optional[Path],
           clone_from: Optional[Path] = None, copies: int = 10, append_rows: bool = False) -> None:
    from storyline.bench.plots import write_plots
    from storyline.bench.report import replace_section, scaling_markdown
    from storyline.bench.scaling import load_rows, run_scaling

    if from_rows:
        if not from_rows.exists():
            raise InputError(f"no rows file at {from_rows}")
        run = load_rows(from_rows)
        command = (run.get("header") or {}).get("command") or command
    else:
        if clone_from:
            _clone(root, clone_from, keep_db, copies, target)
        with tempfile.TemporaryDirectory(prefix="storyline-scale-") as tmp:
            db = str(keep_db) if keep_db else str(Path(tmp) / "scale.db")
            out = rows or Path(tmp) / "rows.jsonl"
            with progress() as bar:
                task = bar.add_task("replay", total=target)
                run = run_scaling(db, root, target, every=every, cache=cache, out_path=out,
                                  progress=lambda k: bar.advance(task, k), command=command, cache_file=cache_file,
                                  append=append_rows)
        if append_rows and rows:
            run = load_rows(rows)
    plots = write_plots(run, docs)
    replace_section(docs / "benchmarks-speed.md", "scale", scaling_markdown(run, command, [p.name for p in plots]))
    if as_json:
        print_json(run)
        return
    table = Table(title="scaling (see docs/benchmarks-speed.md)")
    for col in ("articles", "wall ms/art", "CPU ms/art", "p50/p99 ms", "CPU p50/p99 ms", "RSS MB", "DB MB"):
        table.add_column(col)
    for r in run["rows"]:
        table.add_row(f"{r['articles']:,}", str(r["ms_per_article"]), str(r.get("cpu_ms_per_article")),
                      f"{r['assign_p50_ms']}/{r['assign_p99_ms']}",
                      f"{r.get('assign_cpu_p50_ms')}/{r.get('assign_cpu_p99_ms')}", str(r["rss_mb"]), str(r["db_mb"]))
    console.print(table)
    console.print(plain("plots: " + ", ".join(str(p) for p in plots)))


def _clone(root: Path, source: Path, keep_db: Optional[Path], copies: int, target: int) -> None:
    from storyline.store.clone import clone_store
    from storyline.bench.corpus import base_records, replay_shift_days

    if not keep_db:
        raise InputError("--clone-from needs --keep-db (the cloned store to write)")
    if not source.exists():
        raise InputError(f"no store at {source}")
    n = views.count_articles_at(str(source))
    if n * copies >= target:
        raise InputError(f"--target {target} must exceed the cloned store's {n * copies} articles "
                         "(the live window is measured above it)")
    records = base_records(root)
    clone_store(source, keep_db, copies, len(records), replay_shift_days(records),
                progress=lambda m: err_console.print(plain(m)))
