from storyline.eval.metrics import bcubed, pairwise


def test_perfect_and_all_singletons():
    gold = ["a", "a", "b", "c"]
    assert pairwise(gold, [1, 1, 2, 3])["f1"] == 1.0 and bcubed(gold, [1, 1, 2, 3])["f1"] == 1.0
    singletons = pairwise(gold, [1, 2, 3, 4])
    assert singletons["r"] == 0.0 and singletons["f1"] == 0.0
    assert bcubed(gold, [1, 2, 3, 4])["p"] == 1.0


def test_known_values():
    gold = ["a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2]
    # pairs: gold {01,02,12,34}; predicted {01,23,24,34}; shared {01,34}
    assert pairwise(gold, pred) == {"p": 0.5, "r": 0.5, "f1": 0.5}
    b = bcubed(gold, pred)
    assert round(b["p"], 4) == round((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5, 4)
    assert round(b["r"], 4) == round((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, 4)
