"""/api/articles: list, one, and POST (token required) through the same ingest path as the CLI."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from storyline import read
from storyline.api.deps import get_settings, get_store, require_read, require_write
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.errors import UnsupportedMediaType
from storyline.read import ArticleJSON
from storyline.settings import Settings
from storyline.store import Store

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.get("", dependencies=[Depends(require_read)], response_model=list[ArticleJSON])
def list_articles(p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    """Articles in stream order, in the CLI's ``articles --json`` contract."""
    return read.list_articles(store, limit=p.limit, offset=p.offset, source=f.source, language=f.language,
                              since=f.since, until=f.until, entity=f.entity)


@router.get("/{article_id:path}", dependencies=[Depends(require_read)], response_model=ArticleJSON)
def get_article(article_id: str, store: Store = Depends(get_store)):
    return read.get_article(store, article_id).model_dump(exclude={"metadata"})


@router.post("", dependencies=[Depends(require_write)], status_code=201)
async def post_articles(request: Request, settings: Settings = Depends(get_settings)):
    """Ingest one record or a JSON array of records (``Content-Type: application/json``), or one record per
    line (``application/x-ndjson`` or ``application/jsonl``): the ``ingest`` JSON Lines contract. Any other
    content type gets 415, so a cross-site form (``text/plain``) cannot post.

    Returns the ingest summary: read, new, duplicates, copies, failed, errors.
    """
    records = _records(request.headers.get("content-type", ""), await request.body())
    result = await run_in_threadpool(_ingest, settings.store.db, records)
    if result["failed"] and not result["read"]:
        raise HTTPException(400, "; ".join(result["errors"][:20]))
    return result


JSON_TYPES = {"application/json"}
JSON_LINES_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"}


def _records(content_type: str, body: bytes) -> list:
    """The posted records; the media type decides how the body is read.

    Raises:
        UnsupportedMediaType: neither JSON nor JSON Lines.
        HTTPException: 400 for a body that is not valid JSON (Lines).
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in JSON_TYPES | JSON_LINES_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type must be application/json or application/x-ndjson (JSON Lines), not "
            f"{media_type or 'missing'!r}")
    try:
        if media_type in JSON_TYPES:
            payload = json.loads(body)
            return payload if isinstance(payload, list) else [payload]
        return [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
    except (ValueError, RecursionError) as exc:  # also an integer of over 4,300 digits (int_max_str_digits)
        raise HTTPException(400, f"body is not valid JSON: {exc}") from None


def _ingest(db_path: str, records: list) -> dict:
    """The one call into the ingest path (imported here: the models load only when something is posted)."""
    from storyline.ingest.readers import ReadError, article_from_record
    from storyline.runner import InlineExecutor, ingest

    def items():
        for i, record in enumerate(records):
            try:
                yield article_from_record(record, where=f"record {i}")
            except ValueError as exc:
                yield ReadError(f"record {i}", str(exc))

    store = Store(db_path)
    try:
        # A short writer beside any driver: no driver lock, no model worker or cluster of its own.
        summary = ingest(store, items(), executor=InlineExecutor(), exclusive=False)
    finally:
        store.close()
    data = summary.to_json()
    data["ids"] = summary.new_ids
    return data
