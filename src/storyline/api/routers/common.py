"""Query parameters shared by the listing endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Optional

from fastapi import Query

DATE = r"^\d{4}-\d{2}(-\d{2})?$"

# Ids as the CLI prints them (E12, S3) or bare numbers; storyline.read parses them (a malformed one is a 400).
EventParam = Annotated[Optional[str], Query(max_length=40, description="An event id: E12 or 12")]
StorylineParam = Annotated[Optional[str], Query(max_length=40, description="A storyline id: S3 or 3")]


@dataclass
class Page:
    limit: int
    offset: int


def page(limit: int = Query(50, ge=1, le=500, description="At most this many"),
         offset: int = Query(0, ge=0, le=2 ** 63 - 1, description="Skip this many")) -> Page:
    return Page(limit, offset)


@dataclass
class Filters:
    since: str | None
    until: str | None
    source: str | None
    language: str | None
    entity: int | None


def filters(since: str | None = Query(None, pattern=DATE, description="On or after (YYYY-MM-DD or YYYY-MM)"),
            until: str | None = Query(None, pattern=DATE, description="On or before"),
            source: str | None = Query(None, max_length=200, description="Only this outlet"),
            language: str | None = Query(None, max_length=12, description="Only this language (ISO 639-1)"),
            entity: int | None = Query(None, ge=0, le=2 ** 63 - 1,
                                       description="Only items mentioning this entity id")) -> Filters:
    return Filters(since, until, source, language, entity)
