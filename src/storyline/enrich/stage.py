"""The enrichment stages of the pipeline (see :mod:`storyline.pipeline`).

``enrich_batch`` runs per article: named-entity recognition on the whole batch, the
mentions stored, then the quote/figure annotators (``storyline.enrich.annotations``)
when that module is installed. ``link_batch`` runs after clustering and works across
articles: mentions merged into entities (events are known by then), places
geocoded, then ``storyline.enrich.annotations.link_articles`` (one quote from many
outlets, disagreements) when present.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import warnings
from collections import defaultdict
from types import ModuleType

from storyline.records import Article
from storyline.store.entities import EntityRepo

LOGGER = logging.getLogger(__name__)

__all__ = ["enrich_batch", "link_batch"]

DEFAULT_LANGUAGE = "nl"
_warned: set[str] = set()


def _annotations() -> ModuleType | None:
    try:
        return importlib.import_module("storyline.enrich.annotations")
    except ModuleNotFoundError as exc:
        # Only the module itself being absent is optional; a missing import inside it is a bug to show.
        if exc.name in ("storyline.enrich.annotations",):
            return None
        raise


def _warn_once(what: str, message: str) -> None:
    if what not in _warned:
        _warned.add(what)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def _recognise(articles: list[Article]) -> dict[str, list]:
    """article id -> mentions, running the NER once per language over the batch."""
    from storyline.enrich import ner

    by_lang: dict[str, list[Article]] = defaultdict(list)
    available = None
    for a in articles:
        by_lang[(a.language or DEFAULT_LANGUAGE).lower().split("-")[0]].append(a)
    out: dict[str, list] = {}
    for lang, group in by_lang.items():
        use = lang
        if available is None:
            available = set(ner.available_languages()) if hasattr(ner, "available_languages") else None
        if available is not None and lang not in available:
            if DEFAULT_LANGUAGE not in available:
                _warn_once("ner", "no NER model installed (train it with `make train-ner`); "
                                  "articles are stored without entities")
                continue
            # Names are written alike across European languages; the Dutch model finds most of them.
            _warn_once(f"ner-{lang}", f"no NER model for language {lang!r}; using the {DEFAULT_LANGUAGE!r} model")
            use = DEFAULT_LANGUAGE
        texts = [_text_of(a) for a in group]
        try:
            results = ner.extract_entities_batch(texts, use)
        except FileNotFoundError as exc:  # ner.ModelMissingError
            _warn_once("ner", f"{exc}; articles are stored without entities")
            continue
        for a, mentions in zip(group, results):
            out[a.id] = mentions
    return out


def _text_of(article: Article) -> str:
    # Offsets are into Article.text, which other stages (quotes, web highlighting) share.
    return article.text or ""


def enrich_batch(store, conn: sqlite3.Connection, articles: list[Article]) -> None:
    """Named entities for each article of the batch (stored as mentions), then quotes and figures."""
    if not articles:
        return
    repo = EntityRepo(conn)
    from storyline import prefetch

    # Mentions computed ahead by a worker process (storyline.prefetch); the rest recognised here.
    mentions, missing = prefetch.take_mentions(articles)
    if missing:
        mentions.update(_recognise(missing))
    repo.delete_mentions([a.id for a in articles if a.id in mentions])  # re-enrichment replaces
    for a in articles:
        if a.id in mentions:
            repo.insert_mentions(a.id, mentions[a.id])
    annotations = _annotations()
    if annotations is not None and hasattr(annotations, "annotate_article"):
        for a in articles:
            annotations.annotate_article(conn, a, mentions.get(a.id, []))


def link_batch(store, conn: sqlite3.Connection, articles: list[Article]) -> None:
    """Merge the batch's mentions into entities across articles, events and languages; then cross-article links."""
    if not articles:
        return
    from storyline.enrich.entities import link_mentions

    link_mentions(conn, [a.id for a in articles])
    annotations = _annotations()
    if annotations is not None and hasattr(annotations, "link_articles"):
        annotations.link_articles(conn, articles)
