"""A merged event's id stays valid: every lookup resolves it to the event it went into."""

import json
import shutil

from typer.testing import CliRunner

from storyline import read
from storyline.store import Store


def _merged_copy(seed_db, tmp_path):
    """The example store with its second event merged into its first (as the clusterer records a merge)."""
    db = tmp_path / "merged.db"
    shutil.copy(seed_db, db)
    store = Store(str(db))
    events = [e.id for e in read.list_events(store)]
    first, second = sorted(int(e[1:]) for e in events)[:2]
    before = read.get_event(store, f"E{first}").articles + read.get_event(store, f"E{second}").articles
    with store.transaction():
        store.merge_clusters("event", second, first, article=before[-1], score=0.5, seq=99)
        store.conn.execute("UPDATE events SET n_articles = ? WHERE id = ?", (len(before), first))
    store.close()
    return str(db), first, second, before


def test_a_merged_id_resolves_to_the_event_it_went_into(seed_db, tmp_path):
    db, first, second, before = _merged_copy(seed_db, tmp_path)
    store = Store(db, readonly=True)
    try:
        got = read.get_event(store, f"E{second}")
        assert got.id == f"E{first}" and got.requested == f"E{second}"
        assert sorted(got.articles) == sorted(before)
        assert got.merged == [f"E{second}"]
        assert f"E{second}" not in [e.id for e in read.list_events(store)]
        assert read.event_articles(store, f"E{second}") == read.event_articles(store, f"E{first}")
        assert read.list_quotes(store, event=f"E{second}") == read.list_quotes(store, event=f"E{first}")
        assert store.event_merges()[0]["merged_id"] == second
    finally:
        store.close()


def test_show_says_merged_into(seed_db, tmp_path):
    from storyline.cli import app

    db, first, second, _ = _merged_copy(seed_db, tmp_path)
    runner = CliRunner()
    shown = runner.invoke(app, ["--db", db, "show", f"E{second}"])
    assert shown.exit_code == 0 and f"E{second} merged into E{first}" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["--db", db, "show", f"E{second}", "--json"]).stdout)
    assert as_json["id"] == f"E{first}" and as_json["requested"] == f"E{second}"


def test_api_and_web_resolve_a_merged_id(seed_db, tmp_path):
    from fastapi.testclient import TestClient

    from storyline.api import create_app

    db, first, second, _ = _merged_copy(seed_db, tmp_path)
    client = TestClient(create_app(db))
    got = client.get(f"/api/events/E{second}")
    assert got.status_code == 200 and got.json()["id"] == f"E{first}"
    page = client.get(f"/events/E{second}")
    assert page.status_code == 200 and f"E{second} merged into E{first}" in page.text
