"""Timeline summarisation evaluation as in news-tls: alignment-based ROUGE-1/2 and date F1.

A port of tilse 0.2.1 (Martschat & Markert, EACL 2017; the toolkit news-tls uses)
rather than the package itself: tilse pulls spaCy, textacy and numba and runs ROUGE
through Perl, none of which the metric needs. Ported faithfully from
``tilse/evaluation/rouge.py`` with its ``RougeReimplementation`` counting
(lower-case, ROUGE's SMART stop-word list removed, Porter stems, clipped n-gram
matches summed over references) and ``tilse/evaluation/dates.py``; the tests replay
tilse's own worked examples. news-tls reports ``align_date_content_costs_many_to_one``
("AR-1/AR-2 F") and date F1.

A timeline here is ``{datetime.date: [sentence, ...]}`` with tokens separated by spaces.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import string
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

__all__ = ["Timeline", "METRICS", "evaluate", "evaluate_dates", "rouge_counts", "read_reference", "tokenize",
           "f_score"]

Timeline = dict[dt.date, list[str]]
MEASURES = ("rouge_1", "rouge_2")
_PUNCT = {".", ",", ";", ":", "``", "''", "-", '"'}


def f_score(prec: float, rec: float, beta: float = 1.0) -> float:
    if prec + rec == 0:
        return 0.0
    return (1 + beta ** 2) * prec * rec / (beta ** 2 * prec + rec)


def tokenize(text: str) -> str:
    """Space-separated tokens with punctuation split off, the form the references are in."""
    return " ".join(re.findall(r"\w+(?:[-'’]\w+)*|[^\w\s]", text))


# --------------------------------------------------------------------------- ROUGE counts
@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    text = resources.files("storyline.summarize").joinpath("smart_common_words.txt").read_text(encoding="utf-8")
    return frozenset(text.splitlines())


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    try:
        return _stemmer().stem(token)
    except IndexError:  # as tilse's _robust_porter_stemmer
        return token


def _tokens(sentences: Iterable[list[str]]) -> list[str]:
    ignore = _stopwords() | _PUNCT
    return [_stem(t.lower()) for sent in sentences for t in sent if t.lower() not in ignore]


def rouge_counts(summary: list[list[str]], references: dict[str, list[list[str]]]) -> dict[str, float]:
    """tilse's RougeReimplementation.score_summary: h (match), p (precision denom), m (recall denom) counts."""
    pred = _tokens(summary)
    refs = {name: _tokens(sents) for name, sents in references.items()}
    out: dict[str, float] = {}
    for n, measure in ((1, "rouge_1"), (2, "rouge_2")):
        pred_counts = collections.Counter(zip(*[pred[i:] for i in range(n)]))
        ref_counts = {name: collections.Counter(zip(*[toks[i:] for i in range(n)])) for name, toks in refs.items()}
        match = sum(min(c, ref_counts[name][gram]) for gram, c in pred_counts.items() for name in ref_counts)
        out[f"{measure}_h_count"] = match
        out[f"{measure}_p_count"] = len(ref_counts) * sum(pred_counts.values())
        out[f"{measure}_m_count"] = sum(sum(c.values()) for c in ref_counts.values())
    return out


def _rouge_approximation(pred_summary: list[str], groundtruth: list[list[str]]) -> float:
    """tilse.evaluation.util.compute_rouge_approximation: a cheap ROUGE-1 F for the alignment costs."""
    pred_counts = collections.Counter()
    for sent in pred_summary:
        pred_counts.update(k for k in sent.split() if k not in string.punctuation)
    ref_counts = {}
    for i, summary in enumerate(groundtruth):
        ref_counts[i] = collections.Counter()
        for sent in summary:
            ref_counts[i].update(k for k in sent.split() if k not in string.punctuation)
    match = sum(min(c, ref_counts[x][tok]) for tok, c in pred_counts.items() for x in ref_counts)
    prec_denom = len(ref_counts) * sum(pred_counts.values())
    rec_denom = sum(sum(c.values()) for c in ref_counts.values())
    precision = match / prec_denom if prec_denom else 0.0
    recall = match / rec_denom if rec_denom else 0.0
    return f_score(precision, recall)


# --------------------------------------------------------------------------- metrics
def _at(refs: list[Timeline], date: dt.date) -> dict[str, list[str]]:
    return {str(i): tl.get(date, []) for i, tl in enumerate(refs)}


def _split(sents: list[str]) -> list[list[str]]:
    return [s.split() for s in sents]


def _scores(num: dict, pden: dict, rnum: dict, rden: dict, beta: float = 1.0) -> dict:
    out = {}
    for m in MEASURES:
        p_den, r_den = sum(pden[m]), sum(rden[m])
        prec = sum(num[m]) / p_den if p_den else 0.0
        rec = sum(rnum[m]) / r_den if r_den else 0.0
        out[m] = {"precision": prec, "recall": rec, "f_score": f_score(prec, rec, beta)}
    return out


def _concat(pred: Timeline, refs: list[Timeline]) -> dict:
    pred_sents = [s.split() for d in sorted(pred) for s in pred[d]]
    ref_sents = {str(i): [s.split() for d in sorted(tl) for s in tl[d]] for i, tl in enumerate(refs)}
    c = rouge_counts(pred_sents, ref_sents)
    return _scores({m: [c[f"{m}_h_count"]] for m in MEASURES}, {m: [c[f"{m}_p_count"]] for m in MEASURES},
                   {m: [c[f"{m}_h_count"]] for m in MEASURES}, {m: [c[f"{m}_m_count"]] for m in MEASURES})


def _agreement(pred: Timeline, refs: list[Timeline]) -> dict:
    pn, pd, rn, rd = (collections.defaultdict(list) for _ in range(4))
    pred_dates = set(pred)
    ref_dates = set().union(*[set(tl) for tl in refs]) if refs else set()
    for date in pred_dates | ref_dates:
        gt = {name: _split(s) for name, s in _at(refs, date).items()}
        c = rouge_counts(_split(pred.get(date, [])), gt)
        for m in MEASURES:
            if date in pred_dates:
                pn[m].append(c[f"{m}_h_count"])
                pd[m].append(c[f"{m}_p_count"])
            if date in ref_dates:
                rn[m].append(c[f"{m}_h_count"])
                rd[m].append(c[f"{m}_m_count"])
    return _scores(pn, pd, rn, rd)


def _date_costs(a_dates, b_dates, pred, refs, axis):
    a, b = (a_dates, b_dates) if axis == 0 else (b_dates, a_dates)
    return np.array([[1 - 1 / (abs(s.toordinal() - t.toordinal()) + 1) for t in b] for s in a])


def _date_content_costs(a_dates, b_dates, pred, refs, axis):
    a, b = (a_dates, b_dates) if axis == 0 else (b_dates, a_dates)
    costs = []
    for s in a:
        row = []
        for t in b:
            date_factor = 1 - 1 / (abs(s.toordinal() - t.toordinal()) + 1)
            date_pred, date_ref = (s, t) if axis == 0 else (t, s)
            ref_at = _at(refs, date_ref)
            content = 1 - _rouge_approximation(pred.get(date_pred, []), [ref_at[n] for n in ref_at])
            row.append(date_factor * content)
        costs.append(row)
    return np.array(costs)


def _min_cost(cost_matrix: np.ndarray):
    """Many-to-one: every row goes to its cheapest column (tilse's _assign_to_min_cost)."""
    return np.arange(len(cost_matrix)), np.array([row.argmin() for row in cost_matrix], dtype=int)


def _hungarian(cost_matrix: np.ndarray):
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(cost_matrix)


def _per_day_mapping(pred: Timeline, refs: list[Timeline], compute_costs: Callable, assign: Callable) -> dict:
    pn, pd, rn, rd = (collections.defaultdict(list) for _ in range(4))
    pred_dates = sorted(pred)
    ref_dates = sorted(set().union(*[set(tl) for tl in refs])) if refs else []
    if pred_dates and ref_dates:
        prec_row, prec_col = assign(compute_costs(pred_dates, ref_dates, pred, refs, 0))
        rec_row, rec_col = assign(compute_costs(pred_dates, ref_dates, pred, refs, 1))
    else:
        prec_row = prec_col = rec_row = rec_col = np.array([], dtype=int)
    for row, col in zip(prec_row, prec_col):
        p_date, r_date = pred_dates[row], ref_dates[col]
        gt = {n: _split(s) for n, s in _at(refs, r_date).items()}
        c = rouge_counts(_split(pred[p_date]), gt)
        weight = 1 / (abs(p_date.toordinal() - r_date.toordinal()) + 1)
        for m in MEASURES:
            pn[m].append(weight * c[f"{m}_h_count"])
            pd[m].append(c[f"{m}_p_count"])
    matched = set(int(r) for r in prec_row)
    for i, p_date in enumerate(pred_dates):
        if i not in matched:
            c = rouge_counts(_split(pred[p_date]), {str(k): [[""]] for k in range(len(refs))})
            for m in MEASURES:
                pn[m].append(c[f"{m}_h_count"])
                pd[m].append(c[f"{m}_p_count"])
    for row, col in zip(rec_row, rec_col):
        p_date, r_date = pred_dates[col], ref_dates[row]
        gt = {n: _split(s) for n, s in _at(refs, r_date).items()}
        c = rouge_counts(_split(pred[p_date]), gt)
        weight = 1 / (abs(p_date.toordinal() - r_date.toordinal()) + 1)
        for m in MEASURES:
            rn[m].append(weight * c[f"{m}_h_count"])
            rd[m].append(c[f"{m}_m_count"])
    matched = set(int(r) for r in rec_row)
    for i, r_date in enumerate(ref_dates):
        if i not in matched:
            gt = {n: _split(s) for n, s in _at(refs, r_date).items()}
            c = rouge_counts([[""]], gt)
            for m in MEASURES:
                rn[m].append(c[f"{m}_h_count"])
                rd[m].append(c[f"{m}_m_count"])
    return _scores(pn, pd, rn, rd)


METRICS: dict[str, Callable[[Timeline, list[Timeline]], dict]] = {
    "concat": _concat,
    "agreement": _agreement,
    "align_date_costs": lambda p, r: _per_day_mapping(p, r, _date_costs, _hungarian),
    "align_date_content_costs": lambda p, r: _per_day_mapping(p, r, _date_content_costs, _hungarian),
    "align_date_content_costs_many_to_one": lambda p, r: _per_day_mapping(p, r, _date_content_costs, _min_cost),
}


def evaluate(pred: Timeline, refs: list[Timeline], metric: str = "align_date_content_costs_many_to_one") -> dict:
    """``{"rouge_1": {"precision","recall","f_score"}, "rouge_2": {...}}`` for one predicted timeline."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    return METRICS[metric](pred, refs)


def evaluate_dates(pred: Timeline, refs: list[Timeline]) -> dict:
    """Date precision/recall/F1 against the union of the reference dates (tilse.evaluation.dates)."""
    pred_dates = set(pred)
    ref_dates = set().union(*[set(tl) for tl in refs]) if refs else set()
    both = pred_dates & ref_dates
    prec = len(both) / len(pred_dates) if pred_dates else 0.0
    rec = len(both) / len(ref_dates) if ref_dates else 0.0
    return {"precision": prec, "recall": rec, "f_score": f_score(prec, rec)}


# --------------------------------------------------------------------------- reference files
def read_reference(path: Path) -> Timeline:
    """A tilse-format timeline file: a date line, its sentences, a line of dashes; repeated dates merge."""
    timeline: Timeline = {}
    date: dt.date | None = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if set(line) == {"-"}:
            date = None
            continue
        if date is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", line):
            date = dt.date.fromisoformat(line)
            timeline.setdefault(date, [])
            continue
        if date is not None:
            timeline[date].append(line)
    return timeline
