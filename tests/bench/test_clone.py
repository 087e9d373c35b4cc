"""Growing a replayed store by SQL cloning (the 1M-article row of the scaling curve) and continuing it live."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from storyline.store.clone import CLONE_META, CloneError, clone_store
from storyline.bench.corpus import replay
from storyline.bench.harness import bench
from storyline.bench.report import scaling_markdown
from storyline.bench.scaling import load_rows
from storyline.store import Store
from storyline.ingest.readers import finish_article

TEXTS = [
    ("Kabinet presenteert plan voor woningbouw", "Het kabinet in Den Haag heeft dinsdag een plan gepresenteerd om "
     "de komende tien jaar een miljoen woningen te bouwen. Minister De Jonge zei dat gemeenten meer geld krijgen."),
    ("Storm veroorzaakt schade in Zeeland", "Een zware storm heeft in de nacht van zondag op maandag in Zeeland "
     "veel schade aangericht. Bomen vielen om en in Middelburg raakten daken beschadigd."),
    ("Ajax wint van PSV", "Ajax heeft zondag in Amsterdam met 3-1 gewonnen van PSV. Trainer Ten Hag was tevreden "
     "over het spel van zijn ploeg."),
]


def _articles():
    return [finish_article(id=f"gen-{i}-{outlet}", title=title, text=("Vandaag: " if j else "") + text,
                           source=outlet, published=f"2024-03-0{i + 1}", language="nl")
            for j, outlet in enumerate(("nos", "nu")) for i, (title, text) in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def live_store(tmp_path_factory):
    db = tmp_path_factory.mktemp("clone") / "live.db"
    bench(iter(_articles()), str(db), batch_size=3)  # 6 articles: 2 "copies" of a 3-article base
    return db


def _count(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchone()[0]


def test_clone_multiplies_every_table_with_shifted_ids_and_dates(live_store, tmp_path):
    dst = tmp_path / "clone.db"
    info = clone_store(live_store, dst, 3, base_articles=3, shift_days=10)
    assert info["articles"] == 18
    for table in ("articles", "minhashes", "event_articles", "events", "event_keys", "storylines", "mentions"):
        assert _count(dst, f"SELECT COUNT(*) FROM {table}") == 3 * _count(live_store, f"SELECT COUNT(*) FROM {table}")
    # Copy k of an article is named and dated as the replay names and dates it (2 source copies per clone).
    src_day = _count(live_store, "SELECT published FROM articles WHERE id = 'gen-0-nos'")
    day4 = _count(dst, "SELECT published FROM articles WHERE id = 'gen-0-nos~r4'")
    assert date.fromisoformat(day4) == date.fromordinal(date.fromisoformat(src_day).toordinal() + 40)
    with sqlite3.connect(dst) as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM articles ORDER BY seq")]
        assert seqs == list(range(1, 19))
        # Every cloned article belongs to a cloned event, whose postings carry the shifted day.
        orphans = conn.execute("SELECT COUNT(*) FROM event_articles ea LEFT JOIN events e ON e.id = ea.event_id"
                               " WHERE e.id IS NULL").fetchone()[0]
        assert orphans == 0
        ev = conn.execute("SELECT e.last_date, k.last_day FROM event_articles ea JOIN events e ON e.id = ea.event_id"
                          " JOIN event_keys k ON k.event_id = e.id WHERE ea.article_id = 'gen-0-nos~r4'").fetchone()
        assert ev[1] == date.fromisoformat(ev[0]).toordinal()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        meta = dict(conn.execute("SELECT key, value FROM cluster_meta"))
    assert int(meta["seq"]) == 18 and json.loads(meta[CLONE_META])["copies"] == 3
    store = Store(dst)
    hits = {a.id for a, _, _ in store.search("storm Zeeland")}
    store.close()
    assert {"gen-1-nos", "gen-1-nos~r2", "gen-1-nos~r4"} <= hits  # the full-text index covers the clones


def test_clone_refuses_a_partial_copy_and_an_existing_target(live_store, tmp_path):
    with pytest.raises(CloneError, match="whole number"):
        clone_store(live_store, tmp_path / "x.db", 2, base_articles=4, shift_days=10)
    (tmp_path / "y.db").write_bytes(b"")
    with pytest.raises(CloneError, match="exists"):
        clone_store(live_store, tmp_path / "y.db", 2, base_articles=3, shift_days=10)


def test_replay_start_continues_the_stream():
    records = [{"id": str(i), "title": f"Titel {i}", "text": f"Tekst nummer {i} over iets anders.",
                "published_at": f"2019-01-0{i + 1}"} for i in range(3)]
    whole = [a.id for a in replay(records, 8)]
    assert [a.id for a in replay(records, 8, start=4)] == whole[4:]
    assert whole[4] == "1~r1"


def test_rows_file_with_a_cloned_window_is_reported_as_cloned(tmp_path):
    path = tmp_path / "rows.jsonl"
    row = {"kind": "row", "ms_per_article": 20.0, "cpu_ms_per_article": 18.0, "assign_p50_ms": 5.0,
           "assign_p99_ms": 12.0, "assign_cpu_p50_ms": 5.0, "assign_cpu_p99_ms": 11.0, "rss_mb": 700.0,
           "db_mb": 30.0, "load_average": 1.0}
    lines = [{"kind": "header", "every": 2000, "cache": False},
             row | {"articles": 2000}, row | {"articles": 4000},
             {"kind": "header", "every": 2000, "cache": False, "command": "bench --scale --clone-from x",
              "clone": {"articles": 40000, "source_articles": 4000, "copies": 10, "seconds": 3.0}},
             row | {"articles": 42000, "rss_mb": 650.0}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    run = load_rows(path)
    assert [r["grown"] for r in run["rows"]] == ["live", "live", "cloned"]
    text = scaling_markdown(run, "cmd", [])
    assert "| 42,000 | cloned |" in text and "| 4,000 | live |" in text
    assert "cloned from 4,000 live ones" in text
