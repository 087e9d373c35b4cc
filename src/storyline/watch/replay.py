"""A corpus replayed as a live stream: a local server publishes its articles in publication order, one feed
per outlet, and the watcher polls it on a simulated clock.

Each simulated day is cut into ``slices`` polls (default 4: 06:00, 12:00, 18:00, 24:00); before a poll the
server adds that slice's articles to their outlet's feed (RSS, newest 50 items) and serves each article as an
HTML page, which the watcher fetches and reads like any other. Everything runs on 127.0.0.1. The report
lists the alerts raised per simulated day and splits the wall time into the watcher's own work (polling,
fetching, reading pages, alerts) and the pipeline's (enrichment, clustering, linking).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import resource
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote

from storyline.ingest.readers import expand_inputs, read_path
from storyline.records import Article
from storyline.settings import Settings
from storyline.watch.sources import Source, WatchConfig
from storyline.watch.watcher import Watcher

__all__ = ["ReplayReport", "replay_corpus", "ReplayServer"]

FEED_ITEMS = 50  # items a replayed feed lists, newest first, as news feeds do (20-50); a poll brings under 30
UNKNOWN = "unknown"  # the feed of articles without an outlet


@dataclass
class ReplayReport:
    days: list[dict[str, Any]] = field(default_factory=list)
    articles: int = 0
    stored: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"fetch": 0.0, "parse": 0.0, "read": 0.0,
                                                               "ingest": 0.0, "state": 0.0, "alerts": 0.0})
    wall_s: float = 0.0
    requests: int = 0
    peak_rss_mb: float = 0.0
    failures: int = 0

    def to_json(self) -> dict[str, Any]:
        per = max(self.stored, 1)
        return {"days": self.days, "articles": self.articles, "stored": self.stored, "requests": self.requests,
                "failures": self.failures, "wall_s": round(self.wall_s, 2),
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                "watcher_ms_per_article": round(1000 * (self.seconds["fetch"] + self.seconds["state"]
                                                         + self.seconds["alerts"]) / per, 2),
                "pipeline_ms_per_article": round(1000 * self.seconds["ingest"] / per, 2),
                "peak_rss_mb": round(self.peak_rss_mb, 1)}

    def describe(self) -> str:
        j = self.to_json()
        lines = [f"{d['date']}: {d['articles']} articles, {len(d['alerts'])} alerts, RSS {d.get('rss_mb')} MB" +
                 "".join(f"\n  {a['created_at'][11:16]} {a['kind']:5} {a['storyline']} {a['title'] or ''} "
                         f"({a['reason']})" for a in d["alerts"]) for d in self.days]
        lines.append(f"stored {j['stored']} of {j['articles']} articles, {j['requests']} requests, "
                     f"{j['failures']} failures, {j['wall_s']} s; watcher {j['watcher_ms_per_article']} ms/article "
                     f"(HTTP {round(j['seconds']['fetch'] - j['seconds']['read'] - j['seconds']['parse'], 2)} s, reading feeds "
                     f"{j['seconds']['parse']} s, reading pages "
                     f"{j['seconds']['read']} s, state {j['seconds']['state']} s, alerts {j['seconds']['alerts']} s), pipeline "
                     f"{j['pipeline_ms_per_article']} ms/article; peak RSS {j['peak_rss_mb']} MB")
        return "\n".join(lines)


class ReplayServer:
    """Serves feeds and pages of the articles published so far (thread-safe ``publish``)."""

    def __init__(self):
        self.feeds: dict[str, list[Article]] = defaultdict(list)
        self.pages: dict[str, Article] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True, name="replay-server")

    def __enter__(self) -> "ReplayServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def feed_url(self, outlet: str) -> str:
        return f"{self.base}/feeds/{quote(outlet, safe='')}.xml"

    def publish(self, article: Article) -> None:
        """Add ``article`` to its outlet's feed; a page no feed lists any more is dropped (the watcher only
        fetches pages of listed items, and a long replay must not keep the whole stream in memory)."""
        with self.lock:
            feed = self.feeds[article.source or UNKNOWN]
            feed.append(article)
            self.pages[article.id] = article
            if len(feed) > FEED_ITEMS:
                for old in feed[:-FEED_ITEMS]:
                    self.pages.pop(old.id, None)
                del feed[:-FEED_ITEMS]

    def _rss(self, outlet: str) -> bytes:
        with self.lock:
            items = list(reversed(self.feeds.get(outlet, [])[-FEED_ITEMS:]))
        parts = []
        for a in items:
            day = dt.datetime.fromisoformat(a.published or "2000-01-01").replace(tzinfo=dt.timezone.utc)
            parts.append(f"<item><guid isPermaLink='false'>{html.escape(a.id)}</guid><title>{html.escape(a.title or '')}"
                         f"</title><link>{self.base}/a/{quote(a.id, safe='')}.html</link><description>"
                         f"{html.escape(a.text[:300])}</description><pubDate>{format_datetime(day)}</pubDate></item>")
        name = html.escape(outlet)
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{name}</title>"
                f"<link>{self.base}/</link><description>{name}</description>{''.join(parts)}</channel></rss>"
                ).encode("utf-8")

    def _page(self, article: Article) -> bytes:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip())
        title = html.escape(article.title or "")
        return (f"<!doctype html><html lang='{article.language or 'nl'}'><head><meta charset='utf-8'><title>{title}"
                f"</title><meta property='article:published_time' content='{article.published or ''}'></head><body>"
                f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
                f"<footer>© replay</footer></body></html>").encode("utf-8")

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path
                if path == "/robots.txt":
                    return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                if path.startswith("/feeds/") and path.endswith(".xml"):
                    body = server._rss(unquote(path[len("/feeds/"):-4]))
                    return self._send(200, body, "application/rss+xml")
                if path.startswith("/a/") and path.endswith(".html"):
                    article = server.pages.get(unquote(path[3:-5]))
                    if article is not None:
                        return self._send(200, server._page(article), "text/html; charset=utf-8")
                return self._send(404, b"not found", "text/plain")

        return Handler


def _rss_mb() -> float | None:
    """Resident memory now (Linux ``/proc``; None elsewhere): flat over a long replay, or not."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(pages * resource.getpagesize() / 2 ** 20, 1)


def _load(corpus: Path, exclude: set[str], outlets: dict[str, str]) -> list[Article]:
    seen: set[str] = set()
    articles = []
    for path in expand_inputs([str(corpus)]):
        for item in read_path(path):
            if not isinstance(item, Article) or item.id in seen or item.id in exclude or not item.published:
                continue
            seen.add(item.id)
            if item.id in outlets:
                item = replace(item, source=outlets[item.id])
            articles.append(item)
    articles.sort(key=lambda a: a.published)  # stable: file order within a day
    return articles


def _outlets(path: Path | None) -> dict[str, str]:
    """id -> outlet from a JSON Lines file of {"id", "publisher" or "source"} (e.g. the DPG labels file)."""
    if path is None:
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            name = row.get("source") or row.get("publisher")
            if name:
                out[str(row["id"])] = name
    return out


_NAME = re.compile(r"\b([A-Z][a-zà-ÿ]{2,})\b")


def _tag(k: int) -> str:
    """Letters naming pass ``k``: ``qb`` for 1, ``qc`` for 2, ... ``qba`` for 26."""
    letters = ""
    while True:
        k, r = divmod(k, 26)
        letters = chr(ord("a") + r) + letters
        if k == 0:
            return "q" + letters


def renamed_copy(article: Article, k: int, days: int) -> Article:
    """Pass ``k`` of a repeated replay: a new id, dates ``days`` later, and every capitalised word renamed
    (``Rutte`` -> ``Rutteqb`` in pass 1), so each pass brings names never seen before, as a live stream does: word and
    name caches meet new keys all the time (a harsher test of memory than repeating the same texts)."""
    if k == 0:
        return article

    def shift(day: str | None) -> str | None:
        if not day or len(day) < 10:
            return day
        return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=days)).isoformat() + day[10:]

    tag = _tag(k)
    rename = (lambda text: _NAME.sub(lambda m: m.group(1) + tag, text) if text else text)
    return replace(article, id=f"{article.id}~{k}", text=rename(article.text), title=rename(article.title),
                   published=shift(article.published), raw_text=None)


def replay_corpus(store, corpus: Path, settings: Settings, *, day_seconds: float = 0.0, exclude: Path | None = None,
                  outlets: Path | None = None, slices: int = 4, repeat: int = 1,
                  on_alert: Callable[[dict[str, Any]], None] | None = None,
                  on_day: Callable[[dict[str, Any]], None] | None = None) -> ReplayReport:
    """Replay ``corpus`` (files or a folder of JSON Lines) through a watcher on a simulated clock.

    Args:
        store: the store the watcher fills.
        corpus: the articles; only dated ones are replayed, in date order.
        settings: the settings (the per-host delay is set to 0: the replay server is local).
        day_seconds: each simulated day takes at least this long in wall time.
        exclude: a file of article ids (one a line) that are left out (held-out evaluation ids).
        outlets: a JSON Lines file mapping ids to outlets (``publisher`` or ``source``).
        slices: polls per simulated day.
        repeat: passes over the corpus, one after the other in simulated time (:func:`renamed_copy`): a long
            run for watching memory.
    """
    excluded = {line.strip() for line in exclude.read_text(encoding="utf-8").splitlines() if line.strip()} \
        if exclude else set()
    articles = _load(corpus, excluded, _outlets(outlets))
    by_day: dict[str, list[Article]] = defaultdict(list)
    if articles:
        span = (dt.date.fromisoformat(articles[-1].published[:10])
                - dt.date.fromisoformat(articles[0].published[:10])).days + 1
        for k in range(max(repeat, 1)):
            for a in articles:
                copy = renamed_copy(a, k, k * span)
                by_day[copy.published[:10]].append(copy)
        articles = [a for day in sorted(by_day) for a in by_day[day]]
    settings = settings.replace(watch={"host_delay_s": 0.0})
    report = ReplayReport(articles=len(articles))
    clock = [0.0]
    t_start = time.perf_counter()
    with ReplayServer() as server:
        names = sorted({a.source or UNKNOWN for a in articles})
        sources = tuple(Source(server.feed_url(n), outlet="" if n == UNKNOWN else n) for n in names)
        watcher = Watcher(store, WatchConfig(sources), settings, clock=lambda: clock[0], on_alert=on_alert)
        try:
            for day in sorted(by_day):
                t_day = time.perf_counter()
                todays = by_day[day]
                midnight = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc).timestamp()
                record = {"date": day, "articles": len(todays), "alerts": []}
                for j in range(slices):
                    for a in todays[j * len(todays) // slices:(j + 1) * len(todays) // slices]:
                        server.publish(a)
                    clock[0] = midnight + (j + 1) * 86400 / slices - 1
                    cycle = watcher.poll(force=True)
                    report.stored += cycle.stored
                    report.requests += cycle.requests
                    report.failures += len(cycle.failures)
                    for k, v in cycle.seconds.items():
                        report.seconds[k] += v
                    record["alerts"].extend(cycle.alerts)
                record["rss_mb"] = _rss_mb()
                report.days.append(record)
                if on_day is not None:
                    on_day(record)
                rest = day_seconds - (time.perf_counter() - t_day)
                if rest > 0:
                    time.sleep(rest)
        finally:
            watcher.close()
    report.wall_s = time.perf_counter() - t_start
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
