"""Time every page of the web interface over one store, as a reader's browser asks for them.

    python tests/web/measure_pages.py STORE.db [--runs 3]

Starts the app (with its warm-up, as ``storyline serve`` does) on 127.0.0.1, waits for the warm-up, then asks for
the home page (periods), every list page (sorts, filters, a later page), the ten top storylines and their first
events, entity pages and searches; prints the time of each page's first request (nothing of it cached but what the
warm-up reads), the slowest and median of the next ``--runs``, and its size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from conftest import LiveServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from storyline.api import create_app
    from storyline.api.app import _warm_up

    app = create_app(args.db, warm=False)
    _warm_up(args.db)  # what `storyline serve` starts in the background before the first reader arrives
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        rows = []

        def measure(paths):
            for path in paths:
                t = time.perf_counter()
                r = client.get(path)
                first = time.perf_counter() - t
                later = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    client.get(path)
                    later.append(time.perf_counter() - t)
                rows.append((path, r.status_code, len(r.content), first, max(later), statistics.median(later)))

        measure(["/", "/?span=week", "/?span=day", "/?until=2019-03-22&span=week", "/storylines",
                 "/storylines?sort=size", "/storylines?sort=recent&offset=25", "/events", "/events?sort=sources",
                 "/events?source=trouw&sort=recent", "/entities", "/entities?type=PER&sort=sources", "/quotes",
                 "/quotes?sort=recent", "/figures", "/outlets", "/search?q=brexit", "/search?q=Utrecht",
                 "/search?q=tram%20attack", "/?lang=nl"])
        # The top storylines, their first two events and entities of the first, read from the library (not by
        # asking the server, so each page's first request is still its first).
        from storyline import read
        from storyline.read import pages
        from storyline.store import Store

        store = Store(args.db, readonly=True)
        top, _ = pages.ranked(store, "storyline", limit=10)
        events = [e for r in top for e in read.get_storyline(store, r["id"]).events[:2]]
        entities = [e.id for e in read.list_entities(store, event=events[0], limit=5)] if events else []
        store.close()
        measure([f"/storylines/{r['id']}" for r in top] + [f"/events/{e}" for e in events]
                + [f"/entities/{e}" for e in entities])
    print(f"{'page':60} status     KB  first ms  max later ms  median ms")
    for path, status, size, first, worst, median in rows:
        print(f"{path[:60]:60} {status:6} {size / 1024:6.1f} {first * 1000:9.0f} {worst * 1000:13.0f} {median * 1000:10.0f}")
    firsts = [r[3] for r in rows]
    print(f"{len(rows)} pages; slowest first load {max(firsts) * 1000:.0f} ms ({rows[firsts.index(max(firsts))][0]}); "
          f"slowest later {max(r[4] for r in rows) * 1000:.0f} ms; largest {max(r[2] for r in rows) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
