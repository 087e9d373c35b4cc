"""`storyline eval timeline` on real ML-Crisis data (skipped when ../shared/data is absent)."""

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("STORYLINE_DATA", REPO.parent / "shared" / "data")) / "ml-crisis-tls"


@pytest.fixture
def root():
    if not (DATA / "es" / "reference" / "yemen.txt").exists():
        pytest.skip(f"real data not available: {DATA} (set STORYLINE_DATA to the shared data folder)")
    return DATA


def test_topic_inputs_stay_within_the_reference_span(root):
    from storyline.eval.timeline_run import load_topic

    reference, records = load_topic(root, "es", "yemen")
    first, last = min(reference).isoformat(), max(reference).isoformat()
    assert records and all(first <= r["published"] <= last for r in records)
    assert all(r["language"] == "es" and r["text"] for r in records)


def test_eval_timeline_command_scores_the_baseline(root):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["eval", "timeline", "--data", str(root), "--langs", "es", "--topics", "yemen",
                                      "--method", "pubdate", "--encoder", "tfidf", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    topic = out["topics"][0]
    assert topic["pred_dates"] == topic["ref_dates"]  # told how many dates, as in news-tls
    # Real overlap with the reference, far from perfect: the range news-tls systems reach.
    assert 0.02 < topic["ar1_f"] < 0.5 and 0.05 < topic["date_f1"] < 0.9


def test_bad_options_are_clear_errors(root):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["eval", "timeline", "--data", str(root), "--method", "magic"])
    assert result.exit_code == 2 and "unknown method" in result.output
