"""Show that an ingest on Dask workers stores exactly what an inline ingest stores.

    python scripts/compare_backends.py --workers 2                  # 300 DPG articles (held-out ids left out)
    python scripts/compare_backends.py --workers 2 --limit 1000 --batch-size 50
    python scripts/compare_backends.py examples/seeds --workers 1 --batch-size 2

Ingests the same inputs twice with ``storyline ingest`` into fresh SQLite stores: once inline
(``--no-prefetch``: every stage in the one process) and once with ``--workers N`` (a local Dask cluster runs
the models and per-article stages; the driver stores, clusters and links in arrival order). Then every table
of both stores is compared row by row (``scripts/compare_runs.py``'s canonical dump: wall-clock columns left
out): articles, events, storylines, entities, mentions, quotes, figures, positions, disagreements must be
identical. Exit 0 when they are. The default corpus is the first ``--limit`` DPG 2019 articles of
``dpgMedia2019-articles-byarticle-all.jsonl`` without the held-out ids of ``../shared/heldout``.

A script, not part of the package: it reads the stores' tables directly, which only ``store/`` may do.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_runs import compare, dump  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DPG_FILE = "dpgmedia2019-partisan-nl/dpgMedia2019-articles-byarticle-all.jsonl"


def heldout_ids(shared: Path = SHARED) -> set[str]:
    """Article ids no one may read, tune or fit on (every ``*ids*.txt`` under ../shared/heldout)."""
    ids: set[str] = set()
    for path in sorted((shared / "heldout").glob("*ids*.txt")):
        ids.update(path.read_text(encoding="utf-8").split())
    return ids


def dpg_sample(data: Path, limit: int, out: Path) -> int:
    """The first ``limit`` DPG articles (held-out ids left out) as JSON Lines at ``out``; how many."""
    held = heldout_ids()
    n = 0
    with open(data / DPG_FILE, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            if str(json.loads(line).get("id")) in held:
                continue
            dst.write(line.rstrip("\n") + "\n")
            n += 1
            if n >= limit:
                break
    return n


def ingest(db: Path, inputs: list[str], options: list[str], batch_size: int) -> float:
    """Wall seconds of one ``storyline ingest`` with this tree's code."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), STORYLINE_INGEST__BATCH_SIZE=str(batch_size))
    cmd = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", *inputs, "--json", *options]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", help="what to ingest (default: a DPG sample)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers of the second run")
    parser.add_argument("--limit", type=int, default=300, help="DPG articles in the default sample")
    parser.add_argument("--batch-size", type=int, default=50, help="articles per batch (both runs)")
    parser.add_argument("--data", default=os.environ.get("STORYLINE_DATA") or str(SHARED / "data"))
    parser.add_argument("--keep", help="working folder to keep (stores)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="storyline-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    inputs = args.inputs
    if not inputs:
        sample = work / "dpg-sample.jsonl"
        n = dpg_sample(Path(args.data), args.limit, sample)
        print(f"DPG sample: {n} articles (held-out ids left out)", file=sys.stderr)
        inputs = [str(sample)]
    seconds = {}
    for name, options in (("inline", ["--no-prefetch"]), (f"workers{args.workers}", ["--workers", str(args.workers)])):
        print(f"ingesting {name} ...", file=sys.stderr)
        seconds[name] = ingest(work / f"{name}.db", inputs, options, args.batch_size)
    names = list(seconds)
    lines = compare(dump(str(work / f"{names[0]}.db")), dump(str(work / f"{names[1]}.db")))
    print("\n".join(lines))
    same = all(": identical" in line for line in lines)
    print(f"\ninline and {args.workers} Dask workers: {'IDENTICAL' if same else 'DIFFERENT'} ({len(lines)} tables); "
          + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()) + f" (batch size {args.batch_size})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
