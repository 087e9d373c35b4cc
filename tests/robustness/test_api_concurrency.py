"""50 concurrent readers against ``storyline serve`` on 127.0.0.1 while ``storyline ingest`` writes
to the same database: zero errors, a bounded number of requests, p50/p99 latency reported. Once on an SQLite
file, once on PostgreSQL (a schema of its own; skipped where no server is reachable)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time

import pytest

from api_support import Server, build_db, create_app_or_skip, seed_records
from pg_support import pg_schema
from robustness_support import CASES
from test_crash_safety import _count, generate

READERS = int(os.environ.get("STORYLINE_READERS", "50"))
REQUESTS_PER_READER = int(os.environ.get("STORYLINE_READER_REQUESTS", "12"))
DEADLINE = 240  # seconds for the whole reader phase: the loop is bounded by count and by time

PATHS = ["/api/articles?limit=20", "/api/events?limit=20", "/api/storylines", "/api/search?q=gesprek",
         "/api/search?q=staakt-het-vuren", "/api/articles/seed-3", "/", "/search?q=Gomel", "/articles/seed-5",
         "/api/quotes?limit=10", "/api/figures?limit=10", "/api/entities?limit=10", "/static/style.css"]


def _reader(base: str, k: int, results: list, stop_at: float) -> None:
    import httpx

    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(REQUESTS_PER_READER):
            if time.monotonic() > stop_at:
                return
            path = PATHS[(k + i) % len(PATHS)]
            t0 = time.perf_counter()
            try:
                status = client.get(path).status_code
            except httpx.HTTPError as exc:
                status = f"{type(exc).__name__}: {exc}"
            results.append((path, status, time.perf_counter() - t0))


@pytest.fixture(params=["sqlite", "postgresql"])
def live_db(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "live.db")
    else:
        with pg_schema() as url:
            yield url


def _articles(db: str) -> int:
    """Articles committed so far (0 before the store exists)."""
    if "://" not in db:
        return _count(db)
    from storyline.errors import StoreError
    from storyline.store import Store

    try:
        store = Store(db, readonly=True)
    except StoreError:
        return 0
    try:
        return store.count_articles()
    finally:
        store.close()


def test_fifty_readers_during_ingest(tmp_path, live_db, record_property):
    create_app_or_skip()
    db = build_db(live_db, seed_records())
    src = tmp_path / "stream.jsonl"
    generate(src, 2000, seed=11)
    server = Server(db).wait()
    ingest = subprocess.Popen([sys.executable, "-m", "storyline", "--db", db, "ingest", str(src), "--json"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"))
    try:
        before = _articles(db)
        while _articles(db) == before:  # readers start once the writer is committing batches
            assert ingest.poll() is None, ingest.stderr.read().decode()[-2000:]
            time.sleep(0.1)
        results: list = []
        stop_at = time.monotonic() + DEADLINE
        threads = [threading.Thread(target=_reader, args=(server.url, k, results, stop_at)) for k in range(READERS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(DEADLINE + 60)
        elapsed = time.monotonic() - t0
        still_writing = ingest.poll() is None
        during = _articles(db)
    finally:
        ingest.kill()
        ingest.wait()
        server.stop()
    errors = [(p, s) for p, s, _ in results if s != 200]
    latencies = sorted(d for _, _, d in results)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    report = (f"{READERS} readers, {len(results)} requests in {elapsed:.1f} s during ingest "
              f"({during - before} articles committed meanwhile): p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"max {latencies[-1] * 1000:.0f} ms, errors {len(errors)}")
    by_path = {p: sorted(d for q, _, d in results if q == p) for p in PATHS}
    slowest = sorted(((statistics.median(v), p) for p, v in by_path.items() if v), reverse=True)[:3]
    worst = sorted(((v[-1], p) for p, v in by_path.items() if v), reverse=True)[:3]
    report += "; slowest medians: " + ", ".join(f"{p} {m * 1000:.0f} ms" for m, p in slowest)
    report += "; worst single: " + ", ".join(f"{p} {m * 1000:.0f} ms" for m, p in worst)
    report = ("PostgreSQL: " if "://" in db else "SQLite: ") + report
    CASES["concurrency" + ("_postgresql" if "://" in db else "")] = report
    record_property("concurrency", report)
    assert not errors, f"{len(errors)} failed requests, e.g. {errors[:5]}"
    assert len(results) == READERS * REQUESTS_PER_READER, f"deadline hit: {report}"
    assert during > before, "the ingest committed nothing while the readers ran"
