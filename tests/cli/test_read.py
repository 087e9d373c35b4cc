"""Reading commands on the example corpus: ids as the README shows them, JSON equal to the API's, clean errors."""

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def _json(db, *args):
    result = run(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def api(seed_db):
    from fastapi.testclient import TestClient

    from storyline.api import create_app

    return TestClient(create_app(seed_db, warm=False))


def test_summary_json_matches_the_api(seed_db, api):
    events = api.get("/api/events", params={"order": "size"}).json()
    cited = _json(seed_db, "summary", events[0]["id"])
    assert cited and all(s["article"] in events[0]["articles"] for s in cited)
    assert cited == api.get(f"/api/events/{events[0]['id']}/summary").json()


def test_summary_of_unknown_event_is_a_clear_error(seed_db):
    result = run(seed_db, "summary", "E999999")
    assert result.exit_code == 1 and "error: E201: no event" in result.output


@pytest.mark.parametrize("command", ["entities", "quotes", "figures", "disagreements", "positions"])
def test_event_and_storyline_ids_as_the_readme_shows_them(seed_db, command):
    labelled = _json(seed_db, command, "--event", "E1")
    assert labelled == _json(seed_db, command, "--event", "1") == _json(seed_db, command, "--event", "e1")
    in_storyline = _json(seed_db, command, "--storyline", "S1")
    assert in_storyline == _json(seed_db, command, "--storyline", "1")
    assert {x["id"] for x in labelled} <= {x["id"] for x in _json(seed_db, command, "--storyline", "S1",
                                                                  *(["--limit", "1000"] if command != "disagreements" else []))}
    if command in ("entities", "quotes", "figures"):
        assert labelled, f"the example corpus has {command} in E1"


@pytest.mark.parametrize("command", ["entities", "quotes", "figures", "disagreements", "positions", "events"])
def test_a_malformed_id_is_a_usage_error(seed_db, command):
    option = "--storyline" if command == "events" else "--event"
    result = run(seed_db, command, option, "X1")
    assert result.exit_code == 2 and "not a" in result.output and "X1" in result.output
    assert "Traceback" not in result.output


def test_scope_options_exclude_each_other(seed_db):
    result = run(seed_db, "quotes", "--event", "E1", "--storyline", "S1")
    assert result.exit_code == 2 and "not both" in result.output


def test_an_id_naming_nothing(seed_db):
    assert _json(seed_db, "quotes", "--event", "E99999999999999999999") == []
    for args in (["show", "E999"], ["show", "S999"], ["timeline", "S999"], ["summary", "nonsense"]):
        result = run(seed_db, *args)
        assert result.exit_code == 1 and result.output.startswith("error: E201: no "), args


def test_entities_text_names_the_scope(seed_db):
    result = run(seed_db, "entities", "--event", "E1")
    assert result.exit_code == 0 and "entities in event E1" in result.output  # the id as the user typed it


def test_listings_equal_the_api(seed_db, api):
    assert _json(seed_db, "events") == api.get("/api/events", params={"limit": 100}).json()
    assert _json(seed_db, "quotes", "--event", "E1") == api.get("/api/quotes", params={"event": "E1"}).json()
    assert _json(seed_db, "show", "E1") == api.get("/api/events/E1").json()
    assert _json(seed_db, "show", "S1") == api.get("/api/storylines/S1").json()
    timeline = _json(seed_db, "timeline", "S1")
    assert [e["id"] for e in timeline[0]["events"]] == api.get("/api/storylines/S1").json()["events"]


def test_error_messages_are_printed_literally(tmp_path):
    """Rich markup in an id (or article text) is shown as typed, not interpreted."""
    from storyline.store import Store

    Store(tmp_path / "x.db").close()  # an empty Storyline database (a read command creates none)
    result = run(tmp_path / "x.db", "show", "[bold]x[/bold]")
    assert result.exit_code == 1 and "[bold]x[/bold]" in result.output


# The example corpus's casualty and displacement figures, each with who reported it (the journalist: the outlet,
# "unknown" for the seed files, which name none).
SEED_REPORTERS = {
    ("dead", 102.0): "Michelle Bachelet", ("dead", 352.0): "Filippo Grandi", ("dead", 5000.0): "Vadim Boitsjenko",
    ("dead", 7.0): "Michelle Bachelet", ("dead", 14.0): "de regering van Oekraïne",
    ("displaced", 500000.0): "Filippo Grandi", ("injured", 304.0): "Michelle Bachelet",
    ("injured", 1700.0): "unknown",
}


def test_seed_figures_have_their_reporters_and_the_civilian_toll_is_disputed(seed_db):
    figures = _json(seed_db, "figures")
    found = {(f["category"], f["value"]): f["reported_by"] for f in figures if (f["category"], f["value"]) in SEED_REPORTERS}
    assert found == SEED_REPORTERS
    assert sum(1 for f in figures if (f["category"], f["value"]) in SEED_REPORTERS) == 9  # 500,000 twice
    disputes = {d["what"]: d for d in _json(seed_db, "disagreements")}
    civilians = disputes["dead: burgerslachtoffer (civilians)"]
    assert (sorted(civilians["values"]), sorted(civilians["sources"])) == \
        ([102.0, 352.0], ["Filippo Grandi", "Michelle Bachelet"])
    assert len(civilians["sentences"]) == 2


def test_figures_below_the_threshold_only_with_all(seed_db):
    shown, everything = _json(seed_db, "figures"), _json(seed_db, "figures", "--all")
    assert len(everything) > len(shown) and all(f["confidence"] >= 0.6 for f in shown)


def _ingest_many(db, n):
    """``n`` one-line articles on different days (each its own event): enough rows to page through."""
    from storyline.ingest.readers import article_from_record
    from storyline.runner import ingest
    from storyline.store import Store

    words = ["brand", "staking", "verkiezing", "overstroming", "rechtszaak", "transfer", "begroting", "protest"]
    records = [{"id": f"a{i}", "source": f"outlet{i % 3}", "published": f"2019-{1 + i // 28:02d}-{1 + i % 28:02d}",
                "title": f"Bericht {i} over {words[i % len(words)]} in plaats {i}",
                "text": f"Bericht {i}: een {words[i % len(words)]} in plaats {i} op dag {i}. " * 3} for i in range(n)]
    store = Store(str(db))
    try:
        ingest(store, (article_from_record(r, where=r["id"]) for r in records), prefetch=False)
    finally:
        store.close()


@pytest.fixture(scope="module")
def many_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("many") / "many.db"
    _ingest_many(db, 130)
    return db


def test_json_gives_every_record_unless_limited(many_db):
    every = _json(many_db, "articles")
    assert len(every) == 130  # not the table's 100
    assert len(_json(many_db, "articles", "--limit", "7")) == 7
    events = _json(many_db, "events")
    assert len(events) > 100 and len(_json(many_db, "events", "--limit", "3")) == 3
    result = run(many_db, "events", "--jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and [e["id"] for e in lines] == [e["id"] for e in events]


def test_tables_say_how_many_they_show(many_db):
    result = run(many_db, "articles")
    assert result.exit_code == 0 and "showing 100 of 130 articles" in result.output
    events = _json(many_db, "events")
    result = run(many_db, "events", "--limit", "5", "--offset", "5")
    assert f"showing 6–10 of {len(events):,} events" in result.output


def test_events_and_storylines_sort(many_db, seed_db):
    by_date = _json(many_db, "events")
    assert [e["date"] for e in by_date] == sorted(e["date"] for e in by_date)
    recent = _json(many_db, "events", "--sort", "recent")
    assert [e["date"] for e in recent] == sorted((e["date"] for e in recent), reverse=True)
    size = _json(seed_db, "events", "--sort", "size")
    assert [len(e["articles"]) for e in size] == sorted((len(e["articles"]) for e in size), reverse=True)
    sources = _json(seed_db, "events", "--sort", "sources")
    assert [e["independent_sources"] for e in sources] == sorted((e["independent_sources"] for e in sources),
                                                                 reverse=True)
    lines = _json(seed_db, "storylines", "--sort", "size")
    assert {s["id"] for s in lines} == {s["id"] for s in _json(seed_db, "storylines")}
    result = run(seed_db, "events", "--sort", "biggest")
    assert result.exit_code != 0 and "sort must be one of" in result.output
