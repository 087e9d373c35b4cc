"""The cluster stage: records in, assignments out; the clustering state in the store.

``EventClusterer(store, settings).learn_many(articles, mentions, quotes)`` assigns each article of a batch to an
event (and its event to a storyline) and returns one :class:`~storyline.records.Assignment` per article; the
runner persists them. It runs inside the batch's transaction. Within a batch, articles are taken in publication
order (published date, else a date read from the text; undated ones last, so they can join an event of the same
batch). All state the clusterer needs is in the store (cluster state documents, an inverted index over recent
clusters, document frequencies), read through the store's record-level methods and cached here, so a second
ingest into the same database continues the clustering.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from storyline.cluster.online import Cluster, OnlineClusterer, Prediction
from storyline.cluster.signals import DateInfo, DocFreq, SignalParts, Signals, article_dates, article_terms, \
    boilerplate, build_signals, embed_texts, embedding_text, mention_keys, name_keys, sentence_keys, signal_parts
from storyline.enrich.genre import classify_genre, is_news_genre
from storyline.records import Article, Assignment
from storyline.settings import ClusterSettings

LOGGER = logging.getLogger(__name__)
_CACHE_LIMIT = 2_000  # clusters kept in memory between batches
MIN_COPY_WORDS = 25  # a near-duplicate shorter than this is not followed into its original's event

__all__ = ["EventClusterer", "SqlBackend", "StoreDocFreq", "cluster_date", "embedding_inputs", "ArticleInputs",
           "article_inputs", "article_signal_parts", "inputs_key"]


class SqlBackend:
    """Clusters in the store; a bounded in-memory cache of recently used ones.

    ``store`` is any object with the store's clustering methods (``cluster_candidates``, ``load_cluster``,
    ``create_cluster``, ``save_cluster``; see ``storyline.store.events.ClusterStore``).
    """

    def __init__(self, store, cache_limit: int = _CACHE_LIMIT):
        self.store = store
        self.cache_limit = cache_limit  # settings cluster.cache_clusters: bounds a long run's memory
        self.cache: dict[tuple[str, int], Cluster] = {}
        self.dirty: set[tuple[str, int]] = set()
        self.aliases: dict[tuple[str, int], int] = {}
        self.merges: list[tuple[int, int]] = []  # (merged id, into id) of events, this batch

    def candidates(self, kind, keys, seq, window, limit, min_day=None):
        return self.store.cluster_candidates(kind, keys, seq - window, limit, min_day)

    def get(self, kind, cluster_id):
        if cluster_id is None:
            return None
        cluster_id = self.resolve(kind, cluster_id)
        key = (kind, cluster_id)
        if key not in self.cache:
            stored = self.store.load_cluster(kind, cluster_id)
            if stored is None:
                return None
            self.cache[key] = Cluster.from_state(cluster_id, kind, stored.state, title=stored.title,
                                                 parent=stored.parent, last_seq=stored.last_seq)
        return self.cache[key]

    def create(self, kind):
        cid = self.store.create_cluster(kind)
        c = Cluster(id=cid, kind=kind)
        self.cache[(kind, cid)] = c
        return c

    def resolve(self, kind, cluster_id):
        """The live id: merges of this process are remembered, older ones are read from the store's aliases."""
        seen = 0
        while (kind, cluster_id) in self.aliases and seen < 64:
            cluster_id, seen = self.aliases[(kind, cluster_id)], seen + 1
        if (kind, cluster_id) not in self.cache:
            target = self.store.cluster_alias(kind, cluster_id)
            if target is not None:
                self.aliases[(kind, cluster_id)] = target
                cluster_id = target
        return cluster_id

    def merge(self, kind, keep, drop, article=None, score=0.0, seq=0):
        self.store.merge_clusters(kind, drop.id, keep.id, article=article, score=score, seq=seq)
        self.aliases[(kind, drop.id)] = keep.id
        self.cache.pop((kind, drop.id), None)
        self.dirty.discard((kind, drop.id))
        if kind == "event":
            self.merges.append((drop.id, keep.id))

    def save(self, cluster):
        if cluster.parent is not None:
            cluster.parent = self.resolve("storyline", cluster.parent)
        # Written at once: later articles of the batch must find this cluster through the index.
        self.dirty.add((cluster.kind, cluster.id))
        self._write(cluster)

    def _write(self, c: Cluster) -> None:
        span = c.day or c.coarse
        first = _iso_day(span[0]) if span else None
        last = _iso_day(span[1]) if span else None
        date_, precision = cluster_date(c)
        self.store.save_cluster(c.kind, c.id, title=c.title, parent=c.parent, state=c.to_state(),
                                first_date=first, last_date=last, date=date_, date_precision=precision, n=c.n,
                                last_seq=c.last_seq, keys=c.keys)

    def trim(self) -> None:
        if len(self.cache) > self.cache_limit:
            keep = sorted(self.cache.items(), key=lambda kv: -kv[1].last_seq)[:self.cache_limit // 2]
            self.cache = dict(keep)
        self.dirty.clear()
        self.merges.clear()


def _iso_day(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat()


def cluster_date(c: Cluster) -> tuple[str | None, str | None]:
    """An event's date: its earliest day-precise report, else the month its reports are dated in."""
    if c.day:
        return _iso_day(c.day[0]), "day"
    if c.coarse:
        lo, hi = (date.fromordinal(int(x)) for x in c.coarse)
        if (lo.year, lo.month) == (hi.year, hi.month):
            return f"{lo.year:04d}-{lo.month:02d}", "month"
        return lo.isoformat(), "estimated"
    return None, None


class StoreDocFreq(DocFreq):
    """Prior counts plus this store's counts, read for the terms of the batch at hand."""

    def __init__(self, store):
        base = DocFreq.with_prior()
        super().__init__(base.prior, base.prior_n)
        self.store = store
        self.online_n = int(store.cluster_meta("docs", "0"))
        self.pending: dict[str, int] = {}

    def load(self, terms) -> None:
        self.online = self.store.doc_freqs(terms)

    def add(self, terms) -> None:
        super().add(terms)
        for t in terms:
            self.pending[t] = self.pending.get(t, 0) + 1

    def flush(self) -> None:
        self.store.add_doc_freqs(self.pending)
        self.store.set_cluster_meta("docs", self.online_n)
        self.pending = {}


@dataclass
class _Prepared:
    """One batch, ready to cluster: per article (in input order) its dates and terms; the processing order."""

    infos: list[DateInfo]
    counts: list[dict[str, int]]
    order: list[int]
    df: StoreDocFreq
    genres: list[str]
    sentences: list[dict[str, str]]  # boilerplate keys of each article's long sentences (``signals.sentence_keys``)


def _order(articles: Sequence[Article], infos: Sequence[DateInfo]) -> list[int]:
    def order_key(i: int):
        a, info = articles[i], infos[i]
        when = a.published if a.published and len(a.published) >= 10 else info.estimated or a.published
        return (when or "9999", i)

    return sorted(range(len(articles)), key=order_key)


def _dates(articles: Sequence[Article]) -> list[DateInfo]:
    return [article_dates(a.published, a.text, a.title, a.language) for a in articles]


def embedding_inputs(articles: Sequence[Article]) -> list[str]:
    """The texts ``learn_many`` embeds for this batch, in its order. An executor that embeds ahead must make this
    very call (``signals.embed_texts(embedding_inputs(batch))``): the encoder pads to the longest text of a call,
    so only the same call gives bit-identical vectors."""
    infos = _dates(articles)
    return [embedding_text(articles[i].title, articles[i].text) for i in _order(articles, infos)]


@dataclass(frozen=True)
class ArticleInputs:
    """What the clusterer reads from one article's own text (no database): its dates, its lemma counts and
    its name candidates. Pure and the costliest part for a long article, so the runner computes it before
    the write transaction (:func:`article_inputs`)."""

    info: DateInfo
    counts: dict[str, int]
    names: tuple[str, ...]
    genre: str = "news"


def inputs_key(a: Article) -> tuple:
    """Everything :func:`article_inputs` reads: the same key gives the same inputs."""
    return (a.id, a.content_hash, a.title, a.published, a.language)


def article_inputs(a: Article) -> ArticleInputs:
    return ArticleInputs(article_dates(a.published, a.text, a.title, a.language),
                         article_terms(a.title, a.text, a.language), tuple(_name_candidates(a)),
                         classify_genre(a.title, a.text, a.language)[0])


def _mention_bag(mentions: Iterable[Any] | None) -> dict[str, int] | None:
    """Name keys of the entity mentions the enrich stage found (their surface words, as the weights were fitted:
    ``signals.mention_keys``; entities are linked after clustering)."""
    if mentions is None:
        return None
    bag: dict[str, int] = {}
    for m in mentions:
        for key in mention_keys(m.text or ""):
            bag[key] = bag.get(key, 0) + 1
    return bag


def article_signal_parts(a: Article, mentions: Iterable[Any] | None, quotes: Iterable[Any] | None) -> SignalParts:
    """The signals of an article that need no store (:func:`storyline.cluster.signals.signal_parts`), with its
    NER mentions and direct quotes: pure, so the runner computes them before the write transaction."""
    return signal_parts(a.title, a.text, a.language, _mention_bag(mentions), _direct_quote_texts(quotes))


def _direct_quote_texts(quotes: Iterable[Any] | None) -> list[str] | None:
    """The texts of an article's direct quotes, in text order."""
    if quotes is None:
        return None
    texts = [q.text for q in sorted((q for q in quotes if q.kind == "direct"), key=lambda q: q.start) if q.text]
    return texts or None


class EventClusterer:
    """The online clusterer of one runner over one store: ``learn_many`` assigns, ``predict_one`` only looks.

    Holds the clusters it has read or written (a bounded cache) and the store's arrival counter after its last
    batch; when another process has clustered into the store since, the cache is dropped. After an exception
    (the batch transaction rolls back) the whole state is dropped.

    Args:
        store: the store (its clustering methods, ``storyline.store.events.ClusterStore``).
        settings: thresholds, gates and candidate search (``Settings().cluster``).
    """

    def __init__(self, store, settings: ClusterSettings):
        self.store = store
        self.settings = settings
        self._backend: SqlBackend | None = None
        self._clusterer: OnlineClusterer | None = None
        self._seq_seen: int | None = None  # the store's arrival counter after our last batch

    def _online(self) -> tuple[SqlBackend, OnlineClusterer]:
        if self._backend is None or self._clusterer is None:
            self._backend = SqlBackend(self.store, self.settings.cache_clusters)
            self._clusterer = OnlineClusterer(self._backend, self.settings)
        return self._backend, self._clusterer

    def reset(self) -> None:
        """Forget every cached cluster (the store may have changed under us)."""
        self._backend = self._clusterer = None
        self._seq_seen = None

    def learn_many(self, articles: Sequence[Article], mentions: Mapping[str, Sequence[Any]] | None = None,
                   quotes: Mapping[str, Sequence[Any]] | None = None,
                   embeddings: np.ndarray | None = None,
                   inputs: Mapping[tuple, ArticleInputs] | None = None,
                   parts: Mapping[str, SignalParts] | None = None) -> list[Assignment]:
        """Assign each article of a stored batch to an event (and its event to a storyline).

        Args:
            articles: the batch, already stored; not changed.
            mentions: article id -> the entity mentions the enrich stage found (``.text`` is read).
            quotes: article id -> its quotes (``.kind``, ``.text``, ``.start``: direct ones are read).
            embeddings: vectors for ``embedding_inputs(articles)``, row by row; computed here when None.
            inputs: ``article_inputs`` computed ahead (outside the write transaction), by ``inputs_key``;
                computed here for any article missing.
            parts: article id -> :func:`article_signal_parts` of the article with these very ``mentions`` and
                ``quotes``, computed ahead; computed here for any article missing.

        Returns:
            One ``Assignment`` per article, in the order of ``articles``; ``estimated_date`` is set where the
            clusterer dated an article from its text or its event.
        """
        if not articles:
            return []
        try:
            return self._learn(articles, mentions or {}, quotes or {}, embeddings, inputs, parts)
        except BaseException:
            # The transaction rolls back: cached clusters may hold changes that never reached the store.
            self.reset()
            raise

    def predict_one(self, article: Article, mentions: Sequence[Any] | None = None,
                    quotes: Sequence[Any] | None = None, embedding: np.ndarray | None = None) -> Prediction:
        """The event (and storyline) the article would join if it came next; nothing is written or counted.

        Args as ``learn_many`` for one article (``embedding``: one vector). ``Prediction.event_id`` is None when
        it would open a new event.
        """
        backend, clusterer = self._online()
        seq = int(self.store.cluster_meta("seq", "0"))
        if self._seq_seen is not None and seq != self._seq_seen:
            backend.cache.clear()  # another process clustered since: cached clusters are stale
        prep = self._prepare([article])
        if embedding is None:
            embedding = embed_texts(embedding_inputs([article]))[0]
        sig = self._signals(article, prep, 0, embedding, mentions, quotes)
        forced = self._forced_event(article, {})
        return clusterer.predict_one(sig, seq + 1, forced_event=forced)

    # ------------------------------------------------------------------ internals
    def _prepare(self, articles: Sequence[Article], inputs: Mapping[tuple, ArticleInputs] | None = None) -> _Prepared:
        inputs = inputs or {}
        rows = [inputs.get(inputs_key(a)) or article_inputs(a) for a in articles]
        infos = [r.info for r in rows]
        counts = [r.counts for r in rows]
        sentences = [sentence_keys(a.text, a.source) for a in articles]
        df = StoreDocFreq(self.store)
        df.load({t for c in counts for t in c} | {t.lower() for r in rows for t in r.names}
                | {k for s in sentences for k in s})
        return _Prepared(infos, counts, _order(articles, infos), df, [r.genre for r in rows], sentences)

    def _signals(self, a: Article, prep: _Prepared, i: int, emb: np.ndarray, mentions, quotes,
                 parts: SignalParts | None = None) -> Signals:
        info = prep.infos[i]
        repeated = boilerplate(prep.sentences[i], prep.df)  # before this article is counted
        prep.df.add(set(prep.counts[i]) | set(prep.sentences[i]))  # in memory; written by ``flush`` (learn_many only)
        if parts is None and not repeated:
            parts = article_signal_parts(a, mentions, quotes)
        sig = build_signals(a.title, a.text, a.language, emb, info.interval, prep.df, prep.counts[i],
                            _mention_bag(mentions), _direct_quote_texts(quotes), repeated, parts=parts)
        sig.date_from_text = info.precision == "text"
        sig.rubric = not is_news_genre(prep.genres[i])
        return sig

    def _forced_event(self, a: Article, assigned: Mapping[str, int]) -> int | None:
        """The event of the article this one copies: assigned earlier in this batch, else stored."""
        if not a.copy_of or len((a.text or "").split()) < MIN_COPY_WORDS:
            # An empty or one-line text (a strip, a caption, a rubric's header) matches other days' items of
            # its series by chance: only a real text copied is the same item.
            return None
        if a.copy_of in assigned:
            return assigned[a.copy_of]
        return self.store.event_of_article(a.copy_of)

    def _learn(self, articles: Sequence[Article], mentions: Mapping[str, Sequence[Any]],
               quotes: Mapping[str, Sequence[Any]], embeddings: np.ndarray | None,
               inputs: Mapping[tuple, ArticleInputs] | None = None,
               parts: Mapping[str, SignalParts] | None = None) -> list[Assignment]:
        backend, clusterer = self._online()
        prep = self._prepare(articles, inputs)
        if embeddings is None:
            embeddings = embed_texts([embedding_text(articles[i].title, articles[i].text) for i in prep.order])
        if len(embeddings) != len(articles):
            raise ValueError(f"{len(embeddings)} embeddings for {len(articles)} articles: embed embedding_inputs(articles)")
        seq = int(self.store.cluster_meta("seq", "0"))
        if self._seq_seen is not None and seq != self._seq_seen:
            # Another process clustered into this store since our last batch: cached clusters are stale.
            backend.cache.clear()
        out: list[Assignment | None] = [None] * len(articles)
        assigned: dict[str, int] = {}
        for emb, i in zip(embeddings, prep.order):
            a = articles[i]
            seq += 1
            sig = self._signals(a, prep, i, emb, mentions.get(a.id), quotes.get(a.id), (parts or {}).get(a.id))
            decision = clusterer.learn_one(sig, seq, prep.infos[i].precise, a.title,
                                           forced_event=self._forced_event(a, assigned), article=a.id)
            assigned[a.id] = decision.event_id
            if decision.commentary:
                self.store.link_commentary(a.id, decision.commentary)
            # The event's date as it stands now: later articles of the batch may move it.
            estimated, precision = _refined_date(a, prep.infos[i], backend.get("event", decision.event_id))
            out[i] = Assignment(article_id=a.id, event_id=decision.event_id, storyline_id=decision.storyline_id,
                                score=decision.score, estimated_date=estimated, date_precision=precision)
        # Events merged later in the batch: every article ends in the live event and its storyline.
        for k, got in enumerate(out):
            if got is not None and backend.merges:
                live = backend.resolve("event", got.event_id)
                event = backend.get("event", live)
                out[k] = replace(got, event_id=live, storyline_id=event.parent if event is not None
                                 else got.storyline_id)
        if backend.merges:
            LOGGER.info("merged events (merged -> into): %s", backend.merges)
        prep.df.flush()
        self.store.set_cluster_meta("seq", seq)
        self._seq_seen = seq
        backend.trim()
        return [a for a in out if a is not None]


def _refined_date(a: Article, info: DateInfo, event: Cluster | None) -> tuple[str | None, str | None]:
    """A date for an article without a day-precise one: read from its text, else its event's; (None, None)
    leaves the article's dates as they are."""
    if info.estimated:
        return info.estimated, info.precision
    if a.published and len(a.published) >= 10:
        return None, None
    date_, precision = cluster_date(event) if event is not None else (None, None)
    # Only a date more precise than what the article has: a day from the event, or a month for an undated one.
    if date_ and (precision == "day" or not a.published) and date_ != a.published:
        return date_, "estimated"
    return None, None


def _name_candidates(a: Article):
    return name_keys((a.title or "") + ".\n" + (a.text or ""))
