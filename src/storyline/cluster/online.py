"""Online event clustering and storyline linking over a stream of articles.

Each article, in publication order, is compared with a bounded set of candidate events (found through an
inverted index of distinctive lemmas and names over recently active events, see :class:`Backend`); it joins
the best one if a learned score clears a threshold, otherwise it opens a new event. A new event is linked
the same way to a storyline (or opens one). Nothing is ever re-assigned, so ids shown to a user stay valid.

The score is a logistic model over a few signals (embedding cosine, lexical TF-IDF cosine, name
cosine, time proximity with decay, a cross-lingual flag); its fitted weights live in ``params.py``, its
thresholds and gates in the settings (``ClusterSettings``). A pair without a publication date, or whose
dates say little (the same month), is scored against each of the event's latest members instead of its
running sums (``OnlineClusterer.event_score``).
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from typing import Iterable, Protocol

import numpy as np

from storyline.cluster import params
from storyline.cluster.signals import EMBED_DIM, Signals, interval_gap, sparse_cos
from storyline.settings import ClusterSettings

CLUSTER_LEX_TERMS = 150
CLUSTER_NAME_KEYS = 80
ARTICLE_KEYS_LEX = 12
ARTICLE_KEYS_NAMES = 8
CLUSTER_KEYS = 40
MEMBER_EMBEDDINGS = 8
CLUSTER_QUOTE_SHINGLES = 300
CLUSTER_NUMBERS = 60
CLUSTER_TITLES = 20
# Events keep their latest members one by one too: a pair without dates is scored member by member (see
# OnlineClusterer.event_score).
MEMBER_VIEWS = 16


@dataclass
class Cluster:
    """Running sums of member signals: an event or a storyline."""

    id: int
    kind: str  # "event" or "storyline"
    emb_sum: np.ndarray = field(default_factory=lambda: np.zeros(EMBED_DIM, dtype=np.float32))
    lex: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    n: int = 0
    day: tuple[int, int] | None = None  # span of day-precise member dates
    coarse: tuple[int, int] | None = None  # span of all member date intervals
    # The date interval of the earliest day-precise member: an event's happening; "same day" for the join rule
    # means this day (``OnlineClusterer.day_agreement``).
    anchor: tuple[int, int] | None = None
    languages: set[str] = field(default_factory=set)
    title: str | None = None
    parent: int | None = None  # storyline of an event
    last_seq: int = 0
    keys: set[str] = field(default_factory=set)
    # Embeddings of the latest members: the best single match catches reports the centroid drifted from.
    members: list = field(default_factory=list)
    quotes: list = field(default_factory=list)  # quote shingles of members, latest last (bounded)
    numbers: dict = field(default_factory=dict)  # number -> members stating it (the most stated kept)
    years: set = field(default_factory=set)
    titles: list = field(default_factory=list)  # [folded title, first day] of the latest members
    # Events: the latest members, each a one-article Cluster, or its state as JSON text until first needed (a
    # member never changes, so it is serialised once; dated news never reads it back).
    views: list = field(default_factory=list)
    # Opened by an opinion or rubric item: news reports never join it, nor it a news event (and a news event
    # never joins a storyline that only such items opened).
    rubric: bool = False
    _json: str | None = field(default=None, repr=False, compare=False)  # a member's state, serialised once

    @property
    def interval(self) -> tuple[int, int] | None:
        return self.day or self.coarse

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.emb_sum))
        return self.emb_sum / norm if norm > 0 else self.emb_sum

    def add(self, sig: Signals, precise: bool) -> None:
        if self.kind == "event" and self.n >= 1:
            # Until a second member joins, the event is its one member: no copy is kept (most events stay single).
            # (An event stored before member views existed keeps none: its sums become its first.)
            first = self.views or [self._as_member()]
            self.views = (first + [member_view(sig, precise)])[-MEMBER_VIEWS:]
        self.emb_sum = self.emb_sum + sig.emb
        self.members = (self.members + [sig.emb.astype(np.float16)])[-MEMBER_EMBEDDINGS:]
        if sig.quotes:
            seen = set(self.quotes)
            self.quotes = (self.quotes + sorted(q for q in sig.quotes if q not in seen))[-CLUSTER_QUOTE_SHINGLES:]
        if sig.numbers:
            self.numbers = _add_sparse(self.numbers, dict.fromkeys(sig.numbers, 1), CLUSTER_NUMBERS)
        self.years |= sig.years
        if sig.title_key:
            self.titles = (self.titles + [[sig.title_key, sig.interval[0] if sig.interval else None]])[-CLUSTER_TITLES:]
        self.lex = _add_sparse(self.lex, sig.lex, CLUSTER_LEX_TERMS)
        self.names = _add_sparse(self.names, sig.names, CLUSTER_NAME_KEYS)
        self.n += 1
        if sig.interval is not None:
            self.coarse = _union(self.coarse, sig.interval)
            if precise:
                self.day = _union(self.day, sig.interval)
                if self.anchor is None or sig.interval[0] < self.anchor[0]:
                    self.anchor = tuple(sig.interval)
        if sig.language:
            self.languages.add(sig.language)
        if self.kind == "member":
            return  # never indexed
        top_lex = sorted(self.lex, key=lambda k: -self.lex[k])[:CLUSTER_KEYS]
        top_names = sorted(self.names, key=lambda k: -self.names[k])[:CLUSTER_KEYS // 2]
        self.keys = {"l:" + k for k in top_lex} | {"n:" + k for k in top_names}

    def absorb(self, other: "Cluster") -> None:
        """Take in another event's members (a same-day merge): sums add up, bounded lists keep the latest."""
        mine = self.views or ([self._as_member()] if self.n else [])
        theirs = other.member_views() or ([other._as_member()] if other.n else [])
        self.views = (mine + theirs)[-MEMBER_VIEWS:]
        self.emb_sum = self.emb_sum + other.emb_sum
        self.members = (self.members + other.members)[-MEMBER_EMBEDDINGS:]
        seen = set(self.quotes)
        self.quotes = (self.quotes + [q for q in other.quotes if q not in seen])[-CLUSTER_QUOTE_SHINGLES:]
        self.numbers = _add_sparse(self.numbers, other.numbers, CLUSTER_NUMBERS)
        self.years |= other.years
        self.titles = (self.titles + other.titles)[-CLUSTER_TITLES:]
        self.lex = _add_sparse(self.lex, other.lex, CLUSTER_LEX_TERMS)
        self.names = _add_sparse(self.names, other.names, CLUSTER_NAME_KEYS)
        self.n += other.n
        for span in ("day", "coarse"):
            if getattr(other, span) is not None:
                setattr(self, span, _union(getattr(self, span), getattr(other, span)))
        if other.anchor is not None and (self.anchor is None or other.anchor[0] < self.anchor[0]):
            self.anchor = other.anchor
        self.languages |= other.languages
        self.last_seq = max(self.last_seq, other.last_seq)
        top_lex = sorted(self.lex, key=lambda k: -self.lex[k])[:CLUSTER_KEYS]
        top_names = sorted(self.names, key=lambda k: -self.names[k])[:CLUSTER_KEYS // 2]
        self.keys = {"l:" + k for k in top_lex} | {"n:" + k for k in top_names}

    def _as_member(self) -> "Cluster":
        return Cluster(id=0, kind="member", emb_sum=self.emb_sum.copy(), lex=dict(self.lex), names=dict(self.names),
                       n=self.n, day=self.day, coarse=self.coarse, languages=set(self.languages),
                       quotes=list(self.quotes), numbers=dict(self.numbers), years=set(self.years))

    # The state blob: JSON (portable to another SQL backend), the embedding sum as base64 float32.
    def to_state(self) -> dict:
        state = self._signal_state()
        if self.views:
            state["views"] = [v if isinstance(v, str) else v._view_json() for v in self.views]
        if self.rubric:
            state["rubric"] = True
        if self.anchor is not None and self.kind == "event":
            state["anchor"] = list(self.anchor)
        if self.kind != "member":
            state["members"] = [base64.b64encode(m.astype(np.float16).tobytes()).decode("ascii")
                                for m in self.members]
            state["titles"] = self.titles
        return state

    def member_views(self) -> list["Cluster"]:
        """The members as one-article clusters (read from their JSON text on first use)."""
        if any(isinstance(v, str) for v in self.views):
            self.views = [Cluster.from_state(0, "member", json.loads(v), _json=v) if isinstance(v, str) else v
                          for v in self.views]
        return self.views

    def _view_json(self) -> str:
        if self._json is None:
            self._json = json.dumps(self._signal_state(), separators=(",", ":"))
        return self._json

    def _signal_state(self) -> dict:
        return {
            "emb": base64.b64encode(self.emb_sum.astype(np.float32).tobytes()).decode("ascii"),
            "lex": {k: round(v, 5) for k, v in self.lex.items()},
            "names": {k: round(v, 5) for k, v in self.names.items()},
            "quotes": list(self.quotes), "numbers": self.numbers, "years": sorted(self.years),
            "n": self.n, "day": self.day, "coarse": self.coarse, "languages": sorted(self.languages),
        }

    @classmethod
    def from_state(cls, id: int, kind: str, state: dict, **extra) -> "Cluster":
        emb = np.frombuffer(base64.b64decode(state["emb"]), dtype=np.float32).copy()
        c = cls(id=id, kind=kind, emb_sum=emb, lex=state["lex"], names=state["names"], n=state["n"],
                day=tuple(state["day"]) if state.get("day") else None,
                coarse=tuple(state["coarse"]) if state.get("coarse") else None,
                languages=set(state.get("languages") or []),
                members=[np.frombuffer(base64.b64decode(m), dtype=np.float16).copy() for m in state.get("members", [])],
                quotes=list(state.get("quotes") or []),
                numbers=dict(state.get("numbers") or {}), years=set(state.get("years") or []),
                titles=[list(t) for t in state.get("titles") or []],
                views=list(state.get("views") or []), rubric=bool(state.get("rubric")),
                anchor=tuple(state["anchor"]) if state.get("anchor") else None,
                **extra)
        if kind == "member":
            return c
        top_lex = sorted(c.lex, key=lambda k: -c.lex[k])[:CLUSTER_KEYS]
        top_names = sorted(c.names, key=lambda k: -c.names[k])[:CLUSTER_KEYS // 2]
        c.keys = {"l:" + k for k in top_lex} | {"n:" + k for k in top_names}
        return c


def member_view(sig: Signals, precise: bool) -> Cluster:
    """One member as a one-article cluster (its most weighted lemmas, as an event keeps them)."""
    view = Cluster(id=0, kind="member")
    view.add(sig, precise)
    view.members = []  # its embedding is its centroid
    return view


def _add_sparse(acc: dict[str, float], vec: dict[str, float], keep: int) -> dict[str, float]:
    out = dict(acc)
    for k, v in vec.items():
        out[k] = out.get(k, 0.0) + v
    if len(out) > keep:
        out = dict(sorted(out.items(), key=lambda kv: -kv[1])[:keep])
    return out


def _union(a, b):
    if a is None:
        return tuple(b)
    return (min(a[0], b[0]), max(a[1], b[1]))


def article_keys(sig: Signals) -> list[str]:
    lex = sorted(sig.lex, key=lambda k: -sig.lex[k])[:ARTICLE_KEYS_LEX]
    names = sorted(sig.names, key=lambda k: -sig.names[k])[:ARTICLE_KEYS_NAMES]
    return ["l:" + k for k in lex] + ["n:" + k for k in names]


# --------------------------------------------------------------------------- scoring
FEATURES = ("emb", "lex", "names", "time", "has_time", "cross", "emb_cross", "emb_max", "lex_names", "emb_names",
            "quote", "number_share", "number_conflict", "year_conflict", "year_shared")


_TIME = FEATURES.index("time")
# Below this date certainty (``has_time``) a pair's dates say little (same month; day-precise dates give 1):
# such pairs are scored member by member (``OnlineClusterer.event_score``).
WEAK_DATES = 0.5
_HAS_TIME = FEATURES.index("has_time")
# From this ``time`` feature up a pair is dated to the same day on both sides (1.0; the next day gives 0.37): such
# pairs are scored by ``params.SAME_DAY_EVENT_MODEL``, where the full-text lemma overlap weighs more.
SAME_DAY = 0.99


def features(sig: Signals, cluster: Cluster, tau_days: float) -> np.ndarray:
    emb = float(sig.emb @ cluster.centroid())
    lex = sparse_cos(sig.lex, cluster.lex)
    names = sparse_cos(sig.names, cluster.names)
    gap = interval_gap(sig.interval, cluster.interval)
    # How much the dates say. Overlapping coarse dates (two reports "in February") say about as little as no
    # date: they used to take the full "both dated" weight while their proximity counted for ~6 %, so they
    # counted against a merge. Dates that do not overlap (February vs March) surely differ: full weight.
    certainty = 0.0 if gap is None else _certainty(sig.interval, cluster, tau_days)
    has_time = 0.0 if gap is None else (certainty if gap == 0 else 1.0)
    time = 0.0 if gap is None else math.exp(-gap / tau_days) * certainty
    # Another language than all members: lexical overlap cannot be expected, the embedding must carry it.
    cross = 1.0 if (sig.language and cluster.languages and sig.language not in cluster.languages) else 0.0
    emb_max = max((float(sig.emb @ m.astype(np.float32)) for m in cluster.members), default=emb)
    # Shared direct quotes: the share of the article's quote shingles already in the event (0 without quotes).
    quote = 0.0
    if sig.quotes and cluster.quotes:
        quote = len(sig.quotes & set(cluster.quotes)) / len(sig.quotes)
    # Counts of the same thing ("23 piraten"): agreeing ones support a merge, wholly different ones speak
    # against it. Things counted on one side only say nothing.
    number_share, number_conflict = _count_agreement(sig.numbers, cluster.numbers)
    year_conflict = year_shared = 0.0
    if sig.years and cluster.years:
        year_shared = 1.0 if sig.years & cluster.years else 0.0
        year_conflict = 1.0 - year_shared
    # Agreement of two signals counts for more than either alone (a shared name and shared wording).
    return np.array([emb, lex, names, time, has_time, cross, emb * cross, emb_max, lex * names, emb * names,
                     quote, number_share, number_conflict, year_conflict, year_shared], dtype=np.float64)


def _counted(keys) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key in keys:
        thing, sep, value = key.partition("=")
        if sep:  # bare numbers in event states written before counts were keyed by what they count
            out.setdefault(thing, set()).add(value)
    return out


def _count_agreement(article_keys, cluster_keys) -> tuple[float, float]:
    """(share of the things counted on both sides whose counts agree, 1.0 when none agrees)."""
    if not article_keys or not cluster_keys:
        return 0.0, 0.0
    mine, theirs = _counted(article_keys), _counted(cluster_keys)
    both = mine.keys() & theirs.keys()
    if not both:
        return 0.0, 0.0
    agree = sum(1 for thing in both if mine[thing] & theirs[thing])
    return agree / len(both), (0.0 if agree else 1.0)


def _certainty(interval, cluster: Cluster, tau_days: float) -> float:
    """How much a zero gap means: "same month" is weak evidence next to "same day".

    The unknown days in both intervals are spread against the decay scale: 1.0 for two day-precise dates,
    about 0.06 for two month-precision dates (tau 2 days).
    """
    spread = (interval[1] - interval[0])
    ref = cluster.day or cluster.coarse
    if cluster.day is None and ref is not None:
        spread += ref[1] - ref[0]
    return 2 * tau_days / (2 * tau_days + max(0, spread - 2))


def undated_threshold(event_threshold: float, tuned: float) -> float:
    """The threshold for pairs whose dates say nothing: the ``tuned`` one, never below the same-day one
    (without dates, a pair needs at least as much evidence from the text as with them)."""
    return max(event_threshold, tuned)


def score(model: dict, x: np.ndarray) -> float:
    z = float(np.dot(model["weights"], x) + model["bias"])
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------- backends
class Backend(Protocol):
    def candidates(self, kind: str, keys: list[str], seq: int, window: int, limit: int,
                   min_day: int | None = None) -> list[int]: ...
    def get(self, kind: str, cluster_id: int) -> Cluster | None: ...
    def create(self, kind: str) -> Cluster: ...
    def save(self, cluster: Cluster) -> None: ...
    def merge(self, kind: str, keep: Cluster, drop: Cluster, article: str | None, score: float, seq: int) -> None:
        """``drop`` is merged into ``keep`` (already absorbed and saved): its id becomes an alias of ``keep``."""
        ...
    def resolve(self, kind: str, cluster_id: int) -> int:
        """The live id of ``cluster_id`` (itself unless it was merged)."""
        ...


class MemoryBackend:
    """Everything in dictionaries: for tuning, baselines and tests."""

    def __init__(self):
        self.clusters: dict[tuple[str, int], Cluster] = {}
        self.postings: dict[tuple[str, str], dict[int, int]] = {}
        self.next_id = {"event": 1, "storyline": 1}
        self.indexed: dict[tuple[str, int], set[str]] = {}
        self.aliases: dict[tuple[str, int], int] = {}
        self.merges: list[tuple[int, int]] = []  # (merged id, into id) of events, in order

    def candidates(self, kind, keys, seq, window, limit, min_day=None):
        hits: dict[int, int] = {}
        for key in keys:
            for cid, last in self.postings.get((kind, key), {}).items():
                span = self.clusters[(kind, cid)].interval
                if min_day is not None and span is not None and span[1] < min_day:
                    continue  # ends before the hard gate: never joinable (as the store's index)
                if last >= seq - window:
                    hits[cid] = hits.get(cid, 0) + 1
        return [cid for cid, _ in sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]]

    def get(self, kind, cluster_id):
        if cluster_id is None:
            return None
        return self.clusters.get((kind, self.resolve(kind, cluster_id)))

    def create(self, kind):
        cid = self.next_id[kind]
        self.next_id[kind] += 1
        c = Cluster(id=cid, kind=kind)
        self.clusters[(kind, cid)] = c
        return c

    def save(self, cluster):
        if cluster.parent is not None:
            cluster.parent = self.resolve("storyline", cluster.parent)
        old = self.indexed.get((cluster.kind, cluster.id), set())
        for key in old - cluster.keys:
            self.postings.get((cluster.kind, key), {}).pop(cluster.id, None)
        for key in cluster.keys:
            self.postings.setdefault((cluster.kind, key), {})[cluster.id] = cluster.last_seq
        self.indexed[(cluster.kind, cluster.id)] = set(cluster.keys)

    def merge(self, kind, keep, drop, article=None, score=0.0, seq=0):
        for key in self.indexed.pop((kind, drop.id), set()):
            self.postings.get((kind, key), {}).pop(drop.id, None)
        self.clusters.pop((kind, drop.id), None)
        self.aliases[(kind, drop.id)] = keep.id
        if kind == "event":
            self.merges.append((drop.id, keep.id))

    def resolve(self, kind, cluster_id):
        while (kind, cluster_id) in self.aliases:
            cluster_id = self.aliases[(kind, cluster_id)]
        return cluster_id


@dataclass
class Decision:
    """Where ``learn_one`` put an article."""

    event_id: int
    storyline_id: int
    score: float
    new_event: bool
    merged: tuple[int, ...] = ()  # events merged into ``event_id`` by this article (same-day merging)
    commentary: tuple[tuple[int, float], ...] = ()  # an opinion item: (news event, score) it comments on


@dataclass(frozen=True)
class Prediction:
    """Where ``predict_one`` would put an article: ``event_id`` None for a new event, ``storyline_id`` None for a
    new storyline; ``score`` as ``Decision.score``."""

    event_id: int | None
    storyline_id: int | None
    score: float


class OnlineClusterer:
    """``learn_one(signals, seq)`` assigns one article, ``predict_one`` says where it would go; state lives in the
    backend.

    Thresholds, gates and the candidate search come from ``settings`` (default: ``ClusterSettings()``); a keyword
    given here overrides its setting (tuning grids). Pairs whose dates say nothing use
    ``max(event_threshold, event_threshold_undated)`` unless ``event_threshold_undated`` is given.
    """

    def __init__(self, backend: Backend, settings: ClusterSettings | None = None, *,
                 event_model: dict | None = None, storyline_model: dict | None = None,
                 event_threshold: float | None = None, storyline_threshold: float | None = None,
                 window: int | None = None, max_candidates: int | None = None,
                 event_threshold_undated: float | None = None, undated_pair_model: dict | None = None,
                 undated_pair_threshold: float | None = None, same_day_model: dict | None = None):
        cfg = settings or ClusterSettings()
        self.backend = backend
        self.event_model = event_model or params.EVENT_MODEL
        self.undated_pair_model = undated_pair_model or params.UNDATED_PAIR_MODEL
        # False: same-day pairs are scored by the dated event model too (as when an event model is given alone).
        if same_day_model is None:
            same_day_model = params.SAME_DAY_EVENT_MODEL if event_model is None else False
        self.same_day_model = same_day_model
        self.storyline_model = storyline_model or params.STORYLINE_MODEL
        self.event_threshold = cfg.event_threshold if event_threshold is None else event_threshold
        self.event_threshold_undated = (undated_threshold(self.event_threshold, cfg.event_threshold_undated)
                                        if event_threshold_undated is None else event_threshold_undated)
        self.undated_pair_threshold = (cfg.undated_pair_threshold if undated_pair_threshold is None
                                       else undated_pair_threshold)
        self.storyline_threshold = cfg.storyline_threshold if storyline_threshold is None else storyline_threshold
        if not all(0.0 < t < 1.0 for t in (self.event_threshold, self.event_threshold_undated,
                                           self.undated_pair_threshold, self.storyline_threshold)):
            raise ValueError("thresholds must be in (0, 1)")
        self.window = cfg.candidate_window if window is None else window
        self.max_candidates = cfg.max_candidates if max_candidates is None else max_candidates
        self.event_max_gap_days = cfg.event_max_gap_days
        self.storyline_max_gap_days = cfg.storyline_max_gap_days
        self.merge_max_gap_days = cfg.merge_max_gap_days
        self.merge_min_similarity = cfg.merge_min_similarity
        self.rubric_storyline_threshold = cfg.rubric_storyline_threshold
        self.storyline_threshold_per_month = cfg.storyline_threshold_per_month
        self.max_commentary_links = cfg.max_commentary_links

    def event_threshold_for(self, sig: Signals, x: np.ndarray, cluster: Cluster | None = None) -> float:
        """The join threshold for one (article, event) pair: lower as far as the dates agree.

        Same-day reports in a newspaper cover one happening from many sides, and a date that agrees is evidence
        the text similarity cannot give; with no dates, two that say only "this month", or days apart, a wrong
        merge has nothing to check it. The ``time`` feature runs from 0 (undated, same month, a week apart) to 1
        (the same day, both day-precise). A pair without a publication date is scored member by member
        (``event_score``) against its own threshold.
        """
        if _by_members(sig, x):
            return self.undated_pair_threshold
        agreement = float(x[_TIME]) if cluster is None else self.day_agreement(sig, cluster, x)
        return self.event_threshold_undated - (self.event_threshold_undated - self.event_threshold) * agreement

    def event_score(self, sig: Signals, cluster: Cluster, x: np.ndarray) -> float:
        """The join score of one (article, event) pair with features ``x``.

        Dated pairs: the event model on the article against the event's running sums. A pair without dates (the
        article has no publication date, or the event no date at all): the mean, over the event's latest
        members, of the probability that the article and that member report one event
        (``params.UNDATED_PAIR_MODEL``). Without a publication date nothing checks a merge but the text, and
        running sums blur what sets one report apart: the years and counts it names, its people. Two same-kind
        events years apart (two quakes in one county, two launches of one laptop) share their topic words;
        member by member, the year that differs counts against every member. A date read from the text still
        keeps reports more than a week apart out (the hard gate), but it is weak evidence of when the article
        appeared, so it does not lower the threshold either. Numbers: docs/benchmarks-clustering.md.

        Dates that say little (two reports dated "February": ``has_time`` below ``WEAK_DATES``) are scored
        member by member too, by the event model: the running sums of two reports on one topic are closer to
        any third report on it than either report is, so an article from days before joined once an event had
        two members, and not before (the example's announcement article, in 9 of 20 ingest orders).
        """
        if _by_members(sig, x):
            return self._member_mean(self.undated_pair_model, sig, cluster)
        if x[_HAS_TIME] < WEAK_DATES:
            return self._member_mean(self.event_model, sig, cluster)
        if self.same_day_model and self.day_agreement(sig, cluster, x) >= SAME_DAY:
            return score(self.same_day_model, x)
        return score(self.event_model, x)

    def day_agreement(self, sig: Signals, cluster: Cluster, x: np.ndarray) -> float:
        """How far the article's date agrees with the event's for the join rule (same-day model, threshold): the
        ``time`` feature, but never more than its proximity to the event's first day-precise day (its anchor).

        ``time`` measures the gap to the event's span: once one next-day report had joined, every later report of
        that next day was "same day" with the event (the same-day model and the lowest threshold), and an event
        grew by a chain of daily follow-ups (a demonstration on 25 March took in the arrest, an explainer and a
        council debate of the 26th). The pair models keep ``time`` as they were fitted (measuring it from the
        anchor in the features too cost ECB+ dev 0.002 BCubed). An event stored before anchors were kept: its span.
        """
        agreement = float(x[_TIME])
        if cluster.kind != "event" or cluster.anchor is None or sig.interval is None:
            return agreement
        gap = interval_gap(sig.interval, cluster.anchor)
        return min(agreement, math.exp(-gap / self.event_model["tau_days"])) if gap else agreement

    def _member_mean(self, model: dict, sig: Signals, cluster: Cluster) -> float:
        tau = self.event_model["tau_days"]
        views = cluster.member_views() or [cluster]  # one member: the event itself (and states without member views)
        return float(np.mean([score(model, features(sig, v, tau)) for v in views]))

    def _scored_candidates(self, kind: str, sig: Signals, keys: list[str], seq: int):
        """(cluster, features) of the indexed candidates that pass the hard gates."""
        gate = self.storyline_max_gap_days if kind == "storyline" else self.event_max_gap_days
        tau = (self.event_model if kind == "event" else self.storyline_model)["tau_days"]
        # Clusters ending more than the hard gate before this article are left out by the index itself.
        min_day = int(sig.interval[0] - gate) if sig.interval is not None else None
        for cid in self.backend.candidates(kind, keys, seq, self.window, self.max_candidates, min_day):
            cluster = self.backend.get(kind, cid)
            if cluster is None or not _within(sig.interval, cluster.interval, gate) or _series_clash(sig, cluster):
                continue
            if cluster.rubric and not sig.rubric:
                continue  # a news report never joins an opinion item's event or storyline
            if kind == "event" and sig.rubric and not cluster.rubric:
                continue  # nor an opinion item a news event: it may only comment on one (``commentary``)
            yield cluster, features(sig, cluster, tau)

    def best_event(self, sig: Signals, keys: list[str], seq: int) -> tuple[Cluster | None, float]:
        """The event to join, best by margin over each pair's own threshold, and its score.

        None when no candidate clears its threshold; the score is then the highest seen (kept with the decision).
        """
        cleared, top_score = self._cleared_events(sig, keys, seq)
        if not cleared:
            return None, top_score
        return cleared[0][0], cleared[0][1]

    def _cleared_events(self, sig: Signals, keys: list[str], seq: int,
                        kind_rubric: bool | None = None) -> tuple[list[tuple[Cluster, float]], float]:
        """Every candidate event whose score clears its pair's threshold, best margin first, and the top score.

        ``kind_rubric``: score the article as a news report (False) against news events only, whatever its own
        genre (an opinion item's commentary links)."""
        probe = sig if kind_rubric is None else _as_rubric(sig, kind_rubric)
        found, top_score = [], 0.0
        for cluster, x in self._scored_candidates("event", probe, keys, seq):
            s = self.event_score(sig, cluster, x)
            top_score = max(top_score, s)
            margin = s - self.event_threshold_for(sig, x, cluster)
            if margin >= 0.0:
                found.append((margin, -cluster.id, cluster, s))
        found.sort(key=lambda t: (-t[0], t[1]))
        return [(c, s) for _, _, c, s in found], top_score

    def _mergeable(self, sig: Signals, precise: bool, cleared: list[tuple[Cluster, float]]) -> list[Cluster]:
        """The cleared events that one publication day's reports may join together: the article and each of
        them dated to the day, within ``merge_max_gap_days`` of it. Longer gaps keep the one-event rule: a next
        day's development that resembles two events joins the better one and merges nothing."""
        if self.merge_max_gap_days < 0 or len(cleared) < 2 or not precise or sig.interval is None or sig.rubric:
            return []
        near = [c for c, _ in cleared
                if c.day is not None and not c.rubric
                and (interval_gap(sig.interval, c.day) or 0) <= self.merge_max_gap_days
                and c.day[0] >= sig.interval[0] - self.merge_max_gap_days]
        if len(near) < 2:
            return []
        # The events must resemble each other too, not only the article between them: an article touching two
        # happenings of one day (a round-up) would otherwise chain them.
        best = near[0].centroid()
        near = [near[0]] + [c for c in near[1:] if float(best @ c.centroid()) >= self.merge_min_similarity]
        return near if len(near) >= 2 else []

    def storyline_threshold_for(self, sig: Signals, cluster: Cluster, base: float) -> float:
        """The join threshold of a new event and a storyline: ``base``, raised by ``storyline_threshold_per_month``
        for each 30 days from the storyline's first day to the event's (at most 0.95).

        A storyline's gate and time signal look at its latest day, so a story reported daily grew link by weak link
        for years (Spanish ML-Crisis news on Egypt: one storyline of 116 events over 937 days, most links scoring
        0.2-0.4 against a threshold of 0.1). An old story now takes only an event that clearly continues it.
        """
        if sig.interval is None or cluster.interval is None or not self.storyline_threshold_per_month:
            return base
        age = max(0, sig.interval[0] - cluster.interval[0])
        return min(0.95, max(base, base + self.storyline_threshold_per_month * age / 30.0))

    def best_storyline(self, sig: Signals, keys: list[str], seq: int,
                       base: float | None = None) -> tuple[Cluster | None, float]:
        """The storyline with the best margin over its threshold (``storyline_threshold_for`` from ``base``,
        default ``storyline_threshold``) and its score; (None, best score seen) when none clears it."""
        base = self.storyline_threshold if base is None else base
        best, best_margin, top = None, 0.0, 0.0
        for cluster, x in self._scored_candidates("storyline", sig, keys, seq):
            s = score(self.storyline_model, x)
            top = max(top, s)
            margin = s - self.storyline_threshold_for(sig, cluster, base)
            if margin >= 0.0 and (best is None or margin > best_margin):
                best, best_margin, top_cleared = cluster, margin, s
        return (best, top_cleared) if best is not None else (None, top)

    def _choose(self, sig: Signals, keys: list[str], seq: int, forced_event: int | None,
                precise: bool = False) -> "_Choice":
        """Where the article goes; reads the backend, changes nothing."""
        if forced_event is not None:
            forced_event = self.backend.resolve("event", forced_event)
        event = self.backend.get("event", forced_event) if forced_event is not None else None
        if event is not None and not _within(sig.interval, event.interval, self.event_max_gap_days):
            # A "copy" weeks later is a rerun (a comic strip or a caption with the same short text), not a
            # report of the original's event: it is clustered like any other article.
            event = None
        if event is not None and event.rubric != sig.rubric:
            event = None  # a copy of another genre is no copy of the same item (a column quoting a report)
        if event is not None:
            return _Choice(event, self.backend.get("storyline", event.parent), 1.0)
        if sig.rubric:
            return self._choose_rubric(sig, keys, seq)
        cleared, top_score = self._cleared_events(sig, keys, seq)
        if cleared:
            event, ev_score = cleared[0]
            merge = [c for c in self._mergeable(sig, precise, cleared)]
            if merge:
                event = min(merge, key=lambda c: c.id)  # the oldest id stays: users' links keep working
                merge = [c for c in merge if c.id != event.id]
            return _Choice(event, self.backend.get("storyline", event.parent), ev_score, tuple(merge))
        storyline, _ = self.best_storyline(sig, keys, seq)
        return _Choice(None, storyline, top_score)

    def _choose_rubric(self, sig: Signals, keys: list[str], seq: int) -> "_Choice":
        """An opinion or rubric item: its own event; linked as commentary to the news events it clears the join
        rule of; in the storyline of the best of them, else of a storyline that scores clearly."""
        links: tuple[tuple[int, float], ...] = ()
        storyline = None
        if self.max_commentary_links:
            cleared, _ = self._cleared_events(sig, keys, seq, kind_rubric=False)
            links = tuple((c.id, round(s, 4)) for c, s in cleared[:self.max_commentary_links])
            if cleared:
                storyline = self.backend.get("storyline", cleared[0][0].parent)
        if storyline is None:
            storyline, _ = self.best_storyline(_as_rubric(sig, False), keys, seq, self.rubric_storyline_threshold)
        return _Choice(None, storyline, 0.0, commentary=links)

    def predict_one(self, sig: Signals, seq: int, forced_event: int | None = None) -> Prediction:
        """Where ``learn_one`` would put this article now, without changing any state."""
        choice = self._choose(sig, article_keys(sig), seq, forced_event)
        return Prediction(choice.event.id if choice.event is not None else None,
                          choice.storyline.id if choice.storyline is not None else None, choice.score)

    def learn_one(self, sig: Signals, seq: int, precise_date: bool, title: str | None = None,
                  forced_event: int | None = None, article: str | None = None) -> Decision:
        """Assign one article (``seq``: its place in the stream) to an event, opening one (and a storyline) if
        none fits; ``forced_event``: the event of the article it copies; ``article``: its id (merge log)."""
        keys = article_keys(sig)
        choice = self._choose(sig, keys, seq, forced_event, precise_date)
        event, storyline = choice.event, choice.storyline
        new_event = event is None
        if new_event:
            joins_storyline = storyline is not None
            if storyline is None:
                storyline = self.backend.create("storyline")
                storyline.title = title
                storyline.rubric = sig.rubric
            event = self.backend.create("event")
            event.title = title
            event.parent = storyline.id
            event.rubric = sig.rubric
        else:
            joins_storyline = True
        for other in choice.merge:
            self._merge_event(event, other, article, choice.score, seq)
        event.add(sig, precise_date)
        event.last_seq = seq
        self.backend.save(event)
        # An opinion item in a news storyline leaves its sums alone: they describe the story's reports.
        if not (sig.rubric and joins_storyline and not storyline.rubric):
            storyline.add(sig, precise_date)
        storyline.last_seq = max(storyline.last_seq, seq)
        self.backend.save(storyline)
        return Decision(event.id, storyline.id, choice.score, new_event, tuple(c.id for c in choice.merge),
                        choice.commentary)

    def _merge_event(self, keep: Cluster, drop: Cluster, article: str | None, score: float, seq: int) -> None:
        """One same-day event into the older one; its storyline goes too when this left it empty."""
        keep.absorb(drop)
        self.backend.save(keep)
        self.backend.merge("event", keep, drop, article, score, seq)
        if drop.parent is not None and drop.parent != keep.parent:
            old = self.backend.get("storyline", drop.parent)
            target = self.backend.get("storyline", keep.parent)
            if old is not None and target is not None and old.n <= drop.n:
                # Nothing but the merged event in it: the whole storyline moves.
                target.absorb(old)
                self.backend.save(target)
                self.backend.merge("storyline", target, old, article, score, seq)


@dataclass(frozen=True)
class _Choice:
    event: Cluster | None
    storyline: Cluster | None
    score: float
    merge: tuple[Cluster, ...] = ()
    commentary: tuple[tuple[int, float], ...] = ()


def _as_rubric(sig: Signals, rubric: bool) -> Signals:
    if sig.rubric == rubric:
        return sig
    from dataclasses import replace

    return replace(sig, rubric=rubric)


def _by_members(sig: Signals, x: np.ndarray) -> bool:
    """Is this (article, event) pair without a publication date: scored member by member?"""
    return x[_HAS_TIME] == 0.0 or sig.date_from_text


def _series_clash(sig: Signals, cluster: Cluster) -> bool:
    """The article's title is a member's title on another day: a recurring series, not one event or story.

    Comics, letters pages, news-in-brief bundles and named columns repeat their title daily, and their
    pages look alike; republished copies of one report (same title, same text) never get here, they join
    their original's event as near-duplicates first. Nor does a series make a storyline (a daily strip is not a
    story of events): applied to storylines too, it raised the DPG dev weeks' storyline BCubed 0.902 -> 0.910.
    """
    if not sig.title_key or sig.interval is None:
        return False
    day = sig.interval[0]
    return any(_same_series(t, sig.title_key) and d is not None and d != day for t, d in cluster.titles)


def _same_series(a: str, b: str) -> bool:
    """Two folded titles of one series: equal, or one is the other plus words ("kort nieuws" / "kort nieuws
    amsterdam", "toos henk" / "toos henk paul kusters": an edition or the author added).

    The shorter is a rubric's name, two to four words: on the DPG weeks every such pair on different days is a
    comic, a letters page or a news-in-brief. Longer prefixes are headlines or first sentences cut differently by
    two outlets ("6.1-magnitude quake strikes Indonesia's Aceh province [in region hit ...]", ECB+): one event.
    """
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return 1 <= short.count(" ") <= 3 and long.startswith(short + " ")


def _within(a, b, max_gap: float) -> bool:
    gap = interval_gap(a, b)
    return gap is None or gap <= max_gap


def cluster_in_memory(items: Iterable[tuple[Signals, bool, str | None]], **kwargs) -> list[Decision]:
    """Cluster pre-computed signals in the given order (tuning, evaluation without a store)."""
    backend = MemoryBackend()
    clusterer = OnlineClusterer(backend, **kwargs)
    decisions = [clusterer.learn_one(sig, seq, precise, title) for seq, (sig, precise, title) in enumerate(items, 1)]
    # Events merged later: every article ends in the live event (and that event's storyline).
    out = []
    for d in decisions:
        eid = backend.resolve("event", d.event_id)
        event = backend.get("event", eid)
        sid = backend.resolve("storyline", event.parent if event is not None else d.storyline_id)
        out.append(Decision(eid, sid, d.score, d.new_event, d.merged, d.commentary))
    return out
