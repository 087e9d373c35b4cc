"""Run the mention stage and the linker over the DPG 2019 corpus (held-out ids left out) and dump the entities.

    python scripts/dpg_entities_run.py OUT.json [--sample 50 --seed 1]

OUT.json: every live entity with name, type, variants (with counts), number of articles, point and country.
With --sample N: also print N entities drawn at random (for reading them).
"""

import argparse
import json
import random
import time

from storyline.eval.dpg import read_articles
from storyline.eval.entities_dpg import _articles, predict
from storyline.settings import data_dir


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    held = set(open(data_dir().parent / "heldout" / "dpg-quotes-figures-ids.txt").read().split())
    ids = [i for i in read_articles(data_dir() / "dpgmedia2019-partisan-nl") if i not in held]
    articles = _articles(ids)
    t0 = time.perf_counter()
    pred = predict(articles)
    t1 = time.perf_counter()
    from storyline.enrich.entities import link_mentions
    from storyline.enrich.places import get_gazetteer
    from storyline.records import Article
    from storyline.store import Store
    from storyline.store.entities import EntityRepo

    store = Store(":memory:")
    with store.transaction():
        for a in articles:
            store.save_article(Article(id=a.id, text=a.text, language="nl", source="dpg"))
            store.insert_mentions(a.id, pred[a.id])
        link_mentions(store, [a.id for a in articles], gazetteer=get_gazetteer(), use_events=False,
                      languages={a.id: "nl" for a in articles})
    t2 = time.perf_counter()
    repo = EntityRepo(store.conn)
    rows = repo.list_entities(limit=None)
    ids_ = [r["id"] for r in rows]
    variants = {}
    for i in ids_:
        variants[i] = repo.entity_variants(i)
    arts = repo.articles_for(ids_)
    out = [{"id": r["id"], "name": r["name"], "type": r["type"], "variants": variants[r["id"]],
            "articles": len(arts[r["id"]]), "lat": r["lat"], "lon": r["lon"], "country": r["country"],
            "mentions": r["mention_count"]} for r in rows]
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, indent=0)
    print(f"{len(articles)} articles, {sum(len(v) for v in pred.values())} mentions, {len(out)} entities; "
          f"NER {t1 - t0:.1f} s, linking {t2 - t1:.1f} s")
    if args.sample:
        for e in random.Random(args.seed).sample(out, args.sample):
            print(json.dumps(e, ensure_ascii=False))


if __name__ == "__main__":
    main()
