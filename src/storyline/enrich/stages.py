"""The pure enrichment stages: one article (and what earlier stages found in it) in, annotations out.

No stage reads or writes the database; the runner (:mod:`storyline.runner`) persists what they return.
Their order and their inputs/outputs are declared in :mod:`storyline.enrich.registry`.

* :func:`recognise_mentions` — named entities of a batch (the NER runs once per language);
* :func:`parse_sentences` — dependency trees of the sentences that need them (Dutch only);
* :func:`find_quotes` — quotations and their speakers, named with the mentions;
* :func:`find_times` — time expressions, resolved against the article date;
* :func:`find_figures` — reported numbers, dated by the time expressions, attributed by the quotes;
* :func:`find_positions` — stances of named actors;
* :func:`find_genre` — the article's genre (news report, column, letter, ...).

:func:`storyline.enrich.registry.annotate` runs them on one article, in order.
"""

from __future__ import annotations

import logging
import warnings
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from storyline.enrich import ner, syntax
from storyline.enrich.genre import classify_genre
from storyline.enrich.figures import UNKNOWN_OUTLET, extract_figures
from storyline.enrich.positions import extract_positions
from storyline.enrich.quotes import extract_quotes, normalise_quote, quote_similarity
from storyline.enrich.timex import find_time_expressions
from storyline.records import Article, Figure, Genre, Mention, ParsedSentence, Position, Quote, TimeExpression

LOGGER = logging.getLogger(__name__)

__all__ = ["DEFAULT_LANGUAGE", "SAME_QUOTE", "language_of", "reference_date", "recognise_mentions", "parse_sentences",
           "parse_sentences_many", "find_quotes", "find_times", "find_figures", "find_positions", "find_genre", "outlet_of"]

DEFAULT_LANGUAGE = "nl"
# Two reports of a quote are one quote from this similarity up (see quote_similarity):
# the seeds' three wordings of one videotoespraak score 0.80-1.0, unrelated quotes of
# one speaker stay under 0.5 on the German set's multi-quote speakers.
SAME_QUOTE = 0.72

# Languages the Dutch model and rules may read when they have none of their own: Latin-script European
# languages, whose names, quote marks and numbers are written alike. Any other language (Arabic, Hebrew,
# Persian, Hindi, Korean, Chinese, Japanese, Russian, ... and "und", undetermined) gets no entities, quotes,
# figures or positions rather than another language's reading of them.
LATIN_EUROPEAN = frozenset({
    "nl", "en", "de", "fr", "es", "it", "pt", "da", "sv", "no", "nb", "nn", "fi", "pl", "cs", "sk", "sl", "hr",
    "hu", "ro", "et", "lv", "lt", "ga", "mt", "tr", "ca", "sr", "lb", "fy", "af", "is", "eu", "gl", "sq", "bs",
})

_warned: set[str] = set()


def readable(language: str) -> bool:
    """Whether the rule-based stages (quotes, figures, positions) and the NER fallback may read ``language``."""
    return language in LATIN_EUROPEAN


def _warn_once(what: str, message: str) -> None:
    if what not in _warned:
        _warned.add(what)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


def language_of(article: Article) -> str:
    """The language the annotators use (the stored code is normalised at ingest)."""
    return article.language or DEFAULT_LANGUAGE


def reference_date(article: Article) -> str | None:
    """The date relative expressions, figures and positions of the article are dated from."""
    return article.published or article.estimated_date


def recognise_mentions(articles: Sequence[Article]) -> dict[str, tuple[Mention, ...]]:
    """article id -> its mentions, running the NER once per language over the batch.

    An article whose language has no model gets low-confidence mentions from capitalisation and the gazetteer
    when it is a Latin-script European language (:data:`LATIN_EUROPEAN`,
    :func:`storyline.enrich.mentions.fallback_mentions`), else none; another language's model never reads it.
    """
    by_lang: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_lang[language_of(a)].append(a)
    available = set(ner.available_languages())
    out: dict[str, tuple[Mention, ...]] = {}
    for lang, group in by_lang.items():
        use = lang
        if lang not in available and not readable(lang):
            _warn_once(f"ner-{lang}", f"no NER model for language {lang!r}; its articles get no entities")
            for a in group:
                out[a.id] = ()
            continue
        if lang not in available:
            # Another language's model never reads this one (the Dutch CRF typed Spanish "Estados Unidos" a
            # person): low-confidence mentions from capitalisation and the gazetteer instead.
            from storyline.enrich.mentions import fallback_mentions

            _warn_once(f"ner-{lang}", f"no NER model for language {lang!r}; its entities come from "
                                      "capitalisation and the gazetteer, with low confidence")
            for a in group:
                out[a.id] = tuple(fallback_mentions(a.text or "", lang))
            continue
        # Offsets are into Article.text, which other stages (quotes, web highlighting) share.
        texts = [a.text or "" for a in group]
        try:
            from storyline.enrich.mentions import recognise_batch

            results = recognise_batch(texts, use)
        except FileNotFoundError as exc:  # ModelMissingError, or a model file gone
            _warn_once("ner", f"{exc}; articles are stored without entities")
            continue
        for a, mentions in zip(group, results):
            out[a.id] = tuple(mentions)
    return out


def parse_sentences(article: Article) -> tuple[ParsedSentence, ...]:
    """The parsed sentences of the article that need syntax (quotes, numbers, reporting cues); () for a language
    without a syntax model, and () with a warning once when the Dutch model is not installed."""
    return parse_sentences_many([article])[article.id]


def parse_sentences_many(articles: Sequence[Article]) -> dict[str, tuple[ParsedSentence, ...]]:
    """article id -> :func:`parse_sentences` of it, the model run once over the sentences of all of them."""
    out: dict[str, tuple[ParsedSentence, ...]] = {a.id: () for a in articles}
    by_lang: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        lang = language_of(a)
        if (a.text or "").strip() and lang in syntax.MODEL_LANGUAGES:
            by_lang[lang].append(a)
    for lang, group in by_lang.items():
        if not syntax.available(lang):
            _warn_once("syntax", f"no Dutch syntax model at {syntax.model_path()} (train it with `make "
                                 "train-syntax`); articles are stored without parses")
            continue
        items = [(a.text, syntax.sentences_to_parse(a.text, lang)) for a in group]
        for a, parses in zip(group, syntax.parse_many(items, lang)):
            out[a.id] = parses
    return out


def find_quotes(article: Article, mentions: Sequence[Mention] = (),
                parses: Sequence[ParsedSentence] = ()) -> tuple[Quote, ...]:
    """The article's quotes (a speakerless repeat of a longer quote dropped), each with its ``norm`` and
    confidence; ``parses`` (the syntax stage's sentences) confirm speakers and veto non-nouns where present."""
    text = article.text or ""
    if not text.strip():
        return ()
    if not readable(language_of(article)):
        return ()  # no rules of another language on it
    quotes = _dedupe_within(extract_quotes(text, language_of(article), list(mentions), list(parses)))
    return tuple(q if q.norm is not None else _with_norm(q) for q in quotes)


def find_times(article: Article) -> tuple[TimeExpression, ...]:
    """Time expressions of the article; never fails the article (a failure leaves none)."""
    text = article.text or ""
    if not text.strip():
        return ()
    try:
        return tuple(find_time_expressions(text, reference_date(article), language_of(article)))
    except Exception as exc:  # a time expression must never cost the article its figures
        LOGGER.warning("time expressions failed for %s: %s", article.id, exc)
        return ()


def find_figures(article: Article, quotes: Sequence[Quote] = (), time_expressions: Sequence[TimeExpression] = (),
                 parses: Sequence[ParsedSentence] = (), mentions: Sequence[Mention] = ()) -> tuple[Figure, ...]:
    """Reported numbers; a figure the journalist states is reported by the outlet (``unknown`` when not known)."""
    text = article.text or ""
    if not text.strip():
        return ()
    if not readable(language_of(article)):
        return ()  # no rules of another language on it
    return tuple(extract_figures(text, language_of(article), list(quotes), source=outlet_of(article),
                                 published=reference_date(article), time_expressions=list(time_expressions),
                                 parses=list(parses), mentions=list(mentions or ())))


def outlet_of(article: Article) -> str:
    """The article's outlet: its source (set at ingest from the record, the URL's site or ``--source``)."""
    return article.source or UNKNOWN_OUTLET


def find_genre(article: Article) -> tuple[Genre, ...]:
    """The article's genre (news report, column, letter, ...): one :class:`Genre`."""
    label, cue = classify_genre(article.title, article.text, language_of(article))
    return (Genre(label, cue),)


def find_positions(article: Article, mentions: Sequence[Mention] = (),
                   quotes: Sequence[Quote] = ()) -> tuple[Position, ...]:
    text = article.text or ""
    if not text.strip():
        return ()
    if not readable(language_of(article)):
        return ()  # no rules of another language on it
    return tuple(extract_positions(text, language_of(article), list(mentions), list(quotes)))


def _with_norm(q: Quote) -> Quote:
    return replace(q, norm=normalise_quote(q.text))


def _dedupe_within(quotes: list[Quote]) -> list[Quote]:
    """Drop a speakerless quote that repeats a longer one of the same article (a headline, a lead)."""
    norms = [normalise_quote(q.text) for q in quotes]
    keep = []
    for i, q in enumerate(quotes):
        if q.speaker is None and q.speaker_text is None:
            if any(j != i and quotes[j].speaker_text and len(norms[j]) >= len(norms[i])
                   and quote_similarity(norms[i], norms[j]) >= SAME_QUOTE for j in range(len(quotes))):
                continue
        keep.append(q)
    return keep
