"""Typed records that flow between the pipeline stages.

The JSON contracts in the issues are produced by the ``to_json`` methods here, so
CLI, API and export share one definition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    # ISO ``YYYY-MM-DD`` or ``YYYY-MM`` (precision kept), or None when undated.
    published: str | None = None
    language: str | None = None
    raw_text: str | None = None
    author: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    copy_of: str | None = None
    # Filled in by the events stage: a date estimated from the text or the event.
    estimated_date: str | None = None
    date_precision: str | None = None

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
        }


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
