"""Show that two versions of Storyline compute the same thing on the DPG corpus.

    python scripts/compare_runs.py run --rev BASE        # ingest DPG with BASE and with this tree, compare
    python scripts/compare_runs.py dump news.db -o a.json  # one store's content, canonical
    python scripts/compare_runs.py diff a.json b.json

``run`` checks out BASE (a git revision) in a temporary worktree, ingests the DPG 2019 files into a fresh
SQLite store once with BASE's code and once with this tree's code (same virtualenv, ``PYTHONPATH`` picks the
source), dumps every table of both stores and compares them row by row. Columns that hold wall-clock times
are left out; everything else (articles, events, storylines and their clustering state, mentions, entities,
quotes, figures, positions, disagreements) must be identical.

A script, not part of the package: it reads the store's tables directly, which only ``store/`` may do.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from storyline.store.snapshot import _plain, compare  # noqa: E402  (one canonical form for every comparison)

ROOT = Path(__file__).resolve().parent.parent
CLOCK_COLUMNS = {"ingested_at", "updated_at", "created_at", "detected_at", "fetched_at", "merged_at"}
SKIP_TABLES = {"schema_version", "sqlite_sequence"}


def dump(db: str) -> dict[str, list[list]]:
    """table -> sorted rows (wall-clock columns dropped); FTS shadow tables skipped."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    virtual = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")}
    out: dict[str, list[list]] = {}
    for table in tables:
        if table in SKIP_TABLES or any(table.startswith(v + "_") for v in virtual):
            continue
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        keep = [c for c in cols if c not in CLOCK_COLUMNS]
        select = ", ".join(f'"{c}"' for c in keep)
        rows = [[_plain(v) for v in row] for row in conn.execute(f'SELECT {select} FROM "{table}"')]
        rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        out[table] = [keep] + rows
    conn.close()
    return out


def ingest(src: Path, db: Path, inputs: list[str]) -> float:
    """Wall seconds of one ingest with the code under ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", *inputs, "--json"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(rev: str, data: Path, keep: Path | None, repeat: int = 1) -> int:
    inputs = sorted(str(p) for p in (data / "dpgmedia2019-partisan-nl").glob("dpgMedia2019-articles-byarticle*.jsonl"))
    if not inputs:
        print(f"no DPG files under {data}", file=sys.stderr)
        return 2
    work = Path(keep or tempfile.mkdtemp(prefix="storyline-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    tree = work / "base"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
    seconds: dict[str, list[float]] = {"base": [], "head": []}
    try:
        # base, head, base, head: the machine's drift falls on both
        for name, src in (("base", tree / "src"), ("head", ROOT / "src")) * repeat:
            db = work / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            print(f"ingesting with {name} ({src}) ...", file=sys.stderr)
            seconds[name].append(ingest(src, db, inputs))
        a, b = dump(str(work / "base.db")), dump(str(work / "head.db"))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    lines = compare(a, b)
    print("\n".join(lines))
    same = all(": identical" in line for line in lines)
    print(f"\n{rev} and this tree: {'IDENTICAL' if same else 'DIFFERENT'} ({len(lines)} tables)")
    base_s, head_s = statistics.median(seconds["base"]), statistics.median(seconds["head"])
    print(f"ingest wall time, median of {repeat}: base {base_s:.1f} s, this tree {head_s:.1f} s, "
          f"ratio {head_s / base_s:.2f}")
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_run = sub.add_parser("run", help="ingest DPG with a base revision and with this tree, compare")
    p_run.add_argument("--rev", required=True)
    p_run.add_argument("--data", default=os.environ.get("STORYLINE_DATA") or str(ROOT.parent / "shared" / "data"))
    p_run.add_argument("--keep", help="working folder to keep (stores and dumps)")
    p_run.add_argument("--repeat", type=int, default=1, help="ingests per version (timing: the median)")
    p_dump = sub.add_parser("dump", help="dump one store")
    p_dump.add_argument("db")
    p_dump.add_argument("-o", "--output", required=True)
    p_diff = sub.add_parser("diff", help="compare two dumps")
    p_diff.add_argument("first")
    p_diff.add_argument("second")
    args = parser.parse_args()
    if args.cmd == "run":
        return run(args.rev, Path(args.data), Path(args.keep) if args.keep else None, args.repeat)
    if args.cmd == "dump":
        Path(args.output).write_text(json.dumps(dump(args.db), ensure_ascii=False), encoding="utf-8")
        return 0
    lines = compare(json.loads(Path(args.first).read_text()), json.loads(Path(args.second).read_text()))
    print("\n".join(lines))
    return 0 if all(": identical" in line for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
