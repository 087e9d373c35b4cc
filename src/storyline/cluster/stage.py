"""The ``cluster`` pipeline stage: assign each stored article to an event and a storyline, online.

``cluster_batch(store, conn, articles)`` runs inside the batch's transaction. Within a batch, articles are
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

from storyline.cluster.online import Cluster, OnlineClusterer
from storyline import prefetch
from storyline.cluster.signals import DocFreq, article_dates, article_terms, build_signals, embed_texts, \
    embedding_text
from storyline.records import Article
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


class _State:
    def __init__(self, conn: sqlite3.Connection):
        self.backend = SqlBackend(conn)
        self.clusterer = OnlineClusterer(self.backend)
        self.seq_seen: int | None = None  # the store's arrival counter after our last batch


def _state(store, conn) -> _State:
    st = getattr(store, "_cluster_state", None)
    if st is None or st.backend.conn is not conn:
        st = _State(conn)
        store._cluster_state = st
    return st


def cluster_batch(store, conn: sqlite3.Connection, articles: list[Article]) -> None:
    """Assign each article of a stored batch to an event (and its event to a storyline)."""
    if not articles:
        return
    st = _state(store, conn)
    try:
        _cluster(store, conn, st, articles)
    except BaseException:
        # The transaction rolls back: cached clusters may hold changes that never reached the store.
        store._cluster_state = None
        raise


def _order(articles: list[Article], infos) -> list[int]:
    def order_key(i: int):
        a, info = articles[i], infos[i]
        when = a.published if a.published and len(a.published) >= 10 else info.estimated or a.published
        return (when or "9999", i)

    return sorted(range(len(articles)), key=order_key)


def embedding_inputs(articles: list[Article]) -> list[str]:
    """The texts ``cluster_batch`` embeds for this batch, in its order (a prefetch worker embeds the same call:
    the encoder pads to the longest text of a call, so only the same call gives bit-identical vectors)."""
    infos = [article_dates(a.published, a.text, a.title, a.language) for a in articles]
    return [embedding_text(articles[i].title, articles[i].text) for i in _order(articles, infos)]


def _cluster(store, conn, st: _State, articles: list[Article]) -> None:
    infos = [article_dates(a.published, a.text, a.title, a.language) for a in articles]
    order = _order(articles, infos)
    counts = [article_terms(a.title, a.text, a.language) for a in articles]
    df = StoreDocFreq(conn)
    df.load({t for c in counts for t in c} | {t.lower() for a in articles for t in _name_candidates(a)})
    texts = [embedding_text(articles[i].title, articles[i].text) for i in order]
    embeddings = prefetch.take_embeddings(texts)  # computed ahead by a worker process (storyline.prefetch)
    if embeddings is None:
        embeddings = embed_texts(texts)
    seq = int(q.get_meta(conn, "seq", "0"))
    if st.seq_seen is not None and seq != st.seq_seen:
        # Another process clustered into this store since our last batch: cached clusters are stale.
        st.backend.cache.clear()
    extra = _mention_names(conn, [a.id for a in articles])
    quotes = _direct_quotes(conn, [a.id for a in articles])
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
        _refine_date(store, conn, st, a, info, decision.event_id)
    df.flush()
    q.set_meta(conn, "seq", seq)
    st.seq_seen = seq
    st.backend.trim()


def _refine_date(store, conn, st: _State, a: Article, info, event_id: int) -> None:
    if info.estimated:
        a.estimated_date, a.date_precision = info.estimated, info.precision
        store.update_article_dates(conn, a.id, info.estimated, info.precision)
        return
    if a.published and len(a.published) >= 10:
        return
    event = st.backend.get("event", event_id)
    date_, precision = cluster_date(event)
    # Only a date more precise than what the article has: a day from the event, or a month for an undated one.
    if date_ and (precision == "day" or not a.published) and date_ != a.published:
        a.estimated_date, a.date_precision = date_, "estimated"
        store.update_article_dates(conn, a.id, date_, "estimated")


def _name_candidates(a: Article):
    from storyline.cluster.signals import name_keys

    return name_keys((a.title or "") + ".\n" + (a.text or ""))


def _mention_names(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, int]]:
    """Entity mentions from the entities stage, when it has run (table ``mentions``); else nothing."""
    from storyline.cluster.signals import mention_keys

    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(mentions)")}
    except sqlite3.Error:
        return {}
    if not {"article_id", "text"} <= cols:
        return {}
    out: dict[str, dict[str, int]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        # Surface words, not entity ids: entities are linked after clustering, and the weights were fitted
        # on words (see ``signals.mention_keys``).
        for article_id, text in conn.execute(
                f"SELECT article_id, text FROM mentions WHERE article_id IN ({marks})", chunk):
            bag = out.setdefault(article_id, {})
            for key in mention_keys(text or ""):
                bag[key] = bag.get(key, 0) + 1
    return out


def _direct_quotes(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[str]]:
    """Direct quotes per article from the enrich stage (tables ``quotes``/``quote_articles``), when it ran."""
    try:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(quote_articles)")}
    except sqlite3.Error:
        return {}
    if not {"article_id", "text"} <= cols:
        return {}
    out: dict[str, list[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for article_id, text in conn.execute(
                "SELECT qa.article_id, qa.text FROM quote_articles qa JOIN quotes q ON q.id = qa.quote_id"
                f" WHERE q.kind = 'direct' AND qa.article_id IN ({marks}) ORDER BY qa.start", chunk):
            if text:
                out.setdefault(article_id, []).append(text)
    return out
