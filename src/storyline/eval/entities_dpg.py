"""Entity mentions, types, cross-document links and places on Dutch news (``storyline eval entities --gold``).

Gold: ``labels/dpg-dev-entities.jsonl`` (protocol: ``labels/dpg-dev-entities.md``), one line per DPG 2019
article: ``{"id", "mentions": [{"start", "end", "text", "entity"}]}`` with character offsets into the
article text, and one last line ``{"entities": {entity: {"type", "lat", "lon"}}}``: the entity's type
(PER, ORG, LOC, MISC) and, for a place that has a point on the map, its coordinates (None for a place
a reader cannot locate, or that is not a point).

Measured, with the system run as the runner runs it (NER stage, then the linker on an in-memory store):

* mention F1: exact character spans;
* type accuracy: of the gold mentions the system found exactly, the share whose *entity* type is right;
* linking on gold mentions (the linker fed the gold spans with the system's types where it found them,
  else the gold type): MUC, B³, CEAF-e, CoNLL F1, and false merges: for every system entity, the number
  of gold entities in it beyond the first, per 100 gold entities;
* the same linking scores on predicted mentions (a gold mention takes the entity of the predicted
  mention that covers its first character, else stays alone);
* places: of the gold entities with coordinates, the share the system places within 25 km; of the gold
  entities without, the share it leaves without coordinates.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from storyline.errors import EvalDataError
from storyline.eval.entities import clusters_of, conll_f1

__all__ = ["DEFAULT_GOLD", "load_gold", "evaluate_gold", "predict", "false_merges"]

DEFAULT_GOLD = Path(__file__).resolve().parent / "labels" / "dpg-dev-entities.jsonl"
PLACE_KM = 25.0


@dataclass(frozen=True)
class _M:
    text: str
    type: str
    start: int
    end: int
    sentence: int


def load_gold(path: Path = DEFAULT_GOLD) -> tuple[list[dict], dict[str, dict]]:
    """(article lines, entity table)."""
    docs, entities = [], {}
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                if "entities" in row:
                    entities.update(row["entities"])
                else:
                    docs.append(row)
    except OSError as exc:
        raise EvalDataError(f"cannot read entity labels {path}: {exc}") from exc
    missing = {m["entity"] for d in docs for m in d["mentions"]} - set(entities)
    if missing:
        raise EvalDataError(f"{path}: entities without a type line: {sorted(missing)[:5]}")
    return docs, entities


def _articles(ids: Iterable[str]):
    from storyline.eval.dpg import read_articles
    from storyline.records import Article
    from storyline.settings import data_dir

    rows = read_articles(data_dir() / "dpgmedia2019-partisan-nl")
    out = []
    for i in ids:
        row = rows.get(str(i))
        if row is None:
            raise EvalDataError(f"article {i} of the entity labels is not in the DPG corpus")
        out.append(Article(id=str(i), text=row.get("text") or "", title=row.get("title"), language="nl",
                           published=(row.get("published_at") or "")[:10] or None, source="dpg"))
    return out


def predict(articles) -> dict[str, list]:
    """article id -> predicted mentions, from the registry's mention stage as the runner runs it."""
    from storyline.enrich.registry import STAGES

    for spec in STAGES:
        if spec.batch and spec.field == "mentions":
            found = spec.func(articles)
            return {a.id: list(found.get(a.id, ())) for a in articles}
    return {a.id: [] for a in articles}


def _entities_in_store(texts: dict[str, str], by_doc: dict[str, list]) -> tuple[dict, dict]:
    """Link in an in-memory store; (doc, start, end) -> entity id, and entity id -> (type, lat, lon, name)."""
    from storyline.enrich.entities import link_mentions
    from storyline.enrich.places import get_gazetteer
    from storyline.records import Article
    from storyline.store import Store

    store = Store(":memory:")
    try:
        ids = sorted(texts)
        with store.transaction():
            for doc in ids:
                store.save_article(Article(id=doc, text=texts[doc], language="nl", source=doc))
                store.insert_mentions(doc, by_doc.get(doc, []))
            link_mentions(store, ids, gazetteer=get_gazetteer(), use_events=False, languages={i: "nl" for i in ids})
            spans, info = {}, {}
            for m in store.mentions_for_articles(ids):
                eid = store.resolve_id(m.entity_id) if m.entity_id else None
                spans[(m.article_id, m.start, m.end)] = eid
                if eid is not None and eid not in info:
                    row = store.entity_row(eid)
                    info[eid] = (row["type"], row["lat"], row["lon"], row["name"])
        return spans, info
    finally:
        store.close()


def false_merges(key_of: dict, response: list[set]) -> int:
    """Gold entities joined to another gold entity by the system: sum over system entities of (gold entities - 1)."""
    return sum(max(0, len({key_of[m] for m in c if m in key_of}) - 1) for c in response)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def evaluate_gold(path: Path = DEFAULT_GOLD, *, details: bool = False) -> dict:
    docs, entities = load_gold(path)
    articles = _articles(d["id"] for d in docs)
    texts = {a.id: a.text for a in articles}
    for d in docs:
        for m in d["mentions"]:
            if texts[d["id"]][m["start"]:m["end"]] != m["text"]:
                raise EvalDataError(f"{path}: article {d['id']}: span {m['start']}-{m['end']} is "
                                    f"{texts[d['id']][m['start']:m['end']]!r}, label says {m['text']!r}")
    pred = predict(articles)
    gold_spans = {(d["id"], m["start"], m["end"]): m for d in docs for m in d["mentions"]}
    pred_spans = {(doc, m.start, m.end): m for doc, ms in pred.items() for m in ms}
    tp = len(set(gold_spans) & set(pred_spans))
    p = tp / len(pred_spans) if pred_spans else 0.0
    r = tp / len(gold_spans) if gold_spans else 0.0
    mention = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": len(gold_spans),
               "predicted": len(pred_spans)}

    # predicted run: mentions, types, places
    linked, info = _entities_in_store(texts, pred)
    typed = [(info[linked[s]][0] if linked.get(s) is not None else None, entities[m["entity"]]["type"])
             for s, m in gold_spans.items() if s in pred_spans]
    type_acc = sum(a == b for a, b in typed) / len(typed) if typed else 0.0
    type_errors = Counter(f"{b}->{a}" for a, b in typed if a != b)
    by_doc_pred: dict[str, list] = defaultdict(list)
    for (doc, s, e), eid in linked.items():
        by_doc_pred[doc].append((s, e, eid))
    gold_ids = list(gold_spans)
    key_of = {i: gold_spans[g]["entity"] for i, g in enumerate(gold_ids)}
    key = clusters_of(key_of)
    assign = {}
    for i, (doc, s, e) in enumerate(gold_ids):
        hit = next((eid for a, b, eid in by_doc_pred[doc] if a <= s < b and eid is not None), None)
        assign[i] = hit if hit is not None else ("alone", i)
    pred_link = conll_f1(key, clusters_of(assign))
    pred_link["false_merges"] = false_merges(key_of, clusters_of(assign))

    # places: per gold entity, the system entity most of its found mentions went to
    place_votes: dict[str, Counter] = defaultdict(Counter)
    for i, g in enumerate(gold_ids):
        if not isinstance(assign[i], tuple):
            place_votes[key_of[i]][assign[i]] += 1
    placed = unplaced = placed_ok = unplaced_ok = 0
    place_errors = []
    for name, meta in entities.items():
        if meta["type"] != "LOC" or name not in place_votes:
            continue
        eid = place_votes[name].most_common(1)[0][0]
        _, lat, lon, sys_name = info.get(eid, (None, None, None, None))
        if meta.get("lat") is not None:
            placed += 1
            ok = lat is not None and _km((meta["lat"], meta["lon"]), (lat, lon)) <= PLACE_KM
            placed_ok += ok
        else:
            unplaced += 1
            ok = lat is None
            unplaced_ok += ok
        if not ok:
            place_errors.append({"gold": name, "system": sys_name, "lat": lat, "lon": lon})

    # gold-mention run: linking alone
    gold_by_doc: dict[str, list] = defaultdict(list)
    for (doc, s, e), m in gold_spans.items():
        pm = pred_spans.get((doc, s, e))
        gold_by_doc[doc].append(_M(m["text"], pm.type if pm else entities[m["entity"]]["type"], s, e, 0))
    glinked, _ = _entities_in_store(texts, gold_by_doc)
    gassign = {i: glinked.get(g, ("alone", i)) for i, g in enumerate(gold_ids)}
    gresp = clusters_of(gassign)
    gold_link = conll_f1(key, gresp)
    gold_link["false_merges"] = false_merges(key_of, gresp)
    n_entities = len(key)
    result = {
        "articles": len(docs), "gold_mentions": len(gold_spans), "gold_entities": n_entities,
        "cross_document_gold_entities": sum(1 for c in key if len({gold_ids[i][0] for i in c}) > 1),
        "mentions": mention, "type_accuracy": type_acc, "typed_mentions": len(typed),
        "gold_mentions_linking": gold_link, "predicted_mentions_linking": pred_link,
        "false_merges_per_100_entities": 100.0 * gold_link["false_merges"] / max(1, n_entities),
        "places": {"with_point": placed, "within_25km": placed_ok, "without_point": unplaced,
                   "left_without": unplaced_ok},
        "baseline_same_string": conll_f1(key, clusters_of({i: gold_spans[g]["text"].lower()
                                                          for i, g in enumerate(gold_ids)})),
    }
    if details:
        merged = []
        for c in gresp:
            names = Counter(key_of[i] for i in c)
            if len(names) > 1:
                merged.append(dict(names))
        result["details"] = {"false_merges": merged, "type_errors": dict(type_errors.most_common()),
                             "place_errors": place_errors,
                             "missed": sorted(gold_spans[s]["text"] for s in set(gold_spans) - set(pred_spans)),
                             "spurious": sorted(pred_spans[s].text for s in set(pred_spans) - set(gold_spans))}
    return result

