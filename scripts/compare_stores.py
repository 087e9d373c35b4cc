"""Show that the SQLite and the PostgreSQL store hold the same results for the same articles.

    python scripts/compare_stores.py --articles 300
    python scripts/compare_stores.py --articles 300 --pg postgresql://user@host/db --keep /tmp/cmp

Takes the first N articles of the DPG Media 2019 corpus (``../shared/data/dpgmedia2019-partisan-nl``; the
held-out ids in ``../shared/heldout`` are left out), runs ``storyline ingest`` on them once into a fresh SQLite
file and once into a fresh PostgreSQL schema (created in the database ``--pg`` names and dropped afterwards
unless ``--keep``), and compares the two stores table by table (:mod:`storyline.store.snapshot`: every table,
wall-clock columns and each backend's search index left out). Prints one line per table and exits 1 when
any differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = "dpgmedia2019-partisan-nl/dpgMedia2019-articles-byarticle.jsonl"
HELDOUT = SHARED / "heldout" / "dpg-quotes-figures-ids.txt"


def write_sample(data: Path, n: int, out: Path) -> int:
    """The first ``n`` articles with text, held-out ids left out, as JSON Lines at ``out``."""
    held = set(HELDOUT.read_text().split()) if HELDOUT.exists() else set()
    written = 0
    with (data / CORPUS).open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            if str(record.get("id")) in held or not record.get("text"):
                continue
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
            if written == n:
                break
    return written


def ingest(db: str, sample: Path) -> float:
    """Wall seconds of ``storyline ingest`` of ``sample`` into ``db``, with this tree's code."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "storyline", "--db", db, "ingest", str(sample), "--json"], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--data", default=os.environ.get("STORYLINE_DATA") or str(SHARED / "data"))
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1/test",
                        help="PostgreSQL database to create a scratch schema in")
    parser.add_argument("--keep", help="folder for the sample and the SQLite file; keeps the PostgreSQL schema")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    import psycopg

    from storyline.store import Store
    from storyline.store.snapshot import compare, snapshot

    work = Path(args.keep or tempfile.mkdtemp(prefix="storyline-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    sample = work / "sample.jsonl"
    n = write_sample(Path(args.data), args.articles, sample)
    schema = "storyline_compare_" + uuid.uuid4().hex[:8]
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}"
    sqlite_db = work / "sqlite.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(sqlite_db) + suffix).unlink(missing_ok=True)
    try:
        print(f"{n} DPG articles: ingesting into SQLite ...", file=sys.stderr)
        seconds = {"sqlite": ingest(str(sqlite_db), sample)}
        print(f"... and into PostgreSQL (schema {schema}) ...", file=sys.stderr)
        seconds["postgresql"] = ingest(url, sample)
        stores = [Store(str(sqlite_db), readonly=True), Store(url, readonly=True)]
        try:
            a, b = (snapshot(s) for s in stores)
        finally:
            for s in stores:
                s.close()
    finally:
        if not args.keep:
            from storyline.store.postgres import close_pools

            close_pools()
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    lines = compare(a, b)
    print("\n".join(lines))
    same = all(": identical" in line for line in lines)
    print(f"\nSQLite and PostgreSQL, {n} articles: {'IDENTICAL' if same else 'DIFFERENT'} ({len(lines)} tables); "
          f"ingest wall time SQLite {seconds['sqlite']:.1f} s, PostgreSQL {seconds['postgresql']:.1f} s")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
