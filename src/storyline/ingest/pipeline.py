"""Ingest: read -> normalise -> deduplicate -> store, in batches of one transaction each.

Later stages (enrichment, events) register themselves in ``storyline.pipeline``; this
module stores articles and reports what happened to each input item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from storyline.ingest.dedup import WINDOW, NearDuplicateIndex, from_bytes, minhash, to_bytes
from storyline.ingest.readers import ReadError
from storyline.records import Article
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

    def __init__(self, store: Store, batch_size: int = 200, dedup_window: int | None = WINDOW):
        self.store = store
        self.batch_size = batch_size
        self.index = NearDuplicateIndex(window=dedup_window)
        # Only the latest window of signatures: opening a large store stays fast and its memory bounded.
        for article_id, signature in store.iter_signatures(last=self.index.window):
            self.index.add(article_id, from_bytes(signature))
        self._seen_in_batch: dict[str, str] = {}

    def ingest(self, items: Iterable[Article | ReadError], summary: IngestSummary | None = None,
               on_batch: Callable[[list[Article]], None] | None = None,
               progress: Callable[[int], None] | None = None, prefetch=None) -> IngestSummary:
        """With ``prefetch`` (a :class:`storyline.prefetch.Prefetcher`), the models of the next batch run in
        its worker while this one is stored; results are the same as without."""
        summary = summary or IngestSummary()
        batch: list[Article] = []
        pending: list[tuple[list[Article], object]] = []

        def flush(batch: list[Article]) -> None:
            if prefetch is None:
                self._flush(batch, summary, on_batch)
                return
            # Hand this batch to the worker, then store the previous one while the worker runs.
            ahead = {a.id for a in pending[0][0]} if pending else set()
            future = prefetch.submit(self._expected_new(batch, ahead))
            if pending:
                self._flush_prefetched(*pending.pop(), summary, on_batch, prefetch)
            pending.append((batch, future))

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
                flush(batch)
                batch = []
        if batch:
            flush(batch)
        if pending:
            self._flush_prefetched(*pending.pop(), summary, on_batch, prefetch)
        return summary

    def _expected_new(self, batch: list[Article], ahead: set[str]) -> list[Article]:
        """The articles ``_flush`` will store, given that the ids in ``ahead`` are stored before it."""
        seen: set[str] = set()
        out: list[Article] = []
        for article in batch:
            if article.id in seen or article.id in ahead or self.store.find_existing(article):
                continue
            seen.add(article.id)
            out.append(article)
        return out

    def _flush_prefetched(self, batch, future, summary, on_batch, prefetch) -> None:
        prefetch.install(future)
        try:
            self._flush(batch, summary, on_batch)
        finally:
            prefetch.install(None)  # clears: outputs are never reused across batches

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
