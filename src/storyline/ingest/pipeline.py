"""Ingest: read -> normalise -> deduplicate -> store, in batches of one transaction each.

This module stores articles and reports what happened to each input item; :mod:`storyline.runner` runs
the later stages (enrichment, events, links) on each stored batch, inside its transaction.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from storyline.ingest.dedup import WINDOW, NearDuplicateIndex, from_bytes, minhash, to_bytes
from storyline.ingest.readers import DATE_WARNING, ReadError
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
    warnings: list[str] = field(default_factory=list)  # stored, but something was dropped (an implausible date)
    new_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"read": self.read, "new": self.new, "duplicates": self.duplicates, "copies": self.copies,
                "failed": self.failed, "empty": self.empty, "errors": self.errors, "warnings": self.warnings}


class Ingester:
    """Stores articles in batches of one transaction; keeps one near-duplicate index for the life of the object.

    ``ingest(items, on_batch=...)`` calls ``on_batch(stored, models)`` inside each batch's transaction, with
    the batch's newly stored articles and what ``executor`` computed ahead for them (None without one).
    """

    def __init__(self, store: Store, batch_size: int = 200, dedup_window: int | None = WINDOW):
        self.store = store
        self.batch_size = batch_size
        self.index = NearDuplicateIndex(window=dedup_window)
        self._prepare: Callable[[list[Article], Any], Any] | None = None
        # Only the latest window of signatures: opening a large store stays fast and its memory bounded.
        for article_id, signature in store.iter_signatures(last=self.index.window):
            self.index.add(article_id, from_bytes(signature))

    def ingest(self, items: Iterable[Article | ReadError], summary: IngestSummary | None = None,
               on_batch: Callable[[list[Article], Any], None] | None = None,
               progress: Callable[[int], None] | None = None, executor: Any = None,
               prepare: Callable[[list[Article], Any], Any] | None = None) -> IngestSummary:
        """With an ``executor`` (``submit(articles) -> handle``, ``collect(handle) -> outputs``), the models of the
        next batches (``executor.depth`` of them, default 1) run ahead while this one is stored; results are the
        same as without. ``prepare(articles,
        outputs) -> outputs`` runs before each batch's write transaction on the articles it will store: the
        work that needs no database belongs there, so the transaction (the write lock) stays short."""
        self._prepare = prepare
        summary = summary or IngestSummary()
        batch: list[Article] = []
        # Batches handed to the executor and not stored yet, oldest first; they are stored in this order (the
        # order the articles arrived), whatever order the executor finishes them in.
        pending: deque[tuple[list[Article], Any]] = deque()
        depth = max(1, int(getattr(executor, "depth", 1)))

        def flush(batch: list[Article]) -> None:
            if executor is None:
                self._flush(batch, summary, on_batch, None)
                return
            # Hand this batch to the executor, then store the oldest ones while it runs.
            ahead = {a.id for previous, _ in pending for a in previous}
            pending.append((batch, executor.submit(self._expected_new(batch, ahead))))
            while len(pending) > depth:
                previous, previous_handle = pending.popleft()
                self._flush(previous, summary, on_batch, executor.collect(previous_handle))

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
            dropped = item.metadata.get(DATE_WARNING) if isinstance(item.metadata, dict) else None
            if isinstance(dropped, dict) and dropped.get("why"):
                summary.warnings.append(f"{item.id}: {dropped['why']}")
            batch.append(item)
            if len(batch) >= self.batch_size:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
        while pending:
            previous, previous_handle = pending.popleft()
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
        # Outside the write transaction: what needs no database (signatures, search documents, and the
        # caller's preparation: models, annotations). Inside, another writer may have stored some of these
        # articles meanwhile; the checks are repeated there and anything not prepared is computed inline.
        expected = self._expected_new(batch, set())
        signatures = {(a.id, a.content_hash): minhash(a.text) for a in expected}
        documents = {(a.id, a.content_hash): self.store.index_documents(a) for a in expected}
        if self._prepare is not None and expected:
            models = self._prepare(expected, models)
        with self.store.transaction():
            for article in batch:
                if article.id in ids_in_batch or self.store.find_existing(article):
                    summary.duplicates += 1
                    continue
                key = (article.id, article.content_hash)
                m = signatures[key] if key in signatures else minhash(article.text)
                original = self.store.find_exact_copy(article.content_hash) or self.index.find(m)
                if original is not None:
                    article = replace(article, copy_of=original)
                    summary.copies += 1
                self.store.save_article(article, to_bytes(m), documents=documents.get(key))
                self.index.add(article.id, m)
                ids_in_batch.add(article.id)
                stored.append(article)
            # Later stages run inside the same transaction: a batch lands whole or not at all.
            if on_batch and stored:
                on_batch(stored, models)
        summary.new += len(stored)
        summary.new_ids.extend(a.id for a in stored)
