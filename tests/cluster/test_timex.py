"""Dutch-first time expressions resolved against the article date."""

from storyline.enrich.timex import estimate_publication_date, find_time_expressions, resolve


def _by_text(text, ref, lang="nl", **kw):
    return {e.text.lower(): e for e in find_time_expressions(text, ref, lang, **kw)}


def test_dutch_day_words_and_compounds_resolve_against_a_monday():
    found = _by_text("De delegatie arriveerde maandagochtend. Gisteravond sprak Zelensky; vanochtend volgde Kiev. "
                     "Eergisteren was het stil.", "2022-02-28")
    assert found["maandagochtend"].date == "2022-02-28"  # the same Monday, not a week before
    assert found["maandagochtend"].part_of_day == "morning"
    assert found["gisteravond"].date == "2022-02-27" and found["gisteravond"].part_of_day == "evening"
    assert found["vanochtend"].date == "2022-02-28"
    assert found["eergisteren"].date == "2022-02-26"


def test_written_numbers_and_calendar_dates():
    assert resolve("drie dagen geleden", "2022-02-28").date == "2022-02-25"
    assert resolve("twee weken geleden", "2022-02-28").precision == "week"
    assert resolve("28 december", "2022-01-03").date == "2021-12-28"  # the nearest year
    assert resolve("1 maart 2022", None).date == "2022-03-01"
    assert resolve("afgelopen vrijdag", "2022-02-28").date == "2022-02-25"
    assert resolve("dag vijf van de oorlog", None, anchors={"oorlog": "2022-02-24"}).date == "2022-02-28"


def test_relative_words_stay_unresolved_without_a_day_precise_reference():
    (expr,) = find_time_expressions("Hij sprak gisteren.", "2022-02", "nl")
    assert expr.text == "gisteren" and expr.date is None


def test_english_expressions():
    found = _by_text("The deal was announced yesterday and signed on Monday morning, March 3, 2008.", "2008-03-05",
                     "en")
    assert found["yesterday"].date == "2008-03-04"
    assert found["monday morning"].date == "2008-03-03"
    assert found["march 3, 2008"].date == "2008-03-03"


def test_publication_date_estimated_from_text_within_the_known_month():
    assert estimate_publication_date("Op 27 februari en 3 maart sprak hij.", "2022-02") == "2022-02-27"
    assert estimate_publication_date("Hij sprak gisteren.", "2022-02") is None
    assert estimate_publication_date("Hij sprak.", "2022-02-10") is None  # already day-precise


def test_expressions_past_the_ends_of_the_calendar_stay_unresolved():
    assert resolve("morgen", "9999-12-31").date is None
    assert resolve("gisteren", "0001-01-01").date is None
    assert resolve("vorige maand", "0001-01-01").date is None
