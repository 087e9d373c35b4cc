"""The calibrated quote confidence: the features extract_quotes reports, the logistic fit, and the shown
threshold's meaning (sentences written for these tests)."""

from storyline.enrich.quotes import _confidence, extract_quotes
from storyline.eval.calibrate_quotes import _prob, fit
from storyline.records import Mention
from storyline.settings import get_settings

SHOWN = get_settings().enrich.quote_min_confidence


def test_extract_quotes_explains_each_confidence_by_its_features():
    text = (",,We bouwen de brug opnieuw,'' zegt Anna de Wit. ,,Het duurt twee jaar.'' "
            "Volgens de gemeente is de brug over tien jaar weer aan de beurt.")
    explain: dict = {}
    quotes = extract_quotes(text, "nl", [Mention("Anna de Wit", "PER", text.find("Anna"),
                                                  text.find("Anna") + 11, 0)], [], explain)
    assert [explain[(q.start, q.end)][:2] for q in quotes] == [("after", "name"), ("continuation", "name"),
                                                                ("according", "org")]


def test_the_fit_orders_patterns_by_how_often_they_are_right():
    data = [(("after", "name", False), 1, f"a{i}") for i in range(20)]
    data += [(("none", "none", False), 0, f"b{i}") for i in range(20)]
    data += [(("verb", "unresolved", False), i % 2, f"c{i}") for i in range(20)]
    w = fit(data)
    p_after, p_verb, p_none = (_prob(w, f) for f in (("after", "name", False), ("verb", "unresolved", False),
                                                        ("none", "none", False)))
    assert p_after > p_verb > p_none
    assert 0.3 < p_verb < 0.7  # right half of the time: near one half


def test_shipped_weights_show_named_speakers_and_hide_speakerless_quotes():
    assert _confidence("after", "name", True, True) >= SHOWN
    assert _confidence("verb", "name", True, False) >= SHOWN
    assert _confidence("none", "none", True, False) < SHOWN
    assert _confidence("verb", "unresolved", True, False) < SHOWN
    # an answer in an interview, or a quote after sentences naming several people: shown only with --all
    assert _confidence("interview", "name", True, True) < SHOWN
    assert _confidence("context_unsure", "name", True, True) < SHOWN
    # no syntax model for the language: less sure than the same attribution with an agreeing parse
    assert _confidence("after", "name", False, False) < _confidence("after", "name", True, True)
