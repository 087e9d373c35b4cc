"""The JSON contracts, as pydantic models: what ``--json``, the API and the web pages show.

Field order is the JSON key order. ``model_dump()`` gives the contract; the API uses these
classes as ``response_model``; README's "JSON contracts" section documents them.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict

__all__ = ["Contract", "ArticleJSON", "ArticleDetailJSON", "EventJSON", "StorylineJSON", "StorylineEventsJSON",
           "EntityJSON", "CooccurrenceJSON", "QuoteJSON", "FigureJSON", "DisagreementJSON", "PositionJSON",
           "SummarySentenceJSON", "TimelineEntryJSON", "SearchHit"]


class Contract(BaseModel):
    """Base of every contract: frozen, and no field outside the contract."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump()


class ArticleJSON(Contract):
    id: str
    source: Optional[str]
    url: Optional[str]
    title: Optional[str]
    published: Optional[str]
    language: Optional[str]
    text: str
    copy_of: Optional[str]
    genre: Optional[str] = None  # news, opinion, editorial, letter, interview, review, brief, liveblog, comic, other


class ArticleDetailJSON(ArticleJSON):
    """``show <article> --json``: the article contract plus its metadata."""

    metadata: dict[str, Any]


class EventJSON(Contract):
    id: str  # E12
    title: Optional[str]
    date: Optional[str]
    date_precision: Optional[str]
    articles: list[str]
    sources: list[str]
    independent_sources: int
    storyline: Optional[str]  # S3
    # Opinion and rubric items that discuss this event (never its members): id, title, source, genre, score.
    commentary: list[dict[str, Any]] = []
    merged: list[str] = []  # event ids merged into this one: they resolve to it
    requested: Optional[str] = None  # the id asked for, when it was merged into this event


class StorylineJSON(Contract):
    id: str  # S3
    title: Optional[str]
    start: Optional[str]
    end: Optional[str]
    events: list[str]


class StorylineEventsJSON(Contract):
    """``timeline --json``: a storyline with its events in full."""

    id: str
    title: Optional[str]
    start: Optional[str]
    end: Optional[str]
    events: list[EventJSON]


class EntityJSON(Contract):
    id: int
    name: str
    type: str
    variants: list[str]
    articles: list[str]
    lat: Optional[float]
    lon: Optional[float]
    country: Optional[str]
    mentions: int


class CooccurrenceJSON(Contract):
    id: int
    name: str
    type: str
    count: int


class QuoteJSON(Contract):
    id: int
    speaker: Optional[str]
    speaker_id: Optional[int]
    text: str
    kind: str
    articles: list[str]
    confidence: float = 1.0  # how sure the attribution is (the highest of its reports)


class FigureJSON(Contract):
    id: int
    what: str  # what is counted, a lemma phrase (with who, when recognised: "burger (civilians)")
    value: Optional[float]
    low: Optional[float]
    high: Optional[float]
    qualifier: Optional[str]
    unit: Optional[str]
    category: Optional[str] = None  # dead, injured, ..., people, money, percentage, seats, votes, ...
    reported_by: Optional[str]
    reporter_type: Optional[str] = None  # PER, ORG, ROLE, or OUTLET: the journalist, reported_by is the outlet
    as_of: Optional[str]
    confidence: float = 1.0
    article: str
    sentence: str
    scope: Optional[str] = None  # names in the figure's clause that say whose count it is ("CDA", "Istanbul")


class DisagreementJSON(Contract):
    id: int
    what: str
    figures: list[int]
    values: list[Union[float, list[Optional[float]], None]]  # a value, or [low, high] for a range
    sources: list[Optional[str]]
    articles: list[str]
    sentences: list[str] = []  # the sentence of each figure, side by side


class PositionJSON(Contract):
    id: int
    actor: str
    actor_id: Optional[int]
    stance: str
    object: str
    articles: list[str]
    date: Optional[str]


class SummarySentenceJSON(Contract):
    sentence: str
    article: str
    source: Optional[str]


class TimelineEntryJSON(Contract):
    event: str  # E12
    title: Optional[str]
    date: Optional[str]
    date_precision: Optional[str]
    articles: int
    summary: Optional[SummarySentenceJSON]


class SearchHit(Contract):
    """One search result: the article (its JSON is the search contract), rank and the matching sentence."""

    article: ArticleJSON
    rank: float
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return self.article.model_dump()
