"""`storyline serve` argument handling."""

from typer.testing import CliRunner

from storyline.cli import app


def test_serve_refuses_closed_reading_without_a_token(seed_db, monkeypatch):
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["--db", seed_db, "serve", "--closed"])
    assert result.exit_code == 2 and "token" in result.output
    assert "Traceback" not in result.output
