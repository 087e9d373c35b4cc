"""The user's example corpus, end to end: what the issue promises a user sees on it."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def _rotated(files, k):
    return files[k:] + files[:k]


# The result must not hang on the order the files arrive in: within a month nothing orders them.
@pytest.mark.parametrize("arrange", [None, lambda f: f[::-1], lambda f: _rotated(f, 2)],
                         ids=["directory", "reversed", "rotated"])
def test_example_corpus_events_storyline_and_estimated_date(tmp_path, arrange):
    runner = CliRunner()
    db = str(tmp_path / "seeds.db")
    paths = [str(SEEDS)] if arrange is None else arrange(sorted(str(f) for f in SEEDS.glob("*.txt")))
    assert runner.invoke(app, ["--db", db, "ingest", *paths]).exit_code == 0
    events = json.loads(runner.invoke(app, ["--db", db, "events", "--json"]).stdout)
    storylines = json.loads(runner.invoke(app, ["--db", db, "storylines", "--json"]).stdout)
    articles = {a["id"]: a for a in json.loads(runner.invoke(app, ["--db", db, "articles", "--json"]).stdout)}
    # Three outlets on the talks starting in Belarus (the undated one among them) form one event; the
    # article from days before and the one from a month later stand alone.
    by_size = sorted(len(e["articles"]) for e in events)
    assert by_size == [1, 1, 3]
    talks = next(e for e in events if len(e["articles"]) == 3)
    undated = [i for i, a in articles.items() if a["published"] is None]
    assert set(undated) <= set(talks["articles"])
    march = [i for i, a in articles.items() if (a["published"] or "").startswith("2022-03")]
    assert all(i not in talks["articles"] for i in march)
    # All five chain into one storyline, and the undated article receives a date.
    assert len(storylines) == 1 and len(storylines[0]["events"]) == 3
    shown = json.loads(runner.invoke(app, ["--db", db, "show", talks["id"], "--json"]).stdout)
    assert shown["date"] is not None
