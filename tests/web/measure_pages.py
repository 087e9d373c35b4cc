"""Time every page and API endpoint a reader reaches, over one store, as a browser or a program asks for them.

    python tests/web/measure_pages.py STORE.db [--runs 3] [--no-warm-up] [--json rows.jsonl] [--repeat 1]
    python tests/web/measure_pages.py BIG.db --grow-from DPG.db --copies 72   # a 100k store first, then as above

Starts the app on 127.0.0.1 and runs its warm-up (what ``storyline serve`` starts in the background before the
first reader arrives; its seconds are printed), then asks for the home page (periods), every list page (sorts,
filters, later pages), the top storylines and their first events, the biggest storyline and event, the entities
named most, searches (words and meaning), the JSON API's equivalents and the feeds. For each page it prints the
time of its first request (*first*: nothing of it cached but what the warm-up reads), the slowest and the median
of the next ``--runs`` (*later*), and its size. ``--repeat N`` starts a fresh server N times and reports the
median of each figure over the starts. The ids of the pages are read with plain SQL beforehand, so choosing them
caches nothing.

``--grow-from`` first writes STORE.db (when it does not exist) as ``--copies`` SQL clones of a store, each moved
on in time by the source's span plus a day (``storyline.store.clone``, as ``storyline bench --scale
--clone-from`` grows its stores): every table at the size, key distribution and date layout of a store of that
many articles.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from conftest import LiveServer  # noqa: E402

SLOW_MS = 1000  # the goal on a store of 100,000 articles (300 ms on the DPG corpus)


def picks(db: str) -> dict:
    """The ids the pages are about, read directly (nothing cached): the biggest storylines and events, the
    entities named in most articles, an article, the corpus's last date, and an outlet."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    one = lambda sql: (conn.execute(sql).fetchone() or [None])[0]  # noqa: E731
    out = {
        "events": [r[0] for r in conn.execute(
            "SELECT event_id FROM event_articles GROUP BY event_id ORDER BY COUNT(*) DESC, event_id LIMIT 3")],
        "storylines": [r[0] for r in conn.execute(
            "SELECT e.storyline_id FROM events e JOIN event_articles ea ON ea.event_id = e.id WHERE e.storyline_id"
            " IS NOT NULL GROUP BY e.storyline_id ORDER BY COUNT(*) DESC, e.storyline_id LIMIT 3")],
        "entities": [r[0] for r in conn.execute(
            "SELECT entity_id FROM article_entities GROUP BY entity_id ORDER BY COUNT(*) DESC LIMIT 2")],
        "article": one("SELECT id FROM articles ORDER BY seq DESC LIMIT 1"),
        "last": one("SELECT MAX(COALESCE(published, estimated_date)) FROM articles"),
        "source": one("SELECT source FROM articles WHERE source IS NOT NULL GROUP BY source ORDER BY COUNT(*) DESC"
                      " LIMIT 1"),
        "articles": one("SELECT COUNT(*) FROM articles"),
    }
    conn.close()
    return out


def paths(ids: dict) -> list[str]:
    last = (ids["last"] or "2019-04-30")[:10]
    until = last[:8] + "01" if last[8:10] > "07" else last  # a week inside the corpus, not its end
    src, ent = ids["source"] or "unknown", (ids["entities"] or [0])[0]
    out = ["/", "/?span=week", "/?span=day", "/?span=month", f"/?until={until}&span=week", "/?lang=nl"]
    for kind in ("storylines", "events"):
        out += [f"/{kind}", f"/{kind}?sort=size", f"/{kind}?sort=recent", f"/{kind}?sort=sources",
                f"/{kind}?offset=25", f"/{kind}?sort=recent&offset=25", f"/{kind}?sort=size&offset=1000",
                f"/{kind}?span=week", f"/{kind}?source={src}&sort=recent", f"/{kind}?language=nl",
                f"/{kind}?entity={ent}"]
    out += ["/entities", "/entities?type=PER&sort=sources", "/entities?sort=recent", "/entities?offset=50",
            "/entities?span=week", f"/entities?source={src}",
            "/quotes", "/quotes?sort=recent", "/quotes?sort=sources", "/quotes?offset=50", "/quotes?span=week",
            f"/quotes?entity={ent}",
            "/figures", "/figures?sort=size", "/figures?sort=sources", "/figures?offset=50", "/figures?span=week",
            f"/figures?source={src}",
            "/outlets", "/outlets?sort=recent", "/outlets?sort=sources", "/outlets?span=week",
            "/search?q=brexit", "/search?q=Utrecht", "/search?q=tram%20attack", "/search?q=brexit&offset=20"]
    out += [f"/storylines/S{s}" for s in ids["storylines"]] + [f"/events/E{e}" for e in ids["events"]]
    out += [f"/entities/{e}" for e in ids["entities"]]
    if ids["events"]:
        out += [f"/search?like=E{ids['events'][0]}"]
    if ids["article"]:
        out += [f"/articles/{ids['article']}"]
    api = ["/api/articles", "/api/articles?offset=5000", f"/api/articles?source={src}",
           f"/api/articles?entity={ent}", "/api/events", "/api/events?order=recent", "/api/events?order=size",
           "/api/events?order=sources", "/api/events?offset=5000", "/api/storylines", "/api/storylines?offset=5000",
           "/api/entities", "/api/entities?type=PER", f"/api/entities/{ent}", "/api/quotes", "/api/quotes?offset=500",
           f"/api/quotes?entity={ent}", "/api/figures", "/api/figures?offset=500", "/api/disagreements",
           "/api/search?q=brexit", "/api/search?q=brexit&source=" + src, "/api/alerts", "/feeds/alerts.atom"]
    api += [f"/api/events/E{e}" for e in ids["events"][:1]] + [f"/api/storylines/S{s}" for s in ids["storylines"][:1]]
    api += [f"/api/storylines/S{s}/timeline" for s in ids["storylines"][:1]]
    api += [f"/feeds/storylines/S{s}.atom" for s in ids["storylines"][:1]]
    api += [f"/api/developments?storyline=S{s}" for s in ids["storylines"][:1]]
    if ids["article"]:
        api += [f"/api/articles/{ids['article']}"]
    return out + api


def grow(src: str, dst: str, copies: int) -> None:
    import datetime as dt

    from storyline.store.clone import clone_store

    conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    n, first, last = conn.execute("SELECT COUNT(*), MIN(SUBSTR(COALESCE(published, estimated_date), 1, 10)),"
                                  " MAX(SUBSTR(COALESCE(published, estimated_date), 1, 10)) FROM articles").fetchone()
    conn.close()
    shift = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    info = clone_store(src, dst, copies, n, shift, progress=lambda m: print(m, file=sys.stderr))
    print(f"grew {dst}: {info['articles']:,} articles in {info['seconds']} s", file=sys.stderr)


def run_once(db: str, targets: list[str], runs: int, warm_up: bool) -> tuple[float | None, list[tuple]]:
    from storyline.api import create_app
    from storyline.api.app import _warm_up

    app = create_app(db, warm=False)
    warm_s = None
    if warm_up:
        t = time.perf_counter()
        _warm_up(db)  # what `storyline serve` starts in the background before the first reader arrives
        warm_s = time.perf_counter() - t
    rows = []
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=300) as client:
        for path in targets:
            t = time.perf_counter()
            r = client.get(path)
            first = time.perf_counter() - t
            later = []
            for _ in range(runs):
                t = time.perf_counter()
                client.get(path)
                later.append(time.perf_counter() - t)
            rows.append((path, r.status_code, len(r.content), first, max(later), statistics.median(later)))
    return warm_s, rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=3, help="later requests of each page")
    parser.add_argument("--repeat", type=int, default=1, help="fresh server starts (medians over them)")
    parser.add_argument("--no-warm-up", action="store_true", help="ask at once, without the server's warm-up")
    parser.add_argument("--only", default=None, help="only paths containing this text")
    parser.add_argument("--json", default=None, help="write one JSON object per page to this file")
    parser.add_argument("--grow-from", default=None, help="first write STORE.db as clones of this store")
    parser.add_argument("--copies", type=int, default=72, help="--grow-from: copies in the grown store")
    args = parser.parse_args()
    if args.grow_from and not Path(args.db).exists():
        grow(args.grow_from, args.db, args.copies)
    ids = picks(args.db)
    targets = [p for p in paths(ids) if args.only is None or args.only in p]
    starts = [run_once(args.db, targets, args.runs, not args.no_warm_up) for _ in range(args.repeat)]
    rows = []
    for k, path in enumerate(targets):
        per = [s[1][k] for s in starts]
        rows.append((path, per[0][1], per[0][2], statistics.median(r[3] for r in per),
                     statistics.median(r[4] for r in per), statistics.median(r[5] for r in per)))
    warm = [s[0] for s in starts if s[0] is not None]
    print(f"store {args.db}: {ids['articles']:,} articles; warm-up "
          + (f"{statistics.median(warm):.1f} s" if warm else "skipped") + f"; {args.repeat} start(s)")
    print(f"{'page':60} status     KB  first ms  max later ms  median ms")
    for path, status, size, first, worst, median in rows:
        flag = " *" if first * 1000 >= SLOW_MS or median * 1000 >= SLOW_MS else ""
        print(f"{path[:60]:60} {status:6} {size / 1024:6.1f} {first * 1000:9.0f} {worst * 1000:13.0f}"
              f" {median * 1000:10.0f}{flag}")
    firsts = [r[3] for r in rows]
    print(f"{len(rows)} pages; first load median {statistics.median(firsts) * 1000:.0f} ms, slowest "
          f"{max(firsts) * 1000:.0f} ms ({rows[firsts.index(max(firsts))][0]}); slowest later "
          f"{max(r[4] for r in rows) * 1000:.0f} ms; {sum(1 for f in firsts if f * 1000 < 300)} under 300 ms, "
          f"{sum(1 for f in firsts if f * 1000 < SLOW_MS)} under 1 s; largest {max(r[2] for r in rows) / 1024:.0f} KB")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for path, status, size, first, worst, median in rows:
                fh.write(json.dumps({"path": path, "status": status, "bytes": size, "first_ms": round(first * 1000),
                                     "max_later_ms": round(worst * 1000), "median_ms": round(median * 1000),
                                     "articles": ids["articles"], "warm_up_s": round(statistics.median(warm), 1)
                                     if warm else None}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
