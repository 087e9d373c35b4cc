"""The Dutch quote scorer: speaker matching, the two halves, and the figures it reports on the dev labels."""

import json

from storyline.eval.quotes_dpg import DEFAULT_GOLD, HALVES, evaluate_dpg, half_of, speaker_matches

from shared_data import data_path


def test_speaker_matching_folds_case_diacritics_determiners_and_uses_the_surname():
    assert speaker_matches("Mark Rutte", "Rutte") and speaker_matches("de SP", "SP")
    assert speaker_matches("Ingrid van Engelshoven", "INGRID VAN ENGELSHOVEN")
    assert speaker_matches("Gabriel Sterk", "Gabriël Sterk")
    assert not speaker_matches("Zoals", "Mark Rutte")
    assert not speaker_matches("Mark Rutte", "Khadija Arib")
    assert not speaker_matches(None, "Mark Rutte") and speaker_matches(None, None)


def test_halves_split_the_labelled_articles_and_are_stable():
    ids = [json.loads(line)["id"] for line in DEFAULT_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    halves = [half_of(i) for i in ids]
    assert set(halves) == set(HALVES) and all(half_of(i) == h for i, h in zip(ids, halves))
    assert min(halves.count(h) for h in HALVES) >= len(ids) // 3


def test_dev_labels_are_scored_per_half_with_thresholds():
    data_path("dpgmedia2019-partisan-nl")
    result = evaluate_dpg(DEFAULT_GOLD)
    assert result["all"]["gold"] == result["tune"]["gold"] + result["check"]["gold"] == 330
    shown = result["tune"]["thresholds"][result["shown_threshold"]]  # the listings' threshold is always a row
    everything = result["tune"]["thresholds"]["0.00"]
    assert shown["p"] >= everything["p"] and shown["r"] <= everything["r"]
    # the calibrated threshold was set on the tune half for precision >= 0.9 (out of fold): shown quotes keep it
    assert shown["p"] >= 0.88
    # measured 0.68 on the tune half (0.42 before the rebuild); a floor, not the figure
    assert result["tune"]["partial_speaker"]["f1"] > 0.6
    assert result["all"]["kind_accuracy"] > 0.9
