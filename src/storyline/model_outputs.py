"""The model outputs of a batch, as values: what an executor computes ahead, outside the write transaction.

:func:`compute_model_outputs` runs the models (NER, the syntax parser, sentence embeddings);
:func:`compute_batch_outputs` adds every per-article stage after them and the clusterer's per-article inputs
(what a Dask worker computes, :mod:`storyline.dask_executor`). Both are pure: nothing global, nothing written.
The runner (:mod:`storyline.runner`) installs them; results equal an inline run.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np

from storyline.cluster import embedding_inputs
from storyline.cluster.signals import embed_texts
from storyline.cluster.stage import ArticleInputs, article_inputs, inputs_key
from storyline.enrich import ner
from storyline.enrich.registry import annotate
from storyline.enrich.stages import parse_sentences, parse_sentences_many, recognise_mentions
from storyline.records import Annotations, Article, Mention, ParsedSentence

__all__ = ["ModelOutputs", "compute_model_outputs", "compute_batch_outputs", "warm", "warn_once"]

def _model_key(a: Article) -> tuple[str, str, str | None]:
    return (a.id, a.content_hash, a.language)


def _embedding_key(articles: Sequence[Article]) -> tuple:
    # Everything embedding_inputs reads: the same key gives the same texts in the same order.
    return tuple((a.id, a.content_hash, a.title, a.published, a.language) for a in articles)


@dataclass(frozen=True)
class ModelOutputs:
    """The model outputs of one batch, computed ahead (a value: nothing global, nothing written).

    ``mentions`` maps (article id, content hash, language) to the NER mentions, or None when no model
    could read that language (the article then gets no mentions, as inline); ``parses`` maps the same keys
    to the syntax stage's output; ``embeddings`` are the vectors of ``embedding_inputs(articles)`` for the
    articles described by ``embedding_key``.
    """

    mentions: dict[tuple[str, str, str | None], tuple[Mention, ...] | None] = field(default_factory=dict)
    embedding_key: tuple = ()
    embeddings: np.ndarray | None = None
    warnings: tuple[str, ...] = ()
    # Filled by Runner.prepare, outside the write transaction: each article's annotations (by _model_key)
    # and the clusterer's per-article inputs (by cluster.stage.inputs_key).
    annotations: dict[tuple[str, str, str | None], Annotations] = field(default_factory=dict)
    cluster_inputs: dict[tuple, ArticleInputs] = field(default_factory=dict)
    parses: dict[tuple[str, str, str | None], tuple[ParsedSentence, ...]] = field(default_factory=dict)
    # Also by Runner.prepare: the store-independent part of entity linking (enrich.entities.LinkPlan), by
    # _model_key.
    link_plans: dict[tuple[str, str, str | None], Any] = field(default_factory=dict)
    # ... and the clusterer's signals that need no store (cluster.signals.SignalParts), by _model_key.
    signal_parts: dict[tuple[str, str, str | None], Any] = field(default_factory=dict)

    def parses_for(self, articles: Sequence[Article]) -> dict[str, tuple[ParsedSentence, ...]]:
        """article id -> precomputed parses (articles without any are parsed inline)."""
        return {a.id: self.parses[_model_key(a)] for a in articles if _model_key(a) in self.parses}

    def mentions_for(self, articles: Sequence[Article]) -> tuple[dict[str, tuple[Mention, ...]], list[Article]]:
        """(article id -> precomputed mentions, articles with nothing precomputed)."""
        found: dict[str, tuple[Mention, ...]] = {}
        missing: list[Article] = []
        for a in articles:
            key = _model_key(a)
            if key not in self.mentions:
                missing.append(a)
            elif self.mentions[key] is not None:
                found[a.id] = self.mentions[key]
        return found, missing

    def embeddings_for(self, articles: Sequence[Article]) -> np.ndarray | None:
        """The vectors for exactly this batch, else None (the clusterer embeds inline)."""
        if self.embeddings is None or self.embedding_key != _embedding_key(articles):
            return None
        return self.embeddings


def compute_model_outputs(articles: Sequence[Article], ner: bool = True, embed: bool = True,
                          syntax: bool = False) -> ModelOutputs:
    """The model outputs of one batch (pure; an executor runs it in its worker)."""
    articles = list(articles)
    mentions: dict = {}
    parses: dict = {}
    embeddings, key = None, ()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if ner:
            found = recognise_mentions(articles)
            mentions = {_model_key(a): found.get(a.id) for a in articles}
        if syntax:
            found_parses = parse_sentences_many(articles)
            parses = {_model_key(a): found_parses[a.id] for a in articles}
        if embed and articles:
            embeddings, key = embed_texts(embedding_inputs(articles)), _embedding_key(articles)
    return ModelOutputs(mentions, key, embeddings, tuple(str(w.message) for w in caught), parses=parses)


def compute_batch_outputs(articles: Sequence[Article], ner: bool = True, embed: bool = True,
                          syntax: bool = True) -> ModelOutputs:
    """:func:`compute_model_outputs` plus every per-article stage after the models (quotes, time expressions,
    figures, positions: pure functions of the article and the model outputs) and the clusterer's per-article
    inputs: all of a batch that needs no database, as one value (what a Dask worker computes)."""
    articles = list(articles)
    out = compute_model_outputs(articles, ner=ner, embed=embed, syntax=syntax)
    annotations: dict = {}
    if ner and syntax:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for a in articles:
                key = _model_key(a)
                annotations[key] = annotate(a, out.mentions.get(key), {"parses": out.parses.get(key, ())})
        out = replace(out, warnings=out.warnings + tuple(str(w.message) for w in caught))
    inputs = {inputs_key(a): article_inputs(a) for a in articles} if embed else {}
    return replace(out, annotations=annotations, cluster_inputs=inputs)


def warn_once(messages: Sequence[str], seen: set[str]) -> None:
    """The warnings a worker reported with a batch, each shown once in the driver (``seen`` remembers them)."""
    for message in messages:
        if message not in seen:
            seen.add(message)
            warnings.warn(message, RuntimeWarning, stacklevel=3)


def warm(use_ner: bool, embed: bool, syntax: bool = False) -> None:
    """Load the models once per worker, before the first batch arrives."""
    if syntax:
        try:
            parse_sentences(Article(id="warm-up", text="Rutte zei dat het kabinet valt.", language="nl"))
        except Exception:  # a missing model is reported by the stage itself
            pass
    if use_ner:
        try:
            for lang in ner.available_languages():
                ner.extract_entities_batch(["Warm up."], lang)
        except Exception:  # a missing model is reported by the stage itself, per batch
            pass
    if embed:
        try:
            embed_texts(["warm up"])
        except Exception:
            pass
