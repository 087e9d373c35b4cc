"""The watcher against a local HTTP server on 127.0.0.1 whose feeds and pages change between polls.

Every request stays on 127.0.0.1; timeouts are fractions of a second and polls are counted, so the file runs
in well under a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from storyline.alerts import AlertRule, poisson_tail
from storyline.settings import load_settings
from storyline.store import Store
from storyline.store.alerts import WatchState
from storyline.watch import Source, WatchConfig, Watcher

SRC = Path(__file__).resolve().parents[1] / "src"

STORIES = {
    # A story many outlets cover at once (the burst), each in its own words.
    "tram": [
        ("Schietpartij in tram in Utrecht: drie doden",
         "Bij een schietpartij in een tram op het 24 Oktoberplein in Utrecht zijn maandag drie doden gevallen. "
         "De politie zoekt de schutter Gökmen T. De NCTV verhoogde het dreigingsniveau in de provincie Utrecht."),
        ("Utrecht in shock na aanslag in tram op 24 Oktoberplein",
         "In een tram op het 24 Oktoberplein in Utrecht heeft een schutter maandagochtend drie mensen doodgeschoten. "
         "De politie arresteerde later Gökmen T. Burgemeester Jan van Zanen sprak van een zwarte dag voor Utrecht."),
        ("Verdachte Gökmen T. opgepakt na schietpartij in Utrechtse tram",
         "De politie heeft Gökmen T. opgepakt, de verdachte van de schietpartij in een tram op het 24 Oktoberplein "
         "in Utrecht. Drie mensen kwamen om. De NCTV houdt een terroristisch motief voor mogelijk."),
        ("Drie doden bij schietincident in tram Utrecht, NCTV verhoogt dreigingsniveau",
         "Bij het schietincident in een tram op het 24 Oktoberplein in Utrecht zijn drie doden en vijf gewonden "
         "gevallen. De NCTV verhoogde het dreigingsniveau. De politie zocht urenlang naar Gökmen T."),
        ("Schutter tram Utrecht: politie pakt Gökmen T. op in Utrecht",
         "Na een urenlange klopjacht heeft de politie in Utrecht Gökmen T. aangehouden. Hij wordt verdacht van de "
         "schietpartij in de tram op het 24 Oktoberplein waarbij drie doden vielen."),
        ("Van Zanen: aanslag in tram Utrecht raakt hele stad",
         "Burgemeester Jan van Zanen zegt dat de schietpartij in de tram op het 24 Oktoberplein de hele stad Utrecht "
         "raakt. Drie mensen kwamen om het leven. Verdachte Gökmen T. zit vast, meldt de politie."),
    ],
}
BACKGROUND = [
    ("Ajax wint ruim van Feyenoord in De Klassieker",
     "Ajax heeft zondag in de Johan Cruijff ArenA met 4-1 gewonnen van Feyenoord. Dusan Tadic scoorde twee keer."),
    ("Storm zorgt voor schade in Groningen en Friesland",
     "Een zware storm heeft zaterdag in Groningen en Friesland veel schade veroorzaakt. Bomen vielen op auto's."),
    ("Kabinet presenteert klimaatakkoord in Den Haag",
     "Minister Eric Wiebes heeft woensdag in Den Haag het klimaatakkoord gepresenteerd. De industrie moet meer doen."),
    ("Koningspaar op staatsbezoek in Argentinië",
     "Koning Willem-Alexander en koningin Máxima zijn aan een staatsbezoek aan Argentinië begonnen in Buenos Aires."),
    ("Nieuwe paus bezoekt Marokko voor het eerst",
     "Paus Franciscus heeft zaterdag Marokko bezocht. In Rabat sprak hij met koning Mohammed VI over migratie."),
    ("Boeren protesteren met trekkers op het Malieveld",
     "Honderden boeren zijn woensdag met trekkers naar het Malieveld in Den Haag gereden uit protest tegen regels."),
]


def _page(title: str, text: str, words: int = 0, date: str = "2019-03-18") -> bytes:
    # padding over the HTML reader's word floor: the page's own caption, not one sentence shared by every page
    # (identical boilerplate on every page would read as shared vocabulary to the same-day event model)
    filler = " ".join([f"Foto bij: {title}."] * words)
    return (f"<!doctype html><html lang='nl'><head><title>{title}</title>"
            f"<meta name='date' content='{date}'></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{filler}</p></article></body></html>").encode()


class Site:
    """The test server's world: feeds (lists of item ids), pages, and a log of every request."""

    def __init__(self):
        self.feeds: dict[str, list[str]] = {}
        self.pages: dict[str, tuple[str, str]] = {}
        self.dates: dict[str, str] = {}
        self.links: dict[str, str] = {}  # the path an item's page is served at
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hook_bodies: list[tuple[bytes, dict[str, str]]] = []
        self.hook_failures = 0  # the webhook answers 503 this many times first
        self.broken: set[str] = set()  # faults /flaky/<fault>.xml and /p/<fault>/<key>.html show for now
        self.sent: dict[str, int] = {}  # bytes of a huge body actually sent, by path
        self.overlap: Overlap | None = None  # counts requests in flight (the concurrency test)
        self.page_delay = 0.0  # seconds each article page takes
        self.lock = threading.Lock()

    def add(self, feed: str, key: str, title: str, text: str, date: str = "2019-03-18", link: str | None = None) -> None:
        self.feeds.setdefault(feed, []).append(key)
        self.pages[key] = (title, text)
        self.dates[key] = date
        self.links[key] = link or f"/a/{key}.html"

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def rss(self, feed: str) -> bytes:
        items = "".join(
            f"<item><guid>{key}</guid><title>{self.pages[key][0]}</title><link>{{base}}{self.links[key]}</link>"
            f"<description>{self.pages[key][1]}</description><pubDate>{self.dates[key]}</pubDate></item>"
            for key in self.feeds.get(feed, []))
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{feed}</title>"
                f"<language>nl</language>{items}</channel></rss>").encode()


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with site.lock:
                site.requests.append((self.path, dict(self.headers)))
                site.hook_bodies.append((body, dict(self.headers)))
                fail = site.hook_failures > 0
                site.hook_failures -= 1
            self._send(503 if fail else 204)

        def _fault(self, fault: str) -> None:
            """Misbehave as ``fault`` says (see FEED_FAULTS and PAGE_FAULTS)."""
            if fault == "timeout":
                time.sleep(1.5)
                return self._send(200, b"too late")
            if fault == "500":
                return self._send(500, b"oops")
            if fault == "loop":
                return self._send(302, headers={"Location": self.path})  # redirects to itself
            if fault == "invalid":
                return self._send(200, b"<rss><channel><item><title>Broken</item>\x00\xff{]",
                                  {"Content-Type": "application/rss+xml"})
            if fault == "bomb":
                return self._send(200, b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
                                       b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                                       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><title>&c;'
                                       b'</title></channel></rss>', {"Content-Type": "application/rss+xml"})
            if fault == "huge":  # 100 MB, no Content-Length: only counting while reading can stop it
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk, sent = b"<p>" + b"x" * (2 ** 20 - 3), 0
                try:
                    while sent < 100 * 2 ** 20:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                with site.lock:
                    site.sent[self.path] = sent
                return None
            if fault == "html":  # a home page where a feed was expected
                return self._send(200, b"<!doctype html><html><body><h1>Welkom</h1><a href='/'>Home</a></body></html>",
                                  {"Content-Type": "text/html"})
            if fault == "nonarticle":  # a page, but no article on it: a menu and a login form
                return self._send(200, b"<!doctype html><html><head><title>Inloggen</title></head><body><nav>"
                                       b"<a href='/'>Home</a> <a href='/sport'>Sport</a></nav><form><input name='u'>"
                                       b"<button>Inloggen</button></form></body></html>", {"Content-Type": "text/html"})
            raise AssertionError(fault)

        def do_GET(self):
            if site.overlap is None:
                return self._get()
            site.overlap.enter(site.base)
            try:
                return self._get()
            finally:
                site.overlap.leave(site.base)

        def _get(self):
            with site.lock:
                site.requests.append((self.path, dict(self.headers)))
            base = f"http://{self.headers['Host']}"
            path = self.path
            if path.startswith("/flaky/"):
                fault = path[len("/flaky/"):].removesuffix(".xml")
                if fault in site.broken:
                    return self._fault(fault)
                body = site.rss(f"flaky-{fault}").replace(b"{base}", base.encode())
                return self._send(200, body, {"Content-Type": "application/rss+xml"})
            if path.startswith("/p/"):
                fault, key = path[len("/p/"):].removesuffix(".html").split("/")
                if fault in site.broken:
                    return self._fault(fault)
                title, text = site.pages[key]
                return self._send(200, _page(title, text, words=3, date=site.dates[key]),
                                  {"Content-Type": "text/html; charset=utf-8"})
            if path == "/flaky-sitemap.xml":
                locs = "".join(f"<url><loc>{base}{site.links[k]}</loc></url>" for k in site.feeds.get("pages", []))
                return self._send(200, f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                                       f"sitemap/0.9'>{locs}</urlset>".encode(), {"Content-Type": "application/xml"})
            if path == "/robots.txt":
                return self._send(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
            if path.startswith("/feeds/"):
                name = path[len("/feeds/"):]
                body = site.rss(name).replace(b"{base}", base.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, headers={"ETag": etag})
                return self._send(200, body, {"Content-Type": "application/rss+xml", "ETag": etag,
                                              "Last-Modified": formatdate(usegmt=True)})
            if path.startswith("/a/"):
                time.sleep(site.page_delay)
                key = path[len("/a/"):].removesuffix(".html")
                if key not in site.pages:
                    return self._send(404)
                title, text = site.pages[key]
                return self._send(200, _page(title, text, words=3, date=site.dates[key]), {"Content-Type": "text/html; charset=utf-8"})
            if path == "/slow.xml":
                time.sleep(1.5)
                return self._send(200, site.rss("x"))
            if path == "/fail.xml":
                return self._send(500, b"oops")
            if path == "/bad.xml":
                return self._send(200, b"Not a feed at all: {]", {"Content-Type": "application/rss+xml"})
            if path == "/bomb.xml":
                return self._send(200, b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
                                       b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;'
                                       b'</title></channel></rss>', {"Content-Type": "application/rss+xml"})
            if path in ("/loop", "/loop2"):
                return self._send(302, headers={"Location": "/loop2" if path == "/loop" else "/loop"})
            if path == "/big.xml":
                return self._send(200, b"<rss>" + b" " * 300_000 + b"</rss>", {"Content-Type": "application/rss+xml"})
            if path == "/sitemap.xml":
                locs = "".join(f"<url><loc>{base}/a/{k}.html</loc></url>" for k in site.feeds.get("sitemap", []))
                return self._send(200, f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                                       f"sitemap/0.9'>{locs}</urlset>".encode(), {"Content-Type": "application/xml"})
            return self._send(404)

    return Handler


class Overlap:
    """Requests in flight, per host and in all, and the most seen at once (shared by several servers)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.total = self.most_total = 0

    def enter(self, host: str) -> None:
        with self.lock:
            self.now[host] = self.now.get(host, 0) + 1
            self.most[host] = max(self.most.get(host, 0), self.now[host])
            self.total += 1
            self.most_total = max(self.most_total, self.total)

    def leave(self, host: str) -> None:
        with self.lock:
            self.now[host] -= 1
            self.total -= 1


def _serve(site: Site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    site.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    return httpd


@pytest.fixture
def server():
    site = Site()
    httpd = _serve(site)
    yield site
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def hosts():
    """Three servers on 127.0.0.1 (three hosts: the port is part of a host), sharing one Overlap."""
    overlap = Overlap()
    sites, servers = [], []
    for _ in range(3):
        site = Site()
        site.overlap = overlap
        servers.append(_serve(site))
        sites.append(site)
    yield sites
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _settings(tmp_path, **watch):
    values = {"timeout_s": 0.5, "host_delay_s": 0.0, "retries": 1, "backoff_s": 0.05, "max_body_bytes": 100_000,
              "webhook_backoff_s": 0.05, "interval_s": 600.0}
    values.update(watch)
    return load_settings(store={"db": str(tmp_path / "w.db")}, watch=values)


class Clock:
    def __init__(self, start: float = 1_552_900_000.0):  # 2019-03-18
        self.now = start

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- polling
def test_items_arrive_once_and_feeds_are_requested_conditionally(server, tmp_path):
    for i, (title, text) in enumerate(BACKGROUND[:3]):
        server.add("news", f"bg{i}", title, text)
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(f"{server.base}/feeds/news", outlet="Nieuwsblad"),)), cfg,
                      clock=Clock())
    first = watcher.poll(force=True)
    assert first.stored == 3 and first.failures == []
    for i, (title, text) in enumerate(BACKGROUND[3:5], start=3):
        server.add("news", f"bg{i}", title, text)
    second = watcher.poll(force=True)
    assert second.stored == 2 and second.new_items == 2
    third = watcher.poll(force=True)
    assert third.not_modified == 1 and third.stored == 0
    # Each page fetched exactly once, each article stored once, with the outlet from the configuration.
    assert all(server.count(f"/a/bg{i}.html") == 1 for i in range(5))
    rows = store.conn.execute("SELECT id, source, text FROM articles ORDER BY seq").fetchall()
    assert [r["id"] for r in rows] == [f"bg{i}" for i in range(5)]
    assert {r["source"] for r in rows} == {"Nieuwsblad"}
    assert "Foto bij:" in rows[0]["text"]  # read from the page, not the feed's summary
    # The later polls sent the validator of the previous answer; the third one was answered 304.
    feed_requests = [h for p, h in server.requests if p == "/feeds/news"]
    assert "If-None-Match" not in feed_requests[0]
    assert all(h.get("If-None-Match", "").startswith('"') for h in feed_requests[1:])
    assert server.count("/robots.txt") == 1
    watcher.close()
    store.close()


def test_robots_disallowed_page_falls_back_to_the_feed_summary(server, tmp_path):
    server.add("news", "ok1", *BACKGROUND[0])
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    # A feed whose links point into /private/, which robots.txt disallows.
    body_feed = f"{server.base}/feeds/news"
    watcher = Watcher(store, WatchConfig((Source(body_feed),)), cfg, clock=Clock())
    original = server.rss
    server.rss = lambda feed: original(feed).replace(b"{base}/a/", b"{base}/private/")
    report = watcher.poll(force=True)
    assert report.stored == 1
    assert server.count("/private/ok1.html") == 0
    text = store.conn.execute("SELECT text FROM articles").fetchone()[0]
    assert text.startswith("Ajax heeft zondag") and "Foto bij:" not in text
    status = store.conn.execute("SELECT status FROM watch_items").fetchone()[0]
    assert status == "summary: robots.txt disallows the page"
    watcher.close()
    store.close()


def test_failing_sources_are_reported_backed_off_and_do_not_stop_the_others(server, tmp_path, caplog):
    server.add("news", "good", *BACKGROUND[1])
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    bad = ["slow.xml", "fail.xml", "bad.xml", "bomb.xml", "loop", "big.xml"]
    sources = tuple(Source(f"{server.base}/{p}") for p in bad) + (Source(f"{server.base}/feeds/news"),)
    clock = Clock()
    watcher = Watcher(store, WatchConfig(sources), cfg, clock=clock)
    t0 = time.monotonic()
    with caplog.at_level("WARNING"):
        report = watcher.poll()
    assert time.monotonic() - t0 < 15
    assert report.stored == 1
    reasons = dict(f.split(": ", 1) for f in report.failures)
    assert reasons[f"{server.base}/slow.xml"].startswith("timeout")
    assert reasons[f"{server.base}/fail.xml"] == "HTTP 500"
    assert reasons[f"{server.base}/bad.xml"].startswith("malformed feed")
    assert reasons[f"{server.base}/bomb.xml"].startswith("unsafe XML refused")
    assert reasons[f"{server.base}/loop"].startswith("redirect loop")
    assert reasons[f"{server.base}/big.xml"].startswith("body larger than")
    assert all(any(p in r.getMessage() for r in caplog.records) for p in bad)  # logged with the source
    # Retried once within the poll (5xx), then backed off: due again after 2 x the interval, not before.
    assert server.count("/fail.xml") == 2
    state = WatchState(store).source_state(f"{server.base}/fail.xml")
    assert state["failures"] == 1 and state["next_poll"] == pytest.approx(clock.now + 1200)
    clock.now += 700  # the good feed is due again, the failing ones are not
    server.add("news", "good2", *BACKGROUND[2])
    again = watcher.poll()
    assert again.polled == 1 and again.stored == 1 and server.count("/fail.xml") == 2
    watcher.close()
    store.close()


FEED_FAULTS = {  # fault -> the start of the reason the watcher gives
    "timeout": "timeout", "500": "HTTP 500", "loop": "redirect loop", "invalid": "malformed feed",
    "bomb": "unsafe XML refused", "huge": "body larger than", "html": "malformed feed",
}
PAGE_FAULTS = {
    "timeout": "timeout", "500": "HTTP 500", "loop": "redirect loop", "huge": "body larger than",
    "nonarticle": "no article text found",
}


def _sent(server, path: str) -> int:
    """Bytes the server wrote of a huge body before the watcher hung up (the server notices a moment later)."""
    deadline = time.monotonic() + 10
    while path not in server.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.sent[path]


def _stored(store) -> dict[str, str]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT id, text FROM articles")}


def test_every_failing_feed_is_logged_retried_later_and_loses_nothing(server, tmp_path, caplog):
    """The robustness matrix for feeds: each fault once, beside a good feed; then the faults heal."""
    cfg = _settings(tmp_path)
    for i, fault in enumerate(FEED_FAULTS):
        title, text = BACKGROUND[i % len(BACKGROUND)]
        server.add(f"flaky-{fault}", f"ok-{fault}", f"{title} ({fault})", f"{text} Bericht {i} over {fault}.")
    server.broken = set(FEED_FAULTS)
    server.add("news", "good0", *STORIES["tram"][0])
    sources = tuple(Source(f"{server.base}/flaky/{f}.xml") for f in FEED_FAULTS) + \
        (Source(f"{server.base}/feeds/news"),)
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources), cfg, clock=clock)
    with caplog.at_level("WARNING"):
        report = watcher.poll()
    assert report.stored == 1 and set(_stored(store)) == {"good0"}
    reasons = dict(f.split(": ", 1) for f in report.failures)
    state = WatchState(store)
    for fault, reason in FEED_FAULTS.items():
        url = f"{server.base}/flaky/{fault}.xml"
        assert reasons[url].startswith(reason), (fault, reasons[url])
        # Logged with the source and the reason, and kept with the source for `watch` to show.
        assert any(url in r.getMessage() and reasons[url] in r.getMessage() for r in caplog.records), fault
        assert state.source_state(url)["last_error"] == reasons[url]
        assert state.source_state(url)["failures"] == 1
    assert _sent(server, "/flaky/huge.xml") <= 4 * 2 ** 20  # the 100 MB body was cut off near the cap
    # Before the back-off (2 x the interval) only the good feed is polled again.
    clock.now += 700
    server.add("news", "good1", *STORIES["tram"][2])
    again = watcher.poll()
    assert (again.polled, again.stored, again.failures) == (1, 1, [])
    # The faults heal: at their back-off each feed is read and its article stored; nothing stored was lost.
    server.broken.clear()
    clock.now += 600
    healed = watcher.poll()
    assert healed.failures == [] and healed.stored == len(FEED_FAULTS)
    assert set(_stored(store)) == {"good0", "good1"} | {f"ok-{f}" for f in FEED_FAULTS}
    assert all(state.source_state(f"{server.base}/flaky/{f}.xml")["failures"] == 0 for f in FEED_FAULTS)
    watcher.close()
    store.close()


def test_every_failing_page_is_logged_and_retried_and_a_feed_summary_stands_in(server, tmp_path, caplog):
    """The robustness matrix for article pages: a feed item falls back to the feed's summary; a sitemap item
    (no summary) is logged, retried at the next poll and stored once its page can be read."""
    cfg = _settings(tmp_path)
    for i, fault in enumerate(PAGE_FAULTS):
        title, text = BACKGROUND[i % len(BACKGROUND)]
        server.add("summaries", f"fd-{fault}", f"{title} ({fault})", f"{text} Bericht {i} over {fault}.",
                   link=f"/p/{fault}/fd-{fault}.html")
        server.add("pages", f"sm-{fault}", f"{title} [{fault}]", f"{text} Pagina {i} over {fault}.",
                   link=f"/p/{fault}/sm-{fault}.html")
    server.broken = set(PAGE_FAULTS)
    feed, sitemap = f"{server.base}/feeds/summaries", f"{server.base}/flaky-sitemap.xml"
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(feed), Source(sitemap))), cfg, clock=clock)
    with caplog.at_level("INFO"):
        first = watcher.poll()
    stored = _stored(store)
    # Every feed item stored, from its summary (the page could not be read); no sitemap item stored.
    assert set(stored) == {f"fd-{f}" for f in PAGE_FAULTS}
    assert all(f"over {f}." in stored[f"fd-{f}"] and "Foto bij:" not in stored[f"fd-{f}"] for f in PAGE_FAULTS)
    items = {r["item"]: r for r in store.conn.execute("SELECT * FROM watch_items")}
    failures = dict(f.split(": ", 1) for f in first.failures)
    for fault, reason in PAGE_FAULTS.items():
        page = f"{server.base}/p/{fault}/sm-{fault}.html"
        assert items[f"fd-{fault}"]["status"].startswith(f"summary: {reason}"), items[f"fd-{fault}"]
        assert items[page]["status"].startswith(f"failed: {reason}") and items[page]["attempts"] == 1
        assert failures[page].startswith(reason)
        assert any(sitemap in r.getMessage() and page in r.getMessage() and reason in r.getMessage()
                   for r in caplog.records), fault
    assert _sent(server, "/p/huge/sm-huge.html") <= 4 * 2 ** 20
    # The pages heal: the failed sitemap items are fetched again and stored; the stored ones stay as they were.
    server.broken.clear()
    clock.now += 601
    fetched = [server.count(f"/p/{f}/fd-{f}.html") for f in PAGE_FAULTS]
    second = watcher.poll()
    assert second.failures == [] and second.stored == len(PAGE_FAULTS)
    after = _stored(store)
    assert set(after) == set(stored) | {f"{server.base}/p/{f}/sm-{f}.html" for f in PAGE_FAULTS}
    assert all(after[k] == v for k, v in stored.items())
    assert [server.count(f"/p/{f}/fd-{f}.html") for f in PAGE_FAULTS] == fetched  # stored: not fetched again
    watcher.close()
    store.close()


@pytest.mark.parametrize("max_hosts", [8, 1])
def test_hosts_are_polled_at_once_each_one_request_at_a_time(hosts, tmp_path, max_hosts):
    for h, site in enumerate(hosts):
        site.page_delay = 0.15
        for i in range(3):
            title, text = BACKGROUND[(2 * h + i) % len(BACKGROUND)]
            site.add("news", f"h{h}-{i}", f"{title} ({h})", f"{text} Bericht {i} van host {h}.")
    cfg = _settings(tmp_path, max_hosts=max_hosts, host_delay_s=0.05)
    sources = tuple(Source(f"{site.base}/feeds/news", outlet=f"Outlet {h}") for h, site in enumerate(hosts))
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources), cfg, clock=Clock())
    report = watcher.poll(force=True)
    assert (report.polled, report.stored, report.failures) == (3, 9, [])
    overlap = hosts[0].overlap
    assert set(overlap.most) == {site.base for site in hosts}
    assert max(overlap.most.values()) == 1  # never two requests at once to one host
    if max_hosts > 1:
        assert overlap.most_total >= 2  # but several hosts at once
    else:
        assert overlap.most_total == 1
    assert all(site.count(f"/a/h{h}-{i}.html") == 1 for h, site in enumerate(hosts) for i in range(3))
    # The report is the same however the threads interleaved: the sources' order, then their items'.
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY seq")]
    assert ids == [f"h{h}-{i}" for h in range(3) for i in range(3)]
    watcher.close()
    store.close()


def test_an_article_the_pipeline_cannot_take_fails_alone(server, tmp_path, caplog):
    from storyline.runner import Runner

    for i in range(3):
        server.add("news", f"p{i}", *BACKGROUND[i])
    cfg = _settings(tmp_path, item_attempts=2)
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(f"{server.base}/feeds/news"),)), cfg, clock=Clock())
    ingest = Runner.ingest

    def failing(runner, items, **kwargs):  # a stage that raises on one article (as positions did on 'fr')
        items = list(items)
        if any(a.id == "p1" for a in items):
            raise KeyError("fr")
        return ingest(runner, iter(items), **kwargs)

    Runner.ingest = failing
    try:
        with caplog.at_level("WARNING"):
            report = watcher.poll(force=True)
        assert report.stored == 2 and set(_stored(store)) == {"p0", "p2"}
        assert [f for f in report.failures if "p1" in f] == [f"{server.base}/a/p1.html: pipeline error (KeyError: 'fr')"]
        assert any("p1" in r.getMessage() and "KeyError" in r.getMessage() for r in caplog.records)
        # Tried again at the next poll, then given up after item_attempts; the others are not fetched again.
        assert watcher.poll(force=True).stored == 0 and server.count("/a/p1.html") == 2
        assert watcher.poll(force=True).new_items == 0 and server.count("/a/p1.html") == 2
    finally:
        Runner.ingest = ingest
    assert all(server.count(f"/a/p{i}.html") == 1 for i in (0, 2))
    watcher.close()
    store.close()


def test_sitemap_and_folder_sources(server, tmp_path):
    server.add("sitemap", "sm1", *BACKGROUND[3])
    folder = tmp_path / "incoming"
    folder.mkdir()
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(f"{server.base}/sitemap.xml"), Source(str(folder), outlet="Map"))),
                      cfg, clock=Clock())
    assert watcher.poll(force=True).stored == 1
    (folder / "one.txt").write_text(" date 2019-03-20\n" + BACKGROUND[4][1], encoding="utf-8")
    server.add("sitemap", "sm2", *BACKGROUND[5])
    assert watcher.poll(force=True).stored == 2
    assert watcher.poll(force=True).stored == 0
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY seq")]
    assert ids == [f"{server.base}/a/sm1.html", f"{server.base}/a/sm2.html", "one"]  # a page's id is its URL
    assert store.conn.execute("SELECT source FROM articles WHERE id = 'one'").fetchone()[0] == "Map"
    watcher.close()
    store.close()


def test_restart_resumes_without_refetching(server, tmp_path):
    for i in range(3):
        server.add("news", f"r{i}", *BACKGROUND[i])
    cfg = _settings(tmp_path)
    source = (Source(f"{server.base}/feeds/news"),)
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(source), cfg, clock=Clock())
    assert watcher.poll(force=True).stored == 3
    watcher.close()
    store.close()
    pages_before = sum(1 for p, _ in server.requests if p.startswith("/a/"))

    store = Store(cfg.store.db)  # a new process would see exactly this
    watcher = Watcher(store, WatchConfig(source), cfg, clock=Clock())
    report = watcher.poll(force=True)
    assert report.not_modified == 1 and report.stored == 0
    assert sum(1 for p, _ in server.requests if p.startswith("/a/")) == pages_before
    server.add("news", "r3", *BACKGROUND[3])
    report = watcher.poll(force=True)
    assert report.stored == 1 and server.count("/a/r3.html") == 1
    assert all(server.count(f"/a/r{i}.html") == 1 for i in range(3))
    # Stopped in the middle of a feed (a signal): what was read is stored, the rest comes at the next start,
    # although the feed itself has not changed (its validator was not kept).
    for i in (4, 5):
        server.add("news", f"r{i}", *BACKGROUND[i])
    read_item = watcher._read_item

    def read_one_then_stop(*args):
        read_item(*args)
        watcher.stop()

    watcher._read_item = read_one_then_stop
    assert watcher.poll(force=True).stored == 1 and server.count("/a/r5.html") == 0
    watcher.close()
    store.close()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(source), cfg, clock=Clock())
    assert watcher.poll(force=True).stored == 1
    assert all(server.count(f"/a/r{i}.html") == 1 for i in range(6))
    watcher.close()
    store.close()


# --------------------------------------------------------------------------- alerts
def test_poisson_tail_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for k, lam in [(1, 0.5), (3, 0.5), (4, 0.036), (10, 2.0), (30, 1.0), (5, 8.0)]:
        assert poisson_tail(k, lam) == pytest.approx(stats.poisson.sf(k - 1, lam), rel=1e-6)


def test_a_burst_raises_one_alert_delivered_with_a_valid_signature(server, tmp_path):
    secret = "s3cr3t"
    cfg = _settings(tmp_path, new_outlets=99, burst_window_hours=6, burst_min_articles=4, burst_min_outlets=2)
    outlets = ["AD", "Trouw", "Parool"]
    sources = tuple(Source(f"{server.base}/feeds/{o}", outlet=o) for o in outlets)
    rule = AlertRule(name="all", webhook=f"{server.base}/hook", secret=secret)
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources, (rule,)), cfg, clock=clock)
    # A quiet day: background news, spread over time.
    for i, (title, text) in enumerate(BACKGROUND):
        server.add(outlets[i % 3], f"bg{i}", title, text)
        assert not watcher.poll(force=True).alerts
        clock.now += 3 * 3600
    # Then six reports of one story within an hour, from three outlets.
    server.hook_failures = 1  # the receiver fails once: the delivery is retried
    for i, (title, text) in enumerate(STORIES["tram"]):
        server.add(outlets[i % 3], f"tram{i}", title, text)
    report = watcher.poll(force=True)
    assert [a["kind"] for a in report.alerts] == ["burst"]
    alert = report.alerts[0]
    assert alert["window_articles"] >= 4 and alert["p_value"] < cfg.watch.burst_p
    tram_storyline = store.conn.execute(
        "SELECT e.storyline_id FROM event_articles ea JOIN events e ON e.id = ea.event_id"
        " WHERE ea.article_id = 'tram0'").fetchone()[0]
    assert alert["storyline"] == f"S{tram_storyline}"
    # More reports of the same story an hour later: no second alert (one per storyline per cool-down).
    clock.now += 3600
    server.add("AD", "tram-late", STORIES["tram"][0][0] + " (update)", STORIES["tram"][1][1] + " Er is een update.")
    assert watcher.poll(force=True).alerts == []
    assert len(WatchState(store).alerts()) == 1
    # The webhook got the alert twice (a 503, then 204), each time signed over the exact body.
    assert len(server.hook_bodies) == 2
    for body, headers in server.hook_bodies:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Storyline-Signature"], expected)
        assert json.loads(body)["id"] == alert["id"] and headers["X-Storyline-Alert"] == alert["id"]
    delivery = WatchState(store).deliveries(int(alert["id"][1:]))
    assert delivery == [{"alert_id": int(alert["id"][1:]), "sink": f"webhook:{server.base}/hook",
                         "status": "delivered", "attempts": 2, "last_error": None, "updated_at": clock.now - 3600}]
    assert len(server.hook_bodies) == 2  # a delivered alert is not sent again at the later poll
    watcher.close()
    store.close()


def test_a_webhook_down_for_a_while_gets_the_alert_at_a_later_cycle(server, tmp_path):
    cfg = _settings(tmp_path, new_outlets=2, burst_min_articles=99, webhook_retries=1)
    sources = tuple(Source(f"{server.base}/feeds/{o}", outlet=o) for o in ("AD", "Trouw"))
    rule = AlertRule(name="all", webhook=f"{server.base}/hook", secret="k")
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources, (rule,)), cfg, clock=Clock())
    server.hook_failures = 4  # down for this cycle (2 attempts) and the next (2 more)
    server.add("AD", "t0", *STORIES["tram"][0])
    server.add("Trouw", "t2", *STORIES["tram"][2])
    alert = watcher.poll(force=True).alerts[0]
    state = WatchState(store)
    assert [(d["status"], d["attempts"]) for d in state.deliveries(int(alert["id"][1:]))] == [("failed", 2)]
    watcher.poll(force=True)
    assert [(d["status"], d["attempts"]) for d in state.deliveries(int(alert["id"][1:]))] == [("failed", 4)]
    watcher.poll(force=True)
    assert [(d["status"], d["attempts"]) for d in state.deliveries(int(alert["id"][1:]))] == [("delivered", 5)]
    assert [json.loads(b)["id"] for b, _ in server.hook_bodies] == [alert["id"]] * 5
    watcher.poll(force=True)
    assert len(server.hook_bodies) == 5
    watcher.close()
    store.close()


def test_new_story_alert_when_a_third_outlet_reports_it(server, tmp_path):
    cfg = _settings(tmp_path, new_outlets=3, burst_min_articles=99)
    outlets = ["AD", "Trouw", "Parool"]
    sources = tuple(Source(f"{server.base}/feeds/{o}", outlet=o) for o in outlets)
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources), cfg, clock=clock)
    server.add("AD", "t0", *STORIES["tram"][0])
    server.add("AD", "t1", *STORIES["tram"][1])  # the same outlet twice: still one outlet
    server.add("Trouw", "t2", *STORIES["tram"][2])
    assert watcher.poll(force=True).alerts == []
    clock.now += 600
    server.add("Parool", "t3", *STORIES["tram"][3])
    alerts = watcher.poll(force=True).alerts
    assert [a["kind"] for a in alerts] == ["new"] and alerts[0]["outlets"] == ["AD", "Parool", "Trouw"]
    clock.now += 600
    server.add("Parool", "t4", *STORIES["tram"][4])
    assert watcher.poll(force=True).alerts == []  # raised once
    watcher.close()
    store.close()


def test_feeds_and_alerts_over_http(server, tmp_path):
    from fastapi.testclient import TestClient

    from storyline.api.app import create_app

    cfg = _settings(tmp_path, new_outlets=2, burst_min_articles=99)
    sources = tuple(Source(f"{server.base}/feeds/{o}", outlet=o) for o in ("AD", "Trouw"))
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources), cfg, clock=Clock())
    server.add("AD", "t0", *STORIES["tram"][0])
    server.add("Trouw", "t2", *STORIES["tram"][2])
    alerts = watcher.poll(force=True).alerts
    assert len(alerts) == 1
    watcher.close()
    store.close()
    client = TestClient(create_app(cfg.store.db, warm=False, settings=cfg))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(client.get("/feeds/alerts.atom").content)
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:id", ns).text for e in entries] == [f"urn:storyline:alert:{alerts[0]['id']}"]
    story = ET.fromstring(client.get(f"/feeds/storylines/{alerts[0]['storyline']}.atom").content)
    assert {e.find("a:id", ns).text for e in story.findall("a:entry", ns)} == \
        {"urn:storyline:article:t0", "urn:storyline:article:t2"}
    assert client.get("/feeds/storylines/S999.atom").status_code == 404
    assert client.get("/api/alerts").json()[0]["id"] == alerts[0]["id"]
    assert alerts[0]["title"] in client.get("/").text
    sid = alerts[0]["storyline"]
    assert client.post(f"/api/follows?storyline={sid}").status_code == 403  # no token configured: no writes
    # The same alerts on the command line, and following from there.
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["--db", cfg.store.db, "alerts", "--json"])
    assert listed.exit_code == 0 and [a["id"] for a in json.loads(listed.stdout)] == [alerts[0]["id"]]
    assert runner.invoke(app, ["--db", cfg.store.db, "alerts", "--since", "not a time"]).exit_code == 2
    assert runner.invoke(app, ["--db", cfg.store.db, "follow", sid]).exit_code == 0
    follows = json.loads(runner.invoke(app, ["--db", cfg.store.db, "follow", "--list", "--json"]).stdout)
    assert [(f["kind"], f["target"]) for f in follows] == [("storyline", sid)]
    assert runner.invoke(app, ["--db", cfg.store.db, "follow", "S999"]).exit_code == 1  # no such storyline


def test_follow_a_storyline_alerts_on_its_new_event(server, tmp_path):
    from storyline.alerts.service import follow

    cfg = _settings(tmp_path, new_outlets=99, burst_min_articles=99)
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(f"{server.base}/feeds/AD", outlet="AD"),)), cfg, clock=clock)
    server.add("AD", "t0", *STORIES["tram"][0])
    watcher.poll(force=True)
    sid = store.conn.execute("SELECT storyline_id FROM events").fetchone()[0]
    follow(store, storyline=f"S{sid}", now=clock.now)
    clock.now += 30 * 86400  # a month later, the trial: past the event gap (7 days), within a storyline's
    server.add("AD", "t9", "Proces tegen Gökmen T. om aanslag in tram Utrecht begint",
               "Het proces tegen Gökmen T., verdachte van de schietpartij in de tram op het 24 Oktoberplein in "
               "Utrecht, is begonnen. Bij de schietpartij in de tram in Utrecht vielen vier doden. De NCTV en de "
               "politie Utrecht spraken van terrorisme.", date="2019-04-18")
    alerts = watcher.poll(force=True).alerts
    new_event = store.conn.execute("SELECT e.id, e.storyline_id FROM event_articles ea JOIN events e"
                                   " ON e.id = ea.event_id WHERE ea.article_id = 't9'").fetchone()
    assert new_event["storyline_id"] == sid  # the clusterer chained the trial to the attack
    follows = [a for a in alerts if a["kind"] == "follow"]
    assert [a["event"] for a in follows] == [f"E{new_event['id']}"] and new_event["id"] != 1
    server.add("AD", "t10", "Ajax wint van PSV", BACKGROUND[0][1], date="2019-04-18")
    assert [a for a in watcher.poll(force=True).alerts if a["kind"] == "follow"] == []
    watcher.close()
    store.close()


# One attack reported through a day by three outlets: the police count 12 injured (AD), the mayor is quoted
# (Trouw), a hospital counts 30 injured (Parool); a month later the mayor opens an office (a new event).
FOLLOW_STORY = {
    "t0": ("AD", "Schietpartij in tram in Utrecht: drie doden",
           "Bij een schietpartij in een tram op het 24 Oktoberplein in Utrecht zijn maandag drie doden gevallen. "
           "Zeker 12 mensen raakten gewond, meldt de politie. Burgemeester Jan van Zanen kwam naar het plein. "
           "De politie zoekt de schutter Gökmen T.", "2019-03-18"),
    "t1": ("Trouw", "Utrecht in shock na aanslag in tram op 24 Oktoberplein",
           "In een tram op het 24 Oktoberplein in Utrecht heeft een schutter maandagochtend drie mensen "
           "doodgeschoten. \"Dit is een zwarte dag voor Utrecht\", zei burgemeester Jan van Zanen. De politie "
           "arresteerde later Gökmen T.", "2019-03-18"),
    "t2": ("Parool", "Drie doden bij schietincident in tram Utrecht",
           "Bij het schietincident in een tram op het 24 Oktoberplein in Utrecht zijn drie doden gevallen. Het "
           "aantal gewonden is opgelopen tot 30, aldus het UMC Utrecht. De politie zocht urenlang naar Gökmen T.",
           "2019-03-18"),
    "t3": ("AD", "Van Zanen opent nieuw stadskantoor in Utrecht",
           "Burgemeester Jan van Zanen heeft zaterdag het nieuwe stadskantoor aan de Catharijnesingel in Utrecht "
           "geopend. \"Dit gebouw is van alle Utrechters\", zei Van Zanen bij de opening. Het kantoor kostte 80 "
           "miljoen euro.", "2019-04-20"),
}
FOLLOW_SECRET = "f0ll0w"


def _publish(server, key: str) -> None:
    outlet, title, text, date = FOLLOW_STORY[key]
    server.add(outlet, key, title, text, date=date)


def _following(server, tmp_path, **settings):
    """A watcher of three outlets whose follow alerts go to the test webhook, after the first report (t0)."""
    cfg = _settings(tmp_path, new_outlets=99, burst_min_articles=99, **settings)
    sources = tuple(Source(f"{server.base}/feeds/{o}", outlet=o) for o in ("AD", "Trouw", "Parool"))
    rule = AlertRule(name="follows", kinds=("follow",), webhook=f"{server.base}/hook", secret=FOLLOW_SECRET)
    clock = Clock()
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig(sources, (rule,)), cfg, clock=clock)
    _publish(server, "t0")
    assert watcher.poll(force=True).alerts == []  # nothing followed yet
    return cfg, clock, store, watcher


def _event_of(store, article_id: str) -> tuple[int, int]:
    row = store.conn.execute("SELECT e.id, e.storyline_id FROM event_articles ea JOIN events e ON e.id = ea.event_id"
                             " WHERE ea.article_id = ?", (article_id,)).fetchone()
    return row[0], row[1]


def _assert_delivered_once(server, alerts) -> None:
    """Each alert reached the webhook exactly once, signed over its exact body with the shared secret."""
    assert [json.loads(body)["id"] for body, _ in server.hook_bodies] == [a["id"] for a in alerts]
    for body, headers in server.hook_bodies:
        expected = "sha256=" + hmac.new(FOLLOW_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Storyline-Signature"], expected)


def test_follow_an_entity_alerts_once_on_a_new_event_that_mentions_it(server, tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    cfg, clock, store, watcher = _following(server, tmp_path)
    followed = CliRunner().invoke(app, ["--db", cfg.store.db, "follow", "--entity", "jan van zanen", "--json"])
    assert followed.exit_code == 0, followed.output
    entity = json.loads(followed.stdout)
    assert entity["kind"] == "entity" and entity["name"] == "Jan van Zanen"
    clock.now += 33 * 86400
    _publish(server, "t3")  # a new event that names him and quotes him
    alerts = watcher.poll(force=True).alerts
    event_id, _ = _event_of(store, "t3")
    assert event_id != _event_of(store, "t0")[0]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["kind"], alert["entity"], alert["event"]) == ("follow", entity["target"], f"E{event_id}")
    assert alert["follow"]["what"] == "event" and "Jan van Zanen" in alert["title"]
    # His quote came with the event: carried by its alert, not raised apart.
    assert [q["text"] for q in alert["quotes"]] == ["Dit gebouw is van alle Utrechters"]
    _assert_delivered_once(server, alerts)
    server.add("Trouw", "bg0", *BACKGROUND[0], date="2019-04-20")
    assert watcher.poll(force=True).alerts == []
    watcher.close()
    store.close()


def test_follow_a_person_alerts_once_on_a_new_quote(server, tmp_path):
    from fastapi.testclient import TestClient

    from storyline.api.app import create_app

    cfg, clock, store, watcher = _following(server, tmp_path)
    api_cfg = cfg.model_copy(update={"api": cfg.api.model_copy(update={"token": "t0ken"})})
    client = TestClient(create_app(cfg.store.db, warm=False, settings=api_cfg))
    assert client.post("/api/follows", params={"entity": "Jan van Zanen"}).status_code == 401
    made = client.post("/api/follows", params={"entity": "Jan van Zanen"}, headers={"Authorization": "Bearer t0ken"})
    assert made.status_code == 201, made.text
    assert [(f["kind"], f["name"]) for f in client.get("/api/follows").json()] == [("entity", "Jan van Zanen")]
    clock.now += 2 * 3600
    _publish(server, "t1")  # the same event, another outlet: the mayor speaks
    alerts = watcher.poll(force=True).alerts
    assert _event_of(store, "t1") == _event_of(store, "t0")  # no new event: the quote is the news
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["follow"]["what"] == "quote" and alert["event"] == f"E{_event_of(store, 't0')[0]}"
    assert [(q["speaker"], q["text"], q["article"]) for q in alert["quotes"]] == \
        [("Jan van Zanen", "Dit is een zwarte dag voor Utrecht", "t1")]
    assert "Dit is een zwarte dag voor Utrecht" in alert["title"]
    _assert_delivered_once(server, alerts)
    assert client.get("/api/alerts").json()[0]["id"] == alert["id"]
    watcher.close()
    store.close()


def test_follow_a_storyline_alerts_once_on_a_new_disagreement(server, tmp_path):
    from storyline.alerts.service import follow

    cfg, clock, store, watcher = _following(server, tmp_path)
    event_id, sid = _event_of(store, "t0")
    follow(store, storyline=f"S{sid}", now=clock.now)
    clock.now += 4 * 3600
    _publish(server, "t2")  # the hospital's count of the injured contradicts the police's
    alerts = watcher.poll(force=True).alerts
    assert _event_of(store, "t2") == (event_id, sid)
    assert len(alerts) == 1  # the hospital is quoted too, but a storyline's quotes alert only through a speaker
    alert = alerts[0]
    assert alert["follow"] == {"id": 1, "kind": "storyline", "target": f"S{sid}", "what": "disagreement"}
    assert alert["storyline"] == f"S{sid}" and alert["event"] == f"E{event_id}"
    [disagreement] = alert["disagreements"]
    assert sorted(disagreement["values"]) == [12.0, 30.0] and sorted(disagreement["articles"]) == ["t0", "t2"]
    _assert_delivered_once(server, alerts)
    watcher.close()
    store.close()


def test_a_followed_storyline_and_person_without_news_raise_nothing(server, tmp_path):
    from storyline.alerts.service import follow

    cfg, clock, store, watcher = _following(server, tmp_path)
    _, sid = _event_of(store, "t0")
    follow(store, storyline=f"S{sid}", now=clock.now)
    follow(store, entity="Jan van Zanen", now=clock.now)
    for i, (title, text) in enumerate(BACKGROUND[:4]):  # other news, from every outlet
        server.add(("AD", "Trouw", "Parool")[i % 3], f"bg{i}", title, text)
        clock.now += 3600
        report = watcher.poll(force=True)
        assert report.stored == 1 and report.alerts == []
    clock.now += 3600
    assert watcher.poll(force=True).alerts == []  # nothing new at all (every feed answers 304)
    assert server.hook_bodies == [] and WatchState(store).alerts() == []
    watcher.close()
    store.close()


def test_sources_file_and_rules(tmp_path):
    from storyline.errors import ConfigError
    from storyline.watch import load_sources

    (tmp_path / "in").mkdir()
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nurl = "https://example.org/rss"\noutlet = "NOS"\ninterval = 60\n'
                    '[[source]]\npath = "in"\n[[rule]]\nname = "r"\nkeywords = ["tram"]\noutlets = ["NOS"]\n'
                    'min_size = 3\nwebhook = "http://127.0.0.1:9/h"\n', encoding="utf-8")
    config = load_sources(path)
    assert config.sources[0] == Source("https://example.org/rss", outlet="NOS", interval_s=60.0)
    assert config.sources[1].location == str(tmp_path / "in") and config.sources[1].is_folder
    rule = config.rules[0]
    assert rule.matches({"kind": "burst", "title": "Schietpartij in tram", "outlets": ["NOS", "AD"], "n_articles": 3})
    assert not rule.matches({"kind": "burst", "title": "Schietpartij in tram", "outlets": ["AD"], "n_articles": 3})
    assert not rule.matches({"kind": "burst", "title": "Storm", "outlets": ["NOS"], "n_articles": 9})
    for bad in ('[[source]]\nurl = "ftp://x"\n', '[[source]]\nurl = "https://x"\nspeed = 1\n',
                '[[rule]]\nkinds = ["sometimes"]\n', '[[source]]\npath = "missing"\n', "not toml ="):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_sources(path)


# --------------------------------------------------------------------------- the command
def test_sigterm_finishes_the_batch_and_exits_cleanly(server, tmp_path):
    for i in range(3):
        server.add("news", f"s{i}", *BACKGROUND[i])
    db = tmp_path / "cli.db"
    env = {**os.environ, "PYTHONPATH": str(SRC), "STORYLINE_WATCH__HOST_DELAY_S": "0",
           "STORYLINE_WATCH__TIMEOUT_S": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "storyline", "--db", str(db), "watch", f"{server.base}/feeds/news",
                             "--interval", "0.5"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # the first cycle loads the models: ~50 s on a busy shared machine
        while time.monotonic() < deadline and server.count("/feeds/news") < 2:
            time.sleep(0.1)
        assert server.count("/feeds/news") >= 2, "the watcher never polled twice"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in err
    store = Store(db)
    assert store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3
    store.close()


def test_replay_serves_a_corpus_day_by_day(tmp_path):
    from storyline.watch.replay import replay_corpus

    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": f"bg{i}", "title": t, "text": x, "published": f"2019-03-{17 + i % 2}", "source": "AD"}
               for i, (t, x) in enumerate(BACKGROUND)]
    records += [{"id": "held", "title": "x", "text": STORIES["tram"][0][1], "published": "2019-03-18"}]
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    held = tmp_path / "held.txt"
    held.write_text("held\n", encoding="utf-8")
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    report = replay_corpus(store, corpus, cfg, exclude=held, slices=2)
    assert [(d["date"], d["articles"]) for d in report.days] == [("2019-03-17", 3), ("2019-03-18", 3)]
    assert report.stored == 6 and report.failures == 0
    assert store.conn.execute("SELECT COUNT(*) FROM articles WHERE id = 'held'").fetchone()[0] == 0
    # Arrival times follow the simulated clock: the second day's articles arrived on 18 March.
    day2 = store.conn.execute("SELECT MIN(arrived_at) FROM article_arrivals r JOIN articles a ON a.id = r.article_id"
                              " WHERE a.published = '2019-03-18'").fetchone()[0]
    assert 1552867200 <= day2 < 1552867200 + 86400
    assert report.to_json()["pipeline_ms_per_article"] > 0
    store.close()


def test_a_repeated_replay_runs_on_with_new_names_and_reports_memory(tmp_path):
    from storyline.watch.replay import renamed_copy, replay_corpus
    from storyline.records import Article

    copy = renamed_copy(Article(id="a", text="Rutte sprak in Den Haag met de pers.", title="Rutte spreekt",
                                published="2019-03-18"), 2, 10)
    assert (copy.id, copy.published, copy.title) == ("a~2", "2019-03-28", "Rutteqc spreekt")
    assert copy.text == "Rutteqc sprak in Denqc Haagqc met de pers."
    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": f"bg{i}", "title": t, "text": x, "published": f"2019-03-{17 + i % 2}", "source": "AD"}
               for i, (t, x) in enumerate(BACKGROUND[:4])]
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    days = []
    report = replay_corpus(store, corpus, cfg, slices=1, repeat=2, on_day=days.append)
    assert [(d["date"], d["articles"]) for d in report.days] == \
        [("2019-03-17", 2), ("2019-03-18", 2), ("2019-03-19", 2), ("2019-03-20", 2)]
    assert report.stored == 8 and all(d["rss_mb"] > 0 for d in days)
    assert store.conn.execute("SELECT title FROM articles WHERE id = 'bg1~1'").fetchone()[0] == \
        "Stormqb zorgt voor schade in Groningenqb en Frieslandqb"
    store.close()


def test_a_cycle_that_stored_articles_gives_free_heap_back(tmp_path, monkeypatch):
    from storyline.watch import watcher as watcher_module

    calls = []
    monkeypatch.setattr(watcher_module, "release_free_memory", lambda: calls.append(1) or True)
    folder = tmp_path / "incoming"
    folder.mkdir()
    cfg = _settings(tmp_path)
    store = Store(cfg.store.db)
    watcher = Watcher(store, WatchConfig((Source(str(folder), outlet="Map"),)), cfg, clock=Clock())
    assert watcher.poll(force=True).stored == 0 and calls == []  # nothing ingested, nothing to give back
    (folder / "one.txt").write_text(" date 2019-03-20\n" + BACKGROUND[4][1], encoding="utf-8")
    assert watcher.poll(force=True).stored == 1 and calls == [1]
    watcher.close()
    store.close()


def test_release_free_memory_runs_where_there_is_glibc():
    from storyline.watch.watcher import release_free_memory

    import platform

    # glibc on Linux has malloc_trim; elsewhere (macOS, musl) the call does nothing and says so
    assert release_free_memory() is (platform.libc_ver()[0] == "glibc")
