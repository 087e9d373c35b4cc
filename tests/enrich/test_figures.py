"""Figures: Dutch written numbers, qualifiers, what is counted, units, reporters, dates."""

import pytest

from storyline.enrich.figures import extract_figures, parse_number
from storyline.enrich.quotes import extract_quotes


@pytest.mark.parametrize("phrase, expected", [
    ("een half miljoen", (500000.0, 500000.0, 500000.0)),
    ("anderhalf miljoen", (1500000.0, 1500000.0, 1500000.0)),
    ("vier miljoen", (4000000.0, 4000000.0, 4000000.0)),
    ("duizenden", (None, 2000.0, 9999.0)),
    ("500.000", (500000.0, 500000.0, 500000.0)),
    ("3,5 miljoen", (3500000.0, 3500000.0, 3500000.0)),
    ("drieëntwintig", (23.0, 23.0, 23.0)),
])
def test_parse_number_nl(phrase, expected):
    assert parse_number(phrase, "nl") == expected


def test_parse_number_english_separators():
    assert parse_number("500,000", "en") == (500000.0, 500000.0, 500000.0)
    assert parse_number("2.5 million", "en") == (2500000.0, 2500000.0, 2500000.0)


def _one(text, **kw):
    figs = extract_figures(text, "nl", extract_quotes(text, "nl", []), **kw)
    assert len(figs) == 1, figs
    return figs[0]


def test_refugees_with_qualifier_and_reporter():
    f = _one("Meer dan een half miljoen mensen zijn het land ontvlucht, meldt de VN-vluchtelingenorganisatie.",
             source="NOS", published="2023-04-02")
    assert (f.what, f.value, f.low, f.high, f.qualifier) == ("refugees", 500000.0, 500000.0, None, "more than")
    assert f.reported_by == "de VN-vluchtelingenorganisatie"
    assert f.as_of == "2023-04-02"


def test_killed_civilians_at_least_and_outlet_as_fallback_reporter():
    f = _one("Bij de aanval kwamen zeker 12 burgers om het leven.", source="NOS")
    assert (f.what, f.subject, f.low, f.qualifier) == ("killed", "civilians", 12.0, "at least")
    assert f.reported_by == "NOS"


def test_vague_plural_is_a_range():
    f = _one("Volgens de burgemeester zijn duizenden inwoners gevlucht.")
    assert (f.what, f.value, f.low, f.high) == ("refugees", None, 2000.0, 9999.0)
    assert f.reported_by == "de burgemeester"


def test_injured_almost_is_an_upper_bound():
    f = _one("Bijna veertig mensen raakten gewond.")
    assert (f.what, f.low, f.high, f.qualifier) == ("injured", None, 40.0, "almost")


def test_money_distance_duration_units():
    money = _one("De regering trekt 500 miljoen euro uit voor de wederopbouw.")
    assert (money.what, money.value, money.unit) == ("money", 5e8, "euro")
    dist = _one("De colonne staat nog 30 kilometer van de stad.")
    assert (dist.what, dist.unit) == ("distance", "kilometer")
    dur = _one("Mensen wachtten meer dan dertig uur aan de grens.")
    assert (dur.what, dur.value, dur.unit, dur.qualifier) == ("duration", 30.0, "uur", "more than")


def test_years_clock_times_and_ordinals_are_not_figures():
    text = ("In 2014 werden akkoorden gesloten. Het bestand begint om tien uur ’s ochtends. "
            "Op dag vijf van de oorlog vluchtten mensen weg.")
    assert extract_figures(text, "nl", []) == []


def test_part_after_onder_wie_counts_children():
    figs = extract_figures("De oorlog eiste veel burgerslachtoffers: zeker 102, onder wie 7 kinderen.", "nl", [])
    assert [(f.what, f.subject, f.value) for f in figs] == [("killed", "civilians", 102.0), ("killed", "children", 7.0)]


def test_attribution_closing_the_next_sentence_reports_the_figure():
    text = "Er vielen zeker 40 doden. 120 mensen raakten gewond, zei de gouverneur."
    figs = extract_figures(text, "nl", extract_quotes(text, "nl", []), source="NOS")
    assert [f.reported_by for f in figs] == ["de gouverneur", "de gouverneur"]


def test_as_of_comes_from_a_time_expression_in_the_sentence():
    from storyline.enrich.timex import find_time_expressions

    text = "Woensdag meldde de politie dat 14 mensen gewond zijn geraakt."
    times = find_time_expressions(text, "2022-03-04", "nl")
    f = _one(text, published="2022-03-04", time_expressions=times)
    assert f.as_of == "2022-03-02"
