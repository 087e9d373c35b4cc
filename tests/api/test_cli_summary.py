"""`storyline summary` and `storyline serve` argument handling."""

import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app


def test_summary_json_matches_the_api(seed_db):
    from fastapi.testclient import TestClient

    from storyline.api import create_app

    events = TestClient(create_app(seed_db, warm=False)).get("/api/events", params={"order": "size"}).json()
    if not events:
        pytest.skip("no events: the event clustering stage is not installed yet")
    result = CliRunner().invoke(app, ["--db", seed_db, "summary", events[0]["id"], "--json"])
    assert result.exit_code == 0, result.output
    cited = json.loads(result.stdout)
    assert cited and all(s["article"] in events[0]["articles"] for s in cited)


def test_summary_of_unknown_event_is_a_clear_error(seed_db):
    result = CliRunner().invoke(app, ["--db", seed_db, "summary", "E999999"])
    assert result.exit_code == 1 and "no event" in result.output


def test_serve_refuses_closed_reading_without_a_token(seed_db, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["--db", seed_db, "serve", "--closed"])
    assert result.exit_code == 2 and "token" in result.output
