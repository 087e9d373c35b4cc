"""Timeline metrics replay the worked examples from tilse's own test suite (tilse/test/evaluation/test_rouge.py)."""

from datetime import date

import pytest

from storyline.eval.timeline import evaluate, evaluate_dates, read_reference, tokenize

D = lambda d: date(2010, 1, d)  # noqa: E731

REFS = [
    {D(1): ["timeline summarization ."],
     D(2): ["timeline summarization is awesome .", "coreference resolution is , too ."],
     D(4): ["alignments are really nice"]},
    {D(2): ["metrics are complicated ."]},
]
SAME = {D(2): ["timeline summarization ."], D(3): ["doing some metric checks ."], D(5): ["checks for alignments ."]}
HIGHER_WITH_CONTENT = {D(2): ["timeline summarization ."], D(3): ["alignments are really nice"],
                       D(5): ["timeline summarization ."]}
LESS = {D(2): ["timeline summarization ."], D(3): ["doing some metric checks ."]}
MORE = {**SAME, D(6): ["asdf"]}

CASES = [
    ("concat", SAME, 4 / 12, 4 / 11), ("concat", LESS, 3 / 8, 3 / 11), ("concat", MORE, 4 / 14, 4 / 11),
    ("agreement", SAME, 2 / 12, 2 / 11), ("agreement", LESS, 2 / 8, 2 / 11), ("agreement", MORE, 2 / 14, 2 / 11),
    ("align_date_costs", SAME, 2.5 / 12, 2.5 / 11), ("align_date_costs", HIGHER_WITH_CONTENT, 2 / 12, 2 / 11),
    ("align_date_costs", LESS, 2 / 8, 2 / 11), ("align_date_costs", MORE, 2.5 / 14, 2.5 / 11),
    # tilse's test expects recall 2.5/11 here (and precision 2.5/14 for MORE); that value depends on how the Hungarian solver breaks
    # a tie between two equal-cost alignments. tilse 0.2.1 itself (reimpl, current scipy) gives 2/11, as does this port.
    ("align_date_content_costs", SAME, 2 / 12, 2 / 11),
    ("align_date_content_costs", HIGHER_WITH_CONTENT, 3.4 / 12, 3.4 / 11),
    ("align_date_content_costs", LESS, 2 / 8, 2 / 11), ("align_date_content_costs", MORE, 2 / 14, 2 / 11),
    ("align_date_content_costs_many_to_one", SAME, 3 / 12, 3.5 / 11),
    ("align_date_content_costs_many_to_one", LESS, 2.5 / 8, 3 / 11),
    ("align_date_content_costs_many_to_one", MORE, 3 / 14, 3.5 / 11),
]


@pytest.mark.parametrize("metric,pred,precision,recall", CASES)
def test_rouge_1_matches_tilse_worked_examples(metric, pred, precision, recall):
    scores = evaluate(pred, REFS, metric)["rouge_1"]
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert scores["f_score"] == pytest.approx(2 * precision * recall / (precision + recall))


def test_identical_timeline_scores_one_and_empty_scores_zero():
    ref = {D(1): ["the talks began in minsk on monday ."], D(9): ["a second round was held in istanbul ."]}
    assert evaluate(ref, [ref])["rouge_1"]["f_score"] == pytest.approx(1.0)
    assert evaluate(ref, [ref])["rouge_2"]["f_score"] == pytest.approx(1.0)
    assert evaluate({}, [ref])["rouge_1"]["f_score"] == 0


def test_date_f1():
    scores = evaluate_dates(SAME, REFS)  # reference dates 1, 2, 4; predicted 2, 3, 5
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["recall"] == pytest.approx(1 / 3)


def test_unknown_metric_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown metric"):
        evaluate(SAME, REFS, "rouge-l")


def test_read_reference_merges_repeated_dates(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("2013-07-05\nA .\n-----\n2013-07-05\nB .\nC .\n-----\n2013-07-04\nD .\n-----\n", encoding="utf-8")
    tl = read_reference(path)
    assert tl == {date(2013, 7, 5): ["A .", "B .", "C ."], date(2013, 7, 4): ["D ."]}


def test_tokenize_splits_punctuation_like_the_references():
    assert tokenize("Mubarak, según una fuente (AFP).") == "Mubarak , según una fuente ( AFP ) ."
