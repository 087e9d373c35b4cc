"""Show that every way of running Storyline stores the same results: SQLite inline, PostgreSQL inline and
PostgreSQL with Dask workers, on the same articles.

    python scripts/compare_stores.py                                # the whole DPG corpus, three runs
    python scripts/compare_stores.py --limit 300                    # its first 300 records
    python scripts/compare_stores.py --runs sqlite,sqlite-dask --limit 300 --batch-size 50   # inline vs Dask
    python scripts/compare_stores.py --pg postgresql://user@host/db --workers 2 --keep /tmp/cmp

The corpus is what ``storyline eval convert dpg DATA --split all`` writes (DPG Media 2019, the held-out ids of
``../shared/heldout`` left out), or the JSON Lines of ``--input``. Each run is one ``storyline ingest`` with
this tree's code into a fresh store: ``sqlite`` and ``postgresql`` with ``--no-prefetch`` (every stage in
the one process), ``sqlite-dask`` and ``postgresql-dask`` with ``--workers N`` (a local Dask cluster computes
the models and per-article stages; the driver stores, clusters and links in arrival order). A PostgreSQL run
goes to a new schema of the ``--pg`` database, dropped afterwards unless ``--keep``. Every store is then read
in :mod:`storyline.store.snapshot`'s canonical form (every table; wall-clock columns and each backend's
search index left out) and compared table by table with the first run's. Prints one line per table and run
that differs, a summary per run, and exits 1 when any differs.

A script, not part of the package: it reads the stores' tables directly, which only ``store/`` may do.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RUNS = ("sqlite", "postgresql", "postgresql-dask", "sqlite-dask")
DEFAULT_RUNS = "sqlite,postgresql,postgresql-dask"


def _env(batch_size: int | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    if batch_size:
        env["STORYLINE_INGEST__BATCH_SIZE"] = str(batch_size)
    return env


def dpg_corpus(data: Path, out: Path, limit: int | None) -> int:
    """The DPG corpus as ``eval convert dpg --split all`` gives it (held-out ids left out), its first ``limit``
    records, at ``out``; how many records."""
    full = out.with_suffix(".all.jsonl")
    subprocess.run([sys.executable, "-m", "storyline", "eval", "convert", "dpg", str(data), "--split", "all",
                    "-o", str(full)], check=True, env=_env(None), stdout=subprocess.DEVNULL)
    with full.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        lines = [line for line in itertools.islice((x for x in src if x.strip()), limit)]
        dst.writelines(lines)
    full.unlink()
    return len(lines)


def ingest(db: str, corpus: Path, options: list[str], batch_size: int | None) -> float:
    """Wall seconds of one ``storyline ingest`` of ``corpus`` into ``db`` with this tree's code."""
    cmd = [sys.executable, "-m", "storyline", "--db", db, "ingest", str(corpus), "--json", *options]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=_env(batch_size), stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def read_snapshot(db: str) -> dict:
    from storyline.store import Store
    from storyline.store.snapshot import snapshot

    store = Store(db, readonly=True)
    try:
        return snapshot(store)
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", default=DEFAULT_RUNS,
                        help=f"comma-separated, the first is the reference (of {', '.join(RUNS)})")
    parser.add_argument("--input", help="JSON Lines to ingest (default: the DPG corpus, held-out ids left out)")
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the -dask runs")
    parser.add_argument("--batch-size", type=int, help="articles per batch (default: the ingest setting)")
    parser.add_argument("--data", default=os.environ.get("STORYLINE_DATA") or str(SHARED / "data"))
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1/test",
                        help="PostgreSQL database to create the scratch schemas in")
    parser.add_argument("--keep", help="folder for the corpus and the SQLite files; keeps the PostgreSQL schemas")
    args = parser.parse_args()
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    if not runs or set(runs) - set(RUNS) or len(set(runs)) != len(runs):
        parser.error(f"--runs: distinct names of {', '.join(RUNS)}")

    sys.path.insert(0, str(ROOT / "src"))
    from storyline.store.snapshot import compare

    work = Path(args.keep or tempfile.mkdtemp(prefix="storyline-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.jsonl"
    if args.input:
        with open(args.input, encoding="utf-8") as src:
            lines = list(itertools.islice((x for x in src if x.strip()), args.limit))
        corpus.write_text("".join(line.rstrip("\n") + "\n" for line in lines), encoding="utf-8")
        n = len(lines)
    else:
        n = dpg_corpus(Path(args.data), corpus, args.limit)
    print(f"{n} records ({args.input or 'DPG 2019, held-out ids left out'}); runs: {', '.join(runs)}",
          file=sys.stderr)

    schemas: list[str] = []
    targets: dict[str, str] = {}
    for run in runs:
        if run.startswith("postgresql"):
            schema = "storyline_compare_" + uuid.uuid4().hex[:8]
            schemas.append(schema)
            targets[run] = f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}"
        else:
            targets[run] = str(work / f"{run}.db")
            for suffix in ("", "-wal", "-shm"):
                Path(targets[run] + suffix).unlink(missing_ok=True)
    if schemas:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'CREATE SCHEMA "{schema}"')
    seconds: dict[str, float] = {}
    snaps: dict[str, dict] = {}
    try:
        for run in runs:
            options = ["--workers", str(args.workers)] if run.endswith("-dask") else ["--no-prefetch"]
            print(f"ingesting: {run} ({' '.join(options)}) ...", file=sys.stderr)
            seconds[run] = ingest(targets[run], corpus, options, args.batch_size)
            snaps[run] = read_snapshot(targets[run])
    finally:
        if schemas and not args.keep:
            import psycopg

            from storyline.store.postgres import close_pools

            close_pools()
            with psycopg.connect(args.pg, autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    reference = runs[0]
    ref = snaps[reference]
    ok = True
    tables = len(ref)
    counts = {t: len(ref[t]) - 1 for t in ("articles", "events", "storylines", "entities", "quotes", "figures")
              if t in ref}
    for run in runs[1:]:
        lines = compare(ref, snaps[run])
        same = [line for line in lines if ": identical" in line]
        for line in lines:
            if ": identical" not in line:
                print(f"{run}: {line}")
        ok &= len(same) == len(lines)
        print(f"{reference} vs {run}: {len(same)}/{len(lines)} tables identical")
    print(f"\n{'IDENTICAL' if ok else 'DIFFERENT'}: {', '.join(runs)} on {n} records ({tables} tables; "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + "); ingest wall time "
          + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
          + (f" (batch size {args.batch_size})" if args.batch_size else ""))
    if args.keep:
        print(f"stores: " + ", ".join(f"{k} {v}" for k, v in targets.items()), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
