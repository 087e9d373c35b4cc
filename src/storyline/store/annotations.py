"""Queries for quotes, figures, disagreements and positions (schema: migration 4).

All SQL of these annotations lives here. Look-ups for linking are scoped through
indexes (an article's event and storyline, a speaker entity), never a full-table scan.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable

# Articles that share an event or a storyline with article ?1.
_SCOPE = """
    SELECT ea2.article_id FROM event_articles ea2
    WHERE ea2.event_id IN (
        SELECT ea1.event_id FROM event_articles ea1 WHERE ea1.article_id = ?1
        UNION ALL
        SELECT id FROM (SELECT e2.id FROM events e2 WHERE e2.storyline_id = (
            SELECT e1.storyline_id FROM event_articles ea1 JOIN events e1 ON e1.id = ea1.event_id
            WHERE ea1.article_id = ?1) ORDER BY e2.id DESC LIMIT 400) AS recent_events)
      AND ea2.article_id != ?1
    ORDER BY ea2.rowid DESC LIMIT 400
"""
# The scope is bounded to the storyline's latest 400 articles (arrival order): same-quote and disagreement
# matches are recent, and an unbounded storyline made the link stage grow with the store (bench scaling).
# Read through the article's own event and the storyline's latest 400 events (an events_storyline index
# range), so a storyline of thousands of events is not visited in full before the LIMIT.


# --------------------------------------------------------------------------- writing
def clear_article(conn: sqlite3.Connection, article_id: str) -> None:
    """Forget an article's quotes, figures and positions (re-annotation is idempotent)."""
    qids = [r[0] for r in conn.execute("SELECT quote_id FROM quote_articles WHERE article_id = ?", (article_id,))]
    conn.execute("DELETE FROM quote_articles WHERE article_id = ?", (article_id,))
    for qid in qids:
        conn.execute("DELETE FROM quotes WHERE id = ? AND NOT EXISTS "
                     "(SELECT 1 FROM quote_articles WHERE quote_id = ?)", (qid, qid))
    fids = [r[0] for r in conn.execute("SELECT id FROM figures WHERE article_id = ?", (article_id,))]
    dids = set()
    for fid in fids:
        dids.update(r[0] for r in conn.execute(
            "SELECT disagreement_id FROM disagreement_figures WHERE figure_id = ?", (fid,)))
        conn.execute("DELETE FROM disagreement_figures WHERE figure_id = ?", (fid,))
    conn.execute("DELETE FROM figures WHERE article_id = ?", (article_id,))
    for did in dids:
        # a disagreement needs two figures; one left alone is no disagreement
        n = conn.execute("SELECT COUNT(*) FROM disagreement_figures WHERE disagreement_id = ?", (did,)).fetchone()[0]
        if n < 2:
            conn.execute("DELETE FROM disagreement_figures WHERE disagreement_id = ?", (did,))
            conn.execute("DELETE FROM disagreements WHERE id = ?", (did,))
    conn.execute("DELETE FROM positions WHERE article_id = ?", (article_id,))


def insert_quote(conn: sqlite3.Connection, article_id: str, *, text: str, norm: str, kind: str,
                 speaker: str | None, speaker_id: int | None, language: str | None, start: int, end: int,
                 speaker_text: str | None, cue: str | None, sentence: int, confidence: float = 1.0) -> int:
    cur = conn.execute("INSERT INTO quotes (speaker, speaker_id, text, norm, kind, language, confidence)"
                       " VALUES (?,?,?,?,?,?,?)", (speaker, speaker_id, text, norm, kind, language, confidence))
    qid = cur.lastrowid
    conn.execute('INSERT OR IGNORE INTO quote_articles (quote_id, article_id, start, "end", text, speaker_text, cue,'
                 " sentence, confidence) VALUES (?,?,?,?,?,?,?,?,?)",
                 (qid, article_id, start, end, text, speaker_text, cue, sentence, confidence))
    return qid


def insert_figure(conn: sqlite3.Connection, article_id: str, fig: Any, reported_by_id: int | None) -> int:
    cur = conn.execute(
        'INSERT INTO figures (article_id, what, subject, value, low, high, qualifier, unit, reported_by,'
        ' reported_by_id, as_of, sentence, start, "end", category, confidence, reporter_type, scope)'
        ' VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
        (article_id, fig.what, fig.subject, fig.value, fig.low, fig.high, fig.qualifier, fig.unit,
         fig.reported_by, reported_by_id, fig.as_of, fig.sentence, fig.start, fig.end,
         fig.category or fig.what, fig.confidence, fig.reporter_type, fig.scope))
    return cur.lastrowid


def insert_position(conn: sqlite3.Connection, article_id: str, pos: Any, actor_id: int | None,
                    date: str | None) -> int:
    cur = conn.execute(
        "INSERT INTO positions (article_id, actor, actor_id, stance, object, date, sentence, start)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (article_id, pos.actor, actor_id, pos.stance, pos.object, date, pos.sentence, pos.start))
    return cur.lastrowid


# --------------------------------------------------------------------------- linking
def article_quotes(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT q.id, q.speaker, q.speaker_id, q.norm, q.kind FROM quote_articles qa JOIN quotes q ON q.id = qa.quote_id"
        " WHERE qa.article_id = ? ORDER BY qa.start", (article_id,)).fetchall()


def candidate_quotes(conn: sqlite3.Connection, article_id: str, speaker_id: int | None,
                     scope: list | None = None) -> list:
    """Quotes of other articles in the same event/storyline, or by the same speaker entity. ``scope``: the
    first part's rows when the caller already read them (``candidate_quotes(conn, article_id, None)``)."""
    if scope is None:
        sql = ("SELECT DISTINCT q.id, q.speaker, q.speaker_id, q.norm, q.kind FROM quote_articles qa"
               " JOIN quotes q ON q.id = qa.quote_id WHERE qa.article_id IN (" + _SCOPE + ")")
        scope = conn.execute(sql, [article_id]).fetchall()
    rows = list(scope)
    if speaker_id is not None:
        rows += conn.execute(
            # NOT EXISTS by the quote's own index, not NOT IN over all the article's quotes (a long article has
            # thousands; this runs once per speaker inside the write transaction)
            "SELECT q.id, q.speaker, q.speaker_id, q.norm, q.kind FROM quotes q WHERE q.speaker_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM quote_articles qa WHERE qa.quote_id = q.id AND qa.article_id = ?)"
            " ORDER BY q.id DESC LIMIT 500",
            (speaker_id, article_id)).fetchall()
    seen, out = set(), []
    for r in rows:
        if r["id"] not in seen:
            seen.add(r["id"])
            out.append(r)
    return out


def merge_quotes(conn: sqlite3.Connection, keep: int, drop: int) -> None:
    """Move every occurrence of quote ``drop`` to ``keep`` (the same words from another outlet)."""
    # The key of quote_articles is (article_id, start): moving a row to another quote cannot collide.
    conn.execute("UPDATE quote_articles SET quote_id = ? WHERE quote_id = ?", (keep, drop))
    conn.execute("DELETE FROM quote_articles WHERE quote_id = ?", (drop,))
    conn.execute("UPDATE quotes SET speaker = COALESCE(speaker, (SELECT speaker FROM quotes WHERE id = ?)),"
                 " speaker_id = COALESCE(speaker_id, (SELECT speaker_id FROM quotes WHERE id = ?)),"
                 " confidence = MAX(confidence, COALESCE((SELECT confidence FROM quotes WHERE id = ?), 0)) WHERE id = ?",
                 (drop, drop, drop, keep))
    conn.execute("DELETE FROM quotes WHERE id = ?", (drop,))


_FIGURE_COLS = ('f.id, f.article_id, f.what, f.subject, f.value, f.low, f.high, f.qualifier, f.unit, f.reported_by,'
                ' f.reported_by_id, f.as_of, f.sentence, f.category, f.confidence, f.reporter_type, f.scope, a.source,'
                ' a.copy_of, COALESCE(a.published, a.estimated_date) AS date')


def article_figures(conn: sqlite3.Connection, article_id: str) -> list[sqlite3.Row]:
    return conn.execute(f"SELECT {_FIGURE_COLS} FROM figures f JOIN articles a ON a.id = f.article_id"
                        " WHERE f.article_id = ?", (article_id,)).fetchall()


def candidate_figures(conn: sqlite3.Connection, article_id: str, category: str) -> list[sqlite3.Row]:
    """Figures of the same category in articles of the same event or storyline."""
    return conn.execute(
        f"SELECT {_FIGURE_COLS} FROM figures f JOIN articles a ON a.id = f.article_id"
        # `+f.category`: read figures per scope article (figures_article), never every figure of a kind.
        " WHERE +f.category = ?2 AND f.article_id IN (" + _SCOPE + ")", (article_id, category)).fetchall()


def article_scope(conn: sqlite3.Connection, article_id: str) -> tuple[int | None, int | None]:
    row = conn.execute("SELECT e.id, e.storyline_id FROM event_articles ea JOIN events e ON e.id = ea.event_id"
                       " WHERE ea.article_id = ?", (article_id,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def disagreement_of(conn: sqlite3.Connection, figure_ids: Iterable[int]) -> int | None:
    ids = list(figure_ids)
    if not ids:
        return None
    marks = ",".join("?" * len(ids))
    row = conn.execute(f"SELECT disagreement_id FROM disagreement_figures WHERE figure_id IN ({marks}) LIMIT 1",
                       ids).fetchone()
    return row[0] if row else None


def save_disagreement(conn: sqlite3.Connection, what: str, subject: str | None, event_id: int | None,
                      storyline_id: int | None, figure_ids: list[int]) -> int:
    did = disagreement_of(conn, figure_ids)
    if did is None:
        cur = conn.execute(
            "INSERT INTO disagreements (what, subject, event_id, storyline_id, signature) VALUES (?,?,?,?,?)",
            (what, subject, event_id, storyline_id, f"{what}|{subject}|{min(figure_ids)}"))
        did = cur.lastrowid
    for fid in figure_ids:
        conn.execute("INSERT OR IGNORE INTO disagreement_figures (disagreement_id, figure_id) VALUES (?,?)", (did, fid))
    return did


# --------------------------------------------------------------------------- listing (JSON contracts)
def _scope_filter(alias_article: str, event_id: int | None, storyline_id: int | None) -> tuple[str, list]:
    if event_id is not None:
        return (f" AND {alias_article} IN (SELECT article_id FROM event_articles WHERE event_id = ?)", [event_id])
    if storyline_id is not None:
        return (f" AND {alias_article} IN (SELECT ea.article_id FROM event_articles ea JOIN events e"
                " ON e.id = ea.event_id WHERE e.storyline_id = ?)", [storyline_id])
    return "", []


def list_quotes(conn: sqlite3.Connection, *, event_id: int | None = None, storyline_id: int | None = None,
                limit: int | None = None, min_confidence: float = 0.0, speaker_id: int | None = None) -> list[dict]:
    where, params = _scope_filter("qa.article_id", event_id, storyline_id)
    if speaker_id is not None:
        where, params = where + " AND q.speaker_id = ?", params + [speaker_id]
    rows = conn.execute(
        "SELECT q.id, q.speaker, q.speaker_id, q.text, q.kind, q.confidence,"
        " group_concat(qa.article_id, '\u001f') AS arts,"
        " COUNT(qa.article_id) AS n FROM quotes q JOIN quote_articles qa ON qa.quote_id = q.id"
        " WHERE q.confidence >= ?" + where + " GROUP BY q.id ORDER BY n DESC, q.id" + (" LIMIT ?" if limit else ""),
        [min_confidence] + params + ([limit] if limit else [])).fetchall()
    return [{"id": r["id"], "speaker": r["speaker"], "speaker_id": r["speaker_id"], "text": r["text"],
             "kind": r["kind"], "articles": sorted(set(r["arts"].split("\u001f"))),
             "confidence": round(r["confidence"], 3)} for r in rows]


def figure_json(r: sqlite3.Row) -> dict:
    return {"id": r["id"], "what": r["what"] + (f" ({r['subject']})" if r["subject"] else ""),
            "category": r["category"], "value": r["value"], "low": r["low"], "high": r["high"],
            "qualifier": r["qualifier"], "unit": r["unit"], "reported_by": r["reported_by"],
            "reporter_type": r["reporter_type"], "as_of": r["as_of"], "confidence": r["confidence"],
            "article": r["article_id"], "sentence": r["sentence"], "scope": r["scope"]}


def list_figures(conn: sqlite3.Connection, *, event_id: int | None = None, storyline_id: int | None = None,
                 limit: int | None = None, min_confidence: float = 0.0) -> list[dict]:
    where, params = _scope_filter("f.article_id", event_id, storyline_id)
    rows = conn.execute(f"SELECT {_FIGURE_COLS} FROM figures f JOIN articles a ON a.id = f.article_id"
                        " WHERE f.confidence >= ?" + where + " ORDER BY f.category, f.what, f.subject, f.id"
                        + (" LIMIT ?" if limit else ""),
                        [min_confidence] + params + ([limit] if limit else [])).fetchall()
    return [figure_json(r) for r in rows]


def list_disagreements(conn: sqlite3.Connection, *, event_id: int | None = None,
                       storyline_id: int | None = None) -> list[dict]:
    where, params = _scope_filter("f.article_id", event_id, storyline_id)
    rows = conn.execute(
        f"SELECT d.id AS did, d.what AS dwhat, d.subject AS dsubject, {_FIGURE_COLS} FROM disagreements d"
        " JOIN disagreement_figures df ON df.disagreement_id = d.id JOIN figures f ON f.id = df.figure_id"
        " JOIN articles a ON a.id = f.article_id WHERE 1=1" + where + " ORDER BY d.id, f.value, f.id", params).fetchall()
    out: dict[int, dict] = {}
    for r in rows:
        d = out.setdefault(r["did"], {"id": r["did"], "what": r["dwhat"] + (f": {r['dsubject']}" if r["dsubject"] else ""),
                                      "figures": [], "values": [], "sources": [], "articles": [], "sentences": []})
        d["figures"].append(r["id"])
        d["values"].append(r["value"] if r["value"] is not None else [r["low"], r["high"]])
        d["sources"].append(r["reported_by"] or r["source"])
        d["sentences"].append(r["sentence"])
        if r["article_id"] not in d["articles"]:
            d["articles"].append(r["article_id"])
    # one disagreement per set of figures: a set contained in another listed one is not listed again, nor one
    # that repeats another's values in the same sentences (two copies of the articles found as two pairs)
    found, seen = [], set()
    for d in out.values():
        key = (d["what"], frozenset((str(v), " ".join(s.split()).lower()) for v, s in zip(d["values"], d["sentences"])))
        if len(d["figures"]) > 1 and key not in seen:
            seen.add(key)
            found.append(d)
    sets = [frozenset(d["figures"]) for d in found]
    return [d for i, d in enumerate(found)
            if not any(j != i and (sets[i] < sets[j] or (sets[i] == sets[j] and j < i)) for j in range(len(found)))]


def list_positions(conn: sqlite3.Connection, *, event_id: int | None = None, storyline_id: int | None = None,
                   limit: int | None = None) -> list[dict]:
    """Positions per actor over time; one position reported by several outlets is one row with all its articles."""
    from storyline.enrich.positions import merge_reports

    where, params = _scope_filter("p.article_id", event_id, storyline_id)
    rows = conn.execute(
        "SELECT p.id, p.actor, p.actor_id, p.stance, p.object, p.article_id, p.date FROM positions p WHERE 1=1"
        + where + " ORDER BY p.date, p.id", params).fetchall()
    out = merge_reports([dict(r) for r in rows])
    return out[:limit] if limit else out


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


# --------------------------------------------------------------------------- record-level (the Store's methods)
class AnnotationQueries:
    """Quotes, figures, positions and disagreements as :class:`storyline.store.base.Store` methods
    (mixed into :class:`storyline.store.sqlite.SQLiteStore`, which provides ``self.conn``)."""

    conn: sqlite3.Connection

    def write_annotations(self, article_id: str, annotations: Any) -> None:
        """Replace one article's quotes, figures and positions (mentions are written by the caller)."""
        clear_article(self.conn, article_id)
        if annotations.genre:
            self.conn.execute("UPDATE articles SET genre = ? WHERE id = ?", (annotations.genre[0].label, article_id))
        for q in annotations.quotes:
            insert_quote(self.conn, article_id, text=q.text, norm=q.norm, kind=q.kind, speaker=q.speaker,
                         speaker_id=None, language=annotations.language, start=q.start, end=q.end,
                         speaker_text=q.speaker_text, cue=q.cue, sentence=q.sentence, confidence=q.confidence)
        for fig in annotations.figures:
            insert_figure(self.conn, article_id, fig, None)
        for pos in annotations.positions:
            insert_position(self.conn, article_id, pos, None, annotations.date)

    def article_quotes(self, article_id: str) -> list[dict]:
        return [dict(r) for r in article_quotes(self.conn, article_id)]

    def candidate_quotes(self, article_id: str, speaker_id: int | None, scope: list[dict] | None = None) -> list[dict]:
        return [dict(r) for r in candidate_quotes(self.conn, article_id, speaker_id, scope)]

    def set_quote_speaker(self, quote_id: int, entity_id: int) -> None:
        self.conn.execute("UPDATE quotes SET speaker_id = ? WHERE id = ?", (entity_id, quote_id))

    def merge_quotes(self, keep: int, drop: int) -> None:
        merge_quotes(self.conn, keep, drop)

    def article_figures(self, article_id: str) -> list[dict]:
        return [dict(r) for r in article_figures(self.conn, article_id)]

    def candidate_figures(self, article_id: str, category: str) -> list[dict]:
        return [dict(r) for r in candidate_figures(self.conn, article_id, category)]

    def set_figure_reporter(self, figure_id: int, entity_id: int) -> None:
        self.conn.execute("UPDATE figures SET reported_by_id = ? WHERE id = ?", (entity_id, figure_id))

    def unlinked_positions(self, article_id: str) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT id, actor FROM positions WHERE article_id = ? AND actor_id IS NULL", (article_id,))]

    def set_position_actor(self, position_id: int, entity_id: int) -> None:
        self.conn.execute("UPDATE positions SET actor_id = ? WHERE id = ?", (entity_id, position_id))

    def article_scope(self, article_id: str) -> tuple[int | None, int | None]:
        return article_scope(self.conn, article_id)

    def save_disagreement(self, what: str, subject: str | None, event_id: int | None, storyline_id: int | None,
                          figure_ids: list[int]) -> int:
        return save_disagreement(self.conn, what, subject, event_id, storyline_id, figure_ids)
