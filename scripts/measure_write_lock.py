"""How long one ingest holds the write lock: wall and CPU seconds of every write transaction.

    python scripts/measure_write_lock.py big.jsonl            # any input storyline ingest reads
    python scripts/measure_write_lock.py --build-dpg 3000000 big.jsonl   # write a 3 MB DPG article first

``--build-dpg N`` joins DPG 2019 article texts (held-out ids excluded) into one article of N bytes. The input
is ingested inline (no worker process) into a new temporary store; the script prints the ingest's wall time
and, per write transaction, (wall s, CPU s of this process). CPU seconds do not depend on the machine's load.
A script, not part of the package.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DPG = ROOT.parent / "shared" / "data" / "dpgmedia2019-partisan-nl" / "dpgMedia2019-articles-byarticle-all.jsonl"
HELDOUT = ROOT.parent / "shared" / "heldout" / "dpg-quotes-figures-ids.txt"


def build_dpg(n_bytes: int, out: Path) -> None:
    held = set(HELDOUT.read_text().split())
    texts, size = [], 0
    with DPG.open() as fh:
        for line in fh:
            record = json.loads(line)
            if str(record.get("id")) in held or not record.get("text"):
                continue
            texts.append(record["text"])
            size += len(record["text"].encode())
            if size > n_bytes + 100_000:
                break
    text = "\n\n".join(texts).encode()[:n_bytes].decode("utf-8", "ignore")
    out.write_text(json.dumps({"id": "big", "title": "Een heel lang artikel", "text": text,
                               "published": "2019-03-05", "source": "test"}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--build-dpg", type=int, metavar="BYTES")
    args = parser.parse_args()
    if args.build_dpg:
        build_dpg(args.build_dpg, Path(args.input))

    from storyline.ingest.readers import read_path
    from storyline.runner import ingest
    from storyline.store import Store
    from storyline.store.sqlite import SQLiteStore

    held: list[tuple[float, float]] = []
    original = SQLiteStore.transaction

    @contextmanager
    def timed(self):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            with original(self) as conn:
                yield conn
        finally:
            held.append((round(time.perf_counter() - t0, 3), round(time.process_time() - c0, 3)))

    SQLiteStore.transaction = timed
    store = Store(os.path.join(tempfile.mkdtemp(), "lock.db"))
    held.clear()
    items = list(read_path(args.input))
    t0 = time.perf_counter()
    summary = ingest(store, items, prefetch=False)
    print(json.dumps({"ingest_s": round(time.perf_counter() - t0, 1), "transactions_wall_cpu_s": held,
                      "new": summary.new}))


if __name__ == "__main__":
    main()
