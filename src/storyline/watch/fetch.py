"""Polite HTTP fetching for the watcher: one request at a time per host, a delay between them,
robots.txt for article pages, conditional requests, timeouts, bounded bodies and retries with backoff.

A fetch never raises for a network or server problem: it returns a :class:`Fetched` whose ``error`` says
what went wrong (``timeout``, ``HTTP 500``, ``redirect loop``, ``body larger than ...``), so one bad host
costs only its own requests.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

from storyline.settings import WatchSettings

LOGGER = logging.getLogger(__name__)

__all__ = ["Fetched", "Fetcher"]

ROBOTS_AGENT = "Storyline"  # the product token robots.txt rules are matched against


@dataclass
class Fetched:
    """What one GET gave: ``status`` 0 when no response came; ``error`` None on success (200 or 304)."""

    url: str
    status: int = 0
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    attempts: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _TooLarge(Exception):
    pass


class Fetcher:
    """GETs with per-host politeness. ``sleep`` waits (the watcher's stop event cuts waits short);
    ``transport`` replaces the network (``httpx.MockTransport`` in tests)."""

    def __init__(self, settings: WatchSettings, *, sleep: Callable[[float], Any] | None = None,
                 transport: httpx.BaseTransport | None = None, clock: Callable[[], float] = time.monotonic):
        self.s = settings
        self.sleep = sleep or time.sleep
        self.clock = clock
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_s), follow_redirects=True, max_redirects=settings.max_redirects,
            headers={"User-Agent": settings.user_agent}, transport=transport)
        self._last: dict[str, float] = {}  # host -> when its last request ended
        self._locks: dict[str, threading.Lock] = {}
        # origin -> (read at, parser), least recently used first; at most watch.max_known_hosts
        self._robots: OrderedDict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = OrderedDict()
        self.requests = 0
        self._count_lock = threading.Lock()  # the watcher fetches from several hosts at once

    def close(self) -> None:
        self.client.close()

    def trim(self) -> None:
        """Forget the hosts used longest ago beyond ``max_known_hosts`` (call between cycles, when no request
        runs): an aggregator's links reach ever more hosts, and each one's state would stay for good."""
        cap = self.s.max_known_hosts
        if len(self._last) > cap:
            for host, _ in sorted(self._last.items(), key=lambda kv: kv[1])[:len(self._last) - cap]:
                lock = self._locks.get(host)
                if lock is None or not lock.locked():
                    self._last.pop(host, None)
                    self._locks.pop(host, None)
        while len(self._robots) > cap:
            self._robots.popitem(last=False)

    # ------------------------------------------------------------------ GET
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url`` (conditionally when validators are given), retrying timeouts, connection errors and
        5xx ``retries`` times with exponential backoff."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = Fetched(url)
        for attempt in range(self.s.retries + 1):
            if attempt:
                self.sleep(self.s.backoff_s * 2 ** (attempt - 1))
            result = self._once(url, headers)
            result.attempts = attempt + 1
            if result.error is None or not _retryable(result):
                return result
        return result

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        host = urlsplit(url).netloc.lower()
        lock = self._locks.setdefault(host, threading.Lock())
        with lock:  # one request at a time per host
            wait = self._last.get(host, -1e18) + self.s.host_delay_s - self.clock()
            if wait > 0:
                self.sleep(wait)
            try:
                return self._request(url, headers)
            finally:
                self._last[host] = self.clock()

    def _request(self, url: str, headers: dict[str, str]) -> Fetched:
        with self._count_lock:
            self.requests += 1
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                out = Fetched(url=str(response.url), status=response.status_code,
                              etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                              headers=dict(response.headers))
                if response.status_code == 304:
                    return out
                if response.status_code >= 400:
                    out.error = f"HTTP {response.status_code}"
                    return out
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.s.max_body_bytes:
                    raise _TooLarge()
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.s.max_body_bytes:
                        raise _TooLarge()
                    chunks.append(chunk)
                out.body = b"".join(chunks)
                return out
        except _TooLarge:
            return Fetched(url, status=200, error=f"body larger than the limit of {self.s.max_body_bytes} bytes")
        except httpx.TooManyRedirects:
            return Fetched(url, error=f"redirect loop (more than {self.s.max_redirects} redirects)")
        except httpx.TimeoutException:
            return Fetched(url, error=f"timeout after {self.s.timeout_s:g} s")
        except httpx.HTTPError as exc:
            return Fetched(url, error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # h11 and the codecs raise their own errors on a broken server
            return Fetched(url, error=f"broken response ({type(exc).__name__})")

    # ------------------------------------------------------------------ robots.txt
    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Storyline fetch ``url`` (RFC 9309: a missing file allows everything,
        an unreachable one (5xx, no answer) allows nothing until it is read again)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        now = self.clock()
        if cached is None or now - cached[0] > self.s.robots_ttl_s:
            fetched = self.get(f"{origin}/robots.txt")
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            if fetched.error is None and fetched.status == 200:
                parser.parse(fetched.body.decode("utf-8", errors="replace").splitlines())
            elif 400 <= fetched.status < 500:
                parser.parse([])  # no robots.txt: everything allowed
            else:
                LOGGER.warning("robots.txt of %s unreachable (%s): its pages are not fetched for now", origin,
                               fetched.error)
                parser = None
            cached = (now, parser)
            self._robots[origin] = cached
        self._robots.move_to_end(origin)
        parser = cached[1]
        return parser is not None and parser.can_fetch(ROBOTS_AGENT, url)


def _retryable(result: Fetched) -> bool:
    if result.status >= 500:
        return True
    if result.status:
        return False
    return result.error is not None and result.error.startswith(("timeout", "ConnectError", "ReadError",
                                                                 "RemoteProtocolError", "broken response"))
