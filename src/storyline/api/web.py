"""Server-rendered pages. Jinja2 with autoescape on: every title, source and text is untrusted."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline.api import data
from storyline.api.data import NotAvailable
from storyline.api.deps import get_store, require_read
from storyline.store import Store, views

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


def _section(fn, *args, **kwargs) -> tuple[Any, str | None]:
    """Run one page section; a missing stage becomes a note instead of a failed page."""
    try:
        return fn(*args, **kwargs), None
    except NotAvailable as exc:
        return [], str(exc)


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
    from fastapi.responses import RedirectResponse

    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(store: Store = Depends(get_store)):
    conn = store.conn
    storylines = views.list_storyline_rows(conn, limit=20)
    growing = views.event_growth(conn, limit=10)
    latest = store.list_articles(limit=10) if not storylines and not growing else []
    return render("home.html", storylines=storylines, growing=growing, latest=latest,
                  n_articles=store.count_articles())


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline_page(storyline_id: str, store: Store = Depends(get_store)):
    from storyline.summarize.timeline import storyline_timeline

    sid = data.storyline_id(storyline_id)
    line = views.storyline_row(store.conn, sid) if sid is not None else None
    if line is None:
        raise HTTPException(404, f"no storyline with id {storyline_id}")
    items = storyline_timeline(store.conn, sid)
    return render("storyline.html", line=line, items=items, chart=timeline_chart(items))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(event_id: str, store: Store = Depends(get_store)):
    from storyline.api.geo import map_svg_data
    from storyline.summarize.summary import summarize_event

    conn = store.conn
    event = data.event_json(conn, event_id)
    if event is None:
        raise HTTPException(404, f"no event with id {event_id}")
    event_id = data.event_id(event_id)
    articles = views.event_articles(conn, event_id)
    by_id = {a["id"]: a for a in articles}
    summary = summarize_event(conn, event_id)
    quotes, quotes_note = _section(data.list_quotes, conn, event=event_id, limit=200, offset=0)
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quotes:
        by_speaker[q.get("speaker") or ""].append(q)
    figures, figures_note = _section(data.list_figures, conn, event=event_id, limit=200, offset=0)
    disagreements, _ = _section(data.list_disagreements, conn, event=event_id, limit=100, offset=0)
    disputed = {f for d in disagreements for f in d.get("figures", [])}
    entities, entities_note = _section(data.list_entities, conn, event=event_id, limit=100, offset=0)
    places = [e for e in entities if e.get("lat") is not None and e.get("lon") is not None]
    sid = data.storyline_id(event["storyline"])
    line = views.storyline_row(conn, sid) if sid is not None else None
    return render("event.html", event=event, articles=articles, by_id=by_id, summary=summary,
                  # Most-quoted speakers first; quotes without a speaker last.
                  by_speaker=sorted(by_speaker.items(), key=lambda kv: (kv[0] == "", -len(kv[1]))),
                  quotes_note=quotes_note,
                  figures=figures, figures_note=figures_note, disagreements=disagreements, disputed=disputed,
                  entities=entities, entities_note=entities_note,
                  map=map_svg_data(places) if places else None, line=line)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: int, store: Store = Depends(get_store)):
    conn = store.conn
    try:
        entity = data.entity_json(conn, entity_id)
    except NotAvailable as exc:
        return render("message.html", title="Entities", message=str(exc))
    if entity is None:
        raise HTTPException(404, f"no entity with id {entity_id}")
    article_ids = views.articles_for_entity(conn, entity_id)
    articles = store.get_articles(article_ids)
    per_day = Counter((a.published or a.estimated_date or "undated")[:10] for a in articles)
    quotes, quotes_note = _section(data.list_quotes, conn, speaker=entity_id, limit=100, offset=0)
    cooccurring, _ = _section(data.cooccurring_entities, conn, entity_id, limit=20)
    return render("entity.html", entity=entity, articles=articles, chart=bar_chart(dict(per_day)),
                  quotes=quotes, quotes_note=quotes_note, cooccurring=cooccurring)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(article_id: str, store: Store = Depends(get_store)):
    article = store.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return render("article.html", article=article, event_id=views.event_of_article(store.conn, article_id))


@router.get("/search", response_class=HTMLResponse)
def search_page(q: str = Query("", max_length=500), offset: int = Query(0, ge=0, le=100_000), store: Store = Depends(get_store)):
    hits, error = [], None
    if q.strip():
        try:
            hits = store.search(q, limit=20, offset=offset)
        except ValueError as exc:
            error = str(exc)
    return render("search.html", q=q, hits=hits, error=error, offset=offset)
