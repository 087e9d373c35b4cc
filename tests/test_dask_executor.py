"""Distributed enrichment on Dask: the same store as inline, and the faults a cluster has.

One local cluster (2 worker processes) serves the module; the scheduler-loss test starts its own scheduler and
worker as separate processes, as an operator would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from storyline.errors import ClusterError  # noqa: E402
from storyline.ingest.readers import expand_inputs, read_path  # noqa: E402
from storyline.runner import InlineExecutor, Runner  # noqa: E402
from storyline.store import Store  # noqa: E402

from test_runner import _corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from compare_runs import compare, dump  # noqa: E402

SEEDS = REPO / "examples" / "seeds"
RESOURCES = Path(__file__).resolve().parent / "resources"
BATCH = 4  # several batches in flight at once (the pipeline is two per worker deep)


def corpus() -> list:
    """The example corpus, then generated articles with duplicates within and across batches and a copy."""
    seeds = [item for path in expand_inputs([str(SEEDS)]) for item in read_path(path)]
    return seeds + _corpus()


def ingest(db: Path, executor) -> dict:
    store = Store(str(db))
    try:
        summary = Runner(store, executor=executor).ingest(iter(corpus()), batch_size=BATCH)
    finally:
        store.close()
    return summary.to_json()


def identical(first: Path, second: Path) -> list[str]:
    """Tables that differ (empty: the stores hold the same articles, events, storylines, entities, quotes,
    figures, positions and disagreements, wall-clock columns aside)."""
    return [line for line in compare(dump(str(first)), dump(str(second))) if ": identical" not in line]


@pytest.fixture(scope="module")
def cluster():
    from storyline.dask_executor import DaskExecutor

    executor = DaskExecutor(workers=2, batch_timeout_s=300)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def inline_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("inline") / "inline.db"
    summary = ingest(db, InlineExecutor())
    return db, summary


def test_dask_workers_store_exactly_what_inline_stores(cluster, inline_db, tmp_path):
    db, inline_summary = inline_db
    hits = cluster.hits
    summary = ingest(tmp_path / "dask.db", cluster)
    assert summary == inline_summary
    assert summary["new"] > 20 and summary["duplicates"] == 2 and summary["copies"] >= 1
    assert cluster.hits - hits >= 7, "the batches were computed by the workers, not inline"
    assert identical(db, tmp_path / "dask.db") == []


BATCH_DPG = 12
DPG_ARTICLES = 3 * BATCH_DPG  # three batches


def _dpg_items(tmp_path: Path) -> list:
    """The first DPG articles as ``storyline eval convert dpg --split all`` gives them (held-out ids left out)."""
    import json

    from shared_data import data_path
    from storyline.eval.dpg import convert

    records = []
    for record in convert(data_path("dpgmedia2019-partisan-nl")):
        records.append(record)
        if len(records) == DPG_ARTICLES:
            break
    path = tmp_path / "dpg.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return list(read_path(str(path)))


def _snapshot_after(target: str, items: list, executor) -> dict:
    from storyline.store.snapshot import snapshot

    store = Store(target)
    try:
        summary = Runner(store, executor=executor).ingest(iter(items), batch_size=BATCH_DPG)
        assert summary.new == DPG_ARTICLES and summary.failed == 0
        return snapshot(store)
    finally:
        store.close()


def test_sqlite_inline_postgresql_inline_and_postgresql_on_dask_store_the_same_dpg_results(cluster, tmp_path):
    """The three runs of the issue on a few dozen real articles (the whole corpus: ``scripts/compare_stores.py``):
    every table identical, wall-clock columns and each backend's search index aside."""
    from pg_support import pg_schema
    from storyline.store.snapshot import compare

    items = _dpg_items(tmp_path)
    reference = _snapshot_after(str(tmp_path / "inline.db"), items, InlineExecutor())
    hits = cluster.hits
    with pg_schema() as url:
        on_pg = _snapshot_after(url, items, InlineExecutor())
    with pg_schema() as url:
        on_pg_dask = _snapshot_after(url, items, cluster)
    assert cluster.hits - hits == DPG_ARTICLES // BATCH_DPG, "the batches were computed by the workers"
    for other in (on_pg, on_pg_dask):
        lines = compare(reference, other)
        assert all(": identical" in line for line in lines), "\n".join(lines)
    for table in ("events", "entities", "quotes", "figures", "event_articles"):
        assert len(reference[table]) > 1, table


def test_models_load_once_per_worker(cluster):
    """The worker plugin loads the models when a worker joins, into the stages' process caches that every
    task of that worker reuses: no task loads a model."""

    def loaded(dask_worker):
        from storyline.cluster import signals
        from storyline.enrich import ner

        return ("storyline-models" in dask_worker.plugins, signals._model is not None, sorted(ner._MODELS))

    found = cluster.client.run(loaded)
    assert len(found) == 2
    for plugin, embedder, ner_models in found.values():
        assert plugin and embedder and "nl" in ner_models


def _slow_batches(seconds: float) -> None:
    """Run on each worker: every batch takes ``seconds`` longer (same results), so a kill lands mid-batch."""
    import storyline.model_outputs as runner

    original = getattr(runner, "_original_compute_batch_outputs", runner.compute_batch_outputs)
    runner._original_compute_batch_outputs = original

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    runner.compute_batch_outputs = slow


def _fast_batches() -> None:
    import storyline.model_outputs as runner

    if hasattr(runner, "_original_compute_batch_outputs"):
        runner.compute_batch_outputs = runner._original_compute_batch_outputs


def test_a_worker_killed_mid_batch_loses_nothing_and_stores_nothing_twice(cluster, inline_db, tmp_path):
    client = cluster.client
    client.run(_slow_batches, 1.5)
    pids = client.run(os.getpid)  # worker address -> pid
    failures, hits = cluster.failures, cluster.hits
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(ingest(tmp_path / "killed.db", cluster)))
    thread.start()
    try:
        victim = None
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline:
            busy = [address for address, keys in client.processing().items() if keys]
            victim = busy[0] if busy else None
            time.sleep(0.05)
        assert victim is not None, "no worker ever took a batch"
        time.sleep(0.3)  # inside the batch's 1.5 s
        os.kill(pids[victim], signal.SIGKILL)
        thread.join(300)
    finally:
        client.run(_fast_batches)
    assert not thread.is_alive()
    # Every batch was computed (by the surviving worker, a restarted one, or the driver): all stored, once.
    assert result == inline_db[1]
    assert (cluster.hits - hits) + (cluster.failures - failures) >= 7
    assert identical(inline_db[0], tmp_path / "killed.db") == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env.update(PYTHONPATH=os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]), **extra)
    return env


def _count(db: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def _corpus_jsonl(path: Path) -> Path:
    import json

    path.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "source": a.source,
                                        "published": a.published, "language": a.language}) + "\n"
                            for a in corpus()), encoding="utf-8")
    return path


def test_a_driver_killed_mid_ingest_is_continued_by_a_rerun(tmp_path, inline_db):
    """SIGKILL of the driver between (or inside) batch transactions: the rerun of the same ingest skips what is
    stored (idempotent by id), takes over the dead driver's lock, and ends with the store an uninterrupted run
    gives. (The driver is the same code whatever computes the models; inline keeps this test quick.)"""
    db = tmp_path / "killed-driver.db"
    jsonl = _corpus_jsonl(tmp_path / "in.jsonl")
    command = [sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(jsonl), "--no-prefetch", "--json"]
    env = _env(STORYLINE_INGEST__BATCH_SIZE=str(BATCH))
    driver = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while _count(db) == 0 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    driver.kill()
    driver.wait(30)
    stored = _count(db)
    assert 0 < stored < inline_db[1]["new"], "the kill landed after the ingest ended"
    assert Path(f"{db}.driver.lock").exists()  # left behind by the killed driver
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert '"duplicates"' in rerun.stdout
    assert _count(db) == inline_db[1]["new"]
    assert not Path(f"{db}.driver.lock").exists()
    whole = tmp_path / "uninterrupted.db"
    subprocess.run([*command[:4], str(whole), *command[5:]], env=env, check=True, capture_output=True)
    # The rerun's clusterer starts from the stored cluster state (centroids kept as float32) where the
    # uninterrupted one kept float64 in memory: scores then differ around the 7th digit, nothing else does.
    assert set(identical(whole, db)) <= {line for line in compare(dump(str(whole)), dump(str(db)))
                                         if line.split(":")[0] in ("event_articles", "events", "storylines")}
    assert _same_up_to_float_rounding(whole, db) == []


def _same_up_to_float_rounding(first: Path, second: Path) -> list[str]:
    """Tables whose rows differ in more than cluster state documents and floats within 1e-5."""
    a, b = dump(str(first)), dump(str(second))
    differ = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b or a[table][0] != b[table][0]:
            differ.append(table)
            continue
        keep = [i for i, column in enumerate(a[table][0]) if column != "state"]

        def rows(dumped):
            split = [([r[i] for i in keep if not isinstance(r[i], float)], [r[i] for i in keep if isinstance(r[i], float)])
                     for r in dumped[table][1:]]
            return sorted(split, key=lambda pair: repr(pair[0]))

        ra, rb = rows(a), rows(b)
        if len(ra) != len(rb) or any(x[0] != y[0] or len(x[1]) != len(y[1])
                                     or any(abs(u - v) > 1e-5 for u, v in zip(x[1], y[1])) for x, y in zip(ra, rb)):
            differ.append(table)
    return differ


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    from storyline.dask_executor import DaskExecutor

    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as caught:
        DaskExecutor(scheduler=f"tcp://127.0.0.1:{_free_port()}", connect_timeout_s=1)
    assert caught.value.exit_code == 69 and str(caught.value).startswith("E700")


def test_a_scheduler_lost_mid_ingest_stops_with_e700_and_a_rerun_completes(tmp_path, inline_db):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _env(STORYLINE_TEST_SLOW_BATCH_S="1.0")
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                               "--no-dashboard", "--preload", str(RESOURCES / "dask_slow_worker.py")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp_path / "lost.db"
    jsonl = _corpus_jsonl(tmp_path / "in.jsonl")
    try:
        ingest_run = subprocess.Popen(
            [sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(jsonl), "--scheduler", address],
            env=_env(STORYLINE_INGEST__BATCH_SIZE=str(BATCH), STORYLINE_DASK__CONNECT_TIMEOUT_S="5"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 180
        while _count(db) == 0 and ingest_run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        scheduler.kill()
        out, err = ingest_run.communicate(timeout=120)
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait(30)
    assert ingest_run.returncode == ClusterError.exit_code, err[-2000:]
    assert "E700" in err and "lost the Dask scheduler" in err and "Traceback" not in err
    stored = _count(db)
    assert 0 < stored < inline_db[1]["new"]
    # The rerun (here inline: the scheduler is gone) continues where the store stands.
    rerun = subprocess.run([sys.executable, "-m", "storyline", "--db", str(db), "ingest", str(jsonl), "--json"],
                           env=_env(STORYLINE_INGEST__BATCH_SIZE=str(BATCH)), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _count(db) == inline_db[1]["new"]
