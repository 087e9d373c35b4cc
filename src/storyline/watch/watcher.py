"""The watcher: polls feeds, sitemaps and folders, stores what is new, and raises and delivers alerts.

One cycle (:meth:`Watcher.poll`) polls every source that is due (steps 1 and 2 run one thread per host,
up to ``watch.max_hosts`` hosts at a time; the store is used from the calling thread only):

1. a URL source is fetched conditionally (``If-None-Match`` / ``If-Modified-Since`` from the last answer);
   304 means nothing new. A feed is read by the feed reader (:func:`storyline.ingest.readers.read_feed`), a
   sitemap's ``<loc>`` entries become items; a folder lists its files;
2. items listed before are skipped (the store keeps every item each source listed, so a restart refetches
   nothing); for each new item the article page is fetched, if robots.txt allows, and read by the HTML
   reader (:func:`storyline.ingest.readers.read_html`); when the page cannot be fetched or read, the feed's
   own summary is stored instead;
3. the new articles go through the runner in one ingest (:meth:`storyline.runner.Runner.ingest`), and their
   arrival time is stored with them;
4. the alert detector runs (:class:`storyline.alerts.Detector`) and the alerts matching a rule are delivered.

A source that fails (timeout, 5xx, redirect loop, malformed feed, oversized body) is logged with the reason
and polled again later, ``interval x 2^failures`` up to ``max_backoff_s``; nothing stored is lost and the
other sources go on. :meth:`Watcher.stop` (SIGINT/SIGTERM through :func:`install_signal_handlers`) lets the
current cycle store what it fetched and returns from :meth:`Watcher.run`.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from storyline.alerts.deliver import REDELIVER_CYCLES, Deliverer
from storyline.alerts.detect import Detector, alert_json
from storyline.alerts.rules import AlertRule
from storyline.ingest.readers import ReadError, expand_inputs, read_feed, read_html, read_path
from storyline.records import Article
from storyline.runner import InlineExecutor, Runner
from storyline.settings import Settings, get_settings
from storyline.store import Store
from storyline.store.alerts import WatchState
from storyline.watch.fetch import Fetcher
from storyline.watch.sources import Source, WatchConfig

LOGGER = logging.getLogger(__name__)

__all__ = ["Watcher", "CycleReport", "install_signal_handlers", "release_free_memory"]

_SITEMAP = re.compile(rb"<(?:\w+:)?(urlset|sitemapindex)\b")
_LOC = re.compile(rb"<(?:\w+:)?loc>\s*([^<\s]+)\s*</(?:\w+:)?loc>")


@dataclass
class CycleReport:
    """What one cycle did; ``seconds`` splits its wall time into fetch (polling, fetching and reading pages),
    ingest (the pipeline: enrichment, clustering, linking), state (recording items and sources) and alerts
    (detection and delivery); ``parse`` and ``read`` are the parts of fetch spent reading feeds (feedparser)
    and pages (trafilatura)."""

    polled: int = 0
    not_modified: int = 0
    new_items: int = 0
    stored: int = 0
    failures: list[str] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"fetch": 0.0, "parse": 0.0, "read": 0.0,
                                                               "ingest": 0.0, "state": 0.0, "alerts": 0.0})


@dataclass
class _Listing:
    """One polled source: the items it lists now, the error that stopped it, the validators to keep."""

    source: Source
    state: dict[str, Any]
    items: list["_Item"] = field(default_factory=list)
    error: str | None = None
    validators: tuple[str | None, str | None] = (None, None)
    new: list["_Item"] = field(default_factory=list)


def _host(location: str, is_folder: bool) -> str:
    """What one thread of a cycle works through: a URL's host (with its port), or the local files."""
    return "" if is_folder else urlsplit(location).netloc.lower()


@dataclass
class _Item:
    key: str
    url: str | None
    fallback: Article | None
    status: str = "pending"
    articles: list[Article] = field(default_factory=list)


class Watcher:
    """Follows sources into one store.

    Args:
        store: where articles, watch state and alerts go.
        config: the sources and alert rules (:func:`storyline.watch.sources.load_sources`).
        settings: default :func:`storyline.settings.get_settings`.
        clock: seconds since the epoch (a replay passes a simulated clock).
        fetcher: HTTP access (default :class:`Fetcher` over the network).
        deliverer: alert delivery (default :class:`storyline.alerts.Deliverer`).
        on_alert: called with each alert's JSON as it is raised (the CLI prints it).
        interval_s: polling interval for sources without their own (default ``watch.interval_s``).
    """

    def __init__(self, store: Store, config: WatchConfig, settings: Settings | None = None, *,
                 clock: Callable[[], float] = time.time, fetcher: Fetcher | None = None,
                 deliverer: Deliverer | None = None, on_alert: Callable[[dict[str, Any]], None] | None = None,
                 emit: Callable[[str], None] | None = None, interval_s: float | None = None):
        self.store = store
        self.config = config
        self.settings = settings or get_settings()
        self.ws = self.settings.watch
        self.clock = clock
        self._stop = threading.Event()
        self.fetcher = fetcher or Fetcher(self.ws, sleep=self._stop.wait)
        self.deliverer = deliverer or Deliverer(self.ws, emit=emit, sleep=self._stop.wait)
        self.on_alert = on_alert
        self.interval_s = interval_s or self.ws.interval_s
        self.state = WatchState(store)
        self.detector = Detector(self.state, self.ws,
                                 quote_min_confidence=self.settings.enrich.quote_min_confidence)
        self._runner: Runner | None = None
        self._source_updates: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ control
    def stop(self) -> None:
        """Finish the current cycle (what was fetched is stored), then return from :meth:`run`."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, max_cycles: int | None = None, on_cycle: Callable[[CycleReport], None] | None = None) -> None:
        """Poll until stopped (or ``max_cycles`` cycles), sleeping until the next source is due."""
        cycles = 0
        while not self._stop.is_set():
            try:
                report = self.poll()
            except Exception:  # e.g. the store busy past its timeout: nothing was marked seen, so retried
                LOGGER.exception("watch cycle failed; its items are tried again at the next poll")
                report = CycleReport(failures=["cycle failed (see the log)"])
            cycles += 1
            if on_cycle is not None:
                on_cycle(report)
            if max_cycles is not None and cycles >= max_cycles:
                break
            self._stop.wait(max(0.05, self.next_due() - self.clock()))

    def close(self) -> None:
        self.fetcher.close()
        self.deliverer.close()

    def interval(self, source: Source) -> float:
        return source.interval_s or self.interval_s

    def next_due(self) -> float:
        """The earliest time a source is due (now when one has never been polled)."""
        due = [self.state.source_state(s.location)["next_poll"] for s in self.config.sources]
        return min((d if d is not None else 0.0 for d in due), default=self.clock() + self.interval_s)

    # ------------------------------------------------------------------ one cycle
    def poll(self, *, force: bool = False) -> CycleReport:
        """Poll every due source (all with ``force``), store what is new, raise and deliver alerts."""
        report = CycleReport()
        self._source_updates = []
        self.fetcher.trim()
        start_requests = self.fetcher.requests
        t0 = time.perf_counter()
        now = self.clock()
        due = []
        for source in self.config.sources:
            state = self.state.source_state(source.location)
            if force or state["next_poll"] is None or state["next_poll"] <= now:
                due.append((source, state))
        # 1. list every due source; 2. keep what is new (the store is read in this thread only); 3. fetch and
        # read the new items' pages. Steps 1 and 3 run one thread per host (see _per_host).
        listings = [x for x in self._per_host(due, lambda job: _host(job[0].location, job[0].is_folder),
                                              lambda job, tally: self._list_source(*job, tally), report)
                    if x is not None]
        for listing in listings:
            listing.new = self._unseen(listing.source, listing.items)
        reads = [(listing.source, item) for listing in listings for item in listing.new]
        self._per_host(reads, lambda job: _host(job[1].url or "", job[0].is_folder),
                       lambda job, tally: self._read(*job, tally), report)
        collected: list[tuple[Source, list[_Item]]] = []
        for listing in listings:
            self._finish_source(listing, now, report)
            collected.append((listing.source, listing.new))
            report.new_items += len(listing.new)
        report.polled = len(listings)
        t1 = time.perf_counter()
        report.seconds["fetch"] = t1 - t0
        articles = [a for _, items in collected for i in items for a in i.articles]
        stored: list[str] = []
        if articles:
            now = self.clock()

            def arrived(result) -> None:  # inside the batch's transaction
                ids = [a.id for a in result.articles]
                self.state.record_arrivals(ids, now)
                stored.extend(ids)

            try:
                summary = self.runner.ingest(iter(articles), on_result=arrived)
                errors = list(summary.errors)
            except Exception:  # e.g. a stage failing on one article: it must not hold up the whole stream
                LOGGER.exception("ingest of %d articles failed; taking them one at a time", len(articles))
                errors = self._ingest_one_by_one(collected, set(stored), arrived, report)
            for error in errors:
                report.failures.append(f"ingest: {error}")
        t_state = time.perf_counter()
        report.seconds["ingest"] = t_state - t1
        with self.store.transaction():
            for update in self._source_updates:
                self.state.save_source_state(update.pop("source"), **update)
            self._source_updates = []
            for source, items in collected:
                rows = [(i.key, i.articles[0].id if i.articles else None, i.status) for i in items
                        if i.status != "pending"]
                if rows:
                    self.state.mark_items(source.location, rows, now)
        report.stored = len(stored)
        t2 = time.perf_counter()
        report.seconds["state"] = t2 - t_state
        report.alerts = self._alerts(self.clock(), stored)
        report.seconds["alerts"] = time.perf_counter() - t2
        report.requests = self.fetcher.requests - start_requests
        if articles:
            release_free_memory()
        return report

    def _ingest_one_by_one(self, collected: list[tuple[Source, list[_Item]]], done: set[str],
                           arrived: Callable[[Any], None], report: CycleReport) -> list[str]:
        """After a failed batch: each item's articles on their own, so only the item the pipeline cannot take
        fails (not marked stored: tried again at the next polls, ``item_attempts`` times in all)."""
        self._runner = None  # the failed batch was rolled back: start from the store, not from its caches
        errors: list[str] = []
        for source, items in collected:
            for item in items:
                todo = [a for a in item.articles if a.id not in done]
                if not todo:
                    continue
                try:
                    errors += list(self.runner.ingest(iter(todo), on_result=arrived).errors)
                except Exception as exc:
                    reason = f"pipeline error ({type(exc).__name__}: {exc})"
                    LOGGER.warning("%s: item %s not stored (%s)", source.location, item.key, reason)
                    report.failures.append(f"{item.url or item.key}: {reason}")
                    item.status, item.articles = f"failed: {reason}", []
                    self._runner = None
                    for update in self._source_updates:  # the next poll must list the item again, not get a 304
                        if update["source"] == source.location:
                            update.update(etag=None, last_modified=None)
        return errors

    @property
    def runner(self) -> Runner:
        if self._runner is None:  # one runner for the life of the watcher: the clusterer keeps its cache
            self._runner = Runner(self.store, self.settings, executor=InlineExecutor())
        return self._runner

    # ------------------------------------------------------------------ sources
    def _per_host(self, jobs: list, host_of: Callable[[Any], str], work: Callable[[Any, CycleReport], Any],
                  report: CycleReport) -> list:
        """``work(job, tally)`` for every job, in order within a host and one thread per host (at most
        ``watch.max_hosts`` at a time): a slow host holds up only its own requests, and the fetcher's
        per-host lock still allows one request at a time per host. Results in job order; a job not run
        because the watcher is stopping gives None. Each host counts into its own tally, merged here in
        the order the hosts first appear, so a report reads the same however the threads interleave."""
        groups: dict[str, list[int]] = {}
        for index, job in enumerate(jobs):
            groups.setdefault(host_of(job), []).append(index)
        results: list[Any] = [None] * len(jobs)

        def run(indices: list[int]) -> CycleReport:
            tally = CycleReport()
            for index in indices:
                if self._stop.is_set():
                    break  # not marked: done at the next poll or start
                results[index] = work(jobs[index], tally)
            return tally

        if len(groups) <= 1 or self.ws.max_hosts <= 1:
            tallies = [run(indices) for indices in groups.values()]
        else:
            with ThreadPoolExecutor(max_workers=min(self.ws.max_hosts, len(groups)),
                                    thread_name_prefix="watch-host") as pool:
                tallies = list(pool.map(run, groups.values()))
        for tally in tallies:
            report.not_modified += tally.not_modified
            report.failures.extend(tally.failures)
            for key in ("parse", "read"):
                report.seconds[key] += tally.seconds[key]
        return results

    def _list_source(self, source: Source, state: dict[str, Any], tally: CycleReport) -> _Listing:
        """Fetch (conditionally) and read one source's list of items; no store access (runs in a host thread)."""
        listing = _Listing(source, state)
        if source.is_folder:
            listing.items = self._folder_items(source)
            return listing
        fetched = self.fetcher.get(source.location, etag=state["etag"], last_modified=state["last_modified"])
        listing.validators = (fetched.etag or state["etag"], fetched.last_modified or state["last_modified"])
        if fetched.error is not None:
            listing.error = fetched.error
        elif fetched.not_modified:
            tally.not_modified += 1
        else:
            t0 = time.perf_counter()
            listing.items, listing.error = self._listed_items(source, fetched.body)
            tally.seconds["parse"] += time.perf_counter() - t0
            if listing.error is not None:
                listing.validators = (None, None)  # a broken feed is fetched whole next time
        return listing

    def _read(self, source: Source, item: _Item, tally: CycleReport) -> None:
        if source.is_folder:
            self._read_file(source, item, tally)
        else:
            self._read_item(source, item, tally)

    def _finish_source(self, listing: _Listing, now: float, report: CycleReport) -> None:
        """The source's back-off and validators after its items were read; saved with the items."""
        source, state, error, validators = listing.source, listing.state, listing.error, listing.validators
        if error is not None:
            failures = state["failures"] + 1
            delay = min(self.interval(source) * 2 ** failures, max(self.ws.max_backoff_s, self.interval(source)))
            LOGGER.warning("%s: %s (failure %d; next poll in %.0f s)", source.location, error, failures, delay)
            report.failures.append(f"{source.location}: {error}")
        else:
            failures, delay = 0, self.interval(source)
        if any(i.status == "pending" or i.status.startswith("failed") for i in listing.new):
            validators = (None, None)  # items left to do: the next poll must get the whole feed, not a 304
        # Saved with the items, after they are stored (Watcher.poll): a crash in between refetches the feed.
        self._source_updates.append(dict(source=source.location, etag=validators[0], last_modified=validators[1],
                                         polled=now, next_poll=now + delay, failures=failures, error=error))

    def _listed_items(self, source: Source, body: bytes) -> tuple[list[_Item], str | None]:
        head = body[:2048]
        if _SITEMAP.search(head):
            if b"sitemapindex" in _SITEMAP.search(head).group(1):
                return [], "a sitemap index: list its sitemaps as sources"
            urls = [u.decode("utf-8", errors="replace").replace("&amp;", "&") for u in _LOC.findall(body)]
            return [_Item(key=u, url=u, fallback=None) for u in dict.fromkeys(urls)], None
        items, errors = [], []
        where = Path(source.location)  # read_feed names errors after str(where): "http:/host/..." ("//" folded)
        for entry in read_feed(where, body, self.settings.ingest.max_article_bytes):
            if isinstance(entry, ReadError):
                errors.append(entry)
                continue
            items.append(_Item(key=entry.id, url=entry.url, fallback=entry))
        feed_level = [e for e in errors if e.where == str(where)]
        if not items and feed_level:  # the document itself is unreadable (malformed, unsafe, undecodable)
            return [], feed_level[0].message
        if not items and errors:  # parsed leniently, but nothing in it could be read: a broken feed
            return [], f"malformed feed: {len(errors)} items, none readable ({errors[0].message})"
        for error in errors:
            LOGGER.info("%s: item skipped (%s)", source.location, error.message)
        return items, None

    def _folder_items(self, source: Source) -> list[_Item]:
        items = []
        for path in expand_inputs([source.location]):
            try:
                stat = Path(path).stat()
            except OSError:
                continue
            items.append(_Item(key=f"{path}@{stat.st_mtime_ns}:{stat.st_size}", url=None, fallback=None))
        return items

    def _unseen(self, source: Source, items: list[_Item]) -> list[_Item]:
        if not items:
            return []
        states = self.state.item_states(source.location, [i.key for i in items])
        fresh = [i for i in items if i.key not in states or (states[i.key]["article_id"] is None
                                                             and states[i.key]["status"] != "stored"
                                                             and states[i.key]["attempts"] < self.ws.item_attempts)]
        # An item whose article is already stored (state lost, or listed by another feed) is not fetched again.
        ids = {i.key: (i.fallback.id if i.fallback is not None else i.key) for i in fresh}
        stored = self.state.stored_ids(list(ids.values()))
        out = []
        for item in fresh:
            if ids[item.key] in stored:
                item.status = "stored"
                with self.store.transaction():
                    self.state.mark_items(source.location, [(item.key, ids[item.key], "stored")], self.clock())
                continue
            out.append(item)
        return out

    def _read_item(self, source: Source, item: _Item, report: CycleReport) -> None:
        article, reason = None, None
        if item.url and item.url.startswith(("http://", "https://")):
            if not self.fetcher.allowed(item.url):
                reason = "robots.txt disallows the page"
            else:
                page = self.fetcher.get(item.url)
                if page.error is not None:
                    reason = page.error
                else:
                    t0 = time.perf_counter()
                    for read in read_html(item.url, page.body, self.settings.ingest.max_article_bytes, url=item.url,
                                          fallback_id=item.fallback.id if item.fallback else item.key):
                        if isinstance(read, ReadError):
                            reason = read.message
                        else:
                            article = read
                    report.seconds["read"] += time.perf_counter() - t0
        else:
            reason = "no page link"
        if article is not None:
            fb = item.fallback
            if fb is not None:  # the feed's metadata fills what the page lacks
                article = replace(article, published=article.published or fb.published,
                                  date_precision=article.date_precision if article.published else fb.date_precision,
                                  title=article.title or fb.title, source=fb.source or article.source)
            item.status = "page"
        elif item.fallback is not None:
            LOGGER.info("%s: page %s not read (%s); storing the feed's summary", source.location, item.url, reason)
            article, item.status = item.fallback, f"summary: {reason}"
        else:
            LOGGER.warning("%s: item %s not stored (%s)", source.location, item.key, reason)
            report.failures.append(f"{item.url or item.key}: {reason}")
            item.status = f"failed: {reason}"
            return
        item.articles = [self._overrides(source, article)]

    def _read_file(self, source: Source, item: _Item, report: CycleReport) -> None:
        path = item.key.rsplit("@", 1)[0]
        errors = []
        for read in read_path(path, max_bytes=self.settings.ingest.max_article_bytes,
                              max_file_bytes=self.settings.ingest.max_file_bytes):
            if isinstance(read, ReadError):
                errors.append(read.message)
            else:
                item.articles.append(self._overrides(source, read))
        if item.articles:
            item.status = "file"
        else:
            reason = errors[0] if errors else "nothing readable"
            report.failures.append(f"{path}: {reason}")
            item.status = f"failed: {reason}"

    @staticmethod
    def _overrides(source: Source, article: Article) -> Article:
        changes: dict[str, Any] = {}
        if source.outlet is not None:  # "" : the outlet is unknown (an aggregator), whatever the feed says
            changes["source"] = source.outlet or None
        if source.language:
            changes["language"] = source.language
        return replace(article, **changes) if changes else article

    # ------------------------------------------------------------------ alerts
    def _alerts(self, now: float, new_ids: list[str]) -> list[dict[str, Any]]:
        self._redeliver(now)
        with self.store.transaction():
            ids = self.detector.detect(now, new_ids)
        if not ids:
            return []
        out = []
        for row in sorted(self.state.alerts(ids=ids, limit=len(ids)), key=lambda r: r["id"]):
            alert = alert_json(row)
            out.append(alert)
            if self.on_alert is not None:
                self.on_alert(alert)
            self._deliver(row, alert, now)
        return out

    def _deliver(self, row: dict[str, Any], alert: dict[str, Any], now: float) -> None:
        rules: tuple[AlertRule, ...] = self.config.rules
        if not rules:
            return
        facts = dict(alert)
        if row.get("storyline_id"):
            brief = self.state.storyline_brief(row["storyline_id"])
            facts.update(titles=brief["titles"], entities=brief["entities"], outlets=brief["outlets"],
                         n_articles=brief["n_articles"])
        for rule in rules:
            if not rule.matches(facts):
                continue
            for delivery in self.deliverer.deliver(alert, rule):
                with self.store.transaction():
                    self.state.record_delivery(row["id"], delivery.sink, status=delivery.status,
                                               attempts=delivery.attempts, error=delivery.error, at=now)


    def _redeliver(self, now: float) -> None:
        """Retry the webhook deliveries that failed at earlier cycles (alerts of the last day)."""
        per_round = self.ws.webhook_retries + 1
        failed = self.state.failed_deliveries(max_attempts=per_round * (1 + REDELIVER_CYCLES), since=now - 86400)
        for row in failed:
            if self._stop.is_set():
                return
            rule = next((r for r in self.config.rules if row["sink"] in r.sinks), None)
            alerts = self.state.alerts(ids=[row["alert_id"]], limit=1)
            if rule is None or not alerts:
                continue
            for delivery in self.deliverer.deliver(alert_json(alerts[0]), rule, only=row["sink"]):
                with self.store.transaction():
                    self.state.record_delivery(row["alert_id"], delivery.sink, status=delivery.status,
                                               attempts=delivery.attempts, error=delivery.error, at=now)


_MALLOC_TRIM: list = []  # libc's malloc_trim once looked up, or None where there is none


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc ``malloc_trim``); False where there is no glibc.

    Called after each cycle that ingested something: a batch's model inputs and outputs (arrays, parser and
    tagger buffers) are freed at its end, but glibc keeps the pages, scattered over its arenas (one per thread
    that allocated), so resident memory held a batch's peak plus fragments of earlier ones (25-50 MB of free
    heap measured in a DPG replay). Results do not depend on it.
    """
    if not _MALLOC_TRIM:
        try:
            import ctypes

            trim = ctypes.CDLL("libc.so.6").malloc_trim
            trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):
            trim = None
        _MALLOC_TRIM.append(trim)
    trim = _MALLOC_TRIM[0]
    if trim is None:
        return False
    trim(0)
    return True


def install_signal_handlers(watcher: Watcher) -> Callable[[], None]:
    """SIGINT and SIGTERM stop the watcher after its current cycle; a second signal ends the process at once.
    Returns a function that restores the previous handlers."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum, frame) -> None:
        LOGGER.warning("signal %d: finishing the current cycle, then stopping", signum)
        watcher.stop()
        for sig in previous:
            signal.signal(sig, signal.SIG_DFL)

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
