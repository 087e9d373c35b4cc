"""Queries over entities and mentions (schema: migration 3).

All SQL for the entity tables lives here; :mod:`storyline.enrich.entities` holds the
linking logic and calls this repository. Every lookup is by an indexed key or id, so a
batch never scans a whole table.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

__all__ = ["EntityRepo", "MentionRow"]


class MentionRow(tuple):
    """(id, article_id, entity_id, text, type, start, end, sentence, confidence) as stored."""

    __slots__ = ()

    id = property(lambda self: self[0])
    article_id = property(lambda self: self[1])
    entity_id = property(lambda self: self[2])
    text = property(lambda self: self[3])
    type = property(lambda self: self[4])
    start = property(lambda self: self[5])
    end = property(lambda self: self[6])
    sentence = property(lambda self: self[7])
    # the tagger's probability of the span's type (1.0 when unknown: gold mentions, stores before migration 10)
    confidence = property(lambda self: 1.0 if len(self) < 9 or self[8] is None else self[8])


def _chunks(items: Sequence, size: int = 500) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class EntityRepo:
    """The entity queries; :class:`storyline.store.sqlite.SQLiteStore` has them as its own methods."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # ------------------------------------------------------------------ mentions
    def insert_mentions(self, article_id: str, mentions: Iterable[Any]) -> None:
        self.conn.executemany(
            'INSERT INTO mentions (article_id, text, type, start, "end", sentence, confidence, role)'
            " VALUES (?,?,?,?,?,?,?,?)",
            [(article_id, m.text, m.type, m.start, m.end, m.sentence, getattr(m, "confidence", None),
              getattr(m, "role", None)) for m in mentions],
        )

    def delete_mentions(self, article_ids: Sequence[str]) -> None:
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM mentions WHERE article_id IN ({marks})", chunk)

    def mentions_for_articles(self, article_ids: Sequence[str], *, unlinked_only: bool = False) -> list[MentionRow]:
        out: list[MentionRow] = []
        extra = " AND entity_id IS NULL" if unlinked_only else ""
        for chunk in _chunks(list(article_ids)):
            marks = ",".join("?" * len(chunk))
            out.extend(MentionRow(tuple(r)) for r in self.conn.execute(
                f'SELECT id, article_id, entity_id, text, type, start, "end", sentence, confidence FROM mentions'
                f" WHERE article_id IN ({marks}){extra} ORDER BY article_id, start", chunk))
        return out

    def set_mention_entities(self, pairs: Iterable[tuple[int, int]]) -> None:
        """``(entity_id, mention_id)`` pairs."""
        self.conn.executemany("UPDATE mentions SET entity_id = ? WHERE id = ?", list(pairs))

    # ------------------------------------------------------------------ entities
    def create_entity(self, name: str, type_: str, key: str, *, multiword: bool = False, geo_id: str | None = None,
                      lat: float | None = None, lon: float | None = None, country: str | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO entities (name, type, key, multiword, geo_id, lat, lon, country, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
            (name, type_, key, int(multiword), geo_id, lat, lon, country),
        )
        return int(cur.lastrowid)

    def entity_by_geo(self, geo_id: str) -> int | None:
        row = self.conn.execute("SELECT id FROM entities WHERE geo_id = ? AND merged_into IS NULL LIMIT 1",
                                (geo_id,)).fetchone()
        return row[0] if row else None

    def entities_by_key(self, key: str, kind: str) -> list[tuple[int, str, int, str | None]]:
        """Live entities with lookup ``key`` of ``kind``: (id, type, multiword, geo_id)."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT e.id, e.type, e.multiword, e.geo_id FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
            " WHERE k.key = ? AND k.kind = ? AND e.merged_into IS NULL ORDER BY e.id", (key, kind))]

    def add_keys(self, entity_id: int, keys: Iterable[tuple[str, str]]) -> None:
        """``(key, kind)`` pairs."""
        self.conn.executemany("INSERT OR IGNORE INTO entity_keys (key, kind, entity_id) VALUES (?,?,?)",
                              [(k, kind, entity_id) for k, kind in keys if k])

    def keys_of(self, entity_id: int, kind: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT key FROM entity_keys WHERE entity_id = ? AND kind = ?", (entity_id, kind))]

    def add_observations(self, entity_id: int, article_id: str, variants: Counter, types: Counter) -> None:
        """Count the mentions of one article towards an entity: variants, types, article link."""
        n = sum(types.values())
        self.conn.executemany(
            "INSERT INTO entity_variants (entity_id, variant, n) VALUES (?,?,?)"
            " ON CONFLICT(entity_id, variant) DO UPDATE SET n = n + excluded.n",
            [(entity_id, v, c) for v, c in variants.items()])
        self.conn.execute(
            "INSERT INTO article_entities (article_id, entity_id, n) VALUES (?,?,?)"
            " ON CONFLICT(entity_id, article_id) DO UPDATE SET n = n + excluded.n", (article_id, entity_id, n))
        row = self.conn.execute("SELECT type_counts FROM entities WHERE id = ?", (entity_id,)).fetchone()
        counts = Counter(json.loads(row[0] or "{}"))
        counts.update(types)
        self.conn.execute("UPDATE entities SET type_counts = ?, mention_count = mention_count + ? WHERE id = ?",
                          (json.dumps(dict(counts)), n, entity_id))

    def entity_row(self, entity_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()

    def entity_variants(self, entity_id: int) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT variant, n FROM entity_variants WHERE entity_id = ? ORDER BY n DESC, variant", (entity_id,))]

    def entity_evidence(self, entity_id: int) -> tuple[int, float, int]:
        """(articles naming the entity, mean tagger confidence of its mentions (1.0 where none was stored),
        mentions with a title or role)."""
        n = self.conn.execute("SELECT COUNT(*) FROM article_entities WHERE entity_id = ?", (entity_id,)).fetchone()
        conf = self.conn.execute("SELECT AVG(COALESCE(confidence, 1.0)), COUNT(role) FROM mentions"
                                 " WHERE entity_id = ?", (entity_id,)).fetchone()
        return (int(n[0] or 0), float(conf[0] if conf and conf[0] is not None else 1.0),
                int(conf[1] or 0) if conf else 0)

    def entity_context(self, entity_id: int) -> tuple[set[str], set[str]]:
        """(languages of the articles naming the entity, countries those articles name as countries)."""
        langs = {r[0] for r in self.conn.execute(
            "SELECT DISTINCT a.language FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
            " WHERE ae.entity_id = ?", (entity_id,)) if r[0]}
        countries = {r[0] for r in self.conn.execute(
            "SELECT DISTINCT e.country FROM article_entities ae JOIN article_entities o ON o.article_id = ae.article_id"
            " JOIN entities e ON e.id = o.entity_id WHERE ae.entity_id = ? AND e.geo_id LIKE 'iso:%'", (entity_id,))
            if r[0]}
        return langs, countries

    def update_entity(self, entity_id: int, **fields: Any) -> None:
        if not fields:
            return
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE entities SET {cols}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                          f" WHERE id = ?", (*fields.values(), entity_id))

    def resolve_id(self, entity_id: int) -> int:
        """Follow ``merged_into`` to the live entity."""
        seen = set()
        while entity_id not in seen:
            seen.add(entity_id)
            row = self.conn.execute("SELECT merged_into FROM entities WHERE id = ?", (entity_id,)).fetchone()
            if row is None or row[0] is None:
                return entity_id
            entity_id = row[0]
        return entity_id

    def merge_entities(self, loser: int, survivor: int) -> None:
        """Fold entity ``loser`` into ``survivor``: mentions, keys, variants, counts; keep a redirect."""
        if loser == survivor:
            return
        c = self.conn
        c.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (survivor, loser))
        c.execute("INSERT INTO article_entities (article_id, entity_id, n) SELECT article_id, ?, n FROM"
                  " article_entities WHERE entity_id = ? AND true"
                  " ON CONFLICT(entity_id, article_id) DO UPDATE SET n = n + excluded.n", (survivor, loser))
        c.execute("DELETE FROM article_entities WHERE entity_id = ?", (loser,))
        c.execute("INSERT INTO entity_variants (entity_id, variant, n) SELECT ?, variant, n FROM entity_variants"
                  " WHERE entity_id = ? AND true ON CONFLICT(entity_id, variant) DO UPDATE SET n = n + excluded.n",
                  (survivor, loser))
        c.execute("DELETE FROM entity_variants WHERE entity_id = ?", (loser,))
        c.execute("INSERT OR IGNORE INTO entity_keys (key, kind, entity_id) SELECT key, kind, ? FROM entity_keys"
                  " WHERE entity_id = ?", (survivor, loser))
        c.execute("DELETE FROM entity_keys WHERE entity_id = ?", (loser,))
        a = self.entity_row(loser)
        b = self.entity_row(survivor)
        counts = Counter(json.loads(b["type_counts"] or "{}"))
        counts.update(json.loads(a["type_counts"] or "{}"))
        c.execute("UPDATE entities SET type_counts = ?, mention_count = mention_count + ?,"
                  " multiword = MAX(multiword, ?) WHERE id = ?",
                  (json.dumps(dict(counts)), a["mention_count"], a["multiword"], survivor))
        c.execute("UPDATE entities SET merged_into = ?, mention_count = 0, type_counts = '{}' WHERE id = ?",
                  (survivor, loser))
        c.execute("UPDATE entities SET merged_into = ? WHERE merged_into = ?", (survivor, loser))

    # ------------------------------------------------------------------ scopes
    def event_of(self, article_id: str) -> int | None:
        try:
            row = self.conn.execute("SELECT event_id FROM event_articles WHERE article_id = ?",
                                    (article_id,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def entities_in_event(self, event_id: int, entity_ids: Sequence[int]) -> list[int]:
        if not entity_ids:
            return []
        marks = ",".join("?" * len(entity_ids))
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT ae.entity_id FROM event_articles ea JOIN article_entities ae"
            f" ON ae.article_id = ea.article_id WHERE ea.event_id = ? AND ae.entity_id IN ({marks})",
            (event_id, *entity_ids))]

    def entities_in_article(self, article_id: str) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT entity_id FROM article_entities WHERE article_id = ?", (article_id,))]

    # ------------------------------------------------------------------ listing
    def list_entities(self, *, type_: str | None = None, event_id: int | None = None,
                      storyline_id: int | None = None, article_id: str | None = None,
                      limit: int | None = 100, offset: int = 0, min_confidence: float = 0.0) -> list[sqlite3.Row]:
        where = ["e.merged_into IS NULL", "e.mention_count > 0"]
        params: list[Any] = []
        if min_confidence > 0:  # entities linked before confidences were stored count as sure
            where.append("COALESCE(e.confidence, 1.0) >= ?")
            params.append(min_confidence)
        scope = ""
        if type_:
            where.append("e.type = ?")
            params.append(type_.upper())
        if event_id is not None or storyline_id is not None or article_id is not None:
            scope_where = []
            scope_params: list[Any] = []
            joins = ""
            if event_id is not None or storyline_id is not None:
                joins = " JOIN event_articles ea ON ea.article_id = ae.article_id"
                if event_id is not None:
                    scope_where.append("ea.event_id = ?")
                    scope_params.append(event_id)
                if storyline_id is not None:
                    joins += " JOIN events ev ON ev.id = ea.event_id"
                    scope_where.append("ev.storyline_id = ?")
                    scope_params.append(storyline_id)
            if article_id is not None:
                scope_where.append("ae.article_id = ?")
                scope_params.append(article_id)
            scope = (f" JOIN (SELECT ae.entity_id, SUM(ae.n) AS scoped FROM article_entities ae{joins}"
                     f" WHERE {' AND '.join(scope_where)} GROUP BY ae.entity_id) s ON s.entity_id = e.id")
            params = scope_params + params
        order = "s.scoped DESC, e.mention_count DESC" if scope else "e.mention_count DESC"
        sql = f"SELECT e.* FROM entities e{scope} WHERE {' AND '.join(where)} ORDER BY {order}, e.id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.conn.execute(sql, params).fetchall()

    def variants_for(self, entity_ids: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {i: [] for i in entity_ids}
        for chunk in _chunks(list(entity_ids)):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"SELECT entity_id, variant FROM entity_variants WHERE entity_id IN ({marks})"
                                       " ORDER BY entity_id, n DESC, variant", chunk):
                out[r[0]].append(r[1])
        return out

    def articles_for(self, entity_ids: Sequence[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {i: [] for i in entity_ids}
        for chunk in _chunks(list(entity_ids)):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                    "SELECT ae.entity_id, ae.article_id FROM article_entities ae JOIN articles a ON a.id = ae.article_id"
                    f" WHERE ae.entity_id IN ({marks}) ORDER BY ae.entity_id, a.seq", chunk):
                out[r[0]].append(r[1])
        return out

    def mention_entity_ids(self, article_ids: Sequence[str]) -> dict[int, int | None]:
        """mention id -> entity id (for evaluation)."""
        return {m.id: m.entity_id for m in self.mentions_for_articles(article_ids)}
