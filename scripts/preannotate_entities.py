"""Draft entity labels for DPG articles from the system's output, to be corrected by reading.

    python scripts/preannotate_entities.py IDS.json OUT.jsonl

IDS.json: a JSON list of article ids (never the held-out ids). The draft has the gold file's format
(see src/storyline/eval/entities_dpg.py); the entity names are the system's, made unique.
"""

import json
import sys
from collections import defaultdict

from storyline.eval.entities_dpg import _articles, _entities_in_store, predict


def main(ids_path: str, out_path: str) -> None:
    held = set(open("/work/shared/heldout/dpg-quotes-figures-ids.txt").read().split())
    ids = [str(i) for i in json.load(open(ids_path))]
    if held & set(ids):
        raise SystemExit("held-out ids in the selection")
    articles = _articles(ids)
    pred = predict(articles)
    linked, info = _entities_in_store({a.id: a.text for a in articles}, pred)
    names: dict[int, str] = {}
    used: dict[str, int] = defaultdict(int)
    entities = {}
    with open(out_path, "w", encoding="utf-8") as fh:
        for a in articles:
            rows = []
            for m in sorted(pred[a.id], key=lambda m: m.start):
                eid = linked.get((a.id, m.start, m.end))
                if eid not in names:
                    type_, lat, lon, name = info[eid]
                    used[name] += 1
                    names[eid] = name if used[name] == 1 else f"{name} ({used[name]})"
                    entities[names[eid]] = {"type": type_, "lat": lat, "lon": lon}
                rows.append({"start": m.start, "end": m.end, "text": m.text, "entity": names[eid]})
            fh.write(json.dumps({"id": a.id, "mentions": rows}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"entities": entities}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
