"""Server-rendered pages. Jinja2 with autoescape on: every title, source and text is untrusted."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline import read
from storyline.alerts.service import list_alerts
from storyline.api.deps import get_settings, get_store, require_read
from storyline.api.geo import map_svg_data
from storyline.errors import BadQuery, NotAvailable
from storyline.settings import Settings
from storyline.store import Store

TEMPLATES = Path(__file__).parent / "web" / "templates"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _num(value: Any) -> str:
    """Figures for reading: 6000000.0 -> 6,000,000; 2.5 stays 2.5; ranges as low–high."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "–".join(_num(v) for v in value if v is not None)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")


_env.filters["num"] = _num

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])


def render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context))


def error_page(status: int, message: str) -> HTMLResponse:
    response = render("message.html", title=f"{status}", message=message)
    response.status_code = status
    return response


def _dicts(items: list) -> list[dict[str, Any]]:
    return [item.model_dump() for item in items]


def _section(fn, *args, **kwargs) -> tuple[list[dict[str, Any]], str | None]:
    """Run one page section (a read returning contracts); a missing stage becomes a note, not a failed page."""
    try:
        return _dicts(fn(*args, **kwargs)), None
    except NotAvailable as exc:
        return [], exc.detail


# --------------------------------------------------------------------------- charts
def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def timeline_chart(items: list[dict[str, Any]], width: int = 900) -> dict[str, Any] | None:
    """Positions for an SVG timeline: one dot per dated event, sized by its number of articles."""
    dated = [(parse_date(i["date"]), i) for i in items]
    dated = [(d, i) for d, i in dated if d is not None]
    if not dated:
        return None
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    span = max((last - first).days, 1)
    pad = 60
    ticks = []
    for k in range(5):
        day = first + dt.timedelta(days=round(span * k / 4))
        ticks.append({"x": pad + (width - 2 * pad) * (day - first).days / span, "label": day.isoformat()})
    if first == last:
        ticks = [{"x": width / 2, "label": first.isoformat()}]
    dots = []
    for n, (day, item) in enumerate(sorted(dated, key=lambda p: p[0])):
        x = width / 2 if first == last else pad + (width - 2 * pad) * (day - first).days / span
        lane = n % 3  # stagger labels over three lanes so neighbours do not overlap
        # Labels near an edge grow inwards, or they are cut off by the chart's border.
        anchor = "start" if x < width * 0.2 else "end" if x > width * 0.8 else "middle"
        dots.append({"x": round(x, 1), "y": 110, "r": round(5 + 3 * math.sqrt(item.get("articles") or 1), 1),
                     "label_y": 40 + 22 * lane, "anchor": anchor, "item": item})
    return {"width": width, "height": 160, "ticks": ticks, "dots": dots, "axis_y": 135}


def bar_chart(counts: dict[str, int], width: int = 700, height: int = 120) -> dict[str, Any] | None:
    """Bars for mentions over time (one bar per day present)."""
    if not counts:
        return None
    keys = sorted(counts)
    top = max(counts.values())
    bar_w = max(4.0, min(40.0, (width - 40) / len(keys) - 2))
    bars = []
    for i, key in enumerate(keys):
        h = (height - 30) * counts[key] / top
        bars.append({"x": 20 + i * (bar_w + 2), "y": height - 20 - h, "w": bar_w, "h": h, "label": key,
                     "n": counts[key]})
    return {"width": max(width, 40 + len(keys) * (bar_w + 2)), "height": height, "bars": bars}


# --------------------------------------------------------------------------- pages
@router.get("/favicon.ico")
def favicon():
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(store: Store = Depends(get_store)):
    storylines = read.storyline_rows(store, limit=20)
    growing = read.growing_events(store, limit=10)
    latest = read.list_articles(store, limit=10) if not storylines and not growing else []
    return render("home.html", storylines=storylines, growing=growing, latest=latest,
                  n_articles=read.count_articles(store), alerts=list_alerts(store, limit=10))


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline_page(storyline_id: str, store: Store = Depends(get_store)):
    line = read.get_storyline(store, storyline_id)
    items = _dicts(read.timeline(store, line.id))
    return render("storyline.html", line=line.model_dump(), items=items, chart=timeline_chart(items))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(event_id: str, all: bool = False, store: Store = Depends(get_store),
               settings: Settings = Depends(get_settings)):
    event = read.get_event(store, event_id)
    articles = read.event_articles(store, event.id)
    by_id = {a["id"]: a for a in articles}
    summary = _dicts(read.summary(store, event.id))
    quotes, quotes_note = _section(read.list_quotes, store, event=event.id, limit=200,
                                   min_confidence=0.0 if all else settings.enrich.quote_min_confidence)
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quotes:
        by_speaker[q.get("speaker") or ""].append(q)
    # quotes and figures read with low confidence only with ?all=1
    figures, figures_note = _section(read.list_figures, store, event=event.id, limit=200, all_figures=all)
    disagreements, _ = _section(read.list_disagreements, store, event=event.id, limit=100)
    disputed = {f for d in disagreements for f in d.get("figures", [])}
    entities, entities_note = _section(read.list_entities, store, event=event.id, limit=100)
    places = [e for e in entities if e.get("lat") is not None and e.get("lon") is not None]
    line = read.get_storyline(store, event.storyline).model_dump() if event.storyline else None
    return render("event.html", event=event.model_dump(), articles=articles, by_id=by_id, summary=summary,
                  # Most-quoted speakers first; quotes without a speaker last.
                  by_speaker=sorted(by_speaker.items(), key=lambda kv: (kv[0] == "", -len(kv[1]))),
                  quotes_note=quotes_note,
                  figures=figures, figures_note=figures_note, disagreements=disagreements, disputed=disputed,
                  entities=entities, entities_note=entities_note,
                  map=map_svg_data(places) if places else None, line=line)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: int, store: Store = Depends(get_store), settings: Settings = Depends(get_settings)):
    try:
        entity = read.get_entity(store, entity_id)
    except NotAvailable as exc:
        return render("message.html", title="Entities", message=exc.detail)
    articles = store.get_articles(read.entity_article_ids(store, entity.id))
    per_day = Counter((a.published or a.estimated_date or "undated")[:10] for a in articles)
    quotes, quotes_note = _section(read.list_quotes, store, speaker=entity_id, limit=100,
                                   min_confidence=settings.enrich.quote_min_confidence)
    cooccurring, _ = _section(read.cooccurring_entities, store, entity_id, limit=20)
    return render("entity.html", entity=entity.model_dump(), articles=articles, chart=bar_chart(dict(per_day)),
                  quotes=quotes, quotes_note=quotes_note, cooccurring=cooccurring)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(article_id: str, store: Store = Depends(get_store)):
    article = store.get_article(article_id)
    if article is None:
        return error_page(404, f"no article with id {article_id!r}")
    return render("article.html", article=article, event_id=read.event_of_article(store, article_id))


@router.get("/search", response_class=HTMLResponse)
def search_page(q: str = Query("", max_length=500), offset: int = Query(0, ge=0, le=100_000),
                store: Store = Depends(get_store)):
    hits, error = [], None
    if q.strip():
        try:
            hits = [(h.article, h.rank, h.snippet) for h in read.search(store, q, limit=20, offset=offset)]
        except BadQuery as exc:
            error = exc.detail
    return render("search.html", q=q, hits=hits, error=error, offset=offset)
