"""Ingest: read -> normalise -> deduplicate -> store, in batches of one transaction each.

Later stages (enrichment, events) register themselves in ``storyline.pipeline``; this
module stores articles and reports what happened to each input item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from storyline.ingest.dedup import NearDuplicateIndex, from_bytes, minhash, to_bytes
from storyline.ingest.readers import ReadError
from storyline.models import Article
from storyline.store import Store


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    copies: int = 0
    failed: int = 0
    empty: int = 0  # well-formed records that carry no title and no text: skipped, not failures
    errors: list[str] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"read": self.read, "new": self.new, "duplicates": self.duplicates, "copies": self.copies,
                "failed": self.failed, "empty": self.empty, "errors": self.errors}


class Ingester:
    """Stores articles; keeps one near-duplicate index for the life of the object."""

    def __init__(self, store: Store, batch_size: int = 200):
        self.store = store
        self.batch_size = batch_size
        self.index = NearDuplicateIndex()
        for article_id, signature in store.iter_signatures():
            self.index.add(article_id, from_bytes(signature))
        self._seen_in_batch: dict[str, str] = {}

    def ingest(self, items: Iterable[Article | ReadError], summary: IngestSummary | None = None,
               on_batch: Callable[[list[Article]], None] | None = None,
               progress: Callable[[int], None] | None = None) -> IngestSummary:
        summary = summary or IngestSummary()
        batch: list[Article] = []
        for item in items:
            if progress:
                progress(1)
            if isinstance(item, ReadError) and item.empty:
                summary.empty += 1
                summary.errors.append(str(item))
                continue
            if isinstance(item, ReadError):
                summary.failed += 1
                summary.errors.append(str(item))
                continue
            summary.read += 1
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._flush(batch, summary, on_batch)
                batch = []
        if batch:
            self._flush(batch, summary, on_batch)
        return summary

    def _flush(self, batch: list[Article], summary: IngestSummary,
               on_batch: Callable[[list[Article]], None] | None) -> None:
        stored: list[Article] = []
        ids_in_batch: set[str] = set()
        with self.store.transaction() as conn:
            for article in batch:
                if article.id in ids_in_batch or self.store.find_existing(article):
                    summary.duplicates += 1
                    continue
                m = minhash(article.text)
                original = self.store.find_exact_copy(article.content_hash) or self.index.find(m)
                if original is not None:
                    article.copy_of = original
                    summary.copies += 1
                self.store.insert_article(conn, article, to_bytes(m))
                self.index.add(article.id, m)
                ids_in_batch.add(article.id)
                stored.append(article)
            # Later stages run inside the same transaction: a batch lands whole or not at all.
            if on_batch and stored:
                on_batch(stored)
        summary.new += len(stored)
        summary.new_ids.extend(a.id for a in stored)
