"""Run Storyline on ML-Crisis and score its timelines against the references (``storyline eval timeline``).

Setup follows news-tls (Ghalandari & Ifrim 2020): per topic, the input is the
articles published within the reference timeline's span; the system is told how
many dates to produce (the reference's number of dates) and how many sentences per
date (the reference's average, rounded); scores are the alignment-based ROUGE
(align+ m:1, "AR-1/AR-2 F") and date F1 from :mod:`storyline.eval.timeline`,
averaged over topics.

Two systems:
- ``events``: the full pipeline (ingest -> enrich -> cluster); dates are the event
  dates, ranked by how many articles an event has; each date gets the cited
  summary of its largest event.
- ``pubdate``: a baseline with no clustering; dates ranked by how many articles were
  published that day; each date gets the same extractive summariser over that
  day's articles.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from storyline.eval.timeline import Timeline, evaluate, evaluate_dates, read_reference, tokenize

LOGGER = logging.getLogger(__name__)

__all__ = ["TopicResult", "run_topic", "load_topic", "LANGS", "TOPICS"]

LANGS = ("es", "fr", "it")
TOPICS = ("egypt", "libya", "syria", "yemen")
METRIC = "align_date_content_costs_many_to_one"


@dataclass
class TopicResult:
    lang: str
    topic: str
    method: str
    articles: int
    ref_dates: int
    pred_dates: int
    scores: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"lang": self.lang, "topic": self.topic, "method": self.method, "articles": self.articles,
                "ref_dates": self.ref_dates, "pred_dates": self.pred_dates, "seconds": round(self.seconds, 1),
                **{k: round(v, 4) for k, v in self.scores.items()}}


def load_topic(root: Path, lang: str, topic: str) -> tuple[Timeline, list[dict]]:
    """The reference timeline and the input articles (within the reference's span) of one topic."""
    reference = read_reference(root / lang / "reference" / f"{topic}.txt")
    if not reference:
        raise ValueError(f"empty reference timeline: {root / lang / 'reference' / (topic + '.txt')}")
    start, end = min(reference), max(reference)
    records = []
    for day_dir in sorted((root / lang / topic).iterdir()):
        try:
            day = dt.date.fromisoformat(day_dir.name)
        except ValueError:
            continue
        if not (start <= day <= end):
            continue
        for path in sorted(day_dir.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            if text:
                records.append({"id": f"{lang}/{topic}/{day_dir.name}/{path.stem}", "text": text,
                                "published": day.isoformat(), "language": lang,
                                "source": path.stem.split("_")[0]})
    return reference, records


def _shape(reference: Timeline) -> tuple[int, int]:
    n_dates = len(reference)
    per_date = max(1, round(statistics.mean(len(s) for s in reference.values())))
    return n_dates, per_date


def _day(value: str | None) -> dt.date | None:
    if not value or len(value) < 10:
        return None  # month- or year-precision dates cannot be scored against daily references
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def pubdate_timeline(records: list[dict], n_dates: int, per_date: int, encoder: str = "use") -> Timeline:
    from storyline.summarize.summary import summarize_articles

    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for r in records:
        by_day[dt.date.fromisoformat(r["published"])].append(r)
    ranked = sorted(by_day, key=lambda d: (-len(by_day[d]), d))[:n_dates]
    timeline: Timeline = {}
    for day in ranked:
        sents = summarize_articles(by_day[day], max_sentences=per_date, encoder=encoder)
        if sents:
            timeline[day] = [tokenize(s["sentence"]) for s in sents]
    return timeline


def events_timeline(records: list[dict], n_dates: int, per_date: int, encoder: str = "use") -> Timeline:
    from storyline.ingest.readers import ReadError, article_from_record
    from storyline.read import event_id, list_events
    from storyline.runner import ingest
    from storyline.store import Store
    from storyline.summarize.summary import summarize_event

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "tls.db")
        try:
            def items():
                for r in records:
                    try:
                        yield article_from_record(r, where=r["id"])
                    except ValueError as exc:
                        yield ReadError(r["id"], str(exc))

            ingest(store, items(), prefetch=False)
            events = [e.model_dump() for e in list_events(store, limit=None)]
            by_day: dict[dt.date, list[dict]] = defaultdict(list)
            for e in events:
                day = _day(e["date"])
                if day is not None:
                    by_day[day].append(e)
            size = {d: max(len(e["articles"]) for e in evs) for d, evs in by_day.items()}
            total = {d: sum(len(e["articles"]) for e in evs) for d, evs in by_day.items()}
            ranked = sorted(by_day, key=lambda d: (-size[d], -total[d], d))[:n_dates]
            timeline: Timeline = {}
            for day in ranked:
                biggest = max(by_day[day], key=lambda e: len(e["articles"]))
                sents = summarize_event(store.conn, event_id(biggest["id"]), max_sentences=per_date, encoder=encoder)
                if sents:
                    timeline[day] = [tokenize(s["sentence"]) for s in sents]
            return timeline
        finally:
            store.close()


SYSTEMS: dict[str, Callable[..., Timeline]] = {"events": events_timeline, "pubdate": pubdate_timeline}


def run_topic(root: Path, lang: str, topic: str, method: str, encoder: str = "use") -> TopicResult:
    if method not in SYSTEMS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(SYSTEMS)}")
    t0 = time.perf_counter()
    reference, records = load_topic(root, lang, topic)
    n_dates, per_date = _shape(reference)
    predicted = SYSTEMS[method](records, n_dates, per_date, encoder=encoder)
    scores = evaluate(predicted, [reference], METRIC)
    dates = evaluate_dates(predicted, [reference])
    return TopicResult(lang=lang, topic=topic, method=method, articles=len(records), ref_dates=n_dates,
                       pred_dates=len(predicted), seconds=time.perf_counter() - t0,
                       scores={"ar1_f": scores["rouge_1"]["f_score"], "ar2_f": scores["rouge_2"]["f_score"],
                               "date_f1": dates["f_score"]})


def mean_scores(results: list[TopicResult]) -> dict[str, float]:
    keys = ("ar1_f", "ar2_f", "date_f1")
    return {k: round(statistics.mean(r.scores[k] for r in results), 4) for k in keys} if results else {}


def count_by(results: list[TopicResult], key: str) -> Counter:
    return Counter(getattr(r, key) for r in results)
