"""Pair ranking report: counts pairs within the window and scores every signal."""

from storyline.eval.pairs import pair_report


def _rec(i, event, day, title, text):
    return {"id": f"t{i}", "title": title, "text": text, "published": f"2019-03-{day:02d}", "language": "nl",
            "event": event}


def test_pair_report_counts_pairs_in_the_window_and_ranks_same_event_pairs_higher():
    records = [
        _rec(1, "storm", 1, "Storm treft Limburg", "Een zware storm trof maandag Limburg. Bomen vielen om in Venlo."),
        _rec(2, "storm", 1, "Stormschade in Venlo", "De storm in Limburg liet in Venlo omgevallen bomen achter."),
        _rec(3, "kabinet", 2, "Kabinet presenteert begroting", "Het kabinet maakte de begroting voor onderwijs bekend."),
        _rec(4, "kabinet", 20, "Begroting onderwijs", "De begroting voor onderwijs van het kabinet is bekend."),
    ]
    report = pair_report(records, days=3)
    assert report["pairs"] == 3 and report["positive_pairs"] == 1  # record 4 is outside the window
    for name in ("embedding", "lemma_tfidf", "model"):
        assert report["signals"][name]["roc_auc"] == 1.0  # the storm pair ranks above the two unrelated ones
