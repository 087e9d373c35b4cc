"""Smoke tests of the benchmark harness on a few generated articles (not a timed test)."""

from __future__ import annotations

import json
import sqlite3

from storyline.bench.corpus import mark_positions, perturb, replay, unperturb
from storyline.bench.harness import bench
from storyline.bench.scaling import _shift_mentions
from storyline.ingest.dedup import THRESHOLD, minhash
from storyline.ingest.readers import finish_article

TOPICS = [
    ("Kabinet presenteert plan voor woningbouw", "Het kabinet in Den Haag heeft dinsdag een plan gepresenteerd "
     "om de komende tien jaar een miljoen woningen te bouwen. Minister De Jonge zei dat gemeenten meer geld "
     "krijgen. De oppositie noemt het plan onvoldoende en wil dat er sneller wordt gebouwd."),
    ("Storm veroorzaakt schade in Zeeland", "Een zware storm heeft in de nacht van zondag op maandag in Zeeland "
     "veel schade aangericht. Bomen vielen om en in Middelburg raakten daken beschadigd. De brandweer rukte "
     "meer dan honderd keer uit, meldt de veiligheidsregio."),
    ("Ajax wint van PSV in de Johan Cruijff ArenA", "Ajax heeft zondag in Amsterdam met 3-1 gewonnen van PSV. "
     "Trainer Ten Hag was tevreden over het spel van zijn ploeg. PSV-coach Van Bommel sprak van een "
     "verdiende nederlaag na een zwakke tweede helft."),
]


def _articles():
    out = []
    for i, (title, text) in enumerate(TOPICS):
        for j, outlet in enumerate(("nos", "nu")):
            # Two outlets, differently worded openings: two reports of one event, not copies.
            lead = "Vandaag: " if j else ""
            out.append(finish_article(id=f"gen-{i}-{outlet}", title=title, text=lead + text, source=outlet,
                                      published="2024-03-0%d" % (i + 1), language="nl"))
    return out


def test_bench_reports_throughput_stages_and_ratio(tmp_path):
    db = tmp_path / "bench.db"
    seen = []
    result = bench(iter(_articles()), str(db), batch_size=4, progress=seen.append)
    assert result["articles"] == 6 and sum(seen) == 6
    assert result["articles_per_s"] > 0 and result["peak_rss_mb"] > 10
    # every stage of the pipeline is timed, plus the ingest itself; they add up to the wall time
    assert set(result["stages"]) == {"ingest", *result["stage_names"]}
    assert abs(sum(result["stages"].values()) - result["seconds"]) < 0.05 * result["seconds"] + 0.01
    if "cluster" in result["stage_names"]:
        assert result["assignment_ms"]["n"] == 6  # one online assignment per article
        assert "embed" in result["models_only_s"] and "embed" in result["models_in_pipeline_s"]
    if result["models_only_s"]:
        models_s = sum(result["models_only_s"].values())
        assert abs(result["ratio"] - result["seconds"] / models_s) < 0.01 * result["ratio"] + 0.01
        assert result["models_only_articles_per_s"] > 0
    json.dumps(result)  # the --json output is one serialisable object
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 6


def test_replayed_copies_are_not_near_duplicates_but_unperturb_to_the_original():
    text = " ".join(f"woord{i} staat hier in zin {i // 9}." if i % 9 == 8 else f"woord{i}" for i in range(400))
    records = [{"id": "a1", "title": "Titel", "text": text, "published_at": "2020-01-31"}]
    copies = list(replay(records, 3, shift_days=30))
    assert [a.id for a in copies] == ["a1", "a1~r1", "a1~r2"]
    assert [a.published for a in copies] == ["2020-01-31", "2020-03-01", "2020-03-31"]
    original = minhash(copies[0].text)
    for copy in copies[1:]:
        assert original.jaccard(minhash(copy.text)) < THRESHOLD
        assert unperturb(copy.text) == copies[0].text
    assert minhash(copies[1].text).jaccard(minhash(copies[2].text)) < THRESHOLD


def test_cached_mentions_map_to_the_same_words_in_a_marked_text():
    from storyline.enrich.ner import Mention

    text = "Gisteren sprak Mark Rutte in Den Haag met de pers over het nieuwe plan van het kabinet."
    marked = perturb(text, seed=3, rate=0.5)
    assert marked != text and unperturb(marked) == text
    mentions = [Mention("Mark Rutte", "PER", 15, 25, 0), Mention("Den Haag", "LOC", 29, 37, 0)]
    for m in _shift_mentions(mentions, mark_positions(marked), len(" _q")):
        assert marked[m.start:m.end] == m.text


def test_cli_bad_input_gets_a_clear_error(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["bench", "--corpus", "nope"])
    assert result.exit_code == 2 and "--corpus must be dpg, crisis or both" in result.output
    result = runner.invoke(app, ["bench", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "no dpgMedia2019-articles-*.jsonl" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = runner.invoke(app, ["bench", "--scale", "--from-rows", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2 and "no rows file" in result.output


def test_scaling_report_plots_and_replaces_its_own_section(tmp_path):
    from storyline.bench.plots import write_plots
    from storyline.bench.report import replace_section, scaling_markdown

    rows = [{"kind": "row", "articles": n, "ms_per_article": 30.0 + i, "cpu_ms_per_article": 20.0,
             "stage_ms_per_article": {"cluster": 10.0}, "assign_p50_ms": 5.0, "assign_p99_ms": 12.0 + i,
             "rss_mb": 600.0 + i, "db_mb": n * 0.03, "load_average": 1.0} for i, n in enumerate((2000, 4000, 12000))]
    run = {"header": {"cache": True, "target": 12000, "every": 2000}, "rows": rows, "footer": None}
    plots = write_plots(run, tmp_path)
    assert len(plots) == 3 and all(p.stat().st_size > 1000 for p in plots)
    doc = tmp_path / "benchmarks-speed.md"
    doc.write_text("# Speed\n\nhand-written analysis\n", encoding="utf-8")
    for _ in range(2):
        replace_section(doc, "scale", scaling_markdown(run, "storyline bench --scale", [p.name for p in plots]))
    text = doc.read_text(encoding="utf-8")
    assert "hand-written analysis" in text and text.count("<!-- bench:scale -->") == 1
    assert "| 10,000" not in text and "| 12,000 |" in text and "partial run" in text


def test_bench_on_postgresql_counts_the_servers_cpu_in_the_drivers_cost():
    """On PostgreSQL the store writes' CPU is partly the server's (another process): the benchmark reports it
    and the driver's ceiling counts it; each run gets a schema of its own, dropped afterwards."""
    import psycopg

    from pg_support import PG_BASE, require_pg
    from storyline.store.postgres import scratch_schema

    require_pg()
    with scratch_schema(PG_BASE, prefix="storyline_benchtest") as url:
        schema = url.rsplit("%3D", 1)[1]
        result = bench(iter(_articles()), url, batch_size=4, models=False)
    assert result["backend"] == "PostgresStore" and result["articles"] == 6
    assert result["server_cpu_ms_per_article"] > 0
    per_article_s = (result["driver_cpu_ms_per_article"] + result["server_cpu_ms_per_article"]) / 1000
    assert abs(result["driver_ceiling_articles_per_day"] - 86400 / per_article_s) < 0.02 * 86400 / per_article_s
    with psycopg.connect(PG_BASE) as conn:
        assert conn.execute("SELECT to_regnamespace(%s)", [schema]).fetchone()[0] is None


def test_bench_on_sqlite_has_no_server_share(tmp_path):
    result = bench(iter(_articles()[:2]), str(tmp_path / "b.db"), batch_size=4, models=False)
    assert result["backend"] == "SQLiteStore" and result["server_cpu_ms_per_article"] is None


def test_the_benchmark_reads_the_dask_workers_cpu():
    """``storyline bench --workers N`` counts the workers' CPU (the models run there, not in the driver)."""
    import logging
    from types import SimpleNamespace

    import pytest

    distributed = pytest.importorskip("distributed")
    from storyline.bench.harness import _dask_workers_cpu

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        executor = SimpleNamespace(client=client)
        before = _dask_workers_cpu(executor)
        client.run(lambda: sum(i * i for i in range(3_000_000)))
        assert before > 0 and _dask_workers_cpu(executor) > before
