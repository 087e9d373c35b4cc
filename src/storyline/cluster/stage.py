"""The ``cluster`` stage: assign each stored article to an event and a storyline, online.

:class:`EventClusterer` (``learn_many``) runs inside the batch's transaction, on the records the enrich
stages produced (mentions, quotes) and returns one :class:`~storyline.records.Assignment` per article; the
runner stores the dates it refined. Within a batch, articles are
taken in publication order (published date, else a date read from the text; undated ones last, so they
can join an event of the same batch). All state the clusterer needs is in the store (cluster state blobs,
an inverted index over recent clusters, document frequencies), loaded lazily, so a second ingest into the
same database continues the clustering.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import date

import numpy as np

from storyline.cluster.online import Cluster, OnlineClusterer
from storyline.cluster.signals import DocFreq, article_dates, article_terms, build_signals, embed_texts, \
    embedding_text, mention_keys
from storyline.records import Article, Assignment, Mention, Quote
from storyline.store import events as q

LOGGER = logging.getLogger(__name__)
_CACHE_LIMIT = 20_000  # clusters kept in memory between batches


class SqlBackend:
    """Clusters in the store; a bounded in-memory cache of recently used ones."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cache: dict[tuple[str, int], Cluster] = {}
        self.dirty: set[tuple[str, int]] = set()

    def candidates(self, kind, keys, seq, window, limit, min_day=None):
        return q.candidates(self.conn, kind, keys, seq - window, limit, min_day)

    def get(self, kind, cluster_id):
        if cluster_id is None:
            return None
        key = (kind, cluster_id)
        if key not in self.cache:
            row = q.load_cluster(self.conn, kind, cluster_id)
            if row is None or row["state"] is None:
                return None
            self.cache[key] = Cluster.from_state(cluster_id, kind, json.loads(row["state"]), title=row["title"],
                                                 parent=row["parent"], last_seq=row["last_seq"])
        return self.cache[key]

    def create(self, kind):
        cid = q.create_cluster(self.conn, kind)
        c = Cluster(id=cid, kind=kind)
        self.cache[(kind, cid)] = c
        return c

    def save(self, cluster):
        # Keys are written at once (later articles of the batch must find this cluster); the blob at flush.
        self.dirty.add((cluster.kind, cluster.id))
        self._write(cluster)

    def _write(self, c: Cluster) -> None:
        day, coarse = c.day, c.coarse
        first = q.iso_day((day or coarse)[0]) if (day or coarse) else None
        last = q.iso_day((day or coarse)[1]) if (day or coarse) else None
        date_, precision = cluster_date(c)
        q.save_cluster(self.conn, c.kind, c.id, title=c.title, parent=c.parent, state=c.to_state(),
                       first_date=first, last_date=last, date_=date_, precision=precision, n=c.n,
                       last_seq=c.last_seq, keys=c.keys)

    def trim(self) -> None:
        if len(self.cache) > _CACHE_LIMIT:
            keep = sorted(self.cache.items(), key=lambda kv: -kv[1].last_seq)[:_CACHE_LIMIT // 2]
            self.cache = dict(keep)
        self.dirty.clear()


def cluster_date(c: Cluster) -> tuple[str | None, str | None]:
    """An event's date: its earliest day-precise report, else the month its reports are dated in."""
    if c.day:
        return q.iso_day(c.day[0]), "day"
    if c.coarse:
        lo, hi = (date.fromordinal(int(x)) for x in c.coarse)
        if (lo.year, lo.month) == (hi.year, hi.month):
            return f"{lo.year:04d}-{lo.month:02d}", "month"
        return lo.isoformat(), "estimated"
    return None, None


class StoreDocFreq(DocFreq):
    """Prior counts plus this store's counts, read for the terms of the batch at hand."""

    def __init__(self, conn: sqlite3.Connection):
        base = DocFreq.with_prior()
        super().__init__(base.prior, base.prior_n)
        self.conn = conn
        self.online_n = int(q.get_meta(conn, "docs", "0"))
        self.pending: dict[str, int] = {}

    def load(self, terms) -> None:
        self.online = q.get_df(self.conn, terms)

    def add(self, terms) -> None:
        super().add(terms)
        for t in terms:
            self.pending[t] = self.pending.get(t, 0) + 1

    def flush(self) -> None:
        q.add_df(self.conn, self.pending)
        q.set_meta(self.conn, "docs", self.online_n)
        self.pending = {}


class EventClusterer:
    """Online event and storyline clustering over a store; one per runner (the clusterer's cache lives here).

    Args:
        store: the store holding the cluster state (read and written inside the batch's transaction).
        settings: the ``cluster`` settings section (thresholds are read from ``cluster.params`` today).
    """

    def __init__(self, store, settings=None):
        self.store = store
        self.settings = settings
        self._state: _State | None = None

    def learn_many(self, articles: list[Article], mentions: dict[str, list[Mention]],
                   quotes: dict[str, list[Quote]], embeddings: np.ndarray | None = None) -> list[Assignment]:
        """Assign each article of a stored batch to an event (and its event to a storyline).

        ``mentions``/``quotes``: what the enrich stage stored per article; ``embeddings``: the vectors of
        ``embedding_inputs(articles)`` computed ahead, or None to compute them here. Article dates are not
        written: each :class:`Assignment` carries the date refined for its article.
        """
        if not articles:
            return []
        conn = self.store.conn
        if self._state is None or self._state.backend.conn is not conn:
            self._state = _State(conn)
        try:
            return _cluster(conn, self._state, articles, _mention_names(mentions), _direct_quotes(quotes),
                            embeddings)
        except BaseException:
            # The transaction rolls back: cached clusters may hold changes that never reached the store.
            self._state = None
            raise


class _State:
    def __init__(self, conn: sqlite3.Connection):
        self.backend = SqlBackend(conn)
        self.clusterer = OnlineClusterer(self.backend)
        self.seq_seen: int | None = None  # the store's arrival counter after our last batch


def _order(articles: list[Article], infos) -> list[int]:
    def order_key(i: int):
        a, info = articles[i], infos[i]
        when = a.published if a.published and len(a.published) >= 10 else info.estimated or a.published
        return (when or "9999", i)

    return sorted(range(len(articles)), key=order_key)


def embedding_inputs(articles: list[Article]) -> list[str]:
    """The texts ``learn_many`` embeds for this batch, in its order (an executor embeds the same call ahead:
    the encoder pads to the longest text of a call, so only the same call gives bit-identical vectors)."""
    infos = [article_dates(a.published, a.text, a.title, a.language) for a in articles]
    return [embedding_text(articles[i].title, articles[i].text) for i in _order(articles, infos)]


def _cluster(conn, st: _State, articles: list[Article], extra: dict[str, dict[str, int]],
             quotes: dict[str, list[str]], embeddings: np.ndarray | None) -> list[Assignment]:
    infos = [article_dates(a.published, a.text, a.title, a.language) for a in articles]
    order = _order(articles, infos)
    counts = [article_terms(a.title, a.text, a.language) for a in articles]
    df = StoreDocFreq(conn)
    df.load({t for c in counts for t in c} | {t.lower() for a in articles for t in _name_candidates(a)})
    if embeddings is None:
        embeddings = embed_texts([embedding_text(articles[i].title, articles[i].text) for i in order])
    seq = int(q.get_meta(conn, "seq", "0"))
    if st.seq_seen is not None and seq != st.seq_seen:
        # Another process clustered into this store since our last batch: cached clusters are stale.
        st.backend.cache.clear()
    out: dict[str, Assignment] = {}
    for emb, i in zip(embeddings, order):
        a, info = articles[i], infos[i]
        seq += 1
        df.add(counts[i])
        sig = build_signals(a.title, a.text, a.language, emb, info.interval, df, counts[i], extra.get(a.id),
                            quotes.get(a.id))
        sig.date_from_text = info.precision == "text"
        forced = q.event_of_article(conn, a.copy_of) if a.copy_of else None
        decision = st.clusterer.learn_one(sig, seq, info.precise, a.title, forced_event=forced)
        q.assign_article(conn, a.id, decision.event_id, decision.score)
        date_, precision = _refined_date(st, a, info, decision.event_id)
        out[a.id] = Assignment(a.id, decision.event_id, decision.storyline_id, decision.score, date_, precision)
    df.flush()
    q.set_meta(conn, "seq", seq)
    st.seq_seen = seq
    st.backend.trim()
    return [out[a.id] for a in articles]


def _refined_date(st: _State, a: Article, info, event_id: int) -> tuple[str | None, str | None]:
    if info.estimated:
        return info.estimated, info.precision
    if a.published and len(a.published) >= 10:
        return None, None
    event = st.backend.get("event", event_id)
    date_, precision = cluster_date(event)
    # Only a date more precise than what the article has: a day from the event, or a month for an undated one.
    if date_ and (precision == "day" or not a.published) and date_ != a.published:
        return date_, "estimated"
    return None, None


def _name_candidates(a: Article):
    from storyline.cluster.signals import name_keys

    return name_keys((a.title or "") + ".\n" + (a.text or ""))


def _mention_names(mentions: dict[str, list[Mention]]) -> dict[str, dict[str, int]]:
    """Surface words of each article's mentions, not entity ids: entities are linked after clustering, and
    the weights were fitted on words (see ``signals.mention_keys``)."""
    out: dict[str, dict[str, int]] = {}
    for article_id, found in mentions.items():
        for m in found or ():
            bag = out.setdefault(article_id, {})
            for key in mention_keys(m.text or ""):
                bag[key] = bag.get(key, 0) + 1
    return out


def _direct_quotes(quotes: dict[str, list[Quote]]) -> dict[str, list[str]]:
    """Each article's direct quotes, in text order."""
    out: dict[str, list[str]] = {}
    for article_id, found in quotes.items():
        for quote in sorted((x for x in found or () if x.kind == "direct"), key=lambda x: x.start):
            if quote.text:
                out.setdefault(article_id, []).append(quote.text)
    return out
