"""Unsupervised statistics of a clustered store: event and storyline counts and size distributions.

For corpora without event labels (e.g. DPG Media 2019):
``python -m storyline.eval.stats DB [--json] [--sample N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter

from storyline.store import Store
from storyline.store import events as q


def stats(store: Store, sample: int = 0, seed: int = 0) -> dict:
    ev_sizes = store.event_sizes()
    sl_sizes = store.storyline_sizes()
    out = {
        "articles": sum(ev_sizes), "events": len(ev_sizes), "storylines": len(sl_sizes),
        "articles_alone": sum(1 for n in ev_sizes if n == 1),
        "event_sizes": dict(sorted(Counter(ev_sizes).items())),
        "events_per_storyline": dict(sorted(Counter(sl_sizes).items())),
    }
    if sample:
        multi = store.event_ids(min_articles=2)
        chosen = random.Random(seed).sample(multi, min(sample, len(multi)))
        out["sample"] = [{"id": q.event_label(e), "titles": [a.title for a in store.get_articles(
            q.get_event(store.conn, e)["articles"])]} for e in sorted(chosen)]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--sample", type=int, default=0, help="also list the titles of N random multi-article events")
    args = ap.parse_args(argv)
    store = Store(args.db, readonly=True)
    print(json.dumps(stats(store, args.sample), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
