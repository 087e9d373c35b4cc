"""Server-rendered pages. Jinja2 with autoescape on: every title, source and text is untrusted.

Every page reads through :mod:`storyline.read`; its state is in the URL (period, filters, sort, page), so any
view can be bookmarked. The interface is in Dutch or English (:mod:`storyline.api.i18n`).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import math
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline import read
from storyline.alerts.service import list_alerts
from storyline.api import i18n
from storyline.api.deps import get_settings, get_store, require_read
from storyline.api.geo import map_svg_data
from storyline.errors import BadQuery, InputError, NotAvailable
from storyline.read import pages
from storyline.settings import Settings
from storyline.store import Store

TEMPLATES = Path(__file__).parent / "web" / "templates"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
_env.install_gettext_callables(lambda s: i18n.translations(i18n.current()).gettext(s),
                               lambda s, p, n: i18n.translations(i18n.current()).ngettext(s, p, n), newstyle=True)

PAGE_SIZE = 25
MAX_LIMIT = 200
HOME_ROWS = 10
TOP_ENTITIES = 15


def _num(value: Any) -> str:
    """Figures for reading: 6000000.0 -> 6,000,000 (6.000.000 in Dutch); ranges as low–high."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "–".join(_num(v) for v in value if v is not None)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return i18n.number_text(int(number) if number.is_integer() else round(number, 2))


_env.filters["num"] = _num
_env.filters["ldate"] = i18n.date_text

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])


def compile_templates() -> None:
    """Compile every template now (a server does this at start: the first render of each costs tens of ms)."""
    for name in _env.list_templates(extensions=["html"]):
        _env.get_template(name)


def _url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with ``params`` updated by ``changes`` (None drops one): the links of sorting, filters, pages."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def render(name: str, request: Request | None = None, **context: Any) -> HTMLResponse:
    lang = i18n.DEFAULT
    if request is not None:
        lang = i18n.choose(request.query_params.get("lang"), request.cookies.get("lang"),
                           request.headers.get("accept-language"))
    i18n.use(lang)
    params = dict(request.query_params) if request is not None else {}
    params.pop("lang", None)
    path = request.url.path if request is not None else "/"
    html = _env.get_template(name).render(lang=lang, params=params, path=path,
                                          url=lambda p=None, **kw: _url(p or path, params, **kw), **context)
    response = HTMLResponse(html)
    if request is not None and request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    response.headers["Content-Language"] = lang
    return response


def error_page(status: int, message: str, request: Request | None = None) -> HTMLResponse:
    response = render("message.html", request, title=f"{status}", message=message)
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


LABEL_CHARS = 28
CHAR_PX = 7.0  # width of one character of the 12px label font, generously (the browser test measures the real boxes)
LANES = 4
GAP = 10  # pixels between two labels of a lane


def timeline_chart(items: list[dict[str, Any]], width: int = 900, group: str | None = None) -> dict[str, Any] | None:
    """Positions for an SVG timeline that stays readable from 1 to hundreds of events.

    Events are collapsed into one mark per day, or per week when they span more than 45 days or ``group`` is
    ``week``; a mark is sized by its articles and labelled by its biggest event (and "+n"). Labels are packed
    into lanes left to right, where neither another label nor another mark's stem is; a label that fits no lane is
    left out (the mark keeps its tooltip and the list below has every event), so no two labels ever overlap and no
    stem crosses a label.
    """
    dated = [(parse_date(i["date"]), i) for i in items]
    dated = [(d, i) for d, i in dated if d is not None]
    if not dated:
        return None
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    weekly = group == "week" or (group != "day" and (last - first).days > 45)
    buckets: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for day, item in dated:
        key = day - dt.timedelta(days=day.weekday()) if weekly else day
        buckets[key].append(item)
    start = min(buckets)
    end = max(buckets) + dt.timedelta(days=6 if weekly else 0)
    span = max((end - start).days, 1)
    pad = 20
    inner = width - 2 * pad

    def xpos(day: dt.date) -> float:
        return width / 2 if start == end else pad + inner * (day - start).days / span

    ticks = []
    n_ticks = 1 if start == end else 5
    for k in range(n_ticks):
        day = start if n_ticks == 1 else start + dt.timedelta(days=round(span * k / (n_ticks - 1)))
        ticks.append({"x": round(xpos(day), 1), "day": day.isoformat(),
                      "anchor": "start" if k == 0 and n_ticks > 1 else "end" if k == n_ticks - 1 and n_ticks > 1
                      else "middle"})
    lanes: list[list[tuple[float, float]]] = [[] for _ in range(LANES)]  # label extents per lane (0 = top)
    stems: list[tuple[float, int]] = []  # (x, lane): a stem runs from its label down through the lanes below

    def fits(lane: int, left: float, right: float, x: float) -> bool:
        if any(left < r + GAP and l < right + GAP for l, r in lanes[lane]):
            return False
        if any(l - 3 <= x <= r + 3 for below in lanes[lane + 1:] for l, r in below):
            return False  # its stem would cross a label nearer the axis
        return not any(left - 3 <= sx <= right + 3 for sx, sl in stems if sl < lane)  # nor may a stem cross it

    marks = []
    for key in sorted(buckets):
        group_items = sorted(buckets[key], key=lambda i: -(i.get("articles") or 1))
        articles = sum(i.get("articles") or 1 for i in group_items)
        x = xpos(key + dt.timedelta(days=3) if weekly else key)
        top = group_items[0]
        text = (top.get("title") or top.get("event") or "").strip()
        text = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"
        if len(group_items) > 1:
            text += f" +{len(group_items) - 1}"
        w = len(text) * CHAR_PX
        # Grow right from the mark, or left near the right edge, never past the chart's border.
        left = x if x + w <= width - 4 else x - w
        left = max(left, 4)
        anchor = "start" if left == x or left == 4 else "end"
        label_x = left if anchor == "start" else x
        lane = next((k for k in range(LANES) if fits(k, left, left + w, x)), None)
        if lane is not None:
            lanes[lane].append((left, left + w))
            stems.append((x, lane))
        marks.append({"x": round(x, 1), "y": 150, "r": round(min(4 + 2.2 * math.sqrt(articles), 16), 1),
                      "label": text if lane is not None else None, "label_x": round(label_x, 1),
                      "label_y": 30 + 26 * (lane or 0), "anchor": anchor, "events": group_items, "day": key.isoformat(),
                      "articles": articles, "href": f"/events/{top['event']}"})
    return {"width": width, "height": 200, "ticks": ticks, "marks": marks, "axis_y": 175, "weekly": weekly}


def bar_chart(counts: dict[str, int], width: int = 700, height: int = 120) -> dict[str, Any] | None:
    """Bars of counts per period (one bar per key present)."""
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


# --------------------------------------------------------------------------- shared parameters
def _period(store: Store, since: str | None, until: str | None, span: str | None) -> pages.Period:
    return pages.period(pages.corpus(store), since=since, until=until, span=span)


def _weeks(c: pages.Corpus, p: pages.Period) -> dict[str, Any]:
    """The corpus span and the links to the previous and next week of the period shown."""
    out: dict[str, Any] = {"first": c.first, "last": c.last, "prev": None, "next": None}
    end = parse_date(p.until or c.last)
    if end is None:
        return out
    days = 7 if p.label in ("week", "all", "custom") else {"day": 1, "month": 30}.get(p.label, 7)
    prev_end = end - dt.timedelta(days=days)
    next_end = end + dt.timedelta(days=days)
    if c.first and prev_end.isoformat() >= c.first:
        out["prev"] = prev_end.isoformat()
    if c.last and p.label != "all" and end.isoformat() < c.last:
        out["next"] = min(next_end.isoformat(), c.last)
    return out


def _paging(total: int, offset: int, limit: int) -> dict[str, Any]:
    return {"total": total, "offset": offset, "limit": limit, "first": offset + 1 if total else 0,
            "last": min(offset + limit, total), "prev": max(offset - limit, 0) if offset > 0 else None,
            "next": offset + limit if offset + limit < total else None}


# --------------------------------------------------------------------------- pages
@router.get("/favicon.ico")
def favicon():
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, since: str | None = Query(None, max_length=10),
         until: str | None = Query(None, max_length=10), span: str | None = Query(None, max_length=10),
         store: Store = Depends(get_store)):
    try:
        p = _period(store, since, until, span)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    c = pages.corpus(store)
    storylines, n_storylines = pages.ranked(store, "storyline", p=p, limit=HOME_ROWS)
    shown = {r["num"] for r in storylines}
    events, n_events = pages.ranked(store, "event", p=p, limit=HOME_ROWS * 3)
    # An event already shown as the lead of a ranked storyline is not listed twice.
    events = [e for e in events if parse_sid(e.get("storyline")) not in shown or e["independent"] >= 4][:HOME_ROWS]
    latest = read.list_articles(store, limit=10) if not storylines and not events else []
    return render("home.html", request, storylines=storylines, events=events, n_storylines=n_storylines,
                  n_events=n_events, latest=latest, period=p, weeks=_weeks(c, p), n_articles=len(c.facts),
                  alerts=list_alerts(store, limit=5))


def parse_sid(label: str | None) -> int | None:
    return read.parse_storyline_id(label) if label else None


ListQuery = dict(since=Query(None, max_length=10), until=Query(None, max_length=10), span=Query(None, max_length=10),
                 source=Query(None, max_length=200), language=Query(None, max_length=12))


def _filters_page(request: Request, store: Store, kind: str, since, until, span, source, language, entity, sort,
                  offset, limit):
    try:
        p = _period(store, since, until, span)
        rows, total = pages.ranked(store, kind, p=p, source=source or None, language=language or None,
                                   entity=entity, sort=sort, limit=limit, offset=offset,
                                   min_articles=1 if sort != "score" else None)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    c = pages.corpus(store)
    entity_name = c.entities.get(entity, {}).get("name") if entity is not None else None
    outlets, _ = pages.outlets(store, limit=None)
    return render("list.html", request, kind=kind, rows=rows, paging=_paging(total, offset, limit), period=p,
                  weeks=_weeks(c, p), sort=sort, outlets=[o["name"] for o in outlets],
                  languages=pages.languages(store), entity=entity, entity_name=entity_name)


SORT = Query("score", pattern="^(score|size|recent|sources)$")
OFFSET = Query(0, ge=0, le=10_000_000)
LIMIT = Query(PAGE_SIZE, ge=1, le=MAX_LIMIT)
ENTITY = Query(None, ge=0, le=2 ** 63 - 1)


@router.get("/storylines", response_class=HTMLResponse)
def storylines_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                    span: str | None = ListQuery["span"], source: str | None = ListQuery["source"],
                    language: str | None = ListQuery["language"], entity: int | None = ENTITY, sort: str = SORT,
                    offset: int = OFFSET, limit: int = LIMIT, store: Store = Depends(get_store)):
    return _filters_page(request, store, "storyline", since, until, span, source, language, entity, sort, offset, limit)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                span: str | None = ListQuery["span"], source: str | None = ListQuery["source"],
                language: str | None = ListQuery["language"], entity: int | None = ENTITY, sort: str = SORT,
                offset: int = OFFSET, limit: int = LIMIT, store: Store = Depends(get_store)):
    return _filters_page(request, store, "event", since, until, span, source, language, entity, sort, offset, limit)


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                  span: str | None = ListQuery["span"], source: str | None = ListQuery["source"],
                  language: str | None = ListQuery["language"],
                  type: str | None = Query(None, pattern="^(PER|LOC|ORG|MISC)?$"),
                  sort: str = Query("size", pattern="^(size|recent|sources)$"), offset: int = OFFSET,
                  limit: int = Query(50, ge=1, le=MAX_LIMIT), all: bool = False, store: Store = Depends(get_store),
                  settings: Settings = Depends(get_settings)):
    try:
        p = _period(store, since, until, span)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    rows, total = pages.entity_list(store, p=p, source=source or None, language=language or None, type=type or None,
                                    sort=sort, limit=limit, offset=offset,
                                    min_confidence=0.0 if all else settings.enrich.entity_min_confidence)
    c = pages.corpus(store)
    outlets, _ = pages.outlets(store, limit=None)
    return render("entities.html", request, rows=rows, paging=_paging(total, offset, limit), period=p,
                  weeks=_weeks(c, p), sort=sort, type=type, outlets=[o["name"] for o in outlets],
                  languages=pages.languages(store))


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                 span: str | None = ListQuery["span"], language: str | None = ListQuery["language"],
                 sort: str = Query("size", pattern="^(size|recent|sources)$"), offset: int = OFFSET,
                 limit: int = Query(50, ge=1, le=MAX_LIMIT), store: Store = Depends(get_store)):
    try:
        p = _period(store, since, until, span)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    rows, total = pages.outlets(store, p=p, language=language or None, sort=sort, limit=limit, offset=offset)
    c = pages.corpus(store)
    return render("outlets.html", request, rows=rows, paging=_paging(total, offset, limit), period=p,
                  weeks=_weeks(c, p), sort=sort)


def _article_filter(store: Store, p: pages.Period, source: str | None, language: str | None,
                    entity: int | None) -> set[str] | None:
    if p.label == "all" and not source and not language and entity is None:
        return None
    return pages.article_ids(store, p, source=source or None, language=language or None, entity=entity)


def _memo(c: pages.Corpus, key: tuple, build) -> tuple[list[dict[str, Any]], str | None]:
    """A whole-store listing kept with the corpus facts (rebuilt when the store changes); fresh dict copies, as
    the pages add fields to them."""
    if key not in c._memo:
        c._memo[key] = build()
    rows, note = c._memo[key]
    return [dict(r) for r in rows], note


def _latest_date(c: pages.Corpus, ids: list[str]) -> str:
    return max((c.facts[i]["date"] or "" for i in ids if i in c.facts), default="")


def _quote_rows(store: Store, c: pages.Corpus, min_confidence: float) -> tuple[list[dict[str, Any]], str | None]:
    """Every quote with what the quotes page shows of its articles (newest date, outlets, event)."""
    quotes, note = _section(read.list_quotes, store, limit=None, min_confidence=min_confidence)
    for q in quotes:
        q["date"] = _latest_date(c, q["articles"])
        q["outlets"] = sorted({c.facts[a]["source"] or pages.UNKNOWN for a in q["articles"] if a in c.facts})
        first = c.facts.get(q["articles"][0]) if q["articles"] else None
        q["event"] = read.event_label(first["event"]) if first else None
    return quotes, note


def _figure_rows(store: Store, c: pages.Corpus) -> tuple[list[dict[str, Any]], str | None]:
    """Every figure with its article's date, outlet and event."""
    figures, note = _section(read.list_figures, store, limit=None)
    for f in figures:
        fact = c.facts.get(f["article"], {})
        f["date"], f["source"] = fact.get("date"), fact.get("source")
        f["event"] = read.event_label(fact.get("event"))
    return figures, note


def _figures_sorted(store: Store, c: pages.Corpus, sort: str,
                    disputed: set[int]) -> tuple[list[dict[str, Any]], str | None]:
    """Every figure in the order of ``sort``, once per store state (a page copies only the rows it shows)."""
    def ordered():
        figures, note = c.kept(("figures",), lambda: _figure_rows(store, c))
        if sort == "recent":
            figures = sorted(figures, key=lambda f: f["date"] or "", reverse=True)
        elif sort == "size":
            figures = sorted(figures, key=lambda f: -(f["value"] if f["value"] is not None else (f["high"] or 0)))
        else:
            figures = sorted(figures, key=lambda f: (f["id"] not in disputed, f["date"] or ""))
        return figures, note

    return c.kept(("figures", sort), ordered)


def warm(store: Store, settings: Settings) -> None:
    """Read what the list pages show of the whole store now (a server does this at start, after the corpus
    facts), so their first readers do not wait for it."""
    c = pages.corpus(store)
    _memo(c, ("quotes", settings.enrich.quote_min_confidence),
          lambda: _quote_rows(store, c, settings.enrich.quote_min_confidence))
    c.kept(("figures",), lambda: _figure_rows(store, c))
    disagreements, _ = _memo(c, ("disagreements",), lambda: _section(read.list_disagreements, store))
    for sort in ("recent", "size", "sources"):
        _figures_sorted(store, c, sort, {f for d in disagreements for f in d.get("figures", [])})
    for entity in pages.most_named(store, pages.WARM_ENTITIES):
        _cooccurring(store, entity)


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                span: str | None = ListQuery["span"], source: str | None = ListQuery["source"],
                language: str | None = ListQuery["language"], entity: int | None = ENTITY,
                sort: str = Query("size", pattern="^(size|recent|sources)$"), offset: int = OFFSET,
                limit: int = Query(50, ge=1, le=MAX_LIMIT), store: Store = Depends(get_store),
                settings: Settings = Depends(get_settings)):
    try:
        p = _period(store, since, until, span)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    c = pages.corpus(store)
    quotes, note = _memo(c, ("quotes", settings.enrich.quote_min_confidence),
                         lambda: _quote_rows(store, c, settings.enrich.quote_min_confidence))
    allowed = _article_filter(store, p, source, language, None)
    if allowed is not None:
        quotes = [q for q in quotes if not allowed.isdisjoint(q["articles"])]
    if entity is not None:
        naming = c.entity_articles.get(entity, set())
        quotes = [q for q in quotes if q.get("speaker_id") == entity or not naming.isdisjoint(q["articles"])]
    if sort == "recent":
        quotes.sort(key=lambda q: q["date"], reverse=True)
    elif sort == "sources":
        quotes.sort(key=lambda q: -len(q["outlets"]))
    total = len(quotes)
    return render("quotes.html", request, rows=quotes[offset:offset + limit], note=note,
                  paging=_paging(total, offset, limit), period=p, weeks=_weeks(c, p), sort=sort, entity=entity,
                  entity_name=c.entities.get(entity, {}).get("name") if entity is not None else None)


@router.get("/figures", response_class=HTMLResponse)
def figures_page(request: Request, since: str | None = ListQuery["since"], until: str | None = ListQuery["until"],
                 span: str | None = ListQuery["span"], source: str | None = ListQuery["source"],
                 language: str | None = ListQuery["language"], entity: int | None = ENTITY,
                 sort: str = Query("recent", pattern="^(size|recent|sources)$"), offset: int = OFFSET,
                 limit: int = Query(50, ge=1, le=MAX_LIMIT), store: Store = Depends(get_store)):
    try:
        p = _period(store, since, until, span)
    except InputError as exc:
        return error_page(400, exc.detail, request)
    c = pages.corpus(store)
    disagreements, _ = _memo(c, ("disagreements",), lambda: _section(read.list_disagreements, store))
    disputed = {f for d in disagreements for f in d.get("figures", [])}
    allowed = _article_filter(store, p, source, language, entity)

    figures, note = _figures_sorted(store, c, sort, disputed)
    if allowed is not None:
        figures = [f for f in figures if f["article"] in allowed]
    total = len(figures)
    rows = [dict(f) for f in figures[offset:offset + limit]]
    return render("figures.html", request, rows=rows, note=note, disputed=disputed,
                  paging=_paging(total, offset, limit), period=p, weeks=_weeks(c, p), sort=sort)


@router.get("/storylines/{storyline_id}", response_class=HTMLResponse)
def storyline_page(request: Request, storyline_id: str, group: str | None = Query(None, pattern="^(day|week)$"),
                   store: Store = Depends(get_store)):
    line = read.get_storyline(store, storyline_id)
    c = pages.corpus(store)
    number = read.parse_storyline_id(line.id)
    profile = pages.storyline_profile(store, number)
    items = []
    for e in line.events:
        num = read.parse_event_id(e)
        ids = c.by_event.get(num, [])
        ev = c.events.get(num, {})
        facts = [c.facts[i] for i in ids]
        summary, cited = pages.one_line(store, c, ids)
        items.append({"event": e, "title": ev.get("title"), "date": ev.get("date"),
                      "date_precision": ev.get("date_precision"), "articles": len(ids),
                      "outlets": pages._outlets([f for f in facts if not f["copy_of"]] or facts),
                      "summary": summary, "summary_article": cited,
                      "source": c.facts[cited]["source"] if cited else None})
    figures, _ = _section(read.list_figures, store, storyline=line.id, limit=None)
    return render("storyline.html", request, line=line.model_dump(), profile=profile, items=items,
                  chart=timeline_chart(items, group=group), group=group, figure_series=_figure_series(figures, c))


def _figure_series(figures: list[dict[str, Any]], c: pages.Corpus) -> list[dict[str, Any]]:
    """Figures that develop over time within a storyline: the same thing counted on at least three days."""
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for f in figures:
        value = f["value"] if f["value"] is not None else f["high"]
        day = (f.get("as_of") or (c.facts.get(f["article"]) or {}).get("date") or "")[:10]
        if value is None or len(day) != 10:
            continue
        key = f["what"]
        series[key][day] = max(series[key].get(day, value), value)
    out = []
    for what, points in series.items():
        if len(points) >= 3:
            chart = bar_chart(points, width=420, height=100)
            out.append({"what": what, "chart": chart, "points": sorted(points.items())})
    return sorted(out, key=lambda s: -len(s["points"]))[:4]


# A summary embeds every sentence of the event's articles (about a second for a big event, once: it is cached).
# The page waits this long for it; if it is not ready the page is sent without it and fetches it when it is.
SUMMARY_WAIT_S = 0.08
_summaries = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-summary")
_pending: dict[tuple[str, str], concurrent.futures.Future] = {}
_pending_lock = threading.Lock()


def _summary_future(db: str, event: str) -> concurrent.futures.Future:
    def run() -> list[dict[str, Any]]:
        store = Store(db, readonly=True)  # its own connection: SQLite connections stay in their thread
        try:
            return _dicts(read.summary(store, event))
        finally:
            store.close()

    with _pending_lock:
        future = _pending.get((db, event))
        if future is None or (future.done() and future.exception() is not None):
            future = _pending[(db, event)] = _summaries.submit(run)
            if len(_pending) > 256:  # finished ones are in the summariser's own cache
                for key in [k for k, f in _pending.items() if f.done()][:128]:
                    _pending.pop(key, None)
        return future


def _summary_within(db: str, event: str, wait: float | None) -> list[dict[str, Any]] | None:
    try:
        return _summary_future(db, event).result(timeout=wait)
    except concurrent.futures.TimeoutError:
        return None


@router.get("/events/{event_id}/summary", response_class=HTMLResponse)
def event_summary_fragment(request: Request, event_id: str, store: Store = Depends(get_store),
                           settings: Settings = Depends(get_settings)):
    """The summary section of an event page alone (the page fetches it when it was not ready in time)."""
    event = read.get_event(store, event_id)
    by_id = {a["id"]: a for a in read.event_articles(store, event.id)}
    summary = _summary_within(settings.store.db, event.id, None)
    return render("_summary.html", request, summary=summary, by_id=by_id, event=event.model_dump())


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str, all: bool = False, wait: bool = False,
               store: Store = Depends(get_store), settings: Settings = Depends(get_settings)):
    event = read.get_event(store, event_id)
    articles = read.event_articles(store, event.id)
    by_id = {a["id"]: a for a in articles}
    summary = _summary_within(settings.store.db, event.id, None if wait else SUMMARY_WAIT_S)
    quotes, quotes_note = _section(read.list_quotes, store, event=event.id, limit=200,
                                   min_confidence=0.0 if all else settings.enrich.quote_min_confidence)
    by_speaker: dict[str, list] = defaultdict(list)
    for q in quotes:
        by_speaker[q.get("speaker") or ""].append(q)
    figures, figures_note = _section(read.list_figures, store, event=event.id, limit=200, all_figures=all)
    disagreements, _ = _section(read.list_disagreements, store, event=event.id, limit=100)
    disputed = {f for d in disagreements for f in d.get("figures", [])}
    entities, entities_note = _section(read.event_entities, store, event.id, limit=100,
                                       min_confidence=0.0 if all else settings.enrich.entity_min_confidence)
    # Only places (not organisations named after one) with coordinates; in an event of three or more reports,
    # only those named in two of them: a place mentioned once in passing is the likeliest wrong geocoding.
    floor = 2 if len(event.articles) >= 3 else 1
    places = [e for e in entities if e.get("type") == "LOC" and e.get("lat") is not None and e.get("lon") is not None
              and len(set(e.get("articles") or []) & set(event.articles)) >= floor]
    line = None
    if event.storyline:
        c = pages.corpus(store)
        line = read.get_storyline(store, event.storyline).model_dump()
        line["generated"] = pages.story_title(c, c.by_storyline.get(read.parse_storyline_id(line["id"]), []))
    return render("event.html", request, event=event.model_dump(), by_id=by_id, summary=summary,
                  outlets=_sources_by_outlet(articles),
                  by_speaker=sorted(by_speaker.items(), key=lambda kv: (kv[0] == "", -len(kv[1]))),
                  quotes_note=quotes_note, figures=figures, figures_note=figures_note, disagreements=disagreements,
                  disputed=disputed, entities=entities[:TOP_ENTITIES], more_entities=entities[TOP_ENTITIES:],
                  entities_note=entities_note, map=map_svg_data(places) if places else None, line=line,
                  similar=pages.related_by_embedding(store, event.id))


def _sources_by_outlet(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The event's articles by outlet; a near-copy is folded under the article it copies (with its outlet)."""
    ids = {a["id"] for a in articles}
    copies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    originals = []
    for a in articles:
        if a["copy_of"] and a["copy_of"] in ids:
            copies[a["copy_of"]].append(a)
        else:
            originals.append(a)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in originals:
        grouped[a["source"] or ""].append({**a, "copies": copies.get(a["id"], [])})
    return sorted(({"name": name, "articles": items} for name, items in grouped.items()),
                  key=lambda g: (g["name"] == "", -len(g["articles"]), g["name"]))


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: int, store: Store = Depends(get_store),
                settings: Settings = Depends(get_settings)):
    try:
        entity = read.get_entity(store, entity_id)
    except NotAvailable as exc:
        return render("message.html", request, title="Entities", message=exc.detail)
    profile = pages.entity_profile(store, entity.id, events=pages.ENTITY_PAGE_EVENTS,
                                   storylines=pages.ENTITY_PAGE_STORYLINES)
    quotes, quotes_note = _section(read.list_quotes, store, speaker=entity.id, limit=100,
                                   min_confidence=settings.enrich.quote_min_confidence)
    cooccurring = _cooccurring(store, entity.id)
    return render("entity.html", request, entity=entity.model_dump(exclude={"articles"}),
                  n_articles=len(entity.articles), profile=profile, chart=bar_chart(profile["per_week"]),
                  quotes=quotes, quotes_note=quotes_note, cooccurring=cooccurring)


def _cooccurring(store: Store, entity: int) -> list[dict[str, Any]]:
    """The entities named with this one (kept per store state: for a name in thousands of articles this counts
    hundreds of thousands of pairs)."""
    c = pages.corpus(store)
    rows = c.remember(("cooccurring", entity), lambda: _section(read.cooccurring_entities, store, entity, limit=20)[0])
    return [dict(r) for r in rows]


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, store: Store = Depends(get_store)):
    article = store.get_article(article_id)
    if article is None:
        return error_page(404, f"no article with id {article_id!r}", request)
    event_id = read.event_of_article(store, article_id)
    similar = pages.related_by_embedding(store, event_id, limit=6) if event_id else []
    return render("article.html", request, article=article, event_id=event_id, similar=similar)


SEARCH_ROWS = 20


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query("", max_length=500), offset: int = Query(0, ge=0, le=100_000),
                like: str | None = Query(None, max_length=40), store: Store = Depends(get_store)):
    """Grouped results: storylines and events (from the matching articles, and by meaning with the sentence
    encoder), entities by name, and articles with near-copies folded into their original."""
    result: dict[str, Any] = {"storylines": [], "events": [], "entities": [], "articles": [], "semantic": [],
                              "n_articles": 0}
    error = None
    if like:
        result["semantic"] = pages.related_by_embedding(store, like, limit=15)
    elif q.strip():
        try:
            result = _grouped_search(store, q, offset)
        except BadQuery as exc:
            error = exc.detail
    return render("search.html", request, q=q, like=like, result=result, error=error, offset=offset,
                  page_size=SEARCH_ROWS)


def _grouped_search(store: Store, q: str, offset: int) -> dict[str, Any]:
    c = pages.corpus(store)
    hits = read.search(store, q, limit=200)
    folded: dict[str, dict[str, Any]] = {}
    for h in hits:
        article = h.article
        root = article.copy_of if article.copy_of else article.id
        if root in folded:
            folded[root]["copies"].append(article)
        else:
            folded[root] = {"article": article, "snippet": h.snippet, "copies": []}
    events: dict[int, int] = defaultdict(int)
    lines: dict[int, int] = defaultdict(int)
    for h in hits:
        fact = c.facts.get(h.article.id, {})
        if fact.get("event") is not None:
            events[fact["event"]] += 1
        if fact.get("storyline") is not None:
            lines[fact["storyline"]] += 1

    def stats_row(kind: str, number: int, hits_n: int) -> dict[str, Any]:
        ids = (c.by_storyline if kind == "storyline" else c.by_event).get(number, [])
        stats = pages._stats(c, ids, None)
        title = (pages.story_title(c, ids) or c.storyline_titles.get(number)) if kind == "storyline" \
            else c.events.get(number, {}).get("title")
        label = read.storyline_label(number) if kind == "storyline" else read.event_label(number)
        return {"id": label, "title": title, "hits": hits_n, **stats}

    top_lines = sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
    top_events = sorted(events.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    needle = " ".join(q.lower().split())
    entities = [{"id": e, **info, "articles": len(c.entity_articles.get(e, ()))} for e, info in c.entities.items()
                if needle and needle in info["name"].lower()]
    entities.sort(key=lambda e: -e["articles"])
    articles = list(folded.values())
    semantic = _semantic(store, q, {n for n, _ in top_events})
    return {"storylines": [stats_row("storyline", n, k) for n, k in top_lines],
            "events": [stats_row("event", n, k) for n, k in top_events], "entities": entities[:12],
            "articles": articles[offset:offset + SEARCH_ROWS], "n_articles": len(articles),
            "n_hits": len(hits), "semantic": semantic}


def _semantic(store: Store, q: str, exclude: set[int]) -> list[dict[str, Any]]:
    """Events close in meaning to the query (a query in English finds Dutch reports)."""
    try:
        from storyline.cluster.signals import embed_texts
        vector = embed_texts([q])[0]
    except Exception:  # the encoder is optional for search: without it the lexical groups still answer
        return []
    found = pages.semantic_events(store, vector, limit=10 + len(exclude), floor=0.3)
    return [e for e in found if read.parse_event_id(e["id"]) not in exclude][:8]


__all__ = ["router", "render", "error_page", "timeline_chart", "bar_chart", "compile_templates", "warm"]
