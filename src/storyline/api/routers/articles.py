"""/api/articles: list, one, and POST (token required) through the same ingest path as the CLI."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request

from storyline.api.deps import ApiSettings, get_settings, get_store, require_read, require_write
from storyline.api.routers.common import Filters, Page, filters, page
from storyline.store import Store, views

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.get("", dependencies=[Depends(require_read)])
def list_articles(p: Page = Depends(page), f: Filters = Depends(filters), store: Store = Depends(get_store)):
    """Articles in stream order, in the CLI's ``articles --json`` contract."""
    if f.entity is not None:
        ids = views.articles_for_entity(store.conn, f.entity)  # in arrival order
        if any((f.source, f.language, f.since, f.until)):
            allowed = set(views.article_ids_matching(store.conn, since=f.since, until=f.until, source=f.source,
                                                     language=f.language))
            ids = [i for i in ids if i in allowed]
        rows = store.get_articles(ids[p.offset:p.offset + p.limit])
    else:
        rows = store.list_articles(limit=p.limit, offset=p.offset, source=f.source, language=f.language,
                                   since=f.since, until=f.until)
    return [a.to_json() for a in rows]


@router.get("/{article_id:path}", dependencies=[Depends(require_read)])
def get_article(article_id: str, store: Store = Depends(get_store)):
    article = store.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return article.to_json()


@router.post("", dependencies=[Depends(require_write)], status_code=201)
async def post_articles(request: Request, settings: ApiSettings = Depends(get_settings)):
    """Ingest one record or a JSON array of records (the ``ingest`` JSON Lines contract).

    Returns the ingest summary: read, new, duplicates, copies, failed, errors.
    """
    try:
        payload = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise HTTPException(400, f"body is not valid JSON: {exc}") from None
    records = payload if isinstance(payload, list) else [payload]
    from starlette.concurrency import run_in_threadpool

    result = await run_in_threadpool(_ingest, settings.db_path, records)
    if result["failed"] and not result["read"]:
        raise HTTPException(400, "; ".join(result["errors"][:20]))
    return result


def _ingest(db_path: str, records: list) -> dict:
    from storyline.ingest.readers import ReadError, article_from_record
    from storyline.runner import ingest

    def items():
        for i, record in enumerate(records):
            try:
                yield article_from_record(record, where=f"record {i}")
            except ValueError as exc:
                yield ReadError(f"record {i}", str(exc))

    store = Store(db_path)
    try:
        summary = ingest(store, items(), prefetch=False)
    finally:
        store.close()
    data = summary.to_json()
    data["ids"] = summary.new_ids
    return data
