"""Typed records that flow between the pipeline stages.

Every record is a frozen dataclass: a stage returns new records and never changes the ones it was given
(``dataclasses.replace`` makes a changed copy). Offsets (``start``/``end``) are character offsets into
``Article.text``.

* :class:`Article` — one stored news article (ingest sets ``copy_of``, the clusterer refines dates).
* :class:`Mention` — a named-entity span found by the NER.
* :class:`Quote` — a direct or indirect quotation and its speaker.
* :class:`TimeExpression` — a time expression, resolved against the article date where possible.
* :class:`Figure` — a reported number (killed, injured, money, ...) with its reporter and date.
* :class:`Position` — an actor's stance (demand, offer, accept, reject) on something.
* :class:`Annotations` — everything the enrich stages found in one article.
* :class:`Entity` — one real thing (person, place, organisation) that mentions link to.
* :class:`Assignment` — where the clusterer put one article.

The JSON contracts in the issues are produced by the ``to_json`` methods here, so CLI, API and export
share one definition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Article", "Genre", "Mention", "Token", "ParsedSentence", "Quote", "TimeExpression", "Figure", "Position",
           "Annotations", "Entity", "Assignment"]


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    # ISO ``YYYY-MM-DD`` or ``YYYY-MM`` (precision kept), or None when undated.
    published: str | None = None
    # A lower-case primary language subtag (``nl``, ``en``), set once at ingest (``normalise_language``).
    language: str | None = None
    raw_text: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, hash=False)
    copy_of: str | None = None
    # A date estimated from the text or the event (set by the clusterer's assignment).
    estimated_date: str | None = None
    date_precision: str | None = None
    # The article's genre (``storyline.enrich.genre.GENRES``), as the enrich stage stored it; None before.
    genre: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "text": self.text,
            "copy_of": self.copy_of,
            "genre": self.genre,
        }


@dataclass(frozen=True)
class Mention:
    """A named-entity mention: ``type`` is PER, LOC, ORG or MISC."""

    text: str
    type: str
    start: int  # character offset into the article text
    end: int  # exclusive
    sentence: int  # index of the sentence (storyline.ingest.sentences.sentence_spans)
    # 1.0 from a trained tagger; lower from the capitalisation/gazetteer fallback of a language without one
    confidence: float = 1.0
    # a title or role written before the name and cut off it ("minister" of "minister Dekker")
    role: str | None = None


@dataclass(frozen=True)
class Token:
    """One word of a parsed sentence (Universal Dependencies labels)."""

    text: str
    lemma: str
    pos: str  # UPOS: PROPN, NOUN, VERB, PRON, ...
    morph: str  # UD features, "Number=Sing|Person=3"
    head: int  # index of the head token within the sentence; the root points to itself
    dep: str  # relation to the head: nsubj, obj, ccomp, appos, root, ...
    start: int  # character offset into the article text
    end: int  # exclusive


@dataclass(frozen=True)
class ParsedSentence:
    """A sentence of the article with its tokens, part-of-speech tags and dependency tree."""

    start: int  # character offset into the article text
    end: int
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int
    kind: str  # "direct" | "indirect"
    speaker: str | None  # resolved name (full name of the person where known)
    speaker_text: str | None  # the speaker as written next to the quote (may be a pronoun or a role)
    speaker_start: int | None
    speaker_end: int | None
    speaker_type: str | None  # PER/ORG/LOC/MISC from NER, None when unknown
    cue: str | None
    sentence: int
    # The words compared across outlets (``enrich.quotes.normalise_quote``); set by the quotes stage.
    norm: str | None = None
    # How sure the attribution is, 0-1 (enrich.quotes: the pattern that found it, how the speaker was named,
    # whether a parse confirmed it); listings show quotes from settings enrich.quote_min_confidence up.
    confidence: float = 1.0


@dataclass(frozen=True)
class TimeExpression:
    text: str
    start: int
    end: int
    date: str | None  # ISO: YYYY-MM-DD (day/week precision), YYYY-MM (month), YYYY (year); None if unresolvable
    precision: str | None  # "day", "week", "month", "year" or None
    part_of_day: str | None = None  # "morning", "afternoon", "evening", "night"

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "date": self.date,
                "precision": self.precision, "part_of_day": self.part_of_day}


@dataclass(frozen=True)
class Figure:
    what: str  # what is counted or measured, a lemma phrase: "dode", "zetel", "kiezer", "boete"
    subject: str | None  # who is counted, when recognised: civilians, children, soldiers (None = unspecified)
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    unit: str | None
    reported_by: str | None
    as_of: str | None
    sentence: str
    start: int
    end: int
    # open category from the head noun: dead, injured, arrested, evacuated, displaced, voters, members, people,
    # money, percentage, seats, votes, distance, duration, sentence, quantity, other
    category: str | None = None
    confidence: float = 1.0  # how sure the reading is (0-1); listings show figures above settings' threshold
    reporter_type: str | None = None  # PER, ORG, ROLE, or OUTLET (the journalist: reported_by is the outlet)
    scope: str | None = None  # the names of the figure's clause ("CDA|Brabant"): whose or where; "|"-joined

    @property
    def label(self) -> str:
        return f"{self.category}: {self.what}" if self.category and self.category != self.what else self.what


@dataclass(frozen=True)
class Position:
    actor: str  # resolved name (or the phrase as written when it resolves to nothing better)
    actor_text: str  # the subject as written (may be a pronoun or a role)
    actor_type: str | None
    stance: str  # demand | offer | accept | reject
    object: str
    cue: str
    sentence: str  # the sentence, for display and tracing
    start: int  # offset of the cue in the article text


@dataclass(frozen=True)
class Genre:
    """What kind of item an article is (news report, column, letter, ...) and the cue that said so."""

    label: str  # one of storyline.enrich.genre.GENRES
    cue: str  # "rubric:column", "voice:first person", "default", ...


@dataclass(frozen=True)
class Annotations:
    """What the enrich stages found in one article.

    ``mentions`` is None when no NER model ran (the article's stored mentions are then left as they are);
    ``language`` is the code the annotators used, ``date`` the article date positions are dated with.
    """

    language: str
    date: str | None = None
    mentions: tuple[Mention, ...] | None = None
    parses: tuple[ParsedSentence, ...] = ()  # the sentences the syntax stage parsed (not all of them)
    quotes: tuple[Quote, ...] = ()
    time_expressions: tuple[TimeExpression, ...] = ()
    figures: tuple[Figure, ...] = ()
    positions: tuple[Position, ...] = ()
    genre: tuple[Genre, ...] = ()  # one Genre (a stage returns a tuple of records)


@dataclass(frozen=True)
class Entity:
    """One real thing mentions link to; places carry their gazetteer coordinates."""

    id: int
    name: str
    type: str
    mentions: int = 0
    lat: float | None = None
    lon: float | None = None
    country: str | None = None


@dataclass(frozen=True)
class Assignment:
    """Where the clusterer put one article: its event, that event's storyline, and a date it refined.

    ``estimated_date``/``date_precision`` are set when the clusterer dated an article from its text or its
    event (the store keeps them on the article); None leaves the article's dates as they are.
    """

    article_id: str
    event_id: int
    storyline_id: int | None = None
    score: float | None = None
    estimated_date: str | None = None
    date_precision: str | None = None
