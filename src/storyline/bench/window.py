"""One live replay window on an existing store, for before/after comparisons of a change.

``python -m storyline.bench.window STORE.db N [--cache-file F]`` continues the replayed stream the store
holds by ``N`` articles (as ``storyline bench --scale --keep-db`` does) and prints one JSON row: CPU and wall
ms per article, assignment latency, stage times, and how many candidate clusters each lookup returned. Run
two versions on two copies of one store at the same time so they share the machine's load.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from storyline.bench.corpus import data_dir
from storyline.bench.scaling import run_scaling
from storyline.store import Store
from storyline.store import events as q


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--cache-file", type=Path, default=None, help="model cache written by storyline bench --scale")
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"error: no store at {args.db}")
    store = Store(args.db)
    start = store.count_articles()
    store.close()
    calls = {"event": [0, 0], "storyline": [0, 0]}
    original = q.candidates

    def counted(conn, kind, *rest, **kw):
        out = original(conn, kind, *rest, **kw)
        calls[kind][0] += 1
        calls[kind][1] += len(out)
        return out

    q.candidates = counted  # the cluster stage looks the function up through the module at call time
    try:
        run = run_scaling(str(args.db), data_dir(args.data), start + args.n, every=args.n, cache_file=args.cache_file)
    finally:
        q.candidates = original
    row = run["rows"][-1] if run["rows"] else {}
    row["candidates_per_lookup"] = {k: round(v[1] / max(v[0], 1), 2) for k, v in calls.items()}
    print(json.dumps({"start": start, **row}))


if __name__ == "__main__":
    main()
