"""Ingest: read -> normalise -> deduplicate -> store, in batches of one transaction each.

This module stores articles and reports what happened to each input item; :mod:`storyline.runner` runs
the later stages (enrichment, events, links) on each stored batch, inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

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
    """Stores articles in batches of one transaction; keeps one near-duplicate index for the life of the object.

    ``ingest(items, on_batch=...)`` calls ``on_batch(stored, models)`` inside each batch's transaction, with
    the batch's newly stored articles and what ``executor`` computed ahead for them (None without one).
    """

    def __init__(self, store: Store, batch_size: int = 200, dedup_window: int | None = WINDOW):
        self.store = store
        self.batch_size = batch_size
        self.index = NearDuplicateIndex(window=dedup_window)
        # Only the latest window of signatures: opening a large store stays fast and its memory bounded.
        for article_id, signature in store.iter_signatures(last=self.index.window):
            self.index.add(article_id, from_bytes(signature))

    def ingest(self, items: Iterable[Article | ReadError], summary: IngestSummary | None = None,
               on_batch: Callable[[list[Article], Any], None] | None = None,
               progress: Callable[[int], None] | None = None, executor: Any = None) -> IngestSummary:
        """With an ``executor`` (``submit(articles) -> handle``, ``collect(handle) -> outputs``), the models of the
        next batch run ahead while this one is stored; results are the same as without."""
        summary = summary or IngestSummary()
        batch: list[Article] = []
        pending: list[tuple[list[Article], Any]] = []

        def flush(batch: list[Article]) -> None:
            if executor is None:
                self._flush(batch, summary, on_batch, None)
                return
            # Hand this batch to the executor, then store the previous one while it runs.
            ahead = {a.id for a in pending[0][0]} if pending else set()
            handle = executor.submit(self._expected_new(batch, ahead))
            if pending:
                previous, previous_handle = pending.pop()
                self._flush(previous, summary, on_batch, executor.collect(previous_handle))
            pending.append((batch, handle))

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
            previous, previous_handle = pending.pop()
            self._flush(previous, summary, on_batch, executor.collect(previous_handle))
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

    def _flush(self, batch: list[Article], summary: IngestSummary,
               on_batch: Callable[[list[Article], Any], None] | None, models: Any) -> None:
        stored: list[Article] = []
        ids_in_batch: set[str] = set()
        with self.store.transaction():
            for article in batch:
                if article.id in ids_in_batch or self.store.find_existing(article):
                    summary.duplicates += 1
                    continue
                m = minhash(article.text)
                original = self.store.find_exact_copy(article.content_hash) or self.index.find(m)
                if original is not None:
                    article = replace(article, copy_of=original)
                    summary.copies += 1
                self.store.save_article(article, to_bytes(m))
                self.index.add(article.id, m)
                ids_in_batch.add(article.id)
                stored.append(article)
            # Later stages run inside the same transaction: a batch lands whole or not at all.
            if on_batch and stored:
                on_batch(stored, models)
        summary.new += len(stored)
        summary.new_ids.extend(a.id for a in stored)
