"""Gold converters on the real corpora (skipped when ../shared/data is absent)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shared_data import data_path  # noqa: E402

from storyline.eval import ecbplus, meantime


def test_ecbplus_test_split_has_two_subtopics_per_topic():
    records = list(ecbplus.convert(data_path("ecbplus"), "test"))
    topics = {r["storyline"] for r in records}
    assert topics == {str(t) for t in range(36, 46)}
    assert len({r["event"] for r in records}) == 20
    assert all(r["text"] and r["language"] == "en" for r in records)


def test_ecbplus_splits_do_not_overlap():
    train = {r["storyline"] for r in ecbplus.convert(data_path("ecbplus"), "train")}
    dev = {r["storyline"] for r in ecbplus.convert(data_path("ecbplus"), "dev")}
    assert not train & dev and not train & {str(t) for t in range(36, 46)}


def test_meantime_pairs_each_dutch_document_with_its_english_original():
    records = list(meantime.convert(data_path("meantime-cdcr-processed"), ("en", "nl")))
    by_event = {}
    for r in records:
        by_event.setdefault(r["event"], set()).add(r["language"])
    assert len(by_event) == 120 and all(langs == {"en", "nl"} for langs in by_event.values())
    assert all(r["published"] for r in records)  # dates read from the documents' date line


def test_meantime_spanish_and_italian_documents_are_dated_like_their_english_original():
    records = list(meantime.convert(data_path("meantime-cdcr-processed"), ("en", "es", "it")))
    english = {r["event"]: r["published"] for r in records if r["language"] == "en"}
    translated = [r for r in records if r["language"] in ("es", "it")]
    dated = [r for r in translated if r["published"]]
    assert len(dated) >= 0.95 * len(translated)  # "1 marzo 2008", "1 de marzo de 2008"
    same_day = sum(1 for r in dated if r["published"] == english[r["event"]])
    assert same_day >= 0.9 * len(dated)  # a few translations carry another day than their original


def test_meantime_date_line_in_the_documents_language():
    assert meantime.parse_date_line("1 marzo 2008", "it") == "2008-03-01"
    assert meantime.parse_date_line("1 de marzo de 2008", "es") == "2008-03-01"
    assert meantime.parse_date_line("March 01 , 2008", "en") == "2008-03-01"
    assert meantime.parse_date_line("marzo 2008", "it") is None  # a month is not a publication day
    assert meantime.parse_date_line("", "it") is None


def test_eval_clustering_cli_on_a_small_gold_file(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    records = [r for r in meantime.convert(data_path("meantime-cdcr-processed"), ("en", "nl"))
               if r["storyline"] == "airbus"][:12]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "clustering", str(gold), "--json", "--cluster-only"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"events", "storylines", "articles_per_s"}
    assert set(data["events"]) == {"pairwise", "bcubed", "clusters", "gold_clusters"}
    assert data["events"]["bcubed"]["f1"] >= 0.8


def test_eval_clustering_rejects_a_file_without_labels(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "clustering", str(gold)])
    assert result.exit_code == 2 and "event" in result.output


def test_ecbplus_source_url_becomes_source_and_date_not_title():
    lines = ["http: / / articles. washingtonpost. com / 2009 - 03 - 04 / news / 36879035 _ 1 _ bridge - project",
             "Obama Reverses Bush on Species Protection Measure", "Body text."]
    source, published, rest = ecbplus.split_url(lines)
    assert (source, published) == ("articles.washingtonpost.com", "2009-03-04")
    assert rest[0] == "Obama Reverses Bush on Species Protection Measure"
    assert ecbplus.split_url(["A plain first sentence.", "x"]) == (None, None, ["A plain first sentence.", "x"])


def test_ecbplus_titles_are_never_urls():
    records = list(ecbplus.convert(data_path("ecbplus"), "dev"))
    assert not [r["id"] for r in records if (r["title"] or "").startswith("http")]
    assert sum(1 for r in records if r["source"]) > len(records) // 3


def test_eval_clustering_threshold_option_trades_merges_for_precision(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    records = [r for r in meantime.convert(data_path("meantime-cdcr-processed"), ("en", "nl"))
               if r["storyline"] == "airbus"][:12]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from storyline.settings import get_settings

    shipped = get_settings().cluster
    runs = {}
    for t in ("0.05", "0.95"):
        result = CliRunner().invoke(app, ["eval", "clustering", str(gold), "--json", "--cluster-only",
                                          "--event-threshold", t])
        assert result.exit_code == 0, result.output
        runs[t] = json.loads(result.stdout)
        assert runs[t]["event_threshold"] == float(t)
        # pairs whose dates say nothing never get a lower threshold than dated ones
        assert runs[t]["event_threshold_undated"] == max(float(t), shipped.event_threshold_undated)
    assert runs["0.05"]["events"]["clusters"] <= runs["0.95"]["events"]["clusters"]
    assert get_settings().cluster == shipped  # the option does not leak into later work in this process
    bad = CliRunner().invoke(app, ["eval", "clustering", str(gold), "--event-threshold", "1.5"])
    assert bad.exit_code != 0


def test_publication_order_shuffles_only_within_a_date():
    from storyline.eval.clustering import publication_order

    records = [{"id": str(i), "published": d} for i, d in
               enumerate(["2019-03-02", "2019-03-01", None, "2019-03-01", "2019-03-01", "2019-03-02", None])]
    assert [r["id"] for r in publication_order(records)] == ["1", "3", "4", "0", "5", "2", "6"]
    orders = [[r["id"] for r in publication_order(records, seed)] for seed in range(1, 9)]
    for order in orders:
        assert sorted(order[:3]) == ["1", "3", "4"] and sorted(order[3:5]) == ["0", "5"]
        assert sorted(order[5:]) == ["2", "6"]
    assert len({tuple(o) for o in orders}) > 1
    assert orders[0] == [r["id"] for r in publication_order(records, 1)]  # reproducible


def test_eval_clustering_over_several_orders_reports_means_and_spread(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    records = [r for r in meantime.convert(data_path("meantime-cdcr-processed"), ("en", "nl"))
               if r["storyline"] == "airbus"][:10]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "clustering", str(gold), "--json", "--cluster-only", "--orders", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["orders"] == 3
    assert set(data["events"]) == {"pairwise", "bcubed", "clusters", "gold_clusters"}
    assert 0.0 <= data["events"]["bcubed"]["f1"] <= 1.0
    assert set(data["spread"]) >= {"events_pairwise_f1_sd", "events_bcubed_f1_sd"}
    bad = CliRunner().invoke(app, ["eval", "clustering", str(gold), "--orders", "0"])
    assert bad.exit_code == 2
