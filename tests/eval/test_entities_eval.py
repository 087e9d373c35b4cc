"""Coreference metrics and the MEANTIME entity-linking evaluation."""

from __future__ import annotations

import pytest

from storyline.eval.entities import b_cubed, ceaf_e, conll_f1, muc


def test_metrics_on_a_hand_checked_example():
    key = [{1, 2, 3}, {4, 5}]
    response = [{1, 2}, {3, 4, 5}]
    # MUC: key links 3 (2+1), recovered 1+1 -> R = 2/3; response links 3, correct 1+1 -> P = 2/3.
    assert muc(key, response)["r"] == pytest.approx(2 / 3)
    assert muc(key, response)["p"] == pytest.approx(2 / 3)
    # B3 precision: (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15.
    assert b_cubed(key, response)["p"] == pytest.approx(11 / 15)
    assert ceaf_e(key, key)["f1"] == pytest.approx(1.0)
    assert conll_f1(key, key)["conll_f1"] == pytest.approx(1.0)
    assert muc(key, [{m} for m in range(1, 6)])["f1"] == 0.0


def test_meantime_linker_beats_exact_string_matching():
    from shared_data import data_path

    from storyline.eval.entities import evaluate_meantime

    result = evaluate_meantime(data_path("meantime-cdcr-processed"), language="nl")
    systems = result["systems"]
    assert result["mentions"] > 900 and result["documents"] == 120
    assert systems["storyline"]["conll_f1"] > systems["same string"]["conll_f1"] + 0.03
    assert systems["storyline"]["b3"]["p"] > 0.9  # merging across spellings must not lump different things
